"""The Neo4j tables -> a folder Neo4j imports as is: neo4j-admin CSV files, Cypher scripts and a README.

- `nodes-*.csv`, `rels-*.csv`: the `neo4j-admin database import full` format
  (`iri:ID(<label>)`, `:LABEL`, `:START_ID(<label>)`, `:END_ID(<label>)`,
  `:TYPE`, typed columns such as `n_events:int`, `date:date` and `categories:string[]`), RFC 4180
  quoting (CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled);
- `import.cypher`: constraints, then the batched MERGE statements with their data
  written in, for `cypher-shell -f` on a running database; twice changes nothing;
- `load-csv.cypher`: the same MERGEs reading the CSV files with `LOAD CSV`;
- `constraints.cypher`: the constraints alone, after a neo4j-admin import;
- `README.md`: the model and the exact commands.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.export.cypher import load_csv_statements, merge_statements, schema_statements, script
from kg.export.model import ExportData
from kg.export.tables import (
    NodeTable,
    RelationshipTable,
    array_delimiter,
    node_tables,
    relationship_tables,
)
from kg.files import write_folder

README_TEMPLATE = Path(__file__).resolve().parent / "neo4j-readme.md"


def write_neo4j(data: ExportData, folder: Path) -> Path:
    """Write the Neo4j folder for `data` at `folder`, swapped in whole.

    Raises:
        OutputError: the folder cannot be written.
    """
    nodes, relationships = node_tables(data), relationship_tables(data)
    files = neo4j_files(nodes, relationships)

    def fill(temp: Path) -> None:
        for name, text in files.items():
            (temp / name).write_bytes(text.encode("utf-8"))

    return write_folder(Path(folder), fill)


def neo4j_files(nodes: list[NodeTable], relationships: list[RelationshipTable]) -> dict[str, str]:
    """File name -> content of the Neo4j folder."""
    delimiter = array_delimiter([*nodes, *relationships])
    files = {table.file: node_csv(table, delimiter) for table in nodes}
    files.update({rel.file: relationship_csv(rel, delimiter) for rel in relationships})
    schema = schema_statements(nodes)
    files["constraints.cypher"] = script(
        "kg: uniqueness constraints on the IRI of every node label (Neo4j 5).\n"
        "Run after neo4j-admin database import: cypher-shell -f constraints.cypher",
        schema,
    )
    files["import.cypher"] = script(
        "kg: the whole graph for a running Neo4j 5 database: cypher-shell -f import.cypher\n"
        "Constraints first, then batched UNWIND ... MERGE on each node's IRI: running it twice changes nothing.",
        [*schema, *merge_statements(nodes, relationships)],
    )
    files["load-csv.cypher"] = script(
        "kg: the same graph from the CSV files of this folder, copied into the database's import folder.\n"
        "Needs dbms.import.csv.legacy_quote_escaping=false (RFC 4180 quotes). cypher-shell -f load-csv.cypher",
        [*schema, *load_csv_statements(nodes, relationships, delimiter=delimiter)],
    )
    files["README.md"] = readme(nodes, relationships, delimiter)
    return files


def node_csv(table: NodeTable, delimiter: str = ";") -> str:
    columns = table.columns
    rows = (
        [row["iri"], table.label, *(_field(row["props"].get(c.name), delimiter) for c in columns)] for row in table.rows
    )
    return _csv([table.id_header, ":LABEL", *(c.header for c in columns)], rows)


def relationship_csv(rel: RelationshipTable, delimiter: str = ";") -> str:
    columns = rel.columns
    rows = (
        [row["start"], row["end"], rel.type, *(_field(row["props"].get(c.name), delimiter) for c in columns)]
        for row in rel.rows
    )
    return _csv([rel.start_header, rel.end_header, ":TYPE", *(c.header for c in columns)], rows)


def delimiter_option(delimiter: str) -> str:
    """neo4j-admin's `--array-delimiter` value: a printable ASCII character as itself, another as `U+XXXX`."""
    return delimiter if " " < delimiter < "\x7f" else f"U+{ord(delimiter):04X}"


def admin_import_command(nodes: list[NodeTable], relationships: list[RelationshipTable], delimiter: str = ";") -> str:
    """The exact `neo4j-admin database import full` command, run from the folder of the CSV files."""
    parts = ["neo4j-admin database import full neo4j"]
    parts += [f"--nodes={table.file}" for table in nodes]
    parts += [f"--relationships={rel.file}" for rel in relationships]
    parts += [
        "--delimiter=','",
        f"--array-delimiter='{delimiter_option(delimiter)}'",
        "--quote='\"'",
        "--multiline-fields=true",
        "--legacy-style-quoting=false",
        "--id-type=string",
        "--overwrite-destination=true",
    ]
    return " \\\n    ".join(parts)


def readme(nodes: list[NodeTable], relationships: list[RelationshipTable], delimiter: str = ";") -> str:
    """The folder's README: its files, the model and the commands, from `neo4j-readme.md`."""
    files = "\n".join(
        [f"| `{t.file}` | `(:{t.label})` | {len(t.rows)} |" for t in nodes]
        + [f"| `{r.file}` | `(:{r.start})-[:{r.type}]->(:{r.end})` | {len(r.rows)} |" for r in relationships]
    )
    return (
        README_TEMPLATE.read_text(encoding="utf-8")
        .replace("{files}", files)
        # The template indents the command's first line as a code block; its other lines follow.
        .replace("{admin_command}", admin_import_command(nodes, relationships, delimiter).replace("\n", "\n    "))
        .replace("{delimiter}", delimiter_option(delimiter))
    )


def _field(value: object, delimiter: str) -> str:
    """A CSV field as neo4j-admin reads it: empty for no value, `true`/`false`, arrays joined by `delimiter`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return delimiter.join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(header: list[str], rows: object) -> str:
    """RFC 4180 CSV: CRLF line ends, so a field holding a lone CR is quoted too (Python quotes only the
    characters of its line terminator, and the one a reader would take for a line end breaks the row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)  # type: ignore[arg-type]
    return buffer.getvalue()
