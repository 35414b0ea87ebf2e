"""The RDF layer: events -> named graphs (one per document, plus facts) -> deterministic TriG, checked by SHACL.

Only model objects come in (`kg.model`), never spaCy objects.
"""

from kg.rdf.build import build_dataset, document_iri, event_iri
from kg.rdf.facts import add_facts
from kg.rdf.namespace import ACTOR, CAT, FACTS_GRAPH, ITEM, KG, KGD, PREFIXES, SUMMARIES_GRAPH, WD
from kg.rdf.trig import dumps_trig, write_trig
from kg.rdf.validate import load_ontology, load_shapes, validate

__all__ = [
    "ACTOR",
    "CAT",
    "FACTS_GRAPH",
    "SUMMARIES_GRAPH",
    "ITEM",
    "KG",
    "KGD",
    "PREFIXES",
    "WD",
    "add_facts",
    "build_dataset",
    "document_iri",
    "dumps_trig",
    "event_iri",
    "load_ontology",
    "load_shapes",
    "validate",
    "write_trig",
]
