"""Incremental builds: only changed documents are extracted again, and the result is a clean build's, byte for byte.

The articles are written for these tests; builds run the real model, the real
RDF layer, a real Oxigraph store, the explorer and every file export.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, output_files

from kg import incremental
from kg.build import build
from kg.store import open_store

ARTICLES = {
    "a-caesar.txt": "La France a livré des canons Caesar à l'Ukraine. Paris prévoit d'en envoyer douze autres.",
    "b-shahed.txt": "L'Iran aurait fourni des drones Shahed à la Russie, selon le Washington Post.",
    "c-obus.txt": "La Corée du Nord a vendu des millions d'obus à la Russie.",
    "d-rien.txt": "Le sommet de l'OTAN s'est ouvert mardi à Vilnius sous la pluie.",
}


def _corpus(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def _named_quads(out: Path) -> list[str]:
    """The store's extracted data: every quad of its named graphs (the default graph's ontology has blank nodes)."""
    store = open_store(out)
    return sorted(str(q) for g in store.named_graphs() for q in store.quads_for_pattern(None, None, None, g))


def _assert_same_as_clean(out: Path, corpus: Path, tmp_path: Path, extractor) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    report = build([str(corpus)], clean, full=True, extractor=extractor)
    assert report.reused == 0
    built, expected = output_files(out), output_files(clean)
    assert sorted(built) == sorted(expected)
    for name in expected:
        assert built[name] == expected[name], f"{name} differs from a clean build"
    assert _named_quads(out) == _named_quads(clean)


@pytest.fixture()
def first_build(tmp_path, extractor):
    corpus = _corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (4, 0)
    return corpus, out


def test_changed_article_alone_is_extracted_again_and_outputs_equal_a_clean_build(first_build, tmp_path, extractor):
    corpus, out = first_build
    (corpus / "c-obus.txt").write_text("La Corée du Nord a vendu des roquettes à la Russie.\n", encoding="utf-8")
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused, report.removed) == (1, 3, 0)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("roquettes" in e["sentence"] for e in events)
    assert not any("millions d'obus" in e["sentence"] for e in events)
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


@pytest.mark.parametrize("jobs", [1, 2])
def test_unchanged_corpus_extracts_nothing_and_writes_the_same_bytes(first_build, extractor, jobs):
    """With two jobs as with one: nothing to spread over workers is no error (it was a ZeroDivisionError)."""
    corpus, out = first_build
    before = output_files(out)
    report = build([str(corpus)], out, jobs=jobs, extractor=extractor)
    assert (report.extracted, report.reused) == (0, 4)
    assert output_files(out) == before
    # Where the time went, step by step, adding up to no more than the whole.
    steps = ["sources", "documents", "facts and graph.trig", "store", "explorer and exports", "total"]
    assert list(report.seconds) == steps
    assert all(seconds > 0 for seconds in report.seconds.values())
    assert sum(report.seconds[step] for step in steps[:-1]) <= report.seconds["total"]


def test_deleted_source_takes_its_facts_with_it(first_build, tmp_path, extractor):
    corpus, out = first_build
    iran_supplies = (
        "ASK { GRAPH <https://w3id.org/kg-arms/data/facts> { ?f <https://w3id.org/kg-arms/ontology#supplier> ?s } "
        "?s <https://w3id.org/kg-arms/ontology#lookupKey> 'q794' }"
    )
    assert bool(open_store(out).query(iran_supplies))
    (corpus / "b-shahed.txt").unlink()
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused, report.removed) == (0, 3, 1)
    store = open_store(out)
    graphs = {str(g.value) for g in store.named_graphs()}
    assert not any(g.endswith("/doc/b-shahed.txt") for g in graphs)
    assert not bool(store.query(iran_supplies))
    del store
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


def test_new_source_is_added_to_the_cache(first_build, tmp_path, extractor):
    corpus, out = first_build
    _corpus(corpus, {"e-patriot.txt": "L'Allemagne a livré un système Patriot à l'Ukraine."})
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (1, 4)
    manifest = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    assert [d["id"] for d in manifest["documents"]] == sorted([*ARTICLES, "e-patriot.txt"])
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


def test_a_rule_change_invalidates_every_cached_document(first_build, tmp_path, monkeypatch, extractor):
    corpus, out = first_build
    # A copy of the package whose rule file gains a word: the fingerprint of the pipeline changes.
    package = tmp_path / "package"
    shutil.copytree(incremental.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    rules = package / "rules" / "supply.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a new comment\n", encoding="utf-8")
    monkeypatch.setattr(incremental, "PACKAGE_DIR", package)
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (4, 0)


def test_an_ontology_change_invalidates_every_cached_document(first_build, tmp_path, monkeypatch, extractor):
    corpus, out = first_build
    ontology = tmp_path / "ontology"
    shutil.copytree(Path(incremental.PACKAGE_DIR).parent / "ontology", ontology)
    actors = ontology / "actors.ttl"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    monkeypatch.setenv("KG_ONTOLOGY", str(ontology))
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (4, 0)


def test_a_damaged_cache_means_a_clean_build_not_an_error(first_build, tmp_path, extractor, caplog):
    corpus, out = first_build
    (out / incremental.CACHE).write_text('{"id": "a-caesar.txt", "hash": tru\n', encoding="utf-8")
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (4, 0)
    assert "cache unusable" in caplog.text
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


def test_a_damaged_store_is_loaded_afresh_and_the_cache_still_used(first_build, tmp_path, extractor, caplog):
    """The previous store cannot be copied and updated (RocksDB finds it corrupted): the build loads one from
    graph.trig instead, still extracting only what changed, and says so in one line."""
    corpus, out = first_build
    (out / "store" / "CURRENT").write_text("not a manifest name\n", encoding="utf-8")
    (corpus / "c-obus.txt").write_text("La Corée du Nord a vendu des roquettes à la Russie.\n", encoding="utf-8")
    report = build([str(corpus)], out, extractor=extractor)
    assert (report.extracted, report.reused) == (1, 3)
    assert "cannot reuse the previous store" in caplog.text and "loading the store afresh" in caplog.text
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


def test_full_ignores_the_cache(first_build, extractor):
    corpus, out = first_build
    report = build([str(corpus)], out, full=True, extractor=extractor)
    assert (report.extracted, report.reused) == (4, 0)


@pytest.mark.parametrize("spread", [("--jobs", "2"), ("--dask", "local")], ids=["jobs-2", "dask-local"])
def test_build_spread_over_workers_writes_the_bytes_of_a_build_in_one_process(tmp_path, extractor, spread):
    """`kg build --jobs 2` (two spawned processes) and `--dask local` (a 2-worker LocalCluster) against a build
    in this process: every file and every quad of the store the same."""
    corpus = _corpus(tmp_path / "corpus", ARTICLES)
    for path in (ROOT / "sources").glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    local = tmp_path / "local"
    build([str(corpus)], local, extractor=extractor)
    spread_out = tmp_path / "spread"
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(spread_out), *spread],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHONHASHSEED="1"),
    )
    assert result.returncode == 0, result.stderr
    # Quiet without -v: none of Dask's own logging (a scheduler announcing its workers, a traceback when a
    # connection is cut at shutdown), nothing at all.
    assert result.stderr == ""
    built, expected = output_files(spread_out), output_files(local)
    assert sorted(built) == sorted(expected)
    for name in expected:
        assert built[name] == expected[name], f"{name} differs from the build in one process"
    assert _named_quads(spread_out) == _named_quads(local)


def test_store_loaded_in_pieces_holds_what_one_load_holds(first_build, tmp_path, monkeypatch):
    """graph.trig is bulk-loaded in pieces cut after whole graphs (bounded memory); the quads are the same."""
    from kg import store as store_module
    from kg.paths import ontology_dir

    _, out = first_build
    trig = out / "graph.trig"
    from kg.rdf.trig import trig_chunks

    monkeypatch.setattr(store_module, "CHUNK_BYTES", 1)
    pieces = list(trig_chunks(trig, store_module.CHUNK_BYTES))
    assert len(pieces) > 4 and all(p is not None and p.startswith(b"@prefix") for p in pieces)
    store_module.build_store(trig, tmp_path / "pieces", ontology_dir())
    monkeypatch.setattr(store_module, "CHUNK_BYTES", 10**12)
    assert len(list(trig_chunks(trig, store_module.CHUNK_BYTES))) == 1
    store_module.build_store(trig, tmp_path / "whole", ontology_dir())
    assert _named_quads(tmp_path / "pieces") == _named_quads(tmp_path / "whole") == _named_quads(out)


def _counting_cache_reads(monkeypatch) -> list[str]:
    """The ids of the results parsed back from a cache file from now on."""
    read: list[str] = []
    from_line = incremental.DocumentResult.from_line

    def counted(line: str) -> incremental.DocumentResult:
        result = from_line(line)
        read.append(result.id)
        return result

    monkeypatch.setattr(incremental.DocumentResult, "from_line", staticmethod(counted))
    return read


@pytest.fixture()
def memory():
    from kg.memory import BuildMemory

    kept = BuildMemory()
    yield kept
    kept.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_remembered_build_is_patched_to_a_clean_builds_bytes_reading_only_what_changed(
    tmp_path, extractor, monkeypatch, memory, jobs
):
    """What `kg build --watch` keeps between builds: the results of unchanged documents are not read back from
    the cache, and only the graphs of changed, new and removed documents are read back from the store (in the
    side process too, with two jobs, which keeps its own read and the RDF exports' pieces)."""
    from kg import memory as memory_module
    from kg.export import read as export_read

    corpus, out = _corpus(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build([str(corpus)], out, extractor=extractor, memory=memory, jobs=jobs)
    assert sorted(memory.results) == sorted(ARTICLES) and memory.cache_sha256
    graphs_read: list[list[str]] = []
    read_parts = memory_module.read_document_parts

    def spied(store, documents=None):
        graphs_read.append(sorted(documents) if documents is not None else ["every graph"])
        return read_parts(store, documents)

    monkeypatch.setattr(memory_module, "read_document_parts", spied)
    facts_read: list[list[str] | None] = []
    read_facts = export_read.read_stored_facts

    def spied_facts(store, kept=None, changed=None):
        facts_read.append(None if kept is None or changed is None else sorted(changed))
        return read_facts(store, kept, changed)

    monkeypatch.setattr(export_read, "read_stored_facts", spied_facts)
    before = memory.stored
    cache_reads = _counting_cache_reads(monkeypatch)
    (corpus / "c-obus.txt").write_text("La Corée du Nord a vendu des roquettes à la Russie.\n", encoding="utf-8")
    (corpus / "b-shahed.txt").unlink()
    _corpus(corpus, {"e-patriot.txt": "L'Allemagne a livré un système Patriot à l'Ukraine."})
    report = build([str(corpus)], out, extractor=extractor, memory=memory, jobs=jobs)
    assert (report.extracted, report.reused, report.removed) == (2, 2, 1)
    assert cache_reads == []
    docs = [name for graph in graphs_read[0] if "/doc/" in graph for name in [graph.rsplit("/", 1)[1]]]
    assert sorted(docs) == ["b-shahed.txt", "c-obus.txt", "e-patriot.txt"]
    assert len(graphs_read) == 1
    # The facts and summaries are read again for the subjects whose statements changed, and only those: the
    # facts of the untouched documents stay as read after the first build.
    (restated,) = facts_read
    assert restated is not None and any("/fact/" in iri for iri in restated)
    untouched = [iri for iri in before.facts if iri not in restated]
    assert untouched and all(memory.stored.facts[iri] is before.facts[iri] for iri in untouched)
    _assert_same_as_clean(out, corpus, tmp_path, extractor)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_memory_is_not_used_once_another_build_replaced_the_output(tmp_path, extractor, monkeypatch, memory, jobs):
    """Another process building OUT between two builds of a watcher: its memory no longer describes OUT."""
    corpus, out = _corpus(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build([str(corpus)], out, extractor=extractor, memory=memory, jobs=jobs)
    (corpus / "a-caesar.txt").write_text("L'Italie a livré des obusiers à l'Ukraine.\n", encoding="utf-8")
    build([str(corpus)], out, extractor=extractor, jobs=jobs)
    cache_reads = _counting_cache_reads(monkeypatch)
    (corpus / "d-rien.txt").write_text("Les États-Unis ont envoyé des missiles à Kiev.\n", encoding="utf-8")
    report = build([str(corpus)], out, extractor=extractor, memory=memory, jobs=jobs)
    assert (report.extracted, report.reused) == (1, 3)
    assert sorted(cache_reads) == ["a-caesar.txt", "b-shahed.txt", "c-obus.txt"]
    _assert_same_as_clean(out, corpus, tmp_path, extractor)
    assert "obusiers" in (out / "graph.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("quote", ['"""', "'''"])
@pytest.mark.parametrize("at", range(8))
def test_a_trig_file_with_a_long_string_anywhere_is_not_cut(tmp_path, quote, at):
    """A long string may hold line breaks, so a file with one is never cut at a "}" line, even when the quote
    falls across two of the blocks it is scanned by."""
    from kg.rdf import trig

    text = (
        "@prefix kg: <https://w3id.org/kg-arms/ontology#> .\n" + "#" * at + f"\n<g> {{ <s> kg:p {quote}x{quote} . }}\n"
    )
    path = tmp_path / "graph.trig"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        assert trig._has_long_string(handle, block=8)
    assert list(trig.trig_chunks(path, 0)) == [None]
    path.write_text(text.replace(quote, '"'), encoding="utf-8")
    with path.open("rb") as handle:
        assert not trig._has_long_string(handle, block=8)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 13, 1 << 22])
def test_a_trig_file_is_cut_after_each_graph_whatever_the_blocks_it_is_read_by(tmp_path, block):
    """graph.trig is read by blocks and cut where a line holds only "}": a graph across blocks, or a "}" line
    split between two, is cut alike; directives and empty lines go to the header, the text after the last
    graph comes last."""
    from kg.rdf import trig

    path = tmp_path / "graph.trig"
    path.write_bytes(
        b'@prefix a: <http://a/> .\n\n<http://g/1> {\n  <http://s> a:p "}" .\n}\n\n'
        b"@base <http://b/> .\n<http://g/2> {\n  <s> a:p 1 .\n}\n<http://g/3> { <s> a:p 2 . }"
    )
    graphs = list(trig.trig_graphs(path, block))
    assert graphs == [
        (b"@prefix a: <http://a/> .\n", b'<http://g/1> {\n  <http://s> a:p "}" .\n}\n'),
        (b"@prefix a: <http://a/> .\n@base <http://b/> .\n", b"<http://g/2> {\n  <s> a:p 1 .\n}\n"),
        (b"@prefix a: <http://a/> .\n@base <http://b/> .\n", b"<http://g/3> { <s> a:p 2 . }"),
    ]
    assert list(trig.trig_chunks(path, 0)) == [header + text for header, text in graphs]
    # A chunk ends where a directive comes: it may rebind a prefix of the graphs before.
    assert list(trig.trig_chunks(path, 10**6)) == [
        graphs[0][0] + graphs[0][1],
        graphs[1][0] + graphs[1][1] + graphs[2][1],
    ]
