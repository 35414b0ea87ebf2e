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

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg.rdf.namespace import FACTS_GRAPH, KG, MODALITY, RELATION_CLASS, SUMMARIES_GRAPH
from kg.rdf.summaries import (
    SummaryId,
    contradiction_triples,
    summaries_of,
    summarised,
    summary_members,
    summary_triples,
)
from kg.rdf.support import DATE_TYPES, FactKey, Support, Triple
from kg.rdf.trig import Statement, TrigBlock, statements_block, subject_statements

_RELATION_CLASSES = frozenset(RELATION_CLASS.values())
_MODALITIES = frozenset(MODALITY.values())


def add_facts(dataset: Dataset) -> Graph:
    """Recompute the graphs kgd:facts and kgd:summaries from the events of every other graph, replacing them.

    Returns:
        The facts graph of `dataset`. An event with no relation class or no
        single modality cannot be keyed and is left out; SHACL reports it.
    """
    support: dict[FactKey, Support] = {}
    # One pass over the typing quads: asking each graph for its events scans every
    # graph's events (rdflib's memory store indexes by triple, not by graph), which
    # made building facts quadratic in the number of documents.
    events_by_graph: dict[Node, set[Node]] = {}
    for event, _, _, context in dataset.quads((None, RDF.type, KG.Event, None)):
        identifier = context.identifier if isinstance(context, Graph) else context
        if identifier is not None:
            events_by_graph.setdefault(identifier, set()).add(event)
    for graph in dataset.graphs():
        if graph.identifier not in (FACTS_GRAPH, SUMMARIES_GRAPH):
            _collect(graph, events_by_graph.get(graph.identifier, set()), support)
    for name, triples in fact_triples(support):
        graph = dataset.graph(name)
        graph.remove((None, None, None))
        for triple in triples:
            graph.add(triple)
    return dataset.graph(FACTS_GRAPH)


def document_support(graph: Graph) -> dict[FactKey, Support]:
    """What the events of one document's graph add to each fact: merged over documents, it gives the facts
    (`fact_triples`) without holding every document's graph at once."""
    support: dict[FactKey, Support] = {}
    _collect(graph, set(graph.subjects(RDF.type, KG.Event)), support)
    return support


def merge_support(total: dict[FactKey, Support], more: dict[FactKey, Support]) -> None:
    """Add `more` into `total` (sets: what both count, counts once)."""
    for key, found in more.items():
        total.setdefault(key, Support()).merge(found)


def fact_triples(support: dict[FactKey, Support]) -> list[tuple[URIRef, Iterable[Triple]]]:
    """The graphs kgd:facts (one kg:Fact per key, contradictions) and kgd:summaries of `support`, as (name,
    triples) pairs: `kg build` writes them straight to TriG (`kg.rdf.trig.triples_block`), without the cost
    of indexing their 34,000 triples (1,000 articles) in rdflib graphs first."""
    facts = itertools.chain(
        (triple for key, found in support.items() for triple in _fact_triples(key, found)),
        contradiction_triples(support),
    )
    return [(FACTS_GRAPH, facts), (SUMMARIES_GRAPH, summary_triples(support))]


def _collect(graph: Graph, events: Iterable[Node], support: dict[FactKey, Support]) -> None:
    for event in events:
        keys = _keys(graph, event)
        if keys:
            evidence = _evidence(graph, event)
            for key in keys:
                support.setdefault(key, Support()).merge(evidence)


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    """The value of a single-valued property; the smallest if the data breaks that (deterministic)."""
    return min(graph.objects(subject, predicate), key=str, default=None)


def _keys(graph: Graph, event: Node) -> set[FactKey]:
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
        FactKey(relations[0], supplier, recipient, item_type, category, modalities[0])
        for supplier, recipient, (item_type, category) in itertools.product(suppliers, recipients, items)
    }


def _evidence(graph: Graph, event: Node) -> Support:
    """What one event adds to each of its facts: itself, its document, sentence, date and source."""
    mentions = set(graph.objects(event, KG.evidence))
    sentences = {s for m in mentions for s in graph.objects(m, KG.sentence)} or {event}
    documents = {d for s in sentences for d in graph.objects(s, KG.document)} or {graph.identifier}
    return Support(
        events={event},
        documents=documents,
        sentences=sentences,
        dates={d for d in graph.objects(event, KG.date) if isinstance(d, Literal) and d.datatype in DATE_TYPES},
        sources={s for s in graph.objects(event, KG.source) if isinstance(s, Literal)},
    )


def _fact_triples(key: FactKey, found: Support) -> Iterable[Triple]:
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
    yield from found.count_triples(node)
    for source in found.sources:
        yield node, KG.source, source


@dataclass
class _KeptFact:
    """A fact's statement in kgd:facts, and what it was written from."""

    found: Support
    denied: frozenset[Node]
    statement: Statement


class FactBlocks:
    """The TriG blocks of kgd:facts and kgd:summaries (`fact_triples`), written a statement at a time and kept.

    A build that changes one article in 1,000 changes the support of a few facts, and through them a few
    summaries: kept from the last call, every other statement is used as it was instead of being made and
    written again (on 1,000 articles, the two graphs were 0.25 s of each such build). A fact is written again
    when its support or the facts denying it changed; a summary when one of the facts it counts changed, came
    or went. The blocks are those `triples_block` makes of `fact_triples(support)`.
    """

    def __init__(self) -> None:
        self._facts: dict[FactKey, _KeptFact] = {}
        self._summaries: dict[SummaryId, dict[Node, Statement]] = {}

    def blocks(self, support: dict[FactKey, Support]) -> list[TrigBlock]:
        """The non-empty blocks of kgd:facts and kgd:summaries for `support`, kept for the next call."""
        denials: dict[Node, set[Node]] = {}
        for affirmed, _, denial in contradiction_triples(support):
            denials.setdefault(affirmed, set()).add(denial)
        changed = set(self._facts.keys() - support.keys())
        facts: dict[FactKey, _KeptFact] = {}
        fact_statements: dict[Node, Statement] = {}
        for key, found in support.items():
            node = key.iri()
            denied = frozenset(denials.get(node, ()))
            kept = self._facts.get(key)
            restated = kept is None or kept.found != found
            if restated:
                changed.add(key)
            if restated or kept is None or kept.denied != denied:
                triples = itertools.chain(_fact_triples(key, found), ((node, KG.contradictedBy, d) for d in denied))
                (statement,) = subject_statements(triples).values()
                kept = _KeptFact(found, denied, statement)
            facts[key] = kept
            fact_statements[node] = kept.statement
        touched = {summary for key in changed for summary in summaries_of(key)}
        summaries: dict[SummaryId, dict[Node, Statement]] = {}
        for summary, keys in summary_members(support).items():
            statements = self._summaries.get(summary) if summary not in touched else None
            if statements is None:
                statements = subject_statements(summarised(summary, keys, support))
            summaries[summary] = statements
        self._facts, self._summaries = facts, summaries
        summary_statements = {node: s for statements in summaries.values() for node, s in statements.items()}
        graphs = [(FACTS_GRAPH, fact_statements), (SUMMARIES_GRAPH, summary_statements)]
        return [statements_block(name, statements) for name, statements in graphs if statements]
