"""The store -> `ExportData`: the shared read of the events (`kg.graph_reader`) and a few whole-graph SPARQL
queries of the exports' own (`kg/export/queries/*.rq`: vocabulary, facts, summaries), joined in Python.

One query per kind of thing keeps each a plain scan Oxigraph plans well;
joining them by IRI here costs one dictionary lookup per row. The store is
only read: exports see the built graph, nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.export.model import Event, ExportData, Fact, Flow, Item, Supplies, relation_key
from kg.graph_reader import GraphEvents, StoredFlow, read_graph_events
from kg.graph_reader.read import UNLABELLED, integer
from kg.query import local_name, select_rows

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


@dataclass
class StoredFacts:
    """What the graphs kgd:facts and kgd:summaries give the exports, by the IRI of the statement's subject:
    each fact, and each edge summary's row and its relation and modality terms.

    Kept by a watcher (`kg build --watch`): a build that rewrites a few statements of those graphs reads
    again only the subjects of those (`changed`), for the rest is what the last build's store held.
    """

    facts: dict[str, Fact] = field(default_factory=dict)
    edges: dict[str, dict[str, Any]] = field(default_factory=dict)
    terms: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def read_stored_facts(
    store: Any, kept: StoredFacts | None = None, changed: Collection[str] | None = None
) -> StoredFacts:
    """The facts and edge summaries of `store`; with `kept` (read from an earlier store) and `changed` (the
    subjects whose statements in kgd:facts or kgd:summaries differ from that store's), only those are read.

    Raises:
        StoreError: a query fails on the store.
    """
    if kept is None or changed is None:
        return StoredFacts(_read_facts(store), *_read_edges(store))
    gone = set(changed)
    if not gone:
        return kept
    only = sorted(gone)
    edges, terms = _read_edges(store, only)
    return StoredFacts(
        {**{iri: fact for iri, fact in kept.facts.items() if iri not in gone}, **_read_facts(store, only)},
        {**{iri: row for iri, row in kept.edges.items() if iri not in gone}, **edges},
        {**{iri: found for iri, found in kept.terms.items() if iri not in gone}, **terms},
    )


def read_export_data(store: Any, graph: GraphEvents | None = None, stored: StoredFacts | None = None) -> ExportData:
    """Everything the exports write, read from an Oxigraph store (read-only is enough).

    `graph` is the shared read of the store's events (`read_graph_events`), and `stored` its facts and edge
    summaries (`read_stored_facts`), each read here when not given: `kg build` reads the events once for the
    explorer and the exports, and a watcher patches both from its last build's.

    Raises:
        StoreError: a query fails on the store.
    """
    if graph is None:
        graph = read_graph_events(store)
    if stored is None:
        stored = read_stored_facts(store)
    concepts = _read_concepts(store)
    flows, items = _flows_and_items(graph.flows, concepts)
    events = [
        Event(**{**vars(event), "relation": relation_key(event.relation)}, flows=flows.get(event.iri, ()))
        for event in graph.events.values()
    ]
    documents, sentences = graph.documents, graph.sentences
    events.sort(key=lambda e: (e.date or "", documents[e.document].id, sentences[e.sentence].start or 0, e.iri))
    facts = sorted(stored.facts.values(), key=lambda f: (-f.n_sources, f.iri))
    return ExportData(
        actors=dict(graph.actors),
        items=dict(sorted(items.items())),
        documents=dict(sorted(documents.items())),
        sentences=dict(sorted(sentences.items())),
        events=events,
        supplies=_supplies(stored, facts),
        facts=facts,
        category_labels=_category_labels(concepts),
    )


def _read_concepts(store: Any) -> dict[str, dict[str, Any]]:
    """Item types and categories: English and French labels, and an item type's category key."""
    concepts: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in _select(store, "concepts", tagged=("label",)):
        entry = concepts[row["concept"]]
        text, language = row["label"]
        entry.setdefault(language or "", text)
        if row.get("category"):
            entry["category"] = local_name(row["category"])
        if row["kind"] == "category":
            entry["is_category"] = True
    return concepts


def _category_labels(concepts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Item category key -> English label (else the untagged one, else the key), sorted by key."""
    labels = {
        local_name(iri): entry.get("en") or entry.get("") or local_name(iri)
        for iri, entry in concepts.items()
        if entry.get("is_category")
    }
    return dict(sorted(labels.items()))


def _flows_and_items(
    stored: dict[str, tuple[StoredFlow, ...]], concepts: dict[str, dict[str, Any]]
) -> tuple[dict[str, tuple[Flow, ...]], dict[str, Item]]:
    """Item flows per event, and the items they move: the item type, else the category itself."""
    flows: dict[str, tuple[Flow, ...]] = {}
    items: dict[str, Item] = {}
    for event in sorted(stored):
        found = []
        for flow in stored[event]:
            category = local_name(flow.category)
            item = flow.item_type or flow.category
            if item not in items:
                names = concepts.get(item, {})
                name = names.get("en") or names.get("") or flow.label or category or UNLABELLED
                items[item] = Item(item, name, names.get("fr"), names.get("category") or category)
            found.append(
                Flow(
                    iri=flow.iri,
                    item=item,
                    label=flow.label or items[item].name,
                    category=category,
                    quantity=integer(flow.quantity),
                    quantity_text=tuple(sorted(flow.quantity_texts)),
                    item_type=flow.item_type,
                )
            )
        flows[event] = tuple(found)
    return flows, items


def _read_facts(store: Any, only: list[str] | None = None) -> dict[str, Fact]:
    """The facts, by IRI; `only`: those of these IRIs."""
    values = None if only is None else {"fact": only}
    derived: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, "fact-events", values=values):
        derived[row["fact"]].append(row["event"])
    denied: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, "contradictions", values=values):
        denied[row["fact"]].append(row["denial"])
    facts = (
        Fact(
            iri=row["fact"],
            relation=relation_key(local_name(row["class"])),
            modality=local_name(row["modality"]),
            n_sources=integer(row["sources"]) or 0,
            n_mentions=integer(row["mentions"]) or 0,
            supplier=row.get("supplier"),
            recipient=row.get("recipient"),
            item=row.get("itemType"),
            category=local_name(row["category"]) if row.get("category") else None,
            first=row.get("first"),
            last=row.get("last"),
            events=tuple(sorted(derived.get(row["fact"], ()))),
            category_iri=row.get("category"),
            contradicted_by=tuple(sorted(denied.get(row["fact"], ()))),
        )
        for row in _select(store, "facts", values=values)
    )
    return {fact.iri: fact for fact in facts}


def _read_edges(
    store: Any, only: list[str] | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, set[str]]]]:
    """The edge summaries' rows and their relation and modality terms, by IRI; `only`: those of these IRIs."""
    values = None if only is None else {"edge": only}
    terms: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"relation": set(), "modality": set()})
    for row in _select(store, "supply-terms", values=values):
        name = local_name(row["term"])
        terms[row["edge"]][row["group"]].add(relation_key(name) if row["group"] == "relation" else name.lower())
    edges = {row["edge"]: row for row in _select(store, "supplies", values=values)}
    return edges, {edge: terms[edge] for edge in edges}


def _supplies(stored: StoredFacts, facts: list[Fact]) -> list[Supplies]:
    """The edge summaries, with the item categories of their facts (the summaries count, facts say what)."""
    categories: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fact in facts:
        if fact.relation != "request" and fact.supplier and fact.recipient and fact.category:
            categories[(fact.supplier, fact.recipient)].add(fact.category)
    supplies = []
    for edge, row in stored.edges.items():
        pair = (row["supplier"], row["recipient"])
        found = stored.terms[edge]
        supplies.append(
            Supplies(
                supplier=pair[0],
                recipient=pair[1],
                relations=tuple(sorted(found["relation"])),
                modalities=tuple(sorted(found["modality"])),
                categories=tuple(sorted(categories.get(pair, ()))),
                n_events=integer(row["events"]) or 0,
                n_sources=integer(row["sources"]) or 0,
                n_facts=integer(row["facts"]) or 0,
                first=row.get("first"),
                last=row.get("last"),
            )
        )
    return sorted(supplies, key=lambda s: (s.supplier, s.recipient))


def _select(
    store: Any, name: str, tagged: tuple[str, ...] = (), values: Mapping[str, Sequence[str]] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of `queries/<name>.rq` (see kg.query.select_rows)."""
    return select_rows(store, QUERIES_DIR / f"{name}.rq", tagged, values=values)
