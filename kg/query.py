"""Run SPARQL on the store and write the results: a table for people; CSV, TSV or JSON for programs.

QUERY on the command line is a named query (`kg queries`), a `.rq` file, or
SPARQL text, tried in that order: an existing file, a known name, then text;
a bare word that names nothing is reported as an unknown query rather than
handed to the SPARQL parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from kg.errors import QueryError, StoreError
from kg.queries import NamedQuery, load_named_queries, load_query_file, parse_query
from kg.rdf.namespace import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")

_BARE_WORD = re.compile(r"[\w.+-]+")
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_UNSAFE = re.compile(r"[\\\t\n\r]")
# Longest namespace first, so the most specific prefix abbreviates an IRI in tables.
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda item: (-len(item[1]), item[0]))
_LOCAL_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def resolve_query(spec: str, folder: Path | None = None) -> NamedQuery:
    """The query QUERY names: a `.rq` file, a named query, or the SPARQL text itself.

    Raises:
        QueryError: a `.rq` path or a bare word that names nothing, or a malformed query file.
    """
    if _is_file(spec):
        return load_query_file(Path(spec), strict=False)
    named = {query.name: query for query in load_named_queries(folder)}
    if spec in named:
        return named[spec]
    stripped = spec.strip()
    if stripped.endswith(".rq") and not any(c.isspace() for c in stripped):
        raise QueryError(f"{spec}: no such query file")
    if _BARE_WORD.fullmatch(stripped):
        raise QueryError(f"{spec}: no such named query (kg queries lists them)")
    return parse_query("query", spec, "query", strict=False)


def parse_params(pairs: Sequence[str] | None) -> dict[str, str]:
    """`NAME=VALUE` strings -> {NAME: VALUE}; the value may hold any character, `=` included.

    Raises:
        QueryError: a pair has no `=` or an empty name.
    """
    values: dict[str, str] = {}
    for pair in pairs or ():
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def run_query(store: Any, sparql: str, origin: str = "query", allow_service: bool = False) -> Any:
    """Evaluate `sparql` on an Oxigraph store: solutions, a boolean, or triples (lazy).

    The query is checked first (kg.sparql_policy): SERVICE, which makes Oxigraph fetch a remote endpoint, is
    refused unless `allow_service`; so is nesting deep enough to crash Oxigraph's parser.

    Raises:
        QueryError: the text is not SPARQL (the parser's message, on one line), it is refused, or the store fails.
    """
    from kg.sparql_policy import QueryRefused, check

    try:
        check(sparql, allow_service=allow_service)
    except QueryRefused as exc:
        hint = " (kg query --allow-service permits it)" if "SERVICE" in exc.message else ""
        raise QueryError(f"{origin}: {exc.message}{hint}") from None
    try:
        return store.query(sparql)
    except SyntaxError as exc:
        raise QueryError(f"{origin}: malformed query: {_one_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"{origin}: query failed: {_one_line(exc)}") from None


def write_results(results: Any, fmt: str, stream: IO[str], terminal: bool = False, origin: str = "query") -> int | None:
    """Write query results to `stream` in `fmt`; returns the number of rows or triples, None when not counted.

    SELECT: `table` (rich on a terminal, aligned plain text otherwise), `csv`
    (SPARQL 1.1 CSV), `tsv` (the same plain values, tab-separated, one line
    per row: tabs, newlines and backslashes escaped as \\t, \\n, \\\\), `json`
    (SPARQL 1.1 JSON). ASK: `true`/`false`, or SPARQL JSON. CONSTRUCT and
    DESCRIBE: Turtle for `table`, N-Triples for the others.

    Raises:
        QueryError: an unknown format, or the store fails while results are read.
    """
    import pyoxigraph as ox

    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    try:
        if isinstance(results, ox.QueryBoolean):
            if fmt == "json":
                _write_serialized(stream, lambda out: results.serialize(out, format=ox.QueryResultsFormat.JSON), "\n")
            else:
                stream.write("true\n" if bool(results) else "false\n")
            return 1
        if isinstance(results, ox.QueryTriples):
            triples = list(results)
            rdf_format = ox.RdfFormat.TURTLE if fmt == "table" else ox.RdfFormat.N_TRIPLES
            prefixes = dict(PREFIXES) if fmt == "table" else None
            _write_serialized(stream, lambda out: ox.serialize(triples, out, format=rdf_format, prefixes=prefixes))
            return len(triples)
        variables = [variable.value for variable in results.variables]
        if fmt in ("csv", "json"):
            # Oxigraph writes the standard formats itself, streaming; the row count is not known here.
            results_format = ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.JSON
            end = "\n" if fmt == "json" else ""  # Oxigraph ends JSON without a newline
            _write_serialized(stream, lambda out: results.serialize(out, format=results_format), end)
            return None
        if fmt == "tsv":
            return _write_tsv(stream, variables, results)
        rows = [[_table_cell(term) for term in solution] for solution in results]
        if terminal:
            _write_rich_table(stream, variables, rows)
        else:
            _write_plain_table(stream, variables, rows)
        return len(rows)
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise QueryError(f"{origin}: query failed: {_one_line(exc)}") from None


# A `VALUES ?variable {}` a caller of select_rows did not fill.
_UNFILLED_VALUES = re.compile(r"VALUES \?\w+ \{\}")


def select_rows(
    store: Any,
    path: Path,
    tagged: tuple[str, ...] = (),
    named_graphs: Sequence[str] | None = None,
    values: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of the SELECT query in the file `path` as dicts of plain values (unbound variables left out).

    For readers that turn the store into their own objects (the HTML explorer, the exports): one query per
    kind of thing, each a plain scan, joined in Python. The `tagged` variables come as (text, language tag
    or None) pairs, so labels in two languages can be told apart. With `named_graphs`, `GRAPH` clauses see
    those graphs only (the default graph is still the store's). With `values` (variable -> IRIs), the
    query's empty `VALUES ?variable {}` gets those IRIs (none: no row); one not given is dropped, leaving the
    variable free: a query file reads everything, or only what a caller asks for.

    Raises:
        StoreError: the query fails on the store.
    """
    import pyoxigraph as ox

    text = Path(path).read_text(encoding="utf-8")
    for variable, iris in (values or {}).items():
        block = f"VALUES ?{variable} {{}}"
        if block not in text:
            raise StoreError(f"{Path(path).name}: no `{block}` to fill")
        text = text.replace(block, f"VALUES ?{variable} {{ {' '.join(_iri_ref(iri) for iri in iris)} }}")
    text = _UNFILLED_VALUES.sub("", text)
    try:
        graphs = None if named_graphs is None else [ox.NamedNode(iri) for iri in named_graphs]
        results = store.query(text, named_graphs=graphs)
        variables = [v.value for v in results.variables]
        for solution in results:
            row: dict[str, Any] = {}
            for variable, term in zip(variables, solution, strict=True):
                if term is None:
                    continue
                if variable in tagged:
                    row[variable] = (term.value, term.language if isinstance(term, ox.Literal) else None)
                else:
                    row[variable] = term.value
            yield row
    except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
        raise StoreError(f"{Path(path).name}: cannot read the store ({_one_line(exc)})") from None


def _iri_ref(iri: str) -> str:
    from kg.rdf.trig import escape_iri

    return f"<{escape_iri(iri)}>"


def local_name(iri: str) -> str:
    """The part of an IRI after its last `#` or `/`: `…/ontology#Supply` -> `Supply`."""
    for separator in ("#", "/"):
        if separator in iri:
            return iri.rsplit(separator, 1)[1]
    return iri


def _is_file(spec: str) -> bool:
    try:
        return "\n" not in spec and Path(spec).is_file()
    except (OSError, ValueError):
        return False


def _write_serialized(stream: IO[str], serialize: Callable[[IO[bytes] | None], bytes | None], end: str = "") -> None:
    """Let Oxigraph write straight to the stream's bytes when it has them; else go through a buffer."""
    buffer = getattr(stream, "buffer", None)
    stream.flush()
    if buffer is not None:
        serialize(buffer)
        buffer.flush()
    else:
        data = serialize(None) or b""
        stream.write(data.decode("utf-8"))
    if end:
        stream.write(end)


def _plain(term: Any) -> str:
    """A term's plain value: the IRI, the literal's lexical form, `_:id`; empty when unbound."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term.value)
    return str(term)


def _table_cell(term: Any) -> str:
    """What a person reads: IRIs shortened with the project's prefixes, text on one line."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, namespace in _PREFIX_ORDER:
            if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri
    return " ".join(_plain(term).split())


def _write_tsv(stream: IO[str], variables: list[str], solutions: Iterable[Any]) -> int:
    def escape(text: str) -> str:
        return _TSV_UNSAFE.sub(lambda m: _TSV_ESCAPES[m.group(0)], text)

    stream.write("\t".join(escape(v) for v in variables) + "\n")
    count = 0
    for solution in solutions:
        stream.write("\t".join(escape(_plain(term)) for term in solution) + "\n")
        count += 1
    return count


def _write_plain_table(stream: IO[str], variables: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(variables)]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows if row[i]) for i in range(len(variables))]

    def line(cells: Sequence[str]) -> str:
        columns = zip(cells, widths, numeric, strict=True)
        parts = [cell.rjust(width) if right else cell.ljust(width) for cell, width, right in columns]
        return "  ".join(parts).rstrip() + "\n"

    stream.write(line(variables))
    stream.write(line(["-" * width for width in widths]))
    for row in rows:
        stream.write(line(row))


def _write_rich_table(stream: IO[str], variables: list[str], rows: list[list[str]]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for i, name in enumerate(variables):
        right = bool(rows) and all(_is_number(row[i]) for row in rows if row[i])
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for row in rows:
        # Text, not markup: article sentences may hold "[…]" that rich would read as styles.
        table.add_row(*(Text(cell) for cell in row))
    Console(file=stream).print(table)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
