"""Read the quantity attached to an item: « 20 000 obus », « 2,3 millions d'obus », « une trentaine de canons »."""

from __future__ import annotations

import re

from spacy.tokens import Token

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
    return sorted(
        (c for c in head.children if c.dep_ in ("nummod", "det") and (c.like_num or c.pos_ == "NUM")),
        key=lambda t: t.i,
    )


def read_quantity(item: Token, quantifier: Token | None) -> tuple[int | str | None, str | None]:
    """The quantity (integer when it can be normalised, else the words) and its text.

    `quantifier` is the counting noun above the item (« millions » in « 3 millions d'obus »).
    """
    grammar = load_data("grammar")
    words: dict[str, int] = grammar["number_words"]
    multipliers: dict[str, int] = grammar["multipliers"]
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
    if value is None:
        return None, None
    text = " ".join(text_parts) if text_parts else None
    return int(round(value)), text
