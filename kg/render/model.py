"""What the explorer draws, as plain data: read from the store, or built directly (benchmarks, tests).

The renderer takes only these objects, never a store or rdflib graph, so a
synthetic graph of any size can be rendered without building RDF first.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """A vocabulary term shown in the legend or the filters: its key and its English and French labels."""

    key: str
    label: str
    label_fr: str | None = None


@dataclass(frozen=True)
class ActorInfo:
    """A node: an actor with its English label (drawn), French label (on hover) and kind (its colour).

    `aliases` are the other names search finds it by (alternative labels, metonyms: « USA », « Moscou »).
    An actor of kind `UnnamedActor` (« les alliés ») is merged with every other of the same label.
    """

    iri: str
    label: str
    label_fr: str | None = None
    kind: str = "Actor"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemInfo:
    """One item of an event: what it is, its category key and its quantity as written or normalised."""

    label: str
    category: str
    quantity: str | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """A source article: its id, and its url and title when known."""

    iri: str
    id: str
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class EventInfo:
    """One extracted event with its evidence: the sentence, trigger words, document and rule.

    `implicit` is true for a transfer inferred (the origin of a used item), not stated.
    """

    iri: str
    relation: str
    modality: str
    sentence: str
    document: str
    rule: str = ""
    date: str | None = None
    triggers: tuple[str, ...] = ()
    source: str | None = None
    suppliers: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    items: tuple[ItemInfo, ...] = ()
    implicit: bool = False


@dataclass
class ExplorerData:
    """Everything the page shows: actors by IRI, events, documents by IRI, and the legend's vocabularies.

    `kinds`, `relations`, `modalities` and `categories` give the order and labels of the legend and filters;
    a key used by an event or actor but missing there is shown under its key.
    """

    actors: dict[str, ActorInfo] = field(default_factory=dict)
    events: list[EventInfo] = field(default_factory=list)
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    kinds: list[Term] = field(default_factory=list)
    relations: list[Term] = field(default_factory=list)
    modalities: list[Term] = field(default_factory=list)
    categories: list[Term] = field(default_factory=list)
