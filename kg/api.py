"""The public API: extract events from sources and build the graph, as the CLI and notebooks call them."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kg.errors import OutputError, SourceError
from kg.files import atomic_write, swap_folder, temporary_folder
from kg.model import Article, Event
from kg.paths import ontology_dir

if TYPE_CHECKING:
    from kg.graph_reader import GraphEvents
    from kg.queries import NamedQuery

log = logging.getLogger("kg")


@dataclass
class Report:
    """What a run did: documents read, problems met, events found."""

    documents: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


def load_extractor(ontology: Path | None = None):  # type: ignore[no-untyped-def]
    """The model, vocabularies and rules, loaded once (heavy: spaCy is imported here)."""
    from kg.events import Extractor
    from kg.nlp.pipeline import load_model
    from kg.rules.loader import load_rules
    from kg.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ontology or ontology_dir())
    return Extractor(load_model(), vocabulary, load_rules())


def read_articles(paths: Iterable[str | Path], report: Report) -> list[Article]:
    """All readable articles; each unreadable one is logged as one line and skipped."""
    from kg.sources import read_sources

    def problem(error: SourceError) -> None:
        report.problems.append(error.message)
        log.error("%s", error.message)

    articles = list(read_sources(paths, on_error=problem))
    report.documents = len(articles)
    return articles


def extract_events(
    articles: list[Article],
    extractor: object | None = None,
    advance: Callable[[], None] | None = None,
) -> list[Event]:
    """Events of the articles, in document order; `advance` is called once per finished article."""
    from kg.events import Extractor

    engine = extractor if isinstance(extractor, Extractor) else load_extractor()
    return list(engine.extract(articles, advance=advance))


def write_events(events: Iterable[Event], path: Path) -> None:
    """Events as JSONL in the guidelines' schema, atomically."""
    try:
        with atomic_write(path) as handle:
            for event in events:
                handle.write(event.to_line() + "\n")  # type: ignore[attr-defined]
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover_stale_builds(out: Path) -> None:
    """Remove what builds into `out` killed half way left beside it; put back an OUT caught between two renames."""
    prefix = f".{out.name}.build-"
    for leftover in sorted(out.parent.glob(f"{prefix}*")):
        pid = leftover.name.removeprefix(prefix).split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)) and int(pid) != os.getpid():
            continue
        if leftover.name.endswith(".old") and not out.exists():
            os.replace(leftover, out)  # killed after OUT was moved aside, before the new one was renamed in
        else:
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A fresh folder beside OUT for a build to fill, swapped in as OUT only once everything is written.

    A build that fails or is killed (even by SIGKILL) leaves OUT exactly as it was; the next build removes the
    leftover `.OUT.build-<pid>.….tmp` folder. Files in OUT that a build does not write (an analyst's own) are
    copied into the new OUT. When OUT is a symbolic link or holds the current folder, it is written in place.

    Raises:
        OutputError: the folder beside OUT cannot be created, or OUT cannot be replaced.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: not a folder")
    if out.is_symlink() or Path.cwd().is_relative_to(out.resolve()):
        # OUT is a link, or the folder the analyst stands in: it cannot be renamed away, so write in place
        # (each file still atomically).
        out.mkdir(parents=True, exist_ok=True)
        yield out
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _recover_stale_builds(out)
        stage = temporary_folder(out.parent, f"{out.name}.build-{os.getpid()}")
    except OSError as exc:
        raise OutputError(f"{out}: cannot prepare the output folder ({exc.strerror or exc})") from None
    try:
        yield stage
        if out.is_dir():
            for entry in out.iterdir():
                if (stage / entry.name).exists() or entry.name.endswith(".tmp"):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, stage / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry, stage / entry.name, follow_symlinks=False)
        swap_folder(stage, out)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def build_graph(articles: list[Article], events: list[Event], out: Path, ontology: Path | None = None) -> Path:
    """Write `OUT/graph.trig` (one named graph per document), deterministic and atomic."""
    from kg.rdf import build_dataset, write_trig
    from kg.vocabulary import vocabulary_graph

    dataset = build_dataset(articles, events, vocabulary_graph(ontology or ontology_dir()))
    path = out / "graph.trig"
    try:
        write_trig(dataset, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def build_store(out: Path, graph: Path | None = None, ontology: Path | None = None) -> Path:
    """Load `OUT/graph.trig` and the vocabularies into the Oxigraph store `OUT/store`, swapped in whole."""
    from kg.store import build_store as build

    return build(graph or out / "graph.trig", out, ontology or ontology_dir())


def open_store(out: Path):  # type: ignore[no-untyped-def]
    """The store `OUT/store`, read-only (pyoxigraph is imported here)."""
    from kg.store import open_store as open_read_only

    return open_read_only(out)


def render_graph(out: Path, output: Path | None = None, graph: GraphEvents | None = None) -> Path:
    """Write the HTML explorer of the store `OUT/store` to `output` (default `OUT/graph.html`), atomically.

    The page is one self-contained file: it loads nothing, so it opens offline and can be mailed as is.
    `graph`, the shared read of the store's events (`kg.graph_reader`), is reused when given: `kg build` reads
    it once for the explorer and the exports.

    Raises:
        StoreError: no store under `out`, or it cannot be read.
        OutputError: the page cannot be written.
    """
    from kg.render import read_explorer_data, render_html

    data = read_explorer_data(open_store(out), graph)
    page = render_html(data)
    path = output or Path(out) / "graph.html"
    try:
        with atomic_write(path) as handle:
            handle.write(page)  # type: ignore[attr-defined]
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    log.info("%d actors, %d events → %s", len(data.actors), len(data.events), path)
    return path


def write_exports(
    out: Path, formats: Sequence[str] | None = None, graph: GraphEvents | None = None, trig: Path | None = None
) -> list[Path]:
    """Write the file exports `formats` of `OUT/store` beside the graph; by default every one: OUT/neo4j/,
    graph.gexf, graph.graphml, facts.csv, graph.ttl, graph.nt, graph.jsonld (kg.export.write_exports).
    `graph`, the shared read of the store's events, is reused when given (as by `render_graph`); the RDF
    formats are read from `trig`, the TriG file the store was loaded from, when given.

    Raises:
        StoreError: no store under `out`, or it cannot be read.
        OutputError: an export cannot be written.
    """
    from kg.export import BUILD_FORMATS
    from kg.export import write_exports as write

    return write(Path(out), BUILD_FORMATS if formats is None else formats, graph, trig)


def named_queries() -> list[NamedQuery]:
    """The named queries shipped in `kg/queries/`, sorted by name."""
    from kg.queries import load_named_queries

    return load_named_queries()


def bind_query(spec: str, params: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The name and the plain SPARQL text of QUERY (a name, a `.rq` file or SPARQL text) with `params` bound."""
    from kg.query import resolve_query

    named = resolve_query(spec)
    return named.name, named.bind(params)


def query(
    out: Path,
    spec: str,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    stream: IO[str] | None = None,
    allow_service: bool = False,
) -> int | None:
    """Run QUERY with `params` on `OUT/store` and write the results to `stream` (stdout by default).

    The query is bound before the store is opened, so a bad parameter is reported even without a store.
    SERVICE (a request to a remote endpoint) is refused unless `allow_service`.
    Returns the number of rows written, None when the format does not count them.
    """
    import sys

    from kg.queries import check_actors
    from kg.query import resolve_query, run_query, write_results

    named = resolve_query(spec)
    name, sparql = named.name, named.bind(params)
    store = open_store(out)
    # An actor that names nothing is said so, with the closest names, rather than an empty table.
    check_actors(store, named, params)
    target = stream or sys.stdout
    results = run_query(store, sparql, origin=name, allow_service=allow_service)
    terminal = bool(getattr(target, "isatty", lambda: False)())
    return write_results(results, fmt, target, terminal=terminal, origin=name)
