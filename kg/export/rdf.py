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

import functools
import hashlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
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


@dataclass
class _Piece:
    """Whole graphs of a TriG file, or a run of one graph's statements, as what they add to each export: the
    same bytes as in a file made at once.

    N-Triples is a line per triple (the union keeps a triple's first line), N-Quads a line per quad, and a
    JSON-LD file an array of one object per graph, listing one object per subject: pieces written apart and
    joined are the whole.
    """

    ntriples: bytes  # N-Triples, a line per triple, in the piece's order
    keys: tuple[bytes, ...]  # each line's digest (`_digest`)
    distinct: frozenset[bytes]  # the same digests, as a set
    quads: bytes  # N-Quads, or nothing when not asked for
    # JSON-LD: the graphs' objects without the array's brackets; for a run of one graph's statements, its
    # subjects' objects, and `graph` opens the graph's object (nothing for whole graphs).
    jsonld: bytes
    graph: bytes = b""
    blank: bool = False  # "_:" in the N-Triples: may hold a blank node
    # The lines `first_seen` gave last, and the digests of those it left out.
    _last: tuple[frozenset[bytes], bytes] | None = field(default=None, compare=False, repr=False)

    def first_seen(self, seen: set[bytes]) -> bytes:
        """The lines of triples not in `seen`, which then holds them all.

        Documents' graphs share a few triples (rules' labels, actors' relations); the same ones are left out
        at each call of a watcher, when the lines kept are given again as the same object.
        """
        if len(self.distinct) != len(self.keys):  # a triple twice in the piece (not in kg's graphs)
            first = []
            for line, key in zip(self.ntriples.splitlines(True), self.keys, strict=True):
                if key not in seen:
                    seen.add(key)
                    first.append(line)
            return b"".join(first)
        known = frozenset(seen.intersection(self.distinct))
        seen.update(self.distinct)
        if not known:
            return self.ntriples
        if self._last is None or self._last[0] != known:
            lines = self.ntriples.splitlines(True)
            kept = b"".join(line for line, key in zip(lines, self.keys, strict=True) if key not in known)
            self._last = (known, kept)
        return self._last[1]


# The pieces of the last TriG file written with `keep`, by the digest of their text and the formats they were
# made for: `kg build --watch` writes the exports of a graph.trig whose graphs are nearly all as last time.
_kept_pieces: dict[tuple[bytes, tuple[str, ...]], _Piece] = {}
# A graph longer than this is made in runs of statements (`_statement_runs`): kgd:facts and kgd:summaries
# change in a few statements at each build of a watcher, and making all of them again was most of its exports.
_RUN_FROM_BYTES = 1 << 16
# A run of statements ends after one whose subject's CRC-32 is a multiple of this (32 statements on average):
# cut by content, runs stay the same around a statement added or removed.
_RUN_CUT = 32
_JSONLD_GRAPH = b'"@graph":['


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _make_piece(text: bytes | None, trig: Path, formats: tuple[str, ...], run: bool = False) -> _Piece:
    """The piece of TriG `text` (None: the whole file `trig`): its named graphs' data, as from the store;
    `run`: `text` holds a run of one graph's statements."""
    import pyoxigraph as ox

    source = {"path": str(trig)} if text is None else {"input": text}
    quads = [q for q in ox.parse(**source, format=ox.RdfFormat.TRIG) if q.graph_name != ox.DefaultGraph()]
    ntriples = _serialize_bytes([q.triple for q in quads], "nt") if "nt" in formats else b""
    keys = tuple(_digest(line) for line in ntriples.splitlines(True))
    nquads = _serialize_bytes(quads, "nq") if "nq" in formats else b""
    jsonld, graph = b"", b""
    if "jsonld" in formats and quads:
        # One graph's object: [{"@id":…,"@graph":[ SUBJECTS ]}]
        whole = _serialize_bytes(quads, "jsonld")
        if run:
            opened = whole.index(_JSONLD_GRAPH) + len(_JSONLD_GRAPH)
            jsonld, graph = whole[opened:-3], whole[1:opened]
        else:
            jsonld = whole[1:-1]
    return _Piece(ntriples, keys, frozenset(keys), nquads, jsonld, graph, b"_:" in ntriples)


def _trig_pieces(trig: Path, formats: tuple[str, ...], keep: bool) -> Iterator[_Piece]:
    """The pieces of `trig`, a graph or a run of statements each, made once and kept when `keep` (for the
    next call with `keep`)."""
    from kg.rdf.trig import trig_graphs

    kept: dict[tuple[bytes, tuple[str, ...]], _Piece] = {}
    for graph in trig_graphs(trig):
        if graph is None:
            yield _make_piece(None, trig, formats)
            break
        header, text = graph
        runs = _statement_runs(text) if len(text) > _RUN_FROM_BYTES else None
        for part in runs or [text]:
            if not part:
                continue
            whole = header + part
            key = (_digest(whole), formats)
            piece = _kept_pieces.get(key)
            if piece is None:
                piece = _make_piece(whole, trig, formats, run=runs is not None)
            if keep:
                kept[key] = piece
            yield piece
    _kept_pieces.clear()
    _kept_pieces.update(kept)


def _statement_runs(text: bytes) -> list[bytes] | None:
    """A graph block of `kg.rdf.trig` cut into blocks of the same graph, each a run of its statements; None
    when it is not in that layout (`kg.rdf.trig.block_statements`, with one statement per subject) or holds
    a blank node, whose label each parse would make up."""
    import zlib

    from kg.rdf.trig import block_statements, subject_term

    layout = block_statements(text.decode("utf-8", "surrogateescape")) if b"_:" not in text else None
    if layout is None:
        return None
    head, statements = layout
    subjects = [subject_term(statement).encode("utf-8", "surrogateescape") for statement in statements]
    if len(set(subjects)) != len(subjects):
        return None
    runs, start = [], 0
    for index, subject in enumerate(subjects):
        if zlib.crc32(subject) % _RUN_CUT == 0 or index == len(subjects) - 1:
            run = f"{head} {{\n" + "\n\n".join(statements[start : index + 1]) + "\n}\n"
            runs.append(run.encode("utf-8", "surrogateescape"))
            start = index + 1
    return runs


def _write_trig_exports(trig: Path, targets: Mapping[str, Path], keep: bool) -> None:
    """Write each format of `targets` from the TriG file `trig`, a graph or a run of statements at a time
    (`_Piece`); with `keep`, the pieces are kept in this process and those unchanged at the next call are
    not made again.

    Turtle is the union's N-Triples read back with prefixes. With `keep` it is made piece by piece too, from
    each piece's first-seen triples, and kept: the serialiser writes each subject's triples together and
    the pieces' texts joined are the whole, unless two pieces meet on one subject (or hold a blank node),
    when the whole N-Triples file is read back instead.
    """
    import tempfile

    made = tuple(sorted({"nt" if fmt == "ttl" else fmt for fmt in targets}))
    files = {fmt: path for fmt, path in targets.items() if fmt != "ttl" or keep}
    turtle = _TurtlePieces() if "ttl" in files else None
    with ExitStack() as stack:
        if "ttl" in targets and "nt" not in targets:
            # The union's N-Triples, written beside for Turtle, then dropped.
            folder = stack.enter_context(tempfile.TemporaryDirectory(dir=Path(targets["ttl"]).parent))
            files["nt"] = Path(folder) / "union.nt"
        with _writing(files) as handles:
            seen: set[bytes] = set()
            jsonld = _JsonLdArray(handles["jsonld"]) if "jsonld" in handles else None
            for piece in _trig_pieces(trig, made, keep):
                if "nt" in handles:
                    first = piece.first_seen(seen)
                    handles["nt"].write(first)
                    if turtle is not None:
                        turtle.add(first, piece.blank, handles["ttl"])
                if "nq" in handles:
                    handles["nq"].write(piece.quads)
                if jsonld is not None:
                    jsonld.add(piece)
            if jsonld is not None:
                jsonld.close()
            if turtle is not None:
                turtle.keep()
        if "ttl" in targets and (turtle is None or not turtle.whole):
            _turtle_from_ntriples(files["nt"], targets["ttl"])


class _JsonLdArray:
    """Writes the JSON-LD array of pieces' graph objects, joining the runs of one graph into its object."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.opened = False  # the array
        self.graph = b""  # the opening of the graph object being written in runs

    def add(self, piece: _Piece) -> None:
        if not piece.jsonld:
            return
        if piece.graph and piece.graph == self.graph:
            self.handle.write(b"," + piece.jsonld)
            return
        self._end_graph()
        self.handle.write(b"," if self.opened else b"[")
        self.opened = True
        self.handle.write(piece.graph + piece.jsonld)
        self.graph = piece.graph

    def close(self) -> None:
        self._end_graph()
        self.handle.write(b"]" if self.opened else b"[]")

    def _end_graph(self) -> None:
        if self.graph:
            self.handle.write(b"]}")
            self.graph = b""


# Turtle texts of the last call's pieces (without prefix lines), by their first-seen N-Triples: a kept piece's
# text is the same object at each call, whose hash Python keeps, so looking it up costs no pass over it.
_kept_turtle: dict[bytes, bytes] = {}


class _TurtlePieces:
    """Turtle made a piece at a time from first-seen N-Triples lines, kept for the next call (`keep`)."""

    def __init__(self) -> None:
        self.whole = True  # False once two pieces meet on one subject: the text made is then not the file
        self.made: dict[bytes, bytes] = {}
        self._last_subject: bytes | None = None

    def add(self, ntriples: bytes, blank: bool, handle: IO[bytes]) -> None:
        """Write to `handle` the Turtle text of the N-Triples lines `ntriples` (the prefixes before the
        first), or nothing once not whole; `blank`: they may hold a blank node."""
        if not self.whole or not ntriples:
            return
        first_subject = ntriples.split(b" ", 1)[0]
        if first_subject == self._last_subject or blank:
            self.whole = False
            return
        if self._last_subject is None:
            handle.write(_turtle_header())
        self._last_subject = ntriples[ntriples.rfind(b"\n", 0, -1) + 1 :].split(b" ", 1)[0]
        body = _kept_turtle.get(ntriples)
        if body is None:
            body = _turtle_body(ntriples)
        self.made[ntriples] = body
        handle.write(body)

    def keep(self) -> None:
        _kept_turtle.clear()
        if self.whole:
            _kept_turtle.update(self.made)


@functools.lru_cache(maxsize=1)
def _turtle_header() -> bytes:
    """The prefix lines Oxigraph writes before the first triple of a Turtle file."""
    import pyoxigraph as ox

    node = ox.NamedNode("https://w3id.org/kg-arms/data/x")
    text = _serialize_bytes([ox.Triple(node, node, node)], "ttl")
    return b"".join(line for line in text.splitlines(True) if line.startswith(b"@prefix"))


def _turtle_body(ntriples: bytes) -> bytes:
    """N-Triples text as Turtle, without the prefix lines."""
    import pyoxigraph as ox

    text = _serialize_bytes(ox.parse(input=ntriples, format=ox.RdfFormat.N_TRIPLES), "ttl")
    return text[len(_turtle_header()) :]


def write_rdf(store: Any, fmt: str, path: Path, trig: Path | None = None) -> Path:
    """Write the named graphs of `store` in `fmt` (`ttl`, `nt`, `nq` or `jsonld`) to `path`, atomically;
    read from `trig` instead, the TriG file the store was loaded from, when given.

    Raises:
        OutputError: the file cannot be written.
    """
    if trig is not None:
        _write_trig_exports(trig, {fmt: path}, keep=False)
        return path
    source = _StoreStatements(store)
    keeps_graphs = RDF_FORMATS[fmt][1]
    statements = source.quads() if keeps_graphs else source.triples()
    with _writing({fmt: path}) as handles:
        _serialize(statements, handles[fmt], fmt)
    return path


def write_rdf_files(
    store: Any, targets: Mapping[str, Path], trig: Path | None = None, keep: bool = False
) -> list[Path]:
    """Write the named graphs of `store` (or of `trig`, the TriG file it was loaded from) in each format of
    `targets` (format -> path); returns the paths.

    From `trig`, every format is written graph by graph in one pass (`_Piece`); with `keep`, what each
    graph gave is kept in this process, and a later call (`kg build --watch` writing the next build's
    exports) makes again only the graphs whose text changed.

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
    if trig is not None:
        _write_trig_exports(trig, targets, keep)
        return [Path(path) for path in targets.values()]
    if "nt" not in targets:
        return [write_rdf(store, fmt, path) for fmt, path in targets.items()]
    graph_formats = [fmt for fmt in targets if RDF_FORMATS[fmt][1]]
    shared = ["nt", *graph_formats[:1]]
    with _writing({fmt: targets[fmt] for fmt in shared}) as handles:
        quads = _write_union(_StoreStatements(store).quads(), handles["nt"])
        if graph_formats:
            _serialize(quads, handles[graph_formats[0]], graph_formats[0])
        else:
            deque(quads, maxlen=0)
    if "ttl" in targets:
        _turtle_from_ntriples(targets["nt"], targets["ttl"])
    for fmt in graph_formats[1:]:
        write_rdf(store, fmt, targets[fmt])
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

    ox.serialize(statements, output=handle, format=getattr(ox.RdfFormat, RDF_FORMATS[fmt][0]), prefixes=_prefixes(fmt))


def _serialize_bytes(statements: Iterable[Any], fmt: str) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(statements, format=getattr(ox.RdfFormat, RDF_FORMATS[fmt][0]), prefixes=_prefixes(fmt)) or b""


def _prefixes(fmt: str) -> dict[str, str] | None:
    from kg.rdf.namespace import PREFIXES

    return {name: str(namespace) for name, namespace in PREFIXES.items()} if fmt == "ttl" else None


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
