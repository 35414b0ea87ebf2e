"""`ExplorerData` -> the page's data: numbered nodes with positions, edges aggregated per relation and category.

An edge is supplier -> recipient for one relation and one item category, and
lists its events; a node lists the events it is a party to (also those with
no other side, which draw no edge). Widths, dashes and visibility are left to
the page, which recomputes them from the events the filters keep, with the
size constants of `style.json` (passed on as `sizes`).

Unnamed parties (kind `UnnamedActor`: « les alliés », minted once per article)
are flagged `unnamed` so the page can leave them out by default, and for the
page (`merge_unnamed`) merged by label across articles: one node per label.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from kg.render.layout import layout
from kg.render.model import ActorInfo, EventInfo, ExplorerData, Term
from kg.render.style import load_style

UNNAMED = "UnnamedActor"  # the kind of an unnamed party (kg:UnnamedActor)
_MONTH = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?(?:-\d{2})?(?:[T ].*)?")


def explorer_payload(data: ExplorerData, seed: int = 7, merge_unnamed: bool = False) -> dict[str, Any]:
    """The JSON-ready data the page draws; deterministic for a given input and seed.

    With `merge_unnamed` (as `kg.render.render_html`, hence `kg build` and `kg render`, ask), the unnamed
    parties of one label are one node; without, one node per actor IRI, as in the GEXF/GraphML exports.
    """
    style = load_style()
    actors, key_of = _actors_in_events(data, merge_unnamed)
    index = {key: i for i, key in enumerate(key_of[a.iri] for a in actors)}
    node_of = {iri: index[key] for iri, key in key_of.items()}
    doc_iris = sorted({e.document for e in data.events}, key=lambda d: (_document_id(data, d), d))
    doc_of = {iri: i for i, iri in enumerate(doc_iris)}

    node_events: dict[int, list[int]] = defaultdict(list)
    edge_events: dict[tuple[int, int, str, str], list[int]] = defaultdict(list)
    for number, event in enumerate(data.events):
        for party in dict.fromkeys(event.suppliers + event.recipients):
            node_events[node_of[party]].append(number)
        categories = sorted({item.category for item in event.items}) or [""]
        for supplier in event.suppliers:
            for recipient in event.recipients:
                for category in categories:
                    edge_events[(node_of[supplier], node_of[recipient], event.relation, category)].append(number)

    keys = sorted(edge_events)
    positions = layout(len(actors), ((a, b) for a, b, _, _ in keys), seed=seed)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b, _, _ in keys:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    parallel: dict[frozenset[int], int] = defaultdict(int)
    edges = []
    for number, (a, b, relation, category) in enumerate(keys):
        pair = frozenset((a, b))
        edges.append(
            {
                "id": number,
                "from": a,
                "to": b,
                "relation": relation,
                "category": category,
                "curve": _curve(parallel[pair]),
                "events": edge_events[(a, b, relation, category)],
            }
        )
        parallel[pair] += 1
    nodes = [
        {
            "id": i,
            "iri": key_of[actor.iri],
            "label": actor.label,
            "fr": actor.label_fr or actor.label,
            "kind": actor.kind,
            "unnamed": actor.kind == UNNAMED,
            "aliases": [a for a in actor.aliases if a not in (actor.label, actor.label_fr)],
            "degree": len(neighbours[i]),
            "x": positions[i][0],
            "y": positions[i][1],
            "events": node_events[i],
        }
        for i, actor in enumerate(actors)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "events": [_event_payload(e, node_of, doc_of) for e in data.events],
        "documents": [_document_payload(data, iri) for iri in doc_iris],
        "kinds": _legend(data.kinds, {a.kind for a in actors}, style["kinds"], sorted(style["kinds"])),
        "categories": _legend(
            data.categories + [Term("", style["unspecified_category"])],
            {k[3] for k in keys} | {i.category for e in data.events for i in e.items},
            style["categories"],
            list(style["categories"]),
        ),
        "relations": _legend(data.relations, {e.relation for e in data.events}, {}, style["relations"]),
        "modalities": _legend(data.modalities, {e.modality for e in data.events}, {}, style["modalities"]),
        "months": sorted({m for e in data.events for m in (_period(e.date) or ())}),
        "sizes": style["sizes"],
        "denial_colour": style.get("denial_colour", "#111111"),
    }


def _curve(rank: int) -> float:
    """How much the rank-th edge between two actors bends: 0 (straight) first, then alternately to either side.

    vis-network bends a `curvedCW` edge clockwise for a positive roundness and the other way for a negative
    one (the page maps the sign), so parallel edges fan out instead of stacking; capped so none loops wide.
    """
    if rank == 0:
        return 0.0
    size = min(0.45, 0.12 * ((rank + 1) // 2))
    return size if rank % 2 else -size


def trigger_marks(sentence: str, triggers: tuple[str, ...]) -> list[list[int]]:
    """Where the trigger words are in the sentence: [start, end) offsets, in order, not overlapping.

    The graph keeps the words, not their offsets; each is looked for as a whole word after the previous
    one (the words come in text order), else anywhere, and skipped when absent.
    """
    marks: list[list[int]] = []
    cursor = 0
    for word in triggers:
        pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
        found = pattern.search(sentence, cursor) or pattern.search(sentence)
        if found and all(found.end() <= s or found.start() >= e for s, e in marks):
            marks.append([found.start(), found.end()])
            cursor = found.end()
    return sorted(marks)


def _actors_in_events(data: ExplorerData, merge_unnamed: bool) -> tuple[list[ActorInfo], dict[str, str]]:
    """Every party of an event, described or not, one per node, sorted by label then key so node numbers are
    stable; and each party's node key: its IRI, or with `merge_unnamed`, `unnamed:<label>` for an unnamed
    party (merged by label).
    """
    iris = sorted({iri for e in data.events for iri in e.suppliers + e.recipients})
    key_of: dict[str, str] = {}
    by_key: dict[str, ActorInfo] = {}
    for iri in iris:
        actor = data.actors.get(iri) or ActorInfo(iri, iri.rsplit("/", 1)[-1])
        key = f"unnamed:{actor.label.casefold()}" if merge_unnamed and actor.kind == UNNAMED else iri
        key_of[iri] = key
        by_key.setdefault(key, actor)
    actors = sorted(by_key.values(), key=lambda a: (a.label.casefold(), key_of[a.iri]))
    return actors, key_of


def _period(date: str | None) -> tuple[str, str] | None:
    """The months an event's date covers: 2023-02 -> (2023-02, 2023-02), 2023 -> (2023-01, 2023-12)."""
    found = _MONTH.fullmatch(date.strip()) if date else None
    if not found:
        return None
    year, month = found.group(1), found.group(2)
    return (f"{year}-{month}", f"{year}-{month}") if month else (f"{year}-01", f"{year}-12")


def _event_payload(event: EventInfo, node_of: dict[str, int], doc_of: dict[str, int]) -> dict[str, Any]:
    return {
        "relation": event.relation,
        "modality": event.modality,
        "date": event.date,
        "period": _period(event.date),
        "sentence": event.sentence,
        "marks": trigger_marks(event.sentence, event.triggers),
        "document": doc_of[event.document],
        "rule": event.rule,
        "source": event.source,
        "implicit": event.implicit,
        "suppliers": [node_of[a] for a in event.suppliers],
        "recipients": [node_of[a] for a in event.recipients],
        "items": [{"label": i.label, "category": i.category, "quantity": i.quantity} for i in event.items],
    }


def _document_id(data: ExplorerData, iri: str) -> str:
    info = data.documents.get(iri)
    return info.id if info else iri


def _document_payload(data: ExplorerData, iri: str) -> dict[str, Any]:
    info = data.documents.get(iri)
    if info is None:
        return {"id": iri, "url": None, "title": None}
    return {"id": info.id, "url": info.url, "title": info.title}


def _legend(terms: list[Term], used: set[str], colours: dict[str, str], order: list[str]) -> list[dict[str, Any]]:
    """The used keys in the style's order (others after, by key), with their labels and colours."""
    labels = {t.key: t for t in terms}
    rank = {key: i for i, key in enumerate(order)}
    entries = []
    for key in sorted(used, key=lambda k: (rank.get(k, len(rank)), k)):
        term = labels.get(key) or Term(key, key)
        entries.append({"key": key, "label": term.label, "fr": term.label_fr, "colour": colours.get(key)})
    return entries
