"""Hostile input: every kind of bad file is one line naming it, nothing else is lost, no build leaves a broken OUT."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.model import Article
from kg.sources import LINE_LIMIT, MAX_BYTES, UNSAFE, break_long_lines, clean_text, read_sources

GOOD = "La Pologne a livré des chars à l'Ukraine en janvier."
WORDS = "la France a livré des chars Leopard et des obus à l'Ukraine , puis".split()


def _read(paths: list[Path]) -> tuple[list[Article], list[str]]:
    problems: list[str] = []
    articles = list(read_sources(paths, on_error=lambda e: problems.append(e.message)))
    return articles, problems


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, env=env, timeout=600)


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) and the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# -- one file of each hostile kind --------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("vide.txt", b"", "empty file"),
        ("vide.jsonl", b"\n\n", "empty file"),
        ("vide.html", b"", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        ("image.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        ("ancien.txt", "La défense antiaérienne.".encode("latin-1"), "not UTF-8 (byte 0xE9 at offset 4;"),
        ("utf16-sans-bom.txt", "La défense.".encode("utf-16-le"), "binary file"),
        ("faux.txt.gz", b"La France n'est pas compress\xc3\xa9e.", "not a gzip file"),
    ],
)
def test_hostile_unreadable_file_is_one_line_and_the_rest_is_read(tmp_path: Path, name: str, content: bytes, problem):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "bon.txt"
    good.write_text(GOOD, encoding="utf-8")
    articles, problems = _read([bad, good])
    assert [a.id for a in articles] == ["bon.txt"]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith(f"{bad}: {problem}")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_hostile_utf16_and_utf32_with_a_bom_are_text(tmp_path: Path, encoding: str):
    path = tmp_path / "windows.txt"
    path.write_text("La défense antiaérienne livrée à Kiev.\r\n", encoding=encoding)
    (article,), problems = _read([path])
    assert problems == [] and article.text == "La défense antiaérienne livrée à Kiev.\r\n"


@pytest.mark.parametrize("kind", ["txt", "txt.gz", "jsonl"])
def test_hostile_50_mb_article_is_refused_in_one_line_without_reading_it_whole(tmp_path: Path, kind: str):
    paragraph = ("La France a livré des obus à l'Ukraine. " * 25 + "\n").encode("utf-8")
    body = paragraph * (50_000_000 // len(paragraph))
    assert len(body) > MAX_BYTES
    big = tmp_path / f"enorme.{kind}"
    if kind == "txt":
        big.write_bytes(body)
        expected = f"{big}: too large ({len(body)} bytes, limit {MAX_BYTES}): split it into several articles"
    elif kind == "txt.gz":
        big.write_bytes(gzip.compress(body, compresslevel=1))
        expected = f"{big}: too large (over {MAX_BYTES} bytes): split it into several articles"
    else:
        text = body.decode("utf-8").replace("\n", " ")
        record = json.dumps({"id": "enorme", "text": text}, ensure_ascii=False)
        big.write_text(record + "\n" + json.dumps({"id": "petit", "text": GOOD}) + "\n", encoding="utf-8")
        expected = f"{big}:1: line too large (over {MAX_BYTES} bytes), skipped"
    good = tmp_path / "bon.txt"
    good.write_text(GOOD, encoding="utf-8")
    articles, problems = _read([big, good])
    assert problems == [expected]
    assert [a.id for a in articles] == (["petit", "bon.txt"] if kind == "jsonl" else ["bon.txt"])


@pytest.mark.parametrize("compressed", [False, True])
def test_hostile_100k_line_jsonl_with_one_malformed_line(tmp_path: Path, compressed: bool):
    lines = [json.dumps({"id": f"d{i}", "text": f"Article {i} : la France a livré des obus."}) for i in range(100_000)]
    lines[50_000] = lines[50_000][:-5]  # cut inside the record
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = tmp_path / ("grand.jsonl.gz" if compressed else "grand.jsonl")
    path.write_bytes(gzip.compress(data, compresslevel=1) if compressed else data)
    started = time.monotonic()
    articles, problems = _read([path])
    assert time.monotonic() - started < 30
    assert len(articles) == 99_999 and "d50000" not in {a.id for a in articles}
    assert len(problems) == 1 and problems[0].startswith(f"{path}:50001: malformed JSON")


def test_hostile_source_that_disappears_mid_read_is_one_line_and_the_rest_goes_on(tmp_path: Path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    problems: list[str] = []
    stream = read_sources([tmp_path], on_error=lambda e: problems.append(e.message))
    assert next(stream).id == "a.txt"  # the folder is listed; now b.txt goes away
    (tmp_path / "b.txt").unlink()
    assert [a.id for a in stream] == ["c.txt"]
    assert problems == [f"{tmp_path / 'b.txt'}: cannot read (No such file or directory)"]


# -- the text itself ----------------------------------------------------------


def test_hostile_control_characters_leave_a_graph_whose_rdf_xml_parses(extractor, tmp_path: Path):
    from lxml import etree
    from rdflib import Dataset, Graph

    from kg.api import build_graph

    path = tmp_path / "ctrl.jsonl"
    record = {
        "id": "ctrl",
        "title": "Titre\x1b[0m",
        "text": "La Pologne\x07 a livré des chars\x01 à l'Ukraine\x0b.\x00",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == [] and not UNSAFE.search(article.text) and len(article.text) == len(record["text"])
    events = list(extractor.extract([article]))
    assert events, "the sentence should still give its supply event"
    assert all(article.text[e.start : e.end] == e.sentence for e in events)
    dataset = Dataset()
    dataset.parse(build_graph([article], events, tmp_path), format="trig")
    union = Graph()
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    etree.fromstring(union.serialize(format="xml", encoding="utf-8"))


def test_hostile_10000_token_sentence_is_parsed_in_bounded_pieces(extractor, tmp_path: Path):
    text = " ".join(WORDS[i % len(WORDS)] for i in range(10_000)) + "."
    path = tmp_path / "phrase.txt"
    path.write_text(text, encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == [] and len(article.text) == len(text)
    assert max(map(len, article.text.split("\n"))) <= LINE_LIMIT
    started = time.monotonic()
    events = list(extractor.extract([article]))
    # Unbroken, this sentence takes over 20 s (parse and matching grow faster than its length); broken, about 4.
    assert time.monotonic() - started < 15
    assert events and all(text[e.start : e.end] == e.sentence for e in events)


def test_hostile_pipeline_bounds_what_it_parses_for_raw_text(extractor):
    from kg.nlp.pipeline import parse_sentences

    text = " ".join(WORDS[i % len(WORDS)] for i in range(10_000)) + "."
    lengths = {id(s.span.doc): len(s.span.doc) for s in parse_sentences(extractor.nlp, [Article(id="x", text=text)])}
    assert max(lengths.values()) <= 2_000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_hostile_extraction_never_raises_on_arbitrary_unicode(extractor, text: str):
    events = extractor.extract_text(text)
    for event in events:
        assert 0 <= event.start <= event.end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x07\x0b\x1b\x7f\x85\u2028\ud800 ")))
def test_hostile_reading_never_raises_and_keeps_offsets(text: str):
    cleaned = clean_text(text)
    assert len(cleaned) == len(text) and not UNSAFE.search(cleaned)
    cleaned.encode("utf-8")
    broken = break_long_lines(cleaned, "x", limit=20, strict=False)
    assert len(broken) == len(cleaned)
    assert all(a == b or (b == "\n" and a.isspace()) for a, b in zip(cleaned, broken, strict=True))


# -- builds -------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    """The seed articles plus one file of each hostile kind."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in (ROOT / "sources").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "zero.txt").write_bytes(b"")
    (folder / "binaire.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes("L'Iran a livré des drones à la Russie.".encode("latin-1"))
    (folder / "utf16.txt").write_text("L'Iran a livré des drones à la Russie.", encoding="utf-16")
    (folder / "ctrl.txt").write_text("La Pologne\x07 a livré des chars\x01 à l'Ukraine.\x1b", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Obus</title><link rel='canonical' href='https://example.org/obus'></head><body>"
        "<article><p>La Corée du Nord a fourni des obus à la Russie, selon les services de renseignement "
        "sud-coréens, qui évoquent plusieurs millions de munitions livrées depuis l'été.</p></article></body></html>",
        encoding="utf-8",
    )
    lines = [json.dumps({"id": f"z{i}", "text": GOOD}) for i in range(3)]
    (folder / "corpus.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n{oups\n").encode("utf-8")))
    return folder


def test_hostile_build_reports_one_line_per_problem_exit_1_and_keeps_the_rest(hostile_corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = kg("build", str(hostile_corpus), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = sorted(result.stderr.splitlines())
    assert lines == sorted(
        [
            f"kg: {hostile_corpus / 'binaire.txt'}: binary file (contains NUL bytes)",
            f"kg: {hostile_corpus / 'corpus.jsonl.gz'}:4: malformed JSON (Expecting property name enclosed in double quotes)",
            f"kg: {hostile_corpus / 'latin1.txt'}: not UTF-8 (byte 0xE9 at offset 13; convert it first, e.g. iconv -f latin1 -t utf-8)",
            f"kg: {hostile_corpus / 'zero.txt'}: empty file",
        ]
    )
    docs = {json.loads(line)["doc"] for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {"utf16.txt", "ctrl.txt", "page.html", "z0"} <= docs
    assert not list(tmp_path.glob(".out.*")), "staging folder left behind"


def test_hostile_nothing_readable_is_exit_2(tmp_path: Path):
    (tmp_path / "zero.txt").write_bytes(b"")
    result = kg("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"kg: no readable article in {tmp_path}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "command",
    [["query", "SELECT * WHERE { ?s ?p ?o }"], ["render"], ["export", "ttl"], ["serve", "--port", "0"]],
    ids=["query", "render", "export", "serve"],
)
def test_hostile_corrupted_store_is_one_line_and_exit_2(tmp_path: Path, command: list[str]):
    """A store whose RocksDB files are damaged (here its CURRENT file) is named in one line, not a traceback."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("not a manifest name\n", encoding="utf-8")
    result = kg(*command, "--graph", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"kg: {tmp_path / 'store'}: not a readable store")


def test_hostile_build_killed_halfway_leaves_the_previous_out_intact(tmp_path: Path):
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    for path in sorted((ROOT / "sources").glob("*.txt")):
        shutil.copy(path, small / path.name)
        for copy in range(4):
            shutil.copy(path, big / f"{copy}-{path.name}")
    out = tmp_path / "out"
    assert kg("build", str(small), "-o", str(out)).returncode == 0
    (out / "notes-analyste.md").write_text("Mes notes.", encoding="utf-8")  # not written by kg: must survive
    before = _tree(out)

    env = dict(os.environ, PYTHONHASHSEED="0")
    build = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(big), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 300
    while not list(tmp_path.glob(".out.build-*/events.jsonl")):  # the outputs are being written
        assert build.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(build.pid, signal.SIGKILL)
    assert build.wait(timeout=60) == -signal.SIGKILL
    assert list(tmp_path.glob(".out.build-*")), "the killed build should have left its staging folder"
    assert _tree(out) == before

    result = kg("build", str(big), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob(".out.build-*")), "the next build should remove the leftover"
    assert (out / "notes-analyste.md").read_text(encoding="utf-8") == "Mes notes."
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    docs = {json.loads(line)["doc"] for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(docs) == 20
    stored = kg(
        "query",
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "--graph",
        str(out),
        "--format",
        "csv",
    )
    assert stored.returncode == 0, stored.stderr
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    assert all(doc in trig for doc in docs)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_hostile_build_killed_while_workers_extract_leaves_no_worker_behind(tmp_path: Path):
    """SIGKILL reaches the parent only: its spawned workers (a model each, 500 MB) must notice and exit."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted((ROOT / "sources").glob("*.txt")):
        for copy in range(6):
            shutil.copy(path, corpus / f"{copy}-{path.name}")
    build = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(tmp_path / "out"), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < 2:
        assert build.poll() is None and time.monotonic() < deadline, "the build ended before its workers started"
        workers = [p for p in _children(build.pid) if "spawn_main" in (Path("/proc") / str(p) / "cmdline").read_text()]
        time.sleep(0.05)
    os.kill(build.pid, signal.SIGKILL)
    assert build.wait(timeout=60) == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "workers outlived the killed build"


def test_hostile_out_caught_between_its_two_renames_is_put_back(tmp_path: Path):
    from kg.api import staged_output

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    aside = tmp_path / f".out.build-{pid}.abcd.old"
    aside.mkdir()
    (aside / "events.jsonl").write_text("ancien\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_output(out) as stage:
        assert out.is_dir() and (out / "events.jsonl").read_text(encoding="utf-8") == "ancien\n"
        (stage / "events.jsonl").write_text("nouveau\n", encoding="utf-8")
        raise RuntimeError("the build fails")
    assert (out / "events.jsonl").read_text(encoding="utf-8") == "ancien\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_hostile_out_holding_the_current_folder_is_written_in_place(tmp_path: Path, monkeypatch):
    from kg.api import staged_output

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_text("à garder", encoding="utf-8")
    with staged_output(Path(".")) as stage:
        assert stage == Path(".")
        (stage / "events.jsonl").write_text("{}\n", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl", "mine.txt"]
