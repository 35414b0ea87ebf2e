"""The RDF layer on hand-built events: graphs, IRIs, SHACL, TriG (no spaCy)."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SH, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from kg import paths
from kg.errors import OntologyError
from kg.model import Actor, Article, Event, Item, Value
from kg.rdf import (
    ACTOR,
    CAT,
    FACTS_GRAPH,
    ITEM,
    KG,
    KGD,
    SUMMARIES_GRAPH,
    WD,
    add_facts,
    build_dataset,
    document_iri,
    dumps_trig,
    event_iri,
    load_ontology,
    validate,
    write_trig,
)
from kg.rdf.facts import FactBlocks, fact_triples
from kg.rdf.namespace import ONTOLOGY_IRI, RELATION_SHORTCUT
from kg.rdf.summaries import summaries_of
from kg.rdf.support import FactKey, Support
from kg.rdf.trig import triples_block

# A plain Namespace: pytest probes module attributes, and rdflib's XSD warns on unknown names.
XSD = Namespace(str(rdflib.XSD))
REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"

# A vocabulary of our own, so these tests do not depend on actors.ttl / items.ttl.
VOCABULARY_TTL = """\
@prefix kg: <https://w3id.org/kg-arms/ontology#> .
@prefix actor: <https://w3id.org/kg-arms/actor/> .
@prefix item: <https://w3id.org/kg-arms/item/> .
@prefix cat: <https://w3id.org/kg-arms/category/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .

actor:russia a skos:Concept , kg:Country ; skos:prefLabel "Russia"@en , "Russie"@fr ; owl:sameAs wd:Q159 .
actor:north_korea a skos:Concept , kg:Country ; skos:prefLabel "North Korea"@en ; owl:sameAs wd:Q423 .
actor:iran a skos:Concept , kg:Country ; skos:prefLabel "Iran"@en ; owl:sameAs wd:Q794 .
actor:ukraine a skos:Concept , kg:Country ; skos:prefLabel "Ukraine"@en ; owl:sameAs wd:Q212 .
actor:france a skos:Concept , kg:Country ; skos:prefLabel "France"@en ; owl:sameAs wd:Q142 .
actor:nato a skos:Concept , kg:InternationalOrganisation ; skos:prefLabel "NATO"@en ; owl:sameAs wd:Q7184 .
cat:drone a skos:Concept , kg:ItemCategory ; skos:prefLabel "drone"@en , "drone"@fr .
cat:ammunition a skos:Concept , kg:ItemCategory ; skos:prefLabel "ammunition"@en .
cat:air_defence a skos:Concept , kg:ItemCategory ; skos:prefLabel "air defence"@en .
item:shahed a skos:Concept , kg:ItemType ; skos:prefLabel "Shahed"@en ; kg:category cat:drone .
"""

RUSSIA = Actor(label="Russia", qid="Q159", iri=str(ACTOR.russia), kind="Country")
NORTH_KOREA = Actor(label="North Korea", qid="Q423", kind="Country")
IRAN = Actor(label="Iran", qid="Q794")
UKRAINE = Actor(label="Ukraine", qid="Q212")
FRANCE = Actor(label="France", qid="Q142")
COMPANIES = Actor(label="deux entreprises d'armement")
SHELLS = Item(label="artillery shell", category="ammunition", quantity="millions")
SHAHED = Item(label="Shahed", category="drone", iri="https://w3id.org/kg-arms/item/shahed", quantity=100)

TEXT_1 = (
    "La Corée du Nord a livré des millions d'obus à la Russie. "
    "Selon le New York Times, Moscou aurait acheté 100 drones Shahed à l'Iran."
)
TEXT_2 = "La France va fournir des systèmes SAMP/T à l'Ukraine."
ARTICLES = (
    Article(id="001.txt", text=TEXT_1, date="2024-03-05", url="https://example.org/a?x=1&y=2", title="Obus"),
    Article(id="002.txt", text=TEXT_2, date="2024-04"),
    Article(id="003 sans événement.txt", text="Rien à signaler.", title="Calme"),
)


def _sentence(text: str, fragment: str) -> tuple[str, int, int]:
    start = text.index(fragment)
    return fragment, start, start + len(fragment)


def _north_korea_supplies_russia(doc: str, text: str, fragment: str, item: Item, /, **changes: object) -> Event:
    """North Korea -> Russia, asserted, in `fragment` of `text`: the base event tests vary."""
    sentence, start, end = _sentence(text, fragment)
    base = Event(
        doc=doc,
        sentence=sentence,
        start=start,
        end=end,
        relation="supply",
        suppliers=(NORTH_KOREA,),
        recipients=(RUSSIA,),
        items=(item,),
        modality="asserted",
        rule="supply-verb",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def supply_event(**changes: object) -> Event:
    """North Korea -> Russia, shells: the base event each test varies."""
    trigger_start = TEXT_1.index("livré")
    changes.setdefault("trigger", ((trigger_start, trigger_start + len("livré")),))
    fragment = "La Corée du Nord a livré des millions d'obus à la Russie."
    return _north_korea_supplies_russia("001.txt", TEXT_1, fragment, SHELLS, **changes)


def purchase_event() -> Event:
    sentence, start, end = _sentence(
        TEXT_1, "Selon le New York Times, Moscou aurait acheté 100 drones Shahed à l'Iran."
    )
    return Event(
        doc="001.txt",
        sentence=sentence,
        start=start,
        end=end,
        relation="purchase",
        suppliers=(IRAN,),
        recipients=(RUSSIA,),
        items=(SHAHED,),
        modality="reported",
        rule="purchase-verb",
        source="New York Times",
    )


def planned_event() -> Event:
    return Event(
        doc="002.txt",
        sentence=TEXT_2,
        start=0,
        end=len(TEXT_2),
        relation="supply",
        suppliers=(FRANCE,),
        recipients=(UKRAINE,),
        items=(Item(label="SAMP/T", category="air_defence"),),
        modality="planned",
        rule="supply-verb",
    )


def all_events() -> list[Event]:
    return [supply_event(), purchase_event(), planned_event()]


@pytest.fixture
def ontology_dir(tmp_path: Path) -> Path:
    """The project's kg.ttl and shapes.ttl with the test vocabulary beside them."""
    folder = tmp_path / "ontology"
    folder.mkdir()
    for name in ("kg.ttl", "shapes.ttl"):
        shutil.copy(ONTOLOGY / name, folder / name)
    (folder / "vocabulary.ttl").write_text(VOCABULARY_TTL, encoding="utf-8")
    return folder


@pytest.fixture
def vocabulary(ontology_dir: Path) -> Graph:
    return load_ontology(ontology_dir)


@pytest.fixture
def dataset(vocabulary: Graph) -> Dataset:
    return build_dataset(ARTICLES, all_events(), vocabulary)


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    """Non-empty graphs by name ("" for the default graph), copied into plain Graphs."""
    out: dict[str, Graph] = {}
    for graph in dataset.graphs():
        if len(graph):
            copy = Graph()
            for triple in graph:
                copy.add(triple)
            out[str(graph.identifier)] = copy
    return out


def union(dataset: Dataset) -> Graph:
    """All graphs' triples together (a Dataset's own triple methods see only its default graph)."""
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def assert_same_dataset(left: Dataset, right: Dataset) -> None:
    a, b = named_graphs(left), named_graphs(right)
    assert sorted(a) == sorted(b)
    for name in a:
        assert isomorphic(a[name], b[name]), name


# --- build --------------------------------------------------------------------


def test_build_one_named_graph_per_document_and_one_for_facts(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {str(document_iri(a.id)) for a in ARTICLES} | {str(FACTS_GRAPH), str(SUMMARIES_GRAPH)}


@pytest.mark.parametrize("event", all_events(), ids=lambda e: e.rule)
def test_build_event_triples_in_its_document_graph(dataset: Dataset, vocabulary: Graph, event: Event) -> None:
    node = event_iri(event, vocabulary)
    graph = dataset.graph(document_iri(event.doc))
    assert (node, RDF.type, KG.Event) in graph
    for other in ARTICLES:
        if other.id != event.doc:
            assert (node, None, None) not in dataset.graph(document_iri(other.id))


def test_build_default_graph_is_empty(dataset: Dataset) -> None:
    assert len(dataset.default_graph) == 0


def test_build_document_without_events_is_present(dataset: Dataset) -> None:
    article = ARTICLES[2]
    doc = document_iri(article.id)
    graph = dataset.graph(doc)
    assert (doc, RDF.type, KG.Document) in graph
    assert (doc, KG.title, Literal("Calme")) in graph
    assert not list(graph.subjects(RDF.type, KG.Event))


def test_build_document_metadata(dataset: Dataset) -> None:
    doc = document_iri("001.txt")
    graph = dataset.graph(doc)
    assert graph.value(doc, KG.date) == Literal("2024-03-05", datatype=XSD.date)
    assert graph.value(doc, KG.url) == Literal("https://example.org/a?x=1&y=2", datatype=XSD.anyURI)
    assert dataset.graph(document_iri("002.txt")).value(document_iri("002.txt"), KG.date) == Literal(
        "2024-04", datatype=XSD.gYearMonth
    )


def test_build_same_input_same_iris(vocabulary: Graph) -> None:
    first = build_dataset(ARTICLES, all_events(), vocabulary)
    second = build_dataset(ARTICLES, list(reversed(all_events())), vocabulary)
    assert set(first.quads()) == set(second.quads())


def test_build_no_blank_nodes(dataset: Dataset) -> None:
    from rdflib import BNode

    assert not [q for q in dataset.quads() if any(isinstance(t, BNode) for t in q[:3])]


@pytest.mark.parametrize(
    "changes",
    [
        {"relation": "use"},
        {"recipients": (UKRAINE,)},
        {"suppliers": (RUSSIA,), "recipients": (NORTH_KOREA,)},
        {"items": (SHAHED,)},
        {"items": (SHELLS, SHAHED)},
        {"rule": "other-rule"},
    ],
    ids=["relation", "recipient", "swapped-roles", "item", "more-items", "rule"],
)
def test_build_events_of_one_sentence_get_different_iris(vocabulary: Graph, changes: dict) -> None:
    base, other = supply_event(), supply_event(**changes)
    assert event_iri(base, vocabulary) != event_iri(other, vocabulary)
    dataset = build_dataset(ARTICLES, [base, other], vocabulary)
    assert len(set(union(dataset).subjects(RDF.type, KG.Event))) == 2


def test_build_event_iri_ignores_actor_order(vocabulary: Graph) -> None:
    one = supply_event(suppliers=(NORTH_KOREA, IRAN))
    two = supply_event(suppliers=(IRAN, NORTH_KOREA))
    assert event_iri(one, vocabulary) == event_iri(two, vocabulary)


@pytest.mark.parametrize("relation", sorted(RELATION_SHORTCUT))
def test_build_shortcut_edge_per_pair(vocabulary: Graph, relation: str) -> None:
    event = supply_event(relation=relation, suppliers=(NORTH_KOREA, IRAN), recipients=(RUSSIA, UKRAINE))
    graph = build_dataset(ARTICLES, [event], vocabulary).graph(document_iri(event.doc))
    edges = set(graph.subject_objects(RELATION_SHORTCUT[relation]))
    expected = {(s, r) for s in (ACTOR.north_korea, ACTOR.iran) for r in (ACTOR.russia, ACTOR.ukraine)}
    assert edges == expected


@pytest.mark.parametrize("modality", ["asserted", "reported", "hypothetical", "planned"])
def test_build_shortcut_edge_for_every_modality_but_a_denial(vocabulary: Graph, modality: str) -> None:
    """« Pyongyang n'a pas livré d'obus à Moscou » must not put « North Korea supplies Russia » in the graph."""
    stated = supply_event(modality=modality, suppliers=(NORTH_KOREA,), recipients=(RUSSIA,))
    denied = supply_event(modality="negated", suppliers=(IRAN,), recipients=(UKRAINE,), start=40, end=80)
    graph = build_dataset(ARTICLES, [stated, denied], vocabulary).graph(document_iri(stated.doc))
    assert set(graph.subject_objects(KG.supplies)) == {(ACTOR.north_korea, ACTOR.russia)}
    # The denied event itself is kept, with its parties and its modality.
    assert (None, KG.modality, KG.negated) in graph
    assert (None, KG.supplier, ACTOR.iran) in graph


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (RUSSIA, ACTOR.russia),
        (Actor(label="Iran", qid="Q794"), ACTOR.iran),
        (Actor(label="Atlantis", qid="Q999999"), KGD["actor/Q999999"]),
        (COMPANIES, KGD["actor/001.txt/deux-entreprises-d-armement"]),
    ],
    ids=["iri", "qid-in-vocabulary", "qid-unknown", "unnamed"],
)
def test_build_actor_iri(vocabulary: Graph, actor: Actor, expected: URIRef) -> None:
    dataset = build_dataset(ARTICLES, [supply_event(suppliers=(actor,))], vocabulary)
    assert set(union(dataset).objects(None, KG.supplier)) == {expected}


def test_build_minted_actors_are_described(vocabulary: Graph) -> None:
    atlantis = Actor(label="Atlantis", qid="Q999999", kind="Country")
    graph = build_dataset(ARTICLES, [supply_event(suppliers=(atlantis, COMPANIES))], vocabulary).graph(
        document_iri("001.txt")
    )
    minted = KGD["actor/Q999999"]
    assert {minted} == set(graph.subjects(OWL.sameAs, WD.Q999999))
    assert (minted, RDF.type, KG.Country) in graph
    unnamed = KGD["actor/001.txt/deux-entreprises-d-armement"]
    assert (unnamed, RDF.type, KG.UnnamedActor) in graph
    assert graph.value(unnamed, RDFS.label) == Literal("deux entreprises d'armement")
    # Vocabulary concepts are not copied into the data.
    assert not list(graph.triples((ACTOR.russia, None, None)))


def test_build_items_and_provenance(dataset: Dataset, vocabulary: Graph) -> None:
    event = purchase_event()
    node = event_iri(event, vocabulary)
    graph = dataset.graph(document_iri(event.doc))
    flow = graph.value(node, KG.itemFlow)
    assert graph.value(flow, KG.category) == CAT.drone
    assert graph.value(flow, KG.itemType) == URIRef(SHAHED.iri)
    assert graph.value(flow, KG.quantity) == Literal(100, datatype=XSD.integer)
    assert graph.value(node, KG.modality) == KG.reported
    assert graph.value(node, KG.source) == Literal("New York Times")
    mention = graph.value(node, KG.evidence)
    assert (node, PROV.wasDerivedFrom, mention) in graph
    assert (mention, PROV.wasQuotedFrom, document_iri(event.doc)) in graph
    sentence = graph.value(mention, KG.sentence)
    assert str(sentence) == f"{KGD}sentence/001.txt/{event.start}-{event.end}"
    assert graph.value(sentence, KG.text) == Literal(event.sentence)
    assert graph.value(sentence, KG.start) == Literal(event.start, datatype=XSD.integer)
    rule = graph.value(node, KG.rule)
    assert graph.value(rule, RDFS.label) == Literal("purchase-verb")


def test_build_trigger_words(dataset: Dataset, vocabulary: Graph) -> None:
    event = supply_event()
    graph = dataset.graph(document_iri(event.doc))
    mention = graph.value(event_iri(event, vocabulary), KG.evidence)
    assert graph.value(mention, KG.trigger) == Literal("livré")


def test_build_quantity_text(dataset: Dataset, vocabulary: Graph) -> None:
    graph = dataset.graph(document_iri("001.txt"))
    flow = graph.value(event_iri(supply_event(), vocabulary), KG.itemFlow)
    assert graph.value(flow, KG.quantityText) == Literal("millions")
    assert graph.value(flow, KG.quantity) is None


@pytest.mark.parametrize("doc_id", ["a b/c.txt", "..", "é?#x&y=<z>", '"quoted"\n', "100%"])
def test_build_document_iri_escapes_hostile_ids(doc_id: str) -> None:
    iri = str(document_iri(doc_id))
    local = iri[len(f"{KGD}doc/") :]
    assert local and local not in (".", "..")
    assert all(c.isascii() and (c.isalnum() or c in "%-._~") for c in local)
    assert document_iri(doc_id) != document_iri(doc_id + "x")


@pytest.mark.parametrize("changes", [{"relation": "sell"}, {"modality": "certain"}])
def test_build_rejects_unknown_values(changes: dict) -> None:
    with pytest.raises(ValueError):
        build_dataset(ARTICLES, [supply_event(**changes)])


# --- validate -----------------------------------------------------------------


def test_validate_conforms_on_good_dataset(dataset: Dataset, ontology_dir: Path) -> None:
    conforms, report = validate(dataset, ontology_dir)
    assert conforms, report


def _drop_modality(dataset: Dataset) -> None:
    dataset.remove((None, KG.modality, None, None))


def _second_modality(dataset: Dataset) -> None:
    for event, graph in [(s, g) for s, _, _, g in dataset.quads((None, RDF.type, KG.Event, None))]:
        dataset.add((event, KG.modality, KG.negated, graph))


def _drop_evidence(dataset: Dataset) -> None:
    dataset.remove((None, KG.evidence, None, None))


def _start_after_end(dataset: Dataset) -> None:
    for sentence, _, _, graph in list(dataset.quads((None, RDF.type, KG.Sentence, None))):
        dataset.remove((sentence, KG.start, None, graph))
        dataset.add((sentence, KG.start, Literal(10**6), graph))


@pytest.mark.parametrize(
    "breaker",
    [_drop_modality, _second_modality, _drop_evidence, _start_after_end],
    ids=lambda f: f.__name__.strip("_"),
)
def test_validate_fails_on_broken_dataset(dataset: Dataset, ontology_dir: Path, breaker) -> None:
    breaker(dataset)
    conforms, report = validate(dataset, ontology_dir)
    assert not conforms
    assert "Conforms: False" in report


@pytest.mark.parametrize(
    "event",
    [
        supply_event(items=(Item(label="thing", category="no_such_category"),)),
        supply_event(suppliers=(Actor(label="Nowhere", iri=str(ACTOR.nowhere)),)),
        supply_event(items=()),
    ],
    ids=["unknown-category", "unknown-actor-iri", "no-items"],
)
def test_validate_fails_on_bad_event(ontology_dir: Path, vocabulary: Graph, event: Event) -> None:
    conforms, report = validate(build_dataset(ARTICLES, [event], vocabulary), ontology_dir)
    assert not conforms, report


def test_validate_shapes_define_node_shapes() -> None:
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    targets = {shapes.value(s, SH.targetClass) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert len(targets) >= 3
    assert {KG.Event, KG.Actor, KG.ItemFlow, KG.Mention, KG.Document} <= targets


def test_validate_load_ontology_skips_shapes(ontology_dir: Path) -> None:
    graph = load_ontology(ontology_dir)
    assert (KG.Supply, RDFS.subClassOf, KG.Claim) in graph
    assert (None, RDF.type, SH.NodeShape) not in graph


def test_validate_project_ontology_parses() -> None:
    graph = load_ontology(ONTOLOGY)
    assert (KG.Event, RDFS.subClassOf, PROV.Entity) in graph


def test_validate_load_ontology_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(OntologyError):
        load_ontology(tmp_path)


# --- trig ---------------------------------------------------------------------

HOSTILE = [
    'He said "no" and """then""" left',
    "back\\slash \\n \\u0041 \\",
    "line one\nline two\r\nthree\ttab",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "emoji 🚀🇺🇦 and accents éàç œ",
    "control \x01\x07\x1b\x7f chars",
    "'single' quotes ; . , @prefix x: <y> .",
    "",
]


def hostile_dataset(text: str) -> Dataset:
    doc = "hostile " + text[:20]
    sentence = f"Phrase : {text} fin."
    event = Event(
        doc=doc,
        sentence=sentence,
        start=0,
        end=len(sentence),
        relation="supply",
        suppliers=(Actor(label=text or "x"),),
        recipients=(UKRAINE,),
        items=(Item(label=text, category="drone", quantity=text or None, quantity_text=text),),
        modality="reported",
        rule=text,
        source=text,
        date=text or None,
    )
    article = Article(id=doc, text=sentence, title=text, url=text or None)
    return build_dataset([article], [event])


@pytest.mark.parametrize("text", HOSTILE)
def test_trig_round_trip_is_isomorphic(text: str) -> None:
    dataset = hostile_dataset(text)
    parsed = Dataset().parse(data=dumps_trig(dataset), format="trig")
    assert_same_dataset(dataset, parsed)


@pytest.mark.parametrize("text", HOSTILE)
def test_trig_parses_in_oxigraph(text: str) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    dataset = hostile_dataset(text)
    quads = list(pyoxigraph.parse(dumps_trig(dataset).encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG))
    assert len(quads) == len(list(dataset.quads()))


def test_trig_round_trip_default_graph_and_blank_nodes() -> None:
    from rdflib import BNode

    dataset = Dataset()
    node = BNode("b0")
    dataset.add((node, RDFS.label, Literal("défaut", lang="fr")))
    dataset.add((URIRef("http://example.org/s"), RDFS.seeAlso, node))
    named = dataset.graph(URIRef("http://example.org/g"))
    named.add((URIRef("http://example.org/s"), RDFS.comment, Literal("x", datatype=XSD.string)))
    named.add((URIRef("http://example.org/s"), RDFS.comment, Literal("x")))
    parsed = Dataset().parse(data=dumps_trig(dataset), format="trig")
    assert_same_dataset(dataset, parsed)


@pytest.mark.parametrize("iri", ["http://example.org/a b", 'http://example.org/{x}|^`<>"', "http://ex.org/é\\"])
def test_trig_round_trip_escapes_bad_iris(iri: str) -> None:
    # rdflib's isomorphism check cannot handle such IRIs; ground quads compare as sets.
    dataset = Dataset()
    graph = dataset.graph(URIRef("http://example.org/g"))
    graph.add((URIRef(iri), RDFS.label, Literal("lone \ud83d surrogate")))
    graph.add((URIRef("http://example.org/s"), RDFS.seeAlso, URIRef(iri)))
    parsed = Dataset().parse(data=dumps_trig(dataset), format="trig")
    assert set(parsed.quads()) == set(dataset.quads())


def test_trig_uses_prefixes_only_for_safe_names(dataset: Dataset) -> None:
    text = dumps_trig(dataset)
    assert "kg:Supply" in text and "actor:russia" in text
    assert f"<{KGD}doc/001.txt>" in text
    declared = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == sorted(declared)


def test_trig_same_bytes_for_same_content(vocabulary: Graph) -> None:
    first = build_dataset(ARTICLES, all_events(), vocabulary)
    second = build_dataset(list(reversed(ARTICLES)), list(reversed(all_events())), vocabulary)
    assert dumps_trig(first) == dumps_trig(second)


DETERMINISM_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_rdf import ARTICLES, FACT_ARTICLES, HOSTILE, all_events, fact_events, hostile_dataset
    from kg.rdf import build_dataset, dumps_trig
    out = dumps_trig(build_dataset(ARTICLES, all_events()))
    out += dumps_trig(build_dataset(FACT_ARTICLES, fact_events()))
    out += "".join(dumps_trig(hostile_dataset(text)) for text in HOSTILE)
    sys.stdout.buffer.write(out.encode("utf-8"))
    """
)


def test_trig_bytes_identical_across_hash_seeds() -> None:
    script = DETERMINISM_SCRIPT.format(tests=str(Path(__file__).resolve().parent))
    outputs = []
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=True, cwd=REPO)
        outputs.append(result.stdout)
    assert outputs[0]
    assert outputs[0] == outputs[1] == outputs[2]


def test_trig_write_is_atomic_and_exact(dataset: Dataset, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "graph.trig"
    target.write_text("old content", encoding="utf-8")
    written = write_trig(dataset, target)
    assert written == target
    assert target.read_bytes() == dumps_trig(dataset).encode("utf-8")
    assert sorted(p.name for p in folder.iterdir()) == ["graph.trig"]


# --- facts --------------------------------------------------------------------

NATO = Actor(label="NATO", qid="Q7184")
ALLIES = Actor(label="ses alliés")
FACT_TEXTS = {
    "fait-1.txt": (
        "La Corée du Nord a livré des drones Shahed à la Russie. "
        "Pyongyang a encore expédié des Shahed vers Moscou. "
        "D'après Reuters, l'Iran aurait vendu des obus à la Russie."
    ),
    "fait-2.txt": (
        "En janvier, la Corée du Nord a fourni des drones Shahed à la Russie. "
        "Selon Le Monde, l'Iran aurait vendu des obus à l'armée russe."
    ),
    "fait-3.txt": "La Corée du Nord dément avoir livré le moindre drone Shahed à la Russie.",
}
FACT_ARTICLES = (
    Article(id="fait-1.txt", text=FACT_TEXTS["fait-1.txt"], date="2024-02"),
    Article(id="fait-2.txt", text=FACT_TEXTS["fait-2.txt"], date="2024-01-20"),
    Article(id="fait-3.txt", text=FACT_TEXTS["fait-3.txt"], date="2024-03-05"),
)
FACT_DOCS = {a.id: document_iri(a.id) for a in FACT_ARTICLES}


def fact_event(doc: str, fragment: str, **changes: object) -> Event:
    """North Korea supplies Shahed drones to Russia, asserted, in `fragment` of `doc`: each test varies it."""
    return _north_korea_supplies_russia(doc, FACT_TEXTS[doc], fragment, SHAHED, **changes)


def fact_events() -> list[Event]:
    """Shahed supplies asserted in two articles (three sentences), denied in a third; a purchase reported by two."""
    shells = {"relation": "purchase", "suppliers": (IRAN,), "items": (SHELLS,), "modality": "reported"}
    return [
        fact_event("fait-1.txt", "La Corée du Nord a livré des drones Shahed à la Russie."),
        # A second rule on the same sentence: one more event, not one more mention.
        fact_event("fait-1.txt", "La Corée du Nord a livré des drones Shahed à la Russie.", rule="supply-noun"),
        fact_event(
            "fait-1.txt",
            "Pyongyang a encore expédié des Shahed vers Moscou.",
            items=(dataclasses.replace(SHAHED, quantity=None),),
        ),
        fact_event(
            "fait-1.txt", "D'après Reuters, l'Iran aurait vendu des obus à la Russie.", source="Reuters", **shells
        ),
        fact_event(
            "fait-2.txt", "En janvier, la Corée du Nord a fourni des drones Shahed à la Russie.", rule="supply-fournir"
        ),
        fact_event(
            "fait-2.txt", "Selon Le Monde, l'Iran aurait vendu des obus à l'armée russe.", source="Le Monde", **shells
        ),
        fact_event("fait-3.txt", FACT_TEXTS["fait-3.txt"], modality="negated"),
    ]


@pytest.fixture
def fact_dataset(vocabulary: Graph) -> Dataset:
    return build_dataset(FACT_ARTICLES, fact_events(), vocabulary)


def facts_of(dataset: Dataset) -> dict[tuple, URIRef]:
    """Fact IRI by (relation class, supplier, recipient, item type, category, modality); None for an absent side."""
    graph = dataset.graph(FACTS_GRAPH)
    out = {}
    for fact in set(graph.subjects(RDF.type, KG.Fact)):
        (relation,) = set(graph.objects(fact, RDF.type)) - {KG.Fact}
        key = (
            relation,
            *(graph.value(fact, p) for p in (KG.supplier, KG.recipient, KG.itemType, KG.category, KG.modality)),
        )
        assert key not in out, key
        out[key] = fact
    return out


SHAHED_SUPPLY = (KG.Supply, ACTOR.north_korea, ACTOR.russia, ITEM.shahed, CAT.drone, KG.asserted)
SHAHED_DENIAL = SHAHED_SUPPLY[:-1] + (KG.negated,)
SHELL_PURCHASE = (KG.Purchase, ACTOR.iran, ACTOR.russia, None, CAT.ammunition, KG.reported)


def readme_query(title: str) -> str:
    """The README's SPARQL block whose comment line is `# <title>`: the documented queries are the tested ones."""
    blocks = re.findall(r"```sparql\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)
    (query,) = [b for b in blocks if f"\n# {title}\n" in b]
    return query


def run_query(engine: str, trig: str, query: str) -> set[tuple[str | None, ...]]:
    """Rows of `query` over the TriG text, terms as plain strings, with rdflib or Oxigraph."""
    if engine == "rdflib":
        result = Dataset().parse(data=trig, format="trig").query(query)
        return {tuple(None if term is None else str(term) for term in row) for row in result}  # type: ignore[union-attr]
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(trig.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return {tuple(None if row[n] is None else row[n].value for n in names) for row in solutions}


SUMMARY_CLASSES = (KG.EdgeSummary, KG.SupplierSummary, KG.RecipientSummary, KG.ReceiptSummary, KG.OutflowSummary)


def test_facts_live_in_their_own_graph(fact_dataset: Dataset) -> None:
    facts = fact_dataset.graph(FACTS_GRAPH)
    assert set(facts.subjects(RDF.type, KG.Fact)) == set(facts.subjects())
    summaries = fact_dataset.graph(SUMMARIES_GRAPH)
    kinds = (KG.ModalityTally, *SUMMARY_CLASSES)
    assert {s for kind in kinds for s in summaries.subjects(RDF.type, kind)} == set(summaries.subjects())
    for doc in FACT_DOCS.values():
        assert not list(fact_dataset.graph(doc).subjects(RDF.type, KG.Fact))


def test_facts_one_per_claim_across_documents(fact_dataset: Dataset, vocabulary: Graph) -> None:
    facts = facts_of(fact_dataset)
    assert set(facts) == {SHAHED_SUPPLY, SHAHED_DENIAL, SHELL_PURCHASE}
    graph = fact_dataset.graph(FACTS_GRAPH)
    supply = facts[SHAHED_SUPPLY]
    derived = set(graph.objects(supply, PROV.wasDerivedFrom))
    assert derived == {event_iri(e, vocabulary) for e in fact_events()[:3] + fact_events()[4:5]}
    assert graph.value(supply, KG.sourceCount) == Literal(2, datatype=XSD.integer)
    assert graph.value(supply, KG.mentionCount) == Literal(3, datatype=XSD.integer)
    denial = facts[SHAHED_DENIAL]
    assert set(graph.objects(denial, PROV.wasDerivedFrom)) == {event_iri(fact_events()[-1], vocabulary)}
    assert graph.value(denial, KG.sourceCount) == Literal(1, datatype=XSD.integer)


def summary_of(dataset: Dataset, kind: URIRef, **sides: URIRef) -> dict[str, object]:
    """The one summary of `kind` with exactly these sides: its counts, relations and per-modality tallies."""
    graph = dataset.graph(SUMMARIES_GRAPH)
    predicates = {"supplier": KG.supplier, "recipient": KG.recipient, "item": KG.itemType}
    (node,) = [
        s
        for s in graph.subjects(RDF.type, kind)
        if all(graph.value(s, predicates[name]) == sides.get(name) for name in predicates)
    ]
    counts = {
        p: graph.value(node, KG[p]).toPython() for p in ("eventCount", "sourceCount", "mentionCount", "factCount")
    }
    tallies = {
        str(graph.value(t, KG.modality)).rsplit("#")[-1]: tuple(
            graph.value(t, KG[p]).toPython() for p in ("factCount", "eventCount", "sourceCount")
        )
        for t in graph.objects(node, KG.byModality)
    }
    return {
        **counts,
        "relations": set(graph.objects(node, KG.relation)),
        "tallies": tallies,
        "dates": (str(graph.value(node, KG.firstDate)), str(graph.value(node, KG.lastDate))),
    }


def test_summary_of_an_edge_counts_distinct_events_documents_and_facts(fact_dataset: Dataset) -> None:
    edge = summary_of(fact_dataset, KG.EdgeSummary, supplier=ACTOR.north_korea, recipient=ACTOR.russia)
    # Five events (two rules on one sentence are two events), four sentences, three documents, two facts.
    assert (edge["eventCount"], edge["mentionCount"], edge["sourceCount"], edge["factCount"]) == (5, 4, 3, 2)
    assert edge["relations"] == {KG.Supply}
    # (facts, events, documents) per modality: fait-1 and fait-2 assert it, fait-3 denies it.
    assert edge["tallies"] == {"asserted": (1, 4, 2), "negated": (1, 1, 1)}
    assert edge["dates"] == ("2024-01-20", "2024-03-05")


def test_summaries_per_actor_and_item_union_documents_not_sums(fact_dataset: Dataset) -> None:
    russia = summary_of(fact_dataset, KG.RecipientSummary, recipient=ACTOR.russia)
    # Seven events over three documents: fait-1 and fait-2 each tell two edges, counted once each.
    assert (russia["eventCount"], russia["sourceCount"], russia["factCount"]) == (7, 3, 3)
    assert russia["relations"] == {KG.Supply, KG.Purchase}
    iran = summary_of(fact_dataset, KG.SupplierSummary, supplier=ACTOR.iran)
    assert (iran["eventCount"], iran["sourceCount"], iran["tallies"]) == (2, 2, {"reported": (1, 2, 2)})
    shahed = summary_of(fact_dataset, KG.ReceiptSummary, recipient=ACTOR.russia, item=ITEM.shahed)
    assert (shahed["eventCount"], shahed["sourceCount"]) == (5, 3)
    outflow = summary_of(
        fact_dataset, KG.OutflowSummary, supplier=ACTOR.north_korea, recipient=ACTOR.russia, item=ITEM.shahed
    )
    assert outflow["tallies"] == {"asserted": (1, 4, 2), "negated": (1, 1, 1)}
    # The shells name no item type: no receipt or outflow for them.
    graph = fact_dataset.graph(SUMMARIES_GRAPH)
    for kind in (KG.ReceiptSummary, KG.OutflowSummary):
        assert {graph.value(s, KG.itemType) for s in graph.subjects(RDF.type, kind)} == {ITEM.shahed}


def test_summaries_leave_requests_out(vocabulary: Graph) -> None:
    request = fact_event("fait-1.txt", "La Corée du Nord a livré des drones Shahed à la Russie.", relation="request")
    dataset = build_dataset(FACT_ARTICLES, [request], vocabulary)
    assert len(set(dataset.graph(FACTS_GRAPH).subjects(RDF.type, KG.Fact))) == 1
    assert not set(dataset.graph(SUMMARIES_GRAPH))


def test_contradiction_links_an_affirmed_fact_to_a_denial_elsewhere(fact_dataset: Dataset) -> None:
    facts = facts_of(fact_dataset)
    graph = fact_dataset.graph(FACTS_GRAPH)
    assert set(graph.subject_objects(KG.contradictedBy)) == {(facts[SHAHED_SUPPLY], facts[SHAHED_DENIAL])}


def test_contradiction_needs_another_document(vocabulary: Graph) -> None:
    sentence = "La Corée du Nord a livré des drones Shahed à la Russie."
    hedged = [fact_event("fait-1.txt", sentence), fact_event("fait-1.txt", sentence, modality="negated", rule="r2")]
    graph = build_dataset(FACT_ARTICLES, hedged, vocabulary).graph(FACTS_GRAPH)
    assert not set(graph.subject_objects(KG.contradictedBy))
    # A denial that names no item type still contradicts an affirmation of the same category elsewhere.
    vague = dataclasses.replace(SHAHED, iri=None, label="drones")
    denial = fact_event("fait-3.txt", FACT_TEXTS["fait-3.txt"], modality="negated", items=(vague,))
    graph = build_dataset(FACT_ARTICLES, [hedged[0], denial], vocabulary).graph(FACTS_GRAPH)
    assert len(set(graph.subject_objects(KG.contradictedBy))) == 1


def test_document_event_count(vocabulary: Graph) -> None:
    silent = Article(id="rien.txt", text="Le conflit se poursuit.")
    dataset = build_dataset((*FACT_ARTICLES, silent), fact_events(), vocabulary)
    counts = {
        doc: dataset.graph(document_iri(doc)).value(document_iri(doc), KG.eventCount).toPython()
        for doc in ("fait-1.txt", "fait-2.txt", "fait-3.txt", "rien.txt")
    }
    assert counts == {"fait-1.txt": 4, "fait-2.txt": 2, "fait-3.txt": 1, "rien.txt": 0}


def test_facts_derivations_are_the_events_of_each_document(fact_dataset: Dataset) -> None:
    graph = fact_dataset.graph(FACTS_GRAPH)
    supply = facts_of(fact_dataset)[SHAHED_SUPPLY]
    docs = {
        name
        for event in graph.objects(supply, PROV.wasDerivedFrom)
        for name, doc in FACT_DOCS.items()
        if (event, RDF.type, KG.Event) in fact_dataset.graph(doc)
    }
    assert docs == {"fait-1.txt", "fait-2.txt"}


def test_facts_first_and_last_dates_keep_their_types(fact_dataset: Dataset) -> None:
    graph = fact_dataset.graph(FACTS_GRAPH)
    facts = facts_of(fact_dataset)
    supply, denial = facts[SHAHED_SUPPLY], facts[SHAHED_DENIAL]
    assert graph.value(supply, KG.firstDate) == Literal("2024-01-20", datatype=XSD.date)
    assert graph.value(supply, KG.lastDate) == Literal("2024-02", datatype=XSD.gYearMonth)
    assert (
        graph.value(denial, KG.firstDate)
        == graph.value(denial, KG.lastDate)
        == Literal("2024-03-05", datatype=XSD.date)
    )


def test_facts_without_a_typed_date_have_no_dates(vocabulary: Graph) -> None:
    undated = (Article(id="sans-date.txt", text="Texte sans date."),)
    event = supply_event(doc="sans-date.txt", date="au printemps")
    facts = build_dataset(undated, [event], vocabulary).graph(FACTS_GRAPH)
    assert len(set(facts.subjects(RDF.type, KG.Fact))) == 1
    assert not list(facts.objects(None, KG.firstDate)) and not list(facts.objects(None, KG.lastDate))


def test_facts_collect_distinct_named_sources(fact_dataset: Dataset) -> None:
    graph = fact_dataset.graph(FACTS_GRAPH)
    facts = facts_of(fact_dataset)
    assert set(graph.objects(facts[SHELL_PURCHASE], KG.source)) == {Literal("Reuters"), Literal("Le Monde")}
    assert graph.value(facts[SHELL_PURCHASE], KG.sourceCount) == Literal(2, datatype=XSD.integer)
    assert not list(graph.objects(facts[SHAHED_SUPPLY], KG.source))


def test_facts_explode_several_actors_and_items(vocabulary: Graph) -> None:
    event = supply_event(suppliers=(FRANCE, NATO), recipients=(UKRAINE,), items=(SHELLS, SHAHED))
    facts = facts_of(build_dataset(ARTICLES, [event], vocabulary))
    expected = {
        (KG.Supply, supplier, ACTOR.ukraine, item_type, category, KG.asserted)
        for supplier in (ACTOR.france, ACTOR.nato)
        for item_type, category in ((None, CAT.ammunition), (ITEM.shahed, CAT.drone))
    }
    assert set(facts) == expected


def test_facts_empty_side_is_absent_and_kept_apart(vocabulary: Graph) -> None:
    named = fact_event("fait-1.txt", "La Corée du Nord a livré des drones Shahed à la Russie.")
    unnamed = fact_event(
        "fait-2.txt", "En janvier, la Corée du Nord a fourni des drones Shahed à la Russie.", suppliers=()
    )
    dataset = build_dataset(FACT_ARTICLES, [named, unnamed], vocabulary)
    facts = facts_of(dataset)
    assert set(facts) == {SHAHED_SUPPLY, (KG.Supply, None, *SHAHED_SUPPLY[2:])}
    anonymous = facts[(KG.Supply, None, *SHAHED_SUPPLY[2:])]
    assert (anonymous, KG.supplier, None) not in dataset.graph(FACTS_GRAPH)


def test_facts_unnamed_actors_stay_in_their_document(vocabulary: Graph) -> None:
    events = [
        fact_event("fait-1.txt", "Pyongyang a encore expédié des Shahed vers Moscou.", suppliers=(ALLIES,)),
        fact_event(
            "fait-2.txt", "En janvier, la Corée du Nord a fourni des drones Shahed à la Russie.", suppliers=(ALLIES,)
        ),
    ]
    dataset = build_dataset(FACT_ARTICLES, events, vocabulary)
    graph = dataset.graph(FACTS_GRAPH)
    facts = facts_of(dataset)
    assert {key[1] for key in facts} == {KGD["actor/fait-1.txt/ses-allies"], KGD["actor/fait-2.txt/ses-allies"]}
    assert set(graph.objects(None, KG.sourceCount)) == {Literal(1, datatype=XSD.integer)}


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_facts_readme_query_corroborated_by_two_sources(fact_dataset: Dataset, engine: str) -> None:
    rows = run_query(engine, dumps_trig(fact_dataset), readme_query("Facts corroborated by two or more sources"))
    facts = facts_of(fact_dataset)
    found = {(row[0], row[2], row[4], row[5], row[6]) for row in rows}
    assert found == {
        (str(facts[SHAHED_SUPPLY]), str(ACTOR.north_korea), str(ITEM.shahed), str(KG.asserted), "2"),
        (str(facts[SHELL_PURCHASE]), str(ACTOR.iran), None, str(KG.reported), "2"),
    }


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_facts_readme_query_asserted_in_one_article_denied_in_another(fact_dataset: Dataset, engine: str) -> None:
    rows = run_query(engine, dumps_trig(fact_dataset), readme_query("Asserted in one article and denied in another"))
    claim = (str(KG.Supply), str(ACTOR.north_korea), str(ACTOR.russia), str(ITEM.shahed))
    assert rows == {
        (*claim, str(FACT_DOCS["fait-1.txt"]), str(FACT_DOCS["fait-3.txt"])),
        (*claim, str(FACT_DOCS["fait-2.txt"]), str(FACT_DOCS["fait-3.txt"])),
    }


def test_facts_denial_in_the_same_article_is_not_paired(vocabulary: Graph) -> None:
    events = [
        fact_event("fait-1.txt", "La Corée du Nord a livré des drones Shahed à la Russie."),
        fact_event("fait-1.txt", "Pyongyang a encore expédié des Shahed vers Moscou.", modality="negated"),
    ]
    dataset = build_dataset(FACT_ARTICLES, events, vocabulary)
    assert len(facts_of(dataset)) == 2
    assert not run_query("rdflib", dumps_trig(dataset), readme_query("Asserted in one article and denied in another"))


def test_facts_recomputed_after_replacing_a_document_graph(fact_dataset: Dataset) -> None:
    fact_dataset.remove_graph(fact_dataset.graph(FACT_DOCS["fait-2.txt"]))
    add_facts(fact_dataset)
    graph = fact_dataset.graph(FACTS_GRAPH)
    facts = facts_of(fact_dataset)
    assert set(facts) == {SHAHED_SUPPLY, SHAHED_DENIAL, SHELL_PURCHASE}
    assert graph.value(facts[SHAHED_SUPPLY], KG.sourceCount) == Literal(1, datatype=XSD.integer)
    assert graph.value(facts[SHAHED_SUPPLY], KG.mentionCount) == Literal(2, datatype=XSD.integer)
    assert graph.value(facts[SHAHED_SUPPLY], KG.firstDate) == Literal("2024-02", datatype=XSD.gYearMonth)
    assert set(graph.objects(facts[SHELL_PURCHASE], KG.source)) == {Literal("Reuters")}


def test_facts_iris_depend_on_the_claim_only(fact_dataset: Dataset, vocabulary: Graph) -> None:
    alone = build_dataset(FACT_ARTICLES[2:], fact_events()[-1:], vocabulary)
    assert facts_of(alone)[SHAHED_DENIAL] == facts_of(fact_dataset)[SHAHED_DENIAL]
    assert facts_of(fact_dataset)[SHAHED_DENIAL] != facts_of(fact_dataset)[SHAHED_SUPPLY]


def test_facts_graph_same_bytes_whatever_the_order(vocabulary: Graph) -> None:
    first = build_dataset(FACT_ARTICLES, fact_events(), vocabulary)
    second = build_dataset(list(reversed(FACT_ARTICLES)), list(reversed(fact_events())), vocabulary)
    text = dumps_trig(first)
    assert "kgd:facts {" in text
    assert text == dumps_trig(second)


def test_facts_validate_conforms(fact_dataset: Dataset, ontology_dir: Path) -> None:
    conforms, report = validate(fact_dataset, ontology_dir)
    assert conforms, report


def _fact_nodes(dataset: Dataset) -> list[URIRef]:
    return sorted(dataset.graph(FACTS_GRAPH).subjects(RDF.type, KG.Fact))


def _drop_source_count(dataset: Dataset) -> None:
    dataset.remove((None, KG.sourceCount, None, FACTS_GRAPH))


def _more_sources_than_mentions(dataset: Dataset) -> None:
    graph = dataset.graph(FACTS_GRAPH)
    for fact in _fact_nodes(dataset):
        graph.set((fact, KG.sourceCount, Literal(99, datatype=XSD.integer)))


def _second_supplier(dataset: Dataset) -> None:
    dataset.graph(FACTS_GRAPH).add((_fact_nodes(dataset)[0], KG.supplier, ACTOR.france))


def _no_derivation(dataset: Dataset) -> None:
    dataset.remove((None, PROV.wasDerivedFrom, None, FACTS_GRAPH))


def _untyped_count(dataset: Dataset) -> None:
    graph = dataset.graph(FACTS_GRAPH)
    graph.set((_fact_nodes(dataset)[0], KG.mentionCount, Literal("3")))


def _second_relation(dataset: Dataset) -> None:
    dataset.graph(FACTS_GRAPH).add((_fact_nodes(dataset)[0], RDF.type, KG.Use))


@pytest.mark.parametrize(
    "breaker",
    [
        _drop_source_count,
        _more_sources_than_mentions,
        _second_supplier,
        _no_derivation,
        _untyped_count,
        _second_relation,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_facts_validate_fails_on_broken_fact(fact_dataset: Dataset, ontology_dir: Path, breaker) -> None:
    breaker(fact_dataset)
    conforms, report = validate(fact_dataset, ontology_dir)
    assert not conforms
    assert "Conforms: False" in report


# --- value --------------------------------------------------------------------

CONTRACT_TEXT = "L'Égypte a acheté à la France des drones pour 552 millions de dollars."
CONTRACT_ARTICLES = (Article(id="contrat.txt", text=CONTRACT_TEXT, date="2024-05"),)


def contract_event(value: Value | None) -> Event:
    return Event(
        doc="contrat.txt",
        sentence=CONTRACT_TEXT,
        start=0,
        end=len(CONTRACT_TEXT),
        relation="purchase",
        suppliers=(FRANCE,),
        recipients=(Actor(label="Égypte", qid="Q79"),),
        items=(Item(label="drone", category="drone"),),
        modality="asserted",
        rule="purchase-verb",
        value=value,
    )


VALUE_QUERY = """
PREFIX kg: <https://w3id.org/kg-arms/ontology#>
SELECT ?amount ?currency WHERE { GRAPH ?doc { ?event a kg:Event ; kg:value ?amount ; kg:currency ?currency } }
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Value(552_000_000, "USD", "552 millions de dollars"), Decimal("552000000")),
        (Value(1.5e9, "EUR", "1,5 milliard d'euros"), Decimal("1500000000")),
        (Value(2.75, "EUR", "2,75 euros"), Decimal("2.75")),
    ],
    ids=["int", "float-with-exponent", "fraction"],
)
def test_value_round_trips_through_trig(vocabulary: Graph, value: Value, expected: Decimal) -> None:
    trig = dumps_trig(build_dataset(CONTRACT_ARTICLES, [contract_event(value)], vocabulary))
    rows = list(Dataset().parse(data=trig, format="trig").query(VALUE_QUERY))
    assert len(rows) == 1
    amount, currency = rows[0]  # type: ignore[misc]
    assert amount.datatype == XSD.decimal and "e" not in str(amount).lower()
    assert amount.toPython() == expected
    assert str(currency) == value.currency


def test_value_absent_without_value(vocabulary: Graph) -> None:
    dataset = build_dataset(CONTRACT_ARTICLES, [contract_event(None)], vocabulary)
    assert not list(union(dataset).objects(None, KG.value))
    assert not list(union(dataset).objects(None, KG.currency))


def test_value_conforms(vocabulary: Graph, ontology_dir: Path) -> None:
    dataset = build_dataset(CONTRACT_ARTICLES, [contract_event(Value(552_000_000, "USD"))], vocabulary)
    conforms, report = validate(dataset, ontology_dir)
    assert conforms, report


@pytest.mark.parametrize(
    "value", [Value(552_000_000, "dollars"), Value(-5, "EUR")], ids=["currency-not-iso", "negative"]
)
def test_value_validate_fails_on_bad_value(vocabulary: Graph, ontology_dir: Path, value: Value) -> None:
    dataset = build_dataset(CONTRACT_ARTICLES, [contract_event(value)], vocabulary)
    conforms, report = validate(dataset, ontology_dir)
    assert not conforms, report


def test_value_validate_fails_on_currency_alone(vocabulary: Graph, ontology_dir: Path) -> None:
    dataset = build_dataset(CONTRACT_ARTICLES, [contract_event(Value(552_000_000, "USD"))], vocabulary)
    dataset.remove((None, KG.value, None, None))
    conforms, report = validate(dataset, ontology_dir)
    assert not conforms, report


@pytest.mark.parametrize("amount", [float("nan"), float("inf")])
def test_value_rejects_non_finite_amounts(amount: float) -> None:
    with pytest.raises(ValueError, match="contrat.txt"):
        build_dataset(CONTRACT_ARTICLES, [contract_event(Value(amount, "USD"))])


# --- namespace and ontology ---------------------------------------------------


def _kg_terms_in_ontology() -> set[str]:
    graph = Graph().parse(ONTOLOGY / "kg.ttl")
    prefix = str(KG)
    return {str(s)[len(prefix) :] for s in graph.subjects() if str(s).startswith(prefix)}


def test_namespace_terms_match_ontology() -> None:
    declared = set(KG.__annotations__) - {"_NS", "_fail", "_warn", "_extras", "_underscore_num"}
    assert declared == _kg_terms_in_ontology()


def test_namespace_typo_raises() -> None:
    with pytest.raises(AttributeError):
        KG.suplier  # noqa: B018


@pytest.mark.parametrize("term", sorted(_kg_terms_in_ontology()))
def test_namespace_term_labelled_in_french_and_english(term: str) -> None:
    graph = Graph().parse(ONTOLOGY / "kg.ttl")
    for predicate in (RDFS.label, RDFS.comment):
        languages = {o.language for o in graph.objects(KG[term], predicate) if isinstance(o, Literal)}
        assert {"fr", "en"} <= languages, (term, predicate)


def test_namespace_ontology_header() -> None:
    graph = Graph().parse(ONTOLOGY / "kg.ttl")
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph


# --- paths --------------------------------------------------------------------


def test_paths_ontology_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.ONTOLOGY_ENV, raising=False)
    assert paths.ontology_dir() == ONTOLOGY
    assert (paths.ontology_dir() / "kg.ttl").is_file()


def test_paths_ontology_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.ONTOLOGY_ENV, str(tmp_path))
    assert paths.ontology_dir() == tmp_path


# --- vocabularies -------------------------------------------------------------


def test_vocabulary_graph_is_read_again_when_a_file_changes(tmp_path: Path) -> None:
    """Kept per process (a build needs it twice), but never stale: an edited vocabulary is parsed again."""
    from kg.vocabulary import vocabulary_graph

    for name in ("actors.ttl", "items.ttl"):
        shutil.copy(ONTOLOGY / name, tmp_path / name)
    first = vocabulary_graph(tmp_path)
    assert vocabulary_graph(tmp_path) is first
    alias = Literal("Grand Voisin d'essai", lang="fr")
    assert (ACTOR.russia, rdflib.SKOS.altLabel, alias) not in first
    with (tmp_path / "actors.ttl").open("a", encoding="utf-8") as handle:
        handle.write(f'\n<{ACTOR.russia}> <{rdflib.SKOS.altLabel}> "Grand Voisin d\'essai"@fr .\n')
    again = vocabulary_graph(tmp_path)
    assert (ACTOR.russia, rdflib.SKOS.altLabel, alias) in again
    (tmp_path / "items.ttl").unlink()
    with pytest.raises(OntologyError, match="items.ttl: vocabulary file missing"):
        vocabulary_graph(tmp_path)


def _support(*documents: str, date: str = "2024-03") -> Support:
    return Support(
        events={KGD[f"event/{d}"] for d in documents},
        documents={KGD[f"doc/{d}"] for d in documents},
        sentences={KGD[f"sentence/{d}"] for d in documents},
        dates={Literal(date, datatype=XSD.gYearMonth)},
        sources={Literal(f"« {d} »") for d in documents},
    )


def _expected_blocks(support: dict[FactKey, Support]) -> list[str]:
    graphs = [(name, list(triples)) for name, triples in fact_triples(support)]
    return [triples_block(name, triples).text for name, triples in graphs if triples]


def test_fact_blocks_write_again_only_the_statements_of_changed_facts_and_their_summaries() -> None:
    """A watcher keeps the statements of kgd:facts and kgd:summaries: after a change, each block is what the
    whole graph gives, and only the changed facts, those whose denials changed, and the summaries counting a
    changed fact are written again."""
    shahed = FactKey(*SHAHED_SUPPLY)
    denial = FactKey(*SHAHED_DENIAL)
    shells = FactKey(*SHELL_PURCHASE)
    other = FactKey(KG.Supply, ACTOR.usa, ACTOR.ukraine, None, CAT.artillery, KG.asserted)
    made = FactBlocks()
    first = {shahed: _support("a"), shells: _support("b"), other: _support("c")}
    assert [b.text for b in made.blocks(first)] == _expected_blocks(first)
    kept_facts = {key: kept.statement for key, kept in made._facts.items()}
    kept_summaries = dict(made._summaries)

    second = {
        shahed: _support("a"),
        shells: _support("b", "d", date="2024-05"),
        other: _support("c"),
        denial: _support("e"),
    }
    blocks = made.blocks(second)
    assert [b.text for b in blocks] == _expected_blocks(second)
    assert "contradictedBy" in blocks[0].text
    assert made._facts[other].statement is kept_facts[other], "an unchanged fact is written again"
    assert made._facts[shells].statement is not kept_facts[shells]
    assert made._facts[shahed].statement is not kept_facts[shahed], "a fact newly denied keeps its old text"
    rewritten = {
        summary for summary, statements in made._summaries.items() if statements is not kept_summaries.get(summary)
    }
    assert rewritten == {summary for key in (shells, denial) for summary in summaries_of(key)}

    third = {shahed: _support("a"), other: _support("c", "f")}  # shells and the denial gone
    assert [b.text for b in made.blocks(third)] == _expected_blocks(third)
    assert made.blocks({}) == []
