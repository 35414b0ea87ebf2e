"""What facts and summaries are made of: the key of a claim, and the events, documents and dates behind it.

Both `kg.rdf.facts` (one node per claim) and `kg.rdf.summaries` (one node per
edge, per actor, per item received…) count from these sets, so a document
that says a thing twice, or two rules fired by one sentence, count once
everywhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from kg.rdf.namespace import KG, KGD

Triple = tuple[URIRef, URIRef, Node]
# Only these are ordered by date; a free-text date ("printemps 2023") is kept on its event only.
DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})


@dataclass(frozen=True)
class FactKey:
    """What makes two statements one fact; None is an absent side."""

    relation: Node
    supplier: Node | None
    recipient: Node | None
    item_type: Node | None
    category: Node | None
    modality: Node

    def iri(self) -> URIRef:
        """A hash of the key: the same claim gets the same IRI in every build."""
        fields = (self.relation, self.supplier, self.recipient, self.item_type, self.category, self.modality)
        return hashed_iri("fact/", [None if f is None else str(f) for f in fields])


def hashed_iri(prefix: str, parts: Sequence[str | None]) -> URIRef:
    """`kgd:<prefix><16 hex digits>` from a JSON list: unambiguous, and the same in every build."""
    data = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return KGD[prefix + hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]]


@dataclass
class Support:
    """The events behind a claim and what is counted from them."""

    events: set[Node] = field(default_factory=set)
    documents: set[Node] = field(default_factory=set)
    sentences: set[Node] = field(default_factory=set)
    dates: set[Literal] = field(default_factory=set)
    sources: set[Literal] = field(default_factory=set)

    def merge(self, more: Support) -> None:
        """Add what `more` counts (sets: a shared event or document counts once)."""
        self.events |= more.events
        self.documents |= more.documents
        self.sentences |= more.sentences
        self.dates |= more.dates
        self.sources |= more.sources

    def count_triples(self, node: URIRef) -> Iterable[Triple]:
        """kg:sourceCount (documents), kg:mentionCount (sentences), and the first and last article dates."""
        yield node, KG.sourceCount, integer_literal(len(self.documents))
        yield node, KG.mentionCount, integer_literal(len(self.sentences))
        if self.dates:
            yield node, KG.firstDate, min(self.dates, key=date_order)
            yield node, KG.lastDate, max(self.dates, key=date_order)


@functools.lru_cache(maxsize=4096)
def integer_literal(value: int) -> Literal:
    """`value` as an xsd:integer literal, made once: facts and summaries write about 60,000 counts on 1,000
    articles, nearly all small numbers, and rdflib takes some 10 µs to make a literal."""
    return Literal(value, datatype=XSD.integer)


# The sets a Support counts from, by field name.
SUPPORT_SETS = tuple(f.name for f in fields(Support))


def date_order(date: Literal) -> tuple[str, str]:
    """ISO text orders dates of one precision; a prefix (2024-03) sorts before what it contains."""
    return str(date), str(date.datatype)


def _node_record(node: Node | None) -> list[str] | None:
    """A term as JSON: [iri] for an IRI, [lexical form, datatype, language] for a literal."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return [str(node), str(node.datatype or ""), node.language or ""]
    return [str(node)]


def _node_from_record(record: list[str]) -> Node:
    if len(record) == 1:
        return URIRef(record[0])
    lexical, datatype, language = record
    return Literal(lexical, datatype=URIRef(datatype) if datatype else None, lang=language or None)


def support_to_json(support: dict[FactKey, Support]) -> list[Any]:
    """`support` as JSON data, so a build can keep what each document adds to the facts."""
    out: list[Any] = []
    # Sorted, so the same support always gives the same bytes.
    for key, found in sorted(support.items(), key=lambda item: str(item[0].iri())):
        fields = (key.relation, key.supplier, key.recipient, key.item_type, key.category, key.modality)
        out.append(
            [
                [_node_record(f) for f in fields],
                {name: sorted(_node_record(n) for n in getattr(found, name)) for name in SUPPORT_SETS},  # type: ignore[type-var]
            ]
        )
    return out


def support_from_json(data: list[Any]) -> dict[FactKey, Support]:
    """The support `support_to_json` gave."""
    support: dict[FactKey, Support] = {}
    for terms, sets in data:
        key = FactKey(*(None if t is None else _node_from_record(t) for t in terms))  # type: ignore[arg-type]
        # Dates and sources are literals, the rest IRIs: each record says which it is.
        support[key] = Support(**{name: {_node_from_record(n) for n in sets[name]} for name in SUPPORT_SETS})  # type: ignore[arg-type]
    return support
