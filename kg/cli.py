"""Command line: arguments in, calls to `kg.api` out, errors turned into one line on stderr.

Exit codes: 0 success; 1 some inputs could not be read (the rest was processed);
2 usage or configuration error (bad rule file, ontology, output path, malformed query, no store).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg import __version__
from kg.cli_args import positive
from kg.errors import KgError
from kg.export import add_parser as add_export_parser
from kg.serve import add_parser as add_serve_parser

EXIT_OK, EXIT_INPUT_PROBLEMS, EXIT_ERROR = 0, 1, 2
log = logging.getLogger("kg")


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[], None] | None]:
    """A rich progress bar on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty() or total <= 1:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def cmd_extract(args: argparse.Namespace) -> int:
    from kg import api
    from kg.parallel import extract_documents

    report = api.Report()
    articles = api.read_articles(args.paths, report)
    if not articles:
        raise KgError("no readable article in " + ", ".join(args.paths))
    with progress_bar(len(articles), "extracting") as advance:
        extracted = extract_documents(articles, jobs=args.jobs, dask=args.dask, advance=advance)
        events = [event for _, found in extracted for event in found]
    report.events = len(events)
    if args.output in (None, "-"):
        for event in events:
            sys.stdout.write(event.to_line() + "\n")
    else:
        api.write_events(events, Path(args.output))
    log.info("%d documents, %d events", report.documents, report.events)
    return EXIT_INPUT_PROBLEMS if report.problems else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build

    if args.watch:
        return _watch(args)
    if args.interval is not None:
        raise KgError("--interval: only with --watch")
    report = build(args.paths, Path(args.output), jobs=args.jobs, dask=args.dask, full=args.full, progress=progress_bar)
    return EXIT_INPUT_PROBLEMS if report.problems else EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    """`kg build --watch`: rebuild on every change until Ctrl-C; start afresh when kg itself changed."""
    from kg.watch import DEFAULT_INTERVAL, watch

    def notify(line: str) -> None:
        print(f"kg: {line}", file=sys.stderr, flush=True)

    try:
        restart = watch(
            args.paths,
            Path(args.output),
            jobs=args.jobs,
            dask=args.dask,
            full=args.full,
            interval=args.interval or DEFAULT_INTERVAL,
            progress=progress_bar,
            notify=notify,
        )
    except KeyboardInterrupt:
        notify("stopped watching")
        return EXIT_OK
    if restart:
        # The same command in a fresh interpreter: the new code, rules and ontology, and the model loaded again.
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from kg import api

    api.render_graph(Path(args.graph), Path(args.output) if args.output else None)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Dataset

    from kg.paths import ontology_dir
    from kg.rdf import validate

    path = Path(args.graph) / "graph.trig" if Path(args.graph).is_dir() else Path(args.graph)
    if not path.is_file():
        raise KgError(f"{path}: no graph here (run kg build first)")
    dataset = Dataset()
    dataset.parse(path, format="trig")
    conforms, text = validate(dataset, ontology_dir())
    if conforms:
        print(f"{path}: conforms to the shapes")
        return EXIT_OK
    print(text)
    return EXIT_INPUT_PROBLEMS


def cmd_query(args: argparse.Namespace) -> int:
    from kg import api
    from kg.query import parse_params

    params = parse_params(args.param)
    if args.print:
        sys.stdout.write(api.bind_query(args.query, params)[1])
        return EXIT_OK
    rows = api.query(Path(args.graph), args.query, params, fmt=args.format, allow_service=args.allow_service)
    if rows is not None:
        log.info("%d rows", rows)
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    from kg import api

    queries = api.named_queries()
    width = max((len(q.name) for q in queries), default=0)
    for named in queries:
        print(f"{named.name:<{width}}  {named.description}")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from kg.rules.loader import load_rules

    for rule in load_rules():
        print(f"{rule.id}\t{rule.relation}\t{rule.description}")
    return EXIT_OK


def _add_work_arguments(command: argparse.ArgumentParser) -> None:
    """--jobs and --dask: where parsing and extraction run (the output is the same either way)."""
    command.add_argument(
        "-j",
        "--jobs",
        type=positive(),
        default=os.cpu_count() or 1,
        help="processes that parse and extract (default: the number of cores, %(default)s here)",
    )
    command.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="parse and extract on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for one here",
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kg", description="Knowledge graphs of arms transfers from French news.")
    top.add_argument("--version", action="version", version=f"kg {__version__}")
    top.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = top.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract events from articles as JSONL")
    extract.add_argument(
        "paths", nargs="+", help=".txt, .jsonl, .html/.htm, .txt.gz, .jsonl.gz files or folders of them"
    )
    extract.add_argument("-o", "--output", help="JSONL file to write (default: stdout)")
    _add_work_arguments(extract)
    extract.set_defaults(func=cmd_extract)

    build = sub.add_parser(
        "build",
        help="extract events, build the RDF graph, its SPARQL store, the HTML explorer and the exports in OUT/",
    )
    build.add_argument("paths", nargs="+", help=".txt, .jsonl, .html/.htm, .txt.gz, .jsonl.gz files or folders of them")
    build.add_argument("-o", "--output", default="out", help="output folder (default: out/)")
    _add_work_arguments(build)
    build.add_argument(
        "--full", action="store_true", help="extract every document again, ignoring what the last build kept"
    )
    build.add_argument(
        "--watch",
        action="store_true",
        help="stay up, the model loaded, and build again whenever a source changes (Ctrl-C to stop)",
    )
    build.add_argument(
        "--interval",
        type=positive(float),
        metavar="SECONDS",
        help="with --watch: seconds between two looks at the sources (default: 1)",
    )
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser("validate", help="check a built graph against the SHACL shapes")
    validate.add_argument("--graph", default="out", help="output folder or TriG file (default: out/)")
    validate.set_defaults(func=cmd_validate)

    query = sub.add_parser(
        "query",
        help="run a SPARQL query on the store: a named query, a .rq file or SPARQL text",
        description="Run a SPARQL query on OUT/store. QUERY is a named query (see kg queries), a path to a .rq "
        "file, or SPARQL text. Parameters of a named query are $name variables, bound with --param NAME=VALUE.",
    )
    query.add_argument("query", metavar="QUERY", help="a named query, a .rq file or SPARQL text")
    query.add_argument("--graph", default="out", help="output folder of kg build, holding store/ (default: out/)")
    query.add_argument(
        "--format",
        choices=["table", "csv", "tsv", "json"],
        default="table",
        help="table (default), csv, tsv or json (SPARQL 1.1 JSON); CONSTRUCT/DESCRIBE give Turtle or N-Triples",
    )
    query.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a parameter of the query (repeatable)"
    )
    query.add_argument("--print", action="store_true", help="print the SPARQL with parameters bound, do not run it")
    query.add_argument(
        "--allow-service",
        action="store_true",
        help="let SERVICE clauses query remote endpoints (refused by default: the query would make network requests)",
    )
    query.set_defaults(func=cmd_query)

    render = sub.add_parser(
        "render",
        help="write the interactive HTML explorer of the graph (one offline file)",
        description="Write OUT/graph.html (or FILE): the graph drawn with vis-network, with filters, a search box and "
        "the evidence of each actor and edge. The file is self-contained and loads nothing from the network.",
    )
    render.add_argument("--graph", default="out", help="output folder of kg build, holding store/ (default: out/)")
    render.add_argument("-o", "--output", metavar="FILE", help="HTML file to write (default: OUT/graph.html)")
    render.set_defaults(func=cmd_render)

    queries = sub.add_parser("queries", help="list the named queries: name and description")
    queries.set_defaults(func=cmd_queries)
    add_serve_parser(sub)
    add_export_parser(sub)

    rules = sub.add_parser("rules", help="list the extraction rules")
    rules.set_defaults(func=cmd_rules)
    return top


# Libraries kg drives that log on their own through the root logger: Dask's scheduler announces every worker
# at INFO (its loggers are set to INFO when it is imported, after kg set up logging), and a cluster shut down
# while a connection is still sending logs a traceback. kg reports what goes wrong there itself, in one line.
DEPENDENCY_LOGGERS = ("distributed", "tornado", "bokeh", "asyncio")


class DependencyLogFilter(logging.Filter):
    """Lets kg's own records through; of the libraries', only warnings and errors, with -v, and on one line."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] not in DEPENDENCY_LOGGERS:
            return True
        if not self.verbose or record.levelno < logging.WARNING:
            return False
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg, record.args = " ".join(record.getMessage().split()), None
        return True


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.addFilter(DependencyLogFilter(args.verbose))
    # A no-op when logging is set up already (kg.cli.main called by a program that did).
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="kg: %(message)s", handlers=[stderr]
    )
    try:
        return int(args.func(args))
    except KgError as exc:
        print(f"kg: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader stopped early (kg query … | head): not an error; keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
