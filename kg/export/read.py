"""The store -> `ExportData`: a few whole-graph SPARQL queries (`kg/export/queries/*.rq`) joined in Python.

One query per kind of thing (events, parties, item flows, documents, actors,
vocabulary, summaries, facts) keeps each a plain scan Oxigraph plans well;
joining them by IRI here costs one dictionary lookup per row. The store is
only read: exports see the built graph, nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.export.model import Actor, Document, Event, ExportData, Fact, Flow, Item, Sentence, Supplies
from kg.query import local_name, select_rows

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
KG_NS = "https://w3id.org/kg-arms/ontology#"
WIKIDATA_NS = "http://www.wikidata.org/entity/"
_ACTOR_CLASS = KG_NS + "Actor"
# Shown when an actor or item has no label at all (does not happen with the project's vocabularies).
_UNLABELLED = "(unlabelled)"


def read_export_data(store: Any) -> ExportData:
    """Everything the exports write, read from an Oxigraph store (read-only is enough).

    Raises:
        StoreError: a query fails on the store.
    """
    concepts = _read_concepts(store)
    documents = _read_documents(store)
    flows, items = _read_flows(store, concepts)
    parties: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"supplier": set(), "recipient": set()})
    for row in _select(store, "parties"):
        parties[row["event"]][row["role"]].add(row["actor"])
    sentences: dict[str, Sentence] = {}
    events: dict[str, Event] = {}
    for row in _select(store, "events"):
        iri, doc = row["event"], row["doc"]
        documents.setdefault(doc, Document(doc, local_name(doc)))
        sentence = row["sentence"]
        sentences.setdefault(
            sentence, Sentence(sentence, row["text"], doc, _integer(row.get("start")), _integer(row.get("end")))
        )
        roles = parties.get(iri, {"supplier": set(), "recipient": set()})
        events[iri] = Event(
            iri=iri,
            relation=local_name(row["class"]).lower(),
            modality=local_name(row["modality"]),
            document=doc,
            sentence=sentence,
            rule=row.get("rule") or "",
            date=row.get("date"),
            trigger=row.get("trigger"),
            source=row.get("source"),
            value=row.get("value"),
            currency=row.get("currency"),
            implicit=row.get("implicit") == "true",
            suppliers=tuple(sorted(roles["supplier"])),
            recipients=tuple(sorted(roles["recipient"])),
            flows=tuple(flows.get(iri, ())),
        )
    ordered = sorted(
        events.values(),
        key=lambda e: (e.date or "", documents[e.document].id, sentences[e.sentence].start or 0, e.iri),
    )
    facts = _read_facts(store)
    return ExportData(
        actors=_read_actors(store),
        items=dict(sorted(items.items())),
        documents=dict(sorted(documents.items())),
        sentences=dict(sorted(sentences.items())),
        events=ordered,
        supplies=_read_supplies(store, facts),
        facts=facts,
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
    return concepts


def _read_documents(store: Any) -> dict[str, Document]:
    return {
        row["doc"]: Document(
            row["doc"],
            row.get("id") or local_name(row["doc"]),
            row.get("date"),
            row.get("url"),
            row.get("title"),
            _integer(row.get("eventCount")) or 0,
        )
        for row in _select(store, "documents")
    }


def _read_flows(store: Any, concepts: dict[str, dict[str, Any]]) -> tuple[dict[str, list[Flow]], dict[str, Item]]:
    """Item flows per event, and the items they move: the item type, else the category itself."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _select(store, "flows"):
        entry = rows.setdefault((row["event"], row["flow"]), {**row, "texts": []})
        text = row.get("quantityText")
        if text is not None and text not in entry["texts"]:
            entry["texts"].append(text)
    flows: dict[str, list[Flow]] = defaultdict(list)
    items: dict[str, Item] = {}
    for (event, flow), row in sorted(rows.items()):
        category = local_name(row["category"])
        item = row.get("itemType") or row["category"]
        if item not in items:
            names = concepts.get(item, {})
            name = names.get("en") or names.get("") or row.get("label") or category or _UNLABELLED
            items[item] = Item(item, name, names.get("fr"), names.get("category") or category)
        flows[event].append(
            Flow(
                iri=flow,
                item=item,
                label=row.get("label") or items[item].name,
                category=category,
                quantity=_integer(row.get("quantity")),
                quantity_text=tuple(sorted(row["texts"])),
                item_type=row.get("itemType"),
            )
        )
    return flows, items


def _read_actors(store: Any) -> dict[str, Actor]:
    """Each party with its names, Wikidata id and most specific actor class (deepest under kg:Actor)."""
    depth = _kind_depths(store)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    types: dict[str, set[str]] = defaultdict(set)
    qids: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "actors", tagged=("value",)):
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
        kind = max(known, key=lambda t: (depth[t], t)) if known else _ACTOR_CLASS
        actors[iri] = Actor(
            iri=iri,
            name=names.get("en") or names.get("") or names.get("fr") or _UNLABELLED,
            name_fr=names.get("fr"),
            qid=min(qids[iri], key=lambda q: (len(q), q)) if qids.get(iri) else None,
            kind=local_name(kind),
        )
    return actors


def _kind_depths(store: Any) -> dict[str, int]:
    """How deep each actor class sits under kg:Actor (kg:Actor is 0), the HTML explorer's notion of kind."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "kinds"):
        parents.setdefault(row["kind"], set())
        if row.get("parent"):
            parents[row["kind"]].add(row["parent"])

    def depth_of(kind: str, seen: frozenset[str] = frozenset()) -> int:
        above = [p for p in parents.get(kind, ()) if p in parents and p not in seen]
        return 1 + max((depth_of(p, seen | {kind}) for p in above), default=-1)

    return {kind: depth_of(kind) for kind in parents}


def _read_facts(store: Any) -> list[Fact]:
    derived: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, "fact-events"):
        derived[row["fact"]].append(row["event"])
    facts = [
        Fact(
            iri=row["fact"],
            relation=local_name(row["class"]).lower(),
            modality=local_name(row["modality"]),
            n_sources=_integer(row["sources"]) or 0,
            n_mentions=_integer(row["mentions"]) or 0,
            supplier=row.get("supplier"),
            recipient=row.get("recipient"),
            item=row.get("itemType"),
            category=local_name(row["category"]) if row.get("category") else None,
            first=row.get("first"),
            last=row.get("last"),
            events=tuple(sorted(derived.get(row["fact"], ()))),
        )
        for row in _select(store, "facts")
    ]
    return sorted(facts, key=lambda f: (-f.n_sources, f.iri))


def _read_supplies(store: Any, facts: list[Fact]) -> list[Supplies]:
    """The edge summaries, with the item categories of their facts (the summaries count, facts say what)."""
    categories: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fact in facts:
        if fact.relation != "request" and fact.supplier and fact.recipient and fact.category:
            categories[(fact.supplier, fact.recipient)].add(fact.category)
    terms: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"relation": set(), "modality": set()})
    for row in _select(store, "supply-terms"):
        terms[row["edge"]][row["group"]].add(local_name(row["term"]).lower())
    supplies = []
    for row in _select(store, "supplies"):
        pair = (row["supplier"], row["recipient"])
        found = terms[row["edge"]]
        supplies.append(
            Supplies(
                supplier=pair[0],
                recipient=pair[1],
                relations=tuple(sorted(found["relation"])),
                modalities=tuple(sorted(found["modality"])),
                categories=tuple(sorted(categories.get(pair, ()))),
                n_events=_integer(row["events"]) or 0,
                n_sources=_integer(row["sources"]) or 0,
                n_facts=_integer(row["facts"]) or 0,
                first=row.get("first"),
                last=row.get("last"),
            )
        )
    return sorted(supplies, key=lambda s: (s.supplier, s.recipient))


def _select(store: Any, name: str, tagged: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """Rows of `queries/<name>.rq` (see kg.query.select_rows)."""
    return select_rows(store, QUERIES_DIR / f"{name}.rq", tagged)


def _integer(value: str | None) -> int | None:
    return None if value is None else int(value)
