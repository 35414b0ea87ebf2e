"""The Oxigraph store under OUT/store: the built graph plus the ontology, ready for SPARQL.

Layout. The named graphs are exactly those of OUT/graph.trig (one per document,
`kgd:doc/<id>`, and `kgd:facts`), so one document's graph can still be replaced
alone. The default graph holds the schema and the vocabularies (kg.ttl,
actors.ttl, items.ttl) and each actor's lookup keys (kg:lookupKey, its names and
Wikidata id in lower case, see queries/lookup-keys.ru): a query reaches labels
and Wikidata ids without a GRAPH clause, and `GRAPH ?g { … }` ranges over
extracted data only.

The store is built beside the old one and swapped in by renames, so a failed
build never leaves a half-loaded store behind and readers keep the old one
until the new one is complete. rdflib still parses, serialises and validates;
queries run here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import OntologyError, StoreError
from kg.files import write_folder

if TYPE_CHECKING:
    import pyoxigraph

    from kg.rdf.trig import TrigBlock

STORE_DIRNAME = "store"
# Loaded into the default graph, in this order, from the ontology folder.
VOCABULARY_FILES = ("kg.ttl", "actors.ttl", "items.ttl")
# graph.trig is bulk-loaded in pieces of about this size (see kg.rdf.trig.trig_chunks).
CHUNK_BYTES = 16 * 2**20
# Run once the vocabularies are in: kg:lookupKey for every name and Wikidata id of an actor.
LOOKUP_KEYS_UPDATE = Path(__file__).parent / "queries" / "lookup-keys.ru"


def store_path(out: Path) -> Path:
    """Where the store of the output folder `out` lives."""
    return Path(out) / STORE_DIRNAME


def build_store(trig_path: Path, out: Path, ontology_dir: Path) -> Path:
    """Load `trig_path` and the vocabularies into a fresh store and swap it in as `out/store`.

    Args:
        trig_path: the dataset, normally `out/graph.trig`; its named graphs are kept.
        out: the output folder; the store becomes `out/store`.
        ontology_dir: the folder of kg.ttl, actors.ttl and items.ttl, loaded
            into the default graph.

    Returns:
        The store's folder.

    Raises:
        OntologyError: a vocabulary file is missing.
        StoreError: the TriG is missing, the TriG or a vocabulary cannot be parsed, or the
            store cannot be written; the previous store, if any, is left as it was.
    """
    target = store_path(out)
    if not Path(trig_path).is_file():
        raise StoreError(f"{trig_path}: no graph to load (run kg build first)")
    vocabularies = [Path(ontology_dir) / name for name in VOCABULARY_FILES]
    for path in vocabularies:
        if not path.is_file():
            raise OntologyError(f"{path}: missing (the store loads {', '.join(VOCABULARY_FILES)})")
    return write_folder(target, lambda temp: _load(temp, Path(trig_path), vocabularies), StoreError)


def update_store(
    previous: Path,
    out: Path,
    remove: Iterable[str],
    added: Sequence[TrigBlock],
    removed: Sequence[TrigBlock] | None = None,
) -> Path:
    """Copy the store of the output folder `previous` into `out` and replace named graphs in the copy.

    The graphs named in `remove` are dropped, then the TriG blocks `added` (the new
    versions of those graphs, and new ones) are loaded; the default graph (schema,
    vocabularies, lookup keys) is kept. The copy is swapped in as `out/store`, so
    the previous store is never touched and readers of `out` keep a whole store.
    `removed`, when the caller knows it, is what the graphs `remove` hold now (the
    blocks they were loaded from, one for every such graph the store has): only
    the statements that differ from `added` are then parsed, none read back.

    Raises:
        StoreError: the previous store cannot be copied or opened (damaged), or the update fails.
    """
    import pyoxigraph

    source = store_path(previous)

    def fill(temp: Path) -> None:
        shutil.rmtree(temp)
        try:
            shutil.copytree(source, temp)
            store = pyoxigraph.Store(str(temp))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB finds the files corrupted
            raise StoreError(f"{source}: cannot reuse the previous store ({_one_line(exc)})") from None
        try:
            _replace_graphs(store, remove, added, removed)
            store.flush()
        except SyntaxError as exc:
            raise StoreError(f"{temp}: cannot load the changed graphs ({_one_line(exc)})") from None
        finally:
            del store

    return write_folder(store_path(out), fill, StoreError)


def _replace_graphs(
    store: pyoxigraph.Store,
    remove: Iterable[str],
    added: Sequence[TrigBlock],
    removed: Sequence[TrigBlock] | None = None,
) -> None:
    """Leave `store` as dropping the graphs `remove` then loading `added` would, touching only what differs.

    Most of what is replaced comes back unchanged (one changed article leaves nearly all of kgd:facts and
    kgd:summaries as they were), and removing a quad and adding it again costs Oxigraph a write to every
    index: with one article changed in 1,000, dropping and reloading made the update 0.9 s, the difference
    0.4 s. Reading the graphs' quads back from the store, and parsing all of them, was most of the rest:
    when `removed` gives them, only the statements written otherwise in `added` are parsed, from both
    (`kg.rdf.trig.differing_statements`). A graph holding a blank node is read back and replaced whole:
    `Store.load` renames blank nodes, so its quads in the store are not those of the text.
    """
    import pyoxigraph

    from kg.rdf.trig import assemble_trig, differing_statements

    def parse(blocks: Iterable[TrigBlock]) -> set[pyoxigraph.Quad]:
        text = assemble_trig(blocks).encode("utf-8")
        return set(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TRIG, rename_blank_nodes=True))

    graphs = {pyoxigraph.NamedNode(name) for name in remove}
    old_blocks: list[TrigBlock] = []
    if removed is None:
        new_blocks, read_back = list(added), graphs
    else:
        old_blocks, new_blocks = differing_statements(removed, added)
        # Blocks holding a blank node are left whole: their graphs are read back.
        whole = {block.name for block in [*old_blocks, *new_blocks] if "_:" in block.text}
        old_blocks = [block for block in old_blocks if block.name not in whole]
        read_back = {graph for graph in graphs if graph.value in whole}
    old = parse(old_blocks)
    old.update(quad for graph in read_back for quad in store.quads_for_pattern(None, None, None, graph))
    new = parse(new_blocks)
    for quad in old - new:
        store.remove(quad)
    # A graph with nothing new is dropped as a name too, as remove_graph did (an empty graph stays listed).
    for graph in graphs - {pyoxigraph.NamedNode(b.name) for b in added if not b.blank and _has_statements(b)}:
        store.remove_graph(graph)
    store.extend(new - old)


def _has_statements(block: TrigBlock) -> bool:
    return not block.text.endswith("{\n}\n")


def open_store(out: Path) -> pyoxigraph.Store:
    """The store of `out`, opened read-only so that any number of readers can share it.

    Raises:
        StoreError: there is no store under `out` (run `kg build` first) or it cannot be opened.
    """
    import pyoxigraph

    path = store_path(out)
    if not path.is_dir():
        raise StoreError(f"{path}: no store here (run kg build first)")
    try:
        return pyoxigraph.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB finds the files corrupted
        raise StoreError(f"{path}: not a readable store, run kg build again ({_one_line(exc)})") from None


class LatestStore:
    """The store of `out`, read-only, opened again once a build has put a new one in its place.

    A build never writes into the store readers have open: it swaps a new folder in and deletes the old one.
    A reader that keeps its first handle (`kg serve`, next to `kg build --watch`) goes on answering from the
    deleted folder, without an error, until it is restarted. `current()` costs one `stat` when nothing
    changed: a folder is known by its device, inode and change time (an inode alone may be reused once the
    old folder is gone; opening a store read-only changes none of them).
    """

    def __init__(self, out: Path) -> None:
        """Raises: StoreError, as `open_store`."""
        self.out = Path(out)
        self._identity = _folder_identity(store_path(self.out))
        self._store = open_store(self.out)

    def current(self) -> pyoxigraph.Store:
        """The newest store; the one open so far while a new one is being swapped in or cannot be opened."""
        identity = _folder_identity(store_path(self.out))
        if identity is not None and identity != self._identity:
            try:
                store = open_store(self.out)
            except StoreError:
                # A folder that is no readable store (damaged, or renamed away again since the stat): keep the
                # one open; the next call looks again. Halfway through a swap there is no folder (identity None).
                return self._store
            self._store, self._identity = store, identity
        return self._store


def _folder_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino, status.st_ctime_ns


def _load(folder: Path, trig_path: Path, vocabularies: list[Path]) -> None:
    """Bulk-load everything into a new store in `folder`, then close it so it can be renamed."""
    import pyoxigraph

    from kg.rdf.trig import trig_chunks

    store = pyoxigraph.Store(str(folder))
    try:
        sources = [(trig_path, pyoxigraph.RdfFormat.TRIG, chunk) for chunk in trig_chunks(trig_path, CHUNK_BYTES)]
        sources += [(path, pyoxigraph.RdfFormat.TURTLE, None) for path in vocabularies]
        for path, fmt, text in sources:
            try:
                # Quads keep their graph; the vocabularies' triples go to the default graph.
                if text is None:
                    store.bulk_load(path=str(path), format=fmt, to_graph=pyoxigraph.DefaultGraph())
                else:
                    store.bulk_load(text, format=fmt, to_graph=pyoxigraph.DefaultGraph())
            except SyntaxError as exc:
                raise StoreError(f"{path}: cannot load into the store ({_one_line(exc)})") from None
        store.update(lookup_keys_update())
        # Bulk loading leaves many small files; compacting them once makes every later lookup cheaper.
        store.optimize()
        store.flush()
    finally:
        # Closing RocksDB happens when the last reference goes; do it before the rename.
        del store


def lookup_keys_update() -> str:
    """The SPARQL Update that adds kg:lookupKey to the actors of the default graph (any engine can run it)."""
    return LOOKUP_KEYS_UPDATE.read_text(encoding="utf-8")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
