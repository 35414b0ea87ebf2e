"""Extraction spread over processes or a Dask cluster, with the same events in the same order as in one process.

Design, and why:

- **Documents are the unit of work.** The extractor keeps state only within an article (coreference, the
  discourse completion of unstated sides) and resets it when the article changes, so articles can be
  extracted anywhere, in any grouping, and give the same events. Each article is extracted on its own
  (`Extractor.extract([article])`): its events are then exactly its own, even for an article with no
  sentence or two neighbours sharing an id, and spaCy's batching cannot depend on where a batch was cut.
- **Batches of whole documents** (at most `BATCH_CHARS` characters, at least `BATCHES_PER_WORKER` per
  worker) are what travels between processes: large enough that sending articles and pickled events costs
  little next to parsing them, small enough that every worker stays busy until the end. Events travel as
  pickled `Event`s, not JSON: `Event.from_json` does not restore actor and item IRIs.
- **Spawned workers, the model loaded once in each.** A worker is a fresh interpreter (`spawn`), never a
  fork of a parent holding a 500 MB model and spaCy's threads; it loads the extractor on its first batch
  and keeps it in a per-process cache (`_worker_extractor`), so later batches reuse it. The parent does
  not load the model at all. Each worker runs numpy/BLAS on one thread (set before numpy is imported),
  so N workers on N cores do not fight over them; Dask's nanny does the same by default
  (`distributed.nanny.pre-spawn-environ`).
- **Ordered, bounded output.** Results are yielded in input order as soon as the next one in order is
  ready; at most `WINDOW_PER_WORKER` batches per worker are in flight, so memory stays bounded on any
  input and the consumer (graph builder, progress bar) sees the same stream whatever the parallelism.
- **One-line errors.** A worker turns whatever goes wrong into a `KgError` naming the document, sent back
  as a value rather than raised there, so neither the pool nor Dask prints a worker's traceback (it is
  logged at debug level in the parent); a worker that dies is reported with the first document of its batch.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg.errors import KgError, ParallelError
from kg.model import Article, Event
from kg.paths import ONTOLOGY_ENV, ontology_dir

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from kg.events import Extractor

log = logging.getLogger("kg.parallel")

# A batch holds at most this many characters of text (about half a second of parsing)…
BATCH_CHARS = 20_000
# …or fewer, so that each worker gets at least this many batches and none sits idle at the end.
BATCHES_PER_WORKER = 4
# Batches submitted ahead of the one being waited for, per worker: enough to keep every worker fed.
WINDOW_PER_WORKER = 3
# Seconds to reach a Dask scheduler, then to wait for it to have a worker.
CONNECT_TIMEOUT = 10
WORKER_TIMEOUT = 60
# Set in each worker before numpy is imported: one BLAS/OpenMP thread per worker process.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
DASK_MISSING = 'Dask is not installed: pip install "kg[dask]" (dask[distributed])'

T = TypeVar("T")
H = TypeVar("H")


def extract_documents(
    articles: Sequence[Article],
    *,
    jobs: int = 1,
    dask: str | None = None,
    extractor: Extractor | None = None,
    advance: Callable[[], None] | None = None,
) -> Generator[tuple[Article, list[Event]], None, None]:
    """Each article with its events, in the order given, however the work is spread.

    Args:
        articles: the documents, each yielded exactly once (with an empty list when it has no event).
        jobs: worker processes; 1 extracts in this process, and so does a larger number when the articles
            make a single batch (one article changed since the last build: no worker to start for it).
            With `dask="local"`, the number of Dask workers.
        dask: None; "local" for a LocalCluster on this machine; or a scheduler address ("tcp://host:8786"),
            whose workers must have kg installed and run one thread each (more processes, not threads).
        extractor: used when extracting in this process (else loaded); never sent to workers.
        advance: called once per article, just before it is yielded (a progress bar).

    Workers are spawned interpreters, which import the caller's main module again: a script calling this
    with `jobs > 1` or `dask="local"` must do so under `if __name__ == "__main__":` (the `kg` command does).

    Raises:
        ParallelError: `jobs` below 1, Dask missing, scheduler unreachable, a worker failed or died.
        KgError: the extractor cannot be loaded (in this process or a worker), e.g. a bad ontology.
    """
    if jobs < 1:
        raise ParallelError(f"jobs must be at least 1 (got {jobs})")
    if dask is not None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ParallelError(DASK_MISSING) from None
        stream = _on_dask(articles, dask, jobs)
    elif jobs > 1 and len(work := batches(articles, min(jobs, len(articles)))) > 1:
        stream = _on_processes(work, jobs)
    else:
        stream = _in_process(articles, extractor)
    return _announce(stream, advance)


def _announce(
    stream: Iterator[tuple[Article, list[Event]]], advance: Callable[[], None] | None
) -> Generator[tuple[Article, list[Event]], None, None]:
    try:
        for pair in stream:
            if advance is not None:
                advance()
            yield pair
    finally:
        # Closing this generator closes the source at once: the pool or cluster is shut down when the
        # consumer stops, not when the generator happens to be collected.
        close = getattr(stream, "close", None)
        if close is not None:
            close()


# -- one article, wherever it runs -------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    if isinstance(exc, KgError):
        return exc.message
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _extract_one(extractor: Extractor, article: Article) -> list[Event]:
    """The events of one article; anything but a KgError becomes one naming the article."""
    try:
        return list(extractor.extract([article]))
    except KgError:
        raise
    except Exception as exc:
        raise ParallelError(f"{article.id}: extraction failed ({_describe(exc)})") from exc


def _in_process(articles: Sequence[Article], extractor: Extractor | None) -> Iterator[tuple[Article, list[Event]]]:
    """Each article with its events, extracted here as one stream; a failure is named by its article."""
    if not articles:
        return
    if extractor is None:
        from kg.api import load_extractor

        extractor = load_extractor()
    done = 0
    try:
        for pair in extractor.extract_articles(articles):
            done += 1
            yield pair
    except KgError:
        raise
    except Exception:
        # The articles were parsed as one stream, so the failure names none: read the rest one by one, and the
        # one that fails again is named.
        for article in articles[done:]:
            yield article, _extract_one(extractor, article)


# -- the worker side (a pool process or a Dask worker) -----------------------------------------------------


@dataclass
class _Outcome:
    """What a worker sends back for a batch: the events of each article done, or the error that stopped it."""

    events: list[list[Event]] = field(default_factory=list)
    error: KgError | None = None
    detail: str | None = None
    pid: int = field(default_factory=os.getpid)
    loads: int = 0


@dataclass
class _WorkerCounts:
    """What this process did as a worker, so that loading the model once per worker can be checked."""

    loads: int = 0
    batches: int = 0


# One batch at a time per process: the extractor keeps per-article state, so two threads of one Dask
# worker must not share it at once.
_LOCK = threading.Lock()
_COUNTS = _WorkerCounts()


@cache
def _worker_extractor(ontology: str | None) -> Extractor:
    """The extractor of this process, loaded on its first batch and kept for the next ones."""
    from kg.api import load_extractor

    _COUNTS.loads += 1
    return load_extractor(Path(ontology) if ontology else None)


def worker_stats() -> dict[str, int]:
    """This process's pid, extractor loads and batches run (`client.run(worker_stats)` on a Dask cluster)."""
    return {"pid": os.getpid(), "loads": _COUNTS.loads, "batches": _COUNTS.batches}


def _run_batch(ontology: str | None, batch: list[Article]) -> _Outcome:
    """Extract a batch in a worker; errors come back in the outcome so no traceback is printed there."""
    outcome = _Outcome()
    with _LOCK:
        _COUNTS.batches += 1
        try:
            extractor = _worker_extractor(ontology)
        except Exception as exc:
            problem = f"cannot load the extractor ({_describe(exc)})"
            outcome.error = exc if isinstance(exc, KgError) else ParallelError(problem)
            outcome.detail = traceback.format_exc()
            return outcome
        finally:
            outcome.loads = _COUNTS.loads
        try:
            for _article, events in _in_process(batch, extractor):
                outcome.events.append(events)
        except KgError as exc:
            outcome.error = exc
            outcome.detail = traceback.format_exc()
    return outcome


def _start_worker(parent: int) -> None:
    """Pool initializer: one BLAS thread (numpy is not imported yet), Ctrl-C left to the parent, and an end
    with the parent: a build killed with SIGKILL must not leave workers holding a model each."""
    os.environ.update(ONE_THREAD)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's pid comes from the parent: asked here, after a parent already killed, it would be init's.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Exit this worker once its parent is gone (it is then re-parented: its parent pid changes)."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


# -- the parent side ---------------------------------------------------------------------------------------


def batches(articles: Sequence[Article], workers: int) -> list[list[Article]]:
    """Consecutive runs of whole articles of at most `BATCH_CHARS` characters (an article longer than that
    makes a batch alone), and small enough that each worker gets at least `BATCHES_PER_WORKER` of them.
    No article, no batch (a re-run of `kg build` where nothing changed)."""
    total = sum(len(article.text) for article in articles)
    target = max(1, min(BATCH_CHARS, total // (max(1, workers) * BATCHES_PER_WORKER)))
    out: list[list[Article]] = []
    batch: list[Article] = []
    size = 0
    for article in articles:
        if batch and size + len(article.text) > target:
            out.append(batch)
            batch, size = [], 0
        batch.append(article)
        size += len(article.text)
    if batch:
        out.append(batch)
    return out


def _worker_ontology() -> str | None:
    """The parent's ontology when it is a custom one ($KG_ONTOLOGY), as an absolute path; else each
    worker's own default, which is the same folder on this machine and the installed one on a cluster's."""
    return str(ontology_dir().resolve()) if os.environ.get(ONTOLOGY_ENV) else None


def _in_order(items: Iterable[T], submit: Callable[[T], H], window: int) -> Iterator[tuple[T, H]]:
    """Each item with its handle, in order, keeping `window` items submitted ahead of the one yielded."""
    queue = iter(items)
    pending = deque((item, submit(item)) for item in islice(queue, window))
    while pending:
        head = pending.popleft()
        for item in islice(queue, 1):
            pending.append((item, submit(item)))
        yield head


def _unpack(batch: list[Article], outcome: _Outcome) -> Iterator[tuple[Article, list[Event]]]:
    """The articles a worker finished, then its error if it stopped."""
    log.debug(
        "%s (+%d): pid %d, extractor loaded %d time(s) there",
        batch[0].id,
        len(batch) - 1,
        outcome.pid,
        outcome.loads,
        extra={"worker_pid": outcome.pid, "worker_loads": outcome.loads},
    )
    yield from zip(batch, outcome.events, strict=False)  # fewer events when it stopped
    if outcome.error is not None:
        if outcome.detail:
            log.debug("in the worker:\n%s", outcome.detail)
        raise outcome.error


def _died(batch: list[Article], exc: BaseException) -> ParallelError:
    more = f" and {len(batch) - 1} more" if len(batch) > 1 else ""
    return ParallelError(f"{batch[0].id}{more}: the worker extracting it failed ({_describe(exc)})")


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned interpreters, each with one BLAS thread and ending with this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))


def _on_processes(work: list[list[Article]], jobs: int) -> Iterator[tuple[Article, list[Event]]]:
    """The batches `work` extracted by at most `jobs` spawned workers, results in order."""
    workers = min(jobs, len(work))
    ontology = _worker_ontology()
    pool = _spawn_pool(workers)
    try:

        def submit(batch: list[Article]) -> Future[_Outcome]:
            return pool.submit(_run_batch, ontology, batch)

        for batch, future in _in_order(work, submit, WINDOW_PER_WORKER * workers):
            try:
                outcome = future.result()
            except Exception as exc:  # BrokenProcessPool (a worker died), an article that cannot be pickled
                raise _died(batch, exc) from exc
            yield from _unpack(batch, outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class SideWorker:
    """One spawned process kept for several `side_process` blocks, so what it keeps in memory outlives each:
    `kg build --watch` has its RDF exports (`kg.export.rdf`) and its Neo4j export (`kg.memory`) written
    there, build after build. A process that died is replaced at the next block."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = _spawn_pool(1)
        return self._pool

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` in the process if there is one, without waiting for it (its result is dropped)."""
        if self._pool is not None:
            self._pool.submit(fn, *args)

    def discard(self) -> None:
        """Forget the process (it failed): the next block starts another."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextmanager
def side_process(enabled: bool, worker: SideWorker | None = None) -> Iterator[Callable[..., Callable[[], Any]]]:
    """A way to run calls in one spawned process while this one does other work: `submit(fn, *args)` gives a
    function that waits for the result (or raises what `fn` raised). When not `enabled` (`--jobs 1`), `fn`
    runs at once, here, and the waiting function just returns its result.

    `kg build` writes the RDF exports there (from graph.trig) while it updates the store and renders the
    explorer; none of them writes what another reads, and the exports hold the GIL (Oxigraph parsing and
    serialising, driven from Python), so threads would not overlap them. The
    process is a spawned interpreter like the extraction workers (it ends with its parent) and loads no model.
    A failure comes back as a `KgError` with one line; a process that dies as a `ParallelError`. With a
    `worker`, its process is used and left running for the next block.
    """
    if not enabled:

        def run_here(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            result = fn(*args)
            return lambda: result

        yield run_here
        return
    pool = worker.pool() if worker is not None else _spawn_pool(1)
    submitted: list[Future[Any]] = []

    def submit(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        future = pool.submit(fn, *args)
        submitted.append(future)

        def wait() -> Any:
            try:
                return future.result()
            except KgError:
                raise
            except Exception as exc:  # BrokenProcessPool: the process died
                if worker is not None:
                    worker.discard()
                raise ParallelError(f"{fn.__name__}: the process running it failed ({_describe(exc)})") from exc

        return wait

    try:
        yield submit
    finally:
        if worker is None:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            # As the pool's shutdown would: nothing of the block still runs once it is left.
            futures_wait(submitted)


async def _probe(address: str, timeout: float) -> None:
    """Fail fast when nothing listens at `address`, and check that a Dask scheduler answers there.

    distributed's own connect retries a refused connection until its timeout, and a Client that fails
    half way prints a traceback when it is collected; both are avoided by looking first.
    """
    from distributed.comm import connect
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location)
    _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    writer.close()
    try:
        comm = await connect(address, timeout=timeout)
    except Exception as exc:  # any reply but a scheduler's: a web server's text read as a frame length…
        log.debug("handshake with %s: %s", address, _describe(exc))
        raise ParallelError(f"{address}: something answers there, but not a Dask scheduler") from None
    await comm.close()


def _connect(address: str) -> Any:
    """A Client of the scheduler at `address`, or a one-line error naming it."""
    from distributed import Client

    try:
        # In a thread: asyncio.run cannot run inside a caller's event loop (a notebook).
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, _probe(address, CONNECT_TIMEOUT)).result()
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except ParallelError:
        raise
    except asyncio.TimeoutError:
        problem = f"no answer after {CONNECT_TIMEOUT} s"
    except Exception as exc:  # refused, unknown host, malformed address
        problem = _describe(exc)
    raise ParallelError(f"{address}: cannot reach the Dask scheduler ({problem})")


def _on_dask(articles: Sequence[Article], address: str, jobs: int) -> Iterator[tuple[Article, list[Event]]]:
    if not articles:
        return
    cluster = None
    if address == "local":
        from distributed import Client, LocalCluster

        n_workers = min(jobs if jobs > 1 else 2, len(articles))
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster, set_as_default=False)
    else:
        client = _connect(address)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise ParallelError(
                f"{address}: the Dask scheduler has no worker (none after {WORKER_TIMEOUT} s)"
            ) from None
        threads = max(1, sum(client.nthreads().values()))
        ontology = _worker_ontology()
        submit = partial(client.submit, _run_batch, ontology, pure=False)
        for batch, future in _in_order(batches(articles, threads), submit, WINDOW_PER_WORKER * threads):
            try:
                outcome = future.result()
            except Exception as exc:  # KilledWorker, a lost scheduler: _run_batch itself does not raise
                raise _died(batch, exc) from exc
            yield from _unpack(batch, outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
