"""The store and `kg query` end to end: a real `kg build` (real model) on the seeds plus a few texts of our own.

Expected answers are computed from the build's own events.jsonl, never written by hand, and each
computation is checked to be non-empty, so a query that returns nothing cannot pass by accident.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT

from kg import api, cli
from kg.errors import KgError, QueryError, StoreError
from kg.queries import NamedQuery, Param, load_named_queries, load_query_file, named_query, parse_query
from kg.store import STORE_DIRNAME, build_store, open_store

# Our own articles, so that corroboration, denial, two hops and a silent document all occur.
OWN_TEXTS = {
    "q-china-iran-1.txt": " date 2024-01 La Chine a livré des drones à l'Iran. L'Iran a livré des drones à la Russie.\n",
    "q-china-iran-2.txt": " date 2024-02 La Chine a livré des drones à l'Iran.\n",
    "q-denial.txt": " date 2024-03 L'Iran n'a pas livré de drones à la Russie.\n",
    "q-calm.txt": " date 2024-04 Le temps était ensoleillé à Paris mardi.\n",
    # The same denial twice more, in another document: still one row per pair of claims.
    "q-denial-2.txt": " date 2024-03 Téhéran n'a jamais livré de drones à Moscou. "
    "L'Iran n'a pas livré de drones à la Russie, a répété le ministre.\n",
    # A ruled-out recipient of an affirmed delivery, not a denial that Iran supplies Russia.
    "q-redirect.txt": " date 2024-06 L'Iran a livré des drones destinés à Wagner, et non à la Russie.\n",
    # A bound (« plus de ») is no value; a stated sum is.
    "q-values.txt": " date 2024-05 Moscou a conclu des importations de plus de 100 000 dollars de drones iraniens. "
    "Le Pentagone a annoncé un contrat de 300 millions de dollars pour livrer des obus à Kiev.\n",
    # A month stated in the sentence (2023-12 once kg.events dates events by kg.nlp.dates), and no date at all.
    "q-stated.txt": " date 2024-02 En décembre, la Turquie a livré des drones à l'Azerbaïdjan.\n",
    "q-undated.txt": "La Biélorussie a livré des obus au Venezuela.\n",
}

# The columns of each named query: the contract the query page and scripts rely on.
COLUMNS = {
    "actors": ["english", "french", "qid", "kinds", "actor"],
    "contradictions": [
        "relation",
        "supplierLabel",
        "recipientLabel",
        "categoryLabel",
        "modality",
        "affirmedIn",
        "affirmedSentence",
        "deniedIn",
        "deniedSentence",
        "affirmed",
        "denied",
    ],
    "corroborated": [
        "relation",
        "supplierLabel",
        "recipientLabel",
        "itemLabel",
        "categoryLabel",
        "modality",
        "sources",
        "mentions",
        "first",
        "last",
        "fact",
    ],
    "edge-modalities": [
        "supplierLabel",
        "recipientLabel",
        "asserted",
        "reported",
        "planned",
        "hypothetical",
        "negated",
        "facts",
        "supplier",
        "recipient",
    ],
    "evidence": [
        "relation",
        "modality",
        "document",
        "date",
        "sentence",
        "start",
        "trigger",
        "rule",
        "source",
        "items",
        "event",
    ],
    "facts": [
        "relation",
        "supplierLabel",
        "recipientLabel",
        "itemLabel",
        "categoryLabel",
        "sources",
        "mentions",
        "first",
        "last",
        "fact",
    ],
    "items-by-category": ["categoryLabel", "itemLabel", "events", "documents", "category", "item"],
    "outflows": [
        "recipientLabel",
        "categoryLabel",
        "itemLabel",
        "events",
        "documents",
        "modalities",
        "recipient",
        "item",
    ],
    "receives": ["categoryLabel", "itemLabel", "events", "documents", "modalities", "category", "item"],
    "second-hand": ["supplierLabel", "viaLabel", "documents", "viaDocuments", "supplier", "via"],
    "silent-documents": ["id", "date", "title", "url", "document"],
    "suppliers": ["supplierLabel", "relations", "modalities", "facts", "documents", "first", "last", "supplier"],
    "timeline": ["month", "transfers", "documents"],
    "top-recipients": ["recipientLabel", "documents", "events", "recipient"],
    "top-suppliers": ["supplierLabel", "documents", "events", "supplier"],
    "values": [
        "amount",
        "currency",
        "relations",
        "suppliers",
        "recipients",
        "modalities",
        "dates",
        "document",
        "sentence",
        "events",
    ],
}

TRANSFERS = {"supply", "purchase", "produce", "use"}
RELATION_NAME = {
    "supply": "supply",
    "purchase": "purchase",
    "produce": "produce",
    "use": "use",
    "request": "request",
}
INJECTIONS = [
    'Russia" } } ; SELECT * WHERE { ?s ?p ?o } #',
    'x") } UNION { GRAPH ?g { ?s ?p ?o } } #',
    "line one\nline two\r\n} #",
    "ends with a backslash\\",
    "\\u0022) } # an escaped quote",
    "\\U00000022 and \\\\u0022 twice",
    "'single' '''triple''' \"\"\"double\"\"\" {braces} $actor ?var <http://x> # comment",
    "tab\tvertical\x0bnul-free",
]


# --- fixtures and helpers -----------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("query-corpus")
    for path in (ROOT / "sources").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    for name, text in OWN_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def out(corpus: Path, tmp_path_factory, extractor) -> Path:
    """`kg build` run in-process (cli.main), with the session's model instead of a second copy."""
    folder = tmp_path_factory.mktemp("query-out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "load_extractor", lambda ontology=None: extractor)
        assert cli.main(["build", str(corpus), "-o", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def events(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]


def run(out: Path, query: str, fmt: str = "json", **params: str) -> str:
    stream = io.StringIO()
    api.query(out, query, params, fmt=fmt, stream=stream)
    return stream.getvalue()


def rows(out: Path, query: str, **params: str) -> list[dict[str, str | None]]:
    """SPARQL JSON results as dicts of plain values (None when unbound)."""
    data = json.loads(run(out, query, **params))
    names = data["head"]["vars"]
    return [{n: b[n]["value"] if n in b else None for n in names} for b in data["results"]["bindings"]]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )


def actor_key(doc: str, actor: dict) -> str:
    """What tells actors apart in the graph: the Wikidata id, else (unnamed parties) the document and label."""
    return actor["qid"] or f"{doc}/{actor['label']}"


def distinct(events: list[dict]) -> list[dict]:
    """The events as the graph holds them: one node per document, offsets, rule, relation, parties and items.

    (The extractor can emit the same event twice; its IRI, a hash of these, is then the same.)
    """
    seen: dict[str, dict] = {}
    for e in events:
        parties = [sorted(actor_key(e["doc"], a) for a in e[side]) for side in ("suppliers", "recipients")]
        items = sorted(json.dumps(i, sort_keys=True) for i in e["items"])
        seen.setdefault(json.dumps([e["doc"], e["start"], e["end"], e["rule"], e["relation"], parties, items]), e)
    return list(seen.values())


def label_of(events: list[dict]) -> dict[str, str]:
    return {actor_key(e["doc"], a): a["label"] for e in events for a in e["suppliers"] + e["recipients"]}


def fact_keys(events: list[dict]) -> dict[tuple, set[str]]:
    """kg/rdf/facts.py's keys, recomputed from the JSON events: key -> documents."""
    keys: dict[tuple, set[str]] = defaultdict(set)
    for e in events:
        suppliers = [actor_key(e["doc"], a) for a in e["suppliers"]] or [None]
        recipients = [actor_key(e["doc"], a) for a in e["recipients"]] or [None]
        items = [(i["label"], i["category"]) for i in e["items"]] or [(None, None)]
        for s in suppliers:
            for r in recipients:
                for item, category in items:
                    keys[(e["relation"], s, r, item, category, e["modality"])].add(e["doc"])
    return keys


def nonempty(expected):
    """The expectation itself must hold something, or the test it feeds could not fail."""
    assert expected, "the corpus no longer exercises this query"
    return expected


# --- every named query ------------------------------------------------------------


def test_query_every_named_query_has_its_columns_listed_here():
    names = [q.name for q in load_named_queries()]
    assert names == sorted(COLUMNS) and len(names) >= 12


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_query_named_query_runs_with_its_defaults_and_gives_its_columns(out: Path, name: str):
    data = json.loads(run(out, name))
    assert data["head"]["vars"] == COLUMNS[name]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib 7's SPARQL engine warns about its own API
def test_query_named_queries_are_plain_sparql_that_rdflib_answers_alike(out: Path):
    from rdflib import Dataset

    from kg.paths import ontology_dir
    from kg.store import lookup_keys_update

    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    for name in ("kg.ttl", "actors.ttl", "items.ttl"):
        dataset.default_graph.parse(ontology_dir() / name, format="turtle")
    dataset.update(lookup_keys_update())  # as kg.store.build_store does

    def cells(values) -> tuple:
        # GROUP_CONCAT orders its values as the engine met them: compare the values, not the order.
        return tuple(None if v is None else ", ".join(sorted(str(v).split(", "))) for v in values)

    store = open_store(out)
    for query in load_named_queries():
        # A large limit, so that ties at the cut cannot make the two engines keep different rows.
        sparql = query.bind({p.name: "1000" for p in query.params if p.name == "limit"})
        expected = sorted(map(repr, (cells(row) for row in dataset.query(sparql))))
        got = sorted(map(repr, (cells(t.value if t is not None else None for t in row) for row in store.query(sparql))))
        assert got == expected, query.name


# --- answers on known content -------------------------------------------------------


@pytest.mark.parametrize("actor", [None, "Russie", "russia", "Q159", "q159", "Moscou", "Fédération de Russie"])
def test_query_suppliers_are_the_suppliers_of_the_extracted_events(out: Path, events: list[dict], actor: str | None):
    labels = label_of(events)
    docs: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e["relation"] in TRANSFERS and any(r["qid"] == "Q159" for r in e["recipients"]):
            for a in e["suppliers"]:
                docs[actor_key(e["doc"], a)].add(e["doc"])
    facts: dict[str, int] = defaultdict(int)
    for (relation, s, r, *_), _docs in fact_keys(events).items():
        if relation in TRANSFERS and r == "Q159" and s is not None:
            facts[s] += 1
    found = rows(out, "suppliers", **({"actor": actor} if actor else {}))
    assert sorted(row["supplierLabel"] for row in found) == sorted(labels[k] for k in nonempty(docs))
    assert "North Korea" in {row["supplierLabel"] for row in found}
    named = {labels[k]: k for k in docs if "/" not in k}
    for row in found:
        if row["supplierLabel"] in named:
            key = named[row["supplierLabel"]]
            assert int(row["documents"]) == len(docs[key]), row
            assert int(row["facts"]) == facts[key], row


def test_query_receives_lists_item_types_received_with_their_events(out: Path, events: list[dict]):
    counts: dict[tuple[str, str], list] = defaultdict(lambda: [set(), set()])
    for n, e in enumerate(distinct(events)):
        if e["relation"] in TRANSFERS and any(r["qid"] == "Q212" for r in e["recipients"]):
            for item in e["items"]:
                counts[(item["category"], item["label"])][0].add(n)
                counts[(item["category"], item["label"])][1].add(e["doc"])
    found = {
        (row["category"].rsplit("/", 1)[1], row["itemLabel"]): (int(row["events"]), int(row["documents"]))
        for row in rows(out, "receives", actor="Ukraine")
    }
    assert found == {key: (len(ev), len(docs)) for key, (ev, docs) in nonempty(counts).items()}


@pytest.mark.parametrize(("actor", "qid"), [("North Korea", "Q423"), ("Iran", "Q794"), ("Chine", "Q148")])
def test_query_outflows_lists_recipients_and_items(out: Path, events: list[dict], actor: str, qid: str):
    labels = label_of(events)
    counts: dict[tuple[str, str], set[int]] = defaultdict(set)
    for n, e in enumerate(distinct(events)):
        if e["relation"] in TRANSFERS and any(s["qid"] == qid for s in e["suppliers"]):
            recipients = [labels[actor_key(e["doc"], r)] for r in e["recipients"]] or ["(unstated)"]
            for recipient in recipients:
                for item in e["items"]:
                    counts[(recipient, item["label"])].add(n)
    found = {
        (row["recipientLabel"], row["itemLabel"]): int(row["events"]) for row in rows(out, "outflows", actor=actor)
    }
    assert found == {key: len(found_in) for key, found_in in nonempty(counts).items()}


@pytest.mark.parametrize(
    ("supplier", "recipient"), [("North Korea", "Russia"), ("Q794", "Russie"), ("Pyongyang", "Q159")]
)
def test_query_evidence_lists_each_event_of_the_edge(out: Path, events: list[dict], supplier: str, recipient: str):
    qids = {"North Korea": "Q423", "Pyongyang": "Q423", "Q794": "Q794"}
    expected = sorted(
        (e["doc"], e["start"], RELATION_NAME[e["relation"]], e["rule"], e["sentence"])
        for e in distinct(events)
        if any(s["qid"] == qids[supplier] for s in e["suppliers"]) and any(r["qid"] == "Q159" for r in e["recipients"])
    )
    found = rows(out, "evidence", supplier=supplier, recipient=recipient)
    got = sorted((r["document"], int(r["start"]), r["relation"], r["rule"], r["sentence"]) for r in found)
    assert got == nonempty(expected)


def test_query_corroborated_facts_are_stated_in_several_documents(out: Path, events: list[dict]):
    labels = label_of(events)
    expected = {
        (RELATION_NAME[rel], labels.get(s), labels.get(r), item, modality, len(docs))
        for (rel, s, r, item, _category, modality), docs in fact_keys(events).items()
        if len(docs) >= 2
    }
    found = {
        (
            row["relation"],
            row["supplierLabel"],
            row["recipientLabel"],
            row["itemLabel"],
            row["modality"],
            int(row["sources"]),
        )
        for row in rows(out, "corroborated")
    }
    assert found == nonempty(expected)
    assert ("supply", "China", "Iran", "drone", "asserted", 2) in found


def ruled_out(events: list[dict]) -> list[dict]:
    """Negated events beside an affirmed one of the same sentence, rule and trigger: a party ruled out
    (« livrés à Wagner, et non à la Russie »), not a denial."""
    kept = {
        (e["doc"], e["start"], e["end"], e["rule"], json.dumps(e["trigger"]))
        for e in events
        if e["modality"] != "negated"
    }
    return [
        e
        for e in events
        if e["modality"] == "negated" and (e["doc"], e["start"], e["end"], e["rule"], json.dumps(e["trigger"])) in kept
    ]


def test_query_contradictions_pair_an_affirmed_claim_with_its_denial_elsewhere_once(out: Path, events: list[dict]):
    labels = label_of(events)
    redirects = ruled_out(events)
    assert nonempty([e for e in redirects if e["doc"] == "q-redirect.txt"])
    keys = fact_keys([e for e in events if e not in redirects])
    pairs: dict[tuple, list[set[str]]] = defaultdict(lambda: [set(), set()])
    for (rel, s, r, item, category, modality), docs in keys.items():
        if modality != "negated" or s is None or r is None or category is None:
            continue
        for affirmed in ("asserted", "reported"):
            for affirmed_doc in keys.get((rel, s, r, item, category, affirmed), ()):
                for denied_doc in docs - {affirmed_doc}:
                    pairs[(labels[s], labels[r], affirmed)][0].add(affirmed_doc)
                    pairs[(labels[s], labels[r], affirmed)][1].add(denied_doc)
    expected = sorted((*key, sorted(a), sorted(d)) for key, (a, d) in nonempty(pairs).items())
    found_rows = rows(out, "contradictions")
    found = sorted(
        (
            row["supplierLabel"],
            row["recipientLabel"],
            row["modality"],
            sorted(str(row["affirmedIn"]).split(", ")),
            sorted(str(row["deniedIn"]).split(", ")),
        )
        for row in found_rows
    )
    assert found == expected
    # One row per pair of claims, however many sentences state them; the ruled-out recipient denies nothing.
    assert len({(row["affirmed"], row["denied"]) for row in found_rows}) == len(found_rows)
    iran_russia = [row for row in found_rows if (row["supplierLabel"], row["recipientLabel"]) == ("Iran", "Russia")]
    assert {row["modality"] for row in iran_russia} >= {"asserted"}
    for row in iran_russia:
        assert "q-denial.txt" in str(row["deniedIn"]) and "q-denial-2.txt" in str(row["deniedIn"])
        assert "q-redirect.txt" not in str(row["deniedIn"])
        assert row["deniedSentence"] and row["affirmedSentence"]


def test_query_second_hand_suppliers_are_two_hops_away(out: Path, events: list[dict]):
    labels = label_of(events)
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in events:
        if e["relation"] in TRANSFERS:
            for s in e["suppliers"]:
                for r in e["recipients"]:
                    edges[(actor_key(e["doc"], s), actor_key(e["doc"], r))].add(e["doc"])
    vias = {s for (s, r) in edges if r == "Q159" and s != "Q159"}
    expected = {
        (labels[s], labels[via], len(docs))
        for (s, via), docs in edges.items()
        if via in vias and s not in (via, "Q159")
    }
    found = {
        (row["supplierLabel"], row["viaLabel"], int(row["documents"]))
        for row in rows(out, "second-hand", actor="Russia")
    }
    assert found == nonempty(expected)
    assert ("China", "Iran", 2) in found


def event_period(event: dict, article_dates: dict[str, str | None]) -> str:
    """The timeline's row of an event: the month of its date (stated, else the article's), the year when only
    the year is known, else "undated"."""
    date = event["date"] or article_dates.get(event["doc"]) or ""
    if re.match(r"\d{4}-\d{2}", date):
        return date[:7]
    if re.fullmatch(r"\d{4}", date):
        return date
    return "undated"


def test_query_timeline_counts_transfers_per_month_and_the_undated_apart(out: Path, corpus: Path, events: list[dict]):
    from kg.sources import read_sources

    article_dates = {a.id: a.date for a in read_sources([corpus])}
    expected: dict[str, list] = defaultdict(lambda: [0, set()])
    for e in distinct(events):
        if e["relation"] in TRANSFERS:
            period = event_period(e, article_dates)
            expected[period][0] += 1
            expected[period][1].add(e["doc"])
    found = [(row["month"], int(row["transfers"]), int(row["documents"])) for row in rows(out, "timeline")]
    assert found == sorted((m, n, len(d)) for m, (n, d) in nonempty(expected).items())
    # Every transfer is counted: the undated ones (the seeds without a date header, q-undated) in a row of their own.
    assert "undated" in expected and expected["undated"][1] >= {"q-undated.txt"}
    assert sum(n for _, n, _ in found) == sum(1 for e in distinct(events) if e["relation"] in TRANSFERS)


def test_query_timeline_uses_the_date_stated_in_the_sentence(out: Path, events: list[dict]):
    stated = [e for e in events if e["doc"] == "q-stated.txt" and e["relation"] == "supply"]
    assert nonempty(stated) and {e["date"] for e in stated} == {"2023-12"}
    assert "2023-12" in {row["month"] for row in rows(out, "timeline")}


@pytest.mark.parametrize(
    ("query", "side", "column"),
    [("top-suppliers", "suppliers", "supplierLabel"), ("top-recipients", "recipients", "recipientLabel")],
)
def test_query_top_actors_count_their_documents_and_events(
    out: Path, events: list[dict], query: str, side: str, column: str
):
    labels = label_of(events)
    counts: dict[str, list] = defaultdict(lambda: [set(), 0])
    for e in distinct(events):
        if e["relation"] in TRANSFERS:
            for a in e[side]:
                counts[actor_key(e["doc"], a)][0].add(e["doc"])
                counts[actor_key(e["doc"], a)][1] += 1
    best = max(len(docs) for docs, _ in nonempty(counts).values())
    found = rows(out, query, limit="3")
    assert len(found) == 3 and int(found[0]["documents"]) == best
    named = {labels[k]: (len(docs), n) for k, (docs, n) in counts.items() if "/" not in k}
    compared = [row for row in found if row[column] in named]  # unnamed parties share labels across documents
    assert compared
    for row in compared:
        assert (int(row["documents"]), int(row["events"])) == named[row[column]]


@pytest.mark.parametrize("category", [None, "munitions", "ammunition", "Drone"])
def test_query_items_by_category_counts_item_mentions(out: Path, events: list[dict], category: str | None):
    wanted = {None: None, "munitions": "ammunition", "ammunition": "ammunition", "Drone": "drone"}[category]
    counts: dict[tuple[str, str], list] = defaultdict(lambda: [0, set()])
    for e in distinct(events):
        for item in {json.dumps(i, sort_keys=True): i for i in e["items"]}.values():
            if wanted in (None, item["category"]):
                counts[(item["category"], item["label"])][0] += 1
                counts[(item["category"], item["label"])][1].add(e["doc"])
    found = {
        (row["category"].rsplit("/", 1)[1], row["itemLabel"]): (int(row["events"]), int(row["documents"]))
        for row in rows(out, "items-by-category", **({"category": category} if category else {}))
    }
    assert found == {key: (n, len(docs)) for key, (n, docs) in nonempty(counts).items()}


def test_query_silent_documents_are_the_articles_without_events(out: Path, corpus: Path, events: list[dict]):
    expected = {p.name for p in corpus.glob("*.txt")} - {e["doc"] for e in events}
    assert {row["id"] for row in rows(out, "silent-documents")} == nonempty(expected) == {"q-calm.txt"}


@pytest.mark.parametrize(
    ("modality", "name"),
    [("asserted", "asserted"), ("negated", "negated"), ("nié", "negated"), ("Reported", "reported")],
)
def test_query_facts_of_one_modality(out: Path, events: list[dict], modality: str, name: str):
    expected = [key for key in fact_keys(events) if key[-1] == name]
    found = rows(out, "facts", modality=modality, limit="1000")
    assert len(found) == len(nonempty(expected))
    assert len({row["fact"] for row in found}) == len(found)


def test_query_edge_modalities_count_facts_per_modality(out: Path, events: list[dict]):
    labels = label_of(events)
    expected: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rel, s, r, _item, _category, modality in fact_keys(events):
        if rel in TRANSFERS and s is not None and r is not None:
            expected[(labels[s], labels[r])][modality] += 1
    found = rows(out, "edge-modalities", limit="1000")
    modalities = ("asserted", "reported", "planned", "hypothetical", "negated")
    got = {(row["supplierLabel"], row["recipientLabel"]): {m: int(row[m]) for m in modalities} for row in found}
    assert got == {edge: {m: counts.get(m, 0) for m in modalities} for edge, counts in nonempty(expected).items()}


def test_query_values_lists_each_stated_sum_once_per_sentence(out: Path, events: list[dict]):
    sums: dict[tuple, set[str]] = defaultdict(set)
    for e in distinct(events):
        if e.get("value"):
            key = (float(e["value"]["amount"]), e["value"]["currency"], e["doc"], e["sentence"])
            sums[key].add(RELATION_NAME[e["relation"]])
    found = rows(out, "values")
    assert sorted((float(r["amount"]), r["currency"], r["document"], r["sentence"]) for r in found) == sorted(
        nonempty(sums)
    )
    # A sentence that yields two events with one sum (a production and a supply) is one row naming both.
    assert any(len(relations) > 1 for relations in sums.values())
    for row in found:
        key = (float(row["amount"]), row["currency"], row["document"], row["sentence"])
        assert set(str(row["relations"]).split(", ")) == sums[key]
    assert rows(out, "values", currency="EUR") == [] and len(rows(out, "values", currency="usd")) == len(sums)
    # « plus de 100 000 dollars » is a bound, not the value of the imports.
    assert 100000.0 not in {float(r["amount"]) for r in found}
    assert 300000000.0 in {float(r["amount"]) for r in found if r["document"] == "q-values.txt"}


@pytest.mark.parametrize(
    ("bound", "amount"),
    [
        ("plus de ", None),
        ("au moins ", None),
        ("jusqu'à ", None),
        ("moins de ", None),
        ("près de ", 100000),
        ("", 100000),
    ],
)
def test_query_a_bound_before_a_sum_is_not_its_value(extract, bound: str, amount: int | None):
    found = extract(f"Moscou a conclu des importations de {bound}100 000 dollars de drones iraniens.")
    assert nonempty(found)
    assert {e["value"]["amount"] if e["value"] else None for e in found} == {amount}


@pytest.mark.parametrize(
    "name",
    [
        "Corée du Nord",
        "north korea",
        "Pyongyang",
        "Q423",
        "q423",
        "RPDC",
        "Coree du Nord",
        "la Corée du Nord",
        "COREE-DU-NORD",
        "the North Korea",
        "  corée  du   nord ",
    ],
)
def test_query_actor_parameter_matches_labels_metonyms_and_wikidata_ids(out: Path, name: str):
    assert [(r["english"], r["qid"]) for r in rows(out, "actors", name=name)] == [("North Korea", "Q423")]


@pytest.mark.parametrize(
    ("name", "qid"),
    [
        ("la Russie", "Q159"),
        ("Moscou", "Q159"),
        ("Kyiv", "Q212"),
        ("l’Ukraine", "Q212"),
        ("USA", "Q30"),
        ("les Etats-Unis", "Q30"),
        ("Téhéran", "Q794"),
        ("teheran", "Q794"),
    ],
)
def test_query_actor_parameter_ignores_accents_case_and_leading_articles(out: Path, name: str, qid: str):
    assert [r["qid"] for r in rows(out, "actors", name=name)] == [qid]


def test_query_actor_keys_of_the_store_are_the_python_keys_of_every_name(out: Path):
    """lookup-keys.ru (SPARQL, at build time) and kg.queries.actor_key (Python, at bind time) agree on every
    label, alias and metonym of the vocabulary."""
    from kg.queries import actor_key

    store = open_store(out)
    names = """
        PREFIX kg: <https://w3id.org/kg-arms/ontology#>
        PREFIX actor: <https://w3id.org/kg-arms/actor/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?actor ?name WHERE { ?actor skos:inScheme actor:scheme ; skos:prefLabel|skos:altLabel|kg:metonym ?name }
    """
    keys: dict[str, set[str]] = defaultdict(set)
    for actor, key in store.query("SELECT ?a ?k WHERE { ?a <https://w3id.org/kg-arms/ontology#lookupKey> ?k }"):
        keys[actor.value].add(key.value)
    pairs = [(actor.value, name.value) for actor, name in store.query(names)]
    assert len(nonempty(pairs)) > 1000
    assert not [(actor, name, actor_key(name)) for actor, name in pairs if actor_key(name) not in keys[actor]]
    assert any(actor_key(name) != name.lower() for _, name in pairs)


@pytest.mark.parametrize(
    ("value", "closest"),
    [("Coree du Nrd", "Corée du Nord"), ("Rusie", "Russie"), ("Pyongyan", "Pyongyang"), ("xqzwv", None)],
)
def test_query_actor_that_names_nothing_is_refused_with_the_closest_names(out: Path, value: str, closest: str | None):
    from kg.queries import check_actors

    store = open_store(out)
    with pytest.raises(QueryError) as raised:
        check_actors(store, named_query("suppliers"), {"actor": value})
    message = raised.value.message
    assert message.startswith(f"suppliers: no actor matched {value!r} for actor") and "\n" not in message
    if closest is None:
        assert "no close name" in message
    else:
        assert closest in message.split("closest: ", 1)[1]
    check_actors(store, named_query("suppliers"), {"actor": "la Russie"})  # a name that matches passes
    check_actors(store, named_query("suppliers"), {})  # so does the default


def test_query_actor_that_names_nothing_is_one_line_exit_2(out: Path):
    result = kg("query", "suppliers", "--graph", str(out), "--param", "actor=Coree du Nrd")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no actor matched 'Coree du Nrd'" in result.stderr
    assert "Corée du Nord" in result.stderr


# --- parameters ------------------------------------------------------------------------


ECHO = "# Echo one parameter\n# param v = x : any text\nSELECT ?v WHERE { BIND($v AS ?v) }\n"


@pytest.mark.parametrize("value", INJECTIONS)
def test_query_parameter_values_stay_one_literal_in_every_engine(out: Path, tmp_path: Path, value: str):
    from rdflib import Graph

    path = tmp_path / "echo.rq"
    path.write_text(ECHO, encoding="utf-8")
    assert [r["v"] for r in rows(out, str(path), v=value)] == [value]  # Oxigraph, through kg query
    sparql = load_query_file(path).bind({"v": value})
    assert [str(r[0]) for r in Graph().query(sparql)] == [value]  # rdflib reads it back alike
    # A named query given the same value runs, and matches nothing: the value never became syntax.
    # (Straight on the store: kg query refuses an actor that names nothing before running the query.)
    store = open_store(out)
    assert list(store.query(named_query("suppliers").bind({"actor": value}))) == []
    assert list(store.query(named_query("evidence").bind({"supplier": value, "recipient": value}))) == []


def test_query_parameter_through_the_command_line(out: Path):
    result = kg("query", "suppliers", "--graph", str(out), "--param", "actor=Q159", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "North Korea" in {b["supplierLabel"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]}
    printed = kg("query", "suppliers", "--param", 'actor=Ir"an', "--print")
    assert printed.returncode == 0 and 'kg:lookupKey "ir\\"an"' in printed.stdout and "$actor" not in printed.stdout


@pytest.mark.parametrize("value", ["abc", "5 } LIMIT 1", "1.5", ""])
def test_query_integer_parameter_takes_integers_only(out: Path, value: str):
    with pytest.raises(QueryError, match="takes an integer"):
        run(out, "top-suppliers", limit=value)
    assert len(rows(out, "top-suppliers", limit="2")) == 2


def test_query_unknown_parameter_is_an_error(out: Path):
    with pytest.raises(QueryError, match="unknown parameter 'country'.*actor"):
        run(out, "suppliers", country="Iran")


def test_queries_key_parameter_is_bound_as_a_lookup_key():
    query = parse_query("q", "# D\n# key who = Corée du Nord : an actor\nSELECT ?a WHERE { ?a ?p $who }\n", "q.rq")
    assert query.params[0].lookup
    assert '"coree du nord"' in query.bind() and '"q423"' in query.bind({"who": "Q423"})
    assert '"etats unis"' in query.bind({"who": "Les États-Unis"}) and '"ukraine"' in query.bind({"who": "L’Ukraine"})


def test_queries_bind_fills_defaults_and_given_values():
    query = parse_query(
        "q",
        "# Two parameters\n# param a = Iran : a name\n# param n = 3 : a count\n"
        "SELECT * WHERE { ?s ?p $a } LIMIT $n # $a in a comment stays\n",
        "q.rq",
    )
    assert query.params == (Param("a", "Iran", "a name"), Param("n", "3", "a count"))
    assert query.bind() == 'SELECT * WHERE { ?s ?p "Iran" } LIMIT 3 # $a in a comment stays\n'
    assert query.bind({"a": "x", "n": "10"}) == 'SELECT * WHERE { ?s ?p "x" } LIMIT 10 # $a in a comment stays\n'
    text = "# D\n# param a = x : h\nSELECT * WHERE { ?s ?p '$a' . ?s ?q \"$a\" . ?s <http://x/$a> $a . ?s ?r $ab }\n"
    assert parse_query("q", text, "q.rq", strict=False).bind() == (
        'SELECT * WHERE { ?s ?p \'$a\' . ?s ?q "$a" . ?s <http://x/$a> "x" . ?s ?r $ab }\n'
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", "q.rq:1: the first line must be"),
        ("# D\n# param a Iran : help\nSELECT * WHERE { ?s ?p $a }\n", "q.rq:2: expected '# param"),
        ("# D\n# param a = Iran\nSELECT * WHERE { ?s ?p $a }\n", "q.rq:2: expected '# param"),
        ("# D\n# param a-b = x : help\nSELECT * WHERE { ?s ?p ?o }\n", "q.rq:2: 'a-b' is not a parameter name"),
        (
            "# D\n# param a = x : h\n# param a = y : h\nSELECT * WHERE { ?s ?p $a }\n",
            "q.rq:3: parameter a declared twice",
        ),
        ("# D\n# param a = x : h\nSELECT * WHERE { ?s ?p ?o }\n", "q.rq: parameter a is declared but"),
        ("# D\nSELECT * WHERE { ?s ?p $a }\n", "q.rq: $a is used but not declared"),
        ("# D\n# param a = x : h\n", "q.rq: no SPARQL after the header"),
    ],
)
def test_queries_loader_names_the_malformed_file(tmp_path: Path, text: str, problem: str):
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        load_named_queries(tmp_path)
    assert problem in caught.value.message and "\n" not in caught.value.message


def test_queries_named_query_is_a_frozen_value():
    query = load_named_queries()[0]
    assert isinstance(query, NamedQuery)
    with pytest.raises(AttributeError):
        query.name = "other"  # type: ignore[misc]


# --- formats, query sources, errors ----------------------------------------------------------


def test_query_csv_tsv_and_json_parse_back_to_the_same_rows(out: Path):
    data = json.loads(run(out, "evidence"))
    names = data["head"]["vars"]
    expected = [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    assert len(nonempty(expected)) >= 2
    table = list(csv.reader(io.StringIO(run(out, "evidence", fmt="csv"), newline="")))
    assert table == [names, *expected]
    unescape = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\\\": "\\"}
    tsv = list(csv.reader(io.StringIO(run(out, "evidence", fmt="tsv")), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert [[re.sub(r"\\[tnr\\]", lambda m: unescape[m.group(0)], c) for c in row] for row in tsv] == [names, *expected]


def test_query_table_is_aligned_plain_text_when_piped(out: Path):
    result = kg("query", "suppliers", "--graph", str(out))
    assert result.returncode == 0, result.stderr
    header, rule, *lines = result.stdout.splitlines()
    assert header.split() == COLUMNS["suppliers"] and set(rule) <= {"-", " "}
    assert any(line.startswith("North Korea ") for line in lines)
    assert "actor:north-korea" in result.stdout  # IRIs shortened with the project's prefixes


def test_query_table_on_a_terminal_is_a_rich_table(out: Path):
    from kg.query import run_query, write_results

    stream = io.StringIO()
    sparql = named_query("timeline").bind()
    write_results(run_query(open_store(out), sparql), "table", stream, terminal=True)
    header, rule, *lines = stream.getvalue().splitlines()
    assert header.split() == COLUMNS["timeline"] and set(rule.strip()) == {"─"}
    assert [line.split()[0] for line in lines] == [row["month"] for row in rows(out, "timeline")]


def test_query_rq_file_and_inline_sparql(out: Path, tmp_path: Path):
    from rdflib import Graph

    path = tmp_path / "who.rq"
    path.write_text(
        "# Who supplies whom, by Wikidata id\n# param qid = Q794 : the supplier\n"
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX kg: <https://w3id.org/kg-arms/ontology#>\n"
        "SELECT DISTINCT ?recipient WHERE { ?s owl:sameAs ?w . FILTER(STRENDS(STR(?w), $qid))\n"
        "  GRAPH ?g { ?s kg:supplies ?recipient } }\n",
        encoding="utf-8",
    )
    iran_supplies = {"https://w3id.org/kg-arms/actor/russia", "https://w3id.org/kg-arms/actor/wagner-group"}
    assert {r["recipient"] for r in rows(out, str(path))} == iran_supplies
    assert {r["recipient"] for r in rows(out, str(path), qid="Q148")} == {"https://w3id.org/kg-arms/actor/iran"}
    inline = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kg-arms/data/facts> { ?f a ?c } }"
    assert int(rows(out, inline)[0]["n"]) > 0
    assert run(out, "ASK { ?s ?p ?o }", fmt="table") == "true\n"
    assert json.loads(run(out, "ASK { GRAPH ?g { ?s <urn:nothing> ?o } }")) == {"head": {}, "boolean": False}
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/kg-arms/data/facts> { ?s ?p ?o } } LIMIT 5"
    assert len(Graph().parse(data=run(out, construct, fmt="csv"), format="nt")) == 5
    assert len(Graph().parse(data=run(out, construct, fmt="table"), format="turtle")) == 5


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "SELEC ?s WHERE { ?s ?p ?o }", "ASK { ?s ?p ?o "])
def test_query_malformed_query_is_one_line_with_the_parser_message_exit_2(out: Path, query: str):
    result = kg("query", query, "--graph", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert re.match(r"kg: query: malformed query: error at \d+:\d+: ", result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-query"], "no-such-query: no such named query (kg queries lists them)"),
        (["missing.rq"], "missing.rq: no such query file"),
        (["suppliers", "--param", "actor"], "--param 'actor': expected NAME=VALUE"),
    ],
)
def test_query_unknown_query_or_bad_param_is_one_line_exit_2(out: Path, args: list[str], message: str):
    result = kg("query", *args, "--graph", str(out))
    assert result.returncode == 2 and result.stderr == f"kg: {message}\n"


def test_query_missing_store_is_one_line_exit_2(tmp_path: Path):
    result = kg("query", "suppliers", "--graph", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"kg: {tmp_path / STORE_DIRNAME}: no store here (run kg build first)\n"


def test_queries_lists_one_named_query_per_line_without_header():
    result = kg("queries")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 12 and [line.split()[0] for line in lines] == sorted(COLUMNS)
    for line in lines:
        assert re.fullmatch(r"[a-z0-9-]+ +\S.*", line), line


# --- the store --------------------------------------------------------------------------------


def test_store_named_graphs_are_the_trig_graphs_and_the_default_graph_the_vocabularies(out: Path):
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    trig_graphs = {str(g.identifier): len(g) for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID}
    store = open_store(out)
    stored = {
        r["g"].value: int(r["n"].value)
        for r in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    # The documents' graphs, kgd:facts and kgd:summaries.
    assert stored == trig_graphs and len(stored) == len(OWN_TEXTS) + 5 + 2
    ask = 'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { <https://w3id.org/kg-arms/actor/russia> skos:prefLabel "Russie"@fr }'
    assert bool(store.query(ask))
    assert bool(store.query("ASK { <https://w3id.org/kg-arms/ontology#Fact> ?p ?o }"))
    assert bool(store.query("ASK { <https://w3id.org/kg-arms/item/shahed> ?p ?o }"))
    # The actors' lookup keys, added once the vocabularies are in: names and Wikidata id in lower case.
    keys = "SELECT ?k WHERE { <https://w3id.org/kg-arms/actor/north-korea> <https://w3id.org/kg-arms/ontology#lookupKey> ?k }"
    found = {row["k"].value for row in store.query(keys)}
    assert {"north korea", "corée du nord", "pyongyang", "q423"} <= found


def test_store_is_opened_read_only(out: Path):
    import pyoxigraph as ox

    store = open_store(out)
    with pytest.raises((OSError, RuntimeError)):
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))


def test_store_rebuild_is_atomic_and_a_failed_one_keeps_the_old_store(out: Path, tmp_path: Path):
    from kg.paths import ontology_dir

    trig = tmp_path / "graph.trig"
    shutil.copy(out / "graph.trig", trig)
    build_store(trig, tmp_path, ontology_dir())
    count = len(open_store(tmp_path))

    good = trig.read_text(encoding="utf-8")
    trig.write_text(good + "\n<urn:g> { <urn:a> <urn:b> <urn:c . }\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"graph\.trig: cannot load into the store \(.+\)"):
        build_store(trig, tmp_path, ontology_dir())
    assert len(open_store(tmp_path)) == count  # the old store, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", STORE_DIRNAME]  # no temporary left

    trig.write_text(good + "\n<urn:g> { <urn:a> <urn:b> <urn:c> . }\n", encoding="utf-8")
    build_store(trig, tmp_path, ontology_dir())
    assert len(open_store(tmp_path)) == count + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", STORE_DIRNAME]


def test_store_missing_store_names_the_path(tmp_path: Path):
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path)
    assert caught.value.message == f"{tmp_path / STORE_DIRNAME}: no store here (run kg build first)"
    assert isinstance(caught.value, KgError)
