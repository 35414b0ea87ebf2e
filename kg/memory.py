"""What a process that builds the same OUT again and again (`kg build --watch`) keeps from one build to the next.

An incremental build re-extracts only the changed documents, but then reads
back from disk what it kept of every other one (the cache: their events,
TriG blocks and shares of the facts) and reads every document's events back
from the finished store for the explorer and the exports. A watcher has both
in memory from its last build, so it keeps them:

- each document's result, used instead of its cache line;
- each document graph's part of the store read (`kg.graph_reader`): only the
  replaced graphs are read again from the new store, the rest is merged as kept;
- the statements of kgd:facts and kgd:summaries, each with what it was written
  from: only those of the facts that changed are written again
  (`kg.rdf.facts.FactBlocks`);
- the facts and edge summaries the exports read (`kg.export.read.StoredFacts`):
  only the subjects whose statements changed are read again;
- the TriG block of every graph it wrote: the store update parses only the
  statements that differ, instead of reading the replaced graphs back from the
  store (`kg.store.update_store`);
- the second process (`kg.parallel.SideWorker`), which keeps each graph's (or,
  for kgd:facts and kgd:summaries, each run of statements') share of the RDF
  exports (`kg.export.rdf`), so only what changed is serialised again, and its
  own patched read of the store for the Neo4j export (`export_from_store`).

The statements of the facts and summaries and the RDF pieces are looked up by
what they are made from, so they are right whatever OUT holds. The rest is used
only while OUT holds what that build wrote: its cache file's checksum (in the
manifest, checked by `kg.incremental.load_cache`) must be the one remembered.
Anything else (another process built OUT, a build that failed before replacing
it) gives a build as without memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.export.read import StoredFacts, read_stored_facts
from kg.graph_reader import GraphEvents
from kg.graph_reader.read import merge_parts, read_document_parts, with_actors
from kg.incremental import CacheIndex, DocumentResult
from kg.parallel import SideWorker
from kg.rdf.facts import FactBlocks
from kg.rdf.trig import TrigBlock


@dataclass
class BuildMemory:
    """The last successful build's results and store read, and the checksum of the cache it wrote."""

    cache_sha256: str | None = None
    results: dict[str, DocumentResult] = field(default_factory=dict)
    parts: dict[str, GraphEvents] = field(default_factory=dict)
    fact_blocks: list[TrigBlock] = field(default_factory=list)
    facts: FactBlocks = field(default_factory=FactBlocks)
    stored: StoredFacts | None = None
    side: SideWorker = field(default_factory=SideWorker)

    def replaced_blocks(self, cache: CacheIndex | None, documents: Iterable[str]) -> list[TrigBlock] | None:
        """The TriG blocks, as the remembered build wrote them, of the graphs a build replaces: those of
        `documents` (ids; the new ones have none) and kgd:facts and kgd:summaries. None without a memory of
        the build that wrote `cache`."""
        if not self.matches(cache):
            return None
        return [self.results[doc].block for doc in documents if doc in self.results] + self.fact_blocks

    def close(self) -> None:
        """End the side process (the memory stays usable: a next build starts another)."""
        self.side.close()

    def recall(self, cache: CacheIndex | None) -> CacheIndex | None:
        """`cache` with the kept results attached, when it is the one the remembered build wrote."""
        if cache is None or not self.matches(cache):
            return cache
        return dataclasses.replace(cache, kept=self.results)

    def matches(self, cache: CacheIndex | None) -> bool:
        return cache is not None and self.cache_sha256 is not None and cache.sha256 == self.cache_sha256


def read_store_events(
    store: Any, kept: Mapping[str, GraphEvents] | None, replaced: Collection[str]
) -> tuple[GraphEvents, dict[str, GraphEvents]]:
    """`read_graph_events(store)`, and its per-graph parts to remember.

    With `kept`, the parts read from the last build's store, which became `store` by replacing the named
    graphs `replaced` (changed, new and removed documents), only those are read; otherwise every graph is.

    Raises:
        StoreError: a query fails on the store.
    """
    if kept is not None:
        parts = {name: part for name, part in kept.items() if name not in replaced}
        parts.update(read_document_parts(store, replaced))
    else:
        parts = read_document_parts(store)
    return with_actors(store, merge_parts(parts.values())), parts


# In the side process of `kg build --watch`: its last read of a store (the parts of the events, the facts and
# summaries), and the build that made that store (the checksum of the cache it wrote, which holds every graph).
_side_read: dict[str, tuple[dict[str, GraphEvents], StoredFacts]] = {}


def export_from_store(
    fmt: str, out: Path, replaced: list[str], base: str | None, build: str, changed: list[str] | None
) -> Path:
    """Write the export `fmt` of `out`'s store from a read of it made here: for the side process of a watcher
    (`kg build --watch`), which would otherwise be sent the main one's read (pickling and unpickling it took
    longer than reading).

    `build` names the build that made the store (the checksum of its cache), kept with this read; with
    `base`, the build it was updated from by replacing the named graphs `replaced` and the statements of
    kgd:facts and kgd:summaries about the subjects `changed`, the read this process kept of that build's
    store is patched: only those are read again.

    Raises:
        StoreError: the store cannot be read.
        OutputError: the export cannot be written.
    """
    from kg.export.command import export
    from kg.export.read import read_export_data
    from kg.store import open_store

    kept = _side_read.get(base) if base is not None else None
    store = open_store(out)
    graph, parts = read_store_events(store, kept[0] if kept else None, replaced)
    stored = read_stored_facts(store, kept[1] if kept else None, changed)
    data = read_export_data(store, graph, stored)
    del store
    _side_read.clear()
    _side_read[build] = (parts, stored)
    return export(fmt, out, data=data)
