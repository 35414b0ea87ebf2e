"""`ExportData` -> a flat, SIPRI-like CSV table: one row per fact (one claim across documents).

Columns: relation, supplier, recipient, item, category, quantity, value, modality, first and last article
dates, counts, and the evidence. Names are labels, as the named queries print them (`kg query facts`):
the supplier's, recipient's and item's English labels, and the category's (`Artillery`); the keys are
beside them for joining (`supplier_qid`, `recipient_qid`, `category_key`: `artillery`, the key the
Neo4j export and the explorer use). `relation` is the key of events.jsonl (`produce`). Multi-valued
cells (the quantities as written, named sources, document ids, sentences) are JSON arrays, so
`json.loads` gives every sentence back exactly, whatever it contains; everything else is one plain value.
RFC 4180 quoting with CRLF line ends; UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation

from kg.export.model import Event, ExportData, Fact, Flow

COLUMNS = (
    "relation",
    "supplier",
    "supplier_qid",
    "recipient",
    "recipient_qid",
    "item",
    "category",
    "category_key",
    "quantity",
    "quantity_text",
    "value",
    "currency",
    "modality",
    "first_date",
    "last_date",
    "n_sources",
    "n_mentions",
    "named_sources",
    "documents",
    "sentences",
    "fact",
)


def facts_csv(data: ExportData) -> str:
    """The table, best corroborated facts first, then by supplier, recipient, relation and item."""
    events = {event.iri: event for event in data.events}
    rows = [_row(data, fact, [events[e] for e in fact.events if e in events]) for fact in data.facts]
    # An unstated side sorts after the named ones.
    rows.sort(
        key=lambda r: (
            -int(r["n_sources"]),
            r["supplier"] or "\uffff",
            r["recipient"] or "\uffff",
            r["relation"],
            r["item"],
            r["fact"],
        )
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _row(data: ExportData, fact: Fact, events: list[Event]) -> dict[str, str]:
    supplier = data.actors.get(fact.supplier) if fact.supplier else None
    recipient = data.actors.get(fact.recipient) if fact.recipient else None
    item = data.items.get(fact.item) if fact.item else None
    flows = [flow for event in events for flow in event.flows if _same_item(flow, fact)]
    quantities = [flow.quantity for flow in flows if flow.quantity is not None]
    stated = [(amount, event) for event in events if (amount := _decimal(event.value)) is not None]
    value = max(stated, key=lambda pair: pair[0])[1] if stated else None
    ordered = sorted(events, key=lambda e: (e.date or "", data.documents[e.document].id, e.iri))
    return {
        "relation": fact.relation,
        "supplier": supplier.name if supplier else "",
        "supplier_qid": (supplier.qid or "") if supplier else "",
        "recipient": recipient.name if recipient else "",
        "recipient_qid": (recipient.qid or "") if recipient else "",
        "item": item.name if item else "",
        "category": data.category_labels.get(fact.category, fact.category) if fact.category else "",
        "category_key": fact.category or "",
        "quantity": str(max(quantities)) if quantities else "",
        "quantity_text": _json_list(text for flow in flows for text in flow.quantity_text),
        "value": (value.value or "") if value else "",
        "currency": (value.currency or "") if value else "",
        "modality": fact.modality,
        "first_date": fact.first or "",
        "last_date": fact.last or "",
        "n_sources": str(fact.n_sources),
        "n_mentions": str(fact.n_mentions),
        "named_sources": _json_list(e.source for e in ordered if e.source),
        "documents": _json_list(data.documents[e.document].id for e in ordered),
        "sentences": _json_list(data.sentences[e.sentence].text for e in ordered),
        "fact": fact.iri,
    }


def _same_item(flow: Flow, fact: Fact) -> bool:
    """The flows a fact is about: same item type, or no type on either and the same category."""
    return flow.item_type == fact.item and flow.category == (fact.category or flow.category)


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def _json_list(values: object) -> str:
    """Distinct values in order of first appearance, as a JSON array (empty cell for none)."""
    distinct = list(dict.fromkeys(values))  # type: ignore[call-overload]
    return json.dumps(distinct, ensure_ascii=False) if distinct else ""
