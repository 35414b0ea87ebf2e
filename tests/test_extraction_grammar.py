"""French grammar the extraction has to read past the parser: adverbs of quantity, reflexive verbs, verbs tagged
as nouns, the future and conditional by their form, governing verbs as a last resort for a party.

Every sentence is written for the test (none comes from the evaluation texts) and runs through the real French
model and the project's rules.
"""

from __future__ import annotations

import pytest
from conftest import actor_ids, item_categories, one_event


def _explicit(events: list[dict], relation: str) -> list[dict]:
    return [e for e in events if e["relation"] == relation and not e["implicit"]]


# -- adverbs of quantity --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("Le Danemark va livrer davantage d'obus à l'Ukraine.", {"ammunition"}),
        ("La Suède a envoyé beaucoup de munitions à l'Ukraine.", {"ammunition"}),
        ("La Norvège a fourni plus de missiles à l'Ukraine cette année.", {"missile"}),
        ("La Finlande livre moins de canons et de drones à l'Ukraine.", {"artillery", "drone"}),
    ],
)
def test_an_adverb_of_quantity_stands_for_the_article_of_the_object(extract, text, categories):
    """« livrer davantage d'obus »: the noun after « de » is the object the parser hung on the adverb."""
    event = one_event(extract(text))
    assert item_categories(event) == categories
    assert actor_ids(event["recipients"]) == {"Q212"}
    assert event["suppliers"]


def test_plus_negates_only_beside_ne(extract):
    more = one_event(extract("L'Espagne a livré plus de chars à l'Ukraine."))
    no_more = one_event(extract("L'Espagne ne livre plus de chars à l'Ukraine."))
    assert more["modality"] == "asserted"
    assert no_more["modality"] == "negated"


def test_request_of_more_items_from_named_allies(extract):
    event = one_event(extract("Kiev réclame davantage de munitions aux États-Unis."), "request")
    assert actor_ids(event["suppliers"]) == {"Q30"}
    assert actor_ids(event["recipients"]) == {"Q212"}


# -- reflexive verbs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seller", "buyer", "category"),
    [
        ("L'Inde s'approvisionne en fusils auprès de la Russie.", "Q159", "Q668", "small_arms"),
        ("Le Maroc s'est doté de drones auprès de la Turquie.", "Q43", "Q1028", "drone"),
        ("L'Égypte s'équipe de chasseurs auprès de la France.", "Q142", "Q79", "aircraft"),
        ("La Hongrie s'est procuré des obusiers chez l'Allemagne.", "Q183", "Q28", "artillery"),
    ],
)
def test_with_a_reflexive_pronoun_the_subject_acquires(extract, text, seller, buyer, category):
    """« se doter de », « s'approvisionner en »: the subject receives, the seller comes with « auprès de »."""
    events = extract(text)
    assert not _explicit(events, "supply"), events
    event = one_event(events, "purchase")
    assert actor_ids(event["suppliers"]) == {seller}
    assert actor_ids(event["recipients"]) == {buyer}
    assert item_categories(event) == {category}


@pytest.mark.parametrize(
    "text",
    [
        "La Russie se livre à une guerre d'usure contre l'Ukraine.",
        "Des combats se sont produits près de la frontière.",
        "La Roumanie sert de base arrière aux livraisons vers la Moldavie.",
    ],
)
def test_reflexive_and_idiomatic_uses_of_trigger_verbs_make_no_event(extract, text):
    assert not [e for e in extract(text) if e["relation"] in ("supply", "produce", "use")]


def test_se_servir_de_is_a_use(extract):
    events = extract("L'armée russe se sert de drones iraniens contre les villes ukrainiennes.")
    event = one_event(events, "use")
    assert actor_ids(event["recipients"]) == {"Q159"}
    assert actor_ids(event["suppliers"]) == {"Q794"}


def test_procurer_without_a_reflexive_supplies(extract):
    event = one_event(extract("La Lettonie a procuré des munitions à l'Ukraine."))
    assert actor_ids(event["suppliers"]) == {"Q211"}
    assert actor_ids(event["recipients"]) == {"Q212"}


# -- verbs the tagger takes for nouns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La Slovaquie livre des obus à l'Ukraine chaque mois.",
        "La Bulgarie ne livre pas de chars à l'Ukraine.",
    ],
)
def test_a_conjugated_verb_tagged_as_a_noun_still_triggers(extract, text):
    """« livre » is also « a book »: with a subject or « ne » and no determiner it is the verb."""
    event = one_event(extract(text))
    assert actor_ids(event["suppliers"]) == {"Q214" if "Slovaquie" in text else "Q219"}
    assert actor_ids(event["recipients"]) == {"Q212"}


def test_a_noun_with_a_determiner_stays_a_noun(extract):
    assert not extract("La Slovaquie publie le livre des obus de la guerre.")


# -- tense and mood by form -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("L'Espagne et le Portugal livreront ensemble des obus à l'Ukraine.", "planned"),
        ("Selon Kiev, la Roumanie fournirait des missiles à l'Ukraine.", "reported"),
        ("Le Chili vendrait des obus à l'Ukraine.", "reported"),
        ("L'Espagne livrait des obus à l'Ukraine avant la guerre.", "asserted"),
    ],
)
def test_future_and_conditional_are_read_from_the_verb_form(extract, text, modality):
    """The tagger reads « livreront » as a present and « fournirait » as an imperfect; the stem says otherwise."""
    event = [e for e in extract(text) if not e["implicit"]][0]
    assert event["modality"] == modality


# -- parties -------------------------------------------------------------------------------------------------


def test_a_proper_name_after_de_la_is_a_complement(extract):
    """« a reçu de la Pologne des chars »: a country takes no partitive article."""
    event = one_event(extract("L'Ukraine a reçu de la Pologne des chars T-72."))
    assert actor_ids(event["suppliers"]) == {"Q36"}
    assert actor_ids(event["recipients"]) == {"Q212"}


def test_the_governing_subject_does_not_join_a_named_supplier(extract):
    """« Berlin a approuvé la livraison de chars par la Pologne »: Berlin approves, Poland supplies."""
    event = one_event(extract("Berlin a approuvé la livraison par la Pologne de chars à l'Ukraine."))
    assert actor_ids(event["suppliers"]) == {"Q36"}


def test_an_items_origin_beats_the_governing_subject(extract):
    event = one_event(extract("La Serbie a facilité les livraisons d'armes russes à la Libye."))
    assert actor_ids(event["suppliers"]) == {"Q159"}


def test_a_receiving_verb_makes_its_subject_the_recipient_of_a_nominal_transfer(extract):
    event = one_event(extract("Le Soudan a bénéficié de livraisons de drones."))
    assert actor_ids(event["recipients"]) == {"Q1049"}
    assert not event["suppliers"]


def test_the_allies_of_a_country_are_not_that_country(extract):
    """« ses alliés »: a possessive on a noun of relation names someone else than the possessor."""
    events = extract("Le président moldave a appelé ses alliés à accélérer la livraison de drones.")
    assert all("Q217" not in actor_ids(e["suppliers"]) for e in events), events


def test_a_country_after_a_bare_de_is_the_items_origin(extract):
    """« des composants de Chine »: provenance; « les chars de la Pologne » (with an article) is left alone."""
    event = one_event(extract("L'Iran importe des puces de Chine."), "purchase")
    assert actor_ids(event["suppliers"]) == {"Q148"}
    assert actor_ids(event["recipients"]) == {"Q794"}


def test_a_name_written_with_hyphens_keeps_its_conjunct(extract):
    """« Les Pays-Bas et le Danemark »: the tokenizer splits the name and the parser hangs « Danemark » on « Bas »."""
    event = one_event(extract("Les Pays-Bas et le Danemark se sont engagés à livrer des chasseurs à l'Ukraine."))
    assert actor_ids(event["suppliers"]) == {"Q55", "Q35"}


def test_what_an_aid_package_comprises_names_its_items(extract):
    event = one_event(extract("L'aide militaire suédoise à l'Ukraine comprend des canons et des drones."))
    assert actor_ids(event["suppliers"]) == {"Q34"}
    assert item_categories(event) == {"artillery", "drone"}


def test_an_aid_package_without_stated_contents_is_equipment(extract):
    event = one_event(extract("L'aide militaire suédoise à l'Ukraine a été votée."))
    assert item_categories(event) == {"equipment"}


def test_a_supplier_noun_names_supplier_items_and_recipient(extract):
    """« X reste le premier fournisseur de munitions de Y »: « rester », like the copula, gives its subject."""
    event = one_event(extract("La Lituanie reste le premier fournisseur de munitions de l'Ukraine."))
    assert actor_ids(event["suppliers"]) == {"Q37"}
    assert actor_ids(event["recipients"]) == {"Q212"}
    assert item_categories(event) == {"ammunition"}


def test_coproduction_is_production_by_both_partners(extract):
    event = one_event(extract("La Pologne va coproduire des obus avec la Corée du Sud."), "produce")
    assert actor_ids(event["suppliers"]) == {"Q36", "Q884"}
    assert event["modality"] == "planned"


def test_a_participle_with_its_own_complements_keeps_its_own_modality_and_agent(extract):
    """« les obus livrés à l'Ukraine par la Lituanie ne seront pas utilisés »: the delivery happened; what is
    negated is the use, and its user is not the participle's agent."""
    events = extract("Les obus livrés à l'Ukraine par la Lituanie ne seront pas utilisés.")
    supply = one_event(events)
    assert supply["modality"] == "asserted"
    assert actor_ids(supply["suppliers"]) == {"Q37"}
    use = one_event(events, "use")
    assert use["modality"] == "negated"
    assert "Q37" not in actor_ids(use["recipients"])
