"""Events of every document -> one kg:Fact per claim, in the named graph kgd:facts.

A fact is what several articles can agree on: one relation, one supplier, one
recipient, one kind of item, one modality. Facts are read back from the
documents' graphs rather than from model objects, so after one document's
graph is replaced in a store, `add_facts` on the store's dataset brings the
facts up to date without re-running extraction.

Keys, and why:
- an event with several suppliers, recipients or items gives one fact per
  combination, so a query matches one edge without unpacking lists;
- an empty side (no supplier stated) is keyed as absent and the fact has no
  kg:supplier: "someone supplies Russia" is a weaker claim than, and kept
  apart from, "North Korea supplies Russia";
- actors are keyed by the IRI their events use; an unnamed party ("ses
  alliés") has a per-document IRI, so its facts never merge across articles,
  where the same words mean other parties;
- an item is keyed by its item type when known, and by its category always,
  so « obus » and « Shahed » stay apart but two articles naming the same
  system meet.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg.rdf.namespace import FACTS_GRAPH, KG, KGD, MODALITY, RELATION_CLASS

_RELATION_CLASSES = frozenset(RELATION_CLASS.values())
_MODALITIES = frozenset(MODALITY.values())
# Only these are ordered by date; a free-text date ("printemps 2023") is kept on its event only.
_DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})

_Triple = tuple[URIRef, URIRef, Node]


@dataclass(frozen=True)
class _Key:
    """What makes two statements one fact; None is an absent side."""

    relation: Node
    supplier: Node | None
    recipient: Node | None
    item_type: Node | None
    category: Node | None
    modality: Node

    def iri(self) -> URIRef:
        """A hash of the key: the same claim gets the same IRI in every build."""
        fields = (self.relation, self.supplier, self.recipient, self.item_type, self.category, self.modality)
        parts = [None if f is None else str(f) for f in fields]
        data = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        return KGD["fact/" + hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]]


@dataclass
class _Support:
    """The events behind one fact and what is counted from them."""

    events: set[Node] = field(default_factory=set)
    documents: set[Node] = field(default_factory=set)
    sentences: set[Node] = field(default_factory=set)
    dates: set[Literal] = field(default_factory=set)
    sources: set[Literal] = field(default_factory=set)


def add_facts(dataset: Dataset) -> Graph:
    """Recompute the graph kgd:facts from the events of every other graph, replacing what it held.

    Returns:
        The facts graph of `dataset`. An event with no relation class or no
        single modality cannot be keyed and is left out; SHACL reports it.
    """
    support: dict[_Key, _Support] = {}
    # One pass over the typing quads: asking each graph for its events scans every
    # graph's events (rdflib's memory store indexes by triple, not by graph), which
    # made building facts quadratic in the number of documents.
    events_by_graph: dict[Node, set[Node]] = {}
    for event, _, _, context in dataset.quads((None, RDF.type, KG.Event, None)):
        identifier = getattr(context, "identifier", context)
        events_by_graph.setdefault(identifier, set()).add(event)
    for graph in dataset.graphs():
        if graph.identifier == FACTS_GRAPH:
            continue
        for event in events_by_graph.get(graph.identifier, set()):
            keys = _keys(graph, event)
            if keys:
                evidence = _evidence(graph, event)
                for key in keys:
                    _merge(support.setdefault(key, _Support()), evidence)
    facts = dataset.graph(FACTS_GRAPH)
    facts.remove((None, None, None))
    for key, found in support.items():
        for triple in _fact_triples(key, found):
            facts.add(triple)
    return facts


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    """The value of a single-valued property; the smallest if the data breaks that (deterministic)."""
    return min(graph.objects(subject, predicate), key=str, default=None)


def _keys(graph: Graph, event: Node) -> set[_Key]:
    """One key per supplier x recipient x item of the event."""
    relations = [c for c in graph.objects(event, RDF.type) if c in _RELATION_CLASSES]
    modalities = [m for m in graph.objects(event, KG.modality) if m in _MODALITIES]
    if len(relations) != 1 or len(modalities) != 1:
        return set()
    suppliers: set[Node | None] = set(graph.objects(event, KG.supplier)) or {None}
    recipients: set[Node | None] = set(graph.objects(event, KG.recipient)) or {None}
    items: set[tuple[Node | None, Node | None]] = {
        (_one(graph, flow, KG.itemType), _one(graph, flow, KG.category)) for flow in graph.objects(event, KG.itemFlow)
    } or {(None, None)}
    return {
        _Key(relations[0], supplier, recipient, item_type, category, modalities[0])
        for supplier, recipient, (item_type, category) in itertools.product(suppliers, recipients, items)
    }


def _evidence(graph: Graph, event: Node) -> _Support:
    """What one event adds to each of its facts: itself, its document, sentence, date and source."""
    mentions = set(graph.objects(event, KG.evidence))
    sentences = {s for m in mentions for s in graph.objects(m, KG.sentence)} or {event}
    documents = {d for s in sentences for d in graph.objects(s, KG.document)} or {graph.identifier}
    return _Support(
        events={event},
        documents=documents,
        sentences=sentences,
        dates={d for d in graph.objects(event, KG.date) if isinstance(d, Literal) and d.datatype in _DATE_TYPES},
        sources={s for s in graph.objects(event, KG.source) if isinstance(s, Literal)},
    )


def _merge(into: _Support, more: _Support) -> None:
    into.events |= more.events
    into.documents |= more.documents
    into.sentences |= more.sentences
    into.dates |= more.dates
    into.sources |= more.sources


def _date_order(date: Literal) -> tuple[str, str]:
    # ISO text orders dates of one precision; a prefix (2024-03) sorts before what it contains.
    return str(date), str(date.datatype)


def _fact_triples(key: _Key, found: _Support) -> Iterable[_Triple]:
    node = key.iri()
    yield node, RDF.type, KG.Fact
    yield node, RDF.type, key.relation
    yield node, KG.modality, key.modality
    for predicate, value in (
        (KG.supplier, key.supplier),
        (KG.recipient, key.recipient),
        (KG.itemType, key.item_type),
        (KG.category, key.category),
    ):
        if value is not None:
            yield node, predicate, value
    for event in found.events:
        yield node, PROV.wasDerivedFrom, event
    yield node, KG.sourceCount, Literal(len(found.documents), datatype=XSD.integer)
    yield node, KG.mentionCount, Literal(len(found.sentences), datatype=XSD.integer)
    if found.dates:
        yield node, KG.firstDate, min(found.dates, key=_date_order)
        yield node, KG.lastDate, max(found.dates, key=_date_order)
    for source in found.sources:
        yield node, KG.source, source
