"""kg serve end to end: the real server in a subprocess, on an Oxigraph store built from the seed articles.

Queries go through SPARQLWrapper (a real SPARQL Protocol client) or plain
urllib when the test is about status codes and headers; every result format
is read back with its own parser.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT
from rdflib import Graph, URIRef
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg import serve

KG = "https://w3id.org/kg-arms/ontology#"
ACTOR = "https://w3id.org/kg-arms/actor/"
FACTS = "https://w3id.org/kg-arms/data/facts"
SUMMARIES = "https://w3id.org/kg-arms/data/summaries"
PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX actor: <{ACTOR}>\n"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
# Three copies of every quad joined: billions of rows on the seed graph, far past any timeout.
CROSS_JOIN = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s1 ?p1 ?o1 } GRAPH ?b { ?s2 ?p2 ?o2 } GRAPH ?c { ?s3 ?p3 ?o3 } }"
)
INSERT = "INSERT DATA { GRAPH <urn:kg:test> { <urn:kg:a> <urn:kg:b> <urn:kg:c> } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`kg build sources/` once; the store is the build's (kg.store), else loaded here from graph.trig."""
    out = tmp_path_factory.mktemp("serve-out")
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(ROOT / "sources"), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    if not (out / "store").is_dir():  # a build without kg.store: the server only needs a read-only store
        import pyoxigraph

        store = pyoxigraph.Store(str(out / "store"))
        store.load(path=str(out / "graph.trig"), format=pyoxigraph.RdfFormat.TRIG)
        store.flush()
        del store
    return out


@contextmanager
def running(
    out: Path, log: Path, *options: str, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m kg.serve` on `port` (a free one by default), ready to answer; Ctrl-C (SIGINT) at the end."""
    port = port or free_port()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve", "--graph", str(out), "--port", str(port), *options],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "kg serve did not start: " + log.read_text(encoding="utf-8")
                time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory) -> Iterator[str]:
    with running(built, tmp_path_factory.mktemp("log") / "serve.log") as (url, _):
        yield url


@pytest.fixture(scope="module")
def strict_server(built: Path, tmp_path_factory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server with a 1 s timeout and at most 3 results."""
    with running(built, tmp_path_factory.mktemp("log") / "serve.log", "--timeout", "1", "--max-results", "3") as run:
        yield run


def request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body, for error statuses too."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def get(url: str, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
    query_string = urllib.parse.urlencode({"query": query, **params})
    return request(f"{url}/sparql?{query_string}", headers={"Accept": accept} if accept else None)


def client(url: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def count_triples(url: str) -> int:
    status, _, body = get(url, COUNT_ALL)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_serve_select_finds_north_korea_supplying_russia(server: str):
    query = PREFIXES + (
        "SELECT ?relation ?text WHERE { GRAPH ?doc { ?event a kg:Event , ?relation ; "
        "kg:supplier actor:north-korea ; kg:recipient actor:russia ; kg:evidence/kg:sentence/kg:text ?text } "
        "FILTER(?relation != kg:Event) }"
    )
    rows = client(server, query, JSON).query().convert()["results"]["bindings"]
    supplies = [row["text"]["value"] for row in rows if row["relation"]["value"] == KG + "Supply"]
    assert supplies, rows
    assert any("Corée du Nord" in text for text in supplies)


@pytest.mark.parametrize(("supplier", "expected"), [("north-korea", True), ("atlantis", False)])
def test_serve_ask_answers_true_and_false(server: str, supplier: str, expected: bool):
    query = PREFIXES + f"ASK {{ GRAPH ?doc {{ ?event kg:supplier actor:{supplier} ; kg:recipient actor:russia }} }}"
    assert client(server, query, JSON).query().convert() == {"head": {}, "boolean": expected}


CONSTRUCT = PREFIXES + (
    "CONSTRUCT { ?event kg:supplier actor:north-korea ; kg:recipient actor:russia ; a ?relation } "
    "WHERE { GRAPH ?doc { ?event a ?relation ; kg:supplier actor:north-korea ; kg:recipient actor:russia } }"
)


def construct(url: str, fmt: str, rdflib_format: str) -> Graph:
    response = client(url, CONSTRUCT, fmt).query().response
    graph = Graph()
    graph.parse(data=response.read(), format=rdflib_format)
    return graph


def test_serve_construct_returns_turtle(server: str):
    response = client(server, CONSTRUCT, TURTLE).query().response
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.read(), format="turtle")
    events = set(graph.subjects(URIRef(KG + "supplier"), URIRef(ACTOR + "north-korea")))
    assert events
    assert all((event, URIRef(KG + "recipient"), URIRef(ACTOR + "russia")) in graph for event in events)
    assert any((event, None, URIRef(KG + "Supply")) in graph for event in events)


def test_serve_construct_as_json_ld_parses_to_the_same_graph(server: str):
    response = client(server, CONSTRUCT, JSONLD).query().response
    assert response.headers["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.read(), format="json-ld")
    assert len(graph) > 0
    assert set(graph) == set(construct(server, TURTLE, "turtle"))


# Sentence texts carry commas, quotes and apostrophes: a fair test of CSV and TSV escaping.
ROWS_QUERY = PREFIXES + (
    "SELECT ?doc ?event ?text ?start WHERE { GRAPH ?doc { ?event a kg:Event ; kg:supplier actor:north-korea ; "
    "kg:evidence ?mention . ?mention kg:sentence ?sentence . ?sentence kg:text ?text ; kg:start ?start } } "
    "ORDER BY ?doc ?event"
)


def rows_of(result: Result) -> list[tuple[str, ...]]:
    return [tuple("" if value is None else str(value) for value in row) for row in result]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fmt", "parser", "content_type"),
    [
        (JSON, "json", "application/sparql-results+json"),
        (XML, "xml", "application/sparql-results+xml"),
        (CSV, "csv", "text/csv"),
        (TSV, "tsv", "text/tab-separated-values"),
    ],
)
def test_serve_select_formats_give_the_same_rows(server: str, fmt: str, parser: str, content_type: str):
    status, _, body = get(server, ROWS_QUERY)
    assert status == 200
    reference = [
        tuple(row[var]["value"] for var in ("doc", "event", "text", "start"))
        for row in json.loads(body)["results"]["bindings"]
    ]
    assert reference and any("," in row[2] for row in reference)
    response = client(server, ROWS_QUERY, fmt).query().response
    assert response.headers["Content-Type"].startswith(content_type)
    assert rows_of(Result.parse(io.BytesIO(response.read()), format=parser)) == reference


@pytest.mark.parametrize("method", ["GET", "POST form", "POST sparql-query"])
def test_serve_accepts_the_three_protocol_requests(server: str, method: str):
    query = PREFIXES + "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    if method == "GET":
        status, headers, body = get(server, query)
    elif method == "POST form":
        data = urllib.parse.urlencode({"query": query}).encode()
        status, headers, body = request(server + "/sparql", data, {"Content-Type": "application/x-www-form-urlencoded"})
    else:
        status, headers, body = request(
            server + "/sparql", query.encode(), {"Content-Type": "application/sparql-query"}
        )
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    graphs = [row["g"]["value"] for row in json.loads(body)["results"]["bindings"]]
    # The five seeds' graphs, kgd:facts and kgd:summaries.
    assert FACTS in graphs and SUMMARIES in graphs and len(graphs) == 7


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        (None, "SELECT", "application/sparql-results+json"),
        ("*/*", "SELECT", "application/sparql-results+json"),
        ("application/sparql-results+xml;q=0.5, text/csv", "SELECT", "text/csv"),
        ("text/*", "SELECT", "text/csv"),
        ("application/json", "ASK", "application/sparql-results+json"),
        ("text/tab-separated-values", "ASK", "text/tab-separated-values"),
        ("*/*", "CONSTRUCT", "text/turtle"),
        ("text/turtle;q=0.2, application/ld+json;q=0.8", "CONSTRUCT", "application/ld+json"),
        ("application/rdf+xml", "CONSTRUCT", "application/rdf+xml"),
        ("application/n-triples", "DESCRIBE", "application/n-triples"),
        ("image/png", "SELECT", 406),
        ("text/csv;q=0", "SELECT", 406),
        ("application/sparql-results+json", "CONSTRUCT", 406),
    ],
)
def test_serve_negotiates_the_result_format(server: str, accept: str | None, query: str, expected: str | int):
    text = {
        "SELECT": "SELECT ?g WHERE { GRAPH ?g {} }",
        "ASK": "ASK { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
        "DESCRIBE": f"DESCRIBE <{ACTOR}russia>",
    }[query]
    status, headers, body = get(server, text, accept)
    if isinstance(expected, int):
        assert status == expected and b"available:" in body
    else:
        assert status == 200, body
        assert headers["content-type"].split(";")[0] == expected
        assert headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        ("", ["a/b", "c/d"], "a/b"),
        ("c/d", ["a/b", "c/d"], "c/d"),
        ("c/*;q=0.9, a/b;q=0.5", ["a/b", "c/d"], "c/d"),
        ("*/*;q=0.1, a/b;q=0", ["a/b", "c/d"], "c/d"),
        ("a/b;q=nonsense", ["a/b"], None),
        ("A/B; Q=1", ["a/b"], "a/b"),
    ],
)
def test_serve_negotiate_uses_q_values_and_specificity(accept: str, offers: list[str], expected: str | None):
    assert serve.negotiate(accept, offers) == expected


@pytest.mark.parametrize("method", ["GET", "SPARQLWrapper"])
def test_serve_malformed_query_is_400_with_the_parser_message(server: str, method: str):
    import pyoxigraph

    bad = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as parser_error:
        pyoxigraph.Store().query(bad)
    if method == "SPARQLWrapper":
        with pytest.raises(QueryBadFormed) as error:
            client(server, bad, JSON).query()
        assert str(parser_error.value) in str(error.value)
        return
    status, headers, body = get(server, bad)
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert str(parser_error.value) in body.decode("utf-8")


def update_via(url: str, way: str) -> int:
    """Send INSERT DATA one way; the HTTP status."""
    if way == "SPARQLWrapper update=":
        sparql = SPARQLWrapper(url + "/sparql")
        sparql.setMethod("POST")
        sparql.setQuery(INSERT)
        with pytest.raises(urllib.error.HTTPError) as error:
            sparql.query()
        return error.value.code
    if way == "application/sparql-update":
        return request(url + "/sparql", INSERT.encode(), {"Content-Type": "application/sparql-update"})[0]
    if way == "query= GET":
        return get(url, INSERT)[0]
    if way == "query= POST form":
        data = urllib.parse.urlencode({"query": "PREFIX ex: <urn:kg:>\n# an update\n" + INSERT}).encode()
        return request(url + "/sparql", data, {"Content-Type": "application/x-www-form-urlencoded"})[0]
    raise AssertionError(way)


@pytest.mark.parametrize(
    "way", ["SPARQLWrapper update=", "application/sparql-update", "query= GET", "query= POST form"]
)
def test_serve_refuses_updates_and_leaves_the_store_unchanged(server: str, way: str):
    before = count_triples(server)
    assert update_via(server, way) == 403
    assert count_triples(server) == before
    status, _, body = get(server, "ASK { GRAPH <urn:kg:test> { ?s ?p ?o } }")
    assert json.loads(body)["boolean"] is False


def test_serve_refuses_service_without_calling_out(server: str):
    status, _, body = get(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("PREFIX ex: <urn:x#>\nINSERT DATA { ex:a ex:b ex:c }", "read-only"),
        ("# a comment\n  delete where { ?s ?p ?o }", "read-only"),
        ("BASE <urn:x/> LOAD <urn:y>", "read-only"),
        ('SELECT * WHERE { ?s ?p "INSERT DATA" }', None),
        ("SELECT ?service WHERE { ?s <urn:x#SERVICE> ?service . ?s ex:service ?o }", None),
        ("SELECT * { service <urn:x> { ?s ?p ?o } }", "SERVICE"),
    ],
)
def test_serve_refusal_finds_updates_and_service(query: str, refused: str | None):
    reason = serve.refusal(query)
    assert (reason is None) if refused is None else (refused in (reason or ""))


def test_serve_dataset_parameters_pick_the_graphs(server: str):
    status, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": FACTS})
    assert status == 200
    facts = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    _, _, body = get(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FACTS}> {{ ?s ?p ?o }} }}")
    assert facts == int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0
    _, _, body = get(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": FACTS})
    assert [row["g"]["value"] for row in json.loads(body)["results"]["bindings"]] == [FACTS]


def query_workers(process: subprocess.Popen[bytes]) -> list[int]:
    """Process ids of the server's query workers (its spawned children)."""
    listing = subprocess.run(
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(process.pid)], capture_output=True, text=True
    )
    return [int(line.split()[0]) for line in listing.stdout.splitlines() if "multiprocessing.spawn" in line]


def test_serve_times_out_and_keeps_answering(strict_server):
    url, process = strict_server
    before = query_workers(process)
    assert len(before) == 2
    for _ in range(2):  # as many as there are workers: without replacements, no worker would be left
        started = time.monotonic()
        status, _, body = get(url, CROSS_JOIN)
        assert status == 503 and b"timed out after 1 s" in body, body
        assert time.monotonic() - started < 5
    assert process.poll() is None
    status, _, body = get(url, "ASK { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200 and json.loads(body)["boolean"] is True
    deadline = time.monotonic() + 10
    while len(query_workers(process)) != 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = query_workers(process)
    assert len(after) == 2 and not set(after) & set(before)  # the runaway workers were killed, not left running


@pytest.mark.parametrize(
    ("query", "accept", "size"),
    [
        ("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json", 3),
        ("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv", 3),
        ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "application/n-triples", 3),
        ("SELECT ?g WHERE { GRAPH ?g { } } LIMIT 2", "application/sparql-results+json", 2),
    ],
)
def test_serve_caps_results_and_says_so(strict_server, query: str, accept: str, size: int):
    url, _ = strict_server
    status, headers, body = get(url, query, accept)
    assert status == 200
    text = body.decode("utf-8")
    if accept == "text/csv":
        found = len(text.strip().splitlines()) - 1
    elif accept == "application/n-triples":
        found = len(text.strip().splitlines())
    else:
        found = len(json.loads(text)["results"]["bindings"])
    assert found == size
    assert headers.get("kg-truncated") == ("3" if size == 3 else None)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
        ("/examples.json", "application/json"),
    ],
)
def test_serve_page_and_assets_load_offline(server: str, path: str, content_type: str):
    status, headers, body = request(server + path)
    assert status == 200
    assert headers["content-type"].split(";")[0] == content_type
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    text = body.decode("utf-8")
    if path != "/examples.json":  # example queries may name IRIs; the page's own files must fetch nothing
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
    if path == "/":
        assert '<textarea id="query"' in text and 'id="run"' in text and 'src="/app.js"' in text
        assert "<script>" not in text and "style=" not in text  # nothing inline for the CSP to block
    if path == "/app.js":
        for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert unsafe not in text
        assert "textContent" in text and 'fetch("/sparql"' in text


def test_serve_examples_are_the_named_queries(server: str):
    status, _, body = request(server + "/examples.json")
    examples = json.loads(body)
    from kg.queries import load_named_queries

    queries = load_named_queries()
    assert [(e["name"], e["description"]) for e in examples] == [(q.name, q.description) for q in queries]
    assert examples
    for example in examples:
        status, _, body = get(server, example["query"], "*/*")
        assert status == 200, (example["name"], body)


def test_serve_refuses_a_foreign_host_header(server: str):
    status, _, body = request(server + "/", headers={"Host": "attacker.example"})
    assert status == 403 and b"loopback" in body


def test_serve_missing_store_is_one_line_and_exit_2(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "kg.serve", "--graph", str(tmp_path), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: ") and str(tmp_path) in lines[0], result.stderr


def test_serve_stops_cleanly_on_ctrl_c(built: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    with running(built, log) as (url, process):
        children = query_workers(process)
        assert len(children) == 2
        process.send_signal(signal.SIGINT)
        assert process.wait(15) == 0
    text = log.read_text(encoding="utf-8")
    assert "serving" in text and "127.0.0.1" in text and "stopping" in text and "Traceback" not in text
    deadline = time.monotonic() + 5
    while any(os.path.exists(f"/proc/{pid}") for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in children)


DOCUMENT_IDS = (
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    + PREFIXES
    + "SELECT ?id WHERE { GRAPH ?g { ?g a kg:Document ; dcterms:identifier ?id } } ORDER BY ?id"
)


def document_ids(url: str) -> list[str]:
    status, _, body = get(url, DOCUMENT_IDS)
    assert status == 200, body
    return [row["id"]["value"] for row in json.loads(body)["results"]["bindings"]]


def test_serve_answers_from_the_store_a_rebuild_puts_in_place(extractor, tmp_path: Path):
    """kg build replaces OUT (and its store) under a running server, as kg build --watch does after every change:
    the next queries, whichever worker runs them, read the new graph, and again after a second rebuild."""
    from kg.build import build

    sources, out = tmp_path / "sources", tmp_path / "out"
    sources.mkdir()
    articles = {
        "norvege": "La Norvège a livré des chars Leopard à l'Ukraine en mars.",
        "japon": "Le Japon a fourni des radars à la Pologne, selon le ministère.",
        "canada": "Le Canada a envoyé des obus à l'Ukraine.",
    }
    (sources / "norvege.txt").write_text(articles["norvege"], encoding="utf-8")
    build([str(sources)], out, extractor=extractor)
    with running(out, tmp_path / "serve.log") as (url, _):
        before = document_ids(url)
        for name in ("japon", "canada"):
            (sources / f"{name}.txt").write_text(articles[name], encoding="utf-8")
            build([str(sources)], out, extractor=extractor)
            # More queries than workers (2): each worker answers at least once.
            seen = [document_ids(url) for _ in range(4)]
            assert all(ids == seen[0] for ids in seen), seen
            assert len(seen[0]) == len(before) + 1 and set(before) < set(seen[0])
            before = seen[0]
        assert len(before) == 3


def test_serve_add_parser_registers_the_command():
    top = argparse.ArgumentParser(prog="kg")
    serve.add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["serve"])
    assert (args.graph, args.host, args.port, args.timeout, args.max_results) == ("out", "127.0.0.1", 7878, 10.0, 10000)
    assert args.func is serve.cmd_serve
    args = top.parse_args(["serve", "--graph", "g", "--port", "9", "--timeout", "2.5", "--max-results", "7"])
    assert (args.graph, args.port, args.timeout, args.max_results) == ("g", 9, 2.5, 7)
    with pytest.raises(SystemExit):
        top.parse_args(["serve", "--timeout", "0"])
