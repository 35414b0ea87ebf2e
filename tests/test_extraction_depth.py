"""Extraction depth: modality, attribution, coreference, implicit transfers, quantities, values, discourse.

Every sentence here is written for the test (none comes from the evaluation
texts) and runs through the real French model and the project's rules.
"""

from __future__ import annotations

import pytest
from conftest import actor_ids, one_event


def _transfers(events: list[dict]) -> list[dict]:
    return [e for e in events if e["relation"] in ("supply", "purchase")]


# -- modality -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("La Norvège a livré des obus à l'Ukraine.", "asserted"),
        ("La Norvège aurait livré des obus à l'Ukraine.", "reported"),
        ("Selon le Guardian, la Norvège a livré des obus à l'Ukraine.", "reported"),
        ("La Norvège a livré des obus à l'Ukraine, a indiqué le ministre.", "reported"),
        ("Des drones iraniens ont été livrés à la Russie, affirment les services de renseignement.", "reported"),
        ("D'après des responsables américains, la Norvège a livré des obus à l'Ukraine.", "reported"),
        ("La Norvège pourrait livrer des obus à l'Ukraine.", "hypothetical"),
        ("La Norvège envisage de livrer des obus à l'Ukraine.", "hypothetical"),
        ("La Norvège livrerait-elle des obus à l'Ukraine ?", "hypothetical"),
        ("La Norvège livrera des obus à l'Ukraine.", "planned"),
        ("La Norvège va livrer des obus à l'Ukraine.", "planned"),
        ("Selon Reuters, la Norvège est prête à livrer des obus à l'Ukraine.", "planned"),
        ("Des obus doivent être livrés à l'Ukraine par la Norvège.", "planned"),
        ("La Norvège a promis à l'Ukraine des obus.", "planned"),
        ("L'objectif de la Norvège est de livrer des obus à l'Ukraine.", "planned"),
        ("Notre priorité est de fournir des obus à l'Ukraine.", "planned"),
        ("Le but des livraisons d'obus à l'Ukraine est d'aider son armée.", "asserted"),
        ("La Norvège ne livrera pas d'obus à l'Ukraine.", "negated"),
        ("La Norvège a refusé de livrer des obus à l'Ukraine.", "negated"),
        ("La Norvège a démenti avoir livré des obus à l'Ukraine.", "negated"),
    ],
)
def test_modality_follows_the_guidelines_cues(extract, text, modality):
    assert one_event(extract(text))["modality"] == modality


def test_adjunct_is_outside_the_scope_of_a_future_verb(extract):
    text = "Les États-Unis vont refaire leurs stocks après leurs livraisons d'armes à l'Ukraine."
    event = one_event(extract(text))
    assert event["modality"] == "asserted"


# -- attribution ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Selon le Financial Times, la Turquie a vendu des drones à l'Ukraine.", "Financial Times"),
        ("Selon Reuters, la Turquie a vendu des drones à l'Ukraine.", "Reuters"),
        ("La Turquie a vendu des drones à l'Ukraine, a déclaré Jane Doe.", "Jane Doe"),
        ("La Turquie a vendu des drones à l'Ukraine, indique l'agence Reuters.", "Reuters"),
        ("Le Pentagone a annoncé que les États-Unis livreront des missiles à l'Ukraine.", "Pentagone"),
        # The items listed before the incise are not its subject, whatever the parser attaches.
        (
            "La France compte livrer une vingtaine de canons Caesar, ainsi que des missiles et des drones, "
            "a annoncé M. Lecornu lors d'une conférence.",
            "M. Lecornu",
        ),
    ],
)
def test_attribution_keeps_the_named_source(extract, text, source):
    assert [e["source"] for e in _transfers(extract(text))] == [source]


def test_no_source_without_a_reporting_cue(extract):
    assert one_event(extract("La Turquie a livré des drones à l'Ukraine."))["source"] is None


def test_a_verb_of_appearance_names_no_source(extract):
    event = one_event(extract("La Corée du Nord semble livrer des armes à la Russie."))
    assert event["modality"] == "reported"
    assert event["source"] is None


# -- coreference ----------------------------------------------------------------


def test_pronoun_subject_resolves_to_the_recent_actor(extract):
    events = extract("La Corée du Nord multiplie les essais. Elle a livré des obus à la Russie.")
    event = one_event(events)
    assert actor_ids(event["suppliers"]) == {"Q423"}
    assert actor_ids(event["recipients"]) == {"Q159"}


def test_object_clitic_is_not_its_own_clause_subject(extract):
    events = extract("La Russie manque de munitions. L'Iran lui fournit des drones.")
    event = one_event(events)
    assert actor_ids(event["suppliers"]) == {"Q794"}
    assert actor_ids(event["recipients"]) == {"Q159"}


def test_demonstrative_description_stands_for_a_country(extract):
    event = one_event(extract("La Corée du Nord multiplie les essais. Ce pays a livré des obus à la Russie."))
    assert actor_ids(event["suppliers"]) == {"Q423"}


def test_the_latter_agrees_in_gender(extract):
    event = one_event(extract("L'Iran soutient la Russie. Ce dernier a livré des drones à Moscou."))
    assert actor_ids(event["suppliers"]) == {"Q794"}
    assert actor_ids(event["recipients"]) == {"Q159"}


def test_possessed_country_is_the_possessor(extract):
    events = extract("Le président ukrainien a réclamé des livraisons rapides d'armes à son pays.")
    assert [actor_ids(e["recipients"]) for e in events] == [{"Q212"}]
    assert events[0]["relation"] == "request"


def test_epithet_from_the_vocabulary(extract):
    event = one_event(extract("Le royaume ermite a vendu des roquettes à la Russie."), "purchase")
    assert actor_ids(event["suppliers"]) == {"Q423"}


def test_demonstrative_generic_item_stands_for_the_named_system(extract):
    text = "La Russie a reçu des drones Shahed. On ignore à quel prix l'Iran vend ces armes à la Russie."
    events = _transfers(extract(text))
    assert [i["label"] for i in events[-1]["items"]] == ["Shahed"]


# -- implicit transfers ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La Russie a utilisé des drones iraniens contre Odessa.",
        "La Russie a tiré des drones en provenance d'Iran sur Kharkiv.",
        "L'armée russe emploie des drones de fabrication iranienne.",
    ],
)
def test_origin_and_user_imply_a_supply(extract, text):
    events = extract(text)
    use = [e for e in events if e["relation"] == "use"]
    implicit = [e for e in events if e["relation"] == "supply" and e["implicit"]]
    assert use and implicit, events
    assert actor_ids(implicit[0]["suppliers"]) == {"Q794"}
    assert actor_ids(implicit[0]["recipients"]) == {"Q159"}


def test_use_without_origin_implies_nothing(extract):
    events = extract("La Russie a utilisé des drones contre Odessa.")
    assert not [e for e in events if e["implicit"]]


# -- quantities and values ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "quantity_text"),
    [
        ("La Corée du Nord a livré 3 millions d'obus à la Russie.", 3000000, "3 millions"),
        ("La Corée du Nord a livré 20 000 obus à la Russie.", 20000, "20 000"),
        ("La Corée du Nord a livré 6 700 obus à la Russie.", 6700, "6 700"),
        ("La Corée du Nord a livré une trentaine de canons à la Russie.", 30, "une trentaine"),
        ("La Corée du Nord a livré des millions d'obus à la Russie.", "millions", "millions"),
        ("La Corée du Nord a livré 2,3 millions d'obus à la Russie.", 2300000, "2,3 millions"),
        ("La Corée du Nord a livré un total de 60 missiles à la Russie.", 60, "60"),
    ],
)
def test_french_numbers_are_normalised(extract, text, quantity, quantity_text):
    item = one_event(extract(text))["items"][0]
    assert item["quantity"] == quantity
    assert item["quantity_text"] == quantity_text


def test_rates_keep_their_unit(extract):
    events = extract("La Russie tire jusqu'à 20 000 obus par jour.")
    item = [e for e in events if e["relation"] == "use"][0]["items"][0]
    assert item["quantity"] == 20000
    assert item["quantity_text"] == "20 000 par jour"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Le Pentagone a signé un contrat de 552 millions de dollars pour acheter des obus à la Corée du Sud.",
            {"amount": 552000000, "currency": "USD"},
        ),
        (
            "L'Union européenne a financé l'armée ukrainienne à hauteur de 500 millions d'euros.",
            {"amount": 500000000, "currency": "EUR"},
        ),
    ],
)
def test_money_becomes_a_value(extract, text, value):
    assert [e["value"] for e in _transfers(extract(text))] == [value]


def test_price_per_unit_is_not_the_value(extract):
    events = extract("L'Iran a vendu des drones à la Russie, à 20 000 dollars par unité.")
    assert [e["value"] for e in _transfers(events)] == [None]


# -- parties --------------------------------------------------------------------


def test_group_keeps_its_named_members(extract):
    event = one_event(extract("Plusieurs pays, notamment la Suède et la Norvège, ont livré des obus à l'Ukraine."))
    assert {"Q34", "Q20"} <= actor_ids(event["suppliers"])
    assert any(a["qid"] is None for a in event["suppliers"])


@pytest.mark.parametrize(
    ("text", "supplier"),
    [("La Norvège a livré à l'Ukraine les chars promis.", "Q20"), ("La Pologne a livré à l'Ukraine les chars.", "Q36")],
)
def test_object_after_the_recipient_is_the_verbs_object(extract, text, supplier):
    """The parser hangs « les chars » on « l'Ukraine » as an nmod without preposition: it is the object."""
    event = one_event(extract(text))
    assert (actor_ids(event["suppliers"]), actor_ids(event["recipients"])) == ({supplier}, {"Q212"})
    assert [i["category"] for i in event["items"]] == ["armoured_vehicle"]


@pytest.mark.parametrize(
    ("text", "supplier"),
    [
        ("L'objectif de la Norvège est de livrer des obus à l'Ukraine.", "Q20"),
        ("La priorité de l'Union européenne est de fournir des munitions à l'Ukraine.", "Q458"),
    ],
)
def test_an_aims_holder_is_who_acts(extract, text, supplier):
    """The infinitive after « l'objectif … est de » is done by the aim's holder, and is planned."""
    event = one_event(extract(text))
    assert (actor_ids(event["suppliers"]), actor_ids(event["recipients"])) == ({supplier}, {"Q212"})
    assert event["modality"] == "planned"


def test_group_with_dont_and_funding(extract):
    event = one_event(extract("L'armée ukrainienne a été financée par douze pays, dont l'Espagne et le Canada."))
    assert {"Q29", "Q16"} <= actor_ids(event["suppliers"])
    assert [i["category"] for i in event["items"]] == ["funding"]


def test_unnamed_party_is_kept_without_id(extract):
    event = one_event(extract("Rien ne peut empêcher les alliés de la Russie de lui fournir des armes."))
    assert [a["qid"] for a in event["suppliers"]] == [None]
    assert actor_ids(event["recipients"]) == {"Q159"}


def test_transfer_asked_for_is_a_request_with_its_parties(extract):
    events = extract("Le ministre a exhorté l'Allemagne à autoriser la fourniture de chars Leopard à l'Ukraine.")
    assert [e["relation"] for e in events] == ["request"]
    assert actor_ids(events[0]["suppliers"]) == {"Q183"}
    assert actor_ids(events[0]["recipients"]) == {"Q212"}


def test_subject_qui_is_the_noun_before_it_when_the_parser_loses_the_relative_clause(extract):
    events = extract("L'Allemagne vendrait des chars aux Pays-Bas qui les livreraient ensuite à l'armée ukrainienne.")
    supply = one_event(events)
    assert actor_ids(supply["suppliers"]) == {"Q55"} and actor_ids(supply["recipients"]) == {"Q212"}


def test_purpose_clause_has_the_subject_of_the_verb_it_modifies(extract):
    events = extract("Le Pentagone prévoit d'acheter des obus à la Corée du Sud afin de les livrer à l'Ukraine.")
    assert actor_ids(one_event(events)["suppliers"]) == {"Q30"}
    assert actor_ids(one_event(events, "purchase")["suppliers"]) == {"Q884"}


def test_items_coordinated_by_ainsi_que_wherever_the_parser_hangs_them(extract):
    text = (
        "La Belgique va envoyer une dizaine de canons, ainsi que des blindés, des drones et des obus, "
        "a annoncé la ministre Ludivine Dedonder."
    )
    event = one_event(extract(text))
    assert {i["category"] for i in event["items"]} == {"artillery", "armoured_vehicle", "drone", "ammunition"}
    assert event["source"] == "Ludivine Dedonder"


@pytest.mark.parametrize(
    "text",
    [
        "La Turquie a livré des drones à Kiev mais pas à Moscou.",
        "La Turquie a achevé une livraison de drones destinés à Kiev, et non au gouvernement russe.",
    ],
)
def test_party_ruled_out_by_et_non_gets_the_transfer_negated(extract, text):
    found = {(frozenset(actor_ids(e["recipients"])), e["modality"]) for e in _transfers(extract(text))}
    assert (frozenset({"Q212"}), "negated") not in found
    assert (frozenset({"Q159"}), "negated") in found
    assert not any("Q159" in recipients for recipients, modality in found if modality != "negated")


def test_phrases_after_an_infinitive_hung_on_its_modal_are_its_own(extract):
    text = "Un expert a estimé que Minsk pourrait se procurer des chars, des véhicules blindés et des drones auprès de Pékin."
    event = one_event(extract(text), "purchase")
    assert actor_ids(event["suppliers"]) == {"Q148"} and actor_ids(event["recipients"]) == {"Q184"}
    assert {i["category"] for i in event["items"]} == {"armoured_vehicle", "drone"} and len(event["items"]) == 3


def test_agent_after_an_apposition_of_a_nominal_trigger(extract):
    text = (
        "Plusieurs annonces ont été faites lundi, notamment celle de la fourniture d'un système de défense "
        "antiaérienne NASAMS, l'équivalent du Patriot, par la Norvège et le Danemark."
    )
    assert actor_ids(one_event(extract(text))["suppliers"]) == {"Q20", "Q35"}


def test_participle_of_an_equipping_verb_names_its_recipient(extract):
    event = one_event(extract("L'Ukraine, abreuvée en armes et en munitions par la Pologne, contre-attaque."))
    assert actor_ids(event["suppliers"]) == {"Q36"} and actor_ids(event["recipients"]) == {"Q212"}


def test_idiom_is_not_a_transfer(extract):
    assert extract("Le soutien de l'Iran a changé la donne dans la guerre en Ukraine.") == []


def test_idiom_with_adverbs_between_its_words_is_not_a_transfer(extract):
    events = extract(
        "La Biélorussie a livré des obus à la Russie, mais leur nombre ne changerait pas la donne en Ukraine."
    )
    assert [(e["relation"], actor_ids(e["recipients"])) for e in events] == [("supply", {"Q159"})]


# -- discourse ------------------------------------------------------------------


def test_unstated_recipient_comes_from_the_same_supplier_earlier(extract):
    text = "Le Danemark enverra des chars en Ukraine. Le Danemark prévoit aussi d'envoyer des drones."
    events = _transfers(extract(text))
    assert [actor_ids(e["recipients"]) for e in events] == [{"Q212"}, {"Q212"}]


def test_event_with_no_party_borrows_both_from_the_one_before(extract):
    text = "La Suède a livré des canons à l'Ukraine. Les premières livraisons de canons sont attendues en mars."
    events = _transfers(extract(text))
    assert len(events) == 2
    assert actor_ids(events[1]["suppliers"]) == {"Q34"}
    assert actor_ids(events[1]["recipients"]) == {"Q212"}


def test_money_does_not_lend_its_donors_to_shells(extract):
    text = (
        "L'initiative a été financée par la Suède et le Canada au profit de l'Ukraine. "
        "Des obus sont arrivés en Ukraine."
    )
    events = _transfers(extract(text))
    shells = [e for e in events if e["items"][0]["category"] == "ammunition"]
    assert all(not ({"Q34", "Q16"} & actor_ids(e["suppliers"])) for e in shells)


def test_two_verbs_of_one_completed_transfer_make_one_event(extract):
    """« promis » and « livrés » fire the same rule; once the supplier is borrowed they are one statement,
    kept once with both trigger words (two would count as two mentions, and share one IRI in the graph)."""
    text = "La Pologne a annoncé l'envoi de chars au Maroc. Les chars promis au Maroc seront livrés en mars."
    events = _transfers(extract(text))
    assert [(actor_ids(e["suppliers"]), actor_ids(e["recipients"])) for e in events] == [({"Q36"}, {"Q1028"})] * 2
    assert [text[start:end] for start, end in events[1]["trigger"]] == ["promis", "livrés"]


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Les chars promis à l'Ukraine par la Pologne ont été livrés.", "asserted"),
        ("Les chars promis à l'Ukraine par la Pologne n'ont pas été livrés.", "negated"),
        ("Les chars promis à l'Ukraine par la Pologne seront livrés en mars.", "planned"),
    ],
)
def test_one_statement_takes_the_modality_of_the_clause_verb(extract, text, modality):
    """« promis » only describes the tanks; whether they came is the main verb's to say."""
    event = one_event(extract(text))
    assert (actor_ids(event["suppliers"]), actor_ids(event["recipients"])) == ({"Q36"}, {"Q212"})
    assert event["modality"] == modality
    assert [text[start:end] for start, end in event["trigger"]] == ["promis", "livrés"]


def test_no_party_and_nothing_before_is_dropped(extract):
    assert _transfers(extract("Les livraisons d'obus sont attendues en mars.")) == []


def test_use_without_user_is_used_by_the_last_receiver(extract):
    text = "Les États-Unis ont expédié des missiles en Ukraine. Ces missiles pourraient être tirés depuis Kherson."
    uses = [e for e in extract(text) if e["relation"] == "use"]
    assert [actor_ids(e["recipients"]) for e in uses] == [{"Q212"}]
    assert uses[0]["modality"] == "hypothetical"


def test_use_without_any_user_is_dropped(extract):
    assert [e for e in extract("Des missiles ont été tirés sur la ville.") if e["relation"] == "use"] == []


# -- a deal that « porte sur » more items -----------------------------------------


def test_anaphoric_deal_covers_items_with_the_parties_of_the_deal_before(extract):
    events = extract(
        "La Pologne a commandé des obus à la Corée du Sud. "
        "Cet accord pourrait aussi porter sur du matériel et des pièces d'artillerie."
    )
    deal = [e for e in events if e["rule"].startswith("purchase.verb.deal-covers")]
    assert len(deal) == 1, events
    # « du » after « sur » is the partitive article, and « des pièces » shares the preposition « sur ».
    assert {i["category"] for i in deal[0]["items"]} == {"equipment", "artillery"}
    assert actor_ids(deal[0]["suppliers"]) == {"Q884"} and actor_ids(deal[0]["recipients"]) == {"Q36"}
    assert deal[0]["modality"] == "hypothetical"


def test_carrying_arms_is_not_a_deal(extract):
    assert extract("Les soldats portent des fusils et des munitions sur le front.") == []
