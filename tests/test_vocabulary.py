"""The actor and item vocabularies (ontology/actors.ttl, ontology/items.ttl) as data: coverage of the states,
well-formed and unique Wikidata ids, a country for every company, no alias given to two concepts, no ordinary
French word or first name as an alias, every item type in one of the 14 categories.

Most tests read the Turtle files only; the matcher tests use spaCy's blank French tokenizer (no model); the last
ones run sentences written for the test (none comes from the evaluation texts) through the real extractor.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import spacy
from conftest import ROOT, actor_ids, item_categories, one_event
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from kg.nlp.mentions import MentionFinder
from kg.vocabulary import ACTOR_NAME_PROPERTIES, KG, WIKIDATA, load_vocabulary, vocabulary_graph

ONTOLOGY = ROOT / "ontology"
ACTOR = Namespace("https://w3id.org/kg-arms/actor/")
ITEM = Namespace("https://w3id.org/kg-arms/item/")
CAT = Namespace("https://w3id.org/kg-arms/category/")
# The country of a company: Wikidata's property P17, declared in kg.ttl (kg/rdf/namespace.py closes kg:).
COUNTRY_OF = URIRef("http://www.wikidata.org/prop/direct/P17")
CATEGORIES = {
    "ammunition",
    "missile",
    "drone",
    "air_defence",
    "armoured_vehicle",
    "artillery",
    "aircraft",
    "naval",
    "small_arms",
    "components",
    "equipment",
    "personnel",
    "funding",
    "other",
}
# The 193 member states of the United Nations, by Wikidata id.
UN_MEMBERS = set(
    """Q889 Q222 Q262 Q228 Q916 Q781 Q414 Q399 Q408 Q40 Q227 Q778 Q398 Q902 Q244 Q184 Q31 Q242 Q962 Q917 Q750 Q225
    Q963 Q155 Q921 Q219 Q965 Q967 Q1011 Q424 Q1009 Q16 Q929 Q657 Q298 Q148 Q739 Q970 Q971 Q800 Q1008 Q224 Q241 Q229
    Q213 Q974 Q35 Q977 Q784 Q786 Q736 Q79 Q792 Q983 Q986 Q191 Q1050 Q115 Q712 Q33 Q142 Q1000 Q1005 Q230 Q183 Q117
    Q41 Q769 Q774 Q1006 Q1007 Q734 Q790 Q783 Q28 Q189 Q668 Q252 Q794 Q796 Q27 Q801 Q38 Q766 Q17 Q810 Q232 Q114 Q710
    Q817 Q813 Q819 Q211 Q822 Q1013 Q1014 Q1016 Q347 Q37 Q32 Q1019 Q1020 Q833 Q826 Q912 Q233 Q709 Q1025 Q1027 Q96
    Q702 Q217 Q235 Q711 Q236 Q1028 Q1029 Q836 Q1030 Q697 Q837 Q55 Q664 Q811 Q1032 Q1033 Q423 Q221 Q20 Q842 Q843 Q695
    Q804 Q691 Q733 Q419 Q928 Q36 Q45 Q846 Q218 Q159 Q1037 Q763 Q760 Q757 Q683 Q238 Q1039 Q851 Q1041 Q403 Q1042 Q1044
    Q334 Q214 Q215 Q685 Q1045 Q258 Q884 Q958 Q29 Q854 Q1049 Q730 Q34 Q39 Q858 Q863 Q924 Q869 Q574 Q945 Q678 Q754
    Q948 Q43 Q874 Q672 Q1036 Q212 Q878 Q145 Q30 Q77 Q265 Q686 Q717 Q881 Q805 Q953 Q954""".split()
)
# Ids the guidelines and the annotation decisions fix: the gold files depend on them.
FIXED_IDS = {
    "russia": "Q159",
    "ukraine": "Q212",
    "north-korea": "Q423",
    "south-korea": "Q884",
    "iran": "Q794",
    "united-states": "Q30",
    "france": "Q142",
    "italy": "Q38",
    "germany": "Q183",
    "united-kingdom": "Q145",
    "australia": "Q408",
    "china": "Q148",
    "poland": "Q36",
    "czech-republic": "Q213",
    "estonia": "Q191",
    "turkey": "Q43",
    "belarus": "Q184",
    "european-union": "Q458",
    "nato": "Q7184",
    "europe": "Q46",
    "denmark": "Q35",
    "netherlands": "Q55",
    "sweden": "Q34",
    "spain": "Q29",
    "slovakia": "Q214",
    "saudi-arabia": "Q851",
    "hong-kong": "Q8646",
    "east-germany": "Q16957",
}
# Aliases that two item types shared before this file existed; the first by IRI (item:artillery) wins.
SHARED_ITEM_ALIASES = {
    "pièce d'artillerie",
    "pièce d’artillerie",
    "pièces d'artillerie",
    "pièces d’artillerie",
    "artillery pieces",
}
# Lower-case words of ordinary French, first names and common acronyms: the matcher is case-insensitive, so
# none may name an actor (an actor beats an item on the same words) and most may name no item either.
NOT_ACTORS = [
    "vienne",  # « qu'il vienne »
    "berne",  # « en berne »
    "grenade",  # the weapon, not Grenada
    "maurice",
    "dominique",
    "salvador",
    "congo",
    "sami",
    "nord",
    "victoria",
    "sucre",
    "roseau",
    "rsf",  # Reporters sans frontières
    "sdf",  # sans domicile fixe
    "fds",  # the Sahel armies' forces de défense et de sécurité
    "bdl",  # Banque du Liban
    "bel",
    "rafael",
    "lasso",
    "abbas",
    "castro",
]
NOT_ITEMS = [
    "bastion",
    "calibre",
    "puma",
    "tigre",
    "gazelle",
    "lynx",
    "boxer",
    "jaguar",
    "griffon",
    "milan",
    "mica",
    "hot",
    "dana",
    "pion",
    "trident",
    "tornado",
    "vampire",
    "coyote",
    "barak",
    "emad",
    "fattah",
    "lora",
    "heron",
    "onyx",
    "caïman",
    "dongfeng",
    "toufan",
]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return vocabulary_graph(ONTOLOGY)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(ONTOLOGY)


def _of_class(graph: Graph, name: str) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, KG[name]) if isinstance(s, URIRef))


def _qids(graph: Graph, concept: URIRef) -> list[str]:
    return [str(o)[len(WIKIDATA) :] for o in graph.objects(concept, OWL.sameAs) if str(o).startswith(WIKIDATA)]


def _languages(graph: Graph, concept: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)}


# -- loading and coverage --------------------------------------------------------------------------------------


def test_the_vocabularies_load(vocabulary):
    kinds = defaultdict(int)
    for entry in vocabulary.actors.values():
        kinds[entry.kind] += 1
    assert kinds["Country"] >= 190
    assert kinds["ArmedGroup"] >= 20
    assert kinds["Company"] >= 100
    assert len(vocabulary.items) >= 500


def test_every_state_has_a_french_and_an_english_name(graph):
    countries = _of_class(graph, "Country")
    assert len(countries) >= 190
    for country in countries:
        assert {"fr", "en"} <= _languages(graph, country), country


def test_every_un_member_is_a_country(graph):
    found = {qid for country in _of_class(graph, "Country") for qid in _qids(graph, country)}
    assert UN_MEMBERS - found == set()


@pytest.mark.parametrize(("name", "qid"), sorted(FIXED_IDS.items()))
def test_ids_fixed_by_the_guidelines_are_kept(vocabulary, name, qid):
    assert vocabulary.actors[str(ACTOR[name])].qid == qid


def test_wikidata_ids_are_well_formed_and_not_shared(graph):
    owners: dict[str, list[str]] = defaultdict(list)
    for concept in sorted({s for s in graph.subjects(OWL.sameAs, None) if isinstance(s, URIRef)}):
        for qid in _qids(graph, concept):
            assert re.fullmatch(r"Q[1-9][0-9]*", qid), (concept, qid)
            owners[qid].append(str(concept))
    assert {qid: names for qid, names in owners.items() if len(names) > 1} == {}
    assert len(_qids(graph, ACTOR["russia"])) == 1


def test_every_country_and_armed_group_has_one_id_at_most(graph):
    for kind in ("Country", "ArmedGroup"):
        for concept in _of_class(graph, kind):
            assert len(_qids(graph, concept)) <= 1, concept


def test_wagner_and_named_companies_keep_no_wikidata_id(vocabulary):
    assert vocabulary.actors[str(ACTOR["wagner-group"])].qid is None
    companies = [a for a in vocabulary.actors.values() if a.kind == "Company"]
    assert [a.label for a in companies if a.qid is not None] == []


# -- companies and their country ---------------------------------------------------------------------------------


def test_every_company_is_based_in_a_country(graph):
    for company in _of_class(graph, "Company"):
        countries = list(graph.objects(company, COUNTRY_OF))
        assert countries, company
        for country in countries:
            assert (country, RDF.type, KG.Country) in graph, (company, country)


def test_the_country_property_is_declared_and_not_read_by_the_extractor():
    schema = Graph().parse(ONTOLOGY / "kg.ttl")
    assert (COUNTRY_OF, RDF.type, OWL.ObjectProperty) in schema
    for predicate in (RDFS.label, RDFS.comment):
        assert {o.language for o in schema.objects(COUNTRY_OF, predicate)} >= {"fr", "en"}
    assert COUNTRY_OF not in ACTOR_NAME_PROPERTIES.values()


def test_a_company_is_not_resolved_to_its_country(vocabulary):
    entry = vocabulary.actors[str(ACTOR["hanwha-aerospace"])]
    assert (entry.kind, entry.qid) == ("Company", None)
    assert {iri for iri, _ in vocabulary.actor_aliases["hanwha aerospace"]} == {str(ACTOR["hanwha-aerospace"])}


# -- aliases -----------------------------------------------------------------------------------------------------


def _aliases(graph: Graph, concepts: list[URIRef], predicates) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for concept in concepts:
        for predicate in predicates:
            for alias in graph.objects(concept, predicate):
                found[str(alias).strip().lower()].add(str(concept))
    return found


def _actors(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects(SKOS.inScheme, ACTOR["scheme"]) if isinstance(s, URIRef)})


def test_no_actor_alias_names_two_actors(graph):
    found = _aliases(graph, _actors(graph), ACTOR_NAME_PROPERTIES.values())
    assert {alias: owners for alias, owners in found.items() if len(owners) > 1} == {}


def test_no_demonym_or_combining_form_names_two_actors(graph):
    for predicate in (KG.demonym, KG.combiningForm):
        found = _aliases(graph, _actors(graph), [predicate])
        assert {alias: owners for alias, owners in found.items() if len(owners) > 1} == {}, predicate


def test_no_item_alias_names_two_item_types(graph):
    found = _aliases(graph, _of_class(graph, "ItemType"), [SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel])
    shared = {alias for alias, owners in found.items() if len(owners) > 1}
    assert shared == SHARED_ITEM_ALIASES


def test_actors_items_and_demonyms_use_different_words(vocabulary):
    """An actor beats an item on the same words (« Grenade » would be Grenada, not a grenade)."""
    assert set(vocabulary.actor_aliases) & set(vocabulary.item_aliases) == set()
    assert set(vocabulary.demonyms) & (set(vocabulary.actor_aliases) | set(vocabulary.item_aliases)) == set()


@pytest.mark.parametrize("word", NOT_ACTORS)
def test_ordinary_words_and_first_names_name_no_actor(vocabulary, word):
    assert word not in vocabulary.actor_aliases
    assert word not in vocabulary.demonyms


@pytest.mark.parametrize("word", NOT_ITEMS)
def test_ordinary_words_name_no_item_alone(vocabulary, word):
    assert word not in vocabulary.item_aliases


def test_ambiguous_names_are_items_with_a_qualifier(vocabulary):
    expected = {
        "blindés bastion": "bastion",
        "vci puma": "puma-ifv",
        "drones puma": "puma-drone",
        "hélicoptères tigre": "tigre",
        "missiles milan": "milan",
        "missiles calibre": "kalibr",
        "lance-roquettes vampire": "rm-70",
        "obusiers dana": "dana",
        "avions tornado": "panavia-tornado",
        "grenade": "grenade",
    }
    assert {alias: vocabulary.item_aliases[alias].rsplit("/", 1)[-1] for alias in expected} == expected


# -- items -------------------------------------------------------------------------------------------------------


def test_every_item_type_has_one_of_the_14_categories(graph, vocabulary):
    assert set(vocabulary.categories.values()) == CATEGORIES
    for item in _of_class(graph, "ItemType"):
        categories = list(graph.objects(item, KG.category))
        assert len(categories) == 1, item
        assert str(categories[0])[len(str(CAT)) :] in CATEGORIES, item


def test_every_broader_type_exists_in_the_same_category(graph):
    for item in _of_class(graph, "ItemType"):
        for broader in graph.objects(item, SKOS.broader):
            if str(broader).startswith(str(CAT)):
                assert (item, KG.category, broader) in graph, item
            else:
                assert (broader, RDF.type, KG.ItemType) in graph, (item, broader)


@pytest.mark.parametrize(
    ("alias", "category"),
    [
        ("radars", "equipment"),  # radars are equipment
        ("at4", "missile"),  # anti-tank weapons are missiles
        ("armes antichars", "missile"),
        ("systèmes anti-drones", "air_defence"),  # counter-drone systems
        ("lance-roquettes multiples", "artillery"),
        ("roquettes grad", "ammunition"),  # rockets, shells and glide bombs are ammunition
        ("bombes planantes", "ammunition"),
        ("iris-t slm", "air_defence"),
        ("himars", "artillery"),
        ("fath-360", "missile"),
        ("geran-2", "drone"),
        ("gilets pare-balles", "equipment"),
        ("semi-conducteurs", "components"),
        ("humvee", "armoured_vehicle"),
        ("denrées alimentaires", "other"),
    ],
)
def test_categories_follow_the_annotation_decisions(vocabulary, alias, category):
    assert vocabulary.items[vocabulary.item_aliases[alias]].category == category


def test_named_systems_are_not_generic(vocabulary):
    for alias in ("su-30", "mq-9 reaper", "k9 thunder", "patria amv", "aspide", "fremm", "leopard 2"):
        assert not vocabulary.items[vocabulary.item_aliases[alias]].generic, alias
    for alias in ("drones", "missiles", "artillerie", "munitions", "denrées alimentaires"):
        assert vocabulary.items[vocabulary.item_aliases[alias]].generic, alias


# -- the matcher, on the blank French tokenizer ------------------------------------------------------------------


@pytest.fixture(scope="module")
def mentions(vocabulary):
    nlp = spacy.blank("fr")
    finder = MentionFinder(nlp, vocabulary)

    def run(text: str) -> list[tuple[str, str, str]]:
        doc = nlp(text)
        seen = {}
        for mention in finder.find(doc).values():
            seen[mention.start] = (mention.kind, doc[mention.start : mention.end].text, mention.iris[0].rsplit("/")[-1])
        return [seen[start] for start in sorted(seen)]

    return run


def test_vienne_and_grenades_are_no_country(mentions):
    assert mentions("Il faut qu'il vienne à Paris avec des grenades.") == [
        ("actor", "Paris", "france"),
        ("item", "grenades", "grenade"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les drapeaux sont en berne.", []),
        ("Bakhmout reste un bastion.", []),
        ("Des obus de gros calibre.", [("item", "obus de gros calibre", "artillery-shell")]),
        ("Maurice et Dominique regardent un puma, un lynx, un jaguar et une gazelle.", []),
        ("Une rafale de vent à Sanaa.", [("item", "rafale", "rafale")]),  # « Rafale » was decided before
    ],
)
def test_ordinary_sentences_name_no_actor(mentions, text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("des Su-30, des Su 30 et des Soukhoï Su-30", ["su-30", "su-30", "su-30"]),
        ("des Iris-T, des IRIS-T SLM et des Himars", ["iris-t", "iris-t", "himars"]),
        ("des CV 90, des JAS 39 Gripen et des K2 Black Panther", ["cv90", "gripen", "k2"]),
        ("des MQ-9B SkyGuardian et des Reaper", ["mq-9", "mq-9"]),
        ("des Fath-360, des Fateh 360 et des Fateh-313", ["fateh-360", "fateh-360", "fateh-313"]),
        ("des Geran-2 et des Shahed-238", ["shahed-136", "shahed-238"]),
        ("des obusiers Dana, des 2S7 et des RCH 155", ["dana", "pion", "rch-155"]),
        ("des frégates FREMM et des sous-marins de classe Kilo", ["fremm", "kilo"]),
    ],
)
def test_spelling_variants_name_the_system(mentions, text, expected):
    assert [m[2] for m in mentions(text) if m[0] == "item"] == expected


def test_gulf_of_guinea_is_not_guinea(mentions):
    assert mentions("Des patrouilleurs pour le golfe de Guinée.") == [
        ("item", "patrouilleurs", "patrol-boat"),
        ("actor", "golfe de Guinée", "gulf-of-guinea"),
    ]


# -- through the real extractor ----------------------------------------------------------------------------------


def test_japan_delivers_radars_to_manila(extract):
    event = one_event(extract("Le Japon a livré des radars à Manille."))
    assert actor_ids(event["suppliers"]) == {"Q17"}
    assert actor_ids(event["recipients"]) == {"Q928"}
    assert item_categories(event) == {"equipment"}


def test_a_company_stays_a_company(extract):
    event = one_event(extract("Hanwha Aerospace livrera des obusiers K9 à la Pologne."))
    assert event["suppliers"][0]["label"] == "Hanwha Aerospace"
    assert event["suppliers"][0]["qid"] is None
    assert actor_ids(event["recipients"]) == {"Q36"}
    assert item_categories(event) == {"artillery"}
    assert event["modality"] == "planned"


@pytest.mark.parametrize(
    ("text", "supplier", "recipient", "category"),
    [
        ("La Turquie a livré des drones Bayraktar TB2 au Togo.", "Q43", "Q945", "drone"),
        ("L'Australie a vendu des véhicules blindés Bushmaster au Kenya.", "Q408", "Q114", "armoured_vehicle"),
        ("L'Allemagne a livré des systèmes anti-drones à l'Ukraine.", "Q183", "Q212", "air_defence"),
        ("La Suède a fourni des AT4 à l'Ukraine.", "Q34", "Q212", "missile"),
        ("L'Inde a livré des missiles BrahMos aux Philippines.", "Q668", "Q928", "missile"),
    ],
)
def test_new_states_and_systems_make_transfers(extract, text, supplier, recipient, category):
    event = [e for e in extract(text) if e["relation"] in ("supply", "purchase") and not e["implicit"]]
    assert len(event) == 1, event
    assert actor_ids(event[0]["suppliers"]) == {supplier}
    assert actor_ids(event[0]["recipients"]) == {recipient}
    assert item_categories(event[0]) == {category}


def test_an_ordinary_verb_is_no_capital(extract):
    """« vienne » (the verb, and now the city too) is not Austria; « grenades » stays the weapon."""
    event = one_event(extract("La France a livré des grenades à l'Ukraine avant qu'il ne vienne à Vienne."))
    assert actor_ids(event["suppliers"]) == {"Q142"}
    assert actor_ids(event["recipients"]) == {"Q212"}
    assert item_categories(event) == {"ammunition"}
