"""The query page of kg serve, driven in headless Chromium (Playwright) against the real server.

A small store is built by `kg build` from two articles written here (one holds an HTML payload in the
sentence that yields its event), `kg serve` runs on it on 127.0.0.1, and every page test checks, when
it ends, that the page logged no console error and asked nothing of any host but that server.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_serve import running

from kg.queries import load_named_queries, named_query
from kg.queries.page import ACTORS_QUERY, page_examples, query_parts

PAYLOAD = "<img src=x onerror=\"document.title='pwned'\">"
ARTICLES = {
    "001_payload.txt": f"Pyongyang a livré des obus {PAYLOAD} à Moscou.\n\n"
    "Selon les services sud-coréens, la Corée du Nord a fourni des missiles balistiques à la Russie en 2023.\n",
    "002_drones.txt": "L'Iran a livré des drones Shahed à la Russie.\n\n"
    "Les États-Unis ont fourni des obus à l'Ukraine.\n",
}
KG = "https://w3id.org/kg-arms/ontology#"
TITLE = "kg · SPARQL"
CHROMIUM = Path("/usr/bin/chromium")
# Each cell's value (its first text node: the datatype or language tag is a span after it), by column or whole rows.
ROWS_JS = """(name) => {
  const names = Array.from(document.querySelectorAll('#results th')).map((th) => th.dataset.column);
  const value = (td) => (td.firstChild && td.firstChild.nodeType === Node.TEXT_NODE ? td.firstChild.textContent : '');
  const rows = Array.from(document.querySelectorAll('#results tbody tr'), (tr) => Array.from(tr.cells, value));
  return name === null ? rows : rows.map((row) => row[names.indexOf(name)]);
}"""
NUMBERS = 'SELECT ?n ?name WHERE { VALUES (?n ?name) { (10 "b") (9 "c") (100 "a") } }'


# --- What /examples.json says of the named queries (no server needed) ---------------------------------------------


def bind_parts(parts: list[str], terms: dict[str, str]) -> str:
    return "".join(part if i % 2 == 0 else terms[part] for i, part in enumerate(parts))


def test_query_page_examples_give_each_query_its_parameters_and_cut_text():
    examples = {example["name"]: example for example in json.loads(page_examples())}
    queries = load_named_queries()
    assert list(examples) == [query.name for query in queries]
    for query in queries:
        example = examples[query.name]
        assert example["query"] == query.bind()
        assert [(p["name"], p["default"], p["help"]) for p in example["params"]] == [
            (p.name, p.default, p.help) for p in query.params
        ]
        for declared, param in zip(query.params, example["params"], strict=True):
            kind = "actor" if declared.lookup else "integer" if declared.integer else "text"
            assert param["kind"] == kind
            assert (param.get("options") == ACTORS_QUERY) == (kind == "actor")
        # The cut text, each parameter's term put back, is bind's text for any values.
        values = {p.name: "7" if p.integer else 'Un "nom" \\u00e9\n' for p in query.params}
        terms = {p.name: p.term(values[p.name]) for p in query.params}
        assert bind_parts(example["parts"], terms) == query.bind(values)
    assert examples["suppliers"]["params"][0]["kind"] == "actor"
    assert examples["evidence"]["parts"][1::2] == ["supplier", "recipient", "limit"]


def test_query_page_parts_leave_a_number_that_looks_like_a_mark_alone():
    from kg.queries import parse_query

    query = parse_query(
        "q", "# d\n# param n = 1 : how many\nSELECT * WHERE { ?s ?p 73168425900000 } LIMIT $n\n", "q.rq"
    )
    parts = query_parts(query)
    assert parts is not None and parts[1::2] == ["n"]
    assert "73168425900000" in parts[0]


@pytest.mark.parametrize(("typed", "actor"), [("Moscou", "russia"), ("Pyongyang", "north-korea")])
def test_query_page_actors_query_lists_every_name_the_lookup_keys_hold(typed: str, actor: str):
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(ROOT / "ontology" / "actors.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = [
        {name: row[name].value if row[name] else "" for name in ("actor", "name", "kind", "qid")}
        for row in store.query(ACTORS_QUERY)
    ]
    names = {(row["actor"].rsplit("/", 1)[1], row["name"], row["kind"]) for row in rows}
    assert (actor, typed, "metonym") in names
    # Each name is found as kg query binds it (lookup keys are made by kg build from the same names).
    actor_param = next(param for param in named_query("suppliers").params if param.lookup)
    keys = {actor_param.term(row["name"])[1:-1] for row in rows} | {row["qid"].lower() for row in rows if row["qid"]}
    store.update(Path(ROOT / "kg" / "queries" / "lookup-keys.ru").read_text(encoding="utf-8"))
    lookup = {row[0].value for row in store.query(f"SELECT ?k WHERE {{ ?a <{KG}lookupKey> ?k }}")}
    assert keys <= lookup


# --- The page in Chromium ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`kg build` of the two articles: a real store with an HTML payload in one sentence."""
    sources = tmp_path_factory.mktemp("page-sources")
    for name, text in ARTICLES.items():
        (sources / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("page-out")
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(sources), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "store").is_dir()
    return out


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory) -> Iterator[str]:
    """`kg serve` on a free port of 127.0.0.1, stopped with Ctrl-C (SIGINT) at the end."""
    with running(built, tmp_path_factory.mktemp("page-log") / "serve.log") as (url, _):
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


@dataclass
class Session:
    """A page and what it did: console errors, uncaught errors, every request's URL."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    # Console errors a test provokes on purpose: Chromium logs every 4xx answer to fetch() as one.
    expected_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, hash_: str = "") -> None:
        self.page.goto(self.url + "/" + hash_)
        self.page.wait_for_function("() => document.querySelectorAll('#named option').length > 1")

    def run_named(self, name: str, **values: str) -> None:
        self.page.select_option("#named", name)
        for param, value in values.items():
            self.page.fill(f"#param-{param}", value)
        self.run()

    def run(self) -> None:
        before = self.page.evaluate("document.querySelector('#status').textContent")
        self.page.click("#run")
        self.page.wait_for_function(
            "([before]) => { const s = document.querySelector('#status').textContent;"
            " return s !== before && s !== 'Running…' && !document.querySelector('#results[aria-busy]'); }",
            arg=[before],
        )

    def column(self, name: str) -> list[str]:
        """The values of one result column as shown, in order (without their datatype or language tags)."""
        return list(self.page.evaluate(ROWS_JS, name))

    def table(self) -> list[list[str]]:
        return [list(row) for row in self.page.evaluate(ROWS_JS, None)]


@pytest.fixture
def session(chromium, server: str) -> Iterator[Session]:
    """A fresh browser context (empty localStorage); at the end: no console error, no request elsewhere."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    state = Session(page, server)
    page.on("console", lambda message: message.type == "error" and state.errors.append(message.text))
    page.on("pageerror", lambda error: state.errors.append(str(error)))
    context.on("request", lambda request: state.requests.append(request.url))
    yield state
    context.close()
    assert [error for error in state.errors if not any(e in error for e in state.expected_errors)] == []
    assert state.requests
    for url in state.requests:
        origin = url[len("blob:") :] if url.startswith("blob:") else url
        assert urllib.parse.urlsplit(origin).hostname == "127.0.0.1", url


def endpoint(server: str, query: str, accept: str) -> bytes:
    request = urllib.request.Request(
        server + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(), headers={"Accept": accept}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


@pytest.mark.slow
@pytest.mark.parametrize(("param", "typed"), [("actor", "Moscou"), ("actor", "la Russie"), ("actor", "russie")])
def test_query_page_named_query_form_takes_an_alias_and_shows_results_beside_the_editor(
    session: Session, param: str, typed: str
):
    session.open()
    session.run_named("suppliers", **{param: typed})
    page = session.page
    assert "Russia (Q159)" in page.inner_text(f"#param-{param}-note")
    assert sorted(session.column("supplierLabel")) == ["Iran", "North Korea"]
    # The bound text is what kg query would run: the vocabulary's spelling, in lower case.
    bound = page.input_value("#query")
    assert bound in {named_query("suppliers").bind({"actor": name}) for name in ("Moscou", "Russie")}
    table = page.locator("#results table").bounding_box()
    editor = page.locator("#query").bounding_box()
    form = page.locator("#query-form").bounding_box()
    assert table is not None and editor is not None and form is not None
    assert table["x"] >= form["x"] + form["width"]  # beside, not under
    assert table["y"] < editor["y"] + editor["height"]
    assert 0 <= table["y"] < 800  # in the window, without scrolling


@pytest.mark.slow
def test_query_page_unknown_actor_is_refused_with_the_closest_names(session: Session):
    session.open()
    page = session.page
    page.select_option("#named", "suppliers")
    page.fill("#param-actor", "Coree du Nrd")
    asked = len([url for url in session.requests if url.endswith("/sparql")])
    page.click("#run")
    page.wait_for_selector("#form-error:not([hidden])")
    assert "No actor is named « Coree du Nrd »" in page.inner_text("#form-error")
    assert page.get_attribute("#param-actor", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "param-actor"
    note = page.locator("#param-actor-note")
    note.get_by_role("button", name="North Korea").click()
    assert page.input_value("#param-actor") == "North Korea"
    assert len([url for url in session.requests if url.endswith("/sparql")]) == asked  # nothing was run
    page.fill("#param-actor", "coree du nord")  # no accents: still North Korea
    page.wait_for_function("() => document.querySelector('#param-actor-note').textContent.includes('North Korea')")


@pytest.mark.slow
def test_query_page_binds_text_and_integers_as_kg_query_does(session: Session):
    session.open()
    page = session.page
    value = "x\"y\\u0041\t'} UNION { ?s ?p ?o"  # an input holds no line break
    page.select_option("#named", "values")
    page.fill("#param-currency", value)
    page.fill("#param-limit", "5")
    session.run()
    assert page.input_value("#query") == named_query("values").bind({"currency": value, "limit": "5"})
    assert "0 rows" in page.inner_text("#status")
    page.fill("#param-limit", "five")
    page.click("#run")
    page.wait_for_selector("#form-error:not([hidden])")
    assert page.get_attribute("#param-limit", "aria-invalid") == "true"


@pytest.mark.slow
def test_query_page_sorts_columns_as_numbers_or_text_by_keyboard_too(session: Session):
    session.open()
    page = session.page
    page.fill("#query", NUMBERS)
    session.run()
    assert session.column("n") == ["10", "9", "100"]
    header = page.locator('#results th[data-column="n"]')
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert session.column("n") == ["9", "10", "100"]
    header = page.locator('#results th[data-column="n"]')
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert page.locator('#results th[data-column="n"]').get_attribute("aria-sort") == "descending"
    assert session.column("n") == ["100", "10", "9"]
    page.locator('#results th[data-column="name"]').get_by_role("button").click()
    assert session.column("name") == ["a", "b", "c"]
    # Downloads follow the order shown.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert rows == [["n", "name"], ["100", "a"], ["10", "b"], ["9", "c"]]


@pytest.mark.slow
def test_query_page_permalink_and_history_bring_the_query_back(session: Session, chromium, server: str):
    session.open()
    page = session.page
    session.run_named("suppliers", actor="Pyongyang")
    rows = session.table()
    assert "#q=suppliers" in page.url and "actor=Pyongyang" in page.url
    assert page.get_attribute("#permalink", "href") == "#" + urllib.parse.urlsplit(page.url).fragment
    page.fill("#query", NUMBERS)  # own SPARQL, run second
    session.run()
    assert "#sparql=" in page.url
    history = page.locator("#history li a")
    assert history.count() == 2
    assert history.nth(0).inner_text().startswith("SELECT ?n ?name")
    assert history.nth(1).inner_text() == "suppliers · actor=Pyongyang"
    # A reload keeps the URL (the permalink) and the history, and runs the query again.
    page.reload()
    page.wait_for_selector("#results table")
    assert page.input_value("#query") == NUMBERS
    assert page.locator("#history li a").count() == 2
    page.locator("#history li a").nth(1).click()
    page.wait_for_function("() => document.querySelector('#named').value === 'suppliers'")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('row')")
    page.wait_for_selector("#results table")
    assert page.input_value("#param-actor") == "Pyongyang"
    # The permalink alone, in another browser context (no history there): the same form and rows.
    other = chromium.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(server + "/#q=suppliers&actor=Pyongyang")
        fresh.wait_for_selector("#results table")
        assert fresh.input_value("#named") == "suppliers"
        assert fresh.input_value("#param-actor") == "Pyongyang"
        fresh_rows = [list(row) for row in fresh.evaluate(ROWS_JS, None)]
        assert fresh_rows == rows
    finally:
        other.close()


@pytest.mark.slow
def test_query_page_downloads_csv_and_json_with_the_rows(session: Session, server: str):
    session.open()
    page = session.page
    session.run_named("suppliers", actor="Moscou")
    query = page.input_value("#query")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Download JSON").click()
    assert csv_download.value.suggested_filename == "kg-suppliers.csv"
    got_csv = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    served_csv = list(csv.reader(io.StringIO(endpoint(server, query, "text/csv").decode("utf-8"))))
    assert got_csv == served_csv and len(got_csv) == 3
    got_json = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    served_json = json.loads(endpoint(server, query, "application/sparql-results+json"))
    assert got_json == served_json
    assert {row["supplierLabel"]["value"] for row in got_json["results"]["bindings"]} == {"Iran", "North Korea"}


@pytest.mark.slow
def test_query_page_shows_markup_in_article_text_as_text(session: Session):
    session.open()
    page = session.page
    session.run_named("evidence", supplier="Pyongyang", recipient="Moscou")
    sentences = session.column("sentence")
    assert any(PAYLOAD in sentence for sentence in sentences), sentences
    assert page.locator("#results img").count() == 0
    assert page.locator("img").count() == 0
    assert page.title() == TITLE
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert PAYLOAD.replace('"', '""') in text


@pytest.mark.slow
def test_query_page_runs_from_the_keyboard(session: Session):
    session.open()
    page = session.page
    page.focus("#named")
    page.keyboard.press("End")  # the last named query
    last = page.input_value("#named")
    assert last
    page.focus("#query")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes(' in ')")
    assert page.locator("#history li").count() == 1
    page.select_option("#named", "receives")
    page.fill("#param-actor", "Kiev")
    page.press("#param-actor", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#history li').length === 2")
    assert page.inner_text("#param-actor-note").startswith("→ Ukraine")
    assert "artillery shell" in session.column("itemLabel")


@pytest.mark.slow
def test_query_page_writes_actor_keys_as_kg_query_does(session: Session, server: str):
    """Names with accents, ligatures, apostrophes, hyphens or articles: the page's key is kg query's."""
    rows = json.loads(endpoint(server, ACTORS_QUERY, "application/sparql-results+json"))["results"]["bindings"]
    names = sorted(
        {row["name"]["value"] for row in rows if not row["name"]["value"].isascii() or "'" in row["name"]["value"]}
    )
    picked = [*names[:: max(1, len(names) // 40)], "la Russie", "L’Ukraine", "les États-Unis", "Q423"]
    session.open()
    page = session.page
    page.select_option("#named", "evidence")
    query = named_query("evidence")
    for name in picked:
        page.fill("#param-supplier", name)
        expected = query.bind({"supplier": name})
        page.wait_for_function("([expected]) => document.querySelector('#query').value === expected", arg=[expected])


@pytest.mark.slow
def test_query_page_labels_every_field_and_shows_server_errors_as_text(session: Session):
    session.open()
    page = session.page
    for name in ("evidence", "values", "second-hand"):
        page.select_option("#named", name)
        unlabelled = page.evaluate(
            "() => Array.from(document.querySelectorAll('input, select, textarea'))"
            ".filter((e) => e.labels.length === 0).map((e) => e.id)"
        )
        assert unlabelled == []
    page.get_by_label("supplier").wait_for(state="detached")  # evidence's fields are gone with its form
    page.get_by_label("actor").fill("Moscou")
    session.expected_errors.append("the server responded with a status of 400")
    page.fill("#query", "SELECT <oops> WHERE {")
    session.run()
    assert page.inner_text("#status").startswith("Error 400")
    assert page.locator("#results pre.error").count() == 1
    assert page.locator("#downloads button").count() == 0


@pytest.mark.slow
def test_query_page_csv_keeps_a_formula_in_text_from_running(session: Session):
    session.open()
    page = session.page
    page.fill("#query", 'SELECT ?text ?n WHERE { VALUES (?text ?n) { ("=HYPERLINK(\\"x\\")" -3) ("a, b" 2) } }')
    session.run()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert rows == [["text", "n"], ['\'=HYPERLINK("x")', "-3"], ["a, b", "2"]]
