"""Faults and bad input beyond test_hostile.py (issue 25): damaged gzip, impossible dates, damaged manifest or
cache, hostile file names, signals to `kg build --watch`, analyst files in OUT."""

from __future__ import annotations

import gzip
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from kg.model import Article
from kg.sources import read_sources

GOOD = "La Pologne a livré des chars à l'Ukraine."


def _read(paths: list[Path]) -> tuple[list[Article], list[str]]:
    problems: list[str] = []
    articles = list(read_sources(paths, on_error=lambda e: problems.append(e.message)))
    return articles, problems


def test_faults_bit_flipped_jsonl_gz_builds_nothing_from_the_damaged_member(tmp_path: Path):
    lines = [f'{{"id": "d{i}", "text": "La France a livré {i} obus à l\'Ukraine en mars."}}' for i in range(300)]
    expected = [f"La France a livré {i} obus à l'Ukraine en mars." for i in range(300)]
    packed = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=6, mtime=0)
    good = tmp_path / "bon.txt"
    good.write_text("La Pologne a livré des chars.", encoding="utf-8")
    rng = random.Random(25)
    damaged = 0
    for trial in range(40):
        bit = rng.randrange(10 * 8, (len(packed) - 8) * 8)  # past the header, before the CRC and size trailer
        flipped = bytearray(packed)
        flipped[bit // 8] ^= 1 << (bit % 8)
        path = tmp_path / f"flip{trial}.jsonl.gz"
        path.write_bytes(bytes(flipped))
        articles, problems = _read([path, good])
        ids = [a.id for a in articles]
        assert ids[-1] == "bon.txt"
        if problems:
            damaged += 1
            assert ids == ["bon.txt"], f"bit {bit}: {len(ids) - 1} articles kept from a damaged member"
            assert len(problems) == 1 and "\n" not in problems[0]
            assert problems[0].startswith(f"{path}: corrupt gzip") and "nothing read" in problems[0]
        else:  # a flip in padding bits changes no byte of the text
            assert [a.text for a in articles[:-1]] == expected
        path.unlink()
    assert damaged >= 35


def test_faults_truncated_jsonl_gz_is_one_line_and_nothing_from_it(tmp_path: Path):
    good = "".join(f'{{"id": "d{i}", "text": "Phrase numéro {i} sur les obus livrés."}}\n' for i in range(2000))
    truncated = tmp_path / "coupe.jsonl.gz"
    truncated.write_bytes(gzip.compress(good.encode("utf-8"), compresslevel=1)[:-200])
    articles, problems = _read([truncated])
    assert articles == []
    assert problems == [f"{truncated}: corrupt gzip (truncated): nothing read from it"]


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, env=env, timeout=600, cwd=cwd
    )


@pytest.mark.parametrize(
    ("date", "problem"),
    [("2024-13", "month 13"), ("2024-02-31", "day 31 of a month of 29 days"), ("0000-00-00", "year 0000")],
)
def test_faults_impossible_date_is_refused_in_one_line(tmp_path: Path, date: str, problem: str):
    jsonl = tmp_path / "dates.jsonl"
    jsonl.write_text(json.dumps({"id": "faux", "text": GOOD, "date": date}) + "\n", encoding="utf-8")
    txt = tmp_path / "entete.txt"
    txt.write_text(f" date {date} {GOOD}", encoding="utf-8")
    articles, problems = _read([jsonl, txt])
    assert articles == []
    assert problems == [
        f"{jsonl}:1: 'date' {date} is no calendar date ({problem}): fix it or remove it",
        f"{txt}: header date {date} is no calendar date ({problem}): fix it or remove it",
    ]


def test_faults_impossible_dates_leave_the_graph_and_events_jsonl_consistent(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    records = [
        {"id": "treize", "text": GOOD, "date": "2024-13"},
        {"id": "trente-et-un", "text": GOOD, "date": "2024-02-31"},
        {"id": "zero", "text": GOOD, "date": "0000-00-00"},
        {"id": "bon", "text": GOOD, "date": "2024-02-29"},
    ]
    (source / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = kg("build", str(source), "-o", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and all("is no calendar date" in line for line in lines), result.stderr
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["doc"] for e in events} == {"bon"} and {e["date"] for e in events} == {"2024-02-29"}
    graph = (out / "graph.trig").read_text(encoding="utf-8")
    for bad in ("2024-13", "2024-02-31", "0000-00-00"):
        assert bad not in graph
    assert '"2024-02-29"^^xsd:date' in graph


def _swap_two_lines(manifest: dict) -> object:
    first, second = manifest["documents"][:2]
    for key in ("offset", "length"):
        first[key], second[key] = second[key], first[key]
    return manifest


def _shift_offset(manifest: dict) -> object:
    manifest["documents"][0]["offset"] += 1
    return manifest


@pytest.mark.slow
@pytest.mark.parametrize(
    "edit",
    [lambda m: [], lambda m: "manifest", lambda m: {**m, "documents": {}}, _swap_two_lines, _shift_offset],
    ids=["list", "string", "documents-object", "swapped-lines", "shifted-offset"],
)
def test_faults_wrong_shape_or_edited_manifest_is_a_clean_build_in_one_line(tmp_path: Path, edit):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text("La France a livré des canons Caesar à l'Ukraine.", encoding="utf-8")
    (source / "b.txt").write_text("L'Iran a fourni des drones Shahed à la Russie.", encoding="utf-8")
    out = tmp_path / "out"
    assert kg("build", str(source), "-o", str(out)).returncode == 0
    events = (out / "events.jsonl").read_bytes()
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps(edit(json.loads(manifest.read_text(encoding="utf-8")))), encoding="utf-8")
    for _ in range(2):  # the first build repairs the cache: the second uses it without a word
        result = kg("build", str(source), "-o", str(out))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert (out / "events.jsonl").read_bytes() == events
        if _ == 0:
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith(f"kg: {manifest}: damaged (") and "clean build" in result.stderr
        else:
            assert result.stderr == ""


def test_faults_file_names_not_utf8_or_with_controls_are_one_line_each_and_built(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    folder = os.fsencode(source) + b"/"
    with open(folder + b"caf\xe9.txt", "w", encoding="utf-8") as handle:
        handle.write("La France a livré des canons Caesar à l'Ukraine.")
    with open(folder + b"deux\nlignes\x1b[31m.txt", "w", encoding="utf-8") as handle:
        handle.write("L'Iran a fourni des drones Shahed à la Russie.")
    with open(folder + b"vide\n\xff.txt", "wb"):
        pass
    (source / "bon.txt").write_text("La Pologne a livré des chars à l'Ukraine.", encoding="utf-8")
    out = tmp_path / "out"
    result = kg("build", str(source), "-o", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert sorted(result.stderr.splitlines()) == sorted(
        [
            f"kg: {source}/caf\\xe9.txt: file name not UTF-8 or with control characters "
            "(shown escaped; in ids, as U+FFFD or spaces)",
            f"kg: {source}/deux\\nlignes\\x1b[31m.txt: file name not UTF-8 or with control characters "
            "(shown escaped; in ids, as U+FFFD or spaces)",
            f"kg: {source}/vide\\n\\xff.txt: file name not UTF-8 or with control characters "
            "(shown escaped; in ids, as U+FFFD or spaces)",
            f"kg: {source}/vide\\n\\xff.txt: empty file",
        ]
    )
    docs = {json.loads(line)["doc"] for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()}
    assert docs == {"bon.txt", "caf\ufffd.txt", "deux lignes [31m.txt"}
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".cypher", ".jsonl", ".trig", ".nt", ".ttl"):
            assert "\x1b" not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_faults_watch_started_in_the_background_by_a_shell_stops_cleanly(tmp_path: Path, signum: int):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text(GOOD, encoding="utf-8")
    log = tmp_path / "stderr.txt"
    # A non-interactive shell starts a background job with SIGINT ignored: kg must set its own handlers.
    script = f"{shlex.quote(sys.executable)} -m kg.cli build --watch {source} -o {tmp_path / 'out'} 2>{log} & "
    script += 'echo $!; wait $!; echo "exit $?"'
    shell = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert shell.stdout is not None
    pid = int(shell.stdout.readline())
    try:
        deadline = time.monotonic() + 300
        while not (log.exists() and "watching" in log.read_text(encoding="utf-8")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "watching" in log.read_text(encoding="utf-8")
        os.kill(pid, signum)
        rest, _ = shell.communicate(timeout=60)
    finally:
        if shell.poll() is None:
            os.kill(pid, signal.SIGKILL)
            shell.kill()
    assert rest.strip() == "exit 0"
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "kg: stopped watching" and "Traceback" not in "\n".join(lines)


def test_faults_analyst_files_in_out_are_carried_over_even_inside_kg_folders(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert kg("build", str(source), "-o", str(out)).returncode == 0
    assert (out / "neo4j").is_dir() and (out / "cache").is_dir()
    mine = {
        "brouillon.tmp": "notes en cours",
        "neo4j/my-queries.cypher": "MATCH (n) RETURN n;",
        "cache/NOTES.txt": "ne pas effacer",
        "neo4j/mes requêtes/une.cypher": "RETURN 1;",
    }
    for name, text in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (source / "b.txt").write_text("L'Iran a fourni des drones Shahed à la Russie.", encoding="utf-8")
    for _ in range(2):
        result = kg("build", str(source), "-o", str(out))
        assert result.returncode == 0, result.stderr
        for name, text in mine.items():
            assert (out / name).read_text(encoding="utf-8") == text, f"{name} lost"
    docs = {json.loads(line)["doc"] for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()}
    assert docs == {"a.txt", "b.txt"}
    assert not list(out.rglob(".*.tmp")) and not list(tmp_path.glob(".out.*"))
