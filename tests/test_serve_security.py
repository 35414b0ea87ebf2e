"""kg serve under hostile and busy clients: SERVICE in every spelling, the memory cap, idle connections, a full queue,
protocol corners (HEAD, 405, bad Content-Length, base IRI, DESCRIBE), and CORS.

The server runs for real (`python -m kg.serve` in a subprocess) on a small Oxigraph store made here; the SERVICE
tests keep a listener on 127.0.0.1 that records every connection it gets, and must get none.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from test_serve import free_port, get, request, running

from kg.errors import QueryError
from kg.query import run_query
from kg.sparql_policy import MAX_NESTING

EX = "http://example.org/"
KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Every quad joined with every other, sorted: ORDER BY keeps all of it in memory.
SORTED_CROSS_JOIN = (
    "SELECT * WHERE { GRAPH ?a { ?s1 ?p1 ?o1 } GRAPH ?b { ?s2 ?p2 ?o2 } GRAPH ?c { ?s3 ?p3 ?o3 } } ORDER BY ?o1 ?o2 ?o3"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s1 ?p1 ?o1 } GRAPH ?b { ?s2 ?p2 ?o2 } GRAPH ?c { ?s3 ?p3 ?o3 } }"


def make_store(out: Path) -> Path:
    """OUT/store with what the tests ask about: documents' graphs like kg's, and the W3C protocol tests' graphs."""
    import pyoxigraph as ox

    store = ox.Store(str(out / "store"))
    quads = []
    for doc in range(20):
        graph = ox.NamedNode(f"{EX}doc/{doc}")
        event = ox.NamedNode(f"{EX}event/{doc}")
        quads.append(ox.Quad(event, ox.NamedNode(f"{EX}supplier"), ox.NamedNode(f"{EX}actor/russia"), graph))
        quads.append(ox.Quad(ox.NamedNode(f"{EX}actor/russia"), ox.NamedNode(f"{EX}mentionedIn"), graph, graph))
        for i in range(100):
            subject = ox.NamedNode(f"{EX}mention/{doc}-{i}")
            quads.append(ox.Quad(subject, ox.NamedNode(f"{EX}text"), ox.Literal(f"sentence {doc} {i}"), graph))
    for name in ("data0.rdf", "data1.rdf", "data2.rdf", "data3.rdf"):
        iri = ox.NamedNode(KASEI + name)
        quads.append(ox.Quad(iri, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF_DOCUMENT), iri))
    store.extend(quads)
    store.flush()
    del store
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("small-out"))


@contextmanager
def serving(out: Path, log: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """`python -m kg.serve` on `port` (a free one by default), ready to answer; SIGINT at the end."""
    with running(out, log, *options, port=port) as (url, _):
        yield url


@pytest.fixture(scope="module")
def server(small: Path, tmp_path_factory) -> Iterator[str]:
    with serving(small, tmp_path_factory.mktemp("log") / "serve.log") as url:
        yield url


# --- SERVICE --------------------------------------------------------------------------------------------------


class Listener:
    """An HTTP server on 127.0.0.1 that counts the connections it accepts and answers each as a SPARQL endpoint."""

    def __init__(self) -> None:
        self.hits: list[bytes] = []
        hits = self.hits

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(2)
                try:
                    hits.append(self.request.recv(4096))
                except OSError:
                    hits.append(b"")
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
                self.request.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    remote = Listener()
    yield remote
    remote.close()


# (id, query with {L} for the listener's URL, whether Oxigraph itself parses it and calls the listener)
SERVICE_SPELLINGS = [
    ("plain", "SELECT * WHERE {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("lower case", "select * where {{ service <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("mixed case, SILENT", "SELECT * WHERE {{ sErViCe SiLeNt <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    (
        "escaped # in a prefixed name",
        "PREFIX ex: <http://example.org/>\nSELECT * WHERE {{ VALUES ?x {{ ex:a\\# }} SERVICE <{L}/x> {{ ?s ?p ?o }} }}",
        True,
    ),
    (
        "escaped # then a group",
        "PREFIX ex: <http://example.org/>\nSELECT * WHERE {{ {{ BIND(ex:a\\# AS ?x) }} SERVICE <{L}/x> {{ ?s ?p ?o }} }}",
        True,
    ),
    ("after a comment with a brace", "SELECT * WHERE {{ # }}\n SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("comment between tokens", "SELECT * WHERE {{ SERVICE # x\n <{L}/sparql> # }}\n {{ ?s ?p ?o }} }}", True),
    ("after a string with # and }", 'SELECT * WHERE {{ ?s ?p "#}}" . SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}', False),
    (
        "after a long string",
        'SELECT * WHERE {{ ?s ?p """a " # }}\n""" . SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}',
        False,
    ),
    ("after an IRI with #", "SELECT * WHERE {{ ?s <urn:x#p> ?o . SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", False),
    ("prefixed endpoint", "PREFIX remote: <{L}/>\nSELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}", True),
    ("relative endpoint", "BASE <{L}/>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}", True),
    ("variable endpoint", "SELECT * WHERE {{ VALUES ?e {{ <{L}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}", False),
    ("in OPTIONAL", "SELECT * WHERE {{ OPTIONAL {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }} }}", True),
    ("in UNION", "SELECT * WHERE {{ {{ BIND(1 AS ?x) }} UNION {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }} }}", True),
    (
        "in FILTER EXISTS",
        "SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }} }}",
        True,
    ),
    ("in a sub-select", "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }} }} }}", True),
    ("in GRAPH", "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }} }}", False),
    ("ASK", "ASK {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("CONSTRUCT", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("DESCRIBE", "DESCRIBE ?s WHERE {{ SERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", True),
    ("unicode escape", "SELECT * WHERE {{ \\u0053ERVICE <{L}/sparql> {{ ?s ?p ?o }} }}", False),
    ("tab and newline", "SELECT * WHERE {{ SERVICE\n\t<{L}/sparql>{{?s ?p ?o}} }}", True),
]
SPELLING_IDS = [spelling[0] for spelling in SERVICE_SPELLINGS]


def settle(remote: Listener) -> list[bytes]:
    """What the listener got, after a moment for a connection in flight to land."""
    time.sleep(0.2)
    return list(remote.hits)


@pytest.mark.parametrize(("name", "query", "oxigraph_calls"), SERVICE_SPELLINGS, ids=SPELLING_IDS)
def test_serve_service_spelling_is_what_oxigraph_calls_out_on(listener: Listener, name, query, oxigraph_calls):
    """The spellings are real: the engine alone sends the request for each one it can run."""
    import pyoxigraph as ox

    listener.hits.clear()
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"), ox.NamedNode(EX + "g")))
    try:
        result = store.query(query.format(L=listener.url))
        list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)
    except (SyntaxError, OSError, RuntimeError):
        pass
    if oxigraph_calls:
        assert settle(listener), name


@pytest.mark.parametrize(("name", "query", "oxigraph_calls"), SERVICE_SPELLINGS, ids=SPELLING_IDS)
def test_serve_refuses_every_service_spelling_and_calls_nobody(
    server: str, listener: Listener, name, query, oxigraph_calls
):
    listener.hits.clear()
    status, _, body = get(server, query.format(L=listener.url))
    assert status == 403, body
    assert b"SERVICE" in body
    assert settle(listener) == []


@pytest.mark.parametrize(("name", "query", "oxigraph_calls"), SERVICE_SPELLINGS, ids=SPELLING_IDS)
def test_query_refuses_every_service_spelling_and_calls_nobody(
    small: Path, listener: Listener, name, query, oxigraph_calls
):
    from kg.store import open_store

    listener.hits.clear()
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(open_store(small), query.format(L=listener.url))
    assert settle(listener) == []


def test_query_allow_service_lets_the_request_through(small: Path, listener: Listener):
    from kg.store import open_store

    listener.hits.clear()
    results = run_query(
        open_store(small), f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}", allow_service=True
    )
    assert list(results) == []
    assert settle(listener)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE {{ ?service <urn:x#SERVICE> "SERVICE <{L}/sparql> {{}}" }} # SERVICE <{L}/sparql> {{}}',
        "PREFIX service: <urn:service:>\nSELECT * WHERE {{ ?s service:service <{L}/SERVICE> }}",
        "SELECT * WHERE {{ ?s ?p '''SERVICE <{L}/sparql> {{ ?s ?p ?o }}''' }}",
    ],
    ids=["variable, IRI, string, comment", "prefix named service", "long single-quoted string"],
)
def test_serve_answers_queries_that_only_mention_service(server: str, listener: Listener, query: str):
    listener.hits.clear()
    status, _, body = get(server, query.format(L=listener.url))
    assert status == 200, body
    assert settle(listener) == []


def test_query_cli_refuses_service_in_one_line_exit_2(small: Path, listener: Listener):
    listener.hits.clear()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "query",
            "--graph",
            str(small),
            SERVICE_SPELLINGS[3][1].format(L=listener.url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: ") and "SERVICE" in lines[0], result.stderr
    assert settle(listener) == []


# --- Nesting --------------------------------------------------------------------------------------------------

DEEP = "SELECT * WHERE " + "{" * 20_000 + " ?s ?p ?o " + "}" * 20_000  # 40 KB; Oxigraph's parser segfaults on it


def test_query_cli_deep_nesting_is_one_line_exit_2(small: Path, tmp_path: Path):
    query_file = tmp_path / "deep.rq"
    query_file.write_text(DEEP, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "--graph", str(small), str(query_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"at most {MAX_NESTING}" in lines[0], result.stderr


def test_serve_deep_nesting_is_400_and_the_server_answers_on(server: str):
    data = DEEP.encode()
    status, _, body = request(server + "/sparql", data, {"Content-Type": "application/sparql-query"})
    assert status == 400 and f"at most {MAX_NESTING}".encode() in body
    nested = "SELECT * WHERE " + "{" * MAX_NESTING + " ?s ?p ?o " + "}" * MAX_NESTING
    status, _, body = get(server, nested)
    assert status == 200, body


# --- Memory ---------------------------------------------------------------------------------------------------


def test_serve_memory_cap_answers_503_and_the_server_survives(small: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    with serving(small, log, "--memory", "200", "--timeout", "60", "--workers", "1") as url:
        started = time.monotonic()
        status, _, body = get(url, SORTED_CROSS_JOIN)
        assert status == 503, body
        assert b"memory" in body and b"200 MiB" in body
        assert time.monotonic() - started < 60  # the cap, not the timeout, stopped it
        deadline = time.monotonic() + 60
        while True:  # the one worker is replaced; queries are answered again
            status, _, body = get(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            if status == 200 or time.monotonic() > deadline:
                break
        assert status == 200, body
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 2000
    assert "out of memory" in log.read_text(encoding="utf-8")


# --- Busy and idle clients ------------------------------------------------------------------------------------


def timed_ask(url: str) -> float:
    started = time.monotonic()
    status, _, body = get(url, "ASK { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200, body
    return time.monotonic() - started


def test_serve_idle_connections_do_not_delay_another_client(server: str):
    host, port = urllib.parse.urlsplit(server).hostname, urllib.parse.urlsplit(server).port
    for _ in range(3):
        timed_ask(server)  # warm up both workers
    baseline = statistics.median(timed_ask(server) for _ in range(7))
    idle = []
    try:
        for i in range(200):
            sock = socket.create_connection((host, port), timeout=5)
            if i % 2:  # half send nothing, half a request head that never ends (a slow client)
                sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            idle.append(sock)
        loaded = statistics.median(timed_ask(server) for _ in range(7))
    finally:
        for sock in idle:
            sock.close()
    # Generous: the point is that the query does not wait for any of the 200 (the old server took seconds).
    assert loaded < max(5 * baseline, baseline + 0.25), (baseline, loaded)


@pytest.mark.slow
def test_serve_closes_a_connection_that_sends_nothing(server: str):
    from kg.serve import REQUEST_TIMEOUT

    parts = urllib.parse.urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=REQUEST_TIMEOUT + 10) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""
        assert time.monotonic() - started < REQUEST_TIMEOUT + 5


@pytest.mark.slow
def test_serve_answers_408_to_a_body_that_does_not_come(server: str):
    from kg.serve import REQUEST_TIMEOUT

    head = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"
    parts = urllib.parse.urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=REQUEST_TIMEOUT + 10) as sock:
        started = time.monotonic()
        sock.sendall(head)
        answer = sock.recv(65536)
        assert time.monotonic() - started < REQUEST_TIMEOUT + 5
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


def test_serve_full_queue_answers_503_at_once(small: Path, tmp_path: Path):
    with serving(small, tmp_path / "serve.log", "--workers", "1", "--queue", "1", "--timeout", "4") as url:
        with ThreadPoolExecutor(2) as pool:
            slow = [pool.submit(get, url, SLOW)]
            time.sleep(0.5)
            slow.append(pool.submit(get, url, SLOW))
            time.sleep(0.5)
            started = time.monotonic()
            status, headers, body = get(url, "ASK {}")
            assert status == 503 and b"busy" in body, body
            assert headers.get("retry-after") == "1"
            assert time.monotonic() - started < 1
            assert [future.result()[0] for future in slow] == [503, 503]  # both timed out
        status, _, body = get(url, "ASK {}")
        assert status == 200, body


# --- Protocol corners -----------------------------------------------------------------------------------------


def raw_exchange(url: str, data: bytes, timeout: float = 10) -> bytes:
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("length", ["²", "-1", "1e3", "12, 13", "abc"])
def test_serve_bad_content_length_is_400(server: str, length: str):
    head = f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: {length}\r\n"
    answer = raw_exchange(server, head.encode("utf-8") + b"Connection: close\r\n\r\nASK {}")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert timed_ask(server) < 10  # and the server answers on


def test_serve_head_has_the_get_headers_and_no_body(server: str):
    parts = urllib.parse.urlsplit(server)
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        got = connection.getresponse()
        get_body, get_type = got.read(), got.getheader("Content-Type")
        connection.request("HEAD", path)
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        assert head.getheader("Content-Type") == get_type
        assert int(head.getheader("Content-Length")) == len(get_body) > 0
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/sparql"), ("DELETE", "/sparql"), ("PATCH", "/sparql"), ("POST", "/")]
)
def test_serve_other_methods_are_405_with_allow(server: str, method: str, path: str):
    status, headers, _ = request_method(server + path, method)
    assert status == 405
    allowed = {name.strip() for name in headers["allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed and ("POST" in allowed) == (path == "/sparql")


def request_method(url: str, method: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_serve_resolves_relative_iris_against_the_endpoint(server: str):
    status, headers, body = get(server, "CONSTRUCT { <s> <p> 1 } WHERE {}", "text/turtle")
    assert status == 200, body
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(f"{server}/s"), URIRef(f"{server}/p"), None) in graph


def test_serve_describe_reads_the_named_graphs(server: str):
    status, headers, body = get(server, f"DESCRIBE <{EX}actor/russia>", "application/n-triples")
    assert status == 200, body
    graph = Graph().parse(data=body, format="nt")
    assert len(set(graph.objects(URIRef(f"{EX}actor/russia"), URIRef(f"{EX}mentionedIn")))) == 20


# --- CORS -----------------------------------------------------------------------------------------------------

ORIGIN = "http://127.0.0.1:9"  # an origin only named, never fetched


def preflight(url: str, origin: str) -> tuple[int, dict[str, str], bytes]:
    return request_method(
        url + "/sparql",
        "OPTIONS",
        {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )


def test_serve_cors_is_off_by_default(server: str):
    status, headers, _ = request(server + "/sparql?query=ASK%20%7B%7D", headers={"Origin": ORIGIN})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, headers, body = preflight(server, ORIGIN)
    assert status == 403 and "access-control-allow-origin" not in headers and b"--cors" in body


def test_serve_cors_allows_the_named_origins_only(small: Path, tmp_path: Path):
    with serving(small, tmp_path / "serve.log", "--cors", ORIGIN, "http://localhost:3000/") as url:
        status, headers, _ = preflight(url, ORIGIN)
        assert status == 204
        assert headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in headers["access-control-allow-methods"]
        assert {h.strip() for h in headers["access-control-allow-headers"].split(",")} == {"content-type", "accept"}
        status, headers, _ = request(url + "/sparql?query=ASK%20%7B%7D", headers={"Origin": "http://localhost:3000"})
        assert status == 200 and headers["access-control-allow-origin"] == "http://localhost:3000"
        assert "Origin" in headers["vary"]
        status, headers, _ = preflight(url, "http://evil.example")
        assert status == 403 and "access-control-allow-origin" not in headers
        status, headers, _ = request(url + "/sparql?query=ASK%20%7B%7D", headers={"Origin": "http://evil.example"})
        assert status == 200 and "access-control-allow-origin" not in headers


@pytest.fixture(scope="module")
def yasgui(tmp_path_factory) -> Path:
    """YASGUI's browser bundle from the npm registry (`npm pack @triply/yasgui`), fetched at test time."""
    import shutil
    import tarfile

    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: YASGUI cannot be fetched from the npm registry")
    folder = tmp_path_factory.mktemp("yasgui")
    try:
        packed = subprocess.run(
            [npm, "pack", "@triply/yasgui@4", "--silent"], cwd=folder, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.skip("the npm registry did not answer within 120 s")
    if packed.returncode != 0:
        pytest.skip(f"npm pack @triply/yasgui failed (registry unreachable?): {packed.stderr.strip()[:200]}")
    with tarfile.open(folder / packed.stdout.strip().splitlines()[-1]) as archive:
        for name in ("yasgui.min.js", "yasgui.min.css"):
            member = archive.extractfile(f"package/build/{name}")
            assert member is not None
            (folder / name).write_bytes(member.read())
    return folder


YASGUI_PAGE = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="yasgui.min.css">
<script src="yasgui.min.js"></script></head><body><div id="yasgui"></div><script>
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: ENDPOINT, method: "POST" }, copyEndpointOnNewTab: false, persistenceId: null });
</script></body></html>"""


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """The files of `folder` over HTTP on another 127.0.0.1 port: another origin than the endpoint's."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


def yasgui_run(browser, page_url: str, query: str) -> str:
    """Open YASGUI, run `query` against its endpoint, and return what its results pane shows (or the error)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_url)
        page.wait_for_function("() => window.yasgui && yasgui.getTab()")
        page.evaluate(
            """(query) => { const tab = yasgui.getTab(); tab.getYasqe().setValue(query); tab.getYasqe().query(); }""",
            query,
        )
        page.wait_for_function(
            """() => { const y = yasgui.getTab().getYasr(); return y && y.results &&
                (y.results.getStatus !== undefined || y.results.getError()); }""",
            timeout=20_000,
        )
        return str(
            page.evaluate(
                """() => { const r = yasgui.getTab().getYasr().results; const e = r.getError();
                    return e ? "error: " + JSON.stringify(e) : JSON.stringify(r.getBindings()); }"""
            )
        )
    finally:
        context.close()


def test_serve_yasgui_from_another_origin_reads_through_cors(small: Path, yasgui: Path, tmp_path: Path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("no /usr/bin/chromium")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/sparql"
    (yasgui / "index.html").write_text(YASGUI_PAGE.replace("ENDPOINT", json.dumps(endpoint)), encoding="utf-8")
    query = f"SELECT ?doc WHERE {{ GRAPH ?doc {{ <{EX}actor/russia> ?p ?doc }} }} ORDER BY ?doc LIMIT 3"
    with static_site(yasgui) as site, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium))
        try:
            with serving(small, tmp_path / "plain.log", port=port):
                refused = yasgui_run(browser, site + "/index.html", query)
            with serving(small, tmp_path / "cors.log", "--cors", site, port=port):
                answered = yasgui_run(browser, site + "/index.html", query)
        finally:
            browser.close()
    assert refused.startswith("error"), refused
    assert "doc/" not in refused
    rows = json.loads(answered)
    assert [row["doc"]["value"] for row in rows] == sorted(f"{EX}doc/{i}" for i in range(20))[:3], answered


def test_serve_w3c_describe_io_roundtrip(server: str):
    """A DESCRIBE answer in Turtle parses back (rdflib) to the resource's triples."""
    status, headers, body = get(server, f"DESCRIBE <{EX}event/3>", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(io.BytesIO(body), format="turtle")
    assert (URIRef(f"{EX}event/3"), URIRef(f"{EX}supplier"), URIRef(f"{EX}actor/russia")) in graph


def test_serve_parser_takes_the_new_limits_and_origins():
    import argparse

    from kg import serve

    top = argparse.ArgumentParser(prog="kg")
    serve.add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["serve"])
    assert (args.memory, args.queue, args.cors) == (serve.DEFAULT_MEMORY, serve.DEFAULT_QUEUE, None)
    args = top.parse_args(["serve", "--memory", "300", "--queue", "4", "--cors", "http://localhost:3000/", "*"])
    assert (args.memory, args.queue, args.cors) == (300, 4, ["http://localhost:3000", "*"])
    for bad in (["--cors", "localhost:3000"], ["--cors", "http://x/path"], ["--memory", "0"], ["--queue", "-1"]):
        with pytest.raises(SystemExit):
            top.parse_args(["serve", *bad])
