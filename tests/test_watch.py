"""`kg build --watch`: a rebuild after every change of the sources, the model loaded once, outputs as a clean build's.

The articles are written for these tests. The watcher runs for real: in a
thread of this process (with the session's extractor) to check what it
builds, and as the `kg` command in a subprocess for Ctrl-C and the restart
after a change of the ontology.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, output_files

from kg.build import build
from kg.watch import watch

WAIT = 120  # seconds for one build or look, far above what any takes


class Watcher:
    """`watch` running in a thread, its lines in a queue."""

    def __init__(self, paths: list[str], out: Path, extractor) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.stop = threading.Event()
        self.result: list[bool] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(
                watch(paths, out, interval=0.05, extractor=extractor, notify=self.lines.put, stop=self.stop)
            ),
            daemon=True,
        )

    def next_line(self) -> str:
        return self.lines.get(timeout=WAIT)

    def finish(self) -> bool:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()
        return self.result[0]


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("La France a livré des canons Caesar à l'Ukraine.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Le sommet de l'OTAN s'est ouvert mardi à Vilnius.\n", encoding="utf-8")
    return folder


@pytest.fixture()
def watcher(corpus, tmp_path, extractor) -> Iterator[Watcher]:
    running = Watcher([str(corpus)], tmp_path / "out", extractor)
    running.thread.start()
    yield running
    running.stop.set()


def test_a_changed_source_is_rebuilt_alone_and_gives_a_clean_builds_bytes(watcher, corpus, tmp_path, extractor):
    assert watcher.next_line().endswith("2 extracted, 0 unchanged, 0 removed, 1 events")
    assert watcher.next_line().startswith("watching")
    (corpus / "b.txt").write_text("L'Iran a fourni des drones Shahed à la Russie.\n", encoding="utf-8")
    assert watcher.next_line().endswith("1 extracted, 1 unchanged, 0 removed, 2 events")
    (corpus / "a.txt").unlink()
    assert watcher.next_line().endswith("0 extracted, 1 unchanged, 1 removed, 1 events")
    assert watcher.finish() is False
    clean = tmp_path / "clean"
    build([str(corpus)], clean, full=True, extractor=extractor)
    assert output_files(tmp_path / "out") == output_files(clean)


def test_a_failed_rebuild_is_one_line_and_keeps_the_last_output(watcher, corpus, tmp_path):
    watcher.next_line(), watcher.next_line()
    before = output_files(tmp_path / "out")
    for source in corpus.iterdir():
        source.unlink()
    line = watcher.next_line()
    assert line == f"no readable article in {corpus} (the last build's output is kept)"
    assert output_files(tmp_path / "out") == before
    # The watch goes on: the next change is built.
    (corpus / "c.txt").write_text("La Pologne a livré des chars à l'Ukraine.\n", encoding="utf-8")
    assert watcher.next_line().endswith("1 extracted, 0 unchanged, 2 removed, 1 events")
    assert watcher.finish() is False


def test_a_change_of_the_ontology_ends_the_watch_for_a_restart(corpus, tmp_path, monkeypatch, extractor):
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    monkeypatch.setenv("KG_ONTOLOGY", str(ontology))
    running = Watcher([str(corpus)], tmp_path / "out", extractor)
    running.thread.start()
    running.next_line(), running.next_line()
    with (ontology / "items.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment is a change too\n")
    assert running.next_line().startswith("kg's code, rules, ontology or model changed")
    running.thread.join(timeout=WAIT)
    assert running.result == [True]


def _read_until(process: subprocess.Popen, text: str) -> list[str]:
    """The stderr lines of `process` up to the first holding `text` (fails if it ends first)."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never came: {''.join(seen)}")


def test_the_command_restarts_itself_on_an_ontology_change_and_stops_on_ctrl_c(corpus, tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(tmp_path / "out")]
    process = subprocess.Popen(
        [*command, "--watch", "--interval", "0.1", "--jobs", "1"],
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, KG_ONTOLOGY=str(ontology)),
        # Ctrl-C is how a watch ends: a test run started in the background ignores SIGINT, and would pass that on.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _read_until(process, "watching")
        with (ontology / "items.ttl").open("a", encoding="utf-8") as handle:
            handle.write("\n# a comment is a change too\n")
        lines = _read_until(process, "watching")
        # Started afresh: the pipeline fingerprint changed, so its first build extracted everything again.
        assert lines[0].startswith("kg: kg's code, rules, ontology or model changed")
        assert lines[1].startswith("kg: built") and "2 extracted, 0 unchanged" in lines[1]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
        assert process.stderr.read() == "kg: stopped watching\n"
    finally:
        process.kill()
        process.wait()


def test_interval_without_watch_is_a_usage_error(corpus, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--interval", "2", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert result.returncode == 2
    assert result.stderr == "kg: --interval: only with --watch\n"
    assert not (tmp_path / "out").exists()
