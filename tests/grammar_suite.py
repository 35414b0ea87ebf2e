"""The grammar suite: French sentences grouped by phenomenon, each with the events it must yield.

The cases live in ``tests/grammar/*.yaml``, one file per phenomenon::

    phenomenon: relatives
    description: "Relative clauses carrying the parties or the items of a transfer"
    cases:
      - text: "Les chars que la Corée du Sud a vendus à la Pologne sont arrivés à Gdynia."
        expect:
          - {relation: purchase, suppliers: [Q884], recipients: [Q36], categories: [armoured_vehicle],
             modality: asserted}
        note: "optional: why (the rule of GUIDELINES.md or ANNOTATION_DECISIONS.md it applies)"
        known_failure: "optional, set by the extractor's engineers: the case is an xfail(strict=True)"

An actor is a Wikidata id, or ``"?"`` for a party without one (« ses alliés », a named company, Wagner); an
empty list is an unstated side. ``implicit: true`` marks an implicit supply (shown in messages, not scored).

How a case passes: its text is extracted as one article, and both the expected and the extracted events are
expanded into tuples ``(relation, supplier, recipient, category)`` as the project's scorer does in its "all
relations" view (``shared/eval/score.py``): one tuple per supplier x recipient x category, ``-`` for an empty
side, ``other`` for an event without items, Europe (Q46) counted as the European Union (Q458), and ``?`` for an
actor without a Wikidata id. The case passes when the two tuple sets are equal and every expected tuple's
modality is among the modalities the extractor gave that tuple.

The pytest test is ``tests/test_grammar_suite.py`` (one test per case, ids like ``relatives-07``). The report
prints cases, passed and pass rate per phenomenon and in total, ignoring the ``known_failure`` marks (counted
apart, as « marked »)::

    python tests/grammar_suite.py                 # the table
    python tests/grammar_suite.py --failures      # and each failing case's difference
    python tests/grammar_suite.py relatives voice  # only these phenomena
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

GRAMMAR_DIR = Path(__file__).resolve().parent / "grammar"

RELATIONS = ("supply", "purchase", "produce", "use", "request")
MODALITIES = ("asserted", "reported", "hypothetical", "planned", "negated")
# The item categories of GUIDELINES.md.
CATEGORIES = (
    "ammunition",
    "missile",
    "drone",
    "air_defence",
    "armoured_vehicle",
    "artillery",
    "aircraft",
    "naval",
    "small_arms",
    "components",
    "equipment",
    "personnel",
    "funding",
    "other",
)
# Europe and the European Union count as one actor, as in score.py.
SAME = {"Q46": "Q458"}
UNNAMED = "?"
NONE = "-"

ACTOR = re.compile(r"^(Q[1-9][0-9]*|\?)$")
FILE_KEYS = {"phenomenon", "description", "cases"}
CASE_KEYS = {"text", "expect", "note", "known_failure"}
EVENT_KEYS = {"relation", "suppliers", "recipients", "categories", "modality", "implicit", "note"}
REQUIRED_EVENT_KEYS = {"relation", "suppliers", "recipients", "categories", "modality"}

MIN_CASES = 300
MAX_KNOWN_FAILURES = 0.10
MAX_SENTENCE_WORDS = 45
MIN_CASE_WORDS = 8

Tuple = tuple[str, str, str, str]


@dataclass(frozen=True)
class Case:
    """One text of the suite and the events it must yield."""

    phenomenon: str
    number: int
    text: str
    expect: tuple[Mapping[str, Any], ...]
    note: str | None = None
    known_failure: str | None = None

    @property
    def id(self) -> str:
        return f"{self.phenomenon}-{self.number:02d}"


@dataclass
class Phenomenon:
    """One YAML file: a phenomenon's name, description and cases."""

    name: str
    description: str
    path: Path
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    """Whether a case passed, and what to show when it did not."""

    case: Case
    passed: bool
    message: str


# -- loading and checking the data ---------------------------------------------------------------------------


def files(folder: Path = GRAMMAR_DIR) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def load_file(path: Path) -> Phenomenon:
    """One phenomenon file; raises ValueError on the first structural problem (see `problems` for all)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{path.name}: not a mapping with a list of cases")
    name = str(data.get("phenomenon") or "")
    phenomenon = Phenomenon(name=name, description=str(data.get("description") or ""), path=path)
    for n, raw in enumerate(data["cases"], 1):
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: case {n} is not a mapping")
        expect = raw.get("expect")
        phenomenon.cases.append(
            Case(
                phenomenon=name,
                number=n,
                text=str(raw.get("text") or ""),
                expect=tuple(expect) if isinstance(expect, list) else (),
                note=raw.get("note"),
                known_failure=raw.get("known_failure"),
            )
        )
    return phenomenon


def load_suite(folder: Path = GRAMMAR_DIR) -> list[Phenomenon]:
    return [load_file(path) for path in files(folder)]


def all_cases(suite: Iterable[Phenomenon]) -> list[Case]:
    return [case for phenomenon in suite for case in phenomenon.cases]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", text.strip()) if s]


def _event_problems(where: str, event: Any) -> list[str]:
    if not isinstance(event, dict):
        return [f"{where}: an expected event is not a mapping"]
    out = []
    missing = REQUIRED_EVENT_KEYS - event.keys()
    if missing:
        out.append(f"{where}: expected event without {sorted(missing)}")
    unknown = event.keys() - EVENT_KEYS
    if unknown:
        out.append(f"{where}: expected event with unknown keys {sorted(unknown)}")
    if event.get("relation") not in RELATIONS:
        out.append(f"{where}: relation {event.get('relation')!r} is not one of {RELATIONS}")
    if event.get("modality") not in MODALITIES:
        out.append(f"{where}: modality {event.get('modality')!r} is not one of {MODALITIES}")
    for side in ("suppliers", "recipients"):
        actors = event.get(side)
        if not isinstance(actors, list):
            out.append(f"{where}: {side} is not a list")
            continue
        for actor in actors:
            if not isinstance(actor, str) or not ACTOR.match(actor):
                out.append(f"{where}: actor {actor!r} in {side} is neither a Q… id nor '?'")
    categories = event.get("categories")
    if not isinstance(categories, list) or not categories:
        out.append(f"{where}: categories is not a non-empty list")
    else:
        out.extend(f"{where}: unknown category {c!r}" for c in categories if c not in CATEGORIES)
    if "implicit" in event and not isinstance(event["implicit"], bool):
        out.append(f"{where}: implicit is not true or false")
    if event.get("implicit") and event.get("relation") != "supply":
        out.append(f"{where}: only a supply can be implicit")
    return out


def problems(folder: Path = GRAMMAR_DIR) -> list[str]:
    """Everything wrong with the suite's data, one line each (the data test asserts there is nothing)."""
    out: list[str] = []
    paths = files(folder)
    if not paths:
        return [f"{folder}: no *.yaml file"]
    names: dict[str, str] = {}
    texts: dict[str, str] = {}
    total = known = 0
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            out.append(f"{path.name}: not YAML ({exc})")
            continue
        if not isinstance(data, dict):
            out.append(f"{path.name}: not a mapping")
            continue
        unknown = data.keys() - FILE_KEYS
        if unknown:
            out.append(f"{path.name}: unknown keys {sorted(unknown)}")
        name = data.get("phenomenon")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]+", name):
            out.append(f"{path.name}: phenomenon {name!r} is not a lower-case name")
        elif name in names:
            out.append(f"{path.name}: phenomenon {name!r} already used by {names[name]}")
        else:
            names[name] = path.name
            if path.stem != name:
                out.append(f"{path.name}: the file is not named after its phenomenon {name!r}")
        if not isinstance(data.get("description"), str) or not data["description"].strip():
            out.append(f"{path.name}: no description")
        cases = data.get("cases")
        if not isinstance(cases, list) or not cases:
            out.append(f"{path.name}: no list of cases")
            continue
        for n, case in enumerate(cases, 1):
            where = f"{path.name} case {n}"
            if not isinstance(case, dict):
                out.append(f"{where}: not a mapping")
                continue
            total += 1
            missing = {"text", "expect"} - case.keys()
            if missing:
                out.append(f"{where}: without {sorted(missing)}")
            unknown = case.keys() - CASE_KEYS
            if unknown:
                out.append(f"{where}: unknown keys {sorted(unknown)}")
            text = case.get("text")
            if not isinstance(text, str) or not text.strip():
                out.append(f"{where}: no text")
            else:
                if text in texts:
                    out.append(f"{where}: the same text as {texts[text]}")
                texts[text] = where
                if len(text.split()) < MIN_CASE_WORDS:
                    out.append(f"{where}: fewer than {MIN_CASE_WORDS} words")
                for sentence in sentences(text):
                    if len(sentence.split()) > MAX_SENTENCE_WORDS:
                        out.append(f"{where}: a sentence of more than {MAX_SENTENCE_WORDS} words")
            expect = case.get("expect")
            if not isinstance(expect, list):
                out.append(f"{where}: expect is not a list")
            else:
                for event in expect:
                    out.extend(_event_problems(where, event))
            if "known_failure" in case:
                known += 1
                if not isinstance(case["known_failure"], str) or not case["known_failure"].strip():
                    out.append(f"{where}: known_failure without a reason")
    if total < MIN_CASES:
        out.append(f"{total} cases in all, fewer than {MIN_CASES}")
    if total and known > MAX_KNOWN_FAILURES * total:
        out.append(f"{known} known failures out of {total} cases, more than {MAX_KNOWN_FAILURES:.0%}")
    return out


# -- tuples -------------------------------------------------------------------------------------------------


def actor_id(qid: str | None) -> str:
    if not qid or qid == UNNAMED:
        return UNNAMED
    return SAME.get(qid, qid)


def _expand(relation: str, suppliers: Sequence[str], recipients: Sequence[str], categories: Iterable[str]):
    for s in suppliers or [NONE]:
        for r in recipients or [NONE]:
            for c in set(categories) or {"other"}:
                yield (relation, s, r, c)


def expected_tuples(case: Case) -> dict[Tuple, set[str]]:
    """Each expected tuple with the modalities it is expected with."""
    out: dict[Tuple, set[str]] = defaultdict(set)
    for e in case.expect:
        sup = [actor_id(a) for a in e["suppliers"]]
        rec = [actor_id(a) for a in e["recipients"]]
        for t in _expand(e["relation"], sup, rec, e["categories"]):
            out[t].add(e["modality"])
    return dict(out)


def extracted_tuples(events: Iterable[Any]) -> dict[Tuple, set[str]]:
    """Each tuple of the extracted events (kg.model.Event) with the modalities it was given."""
    out: dict[Tuple, set[str]] = defaultdict(set)
    for e in events:
        sup = [actor_id(a.qid) for a in e.suppliers]
        rec = [actor_id(a.qid) for a in e.recipients]
        cats = {i.category or "other" for i in e.items}
        for t in _expand(e.relation, sup, rec, cats):
            out[t].add(e.modality)
    return dict(out)


# -- running and judging ------------------------------------------------------------------------------------


def extract_cases(extractor: Any, cases: Sequence[Case]) -> dict[str, list[Any]]:
    """The events of every case, one article per case, in one pass of the extractor."""
    from kg.model import Article

    found: dict[str, list[Any]] = {case.id: [] for case in cases}
    for event in extractor.extract([Article(id=case.id, text=case.text) for case in cases]):
        found[event.doc].append(event)
    return found


def _side(actors: Sequence[Any]) -> str:
    return "[" + ", ".join(f"{a.label} ({a.qid or '?'})" for a in actors) + "]"


def describe_event(e: Any) -> str:
    cats = ",".join(sorted({i.category for i in e.items})) or "-"
    implicit = " implicit" if e.implicit else ""
    return f"{e.relation}{implicit} {_side(e.suppliers)} -> {_side(e.recipients)} {{{cats}}} {e.modality}  [{e.rule}]"


def _tuple_text(t: Tuple, modalities: set[str]) -> str:
    return f"({', '.join(t)}) {'/'.join(sorted(modalities))}"


def check(case: Case, events: Sequence[Any]) -> Result:
    """Judge one case against the events extracted from its text."""
    want = expected_tuples(case)
    got = extracted_tuples(events)
    missing = sorted(set(want) - set(got))
    spurious = sorted(set(got) - set(want))
    wrong_modality = sorted(t for t in set(want) & set(got) if not want[t] <= got[t])
    passed = not missing and not spurious and not wrong_modality
    if passed:
        return Result(case, True, "")
    lines = [f"{case.id}: {case.text}"]
    if case.note:
        lines.append(f"  note: {case.note}")
    lines.append("  expected tuples:" + ("" if want else " none"))
    lines += [f"    {_tuple_text(t, want[t])}" for t in sorted(want)]
    lines.append("  extracted events:" + ("" if events else " none"))
    lines += [f"    {describe_event(e)}" for e in events]
    if missing:
        lines.append("  missing:")
        lines += [f"    - {_tuple_text(t, want[t])}" for t in missing]
    if spurious:
        lines.append("  spurious:")
        lines += [f"    + {_tuple_text(t, got[t])}" for t in spurious]
    if wrong_modality:
        lines.append("  modality:")
        lines += [
            f"    ~ ({', '.join(t)}) expected {'/'.join(sorted(want[t]))}, got {'/'.join(sorted(got[t]))}"
            for t in wrong_modality
        ]
    return Result(case, False, "\n".join(lines))


def run(extractor: Any, cases: Sequence[Case]) -> list[Result]:
    found = extract_cases(extractor, cases)
    return [check(case, found[case.id]) for case in cases]


# -- the report ---------------------------------------------------------------------------------------------


def table(suite: Sequence[Phenomenon], results: Sequence[Result]) -> str:
    """Cases, passed and pass rate per phenomenon and in total; « marked » counts the known_failure marks, which
    the pass figures ignore (they say what actually passes)."""
    passed: dict[str, int] = defaultdict(int)
    for r in results:
        passed[r.case.phenomenon] += r.passed
    counted = {r.case.phenomenon for r in results}
    rows = [
        (p.name, len(p.cases), passed[p.name], sum(1 for c in p.cases if c.known_failure))
        for p in suite
        if p.name in counted
    ]
    total = ("total", *(sum(row[i] for row in rows) for i in (1, 2, 3)))
    width = max([len("phenomenon"), *(len(row[0]) for row in rows)])
    lines = [f"{'phenomenon':<{width}}  {'cases':>5}  {'passed':>6}  {'rate':>6}  {'marked':>6}"]
    for name, n, ok, marked in [*rows, total]:
        if name == "total":
            lines.append("-" * len(lines[0]))
        rate = f"{100 * ok / n:5.1f}%" if n else "    -"
        lines.append(f"{name:<{width}}  {n:>5}  {ok:>6}  {rate:>6}  {marked:>6}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pass rates of the grammar suite per phenomenon.")
    parser.add_argument("phenomena", nargs="*", help="only these phenomena (default: all)")
    parser.add_argument("--failures", action="store_true", help="show each failing case's difference")
    args = parser.parse_args(argv)

    bad = problems()
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 2
    suite = load_suite()
    unknown = set(args.phenomena) - {p.name for p in suite}
    if unknown:
        print(f"no phenomenon {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.phenomena:
        suite = [p for p in suite if p.name in args.phenomena]

    from kg.api import load_extractor

    results = run(load_extractor(), all_cases(suite))
    if args.failures:
        for r in results:
            if not r.passed:
                print(r.message, end="\n\n")
    print(table(suite, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
