"""The Neo4j tables -> a live database over Bolt, with the official `neo4j` driver (imported here only).

The statements are those of import.cypher, each batch sent as the parameter
`$rows` in its own write transaction: no value is ever spliced into query
text, and a second push changes nothing. `run_statements` takes any
`run(text, parameters)`, so the same batches can be sent to another OpenCypher
engine (the tests send them to FalkorDB).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kg.errors import ExportError
from kg.export.cypher import Statement, merge_statements, schema_statements
from kg.export.model import ExportData
from kg.export.tables import node_tables, relationship_tables

log = logging.getLogger("kg.export")

Run = Callable[[str, dict[str, Any]], object]


@dataclass(frozen=True)
class Connection:
    """Where and how to reach Neo4j."""

    uri: str
    user: str = "neo4j"
    password: str | None = None
    database: str | None = None


def run_statements(run: Run, statements: Iterable[Statement]) -> int:
    """Send each statement with its parameters; returns how many were sent."""
    sent = 0
    for statement in statements:
        run(statement.text, statement.parameters)
        sent += 1
    return sent


def push_to_neo4j(data: ExportData, connection: Connection, batch_size: int = 500) -> int:
    """Load `data` into the Neo4j database at `connection`: constraints, then batched MERGEs.

    Returns:
        The number of statements sent.

    Raises:
        ExportError: the driver is not installed, the server cannot be reached, refuses the
            credentials or a statement.
    """
    try:
        import neo4j
        from neo4j.exceptions import DriverError, Neo4jError
    except ImportError:
        raise ExportError("the neo4j driver is not installed (pip install neo4j)") from None
    nodes, relationships = node_tables(data), relationship_tables(data)
    auth = (connection.user, connection.password) if connection.password is not None else None
    try:
        with neo4j.GraphDatabase.driver(connection.uri, auth=auth) as driver:
            driver.verify_connectivity()
            with driver.session(database=connection.database) as session:

                def run(text: str, parameters: dict[str, Any]) -> None:
                    session.execute_write(lambda tx: tx.run(text, parameters).consume())

                # Schema changes cannot share a transaction with writes: one auto-commit each.
                sent = run_statements(lambda text, _: session.run(text).consume(), schema_statements(nodes))
                sent += run_statements(run, merge_statements(nodes, relationships, batch_size))
    except (DriverError, Neo4jError, OSError, ValueError) as exc:
        raise ExportError(f"{connection.uri}: {_one_line(exc)}") from None
    log.info("%d statements sent to %s", sent, connection.uri)
    return sent


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
