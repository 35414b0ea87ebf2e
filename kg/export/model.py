"""What the exports write, as plain data read once from the store: no rdflib, no pyoxigraph beyond `read.py`.

Every writer (Neo4j, GEXF, GraphML, the facts table) takes an `ExportData`,
so a test can hand one a graph built by hand, with text the extractor never
produces (line breaks inside a sentence), and check it survives.
Values are kept as the store has them: dates as their lexical form
("2024-03", "2024-03-05"), a stated value as its decimal text. Relations are
the keys of `events.jsonl` (`kg.model.RELATIONS`: `produce`, not the class
name `Production`), in every export. `Actor`,
`Document` and `Sentence` are the shared read's own (`kg.graph_reader`),
written as read; the rest is shaped for the exports in `read.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph_reader.model import Actor, Document, Sentence, StoredEvent
from kg.model import MODALITIES, RELATION_OF_CLASS, RELATIONS, relation_key

__all__ = [
    "MODALITIES",
    "RELATIONS",
    "RELATION_OF_CLASS",
    "Actor",
    "Document",
    "Event",
    "ExportData",
    "Fact",
    "Flow",
    "Item",
    "Sentence",
    "Supplies",
    "relation_key",
]


@dataclass(frozen=True)
class Item:
    """What moves: an item type of the vocabulary, or an item category when the text names no type."""

    iri: str
    name: str
    name_fr: str | None = None
    category: str = "other"


@dataclass(frozen=True)
class Flow:
    """One item inside one event: which item (its type, else its category), its label there, its quantity."""

    iri: str
    item: str
    label: str
    category: str
    quantity: int | None = None
    quantity_text: tuple[str, ...] = ()
    item_type: str | None = None


@dataclass(frozen=True)
class Event(StoredEvent):
    """One extracted event as the exports write it: the stored event (relation, modality, parties, evidence and
    what the article adds) with its item flows."""

    flows: tuple[Flow, ...] = ()


@dataclass(frozen=True)
class Supplies:
    """A supplier -> recipient edge summary (requests left out): what kinds of transfer, how well supported."""

    supplier: str
    recipient: str
    relations: tuple[str, ...]
    modalities: tuple[str, ...]
    categories: tuple[str, ...]
    n_events: int
    n_sources: int
    n_facts: int
    first: str | None = None
    last: str | None = None


@dataclass(frozen=True)
class Fact:
    """One claim across documents (kg:Fact): relation, parties, item, modality, the events stating it, and the
    facts denying it (`contradicted_by`: kg:contradictedBy, from an affirmed fact to a denial elsewhere).

    `category` is the item category's key (`artillery`), `category_iri` its IRI.
    """

    iri: str
    relation: str
    modality: str
    n_sources: int
    n_mentions: int
    supplier: str | None = None
    recipient: str | None = None
    item: str | None = None
    category: str | None = None
    first: str | None = None
    last: str | None = None
    events: tuple[str, ...] = ()
    category_iri: str | None = None
    contradicted_by: tuple[str, ...] = ()


@dataclass
class ExportData:
    """The built graph as the exports see it; every mapping is keyed by IRI and every list sorted."""

    actors: dict[str, Actor] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    sentences: dict[str, Sentence] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    supplies: list[Supplies] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    # Item category key -> its English label (`artillery` -> "Artillery"), as the named queries print it.
    category_labels: dict[str, str] = field(default_factory=dict)
