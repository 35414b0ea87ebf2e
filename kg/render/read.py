"""The store -> `ExplorerData`: the shared read of the events (`kg.graph_reader`) and the legend's vocabularies
(`kg/render/queries/terms.rq`), shaped into the explorer's plain data.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.graph_reader import GraphEvents, StoredFlow, read_graph_events
from kg.model import relation_key
from kg.query import local_name, select_rows
from kg.render.model import ActorInfo, DocumentInfo, EventInfo, ExplorerData, ItemInfo, Term

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def read_explorer_data(store: Any, graph: GraphEvents | None = None) -> ExplorerData:
    """Every event of the store with its parties, items and evidence, and the vocabularies of the legend.

    `graph` is the shared read of the store's events (`read_graph_events`), read here when not given: `kg build`
    reads it once for the explorer and the exports.

    Raises:
        StoreError: a query fails on the store.
    """
    if graph is None:
        graph = read_graph_events(store)
    kinds, relations, modalities, categories = _read_terms(store)
    aliases = _read_aliases(store, set(graph.actors))
    documents = {iri: DocumentInfo(doc.iri, doc.id, doc.url, doc.title) for iri, doc in graph.documents.items()}
    events = [
        EventInfo(
            iri=event.iri,
            relation=event.relation,
            modality=event.modality,
            sentence=graph.sentences[event.sentence].text,
            document=event.document,
            rule=event.rule,
            date=event.date,
            triggers=tuple((event.trigger or "").split()),
            source=event.source,
            suppliers=event.suppliers,
            recipients=event.recipients,
            items=tuple(_item(flow) for flow in graph.flows.get(event.iri, ())),
            implicit=event.implicit,
        )
        for event in graph.events.values()
    ]
    events.sort(key=lambda e: (e.date or "", documents[e.document].id, e.sentence, e.iri))
    return ExplorerData(
        actors={
            iri: ActorInfo(a.iri, a.name, a.name_fr or a.name, a.kind, aliases.get(iri, ()))
            for iri, a in graph.actors.items()
        },
        events=events,
        documents=documents,
        kinds=kinds,
        relations=relations,
        modalities=modalities,
        categories=categories,
    )


def _read_aliases(store: Any, actors: set[str]) -> dict[str, tuple[str, ...]]:
    """The names of each of `actors` in the vocabulary (`queries/aliases.rq`), each once, sorted."""
    names: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(store, QUERIES_DIR / "aliases.rq", ("name",)):
        if row["actor"] in actors:
            names[row["actor"]].add(row["name"][0])
    return {iri: tuple(sorted(found)) for iri, found in names.items()}


def _item(flow: StoredFlow) -> ItemInfo:
    """An item as the explorer shows it: label, category key, and the quantity with its texts, each once."""
    quantity = ", ".join(q for q in dict.fromkeys((flow.quantity, *flow.quantity_texts)) if q)
    category = local_name(flow.category)
    return ItemInfo(flow.label or category, category, quantity or None)


def _read_terms(store: Any) -> tuple[list[Term], list[Term], list[Term], list[Term]]:
    """The legend's vocabularies (actor kinds, relations, modalities, item categories) in the ontology's terms."""
    labels: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in select_rows(store, QUERIES_DIR / "terms.rq", ("label",)):
        text, language = row["label"]
        labels[(row["group"], row["term"])].setdefault(language or "", text)
    groups: dict[str, list[Term]] = {"kind": [], "relation": [], "modality": [], "category": []}
    for (group, term), names in labels.items():
        english = names.get("en") or names.get("") or local_name(term)
        key = relation_key(local_name(term)) if group == "relation" else local_name(term)
        groups[group].append(Term(key, english, names.get("fr")))
    for terms in groups.values():
        terms.sort(key=lambda t: t.key)
    return groups["kind"], groups["relation"], groups["modality"], groups["category"]
