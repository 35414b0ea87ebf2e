"""Extraction over worker processes and Dask gives the events of one process, in input order (real model, real workers)."""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import distributed
import pytest
from conftest import ROOT

from kg.errors import KgError, OntologyError
from kg.model import Article, Event
from kg.parallel import BATCH_CHARS, ParallelError, batches, extract_documents, side_process, worker_stats
from kg.paths import ONTOLOGY_ENV
from kg.sources import read_sources

# Short articles written for these tests: transfers, pronouns that need the previous sentence, none at all.
ARTICLES = [
    Article(
        id="caesar",
        text="La France a livré des canons Caesar à l'Ukraine. Paris a également envoyé des missiles Aster à Kiev.",
        date="2023-02",
    ),
    Article(
        id="pronoms",
        text=(
            "L'Allemagne soutient Kiev depuis le début de la guerre.\n"
            "Elle a livré des chars Leopard 2 à l'Ukraine en mars. Elle lui a aussi fourni des obus."
        ),
    ),
    Article(
        id="achat", text="La Pologne a acheté des chars K2 à la Corée du Sud. Varsovie a commandé 180 chars de plus."
    ),
    Article(
        id="sans-evenement", text="Le ministre a rencontré son homologue à Bruxelles pour parler du budget européen."
    ),
    Article(id="presque-vide", text="  \n\n   \n"),
    Article(id="point", text="."),
    Article(
        id="drones",
        text="L'Iran a fourni des drones Shahed à la Russie. Ces drones ont ensuite frappé des villes ukrainiennes.",
    ),
    # The same text under another id: its events must not depend on the article met before.
    Article(
        id="caesar-bis",
        text="La France a livré des canons Caesar à l'Ukraine. Paris a également envoyé des missiles Aster à Kiev.",
        date="2023-02",
    ),
    Article(id="suite", text="Elle a livré des chars à l'Ukraine."),
]

Result = list[tuple[str, list[str]]]


def _as_json(pairs: Iterable[tuple[Article, list[Event]]]) -> Result:
    """Each article id with the JSON of its events: what must not change with the parallelism."""
    return [(article.id, [json.dumps(e.to_json(), ensure_ascii=False) for e in events]) for article, events in pairs]


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    """The seed corpus and the articles above, shuffled: output must follow this order, not the files'."""
    articles = list(read_sources([ROOT / "sources"])) + ARTICLES
    random.Random(11).shuffle(articles)
    return articles


@pytest.fixture(scope="module")
def reference(extractor, corpus) -> Result:
    """The corpus extracted in this process with the session's extractor."""
    return _as_json(extract_documents(corpus, extractor=extractor))


def _worker_loads(records: list[logging.LogRecord]) -> Counter[int]:
    """Batches run per worker pid, after checking that each worker loaded the model exactly once."""
    runs = [(r.worker_pid, r.worker_loads) for r in records if hasattr(r, "worker_pid")]
    assert runs, "no batch was logged"
    assert {loads for _, loads in runs} == {1}, runs
    return Counter(pid for pid, _ in runs)


def test_parallel_in_process_matches_one_stream(extractor, corpus, reference):
    one_stream = [json.dumps(e.to_json(), ensure_ascii=False) for e in extractor.extract(corpus)]
    assert [a for a, _ in reference] == [article.id for article in corpus]
    assert [e for _, events in reference for e in events] == one_stream
    found = dict(reference)
    assert found["caesar"] and found["pronoms"] and found["drones"]
    assert found["sans-evenement"] == found["presque-vide"] == found["point"] == []
    # A pronoun at the start of an article has no antecedent from the article before it.
    assert all(json.loads(e)["suppliers"] == [] for e in found["suite"])
    assert found["caesar-bis"] == [e.replace('"doc": "caesar"', '"doc": "caesar-bis"') for e in found["caesar"]]


def test_parallel_order_does_not_change_events(extractor, corpus, reference):
    backwards = dict(_as_json(extract_documents(corpus[::-1], extractor=extractor)))
    assert [(article_id, backwards[article_id]) for article_id, _ in reference] == reference


def test_parallel_processes_match_one_process(corpus, reference, caplog):
    caplog.set_level(logging.DEBUG, logger="kg.parallel")
    advanced: list[int] = []
    found = _as_json(extract_documents(corpus, jobs=2, advance=lambda: advanced.append(1)))
    assert found == reference
    assert len(advanced) == len(corpus)
    per_worker = _worker_loads(caplog.records)
    assert len(per_worker) == 2 and max(per_worker.values()) >= 2, per_worker


def test_parallel_dask_local_cluster_matches_one_process(corpus, reference, caplog):
    caplog.set_level(logging.DEBUG, logger="kg.parallel")
    assert _as_json(extract_documents(corpus, dask="local")) == reference
    per_worker = _worker_loads(caplog.records)
    assert sum(per_worker.values()) == len(batches(corpus, 2)) > len(per_worker)


@pytest.fixture
def scheduler() -> Iterator[tuple[str, distributed.Client]]:
    """A real two-worker cluster reached by its address, as a remote one would be."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield cluster.scheduler_address, client


def test_parallel_dask_scheduler_loads_the_model_once_per_worker(corpus, reference, scheduler):
    address, client = scheduler
    assert _as_json(extract_documents(corpus, dask=address)) == reference
    stats = list(client.run(worker_stats).values())
    ran = [s for s in stats if s["batches"]]
    assert sum(s["batches"] for s in stats) == len(batches(corpus, 2))
    assert max(s["batches"] for s in ran) >= 2
    assert all(s["loads"] == 1 for s in ran), stats


def _not_a_scheduler() -> str:
    """A TCP server that answers like a web server, closed when the test process ends."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            connection, _ = server.accept()
            with connection:
                connection.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}"


def _nothing_listening() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.mark.parametrize(
    "where",
    [_nothing_listening, _not_a_scheduler, lambda: "tcp://no-such-host.invalid:8786"],
    ids=["refused", "not-a-scheduler", "unknown-host"],
)
def test_parallel_unreachable_scheduler_is_one_line(where):
    address = where()
    started = time.monotonic()
    with pytest.raises(ParallelError) as info:
        list(extract_documents(ARTICLES[:1], dask=address))
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert address in message and "Dask scheduler" in message and "\n" not in message


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_failure_in_a_worker_is_one_line(extractor, jobs):
    # Bytes where text belongs (a file read in binary mode): extraction itself raises on it.
    broken = Article(id="binaire", text=b"La France a livr\xc3\xa9 des canons Caesar \xc3\xa0 l'Ukraine.")  # type: ignore[arg-type]
    seen = []
    with pytest.raises(ParallelError) as info:
        for article, _ in extract_documents([ARTICLES[0], broken, ARTICLES[1]], jobs=jobs, extractor=extractor):
            seen.append(article.id)
    assert seen == ["caesar"]
    message = str(info.value)
    assert message.startswith("[E012] binaire: extraction failed (TypeError: ") and "\n" not in message


def test_parallel_workers_use_the_parents_ontology(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv(ONTOLOGY_ENV, str(missing))
    with pytest.raises(OntologyError) as info:
        list(extract_documents(ARTICLES[:2], jobs=2))
    assert str(missing) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("count", "size", "workers", "expected"),
    [
        (40, 1_000, 2, [5] * 8),  # a small input: at least four batches per worker
        (100, 2_000, 2, [10] * 10),  # a large one: batches of BATCH_CHARS
        (3, 50_000, 2, [1, 1, 1]),  # an article longer than a batch is one alone
        (1, 10, 4, [1]),
        (0, 10, 0, []),  # nothing to extract (an unchanged corpus): no batch, no division by zero
    ],
)
def test_parallel_batches_cover_every_article_in_order(count, size, workers, expected):
    articles = [Article(id=str(n), text="x" * size) for n in range(count)]
    cut = batches(articles, workers)
    assert [len(batch) for batch in cut] == expected
    assert [a for batch in cut for a in batch] == articles
    assert all(sum(len(a.text) for a in batch) <= BATCH_CHARS for batch in cut if len(batch) > 1)


def test_parallel_refuses_no_jobs():
    with pytest.raises(ParallelError, match="jobs must be at least 1"):
        extract_documents(ARTICLES, jobs=0)


def test_parallel_without_dask_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # what `import distributed` meets when absent
    with pytest.raises(KgError, match=r'pip install "kg\[dask\]"'):
        extract_documents(ARTICLES, dask="local")


@pytest.mark.parametrize("enabled", [True, False], ids=["side-process", "here"])
def test_side_process_runs_the_call_elsewhere_and_returns_its_result(enabled):
    import os

    with side_process(enabled) as submit:
        wait = submit(os.getpid)
        here = os.getpid()
        assert (wait() != here) is enabled


@pytest.mark.parametrize("enabled", [True, False], ids=["side-process", "here"])
def test_side_process_brings_back_a_kg_error_as_one_line(tmp_path, enabled):
    from kg.errors import StoreError
    from kg.export.command import export

    with pytest.raises(StoreError, match=r"store: no store here"), side_process(enabled) as submit:
        submit(export, "nt", tmp_path)()


def test_side_process_that_dies_is_one_line():
    import os

    with pytest.raises(ParallelError, match=r"_exit: the process running it failed \(BrokenProcessPool"):
        with side_process(True) as submit:
            submit(os._exit, 3)()


def test_a_side_worker_outlives_its_blocks_and_is_replaced_once_it_died(tmp_path):
    """`kg build --watch` keeps one side process from build to build (what it holds in memory is reused), and
    posts it work between builds (collecting its garbage)."""
    import os

    from kg.parallel import SideWorker

    worker = SideWorker()
    try:
        worker.post(Path.write_text, tmp_path / "before", "no process yet: nothing runs")
        with side_process(True, worker) as submit:
            first = submit(os.getpid)()
        worker.post(Path.write_text, tmp_path / "between", "posted")
        with side_process(True, worker) as submit:
            assert submit(os.getpid)() == first != os.getpid()
        assert (tmp_path / "between").read_text() == "posted" and not (tmp_path / "before").exists()
        with pytest.raises(ParallelError, match=r"_exit: the process running it failed"):
            with side_process(True, worker) as submit:
                submit(os._exit, 3)()
        with side_process(True, worker) as submit:
            assert submit(os.getpid)() not in (first, os.getpid())
    finally:
        worker.close()
