"""Fill the unstated side of a transfer from the rest of its article.

Articles name the parties once and then go on without them: « Le Royaume-Uni
enverra des chars en Ukraine. Quatorze chars doivent être envoyés… », « Les
premières livraisons sont attendues en mars ». Annotators, and analysts, read
the second sentence with the parties of the first. This module does the same,
after all events of one article are known, so it can look both back and ahead.

`supply` and `purchase` events are completed as below (a `use` with no stated
origin, or a `produce` with no stated user, is a complete statement). The order of preference, each
step only when it puts no actor on both sides:

1. the nearest transfer of the article with an actor in common on the known side
   (« le Royaume-Uni … ; la Grande-Bretagne prévoit d'envoyer … »);
2. the nearest earlier transfer at most `window` sentences back about the same
   category of items (money given is not the shells later delivered);
3. for a supply, the side most other transfers of the article state (the article's
   recipient or supplier, at least two thirds of the mentions), or the one partner the
   article frame gives the known side.

An event with neither side stated borrows both from the transfer just before it
(step 2) or is dropped: with no party at all it is not an edge. A `use` with no
stated user takes the receiver of the last transfer or use of the same kind of
items within the window (what was delivered to Kyiv is fired by Kyiv), or is dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kg.frame import DOMINANCE, GENERIC_CATEGORY, TRANSFER_RELATIONS, ArticleFrame
from kg.model import Actor, Event

__all__ = ["TRANSFER_RELATIONS", "DiscourseContext", "Placed", "merge_statements"]
_OTHER_SIDE = {"suppliers": "recipients", "recipients": "suppliers"}


@dataclass(frozen=True)
class Placed:
    """An event with the index of its sentence in the article, and the depth of its trigger in the sentence's
    tree (0 for the main verb): of two events that make one statement, the shallower speaks for it."""

    sentence: int
    event: Event
    depth: int = 0


def _same_kind(one: Event, other: Event) -> bool:
    """Whether two events may be about the same goods (generic equipment matches anything)."""
    first = {i.category for i in one.items}
    second = {i.category for i in other.items}
    return bool(first & second) or GENERIC_CATEGORY in first | second


def _keys(actors: Iterable[Actor]) -> set[str]:
    return {a.key for a in actors}


def statement_key(event: Event) -> tuple[object, ...]:
    """What makes two events of one sentence the same statement: relation, sides and items."""
    return (
        event.relation,
        event.implicit,
        tuple(a.key for a in event.suppliers),
        tuple(a.key for a in event.recipients),
        tuple(i.iri or i.label for i in event.items),
    )


def merge_statements(events: Iterable[tuple[Event, int]]) -> list[tuple[Event, int]]:
    """One event per statement of a sentence, in the place of its first. `events` come with the depth of their
    trigger in the sentence's tree; of those making one statement, the shallowest (the first on a tie) is kept,
    holding the trigger words of the others, with its depth.

    « les blindés promis à l'Ukraine seront livrés » is one transfer that two verbs fire; kept twice it would
    count as two mentions of a fact, and the graph (whose event IRIs hash exactly these fields) would merge
    the two into one node with two triggers while events.jsonl listed two events. The clause's own verb
    (« ont été livrés », asserted) says more of the transfer than a participle describing its items
    (« promis », planned), hence the shallowest.
    """
    out: list[tuple[Event, int]] = []
    slot: dict[tuple[object, ...], int] = {}
    for event, depth in events:
        key = statement_key(event)
        if key not in slot:
            slot[key] = len(out)
            out.append((event, depth))
            continue
        kept, kept_depth = out[slot[key]]
        triggers = set(kept.trigger) | set(event.trigger)
        if depth < kept_depth:
            kept, kept_depth = event, depth
        if triggers != set(kept.trigger):
            kept = replace(kept, trigger=tuple(sorted(triggers)))
        out[slot[key]] = (kept, kept_depth)
    return out


class DiscourseContext:
    """Completes the events of one article; `window` bounds step 2 in sentences."""

    def __init__(self, window: int) -> None:
        self.window = window

    def complete(self, placed: list[Placed], frame: ArticleFrame | None = None) -> list[Event]:
        """The article's events with unstated transfer sides filled, in the same order.

        Events are completed in article order, and an earlier event lends the
        sides it was itself lent: « Le Royaume-Uni confirme l'envoi de chars. …
        Quatorze chars doivent être envoyés ». A transfer whose items are unstated (« les premières livraisons
        sont attendues en mars ») first takes them, with any unstated side, from the article `frame`, or from
        the transfer just before it; it is dropped when neither says.
        """
        frame = frame if frame is not None else ArticleFrame()
        placed = [done for index, p in enumerate(placed) for done in self._with_items(p, placed[:index], frame)]
        stated = [p for p in placed if p.event.relation in TRANSFER_RELATIONS and not p.event.implicit]
        position = {id(p): k for k, p in enumerate(stated)}
        # Who asks for arms receives them too: requests count for the article's one recipient.
        receivers = [p for p in placed if p.event.relation == "request" and p.event.recipients]
        out: list[Placed] = []
        for index, item in enumerate(placed):
            event = item.event
            if event.relation == "use" and not event.recipients:
                user = self._user(event, item, placed[:index])
                if user is not None:
                    out.append(Placed(item.sentence, user, item.depth))
                continue
            if id(item) not in position:
                out.append(item)
                continue
            k = position[id(item)]
            has_suppliers, has_recipients = bool(event.suppliers), bool(event.recipients)
            completed: Event | None = event
            if has_suppliers and not has_recipients:
                completed = self._fill(event, k, stated, "recipients", receivers, frame)
            elif has_recipients and not has_suppliers:
                completed = self._fill(event, k, stated, "suppliers", receivers, frame)
            elif not has_suppliers and not has_recipients:
                completed = self._fill_both(event, k, stated)
            if completed is None:
                continue
            stated[k] = Placed(item.sentence, completed, item.depth)
            out.append(stated[k])
        # Completion can make two events of a sentence one statement (a passive without its agent takes
        # the agent its neighbour states): merged, sentence by sentence, as extraction merges them.
        by_sentence: dict[int, list[Placed]] = {}
        for done in out:
            by_sentence.setdefault(done.sentence, []).append(done)
        return [
            event for group in by_sentence.values() for event, _ in merge_statements((p.event, p.depth) for p in group)
        ]

    def _with_items(self, item: Placed, before: list[Placed], frame: ArticleFrame) -> list[Placed]:
        """`item` itself when its event names items; else the event with the items (and unstated sides) of the
        transfer it refers to: the one just before it (in its sentence or the previous one) that agrees with its
        stated sides, else the frame pair it is about; else nothing (« ces livraisons » refer to the last
        transfer named, the article's main transfer only when none is near)."""
        event = item.event
        if event.items:
            return [item]
        for candidate in reversed(before):
            other = candidate.event
            if item.sentence - candidate.sentence > 1:
                break
            if other.relation not in TRANSFER_RELATIONS or other.implicit or not other.items:
                continue
            if all(
                not getattr(event, side) or _keys(getattr(event, side)) & _keys(getattr(other, side))
                for side in _OTHER_SIDE
            ):
                suppliers = event.suppliers or self._usable(other.suppliers, _keys(event.recipients))
                recipients = event.recipients or self._usable(other.recipients, _keys(suppliers))
                if suppliers or recipients:
                    completed = replace(
                        event,
                        items=tuple(replace(i, quantity=None, quantity_text=None) for i in other.items),
                        suppliers=suppliers,
                        recipients=recipients,
                    )
                    return [Placed(item.sentence, completed, item.depth)]
        pair = frame.pair_for(event.suppliers, event.recipients)
        if pair is not None:
            items = frame.items_for(pair, item.sentence)
            if items:
                completed = replace(
                    event,
                    items=items,
                    suppliers=event.suppliers or (frame.actor(pair[0]),),
                    recipients=event.recipients or (frame.actor(pair[1]),),
                )
                return [Placed(item.sentence, completed, item.depth)]
        return []

    def _fill(
        self, event: Event, k: int, stated: list[Placed], side: str, receivers: list[Placed], frame: ArticleFrame
    ) -> Event:
        here = stated[k].sentence
        known_keys = _keys(getattr(event, _OTHER_SIDE[side]))
        others = [(j, p) for j, p in enumerate(stated) if j != k and getattr(p.event, side)]
        # 1. The nearest transfer sharing the known side, before or after. A shared
        # recipient is weak evidence (every transfer of an article on aid to Kyiv
        # shares it), so lending suppliers also asks for the same kind of items.
        sharing = [
            (j, p)
            for j, p in others
            if _keys(getattr(p.event, _OTHER_SIDE[side])) & known_keys
            and (side == "recipients" or _same_kind(p.event, event))
        ]
        for _, candidate in sorted(sharing, key=lambda jp: (abs(jp[1].sentence - here), jp[0] > k)):
            found = self._usable(getattr(candidate.event, side), known_keys)
            if found:
                return event.with_side(side, found)
        # 2. The transfer just before, within the window, about the same kind of items.
        for j, candidate in reversed(others):
            if j > k or here - candidate.sentence > self.window or not _same_kind(candidate.event, event):
                continue
            found = self._usable(getattr(candidate.event, side), known_keys)
            if found:
                return event.with_side(side, found)
        # 3. The article's single party on that side, or the one partner the frame gives the known side. Not for
        # a purchase: its seller is usually left unsaid on purpose (« acheter des obus »).
        if event.relation != "supply":
            return event
        known = getattr(event, _OTHER_SIDE[side])
        partners = {p.key: p for a in known for p in (frame.partner(a, side),) if p is not None}
        if len(known) == 1 and len(partners) == 1:
            found = self._usable(tuple(partners.values()), known_keys)
            if found:
                return event.with_side(side, found)
        pool = [p for _, p in others] + (receivers if side == "recipients" else [])
        counts = Counter(
            a.key for p in pool for a in self._usable(getattr(p.event, side), known_keys) if a.key not in known_keys
        )
        total = sum(counts.values())
        if total and counts.most_common(1)[0][1] / total >= DOMINANCE:
            key = counts.most_common(1)[0][0]
            for p in pool:
                for actor in getattr(p.event, side):
                    if actor.key == key:
                        return event.with_side(side, (actor,))
        return event

    def _user(self, event: Event, item: Placed, before: list[Placed]) -> Event | None:
        """« Washington a expédié des missiles en Ukraine. … s'ils étaient tirés depuis Kherson »:
        items used with no user stated are used by whoever last received that kind of items."""
        for candidate in reversed(before):
            if item.sentence - candidate.sentence > self.window:
                break
            if candidate.event.relation in ("supply", "purchase", "use") and candidate.event.recipients:
                if _same_kind(candidate.event, event):
                    return replace(event, recipients=candidate.event.recipients)
        return None

    def _fill_both(self, event: Event, k: int, stated: list[Placed]) -> Event | None:
        here = stated[k].sentence
        for candidate in reversed(stated[:k]):
            if here - candidate.sentence > self.window:
                break
            if candidate.sentence == here and candidate.event.relation != event.relation:
                # « a livré des obus achetés hors de l'UE »: the items of one sentence bought, then supplied; the
                # supplier is the buyer, not the seller, so the sides of the one do not carry to the other.
                continue
            suppliers = self._usable(candidate.event.suppliers, set())
            recipients = self._usable(candidate.event.recipients, _keys(suppliers))
            if suppliers and recipients and _same_kind(candidate.event, event):
                return replace(event, suppliers=suppliers, recipients=recipients)
        return None

    @staticmethod
    def _usable(actors: tuple[Actor, ...], exclude: set[str]) -> tuple[Actor, ...]:
        """The actors one event may lend another: named ones (an unnamed party, « des pays tiers », is who it is
        only in its own sentence), not on the other side."""
        return tuple(a for a in actors if a.key not in exclude and a.iri is not None)
