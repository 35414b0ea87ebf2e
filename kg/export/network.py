"""`ExportData` -> the actor network that Gephi and GraphML files describe, drawn as the HTML explorer draws it.

Nodes are the actors party to an event (id: the actor's IRI), at the
explorer's positions (`kg.render.layout`, the same call on the same actors
and links, so Gephi opens on the explorer's picture); an edge goes
supplier -> recipient for one relation and one item category (`none` when the
event states no item), as in the explorer, and carries its events' counts,
dates and modalities (`asserted|reported`…) and one sentence of evidence, its
earliest article's. Edges between the same two actors are told apart by their
`kind` (`supply:drone`), and each edge's id is a hash of what it joins
(source, target, relation, category), so it stays the same from build to
build whatever else the graph gains. Every
attribute is a scalar (string, integer or boolean), and an unknown one (no
Wikidata id, no dated article) is left out rather than empty, so GraphML needs no
dict, list or null and networkx writes and reads them as they are.

Time: an event's article date covers a period (a day, a month, a year); an
element's periods are the union of its events', so Gephi's timeline shows an
edge in the months its articles were published. An element with one undated
event is present at all times (no period), since nothing says when.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.export.model import MODALITIES, Event, ExportData
from kg.export.palette import Palette, edge_width, load_palette, node_size

NO_CATEGORY = "none"
_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(\d{2}))?)?")

Scalar = str | int | float | bool
Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class AttributeSpec:
    """A declared attribute: its name and type (`string`, `integer`, `double` or `boolean`)."""

    name: str
    type: str


NODE_ATTRIBUTES = (
    AttributeSpec("name_fr", "string"),
    AttributeSpec("kind", "string"),
    AttributeSpec("qid", "string"),
    AttributeSpec("n_events", "integer"),
    AttributeSpec("n_sources", "integer"),
    AttributeSpec("n_partners", "integer"),
    AttributeSpec("first", "string"),
    AttributeSpec("last", "string"),
)
EDGE_ATTRIBUTES = (
    AttributeSpec("relation", "string"),
    AttributeSpec("category", "string"),
    AttributeSpec("modality", "string"),
    AttributeSpec("asserted", "boolean"),
    AttributeSpec("n_events", "integer"),
    AttributeSpec("n_sources", "integer"),
    AttributeSpec("first", "string"),
    AttributeSpec("last", "string"),
    AttributeSpec("sentence", "string"),
)


@dataclass(frozen=True)
class NetworkNode:
    """An actor: id (its IRI), label (English name), attributes, colour, size and the periods it is active."""

    id: str
    label: str
    attributes: dict[str, Scalar]
    colour: str
    size: float
    periods: tuple[Period, ...] = ()
    # The explorer's position in pixels, y pointing up (the explorer's y points down).
    position: tuple[float, float] | None = None


@dataclass(frozen=True)
class NetworkEdge:
    """Supplier -> recipient for one relation and category; dashed when some of its events are not asserted.

    `kind` (`relation:category`) tells it from the other edges between the same two actors.
    """

    id: str
    source: str
    target: str
    label: str
    kind: str
    attributes: dict[str, Scalar]
    colour: str
    width: float
    weight: float
    dashed: bool
    periods: tuple[Period, ...] = ()


@dataclass
class Network:
    """The actor network with its declared attributes."""

    nodes: list[NetworkNode] = field(default_factory=list)
    edges: list[NetworkEdge] = field(default_factory=list)
    node_attributes: tuple[AttributeSpec, ...] = NODE_ATTRIBUTES
    edge_attributes: tuple[AttributeSpec, ...] = EDGE_ATTRIBUTES


def build_network(data: ExportData, palette: Palette | None = None) -> Network:
    """The actor network of `data`, deterministic: nodes by IRI, edges by their key."""
    colours = palette or load_palette()
    node_events: dict[str, list[Event]] = defaultdict(list)
    edge_events: dict[tuple[str, str, str, str], list[Event]] = defaultdict(list)
    for event in data.events:
        for party in dict.fromkeys(event.suppliers + event.recipients):
            node_events[party].append(event)
        categories = sorted({flow.category for flow in event.flows}) or [NO_CATEGORY]
        for supplier in event.suppliers:
            for recipient in event.recipients:
                for category in categories:
                    edge_events[(supplier, recipient, event.relation, category)].append(event)
    # Partners as the explorer counts them: distinct other actors joined by an edge, either way.
    partners: dict[str, set[str]] = defaultdict(set)
    for supplier, recipient, _, _ in edge_events:
        if supplier != recipient:
            partners[supplier].add(recipient)
            partners[recipient].add(supplier)
    most = max((len(p) for p in partners.values()), default=0)
    positions = explorer_positions(data, node_events, edge_events)
    nodes = [
        _node(data, iri, node_events[iri], len(partners[iri]), most, colours, positions[iri])
        for iri in sorted(node_events)
    ]
    edges = [_edge(data, key, edge_events[key], colours) for key in sorted(edge_events)]
    return Network(nodes, edges)


def edge_id(source: str, target: str, relation: str, category: str) -> str:
    """A stable edge id: the first 16 hex digits of the SHA-256 of its ends, relation and category."""
    text = "\x1f".join((source, target, relation, category))
    return "e" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def explorer_positions(
    data: ExportData, node_events: dict[str, list[Event]], edge_events: dict[tuple[str, str, str, str], list[Event]]
) -> dict[str, tuple[float, float]]:
    """Each actor's position in the HTML explorer (`kg.render.layout.layout`, seed 7), y turned to point up.

    The layout depends on the order of the nodes, so they are numbered as the explorer numbers them (by
    English label, case-folded, then IRI); the links are the same supplier-recipient pairs.
    """
    from kg.render.layout import layout

    def name(iri: str) -> str:
        actor = data.actors.get(iri)
        return actor.name if actor else iri.rsplit("/", 1)[-1]

    order = sorted(node_events, key=lambda iri: (name(iri).casefold(), iri))
    index = {iri: number for number, iri in enumerate(order)}
    placed = layout(len(order), ((index[s], index[r]) for s, r, _, _ in sorted(edge_events)), seed=7)
    return {iri: (x, -y if y else 0.0) for iri, (x, y) in zip(order, placed, strict=True)}


def _node(
    data: ExportData,
    iri: str,
    events: list[Event],
    partners: int,
    most: int,
    colours: Palette,
    position: tuple[float, float] | None = None,
) -> NetworkNode:
    actor = data.actors.get(iri)
    name = actor.name if actor else iri.rsplit("/", 1)[-1]
    kind = actor.kind if actor else "Actor"
    attributes: dict[str, Scalar] = {
        "name_fr": (actor.name_fr if actor else None) or name,
        "kind": kind,
        "n_events": len(events),
        "n_sources": len({e.document for e in events}),
        "n_partners": partners,
    }
    if actor and actor.qid:
        attributes["qid"] = actor.qid
    attributes.update(_date_range(events))
    return NetworkNode(
        id=iri,
        label=name,
        attributes=attributes,
        colour=colours.kind_colour(kind),
        size=node_size(partners, most),
        periods=_periods(events),
        position=position,
    )


def _edge(data: ExportData, key: tuple[str, str, str, str], events: list[Event], colours: Palette) -> NetworkEdge:
    supplier, recipient, relation, category = key
    modalities = {e.modality for e in events}
    documents = len({e.document for e in events})
    # The sentence shown: the earliest dated article's (undated ones last), then by text, for stable output.
    first = min(events, key=lambda e: (e.date or "\uffff", data.sentences[e.sentence].text, e.iri))
    attributes: dict[str, Scalar] = {
        "relation": relation,
        "category": category,
        "modality": "|".join(m for m in MODALITIES if m in modalities),
        "asserted": modalities == {"asserted"},
        "n_events": len(events),
        "n_sources": documents,
        "sentence": data.sentences[first.sentence].text,
    }
    attributes.update(_date_range(events))
    return NetworkEdge(
        id=edge_id(*key),
        source=supplier,
        target=recipient,
        label=f"{relation} {category}",
        kind=f"{relation}:{category}",
        attributes=attributes,
        colour=colours.category_colour(None if category == NO_CATEGORY else category),
        width=edge_width(documents),
        weight=float(documents),
        dashed=modalities != {"asserted"},
        periods=_periods(events),
    )


def period(date: str | None) -> Period | None:
    """The days an article date covers: 2023-02 -> (2023-02-01, 2023-02-28); free text or none -> None."""
    found = _DATE.fullmatch(date.strip()) if date else None
    if not found:
        return None
    year, month, day = int(found.group(1)), found.group(2), found.group(3)
    try:
        if day:
            one = dt.date(year, int(month), int(day))
            return one, one
        if month:
            last = calendar.monthrange(year, int(month))[1]
            return dt.date(year, int(month), 1), dt.date(year, int(month), last)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def _periods(events: Iterable[Event]) -> tuple[Period, ...]:
    """The union of the events' periods, merged where they touch; none at all if one event is undated."""
    spans = []
    for event in events:
        span = period(event.date)
        if span is None:
            return ()
        spans.append(span)
    merged: list[Period] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _date_range(events: Iterable[Event]) -> dict[str, Scalar]:
    """First and last article dates as written (a coarser date sorts before the dates it contains)."""
    dates = sorted(e.date for e in events if e.date is not None and period(e.date) is not None)
    return {"first": dates[0], "last": dates[-1]} if dates else {}
