"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an offline query page over `OUT/store`.

pyoxigraph cannot cancel a running query, so each query runs in a worker
process holding its own read-only handle on the store: past the timeout the
worker is killed and replaced, and the server keeps answering. Each worker's
address space is capped (`--memory`, `RLIMIT_AS`): a query that needs more
kills only its worker, and is answered 503. A worker checks before each query
whether a build has replaced the store since it opened it, and opens the new
one (kg.store.LatestStore): `kg serve` beside `kg build --watch` answers from
the latest build without a restart.

Queries are checked before they run (kg.sparql_policy): no update, no SERVICE
(decided on the parsed query), no nesting deep enough to crash the parser.

The HTTP side is a small ASGI application under uvicorn (h11): one event loop
holds any number of idle or slow connections without a thread each, a request
must arrive within REQUEST_TIMEOUT of connecting and a body within
REQUEST_TIMEOUT of its headers, idle keep-alive connections close after
KEEP_ALIVE seconds, and the listen backlog is BACKLOG. Queries beyond the
workers wait in a queue of `--queue` places; past that, 503 at once.
Results are capped at `--max-results` rows (or triples): the rest is cut and
the `Kg-Truncated` response header gives the cap. Cross-origin reads are off
unless `--cors ORIGIN…` names the pages allowed to make them.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import ipaddress
import itertools
import json
import logging
import multiprocessing
import queue
import re
import resource
import signal
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kg.cli_args import positive
from kg.errors import KgError
from kg.queries.page import page_examples
from kg.sparql_policy import READ_ONLY_MESSAGE, QueryRefused, check
from kg.store import LatestStore, open_store

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger("kg.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_WORKERS = 2
DEFAULT_QUEUE = 16
DEFAULT_MEMORY = 1024  # MiB of address space per worker, on top of what it holds once the store is open
MAX_BODY = 1 << 20  # a query, not a data upload
WORKER_START_TIMEOUT = 60.0
RESPAWN_GRACE = 5.0
REQUEST_TIMEOUT = 10.0  # from connecting to a complete request head, and from the head to the end of the body
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept
BACKLOG = 1024
TRUNCATED_HEADER = "Kg-Truncated"
SPARQL_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
PAGE_METHODS = ("GET", "HEAD", "OPTIONS")

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


# --- Query checks ---------------------------------------------------------------------------------------------

_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)


def refusal(query: str) -> str | None:
    """Why a query is refused before it runs (an update, SERVICE, too deep a nesting), else None."""
    try:
        check(query)
    except QueryRefused as exc:
        return exc.message
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
    """Check one query, run it and serialise its (capped) results in the negotiated format.

    Evaluation is lazy in pyoxigraph, so rows are pulled here, inside the
    worker, where the parent's timeout covers them. Solutions are written as
    SPARQL JSON and converted by pyoxigraph for the other formats, which keeps
    one code path for the cap. Relative IRIs resolve against the endpoint's
    URL (`base`); a DESCRIBE with no dataset given reads the union of the
    named graphs, where all of kg's data is.
    """
    import pyoxigraph as ox

    try:
        form = check(request["query"]).form
    except QueryRefused as exc:
        return _text(exc.status, exc.message)
    accept, cap = request["accept"], request["max_results"]
    options: dict[str, Any] = {"base_iri": request.get("base")}
    if request["default_graphs"] or request["named_graphs"]:
        try:
            options["default_graph"] = [ox.NamedNode(iri) for iri in request["default_graphs"]]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in request["named_graphs"]]
        except ValueError as exc:
            return _text(400, f"bad graph IRI: {exc}")
    elif form == "DESCRIBE":
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(request["query"], **options)
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


def _memory_reply(memory: int) -> Reply:
    return _text(503, f"the query needed more memory than a query worker may use ({memory} MiB, kg serve --memory)")


def _address_space() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def limit_memory(extra_mib: int) -> None:
    """Cap this process's address space at its current size plus `extra_mib` MiB (Linux; elsewhere, no cap)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + extra_mib * (1 << 20)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError) as exc:
        log.warning("cannot cap the query workers' memory: %s", exc)


def _worker_main(conn: Connection, out: str, memory: int) -> None:
    """Answer queries from one pipe until the parent closes it (or kills this process).

    Each answer is (reply, alive): after a MemoryError the worker answers, then
    stops, since whatever failed to allocate may have left the store's handle
    half-built; the parent replaces it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        store = LatestStore(Path(out))  # a rebuild of OUT is answered from as soon as it is in
        check("ASK { SERVICE <urn:x:warm-up> {} }", allow_service=True)  # rdflib's parser, imported before the cap
    except KgError as exc:
        conn.send(("failed", exc.message))
        return
    limit_memory(memory)
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = evaluate(store.current(), request)
        except MemoryError:
            reply = _memory_reply(memory)
            conn.send((reply, False))
            return
        conn.send((reply, True))


# --- Parent side: the pool of workers ----------------------------------------------------------------------------


class _Worker:
    """One spawned process with the store open, and the parent's end of its pipe."""

    def __init__(self, context: Any, out: Path, memory: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, str(out), memory), name="kg-serve-query", daemon=True
        )
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

    def __init__(self, out: Path, size: int, memory: int = DEFAULT_MEMORY) -> None:
        self.out, self.size, self.memory = out, size, memory
        # spawn, not fork: the parent runs threads, and a fresh interpreter holds no copy of their locks.
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()  # None: the pool is closed
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
        worker = _Worker(self._context, self.out, self.memory)
        with self._lock:
            self._live.add(worker)
        return worker

    def run(self, request: Mapping[str, Any], timeout: float) -> Reply:
        """The worker's reply; 503 when no worker is free in time, or the query runs past `timeout` or out of memory."""
        # A busy worker frees up within `timeout` (it answers or is killed); a killed one needs a moment to respawn.
        try:
            worker = self._idle.get(timeout=timeout + RESPAWN_GRACE)
        except queue.Empty:
            return _text(503, f"no query worker became free within {timeout + RESPAWN_GRACE:g} s; try again later")
        if worker is None:  # closed: pass the word on to the next waiting thread
            self._idle.put(None)
            return _text(503, "the server is stopping")
        try:
            worker.conn.send(dict(request))
            if worker.conn.poll(timeout):
                reply, alive = worker.conn.recv()
                if alive:
                    self._idle.put(worker)
                    return reply
                log.warning("a query ran out of memory (%d MiB); its worker is replaced", self.memory)
            else:
                log.warning("query timed out after %g s; its worker is replaced", timeout)
                reply = _text(503, f"query timed out after {timeout:g} s (kg serve --timeout)")
        except (EOFError, OSError):
            with self._lock:
                closed = self._closed
            reply = _text(503, "the server is stopping") if closed else self._death_reply(worker)
        self._retire(worker)
        return reply

    def _death_reply(self, worker: _Worker) -> Reply:
        """Why a worker died mid-query: an allocation past RLIMIT_AS aborts it (SIGABRT) from Rust or C++ code."""
        worker.process.join(1)
        code = worker.process.exitcode
        if code in (-signal.SIGABRT, -signal.SIGKILL):  # SIGKILL: the kernel's OOM killer
            log.warning(
                "a query worker died (%s), most likely out of memory; it is replaced", signal.Signals(-code).name
            )
            return _memory_reply(self.memory)
        log.error("a query worker stopped unexpectedly (exit code %s); it is replaced", code)
        return _text(500, "the query worker stopped unexpectedly")

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
            with self._lock:
                self._live.discard(worker)
                closed = self._closed
            if not closed:  # else it was stopped on purpose, while it started
                log.error("cannot replace a query worker: %s", exc.message)
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
        self._idle.put(None)  # wakes the threads waiting for a worker


# --- HTTP: an ASGI application ----------------------------------------------------------------------------------

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_AUTHORITY = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


class _Disconnected(Exception):
    """The client went away before its request was read."""


class _SlowBody(Exception):
    """The request body did not arrive within REQUEST_TIMEOUT of its head."""


class _Request:
    """What the app reads of one ASGI HTTP request."""

    def __init__(self, scope: Mapping[str, Any]) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: str = scope["query_string"].decode("latin-1")
        self.headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text
        self.server: tuple[str, int] | None = scope.get("server")
        client = scope.get("client")
        self.client = f"{client[0]}:{client[1]}" if client else "-"

    def authority(self) -> str:
        """The Host header when it is a plain host[:port], else the address the request came in on."""
        host = self.headers.get("host", "")
        if _AUTHORITY.fullmatch(host):
            return host
        name, port = self.server or (DEFAULT_HOST, DEFAULT_PORT)
        return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"

    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class App:
    """Routes: the query page and its files, /examples.json, and the SPARQL endpoint at /sparql."""

    def __init__(
        self,
        pool: QueryPool | None,
        timeout: float,
        max_results: int,
        examples: bytes,
        allowed_hosts: frozenset[str] | None,
        cors: frozenset[str] = frozenset(),
        places: int = DEFAULT_WORKERS + DEFAULT_QUEUE,
    ) -> None:
        self.pool = pool
        self.timeout = timeout
        self.max_results = max_results
        self.examples = examples
        self.allowed_hosts = allowed_hosts
        self.cors = cors
        self.places = places  # queries running or waiting at once; one more is answered 503
        self.in_flight = 0
        self.executor = concurrent.futures.ThreadPoolExecutor(places, thread_name_prefix="kg-serve-query")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                pass
            return
        if scope["type"] != "http":
            return
        request = _Request(scope)
        try:
            status, content_type, body, headers = await self._route(request, receive)
        except _Disconnected:
            log.info('%s "%s %s" client went away', request.client, request.method, _shown(request.path))
            return
        headers = (*headers, *self._cors_headers(request))
        log.info('%s "%s %s" %s', request.client, request.method, _shown(request.path), status)
        raw = [(b"content-type", content_type.encode("latin-1")), (b"content-length", str(len(body)).encode())]
        raw += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        raw += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if request.method == "HEAD" else body})

    async def _route(self, request: _Request, receive: Receive) -> Reply:
        if not self._host_allowed(request):
            host = request.headers.get("host", "")
            return _text(403, f"Host {host!r} is not a loopback name; use 127.0.0.1 or localhost")
        path = request.path
        allowed = SPARQL_METHODS if path == "/sparql" else PAGE_METHODS
        if path != "/sparql" and path not in STATIC and path not in ("/examples.json", "/favicon.ico"):
            return _text(404, f"{path}: not found (the endpoint is /sparql, the query page /)")
        if request.method == "OPTIONS":
            return self._options(request, allowed)
        if request.method not in allowed:
            return _text(405, f"{request.method} is not allowed on {path}", (("Allow", ", ".join(allowed)),))
        if path in STATIC:
            name, content_type = STATIC[path]
            body = resources.files("kg").joinpath("web", name).read_bytes()
            return 200, content_type, body, (("Cache-Control", "no-cache"),)
        if path == "/examples.json":
            return 200, "application/json", self.examples, (("Cache-Control", "no-cache"),)
        if path == "/favicon.ico":
            return 204, "image/x-icon", b"", ()
        params = parse_qs(request.query_string, keep_blank_values=True)
        if request.method == "POST":
            posted = await self._posted(request, receive, params)
            if posted is not None:
                return posted
        return await self._sparql(request, params)

    async def _posted(self, request: _Request, receive: Receive, params: dict[str, list[str]]) -> Reply | None:
        """Read a POST body into `params`; a reply when it is refused."""
        length = request.headers.get("content-length")
        if length is None and "chunked" not in request.headers.get("transfer-encoding", "").lower():
            return _text(411, "a POST needs a Content-Length")
        if length is not None and int(length) > MAX_BODY:  # h11 has checked it is a number
            return _text(413, f"request body over {MAX_BODY} bytes")
        try:
            body = await _read_body(receive, MAX_BODY, REQUEST_TIMEOUT)
        except _SlowBody:
            return _text(408, f"the request body did not arrive within {REQUEST_TIMEOUT:g} s")
        if body is None:
            return _text(413, f"request body over {MAX_BODY} bytes")
        content_type = request.content_type()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _text(400, "the request body is not UTF-8")
        if content_type == "application/x-www-form-urlencoded":
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [text]
        elif content_type == "application/sparql-update":
            return _text(403, READ_ONLY_MESSAGE)
        else:
            return _text(
                415,
                f"{content_type or 'no Content-Type'}: send application/sparql-query or "
                "application/x-www-form-urlencoded",
            )
        return None

    async def _sparql(self, request: _Request, params: Mapping[str, list[str]]) -> Reply:
        if "update" in params:
            return _text(403, READ_ONLY_MESSAGE)
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return _text(
                400, "no query: send query=… (the query page is at /)" if not queries else "send exactly one query"
            )
        if self.pool is None:
            return _text(503, "the server is stopping")
        if self.in_flight >= self.places:
            return _text(
                503,
                f"busy: {self.in_flight} queries running or waiting (kg serve --workers, --queue); try again",
                (("Retry-After", "1"),),
            )
        job = {
            "query": queries[0],
            "accept": request.headers.get("accept"),
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
            "max_results": self.max_results,
            "base": f"http://{request.authority()}/sparql",
        }
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            status, content_type, body, headers = await loop.run_in_executor(
                self.executor, self.pool.run, job, self.timeout
            )
        finally:
            self.in_flight -= 1
        return status, content_type, body, (("Cache-Control", "no-store"), ("Vary", "Accept"), *headers)

    def _options(self, request: _Request, allowed: Sequence[str]) -> Reply:
        """A CORS preflight from an allowed origin, or a plain OPTIONS: the methods, no body."""
        origin = request.headers.get("origin")
        wanted = request.headers.get("access-control-request-method")
        headers: tuple[tuple[str, str], ...] = (("Allow", ", ".join(allowed)),)
        if origin is None or wanted is None:
            return 204, "text/plain; charset=utf-8", b"", headers
        if not self._origin_allowed(origin):
            return _text(403, f"cross-origin requests from {origin} are not allowed (kg serve --cors ORIGIN)")
        if wanted not in allowed:
            return _text(405, f"{wanted} is not allowed on {request.path}", headers)
        asked = [name.strip() for name in request.headers.get("access-control-request-headers", "").split(",")]
        headers += (
            ("Access-Control-Allow-Methods", ", ".join(allowed)),
            ("Access-Control-Max-Age", "600"),
        )
        if names := [name for name in asked if _TOKEN.fullmatch(name)]:
            headers += (("Access-Control-Allow-Headers", ", ".join(names)),)
        return 204, "text/plain; charset=utf-8", b"", headers

    def _origin_allowed(self, origin: str) -> bool:
        return "*" in self.cors or origin.rstrip("/") in self.cors

    def _cors_headers(self, request: _Request) -> tuple[tuple[str, str], ...]:
        if not self.cors:
            return ()
        origin = request.headers.get("origin")
        if origin is None or not self._origin_allowed(origin):
            return (("Vary", "Origin"),)
        return (
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Expose-Headers", TRUNCATED_HEADER),
            ("Vary", "Origin"),
        )

    def _host_allowed(self, request: _Request) -> bool:
        """Bound to loopback, answer only loopback host names: a web page cannot reach us by DNS rebinding."""
        allowed = self.allowed_hosts
        host = request.headers.get("host", "").strip().lower()
        if allowed is None or not host:
            return True
        name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        return name in allowed or _is_loopback(name)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


async def _read_body(receive: Receive, limit: int, timeout: float) -> bytes | None:
    """The request body, None past `limit` bytes; _Disconnected when the client goes, _SlowBody past `timeout`."""
    chunks, size, more = [], 0, True
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while more:
        try:
            message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
        except asyncio.TimeoutError:
            raise _SlowBody from None
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _shown(path: str) -> str:
    return path if len(path) <= 200 else path[:197] + "..."


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- The uvicorn server -------------------------------------------------------------------------------------------


def _protocol_class() -> type:
    """uvicorn's h11 protocol, with a deadline on the first request: a connection that sends nothing is closed."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):  # type: ignore[misc]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._first_request = self.loop.call_later(REQUEST_TIMEOUT, self._no_request)

        def _no_request(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._first_request.cancel()
            super().connection_lost(exc)

    return Protocol


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(
    out: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = DEFAULT_WORKERS,
    memory: int = DEFAULT_MEMORY,
    queue_size: int = DEFAULT_QUEUE,
    cors: Sequence[str] = (),
) -> None:
    """Serve `OUT/store` until Ctrl-C or SIGTERM, then stop the workers and return.

    Raises:
        ServeError (or kg.store's error): no store, the port cannot be bound,
            a worker cannot open the store.
    """
    import uvicorn

    open_store(out)  # the one-line error for a missing store, before anything starts
    loopback = _is_loopback(host)
    try:
        sock = _listen(host, port)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    origins = frozenset(origin.rstrip("/") for origin in cors)
    app = App(
        None,
        timeout,
        max_results,
        page_examples(),
        frozenset({host}) if loopback else None,
        origins,
        workers + queue_size,
    )
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        access_log=False,
        http=_protocol_class(),
        backlog=BACKLOG,
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=2,
        server_header=False,
        h11_max_incomplete_event_size=64 * 1024,
    )
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
    server = _make_server(config)
    previous = {signum: signal.signal(signum, server.stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    pool = None
    try:
        pool = app.pool = QueryPool(out, workers, memory)
        server.on_shutdown = pool.close
        bound_host, bound_port = str(sock.getsockname()[0]), sock.getsockname()[1]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if not loopback:
            log.warning("listening on %s: the endpoint is reachable from other machines", host)
        if "*" in origins:
            log.warning("--cors '*': any web page the browser opens can read the graph")
        log.info("serving %s at http://%s:%s/ (SPARQL at /sparql; Ctrl-C stops)", out, shown, bound_port)
        if not server.should_exit:
            asyncio.run(server.serve(sockets=[sock]))
        log.info("stopping")
    except KeyboardInterrupt:  # a signal before the handlers were in place, or while the workers start
        log.info("stopping")
    finally:
        app.pool = None
        sock.close()
        app.close()
        if pool is not None:
            pool.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):  # type: ignore[misc]
        """uvicorn's server with our signal handling: Ctrl-C stops it and `serve` returns (no re-raised signal)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            yield

        on_shutdown: Callable[[], None] | None = None

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Queries in flight are answered (503, the server is stopping) rather than cut off by uvicorn.
            if self.on_shutdown is not None:
                self.on_shutdown()
            await super().shutdown(sockets)

        def stop(self, signum: int, frame: FrameType | None) -> None:
            if self.should_exit:
                self.force_exit = True
            self.should_exit = True

    return Server


def _make_server(config: Any) -> Any:
    """A uvicorn server; the class is made on first use, so uvicorn is imported only by `kg serve`."""
    return _server_class()(config)


# --- Command line -------------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    """Handler of `kg serve`: one log line per request, exit 0 on Ctrl-C."""
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    serve(
        Path(args.graph),
        args.host,
        args.port,
        args.timeout,
        args.max_results,
        args.workers,
        args.memory,
        args.queue,
        args.cors or (),
    )
    return 0


def _origin(text: str) -> str:
    if text == "*" or re.fullmatch(r"https?://[^/\s]+/?", text):
        return text.rstrip("/")
    raise argparse.ArgumentTypeError(f"{text!r} is not an origin such as http://localhost:3000 (or *)")


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
    parser.add_argument(
        "--queue",
        type=positive(int),
        default=DEFAULT_QUEUE,
        help=f"queries that may wait for a worker; one more is answered 503 at once (default: {DEFAULT_QUEUE})",
    )
    parser.add_argument(
        "--memory",
        type=positive(int),
        metavar="MIB",
        default=DEFAULT_MEMORY,
        help="memory a query worker may take for its queries, in MiB; a query needing more is answered 503 "
        f"(default: {DEFAULT_MEMORY})",
    )
    parser.add_argument(
        "--cors",
        nargs="+",
        type=_origin,
        metavar="ORIGIN",
        help="let pages from these origins (e.g. http://localhost:3000) query the endpoint from a browser; "
        "off by default, since any page could otherwise read the graph",
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
