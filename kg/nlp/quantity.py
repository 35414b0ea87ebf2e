"""Read numbers: an item's quantity (« 20 000 obus », « 2,3 millions d'obus », « une
trentaine de canons ») and the value of a transfer (« 552 millions de dollars »)."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Token

from kg.model import Value
from kg.nlp.pipeline import load_data

DIGITS = re.compile(r"^\d+(?:[.,]\d+)?$")
GROUPED = re.compile(r"^\d{1,3}(?:[.\u00a0 ]\d{3})+$")


def _number(text: str) -> float | None:
    text = text.replace("\u202f", "").replace("\u00a0", "")
    if GROUPED.match(text):
        return float(re.sub(r"[.\u00a0 ]", "", text))
    if DIGITS.match(text):
        return float(text.replace(",", "."))
    return None


def _number_tokens(head: Token) -> list[Token]:
    tokens = sorted(
        (c for c in head.children if c.dep_ in ("nummod", "det") and (c.like_num or c.pos_ == "NUM")),
        key=lambda t: t.i,
    )
    if tokens and tokens[0].text.isdigit() and len(tokens[0].text) == 3:
        # « 1 700 drones »: the parser may hang the thousands elsewhere.
        doc = head.doc
        first = tokens[0]
        while first.i > 0 and doc[first.i - 1].text.isdigit() and len(doc[first.i - 1].text) <= 3:
            if doc[first.i - 1] in tokens:
                break
            tokens.insert(0, doc[first.i - 1])
            first = doc[first.i - 1]
            if len(first.text) < 3:
                break
    return tokens


def read_quantity(item: Token, quantifier: Token | None) -> tuple[int | str | None, str | None]:
    """The quantity (integer when it can be normalised, else the words) and its text.

    `quantifier` is the counting noun above the item (« millions » in « 3 millions d'obus »).
    """
    grammar = load_data("grammar")
    words: dict[str, int] = grammar["number_words"]
    multipliers: dict[str, int] = grammar["multipliers"]
    if quantifier is not None and not (multipliers.get(quantifier.lower_) or words.get(quantifier.lemma_.lower())):
        # « un total de 60 missiles », « une cargaison de drones »: the packaging noun
        # does not count the items; only the item's own number does.
        quantifier = None
    head = quantifier if quantifier is not None else item
    tokens = _number_tokens(head)
    text_parts = [t.text for t in tokens]
    value: float | None = None
    if tokens:
        joined = "".join(t.text for t in tokens) if all(t.text.isdigit() for t in tokens) else None
        value = _number(joined) if joined else _number(tokens[-1].text)
        if value is None:
            value = words.get(tokens[-1].lower_)
    if quantifier is not None:
        key = quantifier.lower_
        scale = multipliers.get(key)
        text_parts.append(quantifier.text)
        approximate = words.get(quantifier.lemma_.lower())
        if scale and value is not None:
            value *= scale
        elif approximate is not None:
            # « une trentaine » = 30, « deux centaines » = 200, « des centaines » stays words.
            if value is None and not any(c.dep_ == "det" and c.lower_ in ("un", "une") for c in quantifier.children):
                return quantifier.lower_, " ".join(text_parts)
            value = (value or 1) * approximate
    rate = _rate(item, grammar["rate_units"])
    if value is None:
        return None, None
    text = " ".join(text_parts) if text_parts else None
    if rate and text:
        text = f"{text} {rate}"
    return int(round(value)), text


def _rate(item: Token, units: list[str]) -> str | None:
    """« 20 000 obus par jour »: the rate, on the item or on the verb it depends on."""
    for owner in (item, item.head):
        for child in owner.children:
            if child.lemma_.lower() in units and any(c.lower_ == "par" for c in child.children):
                return f"par {child.text}"
    return None


def read_value(anchor: Token) -> Value | None:
    """The sum of money stated in the anchor's sentence: « 552 millions de dollars ».

    The amount nearest to the anchor (the trigger) wins; prices per unit or per
    day (« 7 000 dollars par unité ») are not the value of the transfer, nor are
    bounds (« plus de 100 000 dollars », « jusqu'à 500 millions d'euros »: see
    quantity.yaml); approximations (« près de 2 milliards ») are.
    """
    grammar = load_data("grammar")
    bounds = _value_bounds()
    currencies: dict[str, str] = grammar["currencies"]
    multipliers: dict[str, int] = grammar["multipliers"]
    found: list[tuple[int, Value]] = []
    for token in anchor.sent:
        code = currencies.get(token.lower_) or currencies.get(token.lemma_.lower())
        if code is None or any(c.lower_ == "par" for g in token.children for c in g.children):
            continue
        holder = token
        scale = 1
        if token.dep_ == "nmod" and token.head.lower_ in multipliers:
            holder, scale = token.head, multipliers[token.head.lower_]
        numbers = _number_tokens(holder)
        if not numbers:
            continue
        joined = "".join(t.text for t in numbers) if all(t.text.isdigit() for t in numbers) else numbers[-1].text
        amount = _number(joined)
        if amount is None:
            continue
        total = amount * scale
        start = min(t.i for t in numbers)
        if _after_bound(anchor.doc[:start].text, bounds):
            continue
        text = anchor.doc[start : token.i + 1].text
        value = Value(amount=int(total) if total == int(total) else total, currency=code, text=text)
        found.append((abs(token.i - anchor.i), value))
    return min(found, key=lambda f: f[0])[1] if found else None


@lru_cache(maxsize=1)
def _value_bounds() -> tuple[str, ...]:
    return tuple(str(phrase).lower() for phrase in load_data("quantity")["value_bounds"])


def _after_bound(before: str, bounds: tuple[str, ...]) -> bool:
    """Whether the text before an amount ends with a bound (« plus de »), as a whole word."""
    tail = " ".join(before[-40:].replace("\u2019", "'").lower().split())
    return any(tail == phrase or tail.endswith(" " + phrase) for phrase in bounds)
