"""`ExportData` -> the Neo4j property-graph model as tables: one per node label and one per relationship type
and pair of labels.

    (:Event {relation, modality, date, date_text, rule, trigger, source, value, currency, implicit})
        -[:SUPPLIER]->(:Actor {qid, name, name_fr, kind})     -[:RECIPIENT]->(:Actor)
        -[:ITEM {flow, label, quantity, quantity_text[]}]->(:Item {name, name_fr, category})
        -[:EVIDENCE]->(:Sentence {text, start, end})
        -[:IN_DOCUMENT]->(:Document {id, date, date_text, url, title, n_events})
    (:Fact {relation, modality, category, n_sources, n_mentions, first, first_text, last, last_text})
        -[:SUPPLIER]->(:Actor)  -[:RECIPIENT]->(:Actor)  -[:ITEM]->(:Item)  -[:DERIVED_FROM]->(:Event)
        -[:CONTRADICTED_BY]->(:Fact)
    (:Actor)-[:SUPPLIES {categories[], relations[], modalities[], n_events, n_sources, n_facts, first, last}]->(:Actor)

Every node has its IRI as `iri`, the key every MERGE and every CSV id uses.
A quantity belongs to one item of an event (an event may move several), so it
is on the ITEM relationship, keyed by the item flow's IRI (`flow`). Dates are
date values (`date:date` in the CSV headers): the first day of the period an
article date covers (2024-03 -> 2024-03-01), with the date as written beside
it (`date_text`: "2024-03", or free text that is no date). Relations are the
keys of events.jsonl (`produce`); categories, relations and modalities are
vocabulary keys (`artillery`), as in the explorer. The same tables feed the
neo4j-admin CSV files, import.cypher, load-csv.cypher and the Bolt push, so
all four make the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.errors import ExportError
from kg.export.model import ExportData, Fact
from kg.export.network import period

# neo4j-admin's array delimiter, one character: `;` unless an array element holds it (a quantity as written,
# « 3 ; 4 »), then the first of the others that none holds (`array_delimiter`).
ARRAY_DELIMITER = ";"
_OTHER_DELIMITERS = ("|", "\u00a6", "\u241f", "\u001f")

Value = str | int | float | bool | list[str] | None


@dataclass(frozen=True)
class Column:
    """A property: its name and its neo4j-admin type (`string`, `int`, `long`, `double`, `boolean`, `date`,
    `string[]`); a `date` value is an ISO date (`2024-03-01`)."""

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
        (
            Column("id"),
            Column("date", "date"),
            Column("date_text"),
            Column("url"),
            Column("title"),
            Column("n_events", "int"),
        ),
    )
    for doc in data.documents.values():
        _node(
            documents,
            doc.iri,
            id=doc.id,
            date=iso_date(doc.date),
            date_text=doc.date,
            url=doc.url,
            title=doc.title,
            n_events=doc.n_events,
        )
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
            Column("date", "date"),
            Column("date_text"),
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
            date=iso_date(event.date),
            date_text=event.date,
            rule=event.rule,
            trigger=event.trigger,
            source=event.source,
            value=float(event.value) if event.value is not None else None,
            currency=event.currency,
            implicit=event.implicit,
        )
    facts = NodeTable(
        "Fact",
        "nodes-facts.csv",
        (
            Column("relation"),
            Column("modality"),
            Column("category"),
            Column("n_sources", "int"),
            Column("n_mentions", "int"),
            Column("first", "date"),
            Column("first_text"),
            Column("last", "date"),
            Column("last_text"),
        ),
    )
    for fact in sorted(data.facts, key=lambda f: f.iri):
        _node(
            facts,
            fact.iri,
            relation=fact.relation,
            modality=fact.modality,
            category=fact.category,
            n_sources=fact.n_sources,
            n_mentions=fact.n_mentions,
            first=iso_date(fact.first),
            first_text=fact.first,
            last=iso_date(fact.last),
            last_text=fact.last,
        )
    return [documents, sentences, actors, items, events, facts]


def iso_date(text: str | None) -> str | None:
    """The first day of the period an article date covers, as an ISO date (2024-03 -> 2024-03-01); None for
    none or for free text."""
    found = period(text)
    return found[0].isoformat() if found else None


def relationship_tables(data: ExportData) -> list[RelationshipTable]:
    """The event's links to its parties, items and evidence, the sentence's to its document, and SUPPLIES."""
    supplier = RelationshipTable("SUPPLIER", "rels-supplier.csv", "Event", "Actor", ())
    recipient = RelationshipTable("RECIPIENT", "rels-recipient.csv", "Event", "Actor", ())
    item = RelationshipTable(
        "ITEM",
        "rels-item.csv",
        "Event",
        "Item",
        (Column("flow"), Column("label"), Column("quantity", "long"), Column("quantity_text", "string[]")),
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
                quantity_text=list(flow.quantity_text),
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
            Column("first", "date"),
            Column("first_text"),
            Column("last", "date"),
            Column("last_text"),
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
            first=iso_date(edge.first),
            first_text=edge.first,
            last=iso_date(edge.last),
            last_text=edge.last,
        )
    return [supplier, recipient, item, evidence, in_document, supplies, *fact_relationship_tables(data)]


def fact_relationship_tables(data: ExportData) -> list[RelationshipTable]:
    """A fact's parties, item, the events it is derived from and the facts denying it; only towards nodes
    the export holds (neo4j-admin refuses a relationship to a missing node)."""
    supplier = RelationshipTable("SUPPLIER", "rels-fact-supplier.csv", "Fact", "Actor", ())
    recipient = RelationshipTable("RECIPIENT", "rels-fact-recipient.csv", "Fact", "Actor", ())
    item = RelationshipTable("ITEM", "rels-fact-item.csv", "Fact", "Item", ())
    derived = RelationshipTable("DERIVED_FROM", "rels-fact-derived-from.csv", "Fact", "Event", ())
    contradicted = RelationshipTable("CONTRADICTED_BY", "rels-fact-contradicted-by.csv", "Fact", "Fact", ())
    events = {event.iri for event in data.events}
    facts = {fact.iri for fact in data.facts}
    for fact in sorted(data.facts, key=lambda f: f.iri):
        if fact.supplier in data.actors:
            _relationship(supplier, fact.iri, fact.supplier)
        if fact.recipient in data.actors:
            _relationship(recipient, fact.iri, fact.recipient)
        if (thing := _fact_item(fact)) in data.items:
            _relationship(item, fact.iri, thing)
        for event in fact.events:
            if event in events:
                _relationship(derived, fact.iri, event)
        for denial in fact.contradicted_by:
            if denial in facts:
                _relationship(contradicted, fact.iri, denial)
    return [supplier, recipient, item, derived, contradicted]


def _fact_item(fact: Fact) -> str | None:
    """The Item node of a fact: its item type, else its category (as for an event's item flow)."""
    return fact.item or fact.category_iri


def array_delimiter(tables: Sequence[NodeTable | RelationshipTable]) -> str:
    """The array delimiter of these tables' CSV files: `;` unless an array element holds it, then the first of
    `|`, `¦`, U+241F and U+001F that none holds.

    Raises:
        ExportError: every candidate occurs in some array element.
    """
    used = set().union(*(set(element) for element in _array_elements(tables)))
    for candidate in (ARRAY_DELIMITER, *_OTHER_DELIMITERS):
        if candidate not in used:
            return candidate
    raise ExportError("no array delimiter fits: every candidate occurs in an array value")


def _array_elements(tables: Sequence[NodeTable | RelationshipTable]) -> Iterable[str]:
    for table in tables:
        arrays = [c.name for c in table.columns if c.type.endswith("[]")]
        for row in table.rows if arrays else ():
            for name in arrays:
                yield from row["props"].get(name) or ()


def _node(table: NodeTable, iri: str, **props: Value) -> None:
    table.rows.append({"iri": iri, "props": _checked(table.label, props)})


def _relationship(table: RelationshipTable, start: str, end: str, **props: Value) -> None:
    row: dict[str, Any] = {"start": start, "end": end, "props": _checked(table.type, props)}
    if table.key is not None:
        row["key"] = props[table.key]
    table.rows.append(row)


def _checked(owner: str, props: dict[str, Value]) -> dict[str, Value]:
    """The properties with a value (a missing one, or an empty array, is no property, as in neo4j-admin).

    Raises:
        ExportError: an array holds an empty element, which neo4j-admin could not tell from a delimiter.
    """
    kept: dict[str, Value] = {}
    for name, value in props.items():
        if value is None:
            continue
        if type(value) is list:
            if not value:
                continue
            if any(not element for element in value):
                raise ExportError(f"{owner}.{name}: an array holds an empty string: {value!r}")
        kept[name] = value
    return kept
