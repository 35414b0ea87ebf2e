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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kg.api import Report, read_articles, render_graph, staged_output, write_events, write_exports
from kg.errors import KgError, OutputError
from kg.files import write_bytes
from kg.incremental import DocumentResult, Plan, content_hash, in_corpus_order, load_cache, pipeline_fingerprint
from kg.incremental import write_cache as write_cache_files
from kg.model import Article, Event
from kg.paths import ontology_dir
from kg.rdf.trig import TrigBlock, assemble_trig
from kg.store import STORE_DIRNAME, update_store
from kg.store import build_store as load_store

if TYPE_CHECKING:
    from rdflib import URIRef

    from kg.events import Extractor

log = logging.getLogger("kg")

# A progress bar: given the number of steps and a label, a context giving a callback per step (or None).
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[], None] | None]]


@dataclass
class BuildReport(Report):
    """What a build did, beyond what any run reports: how many documents came from the cache."""

    extracted: int = 0
    reused: int = 0
    removed: int = 0


def _no_progress(total: int, label: str) -> AbstractContextManager[None]:
    return nullcontext()


class DocumentGraphs:
    """Turns one document's events into its named graph, TriG block and share of the facts."""

    def __init__(self, ontology: Path) -> None:
        self.ontology = ontology

    @cached_property
    def qids(self) -> dict[str, URIRef]:
        """Wikidata id → actor concept, read from the vocabularies when a first document needs it."""
        from rdflib import Graph

        from kg.rdf.build import qid_index

        vocabulary = Graph()
        for name in ("actors.ttl", "items.ttl"):
            vocabulary.parse(self.ontology / name, format="turtle")
        return qid_index(vocabulary)

    def result(self, article: Article, events: list[Event]) -> DocumentResult:
        from kg.rdf.build import document_graph
        from kg.rdf.facts import document_support
        from kg.rdf.trig import graph_block

        graph = document_graph(article.id, article, events, self.qids)
        return DocumentResult(article.id, content_hash(article), events, graph_block(graph), document_support(graph))


def graph_trig(results: Sequence[DocumentResult]) -> tuple[str, list[TrigBlock]]:
    """graph.trig's text from the documents' blocks, and the facts and summaries blocks it ends with."""
    from kg.rdf.facts import fact_graphs, merge_support
    from kg.rdf.support import FactKey, Support
    from kg.rdf.trig import graph_block

    support: dict[FactKey, Support] = {}
    for result in results:
        merge_support(support, result.support)
    fact_blocks = [graph_block(graph) for graph in fact_graphs(support) if len(graph)]
    return assemble_trig([r.block for r in results] + fact_blocks), fact_blocks


def build(
    paths: Iterable[str],
    out: Path,
    *,
    jobs: int = 1,
    dask: str | None = None,
    full: bool = False,
    progress: ProgressFactory = _no_progress,
    extractor: Extractor | None = None,
) -> BuildReport:
    """Build OUT from the sources under `paths`, re-extracting only documents that changed since the last build.

    Args:
        jobs: worker processes for extraction (1: in this process).
        dask: a Dask scheduler address, or "local" for a local cluster; extraction runs there.
        full: ignore the cache and extract every document.
        progress: makes the progress bar of extraction.
        extractor: the loaded extractor to use in this process (`jobs` 1), instead of loading one.

    Raises:
        KgError: no readable article, or what extraction, the store or an output raised.
    """
    from kg.parallel import extract_documents

    paths = list(paths)
    report = BuildReport()
    articles = read_articles(paths, report)
    if not articles:
        raise KgError("no readable article in " + ", ".join(paths))
    out = Path(out)
    ontology = ontology_dir()
    fingerprint = pipeline_fingerprint(ontology)
    cached = {} if full else load_cache(out, fingerprint)
    plan = Plan.make(articles, cached)
    report.extracted, report.reused, report.removed = len(plan.to_extract), len(plan.reused), len(plan.removed)
    log.info(
        "%d documents: %d to extract, %d unchanged, %d removed since the last build",
        len(articles),
        report.extracted,
        report.reused,
        report.removed,
    )
    graphs = DocumentGraphs(ontology)
    with progress(len(plan.to_extract), "extracting") as advance:
        extracted = extract_documents(plan.to_extract, jobs=jobs, dask=dask, extractor=extractor, advance=advance)
        fresh: Iterator[DocumentResult] = (graphs.result(article, events) for article, events in extracted)
        results = list(in_corpus_order(articles, plan.reused, fresh))
    events = [event for result in results for event in result.events]
    report.events = len(events)
    with staged_output(out) as stage:
        write_events(events, stage / "events.jsonl")
        text, fact_blocks = graph_trig(results)
        trig = stage / "graph.trig"
        try:
            write_bytes(trig, text.encode("utf-8"))
        except OSError as exc:
            raise OutputError(f"{trig}: cannot write ({exc.strerror or exc})") from None
        del text
        if cached and (out / STORE_DIRNAME).is_dir():
            changed = [r for r in results if r.id not in plan.reused]
            replaced = [r.block.name for r in changed] + [_graph_name(doc_id, cached) for doc_id in plan.removed]
            replaced += [block.name for block in fact_blocks] + _fact_graph_names()
            update_store(out, stage, sorted(set(replaced)), assemble_trig([r.block for r in changed] + fact_blocks))
        else:
            load_store(trig, stage, ontology)
        write_cache_files(stage, fingerprint, results)
        render_graph(stage)
        exports = write_exports(stage)
    log.info(
        "%d documents (%d extracted, %d unchanged), %d events → %s: graph.trig, store/, graph.html and %d exports",
        report.documents,
        report.extracted,
        report.reused,
        report.events,
        out,
        len(exports),
    )
    return report


def _graph_name(doc_id: str, cached: dict[str, DocumentResult]) -> str:
    return cached[doc_id].block.name


def _fact_graph_names() -> list[str]:
    from kg.rdf.namespace import FACTS_GRAPH, SUMMARIES_GRAPH

    return [str(FACTS_GRAPH), str(SUMMARIES_GRAPH)]
