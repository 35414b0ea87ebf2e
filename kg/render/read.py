"""The store -> `ExplorerData`: a few whole-graph SPARQL queries (`kg/render/queries/*.rq`) joined in Python.

One query per kind of thing (events, parties, items, documents, actors,
vocabulary terms) keeps each one a plain scan Oxigraph plans well; joining
them by event IRI here costs one dictionary lookup per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.query import local_name, select_rows
from kg.render.model import ActorInfo, DocumentInfo, EventInfo, ExplorerData, ItemInfo, Term

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
KG_NS = "https://w3id.org/kg-arms/ontology#"
ACTOR_CLASS = KG_NS + "Actor"
# Shown when an actor has no label at all (should not happen with the project's vocabularies).
_UNLABELLED = "(unlabelled)"


def read_explorer_data(store: Any) -> ExplorerData:
    """Every event of the store with its parties, items and evidence, and the vocabularies of the legend.

    Raises:
        StoreError: a query fails on the store.
    """
    kinds, relations, modalities, categories, depth = _read_terms(store)
    documents = {
        row["doc"]: DocumentInfo(row["doc"], row.get("id") or local_name(row["doc"]), row.get("url"), row.get("title"))
        for row in _select(store, "documents")
    }
    parties: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"supplier": set(), "recipient": set()})
    for row in _select(store, "parties"):
        parties[row["event"]][row["role"]].add(row["actor"])
    items = _read_items(store)
    events = []
    for row in _select(store, "events"):
        iri = row["event"]
        roles = parties.get(iri, {"supplier": set(), "recipient": set()})
        doc = row["doc"]
        documents.setdefault(doc, DocumentInfo(doc, local_name(doc)))
        events.append(
            EventInfo(
                iri=iri,
                relation=local_name(row["class"]).lower(),
                modality=local_name(row["modality"]),
                sentence=row["sentence"],
                document=doc,
                rule=row.get("rule") or "",
                date=row.get("date"),
                triggers=tuple((row.get("trigger") or "").split()),
                source=row.get("source"),
                suppliers=tuple(sorted(roles["supplier"])),
                recipients=tuple(sorted(roles["recipient"])),
                items=tuple(items.get(iri, ())),
            )
        )
    events.sort(key=lambda e: (e.date or "", documents[e.document].id, e.sentence, e.iri))
    return ExplorerData(
        actors=_read_actors(store, depth),
        events=events,
        documents=documents,
        kinds=kinds,
        relations=relations,
        modalities=modalities,
        categories=categories,
    )


def _read_items(store: Any) -> dict[str, list[ItemInfo]]:
    """Items per event; a flow with several quantity texts (a number and a rate) keeps them all."""
    flows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _select(store, "items"):
        flow = flows.setdefault(
            (row["event"], row["flow"]),
            {"label": row.get("label") or local_name(row["category"]), "category": row["category"], "quantity": []},
        )
        for key in ("quantity", "quantityText"):
            value = row.get(key)
            if value and value not in flow["quantity"]:
                flow["quantity"].append(value)
    items: dict[str, list[ItemInfo]] = defaultdict(list)
    for (event, _), flow in sorted(flows.items()):
        quantity = ", ".join(flow["quantity"]) or None
        items[event].append(ItemInfo(flow["label"], local_name(flow["category"]), quantity))
    return items


def _read_actors(store: Any, depth: dict[str, int]) -> dict[str, ActorInfo]:
    """Each party with its labels and its most specific actor class (deepest under kg:Actor)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "actors", tagged=("value",)):
        actor = row["actor"]
        if row["property"] == "type":
            types[actor].add(row["value"][0])
        else:
            text, language = row["value"]
            labels[actor].setdefault(language or "", text)
    actors = {}
    for actor in sorted(set(labels) | set(types)):
        names = labels.get(actor, {})
        english = names.get("en") or names.get("") or names.get("fr") or _UNLABELLED
        french = names.get("fr") or english
        known = [t for t in types.get(actor, ()) if t in depth]
        kind = max(known, key=lambda t: (depth[t], t)) if known else ACTOR_CLASS
        actors[actor] = ActorInfo(actor, english, french, local_name(kind))
    return actors


def _read_terms(store: Any) -> tuple[list[Term], list[Term], list[Term], list[Term], dict[str, int]]:
    """The legend's vocabularies, in the ontology's terms, and the depth of each actor class under kg:Actor."""
    labels: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "terms", tagged=("label",)):
        term = row["term"]
        text, language = row["label"]
        labels[(row["group"], term)].setdefault(language or "", text)
        if row.get("parent"):
            parents[term].add(row["parent"])
    kind_iris = {term for group, term in labels if group == "kind"}

    def depth_of(term: str, seen: frozenset[str] = frozenset()) -> int:
        above = [p for p in parents.get(term, ()) if p in kind_iris and p not in seen]
        return 1 + max((depth_of(p, seen | {term}) for p in above), default=-1)

    depth = {term: depth_of(term) for term in kind_iris}
    groups: dict[str, list[Term]] = {"kind": [], "relation": [], "modality": [], "category": []}
    for (group, term), names in labels.items():
        english = names.get("en") or names.get("") or local_name(term)
        key = local_name(term).lower() if group == "relation" else local_name(term)
        groups[group].append(Term(key, english, names.get("fr")))
    for terms in groups.values():
        terms.sort(key=lambda t: t.key)
    return groups["kind"], groups["relation"], groups["modality"], groups["category"], depth


def _select(store: Any, name: str, tagged: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """Rows of `queries/<name>.rq` (see kg.query.select_rows)."""
    return select_rows(store, QUERIES_DIR / f"{name}.rq", tagged)
