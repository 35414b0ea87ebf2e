"""The Neo4j tables -> Cypher: batched `UNWIND … MERGE` statements, with parameters or as a script.

One set of statements (`templates.cypher`) serves three ways of loading:

- the Bolt push sends each statement with its batch as the parameter `$rows`:
  text and data never mix;
- `import.cypher` (for `cypher-shell -f`) has each batch written in place of
  `$rows` as a Cypher literal, every string single-quoted with backslash
  escapes (`\\\\`, `\\'`, `\\n`, `\\r`, `\\t`, `\\b`, `\\f`), so no value can end its string;
- `load-csv.cypher` reads the neo4j-admin CSV files with `LOAD CSV` instead.

Dates travel as ISO text and become date values in the statement
(`n.date = date(row.props.date)`), so a parameter, a literal and a CSV field
all give the same `date()`. Every write is a MERGE on an IRI, so a second run
changes nothing. The MERGE
statements run as they are on Neo4j 5 and on FalkorDB (the tests' engine);
only the constraints differ: Neo4j 5 has `CREATE CONSTRAINT … IF NOT EXISTS …
IS UNIQUE`, FalkorDB an exact-match index (`CREATE INDEX FOR (n:L) ON (n.iri)`)
plus the Redis command `GRAPH.CONSTRAINT CREATE`. The scripts carry Neo4j's form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.export.tables import ARRAY_DELIMITER, Column, NodeTable, RelationshipTable

TEMPLATES_PATH = Path(__file__).resolve().parent / "templates.cypher"
BATCH_SIZE = 500
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TO_ESCAPE = re.compile("[\\\\'\n\r\t\b\f]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Statement:
    """A Cypher statement, and the batch it takes as `$rows` (None: it takes no parameter)."""

    text: str
    rows: list[dict[str, Any]] | None = None

    @property
    def parameters(self) -> dict[str, Any]:
        return {} if self.rows is None else {"rows": self.rows}

    def inline(self) -> str:
        """The statement with its batch written in as a literal, for a script."""
        if self.rows is None:
            return self.text
        return self.text.replace("$rows", cypher_literal(self.rows), 1)


def schema_statements(tables: Sequence[NodeTable]) -> list[Statement]:
    """Neo4j 5 uniqueness constraints on each node label's `iri` (they also give MERGE its index)."""
    return [
        Statement(_render("constraint-neo4j", label=table.label, constraint=f"kg_{table.label.lower()}_iri"))
        for table in tables
    ]


def merge_statements(
    nodes: Sequence[NodeTable], relationships: Sequence[RelationshipTable], batch_size: int = BATCH_SIZE
) -> Iterator[Statement]:
    """Batched MERGE statements, nodes first, each batch a `$rows` parameter."""
    for table in nodes:
        text = _render("merge-nodes", label=table.label, rows="$rows", typed=_typed_sets("n", table.columns))
        for batch in _batches(table.rows, batch_size):
            yield Statement(text, batch)
    for rel in relationships:
        name = "merge-keyed-relationships" if rel.key else "merge-relationships"
        text = _render(
            name,
            start=rel.start,
            end=rel.end,
            type=rel.type,
            key=rel.key or "",
            rows="$rows",
            typed=_typed_sets("r", rel.columns),
        )
        for batch in _batches(rel.rows, batch_size):
            yield Statement(text, batch)


def load_csv_statements(
    nodes: Sequence[NodeTable],
    relationships: Sequence[RelationshipTable],
    url_prefix: str = "file:///",
    delimiter: str = ARRAY_DELIMITER,
) -> list[Statement]:
    """One `LOAD CSV` statement per file, reading the neo4j-admin CSVs from the database's import folder;
    `delimiter` is the files' array delimiter."""
    statements = []
    for table in nodes:
        statements.append(
            Statement(
                _render(
                    "load-nodes",
                    url=url_prefix + table.file,
                    label=table.label,
                    id=table.id_header,
                    props=_csv_map(table.columns, delimiter),
                )
            )
        )
    for rel in relationships:
        fields = {
            "url": url_prefix + rel.file,
            "start": rel.start,
            "end": rel.end,
            "type": rel.type,
            "start_id": rel.start_header,
            "end_id": rel.end_header,
            "props": _csv_map(rel.columns, delimiter),
        }
        if rel.key:
            key_column = next(c for c in rel.columns if c.name == rel.key)
            fields.update(key=rel.key, key_column=key_column.header)
        text = _render("load-keyed-relationships" if rel.key else "load-relationships", **fields)
        if not rel.columns:
            # Nothing to set: leave out the template's last line (`SET r += {}`).
            text = text.rsplit("\nSET ", 1)[0]
        statements.append(Statement(text))
    return statements


def script(header: str, statements: Sequence[Statement]) -> str:
    """A cypher-shell script: comment lines, then each statement inlined and ended by `;`."""
    lines = [f"// {line}" if line else "//" for line in header.splitlines()]
    return "\n".join(lines) + "\n\n" + "".join(statement.inline() + ";\n\n" for statement in statements)


def cypher_literal(value: Any) -> str:
    """A Cypher literal of a string, number, boolean, null, list or map (keys are the model's own names).

    Raises:
        ValueError: a float that is not finite, or a value of another type.
    """
    # Strings and maps first: import.cypher writes about 200,000 of them on 1,000 articles, most of them
    # strings in maps, which are written there without a call of their own.
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                [_key(k) + (cypher_string(v) if type(v) is str else cypher_literal(v)) for k, v in value.items()]
            )
            + "}"
        )
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        # Cypher takes 1e20 but not 1e+20.
        return repr(value).replace("e+", "e")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join([cypher_literal(v) for v in value]) + "]"
    raise ValueError(f"no Cypher literal for {type(value).__name__}")


@lru_cache(maxsize=1 << 16)
def cypher_string(text: str) -> str:
    """`text` as a single-quoted Cypher string, read back by Neo4j and FalkorDB as exactly `text`.

    Backslash, quote and the control characters with a short escape are escaped; every other
    character (non-ASCII included) is written as itself, since FalkorDB does not read `\\u` escapes.
    Kept for the next call: a node's IRI is written again in every relationship it has.
    """
    return "'" + _TO_ESCAPE.sub(_escape, text) + "'"


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def split_statements(text: str) -> list[str]:
    """The statements of a script, split on `;` outside strings and backtick names, comments left out.

    What cypher-shell does with a file; engines without a shell (FalkorDB) take one statement at a time.
    """
    statements: list[str] = []
    current: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            current.append(char)
            if char == "\\" and quote != "`" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
            current.append(char)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = (len(text) if end < 0 else end) - 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = (len(text) if end < 0 else end + 2) - 1
        elif char == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    """The statements of `templates.cypher` by name, their comment lines left out."""
    found: dict[str, list[str]] = {}
    name = None
    for line in TEMPLATES_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("// name:"):
            name = line.split(":", 1)[1].strip()
            found[name] = []
        elif name is not None and not line.startswith("//"):
            found[name].append(line)
    return {key: "\n".join(lines).strip() for key, lines in found.items()}


def _render(name: str, **fields: str) -> str:
    """Template `name` with its `{placeholders}` filled: names of the model, never data."""
    return _PLACEHOLDER.sub(lambda m: fields[m.group(1)], templates()[name])


def _typed_sets(variable: str, columns: tuple[Column, ...]) -> str:
    """`, n.date = date(row.props.date)` for each date column: the row carries the ISO text, the graph a date."""
    names = [_identifier(c.name) for c in columns if c.type == "date"]
    return "".join(f", {variable}.{name} = date(row.props.{name})" for name in names)


def _csv_map(columns: tuple[Column, ...], delimiter: str = ARRAY_DELIMITER) -> str:
    """A Cypher map of the typed values of CSV columns (an empty field is null: no property)."""
    return "{" + ", ".join(f"{_identifier(c.name)}: {_csv_value(c, delimiter)}" for c in columns) + "}"


def _csv_value(column: Column, delimiter: str = ARRAY_DELIMITER) -> str:
    field = f"row[{cypher_string(column.header)}]"
    if column.type in ("int", "long"):
        return f"toInteger({field})"
    if column.type in ("double", "float"):
        return f"toFloat({field})"
    if column.type == "boolean":
        return f"CASE {field} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if column.type == "date":
        return f"date({field})"
    if column.type == "string[]":
        return f"split({field}, {cypher_string(delimiter)})"
    return field


def _identifier(name: str) -> str:
    if _IDENTIFIER.fullmatch(name):
        return name
    raise ValueError(f"not a plain Cypher name: {name!r}")


@lru_cache(maxsize=1024)
def _key(name: str) -> str:
    """`name: ` for a map literal; a row's few column names come back in every row, checked once each."""
    return _identifier(name) + ": "


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
