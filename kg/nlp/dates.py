"""Dates stated in a sentence (« en juin 2023 », « le 3 mars », « fin 2024 », « l'an dernier »), as ISO text.

A small grammar over the words of `dates.yaml`, not dateparser: dateparser's
`search_dates` finds « en juin 2023 » but returns a full datetime (the day
filled in from the base date, so the stated precision is lost), reads
« mardi un » as 10 January, drops « fin » from « fin 2024 » and does not know
« l'an dernier ». Here a date keeps the precision it is stated at (`2023`,
`2023-06`, `2023-06-03`); what the sentence leaves out (the year of « le 3
mars », the meaning of « l'an dernier ») comes from the article's date, and
when the article's date is too coarse or missing the expression gives nothing.
A date that bounds a period (« depuis 2014 », « avant le 3 mars ») is not when
the event happened and is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from kg.nlp.pipeline import load_data

_YEAR = r"(?:19|20)\d\d"
_ARTICLE_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WORD = re.compile(r"[\w']+(?:-[\w']+)*")
_SKIPPED_BEFORE = frozenset({"le", "la", "les", "l'", "au", "aux", "the"})


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str  # "day", "month", "year", "relative", "weekday"
    groups: dict[str, str]


@dataclass(frozen=True)
class _Grammar:
    months: dict[str, int]
    bounds: frozenset[str]
    weekdays: tuple[str, ...]
    relative: dict[str, tuple[str, int]]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    data: dict[str, Any] = load_data("dates")
    months = {str(k).lower(): int(v) for k, v in data["months"].items()}
    relative = {str(k).lower(): (str(v[0]), int(v[1])) for k, v in data["relative"].items()}
    weekdays = tuple(str(w).lower() for w in data["weekdays"])

    def alternation(words: Any) -> str:
        return "|".join(re.escape(str(w).lower()) for w in sorted(words, key=lambda w: (-len(str(w)), str(w))))

    month = f"(?P<month>{alternation(months)})"
    qualifier = f"(?:{alternation(data['qualifiers'])})"
    lead = f"(?:{alternation(data['year_leads'])})"
    patterns = (
        ("day", re.compile(rf"\b(?P<day>1er|[0-3]?\d)\s+{month}(?:\s+(?P<year>{_YEAR}))?\b", re.IGNORECASE)),
        (
            "month",
            re.compile(
                rf"(?:\b{qualifier}[\s-]+(?:de\s+|d')?)?\b{month}(?:\s+(?:de\s+l'année\s+)?(?P<year>{_YEAR}))?\b",
                re.IGNORECASE,
            ),
        ),
        (
            "year",
            re.compile(
                rf"\b(?:{qualifier}[\s-]+(?:de\s+l'année\s+|de\s+|d')?|{lead}\s+)(?P<year>{_YEAR})\b", re.IGNORECASE
            ),
        ),
        ("relative", re.compile(rf"(?<![\w'-])(?P<phrase>{alternation(relative)})(?![\w-])", re.IGNORECASE)),
        (
            "weekday",
            re.compile(rf"\b(?P<weekday>{alternation(weekdays)})\b(?:\s+(?P<which>dernier|prochain))?", re.IGNORECASE),
        ),
    )
    bounds = frozenset(str(b).lower() for b in data["bounds"])
    return _Grammar(months=months, bounds=bounds, weekdays=weekdays, relative=relative, patterns=patterns)


def stated_date(sentence: Span | str, article_date: str | None, anchor: int | None = None) -> str | None:
    """The date the sentence states for its event, in ISO form at the precision stated; None when it states none.

    Args:
        sentence: a spaCy Span (its `.text` is read) or the sentence's text.
        article_date: the article's date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), which completes partial dates
            and anchors relative ones; None leaves only dates stated with their year.
        anchor: a character offset in the sentence (the trigger's): of several dates, the nearest wins;
            without it, the first.

    Returns:
        `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A month or day without a year takes the year that puts it nearest
        to the article's date (« en décembre » in a February article is last December).
    """
    text = sentence if isinstance(sentence, str) else sentence.text
    text = text.replace("\u2019", "'").replace("\u02bc", "'")
    reference = _reference(article_date)
    resolved: list[tuple[int, str]] = []
    for found in _candidates(text):
        if _bounded(text, found.start) or (found.kind == "year" and _counts(sentence, found)):
            continue
        iso = _resolve(found, reference)
        if iso is not None:
            distance = found.start if anchor is None else min(abs(anchor - found.start), abs(anchor - found.end))
            resolved.append((distance, iso))
    return min(resolved)[1] if resolved else None


def _candidates(text: str) -> list[_Found]:
    """Every date expression, the longest kept where two overlap."""
    found = [
        _Found(m.start(), m.end(), kind, {k: v.lower() for k, v in m.groupdict().items() if v is not None})
        for kind, pattern in _grammar().patterns
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for candidate in found:
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return kept


def _bounded(text: str, start: int) -> bool:
    """Whether the word before the expression (past an article) makes it a bound: « depuis le 3 mars »."""
    words = [word.lower() for word in _WORD.findall(text[:start])]
    while words and words[-1] in _SKIPPED_BEFORE:
        words.pop()
    return bool(words) and words[-1] in _grammar().bounds


def _counts(sentence: Span | str, found: _Found) -> bool:
    """Whether the « year » counts things (« en 2000 exemplaires »): a noun follows (the span is needed)."""
    if isinstance(sentence, str):
        return False
    tokens = list(sentence)
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.idx - sentence.start_char == found.end - 4:
            return following.pos_ in ("NOUN", "ADJ")  # « exemplaires » is tagged either
    return False


def _reference(article_date: str | None) -> tuple[int | None, int | None, int | None]:
    match = _ARTICLE_DATE.match((article_date or "").strip())
    if not match:
        return None, None, None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return year, None, None
    if day is not None and month is not None:
        try:
            dt.date(year or 1, month, day)
        except ValueError:
            day = None
    return year, month, day


def _resolve(found: _Found, reference: tuple[int | None, int | None, int | None]) -> str | None:
    grammar = _grammar()
    year, month, day = reference
    groups = found.groups
    if found.kind == "year":
        return groups["year"]
    if found.kind in ("day", "month"):
        stated_month = grammar.months[groups["month"]]
        stated_day = None
        if found.kind == "day":
            stated_day = 1 if groups["day"] == "1er" else int(groups["day"])
        if "year" in groups:
            stated_year = int(groups["year"])
        elif year is None:
            return None
        else:
            stated_year = _nearest_year(year, month, day, stated_month, stated_day)
        if stated_day is None:
            return f"{stated_year:04d}-{stated_month:02d}"
        try:
            return dt.date(stated_year, stated_month, stated_day).isoformat()
        except ValueError:
            return None
    if found.kind == "relative":
        unit, offset = grammar.relative[groups["phrase"]]
        if unit == "year" and year is not None:
            return f"{year + offset:04d}"
        if unit == "month" and year is not None and month is not None:
            index = year * 12 + month - 1 + offset
            return f"{index // 12:04d}-{index % 12 + 1:02d}"
        if unit == "day" and year is not None and month is not None and day is not None:
            return (dt.date(year, month, day) + dt.timedelta(days=offset)).isoformat()
        return None
    if found.kind == "weekday" and year is not None and month is not None and day is not None:
        today = dt.date(year, month, day)
        wanted = grammar.weekdays.index(groups["weekday"])
        if groups.get("which") == "prochain":
            return (today + dt.timedelta(days=(wanted - today.weekday() - 1) % 7 + 1)).isoformat()
        return (today - dt.timedelta(days=(today.weekday() - wanted) % 7)).isoformat()
    return None


def _nearest_year(year: int, month: int | None, day: int | None, stated_month: int, stated_day: int | None) -> int:
    """The year, next to the article's, that puts the stated month (and day) nearest to the article's date."""
    if month is None:
        return year
    here = dt.date(year, month, day or 15)

    def distance(candidate: int) -> int:
        try:
            there = dt.date(candidate, stated_month, stated_day or 15)
        except ValueError:  # 29 February of a common year
            there = dt.date(candidate, stated_month, 28)
        return abs((there - here).days)

    # Ties (six months either way) go to the past: news reports what happened.
    return min((year - 1, year, year + 1), key=lambda y: (distance(y), -(y < year)))
