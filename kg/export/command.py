"""`kg export FORMAT`: the built graph (`OUT/store`, read-only) -> files other tools open, or a live Neo4j.

Each format reads the store once and writes atomically under OUT (or `-o`).
`write_exports` is what `kg build` calls: every file export, side by side
with the graph and the HTML. Heavy imports (pyoxigraph, lxml, the neo4j
driver) happen inside the functions, so registering the command costs nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.cli_args import positive
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.graph_reader import GraphEvents

log = logging.getLogger("kg.export")

# Format -> (default output under OUT, what it is). `kg build` writes those in BUILD_FORMATS.
FORMATS: dict[str, tuple[str, str]] = {
    "neo4j": ("neo4j", "a folder for Neo4j: neo4j-admin CSV files, import.cypher, load-csv.cypher, README.md"),
    "gephi": ("graph.gexf", "GEXF for Gephi: typed attributes, the explorer's colours and sizes, time intervals"),
    "graphml": ("graph.graphml", "GraphML: the same actor network, scalar attributes only"),
    "csv": ("facts.csv", "a flat SIPRI-like CSV table, one row per fact"),
    "ttl": ("graph.ttl", "the RDF as Turtle (named graphs merged)"),
    "nt": ("graph.nt", "the RDF as N-Triples (named graphs merged)"),
    "nq": ("graph.nq", "the RDF as N-Quads (named graphs kept)"),
    "jsonld": ("graph.jsonld", "the RDF as JSON-LD (named graphs kept)"),
}
BUILD_FORMATS = ("neo4j", "gephi", "graphml", "csv", "ttl", "nt", "jsonld")
# Those streamed from the store by Oxigraph (`kg.export.rdf`), without the ExportData read.
RDF_EXPORTS = ("ttl", "nt", "nq", "jsonld")
# Those drawing the actor network (`kg.export.network`).
NETWORK_EXPORTS = ("gephi", "graphml")


def export(
    fmt: str,
    out: Path,
    output: Path | None = None,
    data: Any = None,
    gexf_version: str = "1.3",
    network: Any = None,
) -> Path:
    """Write the export `fmt` of the store `OUT/store` to `output` (default: its place under `out`).

    `data` (an `ExportData`) is read from the store when not given, and `network` (its actor network, for
    GEXF and GraphML) built from it.

    Raises:
        StoreError: no store under `out`, or it cannot be read.
        OutputError: the output cannot be written.
    """
    from kg.files import write_bytes

    if fmt not in FORMATS:
        raise KgError(f"{fmt}: no such export (one of {', '.join(FORMATS)})")
    target = Path(output) if output is not None else Path(out) / FORMATS[fmt][0]
    if fmt in RDF_EXPORTS:
        from kg.export.rdf import write_rdf
        from kg.store import open_store

        return write_rdf(open_store(Path(out)), fmt, target)
    if data is None:
        data = read(out)
    if fmt == "neo4j":
        from kg.export.neo4j import write_neo4j

        return write_neo4j(data, target)
    if fmt == "csv":
        from kg.export.facts_table import facts_csv

        return write_bytes(target, facts_csv(data).encode("utf-8"))
    if network is None:
        from kg.export.network import build_network

        network = build_network(data)
    if fmt == "gephi":
        from kg.export.gexf import gexf_bytes

        return write_bytes(target, gexf_bytes(network, gexf_version))
    from kg.export.graphml import graphml_bytes

    return write_bytes(target, graphml_bytes(network))


def write_exports(
    out: Path,
    formats: Sequence[str] = BUILD_FORMATS,
    graph: GraphEvents | None = None,
    trig: Path | None = None,
    keep: bool = False,
    data: Any = None,
) -> list[Path]:
    """Write the file exports `formats` of `OUT/store` into `out`, beside graph.trig and graph.html; returns
    the paths.

    By default every one `kg build` writes: OUT/neo4j/, OUT/graph.gexf, OUT/graph.graphml, OUT/facts.csv,
    OUT/graph.ttl, OUT/graph.nt and OUT/graph.jsonld. The store is read once for all those that are not
    streamed RDF, and the streamed RDF formats share one scan of it (`kg.export.rdf.write_rdf_files`);
    `graph`, the shared read of its events (`kg.graph_reader`), is reused when given, as `kg build` does
    after rendering the explorer from it. GEXF and GraphML share one actor network. The RDF formats are read
    from `trig`, the TriG file the store was loaded from, when given (in its order: `kg.export.rdf`), keeping
    what each graph gave in this process with `keep`, for the next call. `data`, the `ExportData` of the
    store, is used when given instead of being read from it.

    Raises:
        StoreError: no store under `out`, or it cannot be read.
        OutputError: an output cannot be written.
    """
    written: dict[str, Path] = {}
    targets = {fmt: Path(out) / FORMATS[fmt][0] for fmt in formats if fmt in RDF_EXPORTS}
    if targets:
        from kg.export.rdf import write_rdf_files
        from kg.store import open_store

        store = None if trig is not None else open_store(Path(out))
        written.update(zip(targets, write_rdf_files(store, targets, trig, keep), strict=True))
    others = [fmt for fmt in formats if fmt not in RDF_EXPORTS]
    if others:
        from kg.export.network import build_network

        data = data if data is not None else read(out, graph)
        network = build_network(data) if any(fmt in NETWORK_EXPORTS for fmt in others) else None
        written.update((fmt, export(fmt, out, data=data, network=network)) for fmt in others)
    paths = [written[fmt] for fmt in formats]
    log.info("exports: %s", ", ".join(str(p) for p in paths))
    return paths


def read(out: Path, graph: GraphEvents | None = None) -> Any:
    """The `ExportData` of the store `OUT/store` (opened read-only); `graph`: its events if already read."""
    from kg.export.read import read_export_data
    from kg.store import open_store

    return read_export_data(open_store(Path(out)), graph)


def cmd_export(args: argparse.Namespace) -> int:
    """Run `kg export FORMAT`: write the file(s), or push to Neo4j when `--uri` is given."""
    out = Path(args.graph)
    if args.format == "all":
        for path in write_exports(out):
            log.info("wrote %s", path)
        return 0
    if args.format == "neo4j" and args.uri:
        from kg.export.push import Connection, push_to_neo4j

        password = args.password if args.password is not None else os.environ.get("NEO4J_PASSWORD")
        connection = Connection(args.uri, args.user, password, args.database)
        sent = push_to_neo4j(read(out), connection, batch_size=args.batch_size)
        log.info("%d statements sent to %s", sent, args.uri)
        return 0
    path = export(
        args.format,
        out,
        Path(args.output) if args.output else None,
        gexf_version=getattr(args, "gexf_version", "1.3"),
    )
    log.info("wrote %s", path)
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `export` sub-command (its formats, arguments and handler) on `kg`'s subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export the graph for Neo4j, Gephi and other tools (CSV, GraphML, Turtle, N-Triples, JSON-LD)",
        description="Write the graph of OUT/store (made by kg build) in another format, under OUT unless -o says "
        "otherwise, or push it to a live Neo4j. kg build writes every file format already.",
    )
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    for name, (default, what) in FORMATS.items():
        sub = formats.add_parser(name, help=what, description=f"Write {what}, from OUT/store.")
        sub.add_argument("--graph", default="out", help="output folder of kg build, holding store/ (default: out/)")
        sub.add_argument(
            "-o", "--output", metavar="FOLDER" if name == "neo4j" else "FILE", help=f"default: OUT/{default}"
        )
        sub.set_defaults(func=cmd_export)
        if name == "neo4j":
            sub.add_argument("--uri", help="push to this Neo4j (bolt://… or neo4j://…) instead of writing files")
            sub.add_argument(
                "--user",
                default=os.environ.get("NEO4J_USER", "neo4j"),
                help="Neo4j user (default: $NEO4J_USER or neo4j)",
            )
            sub.add_argument("--password", help="Neo4j password (default: $NEO4J_PASSWORD)")
            sub.add_argument("--database", help="Neo4j database (default: the server's default)")
            sub.add_argument(
                "--batch-size",
                type=positive(),
                default=500,
                help="rows per MERGE statement when pushing (default: 500)",
            )
        if name == "gephi":
            sub.add_argument(
                "--gexf-version", choices=("1.3", "1.2draft"), default="1.3", help="GEXF version (default: 1.3)"
            )
    every = formats.add_parser(
        "all", help="every file format, as kg build writes them", description="Write every file export under OUT."
    )
    every.add_argument("--graph", default="out", help="output folder of kg build, holding store/ (default: out/)")
    every.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m kg.export ARGS` is `kg export ARGS`."""
    top = argparse.ArgumentParser(prog="kg")
    add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["export", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args))
    except KgError as exc:
        print(f"kg: {exc.message}", file=sys.stderr)
        return 2
