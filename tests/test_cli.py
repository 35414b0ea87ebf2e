"""The command line end to end: `kg extract` and `kg build` on real articles, with the real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED_EVAL


def kg(*args: str, cwd: Path | None = None, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed articles plus one bad file of each kind."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in (ROOT / "sources").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Défense".encode("latin-1"))
    (folder / "bad.jsonl").write_text(
        '{"id": "j1", "text": "La Pologne a livré des chars à l\'Ukraine."}\n{oops\n', encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("out")
    return out, kg("build", str(corpus), "-o", str(out))


def test_cli_build_reports_each_bad_file_on_one_line_and_keeps_the_rest(built, corpus: Path):
    out, result = built
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("kg: ")]
    assert any("empty.txt: empty file" in line for line in lines)
    assert any("latin1.txt: not UTF-8" in line for line in lines)
    assert any("bad.jsonl:2: malformed JSON" in line for line in lines)
    assert "Traceback" not in result.stderr
    docs = {json.loads(line)["doc"] for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()}
    assert "j1" in docs and "004_098e0932496c2152.txt" in docs


def test_cli_build_outputs_are_readable_as_the_umask_allows_not_private(built):
    from kg.files import umask_mode

    out, _ = built
    for name in ("events.jsonl", "graph.trig", "graph.html"):
        assert (out / name).stat().st_mode & 0o777 == umask_mode(0o666), name
    assert (out / "store").stat().st_mode & 0o777 == umask_mode(0o777)
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_cli_build_events_follow_the_guidelines_schema(built):
    out, _ = built
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events
    for event in events:
        assert {
            "doc",
            "sentence",
            "relation",
            "suppliers",
            "recipients",
            "items",
            "modality",
            "implicit",
            "rule",
            "start",
            "end",
            "date",
        } <= set(event)
        assert event["relation"] in {"supply", "purchase", "produce", "use", "request"}
        assert event["modality"] in {"asserted", "reported", "hypothetical", "planned", "negated"}
        for actor in event["suppliers"] + event["recipients"]:
            assert set(actor) == {"label", "qid"}


def test_cli_build_graph_conforms_to_shapes(built):
    out, _ = built
    result = kg("validate", "--graph", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_cli_build_is_byte_identical_across_runs_and_hash_seeds(built, corpus: Path, tmp_path: Path):
    out, _ = built
    kg("build", str(corpus), "-o", str(tmp_path), seed="12345")
    for name in ("events.jsonl", "graph.trig"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_cli_build_one_named_graph_per_document(built):
    from rdflib import Dataset

    from kg.rdf import FACTS_GRAPH, SUMMARIES_GRAPH

    out, _ = built
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert str(FACTS_GRAPH) in names
    assert str(SUMMARIES_GRAPH) in names
    assert len(names - {str(FACTS_GRAPH), str(SUMMARIES_GRAPH)}) == 6  # five seeds + the good JSONL article
    stored = kg("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--graph", str(out), "--format", "tsv")
    assert stored.returncode == 0, stored.stderr
    assert set(stored.stdout.splitlines()[1:]) == names  # the store holds the same graphs


def test_cli_extract_writes_stdout_jsonl_and_logs_to_stderr(tmp_path: Path):
    article = tmp_path / "a.txt"
    article.write_text("La Pologne a livré des chars à l'Ukraine.", encoding="utf-8")
    result = kg("extract", str(article))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["suppliers"] == [{"label": "Poland", "qid": "Q36"}]


def test_cli_nothing_readable_is_an_error_not_a_traceback(tmp_path: Path):
    result = kg("extract", str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "missing.txt" in result.stderr


@pytest.mark.parametrize("command", ["extract", "build", "validate", "query", "queries", "rules"])
def test_cli_every_command_has_help(command: str):
    result = kg(command, "--help")
    assert result.returncode == 0 and "usage: kg" in result.stdout


@pytest.mark.skipif(not (SHARED_EVAL / "gold" / "seeds.jsonl").is_file(), reason="shared/eval not beside the clone")
def test_cli_seed_transfers_f1_meets_the_bar(tmp_path: Path):
    out = tmp_path / "seeds.jsonl"
    assert kg("extract", str(SHARED_EVAL / "seeds"), "-o", str(out)).returncode == 0
    score = subprocess.run(
        [
            sys.executable,
            str(SHARED_EVAL / "score.py"),
            str(SHARED_EVAL / "gold" / "seeds.jsonl"),
            str(out),
            "--docs",
            str(SHARED_EVAL / "seeds"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    transfers = json.loads(score.stdout)["results"][0]
    assert transfers["f1"] >= 0.75, transfers


def test_libraries_logging_is_quiet_and_one_line():
    """Dask's chatter never reaches kg's stderr without -v; with -v its warnings and errors do, on one line."""
    import logging

    from kg.cli import DependencyLogFilter

    def record(name: str, level: int, message: str, exc: bool = False) -> logging.LogRecord:
        try:
            raise OSError("stream closed")
        except OSError:
            exc_info = sys.exc_info() if exc else None
        return logging.LogRecord(name, level, __file__, 1, message, None, exc_info)

    quiet, verbose = DependencyLogFilter(False), DependencyLogFilter(True)
    kg_info = record("kg.build", logging.INFO, "5 documents")
    assert quiet.filter(kg_info) and verbose.filter(kg_info)
    chatter = record("distributed.scheduler", logging.INFO, "State start")
    assert not quiet.filter(chatter) and not verbose.filter(chatter)
    cut = record("distributed.batched", logging.ERROR, "Error in batched write\n  to tcp://127.0.0.1:1", exc=True)
    assert not quiet.filter(cut)
    assert verbose.filter(cut)
    line = logging.Formatter("kg: %(message)s").format(cut)
    assert line == "kg: Error in batched write to tcp://127.0.0.1:1"
