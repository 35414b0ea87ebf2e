"""Named SPARQL queries, shipped as data files `kg/queries/<name>.rq`, and how their parameters bind.

A file reads:

    # <one-line description>
    # param <name> = <default> : <help>
    # key <name> = <default> : <help>
    PREFIX …
    SELECT … WHERE { … $name … }

A parameter is the SPARQL variable `$name` (the `?` form stays an ordinary
variable). `NamedQuery.bind` replaces every `$name` outside strings, IRIs and
comments by the value written as a SPARQL literal, so the result is plain
SPARQL that any engine runs, and a value can only ever be one literal: it is
escaped, never spliced. A parameter whose default is an integer takes
integers only and is written bare (usable in `LIMIT $n`); any other is a
string literal, which queries compare with labels or ids. A `key` parameter
names an actor: its value is written as a lookup key (`actor_key`: lower case,
no accents, no leading article), to match the keys kg build gives every name
of an actor (`?actor kg:lookupKey $actor`, see lookup-keys.ru), so a query
finds the actor with one index lookup, whether it is named « Corée du Nord »,
"coree du nord", « la Russie », Moscou, Kyiv, USA or Q423. `check_actors`
tells a value that names no actor from one that names an actor with no data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import QueryError

QUERIES_DIR = Path(__file__).resolve().parent
SUFFIX = ".rq"

_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_PARAM_LINE = re.compile(r"#\s*(?P<kind>param|key)\b(?P<declaration>.*)")
# What `$name` must never be looked for inside: comments, the four string forms, IRIs.
# Then a `$` variable; VARNAME is wider than a parameter name, so `$x2` is never read as `$x`.
_LEXEMES = re.compile(
    r"""
    \#[^\r\n]*
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '''(?:[^'\\]|\\.|'(?!''))*'''
    | "(?:[^"\\\r\n]|\\.)*"
    | '(?:[^'\\\r\n]|\\.)*'
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \$(?P<param>\w+)
    """,
    re.VERBOSE | re.DOTALL,
)
# Letters spelled without their accents in lookup keys; the same table as in lookup-keys.ru.
_FOLDED = {
    "a": "àáâãäåāăą",
    "c": "çćĉċč",
    "d": "ďđ",
    "e": "èéêëēĕėęě",
    "g": "ĝğġģ",
    "h": "ĥħ",
    "i": "ìíîïĩīĭįı",
    "j": "ĵ",
    "k": "ķ",
    "l": "ĺļľŀł",
    "n": "ñńņňŉ",
    "o": "òóôõöøōŏő",
    "r": "ŕŗř",
    "s": "śŝşšș",
    "t": "ţťŧț",
    "u": "ùúûüũūŭůűų",
    "w": "ŵ",
    "y": "ýÿŷ",
    "z": "źżž",
    "oe": "œ",
    "ae": "æ",
    "ss": "ß",
}
_FOLD = str.maketrans({char: plain for plain, chars in _FOLDED.items() for char in chars})
_APOSTROPHES = re.compile("[\u2019\u02bc\u2018`\u00b4]")
_SPACES = re.compile(r"[\s_\u2010\u2011\u2012\u2013\u2014-]+")
_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les|the) |l')")
_ACTOR_NAMES = """\
PREFIX kg: <https://w3id.org/kg-arms/ontology#>
PREFIX actor: <https://w3id.org/kg-arms/actor/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?actor ?name WHERE {
  ?actor skos:inScheme actor:scheme ; skos:prefLabel|skos:altLabel|kg:metonym ?label .
  BIND(STR(?label) AS ?name)
}
"""
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class Param:
    """A declared parameter: `# param <name> = <default> : <help>`, or `# key …` for a lookup key."""

    name: str
    default: str
    help: str
    lookup: bool = False

    @property
    def integer(self) -> bool:
        """Whether the parameter takes integers (its default is one)."""
        return bool(_INTEGER.fullmatch(self.default))

    def term(self, value: str) -> str:
        """`value` as one SPARQL term: a bare integer or an escaped string literal.

        Raises:
            QueryError: an integer parameter given something else, or text that is not valid Unicode.
        """
        if self.integer:
            if not _INTEGER.fullmatch(value.strip()):
                raise QueryError(f"parameter {self.name} takes an integer, not {value!r}")
            return str(int(value))
        return sparql_string(actor_key(value) if self.lookup else value)


@dataclass(frozen=True)
class NamedQuery:
    """A query with its description and parameters; `text` is the SPARQL with `$name` placeholders."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: Mapping[str, str] | None = None) -> str:
        """The SPARQL text with every parameter replaced by its value, or its default when not given.

        Raises:
            QueryError: a value names no parameter of this query, or is refused by `Param.term`.
        """
        given = dict(values or {})
        declared = {param.name: param for param in self.params}
        for name in given:
            if name not in declared:
                known = ", ".join(declared) or "none"
                raise QueryError(f"{self.name}: unknown parameter {name!r} (parameters: {known})")
        try:
            terms = {name: param.term(given.get(name, param.default)) for name, param in declared.items()}
        except QueryError as exc:
            raise QueryError(f"{self.name}: {exc.message}") from None
        return _substitute(self.text, terms)


def actor_key(name: str) -> str:
    """The lookup key of an actor's name: « la Corée du Nord » -> "coree du nord", « l'Ukraine » -> "ukraine".

    Lower case; accented letters and ligatures spelled plainly (é -> e, œ -> oe); typographic apostrophes as
    '; hyphens, underscores and runs of spaces as one space; a leading article (le, la, les, l', the) dropped.
    kg build writes the same key for every label, alias and metonym of the vocabulary (lookup-keys.ru).
    """
    spaced = _SPACES.sub(" ", _APOSTROPHES.sub("'", name.lower().translate(_FOLD))).strip(" ")
    return _LEADING_ARTICLE.sub("", spaced, count=1)


def check_actors(store: Any, query: NamedQuery, values: Mapping[str, str] | None) -> None:
    """Refuse an actor parameter given a value that names no actor of the store's vocabulary.

    A `key` parameter that finds nothing would give an empty table, indistinguishable from an actor with no
    data; this says so instead, with the closest names (difflib, on the lookup keys). Defaults are not
    checked, nor parameters of other kinds.

    Raises:
        QueryError: `<query>: no actor matched '<value>' for <param> (closest: A, B, C)`.
    """
    for param in query.params:
        if not param.lookup or param.name not in (values or {}):
            continue
        value = (values or {})[param.name]
        key = actor_key(value)
        found = store.query(f"ASK {{ ?actor <https://w3id.org/kg-arms/ontology#lookupKey> {sparql_string(key)} }}")
        if bool(found):
            continue
        names: dict[str, dict[str, str]] = {}  # key -> actor -> name
        for actor, name in store.query(_ACTOR_NAMES):
            names.setdefault(actor_key(name.value), {}).setdefault(actor.value, name.value)
        suggested: dict[str, str] = {}  # actor -> its name nearest to the value, nearest actors first
        for near in difflib.get_close_matches(key, list(names), n=12, cutoff=0.6):
            for actor, name in sorted(names[near].items()):
                suggested.setdefault(actor, name)
        hint = f"closest: {', '.join(list(suggested.values())[:3])}" if suggested else "no close name"
        raise QueryError(f"{query.name}: no actor matched {value!r} for {param.name} ({hint})")


def sparql_string(value: str) -> str:
    """`value` as a double-quoted SPARQL string literal that reads back as exactly `value` in any engine.

    SPARQL decodes `\\u` escapes before parsing, and engines differ on whether an
    escaped backslash protects a following `u` (Oxigraph: yes; rdflib: no, and it
    reads up to eight hex digits after a `\\u`). So a `u` or `U` right after a
    backslash is written `\\u0075`/`\\u0055`, and the hex digits that follow it are
    escaped too: every reading then gives back the same characters.

    Raises:
        QueryError: the text holds lone surrogates (not Unicode, cannot be sent to a store).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"parameter value {value!r} is not valid text") from None
    out = []
    after_backslash = escaping = False
    for char in value:
        if (after_backslash and char in "uU") or (escaping and char in _HEX_DIGITS):
            out.append(f"\\u{ord(char):04X}")
            escaping = True
        else:
            out.append(_ECHAR.get(char, char))
            escaping = False
        after_backslash = char == "\\"
    return '"' + "".join(out) + '"'


def parse_query(name: str, text: str, origin: str, strict: bool = True) -> NamedQuery:
    """Read a query in the named-query format.

    Args:
        name: the query's name (a file's stem).
        text: the file's content.
        origin: what error messages name (a path).
        strict: named queries must start with a description and use only
            declared `$` parameters; a query file or text given on the command
            line need not (an undeclared `$x` then stays a variable).

    Raises:
        QueryError: `origin:line: problem`.
    """
    lines = text.splitlines()
    description = ""
    params: list[Param] = []
    body: list[str] = []
    first = lines[0].strip() if lines else ""
    if first.startswith("#") and not _PARAM_LINE.match(first):
        description = first.lstrip("#").strip()
        lines = lines[1:]
        start = 2
    else:
        start = 1
    if strict and not description:
        raise QueryError(f"{origin}:1: the first line must be '# <one-line description>'")
    for number, line in enumerate(lines, start):
        match = _PARAM_LINE.match(line.strip())
        if not match:
            body.append(line)
            continue
        param = _parse_param(match.group("declaration"), f"{origin}:{number}", lookup=match.group("kind") == "key")
        if any(p.name == param.name for p in params):
            raise QueryError(f"{origin}:{number}: parameter {param.name} declared twice")
        params.append(param)
    sparql = "\n".join(body).strip("\n") + "\n"
    if not _without_comments(sparql).strip():
        raise QueryError(f"{origin}: no SPARQL after the header")
    used = {match.group("param") for match in _LEXEMES.finditer(sparql) if match.group("param")}
    declared = {param.name for param in params}
    if declared - used:
        raise QueryError(f"{origin}: parameter {sorted(declared - used)[0]} is declared but $-unused")
    if strict and used - declared:
        raise QueryError(f"{origin}: ${sorted(used - declared)[0]} is used but not declared ('# param …' or '# key …')")
    return NamedQuery(name=name, description=description, params=tuple(params), text=sparql)


def load_query_file(path: Path, strict: bool = True) -> NamedQuery:
    """The query of one `.rq` file, named after its stem.

    Raises:
        QueryError: the file cannot be read or is malformed (the message names it).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        raise QueryError(f"{path}: cannot read the query ({reason})") from None
    return parse_query(Path(path).stem, text, str(path), strict=strict)


def load_named_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Every `<name>.rq` of `folder` (the package's own by default), sorted by name.

    Raises:
        QueryError: a file is malformed; the message names it.
    """
    directory = QUERIES_DIR if folder is None else Path(folder)
    return [load_query_file(path) for path in sorted(directory.glob("*" + SUFFIX), key=lambda p: p.stem)]


def named_query(name: str, folder: Path | None = None) -> NamedQuery:
    """The named query `name`.

    Raises:
        QueryError: no such query (the message says where to list them).
    """
    for query in load_named_queries(folder):
        if query.name == name:
            return query
    raise QueryError(f"{name}: no such named query (kg queries lists them)")


def _parse_param(declaration: str, where: str, lookup: bool = False) -> Param:
    """`<name> = <default> : <help>` -> Param; the default may be empty, the help may not."""
    name, equals, rest = declaration.partition("=")
    default, colon, help_text = rest.partition(" : ")
    name, default, help_text = name.strip(), default.strip(), help_text.strip()
    if not equals or not colon or not help_text:
        raise QueryError(f"{where}: expected '# {'key' if lookup else 'param'} <name> = <default> : <help>'")
    if not _PARAM_NAME.fullmatch(name):
        raise QueryError(f"{where}: {name!r} is not a parameter name (letters, digits, _)")
    return Param(name=name, default=default, help=help_text, lookup=lookup)


def _substitute(text: str, terms: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("param")
        if name is None or name not in terms:
            return match.group(0)
        return terms[name]

    return _LEXEMES.sub(replace, text)


def _without_comments(text: str) -> str:
    return _LEXEMES.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), text)
