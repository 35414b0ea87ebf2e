"""The HTML explorer end to end: a real `kg build` (real model) of texts written here, then the page in Chromium.

Debian's chromium (/usr/bin/chromium, installed by .ci/run) is driven by Playwright, headless, with every
request outside file:// refused and recorded. Expected counts come from SPARQL on the same store, never from
the page's own data, so the page cannot agree with itself by accident.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT

from kg import api, cli
from kg.export.palette import edge_width, node_size
from kg.render import ExplorerData, explorer_payload, render_html, render_page, script_json, trigger_marks
from kg.render.browser import CHROMIUM, headless_chromium
from kg.render.layout import layout
from kg.render.style import load_style

IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">'
SCRIPT_PAYLOAD = "</script><script>window.__xss=2</script>"
TEXTS = {
    "r-xss.txt": f" date 2024-05 La France a livré des missiles à l'Ukraine {IMG_PAYLOAD} et {SCRIPT_PAYLOAD} des obus.\n",
    "r-china-iran.txt": " date 2024-01 La Chine a livré des drones à l'Iran. L'Iran a livré des drones à la Russie.\n",
    "r-denial.txt": " date 2024-03 L'Iran n'a pas livré de drones à la Russie.\n",
    "r-mixed.txt": " date 2024-02 L'Iran a livré des drones et des missiles à la Russie.\n",
    "r-poland.txt": " date 2023-06 La Pologne a livré des chars à l'Ukraine.\n",
    "r-received.txt": " date 2023-09 L'Ukraine a reçu des missiles.\n",
    "r-korea.txt": " date 2024-02 La Russie a acheté des obus à la Corée du Nord.\n",
    # Only a denial: Germany -> Georgia rests on « ne livrera pas », drawn as a denial and hidden by default.
    "r-denial-only.txt": " date 2024-03 L'Allemagne ne livrera pas de chars à la Géorgie.\n",
    # The same unnamed party in two articles: one « allies » node, off by default.
    "r-allies-1.txt": " date 2024-04 Les alliés ont livré des obus à l'Ukraine.\n",
    "r-allies-2.txt": " date 2024-05 Ses alliés ont livré des munitions à l'Ukraine.\n",
    # A use of German tanks: an implicit (inferred) supply Germany -> Ukraine.
    "r-implicit.txt": " date 2024-06 L'Ukraine utilise des chars allemands.\n",
    "r-planned.txt": " date 2024-07 L'Espagne prévoit de livrer des chars à la Lettonie.\n",
}
# JSONL articles: one with a url shown as a link, one whose "url" would run script if it were a link.
WEB = [
    {"id": "r-web", "text": "Les États-Unis ont envoyé des obus à l'Ukraine.", "date": "2024-04",
     "url": "https://example.org/news/1"},
    {"id": "r-js-url", "text": "La Corée du Nord aurait fourni des obus à la Russie.", "date": "2024-06",
     "url": "javascript:window.__xss=3"},
]  # fmt: skip

PREFIXES = """PREFIX kg: <https://w3id.org/kg-arms/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# An actor's node: its IRI, or for an unnamed party its label (merged across articles).
NODE_OF = """OPTIONAL { GRAPH ?u%(v)s { ?%(v)s a kg:UnnamedActor ; rdfs:label ?l%(v)s } }
  BIND(COALESCE(CONCAT("unnamed:", LCASE(STR(?l%(v)s))), STR(?%(v)s)) AS ?n%(v)s)"""
# The page's nodes and edges, counted by SPARQL (with `%s`: events kept by a filter, as in EVENT_PARTIES).
NODES = (
    "SELECT (COUNT(DISTINCT ?nactor) AS ?n) WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:supplier|kg:recipient ?actor ."
    " %s } " + (NODE_OF % {"v": "actor"}).replace("%", "%%") + " }"
)
NODE_EDGES = (
    """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?ns ?nr ?class ?cat WHERE {
  GRAPH ?g { ?e kg:evidence ?m ; kg:supplier ?s ; kg:recipient ?r ; a ?class . FILTER(?class != kg:Event)
  OPTIONAL { ?e kg:itemFlow/kg:category ?c } BIND(COALESCE(STR(?c), "none") AS ?cat) %s } """
    + (NODE_OF % {"v": "s"} + NODE_OF % {"v": "r"}).replace("%", "%%")
    + " } }"
)
UNNAMED = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a kg:UnnamedActor } }"
# What the page draws, counted by SPARQL: an actor is a node when it is a party to an event; an edge is a
# distinct (supplier, recipient, relation class, item category or none).
EVENT_PARTIES = "GRAPH ?g { ?e kg:evidence ?m ; kg:supplier|kg:recipient ?actor . %s }"
EVENT_EDGES = """SELECT DISTINCT ?s ?r ?class ?cat WHERE { GRAPH ?g {
  ?e kg:evidence ?m ; kg:supplier ?s ; kg:recipient ?r ; a ?class . FILTER(?class != kg:Event)
  OPTIONAL { ?e kg:itemFlow/kg:category ?c } BIND(COALESCE(STR(?c), "none") AS ?cat) %s } }"""


# --- fixtures and helpers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def out(tmp_path_factory, extractor) -> Path:
    """`kg build` in-process (cli.main) with the session's model: events, graph, store and graph.html."""
    corpus = tmp_path_factory.mktemp("render-corpus")
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    lines = "".join(json.dumps(article, ensure_ascii=False) + "\n" for article in WEB)
    (corpus / "web.jsonl").write_text(lines, encoding="utf-8")
    folder = tmp_path_factory.mktemp("render-out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "load_extractor", lambda ontology=None: extractor)
        assert cli.main(["build", str(corpus), "-o", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    with headless_chromium(CHROMIUM) as chromium:
        yield chromium


@dataclass
class Loaded:
    """A page opened with every request outside file:// refused; what it tried and what it complained about."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)  # type: ignore[attr-defined]


@pytest.fixture
def explorer(browser, out: Path) -> Iterator[Loaded]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    loaded = Loaded(page)

    def local(url: str) -> bool:
        return url.startswith(("file:", "data:", "about:"))

    def route(request_route) -> None:  # type: ignore[no-untyped-def]
        if local(request_route.request.url):
            request_route.continue_()
        else:
            loaded.requests.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("request", lambda r: None if local(r.url) else loaded.requests.append(r.url))
    page.on("console", lambda m: loaded.errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: loaded.errors.append(str(e)))
    page.goto((out / "graph.html").as_uri())
    page.wait_for_function("window.kgReady === true", timeout=20_000)
    yield loaded
    page.close()


def count(out: Path, sparql: str) -> int:
    """The single number a SELECT (COUNT(…) AS ?n) returns on the store."""
    (row,) = list(api.open_store(out).query(PREFIXES + sparql))
    return int(row["n"].value)


def node_id(loaded: Loaded, label: str) -> int:
    (found,) = loaded.js("(label) => nodes.getIds({filter: (n) => n.label === label})", label)
    return int(found)


def edge_id(loaded: Loaded, supplier: str, recipient: str, category: str | None = None) -> int:
    ends = [node_id(loaded, supplier), node_id(loaded, recipient), category]
    found = loaded.js(
        "([a, b, c]) => edges.getIds({filter: (e) => e.from === a && e.to === b && (c === null || e.category === c)})",
        ends,
    )
    assert len(found) == 1, f"{supplier} → {recipient} ({category}): {found}"
    return int(found[0])


def visible(loaded: Loaded) -> tuple[int, int]:
    return tuple(
        loaded.js("[nodes.get({filter: (n) => !n.hidden}).length, edges.get({filter: (e) => !e.hidden}).length]")
    )  # type: ignore[return-value]


def click_canvas(loaded: Loaded, point: dict[str, float]) -> None:
    box = loaded.page.locator("#kg-network").bounding_box()  # type: ignore[attr-defined]
    loaded.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])  # type: ignore[attr-defined]


def node_point(loaded: Loaded, node: int) -> dict[str, float]:
    """Where a node is drawn, in pixels from the network's top-left corner."""
    return loaded.js("(id) => network.canvasToDOM(network.getPositions([id])[id])", node)  # type: ignore[return-value]


def panel_text(loaded: Loaded) -> str:
    return loaded.page.locator("#kg-panel").inner_text()  # type: ignore[attr-defined]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )


# --- the page in the browser ----------------------------------------------------------------------------


def test_render_page_loads_offline_with_no_request_and_no_error(explorer: Loaded):
    assert explorer.js("window.kgReady") is True
    assert explorer.requests == []
    assert explorer.errors == []
    assert explorer.js("typeof network.getPositions") == "function"  # the global network, as in pyvis


def test_render_counts_equal_the_store(explorer: Loaded, out: Path):
    """One node per actor, an unnamed party's articles merged by label; all drawn once both toggles are on."""
    actors = count(out, NODES % "")
    pairs = count(out, NODE_EDGES % "")
    assert actors >= 8 and pairs >= 7
    iris = count(out, f"SELECT (COUNT(DISTINCT ?actor) AS ?n) WHERE {{ {EVENT_PARTIES % ''} }}")
    assert iris == actors + 1 and count(out, UNNAMED) == 2  # « alliés » of two articles: one node
    assert explorer.js("[nodes.length, edges.length]") == [actors, pairs]
    explorer.page.check("#kg-show-denials")  # type: ignore[attr-defined]
    explorer.page.check("#kg-show-unnamed")  # type: ignore[attr-defined]
    assert explorer.js("Object.keys(network.getPositions()).length") == actors
    assert visible(explorer) == (actors, pairs)
    assert f"{actors} of {actors} actors" in explorer.page.locator("#kg-counts").inner_text()  # type: ignore[attr-defined]


def test_render_clicking_an_edge_shows_its_sentence_with_the_trigger_marked(explorer: Loaded):
    edge = edge_id(explorer, "Poland", "Ukraine")
    ends = explorer.js("(id) => { const e = edges.get(id); return network.getPositions([e.from, e.to]); }", edge)
    a, b = ends.values()  # type: ignore[union-attr]
    middle = explorer.js("(p) => network.canvasToDOM(p)", {"x": (a["x"] + b["x"]) / 2, "y": (a["y"] + b["y"]) / 2})
    assert explorer.js("(p) => network.getEdgeAt(p)", middle) == edge  # nothing else drawn there
    click_canvas(explorer, middle)  # a real mouse click
    assert explorer.page.locator("#kg-panel-title").inner_text() == "Poland → Ukraine"  # type: ignore[attr-defined]
    text = panel_text(explorer)
    assert "La Pologne a livré des chars à l'Ukraine." in text
    assert "r-poland.txt" in text and "supply.verb" in text and "2023-06" in text and "tank" in text
    assert explorer.page.locator("#kg-panel-events mark").all_inner_texts() == ["livré"]  # type: ignore[attr-defined]
    assert explorer.errors == []


def test_render_clicking_a_node_lists_its_events_also_without_an_other_side(explorer: Loaded, out: Path):
    ukraine = node_id(explorer, "Ukraine")
    click_canvas(explorer, node_point(explorer, ukraine))
    assert explorer.page.locator("#kg-panel-title").inner_text() == "Ukraine"  # type: ignore[attr-defined]
    expected = count(
        out,
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {EVENT_PARTIES % ''} ?actor skos:prefLabel 'Ukraine'@en . }}",
    )
    assert explorer.page.locator("#kg-panel-events > li").count() == expected >= 4  # type: ignore[attr-defined]
    assert "L'Ukraine a reçu des missiles." in panel_text(explorer)  # no supplier: no edge, still evidence
    # The url of a document is a link; one that is not http(s) stays text.
    link = explorer.page.locator("#kg-panel a.kg-url")  # type: ignore[attr-defined]
    assert link.count() == 1 and link.get_attribute("href") == "https://example.org/news/1"


def test_render_filters_change_what_is_drawn(explorer: Loaded, out: Path):
    page = explorer.page
    iran_russia = edge_id(explorer, "Iran", "Russia", "drone")
    iran_russia_missiles = edge_id(explorer, "Iran", "Russia", "missile")
    # Asserted and negated events: drawn by the best supported, asserted (solid).
    assert explorer.js("(id) => edges.get(id).dashes", iran_russia) is False
    page.uncheck("#kg-filter-modality input[value=asserted]")  # type: ignore[attr-defined]
    assert explorer.js("(id) => edges.get(id).hidden", iran_russia) is True  # a denial only now: hidden
    page.check("#kg-filter-modality input[value=asserted]")  # type: ignore[attr-defined]
    page.check("#kg-show-unnamed")  # type: ignore[attr-defined]  # the counts below include « allies »

    page.uncheck("#kg-filter-modality input[value=negated]")  # type: ignore[attr-defined]
    assert explorer.js("(id) => edges.get(id).dashes", iran_russia) is False

    page.uncheck("#kg-filter-category input[value=drone]")  # type: ignore[attr-defined]
    # An event stays when its modality is kept and one of its categories is (no item: the "" category).
    kept_event = """?e kg:modality ?mod . FILTER(?mod != kg:negated)
        OPTIONAL { ?e kg:itemFlow/kg:category ?c } BIND(COALESCE(STR(?c), "none") AS ?cat)
        FILTER(!CONTAINS(?cat, "drone"))"""
    actors = count(out, NODES % kept_event)
    kept_edge = '?e kg:modality ?mod . FILTER(?mod != kg:negated && !CONTAINS(?cat, "drone"))'
    pairs = count(out, NODE_EDGES % kept_edge)
    assert visible(explorer) == (actors, pairs)
    assert explorer.js("(id) => edges.get(id).hidden", iran_russia) is True
    # The event with drones and missiles keeps its missile edge, not its drone edge.
    assert explorer.js("(id) => edges.get(id).hidden", iran_russia_missiles) is False
    assert explorer.js("(id) => nodes.get(id).hidden", node_id(explorer, "China")) is True

    page.select_option("#kg-date-from", "2024-03")  # type: ignore[attr-defined]
    kept_late = kept_edge + ' OPTIONAL { ?e kg:date ?date } FILTER(!BOUND(?date) || STR(?date) >= "2024-03")'
    late = count(out, NODE_EDGES % kept_late)
    assert 0 < late < pairs and visible(explorer)[1] == late

    page.click("#kg-reset")  # type: ignore[attr-defined]
    assert visible(explorer) == tuple(explorer.js("[nodes.length, edges.length]"))  # type: ignore[arg-type]
    assert explorer.errors == []


def test_render_sizes_and_widths_are_the_exports(explorer: Loaded):
    """The page draws with the sizes of the GEXF/GraphML exports: both take them from style.json."""
    data = explorer.js("JSON.parse(document.getElementById('kg-data').textContent)")
    most = max(node["degree"] for node in data["nodes"])  # type: ignore[index]
    sizes = explorer.js("nodes.get().map((n) => [n.id, n.size])")
    assert sizes == [[n["id"], node_size(n["degree"], most)] for n in data["nodes"]]  # type: ignore[index]
    assert len({size for _, size in sizes}) > 1  # type: ignore[union-attr]
    widths = explorer.js("edges.get().map((e) => [e.id, e.width])")
    documents = [len({data["events"][i]["document"] for i in e["events"]}) for e in data["edges"]]  # type: ignore[index]
    assert widths == [[e["id"], edge_width(n)] for e, n in zip(data["edges"], documents, strict=True)]  # type: ignore[index]
    assert max(documents) > 1


def test_render_search_focuses_an_actor_by_french_name_and_hover_shows_it(explorer: Loaded):
    korea = node_id(explorer, "North Korea")
    explorer.page.fill("#kg-search", "corée du nord")  # type: ignore[attr-defined]
    explorer.page.press("#kg-search", "Enter")  # type: ignore[attr-defined]
    assert explorer.js("network.getSelectedNodes()") == [korea]
    centre = explorer.js("network.getViewPosition()")
    at = explorer.js("(id) => network.getPositions([id])[id]", korea)
    assert abs(centre["x"] - at["x"]) < 1 and abs(centre["y"] - at["y"]) < 1  # type: ignore[index]
    assert explorer.page.locator("#kg-panel-title").inner_text() == "North Korea"  # type: ignore[attr-defined]

    point = node_point(explorer, korea)
    box = explorer.page.locator("#kg-network").bounding_box()  # type: ignore[attr-defined]
    explorer.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])  # type: ignore[attr-defined]
    hover = explorer.page.locator("#kg-hover")  # type: ignore[attr-defined]
    hover.wait_for(state="visible", timeout=5_000)
    assert hover.inner_text().splitlines()[0] == "Corée du Nord"

    explorer.page.fill("#kg-search", "Atlantis")  # type: ignore[attr-defined]
    explorer.page.press("#kg-search", "Enter")  # type: ignore[attr-defined]
    assert explorer.page.locator("#kg-search-status").inner_text() == "no actor matches"  # type: ignore[attr-defined]


def edge_look(loaded: Loaded, edge: int) -> dict:
    return loaded.js(  # type: ignore[return-value]
        "(id) => { const e = edges.get(id); return {hidden: e.hidden, dashes: e.dashes, colour: e.color.color,"
        " arrow: e.arrows ? e.arrows.to.type : 'arrow'}; }",
        edge,
    )


def test_render_edges_are_drawn_by_their_best_supported_modality(explorer: Loaded):
    denial = load_style()["denial_colour"]
    # Asserted: solid; planned only: dotted; both with the category's colour and an arrow.
    poland = edge_look(explorer, edge_id(explorer, "Poland", "Ukraine"))
    assert poland["dashes"] is False and poland["colour"] != denial and poland["arrow"] == "arrow"
    spain = edge_look(explorer, edge_id(explorer, "Spain", "Latvia"))
    assert spain["dashes"] == [2, 5] and not spain["hidden"] and spain["colour"] != denial
    # A denial only (« ne livrera pas »): hidden by default, with Georgia, its only partner.
    germany_georgia = edge_id(explorer, "Germany", "Georgia")
    assert edge_look(explorer, germany_georgia)["hidden"] is True
    assert explorer.js("(id) => nodes.get(id).hidden", node_id(explorer, "Georgia")) is True
    explorer.page.check("#kg-show-denials")  # type: ignore[attr-defined]
    look = edge_look(explorer, germany_georgia)
    assert look == {"hidden": False, "dashes": [10, 4, 2, 4], "colour": denial, "arrow": "bar"}
    assert explorer.js("(id) => nodes.get(id).hidden", node_id(explorer, "Georgia")) is False
    explorer.js("(id) => kgShow('edge', id)", germany_georgia)
    summary = explorer.page.locator("#kg-panel-summary").inner_text()  # type: ignore[attr-defined]
    assert "Denial only" in summary and "negated: 1 event, 1 source" in summary
    # Asserted and negated on one edge: solid, and the header counts both.
    explorer.js("(id) => kgShow('edge', id)", edge_id(explorer, "Iran", "Russia", "drone"))
    summary = explorer.page.locator("#kg-panel-summary").inner_text()  # type: ignore[attr-defined]
    assert summary.splitlines() == ["asserted: 2 events, 2 sources", "negated: 1 event, 1 source"]
    explorer.page.uncheck("#kg-show-denials")  # type: ignore[attr-defined]
    assert edge_look(explorer, germany_georgia)["hidden"] is True
    assert explorer.errors == []


def test_render_an_inferred_transfer_is_marked_so(explorer: Loaded, out: Path):
    implicit = count(out, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e kg:implicit true } }")
    assert implicit == 1
    ends = [node_id(explorer, "Germany"), node_id(explorer, "Ukraine")]
    (edge,) = explorer.js(
        "([a, b]) => edges.getIds({filter: (e) => e.from === a && e.to === b && e.relation === 'supply'})", ends
    )  # type: ignore[misc]
    explorer.js("(id) => kgShow('edge', id)", edge)
    assert explorer.page.locator("#kg-panel-events .kg-inferred").count() == 1  # type: ignore[attr-defined]
    assert "1 inferred transfer" in explorer.page.locator("#kg-panel-summary").inner_text()  # type: ignore[attr-defined]


def test_render_unnamed_parties_are_one_node_per_label_and_off_by_default(explorer: Loaded, out: Path):
    allies = explorer.js("nodes.getIds({filter: (n) => n.label === 'allies'})")
    assert len(allies) == 1  # type: ignore[arg-type]
    (node,) = allies  # type: ignore[misc]
    assert count(out, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a kg:UnnamedActor } }") == 2
    assert explorer.js("(id) => nodes.get(id).hidden", node) is True
    counts = explorer.page.locator("#kg-counts")  # type: ignore[attr-defined]
    assert counts.inner_text().endswith("(1 unnamed party, 1 denial-only edge not shown)")
    edge = edge_id(explorer, "allies", "Ukraine")
    assert edge_look(explorer, edge)["hidden"] is True
    explorer.page.check("#kg-show-unnamed")  # type: ignore[attr-defined]
    assert explorer.js("(id) => nodes.get(id).hidden", node) is False
    assert edge_look(explorer, edge)["hidden"] is False
    assert counts.inner_text().endswith("(1 denial-only edge not shown)")
    click_canvas(explorer, node_point(explorer, node))
    assert explorer.page.locator("#kg-panel-title").inner_text() == "allies"  # type: ignore[attr-defined]
    docs = explorer.page.locator("#kg-panel .kg-doc").all_inner_texts()  # type: ignore[attr-defined]
    assert sorted(docs) == ["r-allies-1.txt", "r-allies-2.txt"]


@pytest.mark.parametrize(
    ("typed", "actor"),
    [("coree du nord", "North Korea"), ("Moscou", "Russia"), ("USA", "United States"), ("etats-unis", "United States"),
     ("KYIV", "Ukraine"), ("pekin", "China")],
)  # fmt: skip
def test_render_search_ignores_accents_and_case_and_knows_aliases(explorer: Loaded, typed: str, actor: str):
    explorer.page.fill("#kg-search", typed)  # type: ignore[attr-defined]
    explorer.page.press("#kg-search", "Enter")  # type: ignore[attr-defined]
    assert explorer.page.locator("#kg-panel-title").inner_text() == actor  # type: ignore[attr-defined]
    assert explorer.js("network.getSelectedNodes()") == [node_id(explorer, actor)]


def test_render_search_opens_no_actor_for_an_abbreviation_it_does_not_know(explorer: Loaded):
    """« UK » is no name in this graph (no United Kingdom): Enter opens nothing, not Ukraine, which it starts."""
    explorer.page.fill("#kg-search", "UK")  # type: ignore[attr-defined]
    explorer.page.press("#kg-search", "Enter")  # type: ignore[attr-defined]
    assert explorer.page.locator("#kg-search-status").inner_text() == "no actor matches"  # type: ignore[attr-defined]
    assert explorer.js("network.getSelectedNodes()") == []


def test_render_search_suggests_as_you_type(explorer: Loaded):
    explorer.page.locator("#kg-search").press_sequentially("mosc")  # type: ignore[attr-defined]
    suggestions = explorer.page.locator("#kg-suggestions li")  # type: ignore[attr-defined]
    assert suggestions.all_inner_texts() == ["Russia — Moscou"]
    explorer.page.locator("#kg-search").fill("")  # type: ignore[attr-defined]
    explorer.page.locator("#kg-search").press_sequentially("u")  # type: ignore[attr-defined]
    assert suggestions.count() > 1
    explorer.page.locator("#kg-search").press_sequentially("kr")  # type: ignore[attr-defined]
    assert suggestions.first.inner_text() == "Ukraine"
    explorer.page.press("#kg-search", "ArrowDown")  # type: ignore[attr-defined]
    explorer.page.press("#kg-search", "Enter")  # type: ignore[attr-defined]
    assert explorer.page.locator("#kg-panel-title").inner_text() == "Ukraine"  # type: ignore[attr-defined]
    assert explorer.page.locator("#kg-suggestions").is_hidden()  # type: ignore[attr-defined]
    assert explorer.errors == [] and explorer.requests == []


def test_render_the_view_is_kept_in_the_url_and_restored(explorer: Loaded, browser, out: Path):
    page = explorer.page
    page.uncheck("#kg-filter-category input[value=drone]")  # type: ignore[attr-defined]
    page.check("#kg-show-denials")  # type: ignore[attr-defined]
    page.select_option("#kg-date-from", "2024-01")  # type: ignore[attr-defined]
    germany_georgia = edge_id(explorer, "Germany", "Georgia")
    explorer.js("(id) => { network.selectEdges([id]); kgShow('edge', id); }", germany_georgia)
    url = page.url  # type: ignore[attr-defined]
    assert "#" in url and "sel=edge" in url and "denials=1" in url
    drawn = explorer.js("edges.get().map((e) => e.hidden)")

    again = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    again.on("pageerror", lambda e: errors.append(str(e)))
    again.goto(url)
    again.wait_for_function("window.kgReady === true", timeout=20_000)
    assert again.is_checked("#kg-show-denials") and not again.is_checked("#kg-show-unnamed")
    assert not again.is_checked("#kg-filter-category input[value=drone]")
    assert again.is_checked("#kg-filter-category input[value=missile]")
    assert again.input_value("#kg-date-from") == "2024-01"
    assert again.evaluate("edges.get().map((e) => e.hidden)") == drawn
    assert again.evaluate("network.getSelectedEdges()") == [germany_georgia]
    assert again.locator("#kg-panel-title").inner_text() == "Germany → Georgia"
    assert again.url == url and errors == []
    # A node, and nothing else changed: only the selection in the fragment.
    again.goto((out / "graph.html").as_uri() + "#sel=node:https%3A%2F%2Fw3id.org%2Fkg-arms%2Factor%2Fpoland")
    again.wait_for_function("window.kgReady === true", timeout=20_000)
    assert again.locator("#kg-panel-title").inner_text() == "Poland"
    assert not again.is_checked("#kg-show-denials") and errors == []
    again.close()
    assert explorer.errors == [] and explorer.requests == []


def test_render_markup_in_an_article_is_shown_as_text_and_runs_nothing(explorer: Loaded):
    assert explorer.js("typeof window.__xss") == "undefined"
    edges_of_france = explorer.js("(id) => edges.getIds({filter: (e) => e.from === id})", node_id(explorer, "France"))
    assert len(edges_of_france) == 2  # missiles and shells: two categories
    click_canvas(explorer, node_point(explorer, node_id(explorer, "France")))
    sentences = explorer.page.locator("#kg-panel .kg-sentence").all_text_contents()  # type: ignore[attr-defined]
    assert any(IMG_PAYLOAD in s and SCRIPT_PAYLOAD in s for s in sentences), sentences
    assert explorer.page.locator("#kg-panel img, #kg-panel script").count() == 0  # type: ignore[attr-defined]
    korea = node_id(explorer, "North Korea")
    click_canvas(explorer, node_point(explorer, korea))
    assert "javascript:window.__xss=3" in panel_text(explorer)  # shown, not a link
    assert explorer.page.locator("#kg-panel a").count() == 0  # type: ignore[attr-defined]
    assert explorer.js("typeof window.__xss") == "undefined"
    assert explorer.errors == [] and explorer.requests == []


def test_render_a_graph_without_events_is_an_empty_page_not_an_error(browser, tmp_path: Path):
    path = tmp_path / "empty.html"
    path.write_text(render_html(ExplorerData()), encoding="utf-8")
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_function("window.kgReady === true", timeout=20_000)
    assert page.evaluate("[nodes.length, edges.length]") == [0, 0] and errors == []
    assert page.locator("#kg-counts").inner_text().startswith("0 of 0 actors")
    page.close()


def test_render_5000_actors_are_drawn_where_laid_out_and_soon_interactive(browser, tmp_path: Path):
    """No physics in the browser: the positions computed in Python stay put, and the page is ready quickly."""
    spec = importlib.util.spec_from_file_location("html_bench", ROOT / "benchmarks" / "html_bench.py")
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    payload = explorer_payload(bench.synthetic_data(5000, seed=3), seed=3)
    path = tmp_path / "big.html"
    path.write_text(render_page(payload), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + "#denials=1&unnamed=1")  # everything drawn: 40% of the actors are unnamed
    page.wait_for_function("window.kgReady === true", timeout=20_000)
    assert page.evaluate("window.kgReadyAt") < 10_000  # 1.8 s on 2 cores (benchmarks/html_bench.py)
    assert page.evaluate("[nodes.length, edges.length]") == [5000, len(payload["edges"])]
    assert page.evaluate("Object.keys(network.getPositions()).length") == 5000
    page.wait_for_timeout(500)
    drawn = page.evaluate("network.getPositions([0, 2500, 4999])")
    for i in (0, 2500, 4999):  # vis-network reports whole pixels (truncated)
        assert abs(drawn[str(i)]["x"] - payload["nodes"][i]["x"]) < 1
        assert abs(drawn[str(i)]["y"] - payload["nodes"][i]["y"]) < 1
    assert errors == []
    page.close()


# --- the page as a file, the CLI ----------------------------------------------------------------------


def test_render_page_is_one_file_with_nothing_to_fetch(out: Path):
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=|<link\b", page, re.IGNORECASE)
    (data,) = re.findall(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert "<" not in data and ">" not in data
    assert any(SCRIPT_PAYLOAD in event["sentence"] for event in json.loads(data)["events"])


def test_render_cli_writes_the_same_page_as_build(out: Path, tmp_path: Path):
    target = tmp_path / "sub" / "explorer.html"
    result = kg("render", "--graph", str(out), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (out / "graph.html").read_bytes()  # deterministic: same store, same bytes
    assert [p.name for p in target.parent.iterdir()] == ["explorer.html"]  # no temporary file, no lib/ folder


def test_render_cli_without_a_store_is_one_line_and_exit_2(tmp_path: Path):
    result = kg("render", "--graph", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kg: ") and "no store" in result.stderr
    assert not (tmp_path / "graph.html").exists()


@pytest.mark.parametrize("command", ["render"])
def test_render_cli_has_help(command: str):
    result = kg(command, "--help")
    assert result.returncode == 0 and "usage: kg render" in result.stdout and "--graph" in result.stdout


# --- the parts in Python --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "triggers", "marks"),
    [
        ("La France a livré des chars.", ("livré",), [[12, 17]]),
        ("Il a livré, puis livré encore.", ("livré", "livré"), [[5, 10], [17, 22]]),
        ("La délivrance a livré des obus.", ("livré",), [[16, 21]]),  # a whole word, not inside « délivrance »
        ("Rien ici.", ("livré",), []),
    ],
)
def test_render_trigger_marks_find_whole_words_in_order(sentence: str, triggers: tuple[str, ...], marks: list):
    assert trigger_marks(sentence, triggers) == marks


@pytest.mark.parametrize("text", [SCRIPT_PAYLOAD, "<!-- a & b -->", "line\u2028separator\u2029", IMG_PAYLOAD])
def test_render_script_json_cannot_close_its_element(text: str):
    encoded = script_json({"sentence": text})
    assert not set("<>&\u2028\u2029") & set(encoded)
    assert json.loads(encoded) == {"sentence": text}


def test_render_layout_is_deterministic_and_spreads_a_star():
    star = [(0, leaf) for leaf in range(1, 60)] + [(60, 61)]
    first = layout(62, star, seed=3)
    assert first == layout(62, star, seed=3)
    assert len(set(first)) == 62  # no two actors on the same spot
    hub = first[0]
    distances = [((x - hub[0]) ** 2 + (y - hub[1]) ** 2) ** 0.5 for x, y in first[1:60]]
    assert min(distances) > 50  # leaves stand clear of their hub
