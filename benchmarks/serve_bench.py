"""kg serve under 16 clients: latency percentiles and errors, this server against the previous one, in one run.

    python benchmarks/serve_bench.py [--graph DIR | --triples 1000000] [--requests 2000] [--clients 16]
                                     [--baseline REV] [--workers 2] [--seed 7] [--keep DIR]

The graph is the synthetic one of benchmarks/sparql_bench.py (its generator and `kg.store.build_store`,
exactly what `kg build` writes), made here, or an existing output folder given with `--graph` (one that
`sparql_bench.py --keep DIR` or `kg build` wrote). Both servers run as `kg serve` would, each in its own
process with the same number of query workers, one after the other on the same store:

- "current": `python -m kg.serve` from this tree (uvicorn);
- "baseline": kg/serve.py as of git revision `--baseline` (by default 71423b6, the last one on the
  standard library's http.server), loaded as a module of its own from `git show`.

Each client is a thread opening a new connection per request (as curl or a browser tab without keep-alive
would), sending a small SELECT whose actor changes from one request to the next; there are `--requests`
requests in all, after a warm-up of 50. Latency is from connect to the last byte. An error is anything but
a 200 with the expected JSON, a refused or reset connection included. The target of issue 21 is
p99 <= 3 x p50 with no error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "71423b6"
RECIPIENTS = ("ukraine", "russia", "israel", "taiwan", "iran", "north-korea", "poland")
QUERY = (
    "PREFIX kg: <https://w3id.org/kg-arms/ontology#>\n"
    "PREFIX actor: <https://w3id.org/kg-arms/actor/>\n"
    "SELECT ?event ?supplier WHERE {{ GRAPH ?doc {{ ?event kg:recipient actor:{actor} ; kg:supplier ?supplier }} }} "
    "LIMIT 20"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_trig(trig: str, triples: int, seed: int) -> None:
    """Generate the synthetic dataset and write it as TriG (in a child process: the dataset takes gigabytes)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sparql_bench  # type: ignore[import-not-found]

    from kg.paths import ontology_dir

    corpus = sparql_bench.load_corpus(ontology_dir())
    dataset = sparql_bench.build(corpus, sparql_bench.documents_for(corpus, triples, seed), seed)
    dataset.write_trig(Path(trig))
    print(f"graph: {dataset.quads():,} triples generated (seed {seed})")


def make_graph(folder: Path, triples: int, seed: int) -> None:
    """The synthetic graph of sparql_bench.py in `folder/graph.trig`, loaded into `folder/store` as kg build does.

    The generator holds the whole dataset as rdflib objects (about 13 GB for a million triples), so it runs
    in a child process whose memory is returned before the store is loaded.
    """
    import multiprocessing

    from kg.paths import ontology_dir
    from kg.store import build_store

    trig = folder / "graph.trig"
    started = time.monotonic()
    if not trig.is_file():
        child = multiprocessing.get_context("spawn").Process(target=_write_trig, args=(str(trig), triples, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"generating the graph failed (exit code {child.exitcode})")
    build_store(trig, folder, ontology_dir())
    print(f"graph: generated and loaded into {folder / 'store'} in {time.monotonic() - started:.0f} s")


@contextmanager
def server(command: list[str], out: Path, workers: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """One server process on a free port, ready to answer; SIGINT at the end, SIGKILL if it lingers."""
    port = free_port()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--graph", str(out), "--port", str(port), "--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: {log.read_text(encoding='utf-8')[-2000:]}")
            try:
                status, _ = one_request(url, "ASK {}", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 120 s")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def one_request(url: str, query: str, timeout: float = 60) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": query}),
            headers={"Accept": "application/sparql-results+json", "Connection": "close"},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def load(url: str, requests: int, clients: int) -> Run:
    """`requests` requests from `clients` threads, each taking the next request number until none is left."""
    run, lock, counter = Run(), threading.Lock(), iter(range(requests))

    def client() -> None:
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            query = QUERY.format(actor=RECIPIENTS[number % len(RECIPIENTS)])
            started = time.perf_counter()
            try:
                status, body = one_request(url, query)
                elapsed = time.perf_counter() - started
                ok = status == 200 and "results" in json.loads(body)
                kind = "" if ok else f"HTTP {status}"
            except (OSError, http.client.HTTPException, ValueError) as exc:
                elapsed, kind = time.perf_counter() - started, type(exc).__name__
            with lock:
                if kind:
                    run.error(kind)
                else:
                    run.latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def baseline_module(revision: str, folder: Path) -> Path:
    """kg/serve.py of `revision`, written as the module kg_serve_baseline in `folder` (put on PYTHONPATH)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:kg/serve.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (folder / "kg_serve_baseline.py").write_text(source, encoding="utf-8")
    return folder


def report(name: str, run: Run, requests: int) -> str:
    errors = sum(run.errors.values())
    detail = ", ".join(f"{kind}: {count}" for kind, count in sorted(run.errors.items())) or "none"
    p50, p99 = run.percentile(50), run.percentile(99)
    return (
        f"{name:9} p50 {p50 * 1000:7.1f} ms  p90 {run.percentile(90) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  "
        f"max {max(run.latencies, default=float('nan')) * 1000:7.1f} ms  p99/p50 {p99 / p50:5.2f}  "
        f"{requests / run.seconds:6.1f} req/s  errors {errors} ({detail})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--graph", metavar="DIR", help="an output folder holding store/ (default: generate one)")
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples to generate")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic corpus")
    parser.add_argument(
        "--keep", metavar="DIR", help="generate into DIR and keep it (then: --graph DIR); a graph.trig there is reused"
    )
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per server (default: 2000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default: 16)")
    parser.add_argument("--workers", type=int, default=2, help="query workers of each server (default: 2)")
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BASELINE,
        help=f"git revision of the baseline server (default: {DEFAULT_BASELINE}, on http.server)",
    )
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    temp = Path(tempfile.mkdtemp(prefix="kg-serve-bench-"))
    try:
        if args.graph:
            out = Path(args.graph)
        else:
            out = Path(args.keep) if args.keep else temp / "out"
            out.mkdir(parents=True, exist_ok=True)
            make_graph(out, args.triples, args.seed)
        import pyoxigraph

        store = pyoxigraph.Store.read_only(str(out / "store"))
        print(f"store: {out / 'store'}, {len(store):,} quads")
        del store
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(baseline_module(args.baseline, temp)), str(ROOT)]))
        servers = {
            "current": [sys.executable, "-m", "kg.serve"],
            "baseline": [sys.executable, "-c", "import sys, kg_serve_baseline as s; sys.exit(s.main())"],
        }
        print(
            f"{args.requests} requests from {args.clients} clients, a new connection each, {args.workers} query "
            f"workers; {os.cpu_count()} cores shared by clients and server; baseline = kg/serve.py at {args.baseline}"
        )
        results = {}
        for name, command in servers.items():
            with server(command, out, args.workers, env, temp / f"{name}.log") as url:
                load(url, 50, args.clients)  # warm-up: workers' caches, the parser's first use
                results[name] = load(url, args.requests, args.clients)
            print(report(name, results[name], args.requests))
        current = results["current"]
        ratio = current.percentile(99) / current.percentile(50)
        met = ratio <= 3 and not current.errors
        print(f"target p99 <= 3 x p50 with 0 errors (current): {'met' if met else 'NOT met'} ({ratio:.2f} x)")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
