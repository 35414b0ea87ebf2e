"""Where a noun phrase ends, read past the parser: what an aid is said to contain, the name after a noun, the
phrase after a nationality adjective, a second country after « de », whose act an accusation is about, items that
arrive somewhere, the first country to supply, names split from their noun, the weapon of a strike, the other
party of an agreement.

Every sentence is written for the test (none comes from the evaluation texts) and runs through the real French
model and the project's rules.
"""

from __future__ import annotations

import pytest
from conftest import actor_ids, item_categories, one_event

# -- contents -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "supplier", "categories"),
    [
        (
            "Berlin a promis à Kiev une aide militaire comprenant des chars et des obus.",
            "Q183",
            {"armoured_vehicle", "ammunition"},
        ),
        (
            "Le Canada a envoyé à l'Ukraine un paquet d'aide militaire incluant des drones et des munitions.",
            "Q16",
            {"drone", "ammunition"},
        ),
        ("La Norvège a livré à l'Ukraine du matériel militaire comprenant des missiles.", "Q20", {"missile"}),
    ],
)
def test_what_a_generic_item_comprises_names_the_items(extract, text, supplier, categories):
    """« une aide comprenant des chars »: one transfer of what the aid contains, not of « equipment »."""
    events = extract(text)
    event = one_event(events)
    assert item_categories(event) == categories
    assert actor_ids(event["suppliers"]) == {supplier}
    assert actor_ids(event["recipients"]) == {"Q212"}


@pytest.mark.parametrize(
    "text",
    [
        "La Finlande a livré à l'Ukraine du matériel militaire, qui inclut des drones et des obus.",
        "La Finlande a livré à l'Ukraine du matériel militaire qui comprend des drones et des obus.",
    ],
)
def test_a_relative_clause_of_content(extract, text):
    """The parser often hangs « qui comprend … » on the main verb; its antecedent is the noun before it."""
    event = one_event(extract(text))
    assert item_categories(event) == {"drone", "ammunition"}
    assert actor_ids(event["suppliers"]) == {"Q33"}


def test_role_phrases_after_the_contents_belong_to_the_verb(extract):
    event = one_event(extract("L'Espagne a livré du matériel militaire comprenant des drones à l'Ukraine."))
    assert item_categories(event) == {"drone"}
    assert actor_ids(event["recipients"]) == {"Q212"}


def test_an_aid_with_a_content_clause_as_subject(extract):
    event = one_event(extract("L'aide belge inclut des obus."))
    assert item_categories(event) == {"ammunition"}
    assert actor_ids(event["suppliers"]) == {"Q31"}


def test_a_specific_system_keeps_its_name_whatever_it_comprises(extract):
    """Only generic items and aid are named by their contents: a battery comprising launchers is still one."""
    event = one_event(extract("L'Allemagne a livré à l'Ukraine un système IRIS-T comprenant trois lanceurs."))
    assert item_categories(event) == {"air_defence"}


# -- the name after a noun ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La Belgique n'exclut pas d'envoyer des avions Mirage à l'Ukraine.",
        "La Belgique devrait livrer des chars Leopard 1 à l'Ukraine dans les prochains mois.",
        "La Belgique va livrer des avions F-16 aux forces ukrainiennes.",
    ],
)
def test_the_recipient_after_a_named_system(extract, text):
    event = one_event(extract(text))
    assert actor_ids(event["suppliers"]) == {"Q31"}
    assert actor_ids(event["recipients"]) == {"Q212"}


def test_an_item_coordinated_with_the_name_of_the_first(extract):
    """« des chars Leclerc et des Caesar »: the second item and the recipient after it are the verb's."""
    event = one_event(extract("Paris a livré des chars Leclerc et des Caesar à l'Ukraine."))
    assert item_categories(event) == {"armoured_vehicle", "artillery"}
    assert actor_ids(event["recipients"]) == {"Q212"}


# -- adjectives and coordinated names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "supplier", "recipient"),
    [
        ("Les livraisons d'armes américaines à l'Ukraine ont repris.", "Q30", "Q212"),
        ("L'envoi de drones iraniens vers la Russie se poursuit.", "Q794", "Q159"),
    ],
)
def test_a_phrase_after_a_nationality_adjective_belongs_to_the_noun(extract, text, supplier, recipient):
    event = one_event(extract(text))
    assert actor_ids(event["suppliers"]) == {supplier}
    assert actor_ids(event["recipients"]) == {recipient}


def test_a_second_country_after_de_is_a_second_giver(extract):
    """« des avions du Danemark et des Pays-Bas »: « des Pays-Bas » is « de », not another item."""
    event = one_event(extract("Kiev a reçu des hélicoptères du Danemark et des Pays-Bas."))
    assert actor_ids(event["suppliers"]) == {"Q35", "Q55"}
    assert actor_ids(event["recipients"]) == {"Q212"}


# -- accusations and thanks: the object does the act ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "supplier", "recipient"),
    [
        ("Moscou accuse Londres de livrer des missiles à Kiev.", "Q145", "Q212"),
        ("Kiev soupçonne Minsk de fournir des obus à la Russie.", "Q184", "Q159"),
        ("Le Kremlin reproche à Berlin de livrer des chars à l'Ukraine.", "Q183", "Q212"),
    ],
)
def test_the_accused_is_the_supplier(extract, text, supplier, recipient):
    event = one_event(extract(text))
    assert actor_ids(event["suppliers"]) == {supplier}
    assert actor_ids(event["recipients"]) == {recipient}


# -- arrival --------------------------------------------------------------------------------------------------


def test_items_arriving_somewhere_were_supplied_there(extract):
    event = one_event(extract("Les premiers canons Caesar français sont arrivés en Ukraine."))
    assert actor_ids(event["suppliers"]) == {"Q142"}
    assert actor_ids(event["recipients"]) == {"Q212"}
    assert item_categories(event) == {"artillery"}


def test_people_arriving_are_no_supply(extract):
    assert extract("Le président finlandais est arrivé à Kiev avec une délégation.") == []


# -- the subject of a predicate's infinitive ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "supplier"),
    [
        ("La Norvège est le premier pays à avoir livré des chars lourds à l'Ukraine.", "Q20"),
        ("La Norvège est le seul pays à avoir livré des avions à l'Ukraine.", "Q20"),
        # The parser takes « des » for a preposition here: the phrase is still the object.
        ("L'Estonie est le premier pays à avoir livré des canons à l'Ukraine.", "Q191"),
    ],
)
def test_the_first_country_to_supply(extract, text, supplier):
    """« X est le premier pays à avoir livré … »: the infinitive on the predicate noun is its subject's act."""
    event = one_event(extract(text))
    assert actor_ids(event["suppliers"]) == {supplier}
    assert actor_ids(event["recipients"]) == {"Q212"}


# -- names and nationality adjectives the parser splits from their noun ---------------------------------------


@pytest.mark.parametrize(
    ("text", "origin", "label"),
    [
        ("L'armée ukrainienne utilise des drones turcs Bayraktar TB2 depuis 2022.", "Q43", "Bayraktar TB2"),
        ("Les soldats ukrainiens utilisent des chars Leopard allemands près de Koupiansk.", "Q183", "Leopard 2"),
        ("Kiev a reçu des chars allemands Leopard 2.", "Q183", "Leopard 2"),
    ],
)
def test_a_nationality_and_a_name_around_the_noun_name_one_item(extract, text, origin, label):
    """« des drones turcs Bayraktar »: one item, the named system, from the country of the adjective."""
    events = extract(text)
    stated = next(e for e in events if not e["implicit"])
    assert [item["label"] for item in stated["items"]] == [label]
    assert actor_ids(stated["suppliers"]) == {origin}
    assert actor_ids(stated["recipients"]) == {"Q212"}


# -- weapons a strike is made with ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "origin", "user"),
    [
        ("La Russie a frappé Zaporijjia avec des missiles nord-coréens.", "Q423", "Q159"),
        ("L'armée russe a bombardé Soumy à l'aide de drones iraniens.", "Q794", "Q159"),
        ("Les forces russes ont pilonné Kherson à coups d'obus nord-coréens.", "Q423", "Q159"),
    ],
)
def test_the_instrument_of_a_strike_is_used(extract, text, origin, user):
    events = extract(text)
    used = one_event(events, "use")
    assert actor_ids(used["suppliers"]) == {origin}
    assert actor_ids(used["recipients"]) == {user}
    implied = [e for e in events if e["relation"] == "supply" and e["implicit"]]
    assert len(implied) == 1 and actor_ids(implied[0]["suppliers"]) == {origin}


def test_a_strike_without_a_weapon_is_no_event(extract):
    assert extract("La Russie a frappé Kherson avec une violence inédite.") == []


# -- the other party of an agreement --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La Hongrie a conclu un accord avec la Suède pour l'achat de quatre avions Gripen.",
        "La Hongrie a signé un contrat avec la Suède pour l'acquisition d'avions de combat.",
        "La Hongrie a signé avec la Suède un contrat pour l'achat d'avions de combat.",
    ],
)
def test_the_other_party_of_a_purchase_agreement_sells(extract, text):
    event = one_event(extract(text), "purchase")
    assert actor_ids(event["suppliers"]) == {"Q34"}
    assert actor_ids(event["recipients"]) == {"Q28"}


# -- money given ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Le Danemark a versé 200 millions d'euros à l'Ukraine.",
        "Le Danemark a accordé une aide de 200 millions d'euros à l'Ukraine.",
        "Deux cents millions d'euros ont été versés à l'Ukraine par le Danemark.",
    ],
)
def test_money_given_is_a_supply_of_funding(extract, text):
    event = one_event(extract(text))
    assert item_categories(event) == {"funding"}
    assert actor_ids(event["suppliers"]) == {"Q35"}
    assert actor_ids(event["recipients"]) == {"Q212"}


@pytest.mark.parametrize(
    "text",
    [
        "Le Danemark a accordé un contrat de 200 millions d'euros à un constructeur naval.",
        "Le Danemark a accordé sa confiance à l'Ukraine.",
    ],
)
def test_a_contract_or_anything_but_money_is_no_funding(extract, text):
    assert [e for e in extract(text) if e["relation"] == "supply"] == []
