"""The events of the built graph as the store holds them, before the explorer or the exports shape them.

`Actor`, `Document` and `Sentence` are final as read: the exports write them as they are and the explorer
copies the few fields it draws. `StoredEvent` and `StoredFlow` keep what each consumer needs to make its own
events and items from: the store's lexical values (a quantity as "12", the item category as an IRI) and
the trigger words as one text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """A party to an event: its IRI, English and French names, Wikidata id and kind (most specific class)."""

    iri: str
    name: str
    name_fr: str | None = None
    qid: str | None = None
    kind: str = "Actor"


@dataclass(frozen=True)
class Document:
    """A source article."""

    iri: str
    id: str
    date: str | None = None
    url: str | None = None
    title: str | None = None
    n_events: int = 0


@dataclass(frozen=True)
class Sentence:
    """The evidence of events: a sentence of a document with its character offsets."""

    iri: str
    text: str
    document: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class StoredFlow:
    """One item flow of an event as stored: its category IRI, and its label, item type and quantity if any.

    `quantity` is the lexical form of kg:quantity; `quantity_texts` are its kg:quantityText (a number as
    written, a rate), each once, in store order: the explorer joins them in that order, the exports sort them.
    """

    iri: str
    category: str
    label: str | None = None
    item_type: str | None = None
    quantity: str | None = None
    quantity_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredEvent:
    """One event with its evidence and parties; `relation` and `modality` are keys ("supply", "asserted").

    `trigger` is the kg:trigger text of its mention: the words that fired the rule, space-separated.
    """

    iri: str
    relation: str
    modality: str
    document: str
    sentence: str
    rule: str = ""
    date: str | None = None
    trigger: str | None = None
    source: str | None = None
    value: str | None = None
    currency: str | None = None
    implicit: bool = False
    suppliers: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


@dataclass
class GraphEvents:
    """What the explorer and the exports both read from the store, read once (`read_graph_events`).

    `events` and `documents` are in store order (the documents events name without describing them last),
    `flows` maps every event IRI to its item flows sorted by IRI, `actors` (every party) is sorted by IRI.
    """

    events: dict[str, StoredEvent] = field(default_factory=dict)
    flows: dict[str, tuple[StoredFlow, ...]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    sentences: dict[str, Sentence] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
