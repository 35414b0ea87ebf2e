"""The store's data -> Turtle, N-Triples, N-Quads or JSON-LD, streamed by Oxigraph's serialisers.

Only the extracted data is written (the named graphs: one per document,
kgd:facts, kgd:summaries), not the vocabularies of the default graph, as in
`OUT/graph.trig`. Turtle and N-Triples have no named graphs, so they flatten:
the union of every graph, each triple once (a document's IRI is also its
graph's name, and events keep `kg:evidence`, so provenance survives). N-Quads
and JSON-LD keep the graphs (JSON-LD as expanded `@graph` objects, without a
context).

Statements stream to the file, never gathered or sorted in Python: at 10,000
articles (1.8 million quads) that took a gigabyte and a minute. They come from
one of two places, each giving the same bytes for the same content:

- the store (`kg export`), in its own index order: Oxigraph's indexes are
  sorted by term, and terms are encoded from their text, so a store loaded
  afresh and one updated in place give the same bytes. Reading the store is
  nearly all of an export's time (Oxigraph looks up the text of every term it
  decodes: about 1 s per format on 1,000 articles);
- the `graph.trig` the store was loaded from (`kg build`, which has just
  written it), in its order: document by document in corpus order, then the
  facts and summaries. Parsing it takes a quarter of a scan of the store, and
  an incremental build writes the same file as a clean one. It holds no blank
  node, whose labels a parser would make up afresh.

`write_rdf_files` reads the source once for several formats: see there.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

# Format name -> (pyoxigraph format attribute, keeps named graphs).
RDF_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("TURTLE", False),
    "nt": ("N_TRIPLES", False),
    "nq": ("N_QUADS", True),
    "jsonld": ("JSON_LD", True),
}
EXTENSIONS = {"ttl": "ttl", "nt": "nt", "nq": "nq", "jsonld": "jsonld"}
# Each triple of the named graphs once, in the order of the store's graph index.
_UNION = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
# N-Triples written on the side of a scan go out this many triples at a time.
_BATCH = 4096


class _StoreStatements:
    """The named graphs' statements read from a store, in its index order."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def quads(self) -> Iterator[Any]:
        for graph in self.store.named_graphs():
            yield from self.store.quads_for_pattern(None, None, None, graph)

    def triples(self) -> Iterator[Any]:
        import pyoxigraph as ox

        for row in self.store.query(_UNION):
            yield ox.Triple(row[0], row[1], row[2])


class _TrigStatements:
    """The named graphs' statements of a TriG file (with no blank node), in its order."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def quads(self) -> Iterator[Any]:
        import pyoxigraph as ox

        # As from the store: the named graphs' data, not what a default graph holds (kg's TriG has none).
        return (q for q in ox.parse(path=str(self.path), format=ox.RdfFormat.TRIG) if q.graph_name != ox.DefaultGraph())

    def triples(self) -> Iterator[Any]:
        return (quad.triple for quad, first in _first_seen(self.quads()) if first)


def _statements(store: Any, trig: Path | None) -> _StoreStatements | _TrigStatements:
    return _TrigStatements(trig) if trig is not None else _StoreStatements(store)


def write_rdf(store: Any, fmt: str, path: Path, trig: Path | None = None) -> Path:
    """Write the named graphs of `store` in `fmt` (`ttl`, `nt`, `nq` or `jsonld`) to `path`, atomically;
    read from `trig` instead, the TriG file the store was loaded from, when given.

    Raises:
        OutputError: the file cannot be written.
    """
    source = _statements(store, trig)
    keeps_graphs = RDF_FORMATS[fmt][1]
    statements = source.quads() if keeps_graphs else source.triples()
    with _writing({fmt: path}) as handles:
        _serialize(statements, handles[fmt], fmt)
    return path


def write_rdf_files(store: Any, targets: Mapping[str, Path], trig: Path | None = None) -> list[Path]:
    """Write the named graphs of `store` (or of `trig`, the TriG file it was loaded from) in each format of
    `targets` (format -> path); returns the paths.

    With N-Triples among them, one scan of the named graphs' quads serves N-Triples, Turtle and one format
    that keeps graphs: the quads go to the latter's serialiser as they are read, and each triple goes to
    N-Triples the first time it is seen; Turtle is then that N-Triples file read back and written with
    prefixes. These are the bytes `write_rdf` gives each format alone: on a store on disk (kg opens no other)
    SPARQL's `GRAPH ?g` walks the graph index as the scan does, and DISTINCT keeps first occurrences (an
    in-memory store orders the two apart). On 1,000 articles Turtle, N-Triples and JSON-LD took 3.5 s, a
    read of the store each, and take 1.9 s (20 s and 16 s on ten times the quads, in less memory).
    Whatever else is asked gets a scan of its own (`write_rdf`).

    Raises:
        OutputError: a file cannot be written.
    """
    if "nt" not in targets:
        return [write_rdf(store, fmt, path, trig) for fmt, path in targets.items()]
    graph_formats = [fmt for fmt in targets if RDF_FORMATS[fmt][1]]
    shared = ["nt", *graph_formats[:1]]
    with _writing({fmt: targets[fmt] for fmt in shared}) as handles:
        quads = _write_union(_statements(store, trig).quads(), handles["nt"])
        if graph_formats:
            _serialize(quads, handles[graph_formats[0]], graph_formats[0])
        else:
            deque(quads, maxlen=0)
    if "ttl" in targets:
        _turtle_from_ntriples(targets["nt"], targets["ttl"])
    for fmt in graph_formats[1:]:
        write_rdf(store, fmt, targets[fmt], trig)
    return [Path(path) for path in targets.values()]


def _write_union(quads: Iterable[Any], handle: IO[bytes]) -> Iterator[Any]:
    """Pass `quads` on as they come, writing to `handle` as N-Triples each triple the first time it is seen."""
    import pyoxigraph as ox

    new: list[Any] = []
    for quad, first in _first_seen(quads):
        if first:
            new.append(quad.triple)
            if len(new) >= _BATCH:
                # N-Triples is a line per triple with nothing around them: pieces written apart are the whole.
                ox.serialize(new, output=handle, format=ox.RdfFormat.N_TRIPLES)
                new.clear()
        yield quad
    ox.serialize(new, output=handle, format=ox.RdfFormat.N_TRIPLES)


def _first_seen(quads: Iterable[Any]) -> Iterator[tuple[Any, bool]]:
    """Each quad, and whether its triple is met for the first time.

    A triple is known by a 16-byte BLAKE2 digest of its N-Triples text, not kept itself: a pyoxigraph Triple
    takes about 370 bytes, and 10,000 articles hold well over a million distinct triples.
    """
    seen: set[bytes] = set()
    for quad in quads:
        key = hashlib.blake2b(str(quad.triple).encode("utf-8"), digest_size=16).digest()
        first = key not in seen
        if first:
            seen.add(key)
        yield quad, first


def _turtle_from_ntriples(source: Path, path: Path) -> None:
    """Write the N-Triples file `source` as Turtle to `path`: the same triples in the same order, with prefixes."""
    import pyoxigraph as ox

    with _writing({"ttl": path}) as handles:
        _serialize(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES), handles["ttl"], "ttl")


def _serialize(statements: Iterable[Any], handle: IO[bytes], fmt: str) -> None:
    import pyoxigraph as ox

    from kg.rdf.namespace import PREFIXES

    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()} if fmt == "ttl" else None
    ox.serialize(statements, output=handle, format=getattr(ox.RdfFormat, RDF_FORMATS[fmt][0]), prefixes=prefixes)


@contextmanager
def _writing(targets: Mapping[str, Path]) -> Iterator[dict[str, IO[bytes]]]:
    """Each path of `targets` (format -> path) open for atomic writing; an OSError becomes an OutputError."""
    from kg.errors import OutputError
    from kg.files import atomic_write

    try:
        with ExitStack() as stack:
            yield {fmt: stack.enter_context(atomic_write(Path(path), "wb")) for fmt, path in targets.items()}
    except OSError as exc:
        where = ", ".join(str(path) for path in targets.values())
        raise OutputError(f"{where}: cannot write ({exc.strerror or exc})") from None
