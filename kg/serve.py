"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an offline query page over `OUT/store`.

pyoxigraph cannot cancel a running query, so each query runs in a worker
process holding its own read-only handle on the store: past the timeout the
worker is killed and replaced, and the server keeps answering. A worker checks
before each query whether a build has replaced the store since it opened it, and
opens the new one (kg.store.LatestStore): `kg serve` beside `kg build --watch`
answers from the latest build without a restart. The HTTP side is
the standard library's ThreadingHTTPServer, so serving adds no dependency.
Results are capped at `--max-results` rows (or triples): the rest is cut and
the `Kg-Truncated` response header gives the cap.
"""

from __future__ import annotations

import argparse
import ipaddress
import itertools
import json
import logging
import multiprocessing
import queue
import re
import signal
import socket
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kg.cli_args import positive
from kg.errors import KgError
from kg.queries.page import page_examples
from kg.store import LatestStore, open_store

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger("kg.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_WORKERS = 2
MAX_BODY = 1 << 20  # a query, not a data upload
WORKER_START_TIMEOUT = 60.0
RESPAWN_GRACE = 5.0
TRUNCATED_HEADER = "Kg-Truncated"

# Sent with every response: the page loads nothing but its own files, and results are never sniffed as HTML.
SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)

# The query page: URL path -> (file in kg/web/, content type).
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}

# Media type a client may ask for -> (pyoxigraph format name, content type sent back).
# The order is the server's preference: the first is the default, aliases come last.
RESULT_TYPES: dict[str, tuple[str, str]] = {
    "application/sparql-results+json": ("JSON", "application/sparql-results+json"),
    "application/sparql-results+xml": ("XML", "application/sparql-results+xml"),
    "text/csv": ("CSV", "text/csv; charset=utf-8"),
    "text/tab-separated-values": ("TSV", "text/tab-separated-values; charset=utf-8"),
    "application/json": ("JSON", "application/sparql-results+json"),
    "application/xml": ("XML", "application/sparql-results+xml"),
    "text/xml": ("XML", "application/sparql-results+xml"),
}
GRAPH_TYPES: dict[str, tuple[str, str]] = {
    "text/turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/ld+json": ("JSON_LD", "application/ld+json"),
    "application/n-triples": ("N_TRIPLES", "application/n-triples"),
    "application/rdf+xml": ("RDF_XML", "application/rdf+xml"),
    "application/turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/x-turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/json": ("JSON_LD", "application/ld+json"),
    "application/xml": ("RDF_XML", "application/rdf+xml"),
    "text/xml": ("RDF_XML", "application/rdf+xml"),
}

# What crosses the pipe from a worker: status, content type, body, extra headers (plain tuples pickle anywhere).
Reply = tuple[int, str, bytes, tuple[tuple[str, str], ...]]


class ServeError(KgError):
    """The endpoint cannot start: a busy port, a worker that cannot open the store."""

    code = "E010"


# --- Content negotiation ---------------------------------------------------------------------------------------


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them.

    Each offer takes the q-value of the most specific range matching it
    (`type/subtype` over `type/*` over `*/*`); the highest q wins, ties going
    to the server's order. No Accept header (or an empty one) means the first offer.
    """
    offered = list(offers)
    ranges = _accept_ranges(accept or "")
    if not ranges:
        return offered[0] if offered else None
    best, best_q = None, 0.0
    for offer in offered:
        q = _quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def _accept_ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        if media == "*":
            media = "*/*"
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((main.strip(), sub.strip(), q))
    return ranges


def _quality(offer: str, ranges: Sequence[tuple[str, str, float]]) -> float:
    main, _, sub = offer.partition("/")
    specificity, quality = -1, 0.0
    for range_main, range_sub, q in ranges:
        if (range_main, range_sub) == (main, sub):
            rank = 2
        elif range_main == main and range_sub == "*":
            rank = 1
        elif (range_main, range_sub) == ("*", "*"):
            rank = 0
        else:
            continue
        if rank > specificity:
            specificity, quality = rank, q
    return quality


# --- Query checks made before a worker sees the text --------------------------------------------------------------

# Strings, IRIs and comments, blanked so a keyword inside them is not taken for one.
_NOISE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_PROLOGUE = re.compile(r"\s*(?:BASE\b|PREFIX\s+[^\s:]*:)", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
# Not a variable (?service), a prefixed name (ex:service) or part of a longer word.
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)

READ_ONLY_MESSAGE = "kg serve is read-only: SPARQL updates are refused"


def refusal(query: str) -> str | None:
    """Why a query text is refused before it runs (an update, or SERVICE), else None.

    The store is opened read-only, so this is about a clear 403 rather than
    safety; SERVICE is refused because pyoxigraph would fetch the remote
    endpoint, and the server makes no outbound request.
    """
    bare = _NOISE.sub(" ", query)
    position = 0
    while match := _PROLOGUE.match(bare, position):
        position = match.end()
    first = _FIRST_WORD.match(bare, position)
    if first and first.group(1).upper() in _UPDATE_KEYWORDS:
        return READ_ONLY_MESSAGE
    if _SERVICE.search(bare):
        return "SERVICE is disabled: kg serve makes no outbound requests"
    return None


def _prefixes(query: str) -> dict[str, str]:
    """The query's own PREFIX declarations, reused to abbreviate Turtle output."""
    return {name or "": iri for name, iri in _PREFIX_DECL.findall(_strip_comments(query)) if iri}


def _strip_comments(query: str) -> str:
    return re.sub(r"(?m)^\s*#[^\n]*$", "", query)


# --- Worker side: runs in a spawned process ----------------------------------------------------------------------


def _text(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), headers


def _not_acceptable(types: Mapping[str, tuple[str, str]]) -> Reply:
    return _text(406, "none of the accepted media types can be served here; available: " + ", ".join(types))


def _term(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format (with SPARQL-star triples)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {"subject": _term(term.subject), "predicate": _term(term.predicate), "object": _term(term.object)},
        }
    literal: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        literal["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        literal["datatype"] = term.datatype.value
    return literal


def evaluate(store: pyoxigraph.Store, request: Mapping[str, Any]) -> Reply:
    """Run one query and serialise its (capped) results in the negotiated format.

    Evaluation is lazy in pyoxigraph, so rows are pulled here, inside the
    worker, where the parent's timeout covers them. Solutions are written as
    SPARQL JSON and converted by pyoxigraph for the other formats, which keeps
    one code path for the cap.
    """
    import pyoxigraph as ox

    accept, cap = request["accept"], request["max_results"]
    dataset: dict[str, Any] = {}
    if request["default_graphs"] or request["named_graphs"]:
        try:
            dataset["default_graph"] = [ox.NamedNode(iri) for iri in request["default_graphs"]]
            dataset["named_graphs"] = [ox.NamedNode(iri) for iri in request["named_graphs"]]
        except ValueError as exc:
            return _text(400, f"bad graph IRI: {exc}")
    try:
        result = store.query(request["query"], **dataset)
        if isinstance(result, ox.QueryBoolean):
            chosen = negotiate(accept, RESULT_TYPES)
            if chosen is None:
                return _not_acceptable(RESULT_TYPES)
            name, content_type = RESULT_TYPES[chosen]
            return 200, content_type, result.serialize(format=getattr(ox.QueryResultsFormat, name)) or b"", ()
        if isinstance(result, ox.QuerySolutions):
            chosen = negotiate(accept, RESULT_TYPES)
            if chosen is None:
                return _not_acceptable(RESULT_TYPES)
            name, content_type = RESULT_TYPES[chosen]
            variables = [variable.value for variable in result.variables]
            rows = list(itertools.islice(result, cap + 1))
            bindings = [
                {var: _term(value) for var in variables if (value := row[var]) is not None} for row in rows[:cap]
            ]
            body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
            data = body.encode("utf-8")
            if name != "JSON":
                solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
                data = solutions.serialize(format=getattr(ox.QueryResultsFormat, name)) or b""
            return 200, content_type, data, _truncation(len(rows) > cap, cap)
        chosen = negotiate(accept, GRAPH_TYPES)
        if chosen is None:
            return _not_acceptable(GRAPH_TYPES)
        name, content_type = GRAPH_TYPES[chosen]
        triples = list(itertools.islice(result, cap + 1))
        graph = ox.serialize(triples[:cap], format=getattr(ox.RdfFormat, name), prefixes=_prefixes(request["query"]))
        return 200, content_type, graph or b"", _truncation(len(triples) > cap, cap)
    except SyntaxError as exc:
        return _text(400, f"malformed query: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return _text(500, f"query failed: {exc}")


def _truncation(truncated: bool, cap: int) -> tuple[tuple[str, str], ...]:
    return ((TRUNCATED_HEADER, str(cap)),) if truncated else ()


def _worker_main(conn: Connection, out: str) -> None:
    """Answer queries from one pipe until the parent closes it (or kills this process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        store = LatestStore(Path(out))  # a rebuild of OUT is answered from as soon as it is in
    except KgError as exc:
        conn.send(("failed", exc.message))
        return
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(evaluate(store.current(), request))


# --- Parent side: the pool of workers ----------------------------------------------------------------------------


class _Worker:
    """One spawned process with the store open, and the parent's end of its pipe."""

    def __init__(self, context: Any, out: Path) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(out)), name="kg-serve-query", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            raise ServeError(f"a query worker did not start within {timeout:g} s")
        try:
            state, message = self.conn.recv()
        except EOFError:
            raise ServeError("a query worker stopped while opening the store") from None
        if state != "ready":
            raise ServeError(message)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)
        self.conn.close()


class QueryPool:
    """Worker processes with the store open read-only; a query past its time kills its worker, which is replaced."""

    def __init__(self, out: Path, size: int) -> None:
        self.out, self.size = out, size
        # spawn, not fork: the parent runs threads, and a fresh interpreter holds no copy of their locks.
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._spawn() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(WORKER_START_TIMEOUT)
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.out)
        with self._lock:
            self._live.add(worker)
        return worker

    def run(self, request: Mapping[str, Any], timeout: float) -> Reply:
        """The worker's reply, or a 503 when no worker is free in time or the query runs past `timeout`."""
        # A busy worker frees up within `timeout` (it answers or is killed); a killed one needs a moment to respawn.
        try:
            worker = self._idle.get(timeout=timeout + RESPAWN_GRACE)
        except queue.Empty:
            return _text(503, f"no query worker became free within {timeout + RESPAWN_GRACE:g} s; try again later")
        try:
            worker.conn.send(dict(request))
            if worker.conn.poll(timeout):
                reply: Reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
            log.warning("query timed out after %g s; its worker is replaced", timeout)
            reply = _text(503, f"query timed out after {timeout:g} s (kg serve --timeout)")
        except (EOFError, OSError):
            log.error("a query worker stopped unexpectedly; it is replaced")
            reply = _text(500, "the query worker stopped unexpectedly")
        self._retire(worker)
        return reply

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background, so the error reply is not delayed."""
        with self._lock:
            self._live.discard(worker)
        worker.stop()
        threading.Thread(target=self._replace, name="kg-serve-respawn", daemon=True).start()

    def _replace(self) -> None:
        with self._lock:
            if self._closed:
                return
        worker = self._spawn()
        try:
            worker.wait_ready(WORKER_START_TIMEOUT)
        except ServeError as exc:
            log.error("cannot replace a query worker: %s", exc.message)
            with self._lock:
                self._live.discard(worker)
            worker.stop()
            return
        with self._lock:
            closed = self._closed
        if closed:
            worker.stop()
        else:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker, busy or idle."""
        with self._lock:
            self._closed = True
            workers, self._live = list(self._live), set()
        for worker in workers:
            worker.stop()


# --- HTTP ---------------------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        pool: QueryPool | None,
        timeout: float,
        max_results: int,
        examples: bytes,
        allowed_hosts: frozenset[str] | None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.pool = pool
        self.query_timeout = timeout
        self.max_results = max_results
        self.examples = examples
        self.allowed_hosts = allowed_hosts


class _Handler(BaseHTTPRequestHandler):
    """Routes: the query page and its files, /examples.json, and the SPARQL endpoint at /sparql."""

    server: _Server
    server_version = "kg-serve"
    sys_version = ""
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s: %(explain)s\n"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if not self._host_allowed():
            return
        if url.path == "/sparql":
            self._sparql(parse_qs(url.query, keep_blank_values=True))
        elif url.path in STATIC:
            name, content_type = STATIC[url.path]
            body = resources.files("kg").joinpath("web", name).read_bytes()
            self._send(200, content_type, body, (("Cache-Control", "no-cache"),))
        elif url.path == "/examples.json":
            self._send(200, "application/json", self.server.examples, (("Cache-Control", "no-cache"),))
        elif url.path == "/favicon.ico":
            self._send(204, "image/x-icon", b"")
        else:
            self._send(*_text(404, f"{url.path}: not found (the endpoint is /sparql, the query page /)"))

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if not self._host_allowed():
            return
        if url.path != "/sparql":
            self._send(*_text(404 if url.path not in STATIC else 405, f"{url.path}: POST goes to /sparql"))
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send(*_text(411, "a POST needs a Content-Length"))
            return
        if int(length) > MAX_BODY:
            self._send(*_text(413, f"request body over {MAX_BODY} bytes"))
            return
        body = self.rfile.read(int(length))
        params = parse_qs(url.query, keep_blank_values=True)
        content_type = self.headers.get_content_type()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._send(*_text(400, "the request body is not UTF-8"))
            return
        if content_type == "application/x-www-form-urlencoded":
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [text]
        elif content_type == "application/sparql-update":
            self._send(*_text(403, READ_ONLY_MESSAGE))
            return
        else:
            self._send(
                *_text(415, f"{content_type}: send application/sparql-query or application/x-www-form-urlencoded")
            )
            return
        self._sparql(params)

    def _sparql(self, params: Mapping[str, list[str]]) -> None:
        if "update" in params:
            self._send(*_text(403, READ_ONLY_MESSAGE))
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            message = "no query: send query=… (the query page is at /)" if not queries else "send exactly one query"
            self._send(*_text(400, message))
            return
        reason = refusal(queries[0])
        if reason:
            self._send(*_text(403, reason))
            return
        if self.server.pool is None:
            self._send(*_text(503, "the server is stopping"))
            return
        request = {
            "query": queries[0],
            "accept": self.headers.get("Accept"),
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
            "max_results": self.server.max_results,
        }
        status, content_type, body, headers = self.server.pool.run(request, self.server.query_timeout)
        self._send(status, content_type, body, (("Cache-Control", "no-store"), ("Vary", "Accept"), *headers))

    def _host_allowed(self) -> bool:
        """Bound to loopback, answer only loopback host names: a web page cannot reach us by DNS rebinding."""
        allowed = self.server.allowed_hosts
        host = (self.headers.get("Host") or "").strip().lower()
        if allowed is None or not host:
            return True
        name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        if name in allowed or _is_loopback(name):
            return True
        self._send(*_text(403, f"Host {host!r} is not a loopback name; use 127.0.0.1 or localhost"))
        return False

    def _send(self, status: int, content_type: str, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.info("%s: the client went away", self.address_string())

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        line = self.requestline if len(self.requestline) <= 200 else self.requestline[:197] + "..."
        log.info('%s "%s" %s', self.address_string(), line, code)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        log.info("%s %s", self.address_string(), format % args)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(
    out: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Serve `OUT/store` until Ctrl-C or SIGTERM, then stop the workers and return.

    Raises:
        ServeError (or kg.store's error): no store, the port cannot be bound,
            a worker cannot open the store.
    """
    open_store(out)  # the one-line error for a missing store, before anything starts
    loopback = _is_loopback(host)
    try:
        hosts = frozenset({host}) if loopback else None
        server = _Server((host, port), None, timeout, max_results, page_examples(), hosts)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    # Installed explicitly: a shell starting us in the background would otherwise leave SIGINT ignored.
    previous = {signum: signal.signal(signum, _raise_interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    pool = None
    try:
        pool = server.pool = QueryPool(out, workers)
        bound_host, bound_port = str(server.server_address[0]), server.server_address[1]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if not loopback:
            log.warning("listening on %s: the endpoint is reachable from other machines", host)
        log.info("serving %s at http://%s:%s/ (SPARQL at /sparql; Ctrl-C stops)", out, shown, bound_port)
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        server.pool = None
        server.server_close()
        if pool is not None:
            pool.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --- Command line -------------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    """Handler of `kg serve`: one log line per request, exit 0 on Ctrl-C."""
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    serve(Path(args.graph), args.host, args.port, args.timeout, args.max_results, args.workers)
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `serve` sub-command (arguments and handler) on a `kg` argument parser's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the graph as a read-only SPARQL endpoint with a query page",
        description="Serve OUT/store (made by kg build) as a read-only SPARQL 1.1 Protocol endpoint at /sparql, "
        "with a query page at /. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    parser.add_argument("--graph", default="out", help="output folder of kg build (default: out/)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=DEFAULT_TIMEOUT,
        help=f"seconds a query may run, serialisation included (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-results",
        type=positive(int),
        default=DEFAULT_MAX_RESULTS,
        help=f"rows or triples returned at most; more are cut, with a {TRUNCATED_HEADER} header "
        f"(default: {DEFAULT_MAX_RESULTS})",
    )
    parser.add_argument(
        "--workers",
        type=positive(int),
        default=DEFAULT_WORKERS,
        help=f"query worker processes, i.e. queries run at once (default: {DEFAULT_WORKERS})",
    )
    parser.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m kg.serve ARGS` is `kg serve ARGS`."""
    top = argparse.ArgumentParser(prog="kg")
    add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(level=logging.INFO, format="kg: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args))
    except KgError as exc:
        print(f"kg: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy, so the worker function pickles as kg.serve._worker_main.
    from kg import serve as _serve

    sys.exit(_serve.main())
