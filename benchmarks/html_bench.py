"""The HTML explorer at 100, 1,000 and 5,000 actors: file size, render time, time until interactive in Chromium.

    python benchmarks/html_bench.py [--sizes 100 1000 5000] [--seed 7] [--repeat 3] [--keep DIR]
                                    [--chromium /usr/bin/chromium]

The graphs are synthetic and built directly as `kg.render.model.ExplorerData`,
the plain data `kg render` reads from the store, so no RDF is involved. They
are shaped like the news: actors fall into four blocs and meet mostly inside
their bloc, by preferential attachment (a few hubs take most transfers, most
actors have one or two partners); more events fall on already busy pairs;
40% of the actors are unnamed parties; and each
event has a French sentence, a date between 2022-02 and 2025-06, one of the
five relations and modalities, and one or two items.

For each size: the Python render time (`explorer_payload`, layout included,
plus `render_page`), the file size, and, over `--repeat` page loads in
headless Chromium with every request outside file:// refused, the time from
navigation start until the page sets `window.kgReady` (vis-network has drawn
the whole graph once and answers clicks; the layout is precomputed, so there
is no stabilisation to wait for). The run fails if a page logs an error,
tries to reach the network, or draws a different number of nodes or edges.
Figures go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.render import ActorInfo, DocumentInfo, EventInfo, ExplorerData, ItemInfo, Term, explorer_payload, render_page
from kg.render.browser import CHROMIUM, headless_chromium

BLOCS = {"west": 45, "east": 30, "middle-east": 15, "asia": 10}
KINDS = {"Country": 30, "Company": 15, "Media": 5, "InternationalOrganisation": 5, "ArmedGroup": 5, "UnnamedActor": 40}
RELATIONS = {"supply": 60, "purchase": 12, "production": 8, "use": 12, "request": 8}
MODALITIES = {"asserted": 50, "reported": 25, "planned": 12, "hypothetical": 8, "negated": 5}
CATEGORIES = {
    "ammunition": 20, "missile": 12, "drone": 14, "air_defence": 8, "armoured_vehicle": 10, "artillery": 8,
    "aircraft": 4, "naval": 2, "small_arms": 4, "components": 5, "equipment": 6, "personnel": 2, "funding": 4,
    "other": 1,
}  # fmt: skip
VERBS = {"supply": "a livré", "purchase": "a acheté", "production": "produit", "use": "a utilisé", "request": "demande"}


def synthetic_data(actors: int, seed: int = 7) -> ExplorerData:
    """About two events per actor, over a preferential-attachment graph of `actors` actors."""
    rng = random.Random(seed)
    infos = {}
    for i in range(actors):
        kind = _pick(rng, KINDS)
        iri = f"https://example.org/actor/{i}"
        infos[iri] = ActorInfo(iri, f"Actor {i}", f"Acteur {i}", kind)
    iris = list(infos)
    documents = {
        f"https://example.org/doc/{d}": DocumentInfo(f"https://example.org/doc/{d}", f"doc-{d:05d}.txt", None, None)
        for d in range(max(1, actors // 2))
    }
    doc_iris = list(documents)
    # Blocs (the sides of a war, a region's trade): an actor meets mostly actors of its own bloc, chosen in
    # proportion to the partners they already have (preferential attachment), so a few hubs take most pairs.
    bloc_of = [_pick(rng, BLOCS) for _ in range(actors)]
    ends: dict[str, list[int]] = {bloc: [] for bloc in BLOCS}
    everyone: list[int] = []
    pairs = []

    def partner(of: int) -> int | None:
        pool = ends[bloc_of[of]] if rng.random() < 0.9 and ends[bloc_of[of]] else everyone
        return rng.choice(pool) if pool else None

    for i in range(actors):
        other = partner(i)
        if other is not None and other != i:
            pairs.append((i, other) if rng.random() < 0.5 else (other, i))
            ends[bloc_of[other]].append(other)
            everyone.append(other)
        ends[bloc_of[i]].append(i)
        everyone.append(i)
    for _ in range(actors // 4):  # more pairs between actors already trading
        a = rng.choice(everyone)
        b = partner(a)
        if b is not None and a != b:
            pairs.append((a, b))
    events = []
    for number in range(2 * actors):
        supplier, recipient = pairs[number] if number < len(pairs) else rng.choice(pairs[: max(1, len(pairs) // 10)])
        relation = _pick(rng, RELATIONS)
        items = tuple(
            ItemInfo(f"item {c}", c, str(rng.randint(1, 500)) if rng.random() < 0.4 else None)
            for c in dict.fromkeys(_pick(rng, CATEGORIES) for _ in range(rng.choice((1, 1, 1, 2))))
        )
        year, month = divmod(rng.randrange(2022 * 12 + 1, 2025 * 12 + 6), 12)
        sentence = (
            f"Selon des sources concordantes, l'acteur {supplier} {VERBS[relation]} des équipements militaires "
            f"à l'acteur {recipient} au cours du mois, d'après un rapport publié par le ministère."
        )
        events.append(
            EventInfo(
                iri=f"https://example.org/event/{number}",
                relation=relation,
                modality=_pick(rng, MODALITIES),
                sentence=sentence,
                document=rng.choice(doc_iris),
                rule=f"{relation}.verb.active",
                date=f"{year}-{month + 1:02d}",
                triggers=tuple(VERBS[relation].split()[-1:]),
                suppliers=(iris[supplier],),
                recipients=(iris[recipient],),
                items=items,
            )
        )
    return ExplorerData(
        actors=infos,
        events=events,
        documents=documents,
        kinds=[Term(k, k) for k in KINDS],
        relations=[Term(r, r) for r in RELATIONS],
        modalities=[Term(m, m) for m in MODALITIES],
        categories=[Term(c, c.replace("_", " ")) for c in CATEGORIES],
    )


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def time_to_interactive(browser, path: Path, nodes: int, edges: int) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds from navigation start until the page is drawn and answers clicks (`window.kgReadyAt`)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def route(request_route) -> None:  # type: ignore[no-untyped-def]
        url = request_route.request.url
        if url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
        else:
            problems.append(f"request: {url}")
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri() + "#denials=1&unnamed=1")  # everything drawn: denial-only edges and unnamed parties too
    page.wait_for_function("window.kgReady === true", timeout=120_000)
    ready = float(page.evaluate("window.kgReadyAt"))
    drawn = page.evaluate("[nodes.length, edges.length, Object.keys(network.getPositions()).length]")
    page.close()
    if problems or drawn != [nodes, edges, nodes]:
        raise SystemExit(f"{path.name}: {problems or f'drew {drawn}, expected {nodes} nodes and {edges} edges'}")
    return ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], help="numbers of actors")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size (the median is reported)")
    parser.add_argument("--keep", type=Path, help="keep the pages in this folder")
    parser.add_argument("--chromium", default=str(CHROMIUM), help="the Chromium binary Playwright drives")
    args = parser.parse_args(argv)

    folder = args.keep or Path(tempfile.mkdtemp(prefix="html-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with headless_chromium(args.chromium) as browser:
        for size in args.sizes:
            data = synthetic_data(size, args.seed)
            start = time.perf_counter()
            payload = explorer_payload(data, seed=args.seed)
            laid_out = time.perf_counter()
            html = render_page(payload)
            rendered = time.perf_counter()
            path = folder / f"graph-{size}.html"
            path.write_text(html, encoding="utf-8")
            print(f"{size} actors: rendered in {rendered - start:.2f} s, loading in Chromium…", file=sys.stderr)
            loads = [
                time_to_interactive(browser, path, len(payload["nodes"]), len(payload["edges"]))
                for _ in range(args.repeat)
            ]
            rows.append(
                (size, len(payload["edges"]), len(data.events), path.stat().st_size, laid_out - start,
                 rendered - start, statistics.median(loads), max(loads))
            )  # fmt: skip
    print(f"{'actors':>7} {'edges':>6} {'events':>7} {'file MB':>8} {'layout s':>9} {'render s':>9} "
          f"{'ready ms p50':>13} {'max':>6}")  # fmt: skip
    for size, edges, events, nbytes, layout_s, render_s, ready, worst in rows:
        print(f"{size:>7} {edges:>6} {events:>7} {nbytes / 1e6:>8.2f} {layout_s:>9.2f} {render_s:>9.2f} "
              f"{ready:>13.0f} {worst:>6.0f}")  # fmt: skip
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
