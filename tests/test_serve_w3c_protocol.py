"""The W3C SPARQL 1.1 Protocol tests (data-sparql11/protocol/manifest.ttl), replayed against kg serve.

Each query test of the manifest is one case here, with the request it describes. The dataset tests name
the graphs http://kasei.us/2009/09/sparql/data/data{0..3}.rdf, which a W3C test server loads from the web;
the store here holds graphs of those names, each stating `<dataN.rdf> a foaf:Document`. Deviations:

- the manifest's form posts say `application/x-www-url-form-urlencoded` (sic); the positive ones are sent
  here with the registered `application/x-www-form-urlencoded`, the negative ones as written;
- `query_multiple_dataset` asks about `<data1.rdf>`, relative to the endpoint: the graph named by
  `default-graph-uri` (data2.rdf, which wins over the query's FROM) holds that endpoint-relative IRI here;
- the update tests (update_*) do not apply: kg serve is read-only, and answers each of them 403
  (`test_w3c_update_operations_are_refused`); the bad_update_* tests apply and pass (a 4xx).
"""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from test_serve import free_port
from test_serve_security import KASEI, make_store, request_method, serving

RESULT_TYPES = ("application/sparql-results+xml", "application/sparql-results+json")
GRAPH_TYPES = ("application/rdf+xml", "application/rdf+json", "text/turtle")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[str]:
    import pyoxigraph as ox

    port = free_port()
    out = make_store(tmp_path_factory.mktemp("w3c-out"))
    store = ox.Store(str(out / "store"))
    relative = ox.NamedNode(f"http://127.0.0.1:{port}/data1.rdf")  # <data1.rdf> against the endpoint's IRI
    store.add(
        ox.Quad(
            relative,
            ox.NamedNode("http://purl.org/dc/terms/title"),
            ox.Literal("data1"),
            ox.NamedNode(KASEI + "data2.rdf"),
        )
    )
    store.flush()
    del store
    with serving(out, tmp_path_factory.mktemp("log") / "serve.log", port=port) as url:
        yield url + "/sparql"


def send(
    url: str, method: str, query_string: str = "", body: bytes | None = None, content_type: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": content_type} if content_type else {}
    if body is not None:
        headers["Content-Length"] = str(len(body))
    target = url + (f"?{query_string}" if query_string else "")
    if method in ("GET", "PUT"):
        return request_method(target, method, headers)
    import http.client

    parts = urllib.parse.urlsplit(target)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def boolean(content_type: str, body: bytes) -> bool:
    if content_type.startswith("application/sparql-results+json"):
        return bool(json.loads(body)["boolean"])
    root = ET.fromstring(body)
    found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None
    return found.text == "true"


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


D1, D2, D3 = (q(KASEI + f"data{n}.rdf") for n in (1, 2, 3))
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"

# id -> (method, query string, body, content type), expecting an ASK answered true.
ASK_TRUE = {
    "query_get": ("GET", "query=ASK%20%7B%7D", None, None),
    "query_post_form": ("POST", "", b"query=ASK%20%7B%7D", FORM),
    "query_post_direct": ("POST", "", b"ASK {}", DIRECT),
    "query_dataset_default_graph": (
        "POST",
        f"default-graph-uri={D1}",
        b"ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }",
        DIRECT,
    ),
    "query_dataset_default_graphs_get": (
        "GET",
        "query="
        + q(
            "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . "
            "<http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }"
        )
        + f"&default-graph-uri={D1}&default-graph-uri={D2}",
        None,
        None,
    ),
    "query_dataset_default_graphs_post": (
        "POST",
        f"default-graph-uri={D1}&default-graph-uri={D2}",
        b"ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o . <http://kasei.us/2009/09/sparql/data/data2.rdf> ?p ?o }",
        DIRECT,
    ),
    "query_dataset_named_graphs_get": (
        "GET",
        "query="
        + q(
            "ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
            "GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }"
        )
        + f"&named-graph-uri={D1}&named-graph-uri={D2}",
        None,
        None,
    ),
    "query_dataset_named_graphs_post": (
        "POST",
        f"named-graph-uri={D1}&named-graph-uri={D2}",
        b"ASK { GRAPH ?g { ?s ?p ?o } }",
        DIRECT,
    ),
    "query_multiple_dataset": (
        "POST",
        f"default-graph-uri={D2}",
        b"ASK FROM <http://kasei.us/2009/09/sparql/data/data1.rdf> { <data1.rdf> ?p ?o }",
        DIRECT,
    ),
}


@pytest.mark.parametrize("test_id", list(ASK_TRUE))
def test_w3c_ask_is_true(endpoint: str, test_id: str):
    method, query_string, body, content_type = ASK_TRUE[test_id]
    status, headers, answer = send(endpoint, method, query_string, body, content_type)
    assert 200 <= status < 400, answer
    assert headers["content-type"].split(";")[0] in RESULT_TYPES
    assert boolean(headers["content-type"], answer) is True


def test_w3c_query_dataset_full(endpoint: str):
    status, headers, answer = send(
        endpoint,
        "POST",
        f"default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}",
        b"SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }",
        DIRECT,
    )
    assert 200 <= status < 400, answer
    assert headers["content-type"].split(";")[0] in RESULT_TYPES
    rows = json.loads(answer)["results"]["bindings"]
    assert {(row["g"]["value"], row["x"]["value"]) for row in rows} == {
        (KASEI + "data1.rdf", KASEI + "data3.rdf"),
        (KASEI + "data2.rdf", KASEI + "data3.rdf"),
    }


@pytest.mark.parametrize(
    ("test_id", "body", "allowed"),
    [
        (
            "query_content_type_select",
            b"SELECT (1 AS ?value) {}",
            (*RESULT_TYPES, "text/tab-separated-values", "text/csv"),
        ),
        ("query_content_type_ask", b"ASK {}", RESULT_TYPES),
        ("query_content_type_describe", b"DESCRIBE <http://example.org/>", GRAPH_TYPES),
        ("query_content_type_construct", b"CONSTRUCT { <s> <p> 1 } WHERE {}", GRAPH_TYPES),
    ],
)
def test_w3c_content_type(endpoint: str, test_id: str, body: bytes, allowed: tuple[str, ...]):
    status, headers, answer = send(endpoint, "POST", "", body, DIRECT)
    assert 200 <= status < 400, answer
    assert headers["content-type"].split(";")[0] in allowed


UTF16 = "ASK {}".encode("utf-16")

# id -> (method, query string, body, content type), expecting a 4xx.
BAD = {
    "bad_query_method": ("PUT", "query=ASK%20%7B%7D", None, None),
    "bad_multiple_queries": ("GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, None),
    "bad_query_wrong_media_type": ("POST", "", b"ASK {}", "text/plain"),
    "bad_query_missing_form_type": ("POST", "", b"query=ASK%20%7B%7D", None),
    "bad_query_missing_direct_type": ("POST", "", b"ASK {}", None),
    "bad_query_non_utf8": ("POST", "", UTF16, "application/sparql-query; charset=UTF-16"),
    "bad_query_syntax": ("GET", "query=ASK%20%7B", None, None),
    "bad_update_get": ("GET", "update=CLEAR%20ALL", None, None),
    "bad_multiple_updates": (
        "POST",
        "",
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        "application/x-www-url-form-urlencoded",
    ),
    "bad_update_wrong_media_type": ("POST", "", b"CLEAR NAMED", "text/plain"),
    "bad_update_missing_form_type": ("POST", "", b"update=CLEAR%20NAMED", None),
    "bad_update_non_utf8": ("POST", "", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"),
    "bad_update_syntax": ("POST", "", b"update=CLEAR%20XYZ", "application/x-www-url-form-urlencoded"),
    "bad_update_dataset_conflict": (
        "POST",
        "",
        b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E"
        b"%20DELETE%20%7B%20%3Fperson%20%3Chttp%3A%2F%2Fxmlns.com%2Ffoaf%2F0.1%2FgivenName%3E%20%27Bill%27%20%7D"
        b"%20WHERE%20%7B%20%3Fperson%20%3Chttp%3A%2F%2Fxmlns.com%2Ffoaf%2F0.1%2FgivenName%3E%20%27Bill%27%20%7D",
        "application/x-www-url-form-urlencoded",
    ),
}


@pytest.mark.parametrize("test_id", list(BAD))
def test_w3c_bad_request_is_4xx(endpoint: str, test_id: str):
    method, query_string, body, content_type = BAD[test_id]
    status, headers, answer = send(endpoint, method, query_string, body, content_type)
    assert 400 <= status < 500, (status, answer)
    if test_id == "bad_query_method":
        assert status == 405 and "POST" in headers["allow"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-update", b"CLEAR ALL"),
        (FORM, b"update=CLEAR%20ALL"),
        (
            "application/sparql-update",
            b"INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }",
        ),
    ],
)
def test_w3c_update_operations_are_refused(endpoint: str, content_type: str, body: bytes):
    status, _, answer = send(endpoint, "POST", "", body, content_type)
    assert status == 403 and b"read-only" in answer
    status, headers, answer = send(endpoint, "GET", "query=" + q("ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }"))
    assert status == 200 and boolean(headers["content-type"], answer) is False
