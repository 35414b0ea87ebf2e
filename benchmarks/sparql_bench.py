"""Oxigraph against rdflib on every named query, over a synthetic graph of about a million triples.

    python benchmarks/sparql_bench.py [--triples 1000000] [--repeat 10] [--timeout 60] [--seed 7]
                                      [--keep DIR] [--no-rdflib]

The data is made of `kg.model` objects (articles and events whose parties and
items come from the real vocabularies, with skewed frequencies) turned into
RDF by the project's own `kg.rdf.build_dataset`, `add_facts` and `dumps_trig`,
so it has exactly the schema `kg build` writes: one named graph per document
and `kgd:facts` (`build` says why it goes one document at a time). The TriG is
loaded with the vocabularies into an on-disk Oxigraph store by
`kg.store.build_store`, as `kg build` does, and parsed into an in-memory rdflib
`Dataset` in a separate process, whose default graph is the vocabularies too, with
the actors' lookup keys (`kg.store.lookup_keys_update`).
Each named query, its parameters at their defaults, runs once to warm up, then
`--repeat` times, every value of every row read.

rdflib has no timeout, so each of its queries runs in a forked child that is
killed when one execution takes over `--timeout` seconds; such a query is
reported as ">60 s" and its speedup is a lower bound (the timeout divided by
Oxigraph's p50), so the geometric mean is one too. rdflib stops repeating a
query once its runs add up to `--timeout`; its p50 is then over fewer runs.

Figures go to stdout, progress to stderr. Files go to a temporary folder,
removed at the end, or to `--keep DIR`, kept for `kg query NAME --graph DIR`.
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.model import Actor, Article, Event, Item, Value
from kg.paths import ontology_dir
from kg.store import VOCABULARY_FILES, lookup_keys_update
from kg.vocabulary import ActorEntry, ItemEntry

log = logging.getLogger("sparql_bench")

# --- the synthetic corpus -----------------------------------------------------------------------------------
#
# Frequencies are made up but shaped like the news: a few recipients take most transfers, each with its
# usual suppliers and items, and a Zipf tail over the rest of the vocabulary. Names are the vocabulary's
# local names; one missing from the vocabulary is skipped.

# fmt: off
RECIPIENTS = {"ukraine": 45, "russia": 25, "israel": 4, "taiwan": 2, "iran": 2, "north-korea": 2, "poland": 2}
TAIL_RECIPIENTS = 18  # weight of a recipient drawn from the whole vocabulary
SUPPLIERS_OF = {
    "ukraine": {
        "united-states": 30, "germany": 12, "france": 10, "united-kingdom": 9, "poland": 6, "european-union": 6,
        "nato": 4, "canada": 3, "netherlands": 3, "sweden": 2, "czech-republic": 2, "denmark": 2, "norway": 2,
        "italy": 2, "rheinmetall": 1, "knds": 1,
    },
    "russia": {"north-korea": 40, "iran": 30, "china": 15, "belarus": 8, "india": 2, "rostec": 2},
    "israel": {"united-states": 80, "germany": 10},
    "taiwan": {"united-states": 90},
    "iran": {"russia": 60, "china": 30},
    "north-korea": {"russia": 90},
    "poland": {"united-states": 40, "south-korea": 40, "hanwha-aerospace": 10},
}
TAIL_SUPPLIERS = 15  # weight of a supplier drawn from the whole vocabulary, whatever the recipient
ITEMS_TO = {
    "ukraine": {
        "artillery-shell": 20, "155mm-shell": 10, "air-defence-system": 8, "patriot": 8, "himars": 6, "f-16": 5,
        "leopard-2": 5, "tank": 5, "atacms": 4, "storm-shadow": 4, "iris-t": 3, "samp-t": 3, "caesar": 3,
        "drone": 6, "javelin": 3, "abrams": 2, "funding": 8,
    },
    "russia": {
        "artillery-shell": 25, "shahed": 15, "shahed-136": 5, "kn-23": 8, "ballistic-missile": 8, "drone": 10,
        "glide-bomb": 3, "soldier": 6, "troops": 4, "rifle": 2, "small-arms-ammunition": 4, "tank-round": 2,
    },
}
TAIL_ITEMS = 25  # weight of an item type drawn from the whole vocabulary
RELATIONS = {"supply": 55, "purchase": 10, "produce": 7, "use": 15, "request": 13}
MODALITIES = {"asserted": 45, "reported": 30, "planned": 12, "hypothetical": 8, "negated": 5}
SOURCES = ("Reuters", "AFP", "Le Monde", "The New York Times", "Kyiv Independent", "ISW", "Bloomberg", "TASS")
FIRST_DAY = 19_047  # 2022-02-24 in days since 1970-01-01
DAYS = 1_222  # to 2025-06-30

# French sentence frames: (infinitive, past participle, recipient first?, linking word). A purchase is
# told from the buyer's side, a use from the user's, a request from the asker's.
FRAMES = {
    "supply": ("livrer", "livré", False, "à"),
    "purchase": ("acheter", "acheté", True, "à"),
    "produce": ("produire", "produit", False, "pour"),
    "use": ("utiliser", "utilisé", True, "venant de"),
    "request": ("demander", "demandé", True, "à"),
}
VERB_FORMS = {
    "asserted": "a {pp}",
    "reported": "aurait {pp}",
    "planned": "va {inf}",
    "hypothetical": "pourrait {inf}",
    "negated": "n'a pas {pp}",
}
# fmt: on
UNNAMED = Actor(label="allies", label_fr="ses alliés", text="ses alliés")


@dataclass
class Weighted:
    """Values and cumulative weights for `random.choices`."""

    values: list[Any]
    weights: list[float]

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.weights)[0]


def weighted(pairs: Sequence[tuple[Any, float]]) -> Weighted:
    total, cumulative = 0.0, []
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return Weighted([value for value, _ in pairs], cumulative)


def zipf(values: Sequence[Any], exponent: float = 1.1) -> Weighted:
    return weighted([(value, 1 / (rank**exponent)) for rank, value in enumerate(values, 1)])


@dataclass
class Corpus:
    """What the generator draws from: the vocabularies' actors and items, and the rules' ids."""

    actors: dict[str, ActorEntry]
    items: dict[str, ItemEntry]
    rules: dict[str, list[str]]
    recipients: Weighted = field(init=False)
    suppliers: dict[str, Weighted] = field(init=False)
    item_choice: dict[str, Weighted] = field(init=False)

    def __post_init__(self) -> None:
        by_name = {iri.rsplit("/", 1)[-1]: iri for iri in self.actors}
        items_by_name = {iri.rsplit("/", 1)[-1]: iri for iri in self.items}
        # The tail: every actor but media, in a fixed shuffled order so the Zipf ranks are not alphabetical.
        tail = sorted(iri for iri, entry in self.actors.items() if entry.kind != "Media")
        random.Random(0).shuffle(tail)
        tail_items = sorted(self.items)
        random.Random(1).shuffle(tail_items)
        self._tail_actors = zipf(tail)
        self._tail_items = zipf(tail_items)
        self.recipients = weighted(
            [(by_name[name], weight) for name, weight in RECIPIENTS.items() if name in by_name]
            + [(None, TAIL_RECIPIENTS)]
        )
        self.suppliers = {
            by_name[recipient]: weighted(
                [(by_name[name], weight) for name, weight in table.items() if name in by_name]
                + [(None, TAIL_SUPPLIERS)]
            )
            for recipient, table in SUPPLIERS_OF.items()
            if recipient in by_name
        }
        self.item_choice = {
            by_name[recipient]: weighted(
                [(items_by_name[name], weight) for name, weight in table.items() if name in items_by_name]
                + [(None, TAIL_ITEMS)]
            )
            for recipient, table in ITEMS_TO.items()
            if recipient in by_name
        }

    def recipient(self, rng: random.Random) -> str:
        return self.recipients.pick(rng) or self._tail_actors.pick(rng)

    def supplier(self, rng: random.Random, recipient: str) -> str:
        table = self.suppliers.get(recipient)
        found = table.pick(rng) if table is not None else None
        while found is None or found == recipient:
            found = self._tail_actors.pick(rng)
        return found

    def item(self, rng: random.Random, recipient: str | None) -> str:
        table = self.item_choice.get(recipient or "")
        return (table.pick(rng) if table is not None else None) or self._tail_items.pick(rng)

    def actor(self, iri: str) -> Actor:
        entry = self.actors[iri]
        return Actor(label=entry.label, qid=entry.qid, iri=iri, kind=entry.kind, label_fr=entry.label_fr)


def _date(rng: random.Random, day: int) -> str | None:
    """An article date: a day mostly, a month sometimes, rarely none."""
    text = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
    roll = rng.random()
    return text if roll < 0.8 else text[:7] if roll < 0.95 else None


def _quantity(rng: random.Random) -> tuple[int | str | None, str | None, str]:
    """(quantity, quantity_text, French words for the sentence)."""
    roll = rng.random()
    if roll < 0.4:
        number = int(10 ** rng.uniform(0.5, 6.5))
        return number, None, f"{number:,}".replace(",", " ") + " "
    if roll < 0.5:
        words = rng.choice(("millions", "des centaines", "des milliers"))
        return words, words, words + " de "
    return None, None, "des "


def _party(actors: Sequence[Actor]) -> str:
    return " et ".join(actor.label_fr or actor.label for actor in actors) or "un pays tiers"


def _events_of(corpus: Corpus, rng: random.Random, doc: str, date: str | None, offset: int) -> tuple[list[Event], str]:
    """The events of one sentence (two when a use implies a supply) and the sentence's text."""
    relation = weighted_pick(rng, RELATIONS)
    modality = weighted_pick(rng, MODALITIES)
    recipient_iri = corpus.recipient(rng)
    recipients: tuple[Actor, ...] = (corpus.actor(recipient_iri),) if rng.random() > 0.03 else ()
    roll = rng.random()
    if roll < 0.07:
        suppliers: tuple[Actor, ...] = ()
    elif roll < 0.10:
        suppliers = (UNNAMED,)
    else:
        first = corpus.supplier(rng, recipient_iri)
        suppliers = (corpus.actor(first),)
        if rng.random() < 0.06:
            second = corpus.supplier(rng, recipient_iri)
            if second != first:
                suppliers += (corpus.actor(second),)
    items = []
    words = []
    for _ in range(1 if rng.random() < 0.85 else 2):
        iri = corpus.item(rng, recipient_iri)
        entry = corpus.items[iri]
        quantity, quantity_text, amount = _quantity(rng)
        items.append(
            Item(
                label=entry.label,
                category=entry.category,
                iri=iri,
                quantity=quantity,
                quantity_text=quantity_text,
                text=entry.label_fr,
            )
        )
        words.append(amount + entry.label_fr)
    infinitive, participle, recipient_first, link = FRAMES[relation]
    verb = VERB_FORMS[modality].format(inf=infinitive, pp=participle)
    subject, other = (recipients, suppliers) if recipient_first else (suppliers, recipients)
    head = _party(subject) + " "
    sentence = f"{head}{verb} {' et '.join(words)} {link} {_party(other)}"
    source = rng.choice(SOURCES) if modality == "reported" or rng.random() < 0.05 else None
    sentence += f", selon {source}." if source else "."
    trigger = ((offset + len(head), offset + len(head) + len(verb)),)
    value = None
    if relation in ("supply", "purchase") and rng.random() < 0.04:
        value = Value(amount=rng.randrange(1, 500) * 10 ** rng.choice((6, 7, 8)), currency=rng.choice(("USD", "EUR")))
    rule = rng.choice(corpus.rules[relation])
    base = Event(
        doc=doc,
        sentence=sentence,
        start=offset,
        end=offset + len(sentence),
        relation=relation,
        suppliers=suppliers,
        recipients=recipients,
        items=tuple(items),
        modality=modality,
        rule=rule,
        date=date,
        source=source,
        trigger=trigger,
        value=value,
    )
    events = [base]
    # As the extractor does: an item's stated origin and its user imply a supply between them.
    named = tuple(actor for actor in suppliers if actor.qid)
    if relation == "use" and named and recipients:
        events.append(replace(base, relation="supply", suppliers=named, implicit=True))
    return events, sentence


def weighted_pick(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def synthetic_articles(corpus: Corpus, documents: int, seed: int) -> tuple[list[Article], list[Event]]:
    """`documents` articles with their events; one in ten says nothing extractable (a silent document)."""
    rng = random.Random(seed)
    articles: list[Article] = []
    events: list[Event] = []
    for number in range(documents):
        doc = f"{number:06d}_{rng.getrandbits(64):016x}.txt"
        # More articles as the war goes on: the day is skewed towards the end of the period.
        day = FIRST_DAY + int(DAYS * rng.random() ** 0.8)
        date = _date(rng, day)
        sentences = ["Le conflit se poursuit sur le front de l'est."]
        offset = len(sentences[0]) + 1
        count = 0 if rng.random() < 0.1 else min(1 + int(rng.expovariate(1 / 2.5)), 25)
        for _ in range(count):
            found, sentence = _events_of(corpus, rng, doc, date, offset)
            events.extend(found)
            sentences.append(sentence)
            offset += len(sentence) + 1
        text = " ".join(sentences)
        title = sentences[1][:80] if count else sentences[0]
        articles.append(Article(id=doc, text=text, date=date, url=f"https://news.example/{number}", title=title))
    return articles, events


def load_corpus(folder: Path) -> Corpus:
    """The vocabularies of `folder` and the package's rule ids, as the generator draws from them."""
    from kg.rules.loader import load_rules
    from kg.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(folder)
    rules: dict[str, list[str]] = {}
    for rule in load_rules():
        rules.setdefault(rule.relation, []).append(rule.id)
    return Corpus(actors=vocabulary.actors, items=vocabulary.items, rules=rules)


@dataclass
class Built:
    """The synthetic dataset: one small rdflib Dataset per document, and the facts across them."""

    articles: list[Article]
    events: list[Event]
    documents: list[Any]
    facts: Any

    def quads(self) -> int:
        return sum(quads(dataset) for dataset in self.documents) + quads(self.facts)

    def write_trig(self, path: Path) -> None:
        """The documents' graphs, then kgd:facts, each written by `kg.rdf.dumps_trig`, in one file.

        Graphs come in the order `write_trig` sorts them (document ids are zero-padded, and `kgd:doc/…` sorts
        before `kgd:facts`); each part repeats its @prefix lines, which TriG allows.
        """
        from kg.rdf import dumps_trig

        with open(path, "w", encoding="utf-8") as handle:
            for dataset in [*self.documents, self.facts]:
                handle.write(dumps_trig(dataset))
                handle.write("\n")


class _Graphs:
    """What `kg.rdf.add_facts` reads and writes of a Dataset: the documents' graphs, and the facts graph."""

    def __init__(self, documents: list[Any], facts: Any) -> None:
        self._documents = documents
        self._facts = facts

    def graphs(self) -> Iterator[Any]:
        for dataset in self._documents:
            yield from dataset.graphs()

    def quads(self, pattern: Any) -> Iterator[Any]:
        for dataset in self._documents:
            yield from dataset.quads(pattern)

    def graph(self, identifier: Any) -> Any:
        return self._facts.graph(identifier)


def build(corpus: Corpus, documents: int, seed: int) -> Built:
    """The dataset of `documents` synthetic articles, built by the project's own RDF layer.

    `kg.rdf.build_dataset` runs on each article alone (its document graph is exactly the one the whole
    corpus would give: a graph holds only its own document's events), and `kg.rdf.add_facts` once over all
    the documents' graphs. On one corpus-wide rdflib Dataset the result would be the same quads
    (`check_build` compares them), but `add_facts` would take hours: rdflib's memory store finds one named
    graph's `?e a kg:Event` by scanning those of every graph, so the facts cost documents x events.
    Actors carry their vocabulary IRI, so no vocabulary graph is needed to map Wikidata ids.
    """
    from rdflib import Dataset

    from kg.rdf import FACTS_GRAPH, SUMMARIES_GRAPH, add_facts, build_dataset

    articles, events = synthetic_articles(corpus, documents, seed)
    by_document: dict[str, list[Event]] = {}
    for event in events:
        by_document.setdefault(event.doc, []).append(event)
    datasets = []
    for article in articles:
        dataset = build_dataset([article], by_document.get(article.id, []))
        dataset.remove_graph(FACTS_GRAPH)
        dataset.remove_graph(SUMMARIES_GRAPH)
        datasets.append(dataset)
    facts = Dataset()
    add_facts(_Graphs(datasets, facts))  # type: ignore[arg-type]
    return Built(articles, events, datasets, facts)


def check_build(corpus: Corpus, documents: int, seed: int) -> None:
    """Fail unless `build` gives the quads of one `build_dataset` call on the whole corpus."""
    from kg.rdf import build_dataset

    built = build(corpus, documents, seed)
    ours = {quad for dataset in [*built.documents, built.facts] for quad in _quads(dataset)}
    theirs = set(_quads(build_dataset(built.articles, built.events)))
    if ours != theirs:
        raise RuntimeError(
            f"the per-document build differs from build_dataset: {len(ours - theirs)} quads more, "
            f"{len(theirs - ours)} fewer"
        )


def _quads(dataset: Any) -> Iterator[tuple[Any, ...]]:
    for graph in dataset.graphs():
        for triple in graph:
            yield (*triple, graph.identifier)


def quads(dataset: Any) -> int:
    """Statements over all graphs, a triple in two graphs counted twice (`len` of an rdflib Dataset counts it once)."""
    return sum(len(graph) for graph in dataset.graphs())


def documents_for(corpus: Corpus, triples: int, seed: int) -> int:
    """How many documents make about `triples` triples, from two sample builds.

    The documents' graphs grow linearly with their number; the facts grow more slowly, as more events
    restate a known fact: a power law through the two samples. The real count is printed.
    """
    sizes = (500, 2000)
    samples = [build(corpus, size, seed) for size in sizes]
    per_document = sum(quads(dataset) for dataset in samples[1].documents) / sizes[1]
    facts = [quads(sample.facts) for sample in samples]
    exponent = math.log(facts[1] / facts[0]) / math.log(sizes[1] / sizes[0])
    scale = facts[1] / sizes[1] ** exponent
    low, high = 1, max(2, triples)
    while low < high:  # the smallest count reaching `triples`
        middle = (low + high) // 2
        if per_document * middle + scale * middle**exponent < triples:
            low = middle + 1
        else:
            high = middle
    return low


# --- timing -------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Latencies of one query on one engine, in seconds; `timed_out` when a run hit the cap."""

    rows: int | None = None
    runs: list[float] = field(default_factory=list)
    timed_out: bool = False
    error: str | None = None

    @property
    def p50(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def p90(self) -> float | None:
        # Nearest rank: with ten runs, the ninth fastest.
        return sorted(self.runs)[math.ceil(0.9 * len(self.runs)) - 1] if self.runs else None


def time_oxigraph(store: Any, sparql: str, repeat: int) -> Timing:
    """One warm-up, then `repeat` runs, each reading every value of every row."""
    timing = Timing()

    def run() -> tuple[float, int]:
        start = time.perf_counter()
        rows = 0
        for solution in store.query(sparql):
            tuple(solution)
            rows += 1
        return time.perf_counter() - start, rows

    try:
        _, timing.rows = run()
        timing.runs = [run()[0] for _ in range(repeat)]
    except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
        timing.error = " ".join(str(exc).split())
    return timing


def rdflib_worker(
    trig: str, vocabularies: list[str], queries: list[tuple[str, str]], repeat: int, timeout: float, conn: Connection
) -> None:
    """In a spawned process (no Oxigraph threads in it, so forking is safe): parse, then time each query."""
    import rdflib.plugins.sparql
    from rdflib import Dataset

    logging.basicConfig(level=logging.INFO, format="%(asctime)s rdflib: %(message)s", datefmt="%H:%M:%S")
    # Terminated by the parent: exit through the `finally` that kills the query's child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Like Oxigraph (and the SPARQL spec), the default graph is the vocabularies, not the union of graphs.
    rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = False
    start = time.perf_counter()
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    for path in vocabularies:
        dataset.parse(path, format="turtle")  # a triples format goes to the default graph
    # As kg.store.build_store does once the vocabularies are in.
    dataset.update(lookup_keys_update())
    conn.send(("loaded", time.perf_counter() - start, quads(dataset)))
    fork = multiprocessing.get_context("fork")
    for name, sparql in queries:
        log.info("%s", name)
        conn.send(("timing", name, _time_rdflib(fork, dataset, sparql, repeat, timeout)))
    conn.close()


def _time_rdflib(fork: Any, dataset: Any, sparql: str, repeat: int, timeout: float) -> Timing:
    """Runs in a forked child, killed when one run takes longer than `timeout`."""
    timing = Timing()
    receive, send = fork.Pipe(duplex=False)
    child = fork.Process(target=_rdflib_runs, args=(dataset, sparql, repeat, timeout, send), daemon=True)
    child.start()
    send.close()
    try:
        while True:
            if not receive.poll(timeout):
                timing.timed_out = True
                break
            try:
                kind, value = receive.recv()
            except EOFError:
                timing.error = timing.error or "the rdflib process died"
                break
            if kind == "warm-up":
                timing.rows = value
            elif kind == "run":
                timing.runs.append(value)
            elif kind == "error":
                timing.error = value
            else:
                break
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    return timing


def _rdflib_runs(dataset: Any, sparql: str, repeat: int, budget: float, conn: Connection) -> None:
    def run() -> tuple[float, int]:
        start = time.perf_counter()
        rows = len(list(dataset.query(sparql)))
        return time.perf_counter() - start, rows

    try:
        conn.send(("warm-up", run()[1]))
        spent = 0.0
        for _ in range(repeat):
            seconds = run()[0]
            conn.send(("run", seconds))
            spent += seconds
            if spent > budget:
                break
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types; the parent reports it as one line
        conn.send(("error", f"{type(exc).__name__}: {' '.join(str(exc).split())}"))
    conn.send(("done", None))
    conn.close()


# --- the run ------------------------------------------------------------------------------------------------


@contextmanager
def stopwatch(what: str) -> Iterator[list[float]]:
    """Log `what` and its duration; the seconds are appended to the list it yields."""
    log.info("%s…", what)
    elapsed: list[float] = []
    start = time.perf_counter()
    yield elapsed
    elapsed.append(time.perf_counter() - start)
    log.info("%s: %.1f s", what, elapsed[0])


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.1f}"


def report(
    names: list[str], oxigraph: dict[str, Timing], rdflib: dict[str, Timing] | None, timeout: float
) -> list[str]:
    """The table and the summary lines; `rdflib` is None when it was not run."""
    header = ("query", "rows", "oxigraph p50 ms", "p90 ms", "rdflib p50 ms", "p90 ms", "speedup")
    lines: list[tuple[str, ...]] = []
    speedups: list[float] = []
    bounds = slower = 0
    slower_names: list[str] = []
    over: list[str] = []
    notes: list[str] = []
    for name in names:
        ox = oxigraph[name]
        rd = Timing() if rdflib is None else rdflib.get(name, Timing(error="not reported (the process ended)"))
        rows = "-" if ox.rows is None else str(ox.rows)
        if rd.rows is not None and ox.rows is not None and rd.rows != ox.rows:
            rows += f" (rdflib {rd.rows})"
            notes.append(f"{name}: Oxigraph returns {ox.rows} rows, rdflib {rd.rows}")
        speedup = "-"
        if ox.p50 is not None:
            if ox.p50 >= 0.100:
                over.append(f"{name} ({_ms(ox.p50)} ms)")
            if rd.timed_out:
                ratio = timeout / ox.p50
                speedup = f"≥{ratio:,.0f}×"
                bounds += 1
            elif rd.p50 is not None:
                ratio = rd.p50 / ox.p50
                speedup = f"{ratio:,.1f}×"
            else:
                ratio = None
            if ratio is not None:
                speedups.append(ratio)
                if ratio < 1:
                    slower += 1
                    slower_names.append(name)
        rd_p50 = f">{timeout:g} s" if rd.timed_out else _ms(rd.p50)
        rd_p90 = "" if rd.timed_out else _ms(rd.p90)
        if rd.runs and len(rd.runs) < len(ox.runs):
            rd_p50 += f" (n={len(rd.runs)})"
        for engine, timing in (("Oxigraph", ox), ("rdflib", rd)):
            if timing.error:
                notes.append(f"{name}: {engine} failed: {timing.error}")
        lines.append((name, rows, _ms(ox.p50), _ms(ox.p90), rd_p50, rd_p90, speedup))
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    out = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *lines]
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    out.append("")
    if speedups:
        mean = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
        bound = f" (a lower bound: {bounds} rdflib queries cut at {timeout:g} s count at the cap)" if bounds else ""
        out.append(f"geometric mean speedup: {mean:,.1f}× over {len(speedups)} queries{bound}")
    if rdflib is not None:
        out.append(f"queries slower on Oxigraph: {slower}" + (f" ({', '.join(slower_names)})" if slower_names else ""))
    answer = "yes" if not over and all(oxigraph[n].p50 is not None for n in names) else "no"
    out.append(f"every Oxigraph p50 < 100 ms: {answer}" + (f" (over: {', '.join(over)})" if over else ""))
    out.extend(f"note: {note}" for note in notes)
    return out


def run_oxigraph(trig: Path, folder: Path, queries: list[tuple[str, str]], repeat: int) -> dict[str, Timing]:
    """Load the store as `kg build` does (on disk, under `trig`'s folder), then time every query."""
    from kg.store import build_store, open_store

    with stopwatch("loading Oxigraph (kg.store.build_store)") as load:
        build_store(trig, trig.parent, folder)
    store = open_store(trig.parent)
    print(f"Oxigraph: {len(store):,} quads with the vocabularies, loaded in {load[0]:.1f} s (bulk load + optimize)")
    timings = {}
    for name, sparql in queries:
        log.info("oxigraph: %s", name)
        timings[name] = time_oxigraph(store, sparql, repeat)
    return timings


def run_rdflib(
    trig: Path, folder: Path, queries: list[tuple[str, str]], repeat: int, timeout: float
) -> dict[str, Timing]:
    """Parse and time every query in a spawned process; a query it never reports is missing from the result."""
    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    vocabularies = [str(folder / name) for name in VOCABULARY_FILES]
    worker = spawn.Process(target=rdflib_worker, args=(str(trig), vocabularies, queries, repeat, timeout, send))
    log.info("rdflib: parsing TriG and vocabularies…")
    worker.start()
    send.close()
    timings: dict[str, Timing] = {}
    try:
        while True:
            message = receive.recv()
            if message[0] == "loaded":
                _, seconds, count = message
                print(f"rdflib: {count:,} quads with the vocabularies, loaded in {seconds:.1f} s (parse, in memory)")
            else:
                timings[message[1]] = message[2]
    except EOFError:
        pass
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples to generate")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query, after one warm-up")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before an rdflib run is given up")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic corpus")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="write graph.trig and store/ into DIR and keep them (then: kg query NAME --graph DIR)",
    )
    parser.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only")
    args = parser.parse_args(argv)
    if args.triples < 1000 or args.repeat < 1 or args.timeout <= 0:
        parser.error("--triples must be at least 1000, --repeat at least 1, --timeout positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    # A plain kill runs the `finally` that removes the temporary folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    import pyoxigraph
    import rdflib

    from kg.queries import load_named_queries

    folder = ontology_dir()
    queries = [(query.name, query.bind()) for query in load_named_queries()]
    print(f"SPARQL benchmark: {len(queries)} named queries, default parameters, 1 warm-up + {args.repeat} runs")
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}"
    )
    corpus = load_corpus(folder)
    check_build(corpus, 150, args.seed)
    documents = documents_for(corpus, args.triples, args.seed)
    with stopwatch(f"generating {documents:,} documents and building the dataset") as built:
        dataset = build(corpus, documents, args.seed)
    temp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    temp.mkdir(parents=True, exist_ok=True)
    try:
        trig = temp / "graph.trig"
        with stopwatch("writing TriG") as written:
            dataset.write_trig(trig)
        print(
            f"data: {dataset.quads():,} triples in {len(dataset.documents) + 2:,} named graphs "
            f"({len(dataset.articles):,} documents, {len(dataset.events):,} events, {quads(dataset.facts):,} "
            f"triples in kgd:facts and kgd:summaries), seed {args.seed}; TriG {trig.stat().st_size / 1e6:,.0f} MB"
        )
        print(
            f"generated and built (kg.rdf.build_dataset per document, add_facts) in {built[0]:.1f} s, "
            f"written (kg.rdf.dumps_trig) in {written[0]:.1f} s"
        )
        del dataset
        oxigraph = run_oxigraph(trig, folder, queries, args.repeat)
        rdflib_timings = None if args.no_rdflib else run_rdflib(trig, folder, queries, args.repeat, args.timeout)
    finally:
        if not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
    print()
    for line in report([name for name, _ in queries], oxigraph, rdflib_timings, args.timeout):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
