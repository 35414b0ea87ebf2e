"""Facts -> summaries per edge, per actor and per item, and the facts one article affirms and another denies.

Analysts ask the same few aggregate questions again and again (who supplies
Russia, what Ukraine receives, which edges rest on reports only), and on a
large graph answering them from the events means joining tens of thousands
of nodes per question. So the build counts once, beside the facts, in
their own graph kgd:summaries, and the named queries read the counts:

- kg:EdgeSummary per supplier -> recipient; kg:SupplierSummary and
  kg:RecipientSummary per actor in each role; kg:ReceiptSummary per
  recipient and item type; kg:OutflowSummary per supplier, recipient (absent
  when unstated) and item type;
- on each: events, distinct documents, sentences and facts, the first and
  last article dates, the relations present, and one kg:ModalityTally per
  modality present (facts, events and documents in that modality).

Summaries count transfers: requests are not supplies and are left out.
Counts are unions of the facts' sets of events and documents, never sums of
their counts, so a document telling one edge in two modalities counts once.

`kg:contradictedBy` links a fact affirmed (asserted or reported) to the
denial of the same claim (relation, parties, category, and the item type
when both name one) by at least one other document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rdflib import RDF, URIRef
from rdflib.term import Node

from kg.rdf.namespace import KG
from kg.rdf.support import FactKey, Support, Triple, hashed_iri, integer_literal

_SIDE_PREDICATE = {"supplier": KG.supplier, "recipient": KG.recipient, "item_type": KG.itemType}
_AFFIRMED = frozenset({KG.asserted, KG.reported})


@dataclass(frozen=True)
class Grain:
    """One kind of summary: its class, the sides of a fact that identify one, and those a fact must have."""

    kind: URIRef
    sides: tuple[str, ...]
    required: tuple[str, ...]


GRAINS: tuple[Grain, ...] = (
    Grain(KG.EdgeSummary, ("supplier", "recipient"), ("supplier", "recipient")),
    Grain(KG.SupplierSummary, ("supplier",), ("supplier",)),
    Grain(KG.RecipientSummary, ("recipient",), ("recipient",)),
    Grain(KG.ReceiptSummary, ("recipient", "item_type"), ("recipient", "item_type")),
    Grain(KG.OutflowSummary, ("supplier", "recipient", "item_type"), ("supplier", "item_type")),
)
_GRAINS_BY_KIND = {grain.kind: grain for grain in GRAINS}


@dataclass
class _Tally:
    """What one summary, or one modality of it, counts."""

    support: Support = field(default_factory=Support)
    facts: set[FactKey] = field(default_factory=set)
    relations: set[Node] = field(default_factory=set)

    def add(self, key: FactKey, found: Support) -> None:
        self.support.merge(found)
        # Counted by key: one key is one fact (its IRI is a hash of it), no need to hash it again here.
        self.facts.add(key)
        self.relations.add(key.relation)


@dataclass
class _Summary:
    grain: Grain
    sides: tuple[Node | None, ...]
    total: _Tally = field(default_factory=_Tally)
    by_modality: dict[Node, _Tally] = field(default_factory=dict)


# A summary: its grain's class and the sides it is of.
SummaryId = tuple[URIRef, tuple[Node | None, ...]]


def summary_triples(support: Mapping[FactKey, Support]) -> Iterable[Triple]:
    """The summaries of every grain over the facts in `support` (fact key -> its events and documents)."""
    for summary, keys in summary_members(support).items():
        yield from summarised(summary, keys, support)


def summary_members(keys: Iterable[FactKey]) -> dict[SummaryId, list[FactKey]]:
    """The summaries `keys` make, and the keys each counts (in the order of `keys`)."""
    members: dict[SummaryId, list[FactKey]] = {}
    for key in keys:
        for summary in summaries_of(key):
            members.setdefault(summary, []).append(key)
    return members


def summaries_of(key: FactKey) -> Iterator[SummaryId]:
    """The summaries a fact counts in: one per grain whose required sides it has; none for a request."""
    if key.relation == KG.Request:
        return
    for grain in GRAINS:
        if all(getattr(key, side) is not None for side in grain.required):
            yield grain.kind, tuple(getattr(key, side) for side in grain.sides)


def summarised(summary: SummaryId, keys: Iterable[FactKey], support: Mapping[FactKey, Support]) -> Iterable[Triple]:
    """The triples of the summary `summary` of the facts `keys` (each counting in it)."""
    kind, sides = summary
    counted = _Summary(_GRAINS_BY_KIND[kind], sides)
    for key in keys:
        found = support[key]
        counted.total.add(key, found)
        counted.by_modality.setdefault(key.modality, _Tally()).add(key, found)
    return _summary_triples(counted)


def _summary_triples(summary: _Summary) -> Iterable[Triple]:
    grain, total = summary.grain, summary.total
    node = hashed_iri("summary/", [str(grain.kind), *(None if side is None else str(side) for side in summary.sides)])
    yield node, RDF.type, grain.kind
    for name, value in zip(grain.sides, summary.sides, strict=True):
        if value is not None:
            yield node, _SIDE_PREDICATE[name], value
    for relation in total.relations:
        yield node, KG.relation, relation
    yield node, KG.eventCount, integer_literal(len(total.support.events))
    yield node, KG.factCount, integer_literal(len(total.facts))
    yield from total.support.count_triples(node)
    for modality, tally in summary.by_modality.items():
        part = URIRef(f"{node}/{str(modality).rsplit('#', 1)[-1]}")
        yield node, KG.byModality, part
        yield part, RDF.type, KG.ModalityTally
        yield part, KG.modality, modality
        yield part, KG.factCount, integer_literal(len(tally.facts))
        yield part, KG.eventCount, integer_literal(len(tally.support.events))
        yield part, KG.sourceCount, integer_literal(len(tally.support.documents))


def contradiction_triples(support: Mapping[FactKey, Support]) -> Iterable[Triple]:
    """`affirmed kg:contradictedBy denied` for each affirmed fact denied by another document."""
    claims: dict[tuple[Node, Node | None, Node | None, Node | None], list[FactKey]] = {}
    for key in support:
        claims.setdefault((key.relation, key.supplier, key.recipient, key.category), []).append(key)
    for keys in claims.values():
        denials = [key for key in keys if key.modality == KG.negated]
        if not denials:
            continue
        for affirmed in (key for key in keys if key.modality in _AFFIRMED):
            for denied in denials:
                if _same_item(affirmed, denied) and _other_document(support[affirmed], support[denied]):
                    yield affirmed.iri(), KG.contradictedBy, denied.iri()


def _same_item(one: FactKey, other: FactKey) -> bool:
    """Item types agree, or one side names none (« des armes » against « des obus » of one category)."""
    return one.item_type is None or other.item_type is None or one.item_type == other.item_type


def _other_document(affirmed: Support, denied: Support) -> bool:
    """Some document denies what another affirms (one article hedging itself is not a contradiction)."""
    return any(a != d for a in affirmed.documents for d in denied.documents)
