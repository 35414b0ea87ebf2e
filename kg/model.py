"""Plain data objects that travel through the pipeline.

They know nothing of spaCy or rdflib, so the RDF, HTML and export layers can
work from them (or from a JSONL file) without loading the NLP model.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

RELATIONS = ("supply", "purchase", "produce", "use", "request")
# A document date: YYYY, YYYY-MM or YYYY-MM-DD.
DATE_SHAPE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
MODALITIES = ("asserted", "reported", "hypothetical", "planned", "negated")


def date_problem(date: str) -> str | None:
    """What makes `date` (YYYY, YYYY-MM or YYYY-MM-DD) no date of the calendar (`month 13`), or None if it is one.

    Year 0000 is refused too: XML Schema dates, and so the graph, have no year zero.
    """
    match = DATE_SHAPE.match(date)
    if match is None:
        return "not YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(part) if part else None for part in match.groups())
    if year == 0:
        return "year 0000"
    if month is not None and not 1 <= month <= 12:
        return f"month {month:02d}"
    if day is not None and month is not None:
        last = calendar.monthrange(year or 1, month)[1]
        if not 1 <= day <= last:
            return f"day {day:02d} of a month of {last} days"
    return None


@dataclass(frozen=True)
class Article:
    """One source document: its id (file name or JSONL id), text and metadata."""

    id: str
    text: str
    date: str | None = None
    url: str | None = None
    title: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Actor:
    """A party to a transfer, resolved against the actor vocabulary when possible.

    `qid` is the Wikidata id, or None for an unnamed party ("deux entreprises").
    `iri` is the vocabulary concept, or None when the actor is not in it.
    """

    label: str
    qid: str | None = None
    iri: str | None = None
    kind: str | None = None
    label_fr: str | None = None
    text: str | None = None

    @property
    def key(self) -> str:
        """Who this is within an article: the vocabulary concept, else the label of an unnamed party."""
        return self.iri or self.label

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "qid": self.qid}


@dataclass(frozen=True)
class Item:
    """An item that flows: a weapon system, a generic kind of materiel, money, people."""

    label: str
    category: str
    iri: str | None = None
    quantity: int | str | None = None
    quantity_text: str | None = None
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "category": self.category, "quantity": self.quantity}
        if self.quantity_text is not None:
            out["quantity_text"] = self.quantity_text
        return out


@dataclass(frozen=True)
class Value:
    """A sum of money stated with a transfer: « 552 millions de dollars » → 552000000 USD."""

    amount: int | float
    currency: str
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}


@dataclass(frozen=True)
class Event:
    """One statement of items flowing between actors, with its evidence.

    `start`/`end` are the character offsets of the sentence in the document;
    `trigger` holds the offsets of the words that fired the rule, for highlighting.
    """

    doc: str
    sentence: str
    start: int
    end: int
    relation: str
    suppliers: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    items: tuple[Item, ...]
    modality: str
    rule: str
    implicit: bool = False
    date: str | None = None
    source: str | None = None
    trigger: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    value: Value | None = None

    def with_side(self, side: str, actors: tuple[Actor, ...]) -> Event:
        """This event with the actors of one side, "suppliers" or "recipients", replaced."""
        if side == "suppliers":
            return replace(self, suppliers=actors)
        if side == "recipients":
            return replace(self, recipients=actors)
        raise ValueError(f"no side {side!r}")

    def to_json(self) -> dict[str, Any]:
        """The event in the JSONL schema of the annotation guidelines, plus provenance."""
        return {
            "doc": self.doc,
            "sentence": self.sentence,
            "relation": self.relation,
            "suppliers": [a.to_json() for a in self.suppliers],
            "recipients": [a.to_json() for a in self.recipients],
            "items": [i.to_json() for i in self.items],
            "modality": self.modality,
            "implicit": self.implicit,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "date": self.date,
            "source": self.source,
            "value": self.value.to_json() if self.value is not None else None,
            "trigger": [list(t) for t in self.trigger],
        }

    def to_line(self) -> str:
        """The event as one line of a JSONL file (`to_json`, non-ASCII kept as is), without its line break."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Event:
        """Rebuild an event from its JSONL form (as written by `to_json`)."""
        return Event(
            doc=data["doc"],
            sentence=data["sentence"],
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            relation=data["relation"],
            suppliers=tuple(Actor(label=a["label"], qid=a.get("qid")) for a in data.get("suppliers") or []),
            recipients=tuple(Actor(label=a["label"], qid=a.get("qid")) for a in data.get("recipients") or []),
            items=tuple(
                Item(
                    label=i["label"],
                    category=i.get("category") or "other",
                    quantity=i.get("quantity"),
                    quantity_text=i.get("quantity_text"),
                )
                for i in data.get("items") or []
            ),
            modality=data.get("modality") or "asserted",
            rule=data.get("rule") or "",
            implicit=bool(data.get("implicit")),
            date=data.get("date"),
            source=data.get("source"),
            trigger=tuple((int(a), int(b)) for a, b in data.get("trigger") or []),
            value=Value(amount=data["value"]["amount"], currency=data["value"]["currency"])
            if data.get("value")
            else None,
        )


# The relation key of each relation class, by local name: one name everywhere (events.jsonl, named queries,
# explorer, exports), though the ontology names the class of `produce` kg:Production.
RELATION_OF_CLASS = {
    "Supply": "supply",
    "Purchase": "purchase",
    "Production": "produce",
    "Use": "use",
    "Request": "request",
}


def relation_key(class_name: str) -> str:
    """The relation key (`produce`) of a relation class's local name (`Production`), or of a key already."""
    return RELATION_OF_CLASS.get(class_name) or RELATION_OF_CLASS.get(class_name.capitalize()) or class_name.lower()
