"""`kg build`: sources → events → graph.trig, the store, the explorer and the exports, redoing only what changed.

The work per document (parsing, rules, its named graph, its share of the facts)
is independent of every other document, so it is cached (kg.incremental) and
spread over processes or a Dask cluster (kg.parallel). What spans documents
(the facts and summaries, the store, the explorer, the exports) is rebuilt
from the per-document results in corpus order, so an incremental, parallel or
distributed build writes the same bytes as a clean local one. The store is the
exception that proves it: when the last build's store is there, it is copied
and only the named graphs of changed, new and removed documents (and the facts
and summaries) are replaced; its content is the same as a fresh load.

Everything is written into a staging folder that replaces OUT whole
(`kg.api.staged_output`): a failed or killed build leaves OUT as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from kg.api import Report, open_store, read_articles, render_graph, staged_output
from kg.errors import KgError, OutputError, StoreError
from kg.files import carry_over
from kg.incremental import (
    DocumentResult,
    Plan,
    ResultsWriter,
    content_hash,
    in_corpus_order,
    load_cache,
    pipeline_fingerprint,
)
from kg.model import Article, Event
from kg.paths import ontology_dir
from kg.rdf.build import document_iri
from kg.rdf.namespace import FACTS_GRAPH, SUMMARIES_GRAPH
from kg.rdf.trig import TrigBlock
from kg.store import STORE_DIRNAME, update_store
from kg.store import build_store as load_store

if TYPE_CHECKING:
    from rdflib import URIRef

    from kg.events import Extractor
    from kg.memory import BuildMemory

log = logging.getLogger("kg")

# The export written beside the RDF ones, in the second process: about as long as the explorer and the others.
SIDE_EXPORT = "neo4j"
# A progress bar: given the number of steps and a label, a context giving a callback per step (or None).
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[], None] | None]]


@dataclass
class BuildReport(Report):
    """What a build did, beyond what any run reports: how many documents came from the cache."""

    extracted: int = 0
    reused: int = 0
    removed: int = 0
    # Wall seconds of each step, in order, and the total: where a build's time goes (logged with -v, printed by
    # benchmarks/scale_bench.py). "documents" is extracting the changed ones (loading the model) and reading
    # back the others; "store" also has the RDF exports with `jobs` 1 (another process writes them meanwhile).
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        """Add the wall time of the block to `seconds[step]`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - start


def no_progress(total: int, label: str) -> AbstractContextManager[None]:
    return nullcontext()


class DocumentGraphs:
    """Turns one document's events into its named graph, TriG block and share of the facts."""

    def __init__(self, ontology: Path) -> None:
        self.ontology = ontology

    @cached_property
    def qids(self) -> dict[str, URIRef]:
        """Wikidata id → actor concept, read from the vocabularies when a first document needs it."""
        from kg.rdf.build import qid_index
        from kg.vocabulary import vocabulary_graph

        return qid_index(vocabulary_graph(self.ontology))

    def result(self, article: Article, events: list[Event]) -> DocumentResult:
        from kg.rdf.build import document_graph
        from kg.rdf.facts import document_support
        from kg.rdf.trig import graph_block

        graph = document_graph(article.id, article, events, self.qids)
        lines = [event.to_line() for event in events]
        return DocumentResult(article.id, content_hash(article), lines, graph_block(graph), document_support(graph))


def build(
    paths: Iterable[str],
    out: Path,
    *,
    jobs: int = 1,
    dask: str | None = None,
    full: bool = False,
    progress: ProgressFactory = no_progress,
    extractor: Extractor | None = None,
    memory: BuildMemory | None = None,
) -> BuildReport:
    """Build OUT from the sources under `paths`, re-extracting only documents that changed since the last build.

    Results stream: each document's events and cache line are written as soon as it is done, and only its
    TriG block and its share of the facts are kept, so memory grows with the graph, not with the events.

    Args:
        jobs: worker processes for extraction (1: in this process).
        dask: a Dask scheduler address, or "local" for a local cluster; extraction runs there.
        full: ignore the cache and extract every document.
        progress: makes the progress bar of extraction.
        extractor: the loaded extractor to use in this process (`jobs` 1), instead of loading one.
        memory: what the last build in this process kept (`kg build --watch`), used when OUT is still what it
            wrote, and replaced by what this build keeps once OUT is written.

    Raises:
        KgError: no readable article, or what extraction, the store or an output raised.
    """
    from kg.export.command import BUILD_FORMATS, RDF_EXPORTS, export, write_exports
    from kg.export.read import read_export_data, read_stored_facts
    from kg.memory import export_from_store, read_store_events
    from kg.parallel import extract_documents, side_process
    from kg.rdf.facts import FactBlocks, merge_support
    from kg.rdf.support import FactKey, Support
    from kg.rdf.trig import differing_statements, statement_subjects, write_trig_blocks

    started = time.perf_counter()
    paths = list(paths)
    report = BuildReport()
    with report.timed("sources"):
        articles = read_articles(paths, report)
        if not articles:
            raise KgError("no readable article in " + ", ".join(paths))
        out = Path(out)
        ontology = ontology_dir()
        fingerprint = pipeline_fingerprint(ontology)
        cache = None if full else load_cache(out, fingerprint)
        if memory is not None:
            cache = memory.recall(cache)
        plan = Plan.make(articles, cache)
    report.extracted, report.reused, report.removed = len(plan.to_extract), len(plan.reused), len(plan.removed)
    log.info(
        "%d documents: %d to extract, %d unchanged, %d removed since the last build",
        len(articles),
        report.extracted,
        report.reused,
        report.removed,
    )
    graphs = DocumentGraphs(ontology)
    support: dict[FactKey, Support] = {}
    blocks: list[TrigBlock] = []
    changed: list[TrigBlock] = []
    kept: dict[str, DocumentResult] = {}
    with staged_output(out) as stage:
        with (
            report.timed("documents"),
            progress(len(plan.to_extract), "extracting") as advance,
            ResultsWriter(stage, fingerprint) as writer,
        ):
            extracted = extract_documents(plan.to_extract, jobs=jobs, dask=dask, extractor=extractor, advance=advance)
            # Closed as soon as the last document is in: the workers and their models go before the store is built.
            with closing(extracted):
                fresh = (graphs.result(article, events) for article, events in extracted)
                for result in in_corpus_order(articles, plan, cache, fresh):
                    writer.add(result)
                    report.events += len(result.event_lines)
                    merge_support(support, result.support)
                    blocks.append(result.block)
                    if memory is not None:
                        kept[result.id] = result
                    if result.id not in plan.reused:
                        changed.append(result.block)
        with report.timed("facts and graph.trig"):
            # A watcher's kept statements of the two graphs: only those whose facts changed are written again.
            fact_blocks = (memory.facts if memory is not None else FactBlocks()).blocks(support)
            del support
            trig = write_trig_blocks(blocks + fact_blocks, stage / "graph.trig")
            del blocks
        # The named graphs this build replaces in the last one's store.
        replaced = [b.name for b in changed] + [str(document_iri(doc_id)) for doc_id in plan.removed]
        replaced = sorted({*replaced, str(FACTS_GRAPH), str(SUMMARIES_GRAPH)})
        remembered = memory is not None and memory.matches(cache)
        # With a memory, the subjects whose statements in kgd:facts and kgd:summaries changed: the reads of the
        # facts and summaries it kept are patched for those only.
        restated = None
        if memory is not None and remembered:
            restated = sorted(statement_subjects(chain(*differing_statements(memory.fact_blocks, fact_blocks))))
        # A second process (with `jobs` above 1) writes the RDF exports from graph.trig while this one updates
        # the store, then, for a watcher, the Neo4j export while this one renders the explorer and writes the
        # other exports from the finished store: none of them writes to the store.
        side = memory.side if memory is not None else None
        with side_process(jobs > 1, side) as submit:
            with report.timed("store"):
                # Written here first with `jobs` 1: the step then takes their time too.
                rdf_formats = [fmt for fmt in BUILD_FORMATS if fmt in RDF_EXPORTS]
                rdf = submit(write_exports, stage, rdf_formats, None, trig, memory is not None)
                updated = False
                if cache is not None and (out / STORE_DIRNAME).is_dir():
                    try:
                        gone = [*plan.removed, *(a.id for a in plan.to_extract)]
                        old = memory.replaced_blocks(cache, gone) if memory is not None else None
                        update_store(out, stage, replaced, changed + fact_blocks, old)
                        updated = True
                    except StoreError as exc:
                        # The store is all derived from graph.trig and the ontology: a damaged one is loaded again.
                        log.warning("%s: loading the store afresh", exc.message)
                if not updated:
                    load_store(trig, stage, ontology)
            with report.timed("explorer and exports"):
                # A watcher's second process reads the store's events too, for the Neo4j export: sending it this
                # one's read took longer than its own, and each patches the read it kept of the last build's
                # store. A one-off build does not: two whole reads of 10,000 articles at once took 2.2 GiB.
                side_export = None
                if jobs > 1 and memory is not None:
                    base = memory.cache_sha256 if remembered else None
                    side_export = submit(export_from_store, SIDE_EXPORT, stage, replaced, base, writer.sha256, restated)
                kept_parts = memory.parts if memory is not None and remembered else None
                kept_facts = memory.stored if memory is not None and remembered else None
                # The explorer and the exports share one read of the store's events, parties, flows and actors.
                store = open_store(stage)
                graph, parts = read_store_events(store, kept_parts, replaced)
                stored = read_stored_facts(store, kept_facts, restated)
                data = read_export_data(store, graph, stored)
                del store
                render_graph(stage, graph=graph)
                others = [fmt for fmt in BUILD_FORMATS if fmt not in RDF_EXPORTS and fmt != SIDE_EXPORT]
                exports = write_exports(stage, others, data=data)
                exports.append(side_export() if side_export is not None else export(SIDE_EXPORT, stage, data=data))
                exports += rdf()
        try:
            carry_over(out, stage)  # an analyst's files, also inside the folders kg writes (issue 25)
        except OSError as exc:
            where = exc.filename or out
            raise OutputError(f"{where}: cannot carry it over into the new {out} ({exc.strerror or exc})") from None
    if memory is not None:
        memory.cache_sha256, memory.results, memory.parts = writer.sha256, kept, parts
        memory.fact_blocks, memory.stored = fact_blocks, stored
    log.info(
        "%d documents (%d extracted, %d unchanged), %d events → %s: graph.trig, store/, graph.html and %d exports",
        report.documents,
        report.extracted,
        report.reused,
        report.events,
        out,
        len(exports),
    )
    report.seconds["total"] = time.perf_counter() - started
    log.info("time: %s", ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.seconds.items()))
    return report
