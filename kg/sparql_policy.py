"""What a query may do before the engine sees it: no SERVICE, no update, no nesting deep enough to crash the parser.

pyoxigraph has no switch to turn SERVICE off: a query naming a remote endpoint
makes the engine send an HTTP request. So the decision is taken on the parsed
query: rdflib's SPARQL parser builds the syntax tree and a walk looks for a
`ServiceGraphPattern`. A text search cannot decide, since `SERVICE` may sit in
a string, an IRI or a comment, and a comment may hide behind an escape such as
`ex:a\\#`. A query whose text cannot hold the keyword at all (no `service` in
any case, no `\\u` escape) needs no parse; one that may hold it and that rdflib
cannot parse is refused, since nothing then rules SERVICE out.

Oxigraph's parser recurses once per nesting level and overflows the stack (a
segfault) a few thousand levels down: deeper than MAX_NESTING is refused first.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryError

MAX_NESTING = 128
READ_ONLY_MESSAGE = "read-only: SPARQL updates are refused"
SERVICE_MESSAGE = "SERVICE is refused: no query makes an outbound request"

# Strings, IRIs, comments and backslash escapes, blanked so a bracket or keyword inside them is not counted.
# The escape comes first: `ex:a\#` is a name, and the `#` starts no comment.
_NOISE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\s]*>|\\.|#[^\n]*'
)
_PROLOGUE = re.compile(r"\s*(?:BASE\b|PREFIX\s+[^\s:]*:)", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")
# rdflib's parser recurses a few dozen Python frames per nesting level.
_PARSE_RECURSION_LIMIT = 20_000


class QueryRefused(QueryError):
    """A query kg will not run: `status` is the HTTP status `kg serve` answers with (400 or 403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checked:
    """A query that may run, and its form (SELECT, ASK, CONSTRUCT, DESCRIBE), as read from its first keyword."""

    form: str


def check(query: str, allow_service: bool = False) -> Checked:
    """The query's form, when it may run; else QueryRefused saying why.

    Raises:
        QueryRefused: nested deeper than MAX_NESTING (400), an update (403), or SERVICE unless
            `allow_service` (403), including a query that may hold SERVICE but that rdflib cannot parse.
    """
    bare = _NOISE.sub(" ", query)
    depth = nesting(bare)
    if depth > MAX_NESTING:
        raise QueryRefused(f"query nested {depth} levels deep; at most {MAX_NESTING} are accepted", 400)
    form = first_keyword(bare)
    if form in _UPDATE_KEYWORDS:
        raise QueryRefused(READ_ONLY_MESSAGE, 403)
    if allow_service or not may_name_service(query):
        return Checked(form)
    try:
        tree = _parse(query, update=False)
    except _ParseFailure as failure:
        try:
            _parse(query, update=True)
        except _ParseFailure:
            raise QueryRefused(
                f"{SERVICE_MESSAGE}, and this query could not be parsed to rule it out ({failure})", 403
            ) from None
        raise QueryRefused(READ_ONLY_MESSAGE, 403) from None
    if any(getattr(node, "name", None) == "ServiceGraphPattern" for node in _nodes(tree)):
        raise QueryRefused(SERVICE_MESSAGE, 403)
    return Checked(form)


def nesting(bare: str) -> int:
    """The deepest bracket nesting of a query whose strings, IRIs and comments are blanked."""
    depth = deepest = 0
    for char in bare:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def first_keyword(bare: str) -> str:
    """The first word after the prologue, upper-cased: SELECT, ASK, CONSTRUCT, DESCRIBE or an update's."""
    position = 0
    while match := _PROLOGUE.match(bare, position):
        position = match.end()
    first = _FIRST_WORD.match(bare, position)
    return first.group(1).upper() if first else ""


def may_name_service(query: str) -> bool:
    """False only when the text cannot hold the SERVICE keyword however it is read.

    Unicode case rules included (`ı` upper-cases to `I`, `ſ` folds to `s`), and any `\\u` escape, which a
    parser may expand before reading keywords, counts as a maybe.
    """
    return "\\u" in query.lower() or "SERVICE" in query.upper() or "service" in query.casefold()


class _ParseFailure(Exception):
    pass


def _parse(query: str, update: bool) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PARSE_RECURSION_LIMIT))
    try:
        return parseUpdate(query) if update else parseQuery(query)
    except ParseBaseException as exc:
        raise _ParseFailure(" ".join(str(exc).split())) from None
    except (ValueError, RecursionError) as exc:
        raise _ParseFailure(" ".join(str(exc).split()) or type(exc).__name__) from None
    finally:
        sys.setrecursionlimit(limit)


def _nodes(value: Any) -> Iterator[Any]:
    """Every node of an rdflib parse result (CompValue, ParseResults, lists), depth first, without recursion."""
    from pyparsing import ParseResults

    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):  # CompValue is an OrderedDict
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
