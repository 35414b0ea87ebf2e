"""The store -> `GraphEvents`: a few whole-graph SPARQL queries (`kg/graph_reader/queries/*.rq`) joined in Python.

One query per kind of thing (events, parties, item flows, documents, actors,
actor classes) keeps each a plain scan Oxigraph plans well; joining them by
IRI here costs one dictionary lookup per row. These are the scans the explorer
and the exports share, and the bulk of their reading time, so `kg build` runs
them once and hands the result to both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.graph_reader.model import Actor, Document, GraphEvents, Sentence, StoredEvent, StoredFlow
from kg.model import relation_key
from kg.query import local_name, select_rows

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
KG_NS = "https://w3id.org/kg-arms/ontology#"
WIKIDATA_NS = "http://www.wikidata.org/entity/"
ACTOR_CLASS = KG_NS + "Actor"
# Shown when an actor or item has no label at all (does not happen with the project's vocabularies).
UNLABELLED = "(unlabelled)"


def read_graph_events(store: Any) -> GraphEvents:
    """Every event of the store with its parties, item flows, evidence, documents and actors.

    Raises:
        StoreError: a query fails on the store.
    """
    return with_actors(store, merge_parts(read_document_parts(store).values()))


def read_document_parts(store: Any, documents: Collection[str] | None = None) -> dict[str, GraphEvents]:
    """What `read_graph_events` reads, named graph by named graph (graph IRI -> its events, flows, documents
    and sentences; no actors): all of them, or only those named in `documents`.

    Kept by a process that builds again (`kg.memory`): after a build that replaced a few documents' graphs,
    reading those again and merging them with the others' kept parts (`merge_parts`) gives what a read of
    the whole store gives, at the cost of the few.

    Raises:
        StoreError: a query fails on the store.
    """
    graphs = None if documents is None else sorted(documents)
    if graphs == []:
        return {}
    parts: dict[str, GraphEvents] = defaultdict(GraphEvents)
    for row in _select(store, "documents", graphs=graphs):
        parts[row["doc"]].documents[row["doc"]] = Document(
            row["doc"],
            row.get("id") or local_name(row["doc"]),
            row.get("date"),
            row.get("url"),
            row.get("title"),
            integer(row.get("eventCount")) or 0,
        )
    roles: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: {"supplier": set(), "recipient": set()})
    for row in _select(store, "parties", graphs=graphs):
        roles[row["doc"], row["event"]][row["role"]].add(row["actor"])
    rows_of: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in _select(store, "events", graphs=graphs):
        doc, sentence = row["doc"], row["sentence"]
        part = parts[doc]
        part.documents.setdefault(doc, Document(doc, local_name(doc)))
        part.sentences.setdefault(
            sentence, Sentence(sentence, row["text"], doc, integer(row.get("start")), integer(row.get("end")))
        )
        rows_of[doc, row["event"]].append(row)
    for (doc, iri), rows in rows_of.items():
        parts[doc].events[iri] = _event(iri, rows, roles.get((doc, iri), {}))
    for doc, flows in _read_flows(store, graphs).items():
        parts[doc].flows.update(flows)
    return dict(parts)


def merge_parts(parts: Iterable[GraphEvents]) -> GraphEvents:
    """One `GraphEvents` of per-graph parts (without actors), each mapping sorted by IRI: the same whichever
    parts were read when, and whatever order the store gave the rows in."""
    merged = GraphEvents()
    for part in parts:
        merged.events.update(part.events)
        merged.flows.update(part.flows)
        merged.documents.update(part.documents)
        merged.sentences.update(part.sentences)
    merged.events = dict(sorted(merged.events.items()))
    merged.flows = dict(sorted(merged.flows.items()))
    merged.documents = dict(sorted(merged.documents.items()))
    merged.sentences = dict(sorted(merged.sentences.items()))
    return merged


def _event(iri: str, rows: list[dict[str, Any]], roles: dict[str, set[str]]) -> StoredEvent:
    """The event of its rows: one, unless a graph not built by kg gives its mention several triggers (the last
    row's values then)."""
    row = rows[-1]
    return StoredEvent(
        iri=iri,
        relation=relation_key(local_name(row["class"])),
        modality=local_name(row["modality"]),
        document=row["doc"],
        sentence=row["sentence"],
        rule=row.get("rule") or "",
        date=row.get("date"),
        trigger=row.get("trigger"),
        source=row.get("source"),
        value=row.get("value"),
        currency=row.get("currency"),
        implicit=row.get("implicit") == "true",
        suppliers=tuple(sorted(roles.get("supplier", ()))),
        recipients=tuple(sorted(roles.get("recipient", ()))),
    )


def _read_flows(store: Any, graphs: list[str] | None) -> dict[str, dict[str, tuple[StoredFlow, ...]]]:
    """Item flows per graph and event, sorted by IRI; a flow's first row gives its single values, all give its
    texts."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in _select(store, "flows", graphs=graphs):
        entry = rows.setdefault((row["doc"], row["event"], row["flow"]), {**row, "texts": []})
        text = row.get("quantityText")
        if text is not None and text not in entry["texts"]:
            entry["texts"].append(text)
    flows: dict[tuple[str, str], list[StoredFlow]] = defaultdict(list)
    for (doc, event, flow), row in sorted(rows.items()):
        flows[doc, event].append(
            StoredFlow(
                iri=flow,
                category=row["category"],
                label=row.get("label"),
                item_type=row.get("itemType"),
                quantity=row.get("quantity"),
                quantity_texts=tuple(row["texts"]),
            )
        )
    by_graph: dict[str, dict[str, tuple[StoredFlow, ...]]] = defaultdict(dict)
    for (doc, event), found in flows.items():
        by_graph[doc][event] = tuple(found)
    return by_graph


def with_actors(store: Any, graph: GraphEvents) -> GraphEvents:
    """`graph` with its actors: the parties of its events, read from `store`."""
    graph.actors = read_actors(store, {actor for e in graph.events.values() for actor in (*e.suppliers, *e.recipients)})
    return graph


def read_actors(store: Any, parties: Iterable[str]) -> dict[str, Actor]:
    """Each of `parties` (IRIs) with its names, Wikidata id and most specific actor class (deepest under
    kg:Actor), sorted by IRI."""
    depth = _kind_depths(store)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    types: dict[str, set[str]] = defaultdict(set)
    qids: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "actors", tagged=("value",), values={"actor": sorted(parties)}):
        actor, (value, language) = row["actor"], row["value"]
        if row["property"] == "type":
            types[actor].add(value)
        elif row["property"] == "sameAs":
            if value.startswith(WIKIDATA_NS):
                qids[actor].add(value[len(WIKIDATA_NS) :])
        else:
            labels[actor].setdefault(language or "", value)
    actors = {}
    for iri in sorted(set(labels) | set(types)):
        names = labels.get(iri, {})
        known = [t for t in types.get(iri, ()) if t in depth]
        kind = max(known, key=lambda t: (depth[t], t)) if known else ACTOR_CLASS
        actors[iri] = Actor(
            iri=iri,
            name=names.get("en") or names.get("") or names.get("fr") or UNLABELLED,
            name_fr=names.get("fr"),
            qid=min(qids[iri], key=lambda q: (len(q), q)) if qids.get(iri) else None,
            kind=local_name(kind),
        )
    return actors


def _kind_depths(store: Any) -> dict[str, int]:
    """How deep each actor class sits under kg:Actor (kg:Actor is 0): an actor's kind is its deepest class."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "kinds"):
        parents.setdefault(row["kind"], set())
        if row.get("parent"):
            parents[row["kind"]].add(row["parent"])

    def depth_of(kind: str, seen: frozenset[str] = frozenset()) -> int:
        above = [p for p in parents.get(kind, ()) if p in parents and p not in seen]
        return 1 + max((depth_of(p, seen | {kind}) for p in above), default=-1)

    return {kind: depth_of(kind) for kind in parents}


def _select(
    store: Any,
    name: str,
    tagged: tuple[str, ...] = (),
    graphs: list[str] | None = None,
    values: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of `queries/<name>.rq` (see kg.query.select_rows), over the named graphs `graphs` only if given."""
    return select_rows(store, QUERIES_DIR / f"{name}.rq", tagged, graphs, values)


def integer(value: str | None) -> int | None:
    """The number of an xsd:integer's lexical form, None for an unbound variable."""
    return None if value is None else int(value)
