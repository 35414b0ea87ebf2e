"""`ExportData` -> the Neo4j property-graph model as tables: one per node label and one per relationship type.

    (:Event {relation, modality, date, rule, trigger, source, value, currency, implicit})
        -[:SUPPLIER]->(:Actor {qid, name, name_fr, kind})     -[:RECIPIENT]->(:Actor)
        -[:ITEM {flow, label, quantity, quantity_text}]->(:Item {name, name_fr, category})
        -[:EVIDENCE]->(:Sentence {text, start, end})-[:IN_DOCUMENT]->(:Document {id, date, url, title, n_events})
    (:Actor)-[:SUPPLIES {categories, relations, modalities, n_events, n_sources, n_facts, first, last}]->(:Actor)

Every node has its IRI as `iri`, the key every MERGE and every CSV id uses.
A quantity belongs to one item of an event (an event may move several), so it
is on the ITEM relationship, keyed by the item flow's IRI (`flow`). The same
tables feed the neo4j-admin CSV files, import.cypher, load-csv.cypher and the
Bolt push, so all four make the same graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.errors import ExportError
from kg.export.model import ExportData

# neo4j-admin's array delimiter: arrays hold vocabulary keys only (categories, relations, modalities), never text.
ARRAY_DELIMITER = ";"

Value = str | int | float | bool | list[str] | None


@dataclass(frozen=True)
class Column:
    """A property: its name and its neo4j-admin type (`string`, `int`, `long`, `double`, `boolean`, `string[]`)."""

    name: str
    type: str = "string"

    @property
    def header(self) -> str:
        """The CSV header: `name` for a string, `name:type` otherwise."""
        return self.name if self.type == "string" else f"{self.name}:{self.type}"


@dataclass
class NodeTable:
    """The nodes of one label: rows of {"iri": …, "props": {column: value}}."""

    label: str
    file: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id_header(self) -> str:
        return f"iri:ID({self.label})"


@dataclass
class RelationshipTable:
    """The relationships of one type: rows of {"start": iri, "end": iri, "key": …, "props": {…}}.

    `key` names the property that tells apart several relationships of this type between the same two nodes.
    """

    type: str
    file: str
    start: str
    end: str
    columns: tuple[Column, ...]
    key: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def start_header(self) -> str:
        return f":START_ID({self.start})"

    @property
    def end_header(self) -> str:
        return f":END_ID({self.end})"


def node_tables(data: ExportData) -> list[NodeTable]:
    """Documents, sentences, actors, items and events, in the order they are loaded."""
    documents = NodeTable(
        "Document",
        "nodes-documents.csv",
        (Column("id"), Column("date"), Column("url"), Column("title"), Column("n_events", "int")),
    )
    for doc in data.documents.values():
        _node(documents, doc.iri, id=doc.id, date=doc.date, url=doc.url, title=doc.title, n_events=doc.n_events)
    sentences = NodeTable(
        "Sentence", "nodes-sentences.csv", (Column("text"), Column("start", "int"), Column("end", "int"))
    )
    for sentence in data.sentences.values():
        _node(sentences, sentence.iri, text=sentence.text, start=sentence.start, end=sentence.end)
    actors = NodeTable("Actor", "nodes-actors.csv", (Column("name"), Column("name_fr"), Column("qid"), Column("kind")))
    for actor in data.actors.values():
        _node(actors, actor.iri, name=actor.name, name_fr=actor.name_fr, qid=actor.qid, kind=actor.kind)
    items = NodeTable("Item", "nodes-items.csv", (Column("name"), Column("name_fr"), Column("category")))
    for item in data.items.values():
        _node(items, item.iri, name=item.name, name_fr=item.name_fr, category=item.category)
    events = NodeTable(
        "Event",
        "nodes-events.csv",
        (
            Column("relation"),
            Column("modality"),
            Column("date"),
            Column("rule"),
            Column("trigger"),
            Column("source"),
            Column("value", "double"),
            Column("currency"),
            Column("implicit", "boolean"),
        ),
    )
    for event in sorted(data.events, key=lambda e: e.iri):
        _node(
            events,
            event.iri,
            relation=event.relation,
            modality=event.modality,
            date=event.date,
            rule=event.rule,
            trigger=event.trigger,
            source=event.source,
            value=float(event.value) if event.value is not None else None,
            currency=event.currency,
            implicit=event.implicit,
        )
    return [documents, sentences, actors, items, events]


def relationship_tables(data: ExportData) -> list[RelationshipTable]:
    """The event's links to its parties, items and evidence, the sentence's to its document, and SUPPLIES."""
    supplier = RelationshipTable("SUPPLIER", "rels-supplier.csv", "Event", "Actor", ())
    recipient = RelationshipTable("RECIPIENT", "rels-recipient.csv", "Event", "Actor", ())
    item = RelationshipTable(
        "ITEM",
        "rels-item.csv",
        "Event",
        "Item",
        (Column("flow"), Column("label"), Column("quantity", "long"), Column("quantity_text")),
        key="flow",
    )
    evidence = RelationshipTable("EVIDENCE", "rels-evidence.csv", "Event", "Sentence", ())
    in_document = RelationshipTable("IN_DOCUMENT", "rels-in-document.csv", "Sentence", "Document", ())
    for event in sorted(data.events, key=lambda e: e.iri):
        for actor in event.suppliers:
            _relationship(supplier, event.iri, actor)
        for actor in event.recipients:
            _relationship(recipient, event.iri, actor)
        for flow in event.flows:
            _relationship(
                item,
                event.iri,
                flow.item,
                flow=flow.iri,
                label=flow.label,
                quantity=flow.quantity,
                quantity_text="; ".join(flow.quantity_text) or None,
            )
        _relationship(evidence, event.iri, event.sentence)
    for sentence in data.sentences.values():
        _relationship(in_document, sentence.iri, sentence.document)
    supplies = RelationshipTable(
        "SUPPLIES",
        "rels-supplies.csv",
        "Actor",
        "Actor",
        (
            Column("categories", "string[]"),
            Column("relations", "string[]"),
            Column("modalities", "string[]"),
            Column("n_events", "int"),
            Column("n_sources", "int"),
            Column("n_facts", "int"),
            Column("first"),
            Column("last"),
        ),
    )
    for edge in data.supplies:
        _relationship(
            supplies,
            edge.supplier,
            edge.recipient,
            categories=list(edge.categories),
            relations=list(edge.relations),
            modalities=list(edge.modalities),
            n_events=edge.n_events,
            n_sources=edge.n_sources,
            n_facts=edge.n_facts,
            first=edge.first,
            last=edge.last,
        )
    return [supplier, recipient, item, evidence, in_document, supplies]


def _node(table: NodeTable, iri: str, **props: Value) -> None:
    table.rows.append({"iri": iri, "props": _checked(table.label, props)})


def _relationship(table: RelationshipTable, start: str, end: str, **props: Value) -> None:
    row: dict[str, Any] = {"start": start, "end": end, "props": _checked(table.type, props)}
    if table.key is not None:
        row["key"] = props[table.key]
    table.rows.append(row)


def _checked(owner: str, props: dict[str, Value]) -> dict[str, Value]:
    """The properties with a value (a missing one is no property, as in neo4j-admin); arrays checked.

    Raises:
        ExportError: an array element holds the array delimiter (arrays hold vocabulary keys, never text).
    """
    kept: dict[str, Value] = {}
    for name, value in props.items():
        if value is None:
            continue
        if type(value) is list:
            if not value:
                continue
            if any(ARRAY_DELIMITER in element for element in value):
                raise ExportError(f"{owner}.{name}: an array value contains {ARRAY_DELIMITER!r}: {value!r}")
        kept[name] = value
    return kept
