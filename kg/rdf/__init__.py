"""The RDF layer: events -> named graphs -> deterministic TriG, checked by SHACL.

Only model objects come in (`kg.model`), never spaCy objects.
"""

from kg.rdf.build import build_dataset, document_iri, event_iri
from kg.rdf.namespace import ACTOR, CAT, ITEM, KG, KGD, PREFIXES, WD
from kg.rdf.trig import dumps_trig, write_trig
from kg.rdf.validate import load_ontology, load_shapes, validate

__all__ = [
    "ACTOR",
    "CAT",
    "ITEM",
    "KG",
    "KGD",
    "PREFIXES",
    "WD",
    "build_dataset",
    "document_iri",
    "dumps_trig",
    "event_iri",
    "load_ontology",
    "load_shapes",
    "validate",
    "write_trig",
]
