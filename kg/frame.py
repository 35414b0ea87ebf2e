"""The article frame: which transfers an article is about, read from its own first pass.

A news article states its main transfer once or twice in full (« la Corée du Nord a livré des obus à la
Russie ») and then refers to it: « son allié », « elle en aurait reçu des millions », « les premières
livraisons sont attendues en mars », « Moscou a aussi transféré des missiles ». A reader fills these
from what the article is about; the frame is that knowledge, computed after extraction has seen every
sentence once:

- the **pairs**: supplier → recipient of the explicit transfers (supply and purchase, seller → buyer) whose
  two sides are named actors of the vocabulary, each counted once per sentence;
- for each pair, the items its sentences name, in article order.

It answers three questions, each with a precision guard (a frame that is not clear answers nothing):

- `partner(actor)`: the party an actor deals with in the article (« son allié », « sa voisine »), when one
  party accounts for at least two thirds of the actor's transfers;
- `prefer(candidates, side)`: of the actors a pronoun may stand for, the one that plays `side` in the
  article's transfers (« elle en aurait reçu » after « la Corée du Nord livre des obus à la Russie »
  is Russia, the recipient, not the nearer name);
- `items_for(suppliers, recipients)`: the items of the pair an item-less transfer is about (« les premières
  livraisons sont attendues en mars »), the pair given by its sides or, with no side, the article's main pair.

The frame holds `kg.model` objects only; `kg.events` builds it between its two passes and `kg.discourse`
uses it to complete events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.model import Actor, Event, Item

TRANSFER_RELATIONS = ("supply", "purchase")
SIDES = ("suppliers", "recipients")
# The share of an actor's transfers a partner must hold to be « the » partner, and of all transfers the main pair.
DOMINANCE = 2 / 3
GENERIC_CATEGORY = "equipment"


@dataclass
class ArticleFrame:
    """The named transfer pairs of one article, with their items. Empty when the article states none."""

    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    actors: dict[str, Actor] = field(default_factory=dict)
    # Per pair, the items of each of its events with the event's sentence number, in article order.
    items: dict[tuple[str, str], list[tuple[int, tuple[Item, ...]]]] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: Iterable[tuple[int, Event]]) -> ArticleFrame:
        """The frame of the article whose events are given with their sentence numbers.

        Only explicit transfers count, and only named actors (vocabulary concepts): an implicit supply restates
        a use, and an unnamed party (« ses alliés ») cannot be anyone's referent. A negated transfer still says
        who deals with whom, so it counts.
        """
        frame = cls()
        seen: set[tuple[int, str, str]] = set()
        for sentence, event in events:
            if event.relation not in TRANSFER_RELATIONS or event.implicit or not event.items:
                continue
            for supplier in event.suppliers:
                for recipient in event.recipients:
                    if supplier.iri is None or recipient.iri is None or supplier.key == recipient.key:
                        continue
                    pair = (supplier.key, recipient.key)
                    frame.actors.setdefault(supplier.key, supplier)
                    frame.actors.setdefault(recipient.key, recipient)
                    frame.items.setdefault(pair, []).append((sentence, event.items))
                    if (sentence, *pair) not in seen:
                        seen.add((sentence, *pair))
                        frame.pairs[pair] += 1
        return frame

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def _dominant(self, counts: Counter[str]) -> str | None:
        total = sum(counts.values())
        if not total:
            return None
        key, count = counts.most_common(1)[0]
        return key if count / total >= DOMINANCE else None

    def partner(self, actor: Actor, side: str | None = None) -> Actor | None:
        """The one party `actor` deals with in this article, or None. With `side`, only a partner on that side
        counts (« recipients »: whom `actor` supplies), else the items may go either way."""
        counts: Counter[str] = Counter()
        for (supplier, recipient), count in self.pairs.items():
            if supplier == actor.key and side != "suppliers":
                counts[recipient] += count
            elif recipient == actor.key and side != "recipients":
                counts[supplier] += count
        key = self._dominant(counts)
        return self.actors[key] if key is not None else None

    def side_of(self, actor: Actor) -> str | None:
        """ "suppliers" or "recipients" when the actor plays only that side in this article's transfers."""
        sides = {side for pair in self.pairs for side, key in zip(SIDES, pair, strict=True) if key == actor.key}
        return sides.pop() if len(sides) == 1 else None

    def prefer(self, candidates: list[Actor], side: str) -> Actor | None:
        """Of `candidates` (most recent first), the first that plays `side` only, when another plays the other."""
        roles = {a.key: self.side_of(a) for a in candidates}
        if not any(role is not None and role != side for role in roles.values()):
            return None
        return next((a for a in candidates if roles[a.key] == side), None)

    def main_pair(self) -> tuple[str, str] | None:
        """The pair most of the article's transfers are about, when there is one."""
        total = sum(self.pairs.values())
        if not total:
            return None
        pair, count = self.pairs.most_common(1)[0]
        return pair if count / total >= DOMINANCE else None

    def pair_for(self, suppliers: tuple[Actor, ...], recipients: tuple[Actor, ...]) -> tuple[str, str] | None:
        """The frame pair an event with these (possibly empty) sides is about: the one pair that agrees with
        every stated side, or the main pair when none is stated."""
        if not suppliers and not recipients:
            return self.main_pair()
        supplier_keys = {a.key for a in suppliers}
        recipient_keys = {a.key for a in recipients}
        agreeing = [
            pair
            for pair in self.pairs
            if (not supplier_keys or pair[0] in supplier_keys) and (not recipient_keys or pair[1] in recipient_keys)
        ]
        if len(agreeing) == 1:
            return agreeing[0]
        counts = Counter({pair: self.pairs[pair] for pair in agreeing})
        total = sum(counts.values())
        if total and counts.most_common(1)[0][1] / total >= DOMINANCE:
            return counts.most_common(1)[0][0]
        return None

    def actor(self, key: str) -> Actor:
        return self.actors[key]

    def items_for(self, pair: tuple[str, str], sentence: int) -> tuple[Item, ...]:
        """The items a reference to `pair` in sentence `sentence` is about: those of the pair's nearest event
        before it (after it when none is before), a specific kind rather than generic materiel when the pair
        names one. Quantities are dropped: they were another sentence's."""
        stated = self.items.get(pair, [])
        before = [items for s, items in stated if s < sentence][::-1]
        after = [items for s, items in stated if s >= sentence]
        ordered = before + after
        if not ordered:
            return ()
        chosen = next((items for items in ordered if any(i.category != GENERIC_CATEGORY for i in items)), ordered[0])
        return tuple(
            Item(label=i.label, category=i.category, iri=i.iri, text=i.text)
            for i in chosen
            if i.category != GENERIC_CATEGORY or all(j.category == GENERIC_CATEGORY for j in chosen)
        )
