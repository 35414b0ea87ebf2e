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
from kg.rdf.namespace import ONTOLOGY_IRI, RELATION_SHORTCUT

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


def supply_event(**changes: object) -> Event:
    """North Korea -> Russia, shells: the base event each test varies."""
    sentence, start, end = _sentence(TEXT_1, "La Corée du Nord a livré des millions d'obus à la Russie.")
    trigger_start = TEXT_1.index("livré")
    base = Event(
        doc="001.txt",
        sentence=sentence,
        start=start,
        end=end,
        relation="supply",
        suppliers=(NORTH_KOREA,),
        recipients=(RUSSIA,),
        items=(SHELLS,),
        modality="asserted",
        rule="supply-verb",
        trigger=((trigger_start, trigger_start + len("livré")),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


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
    assert names == {str(document_iri(a.id)) for a in ARTICLES} | {str(FACTS_GRAPH)}


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


@pytest.mark.parametrize(
    "iri", ["http://example.org/a b", 'http://example.org/{x}|^`<>"', "http://ex.org/é\\"]
)
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
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, check=True, cwd=REPO
        )
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
