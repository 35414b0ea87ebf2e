"""`kg build --watch`: build OUT, then build it again whenever a source changes, with the model kept loaded.

Why a watcher: re-running `kg build` after one article of a thousand changed
re-parses that article only, yet most of the run is loading the French model
(about 6 s: importing spaCy's French tokenizer exceptions compiles one huge
regular expression, and the lemmatizer reads its tables). A process that
stays up loads it once; each rebuild then costs the changed articles and the
cross-document outputs only. Every rebuild is an ordinary incremental build
(`kg.build.build`), so OUT is byte for byte what `kg build` would write, and a
failed rebuild leaves the last OUT as it was.

What is watched, by polling (no dependency, works on network drives):

- the source files under the given paths (name, size, modification time): a
  change, a new file or a deleted one triggers a rebuild once the files have
  stopped changing for one interval (a file being copied is not read half-way);
- the pipeline fingerprint (kg's code, rules and lexicons, the ontology, the
  model's version; `kg.incremental.pipeline_fingerprint`): the loaded model,
  rules and vocabularies are then stale, and code cannot be reloaded in a
  running interpreter, so `watch` returns and the command starts itself
  afresh (`kg.cli`), whose first build re-extracts everything as any build
  does after a pipeline change.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.build import BuildReport, ProgressFactory, build, no_progress
from kg.errors import KgError
from kg.incremental import fingerprint_hash, pipeline_fingerprint
from kg.memory import BuildMemory
from kg.paths import ontology_dir
from kg.sources import list_files

if TYPE_CHECKING:
    from kg.events import Extractor

log = logging.getLogger("kg")

# Seconds between two looks at the sources.
DEFAULT_INTERVAL = 1.0


@dataclass(frozen=True)
class Snapshot:
    """What a build depends on, as cheap to compare as to take: the source files' stamps and the pipeline."""

    files: tuple[tuple[str, int, int], ...]  # (path, size, modification time in ns), sorted by path
    pipeline: str

    @staticmethod
    def take(paths: Sequence[str], ontology: Path) -> Snapshot:
        stamps = []
        # Missing paths and unsupported files are the build's to report, once, not the watcher's at every look.
        for path in list_files(paths, on_error=lambda error: None):
            try:
                stat = path.stat()
            except OSError:  # deleted between the listing and now: the next look sees it gone
                continue
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        return Snapshot(tuple(stamps), fingerprint_hash(pipeline_fingerprint(ontology)))


def settle_heap() -> None:
    """Collect the last build's garbage now, while the watcher waits, and leave what survives (the model, the
    memory of the build) out of later collections.

    Python's cyclic collector walks every object it tracks at each full collection: with the model and a
    thousand documents' results kept, one took about 0.2 s in the middle of a rebuild, for nothing, since
    what is kept lives until the next build replaces it. Frozen objects are thawed and collected here, after
    the next build, when those it replaced are garbage. The watcher's side process, which keeps its own
    share (`kg.memory`), is sent the same call after each build.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def describe(report: BuildReport, out: Path) -> str:
    """A build in one line: what it extracted and reused, and how long it took."""
    return (
        f"built {out} in {report.seconds.get('total', 0.0):.2f} s: {report.extracted} extracted, "
        f"{report.reused} unchanged, {report.removed} removed, {report.events} events"
    )


def watch(
    paths: Sequence[str],
    out: Path,
    *,
    jobs: int = 1,
    dask: str | None = None,
    full: bool = False,
    interval: float = DEFAULT_INTERVAL,
    progress: ProgressFactory = no_progress,
    extractor: Extractor | None = None,
    notify: Callable[[str], None] = log.info,
    stop: threading.Event | None = None,
) -> bool:
    """Build OUT from `paths`, then again after every change of the sources, until `stop` is set.

    Each build is `kg.build.build` with the extractor loaded here (given, or loaded once before the first
    build): a build that extracts in this process (`jobs` 1, or the few articles of one batch) does not load
    the model again. Each also keeps what the next one needs of it in memory (`kg.memory`). A build that
    fails (no readable article left, an output that cannot be written) is reported through `notify` as one
    line, and OUT stays as the last build left it; the watch goes on.

    Args:
        interval: seconds between two looks at the sources.
        notify: gets one line per build, failure or restart.
        stop: set it (from another thread) to end the watch after the current build.

    Returns:
        True when the pipeline changed (kg's code, rules, ontology or model): the caller should start a
        fresh process; False when `stop` was set.

    Raises:
        KgError: the extractor cannot be loaded (bad rules or ontology).
    """
    stop = stop or threading.Event()
    previous = _stop_on_signals()
    try:
        return _watch(paths, out, jobs, dask, full, interval, progress, extractor, notify, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> dict[int, signal.Handlers | Callable[..., object] | int | None]:
    """SIGINT and SIGTERM end the watch as Ctrl-C does (the caller reports it), the previous handlers returned.

    Set explicitly: a shell starts a background job with SIGINT ignored, and Python's default for SIGTERM is
    to die without a word. Only the main thread can set handlers; a watch run in another one is ended by `stop`.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}


def _watch(
    paths: Sequence[str],
    out: Path,
    jobs: int,
    dask: str | None,
    full: bool,
    interval: float,
    progress: ProgressFactory,
    extractor: Extractor | None,
    notify: Callable[[str], None],
    stop: threading.Event,
) -> bool:
    ontology = ontology_dir()
    seen = Snapshot.take(paths, ontology)
    if extractor is None:
        from kg.api import load_extractor

        extractor = load_extractor(ontology)
    memory = BuildMemory()

    def run(full: bool) -> None:
        try:
            report = build(
                paths, out, jobs=jobs, dask=dask, full=full, progress=progress, extractor=extractor, memory=memory
            )
        except KgError as exc:
            notify(f"{exc.message} (the last build's output is kept)")
            return
        notify(describe(report, out))
        settle_heap()
        memory.side.post(settle_heap)

    try:
        run(full)
        notify(f"watching {', '.join(paths)} every {interval:g} s (Ctrl-C to stop)")
        while not stop.wait(interval):
            now = Snapshot.take(paths, ontology)
            if now == seen:
                continue
            # Wait for the files to settle: a copy in progress changes size from one look to the next.
            while not stop.wait(interval):
                settled = Snapshot.take(paths, ontology)
                if settled == now:
                    break
                now = settled
            else:
                return False
            if now.pipeline != seen.pipeline:
                notify("kg's code, rules, ontology or model changed: starting again with them")
                return True
            seen = now
            run(False)
        return False
    finally:
        memory.close()
        gc.unfreeze()
