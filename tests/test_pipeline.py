"""Sentence cutting, mentions, modality, quantities and coreference with the real model."""

from __future__ import annotations

import pytest

from kg.model import Article
from kg.nlp.pipeline import parse_sentences


def _sentences(extractor, text: str) -> list[str]:
    return [s.text for s in parse_sentences(extractor.nlp, [Article(id="t", text=text)])]


def test_pipeline_splits_run_together_sentences_and_paragraphs(extractor):
    text = "Le Royaume-Uni livre des chars Challenger 2 à Kiev le mois dernier.Citant des sources, il ajoute.\nTitre sans point\nFin."
    assert _sentences(extractor, text) == [
        "Le Royaume-Uni livre des chars Challenger 2 à Kiev le mois dernier.",
        "Citant des sources, il ajoute.",
        "Titre sans point",
        "Fin.",
    ]


def test_pipeline_sentence_offsets_point_into_the_document(extractor):
    text = " date 2024-01 Premier paragraphe.\n\nLa Pologne a livré des chars à l'Ukraine."
    article = Article(id="t", text=text)
    for sentence in parse_sentences(extractor.nlp, [article]):
        assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("La Pologne a livré des chars à l'Ukraine.", "asserted"),
        ("La Pologne aurait livré des chars à l'Ukraine.", "reported"),
        ("Selon Reuters, la Pologne a livré des chars à l'Ukraine.", "reported"),
        ("La Pologne pourrait livrer des chars à l'Ukraine.", "hypothetical"),
        ("La Pologne livrera des chars à l'Ukraine.", "planned"),
        ("La Pologne va livrer des chars à l'Ukraine.", "planned"),
        ("La Pologne ne livrera pas de chars à l'Ukraine.", "negated"),
        ("La Pologne refuse de livrer des chars à l'Ukraine.", "negated"),
    ],
)
def test_pipeline_modality(extract, text: str, modality: str):
    (event,) = [e for e in extract(text) if e["relation"] == "supply"]
    assert event["modality"] == modality


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("La Pologne a livré 14 chars à l'Ukraine.", 14),
        ("La Pologne a livré 20 000 obus à l'Ukraine.", 20000),
        ("La Pologne a livré 2,5 millions d'obus à l'Ukraine.", 2500000),
        ("La Pologne a livré une trentaine de chars à l'Ukraine.", 30),
        ("La Pologne a livré des millions d'obus à l'Ukraine.", "millions"),
    ],
)
def test_pipeline_quantities(extract, text: str, quantity):
    (event,) = extract(text)
    assert event["items"][0]["quantity"] == quantity


@pytest.mark.parametrize(
    ("text", "suppliers"),
    [
        ("La France et l'Italie ont envoyé des drones à l'armée ukrainienne.", {"Q142", "Q38"}),
        ("Washington a envoyé des drones à l'armée ukrainienne.", {"Q30"}),
        ("Le Kremlin a reçu des drones de Téhéran.", {"Q794"}),
    ],
)
def test_pipeline_metonyms_demonyms_and_coordination(extract, text: str, suppliers: set[str]):
    # The French parser makes « Washington » the root of « Washington et Paris ont … »,
    # so coordination is shown on country names and metonyms one at a time.
    (event,) = extract(text)
    assert {a["qid"] for a in event["suppliers"]} == suppliers


def test_pipeline_pronoun_refers_to_previous_actor(extract):
    events = extract("La Russie manque de munitions. L'Iran lui a livré des drones.")
    (event,) = events
    assert [a["qid"] for a in event["suppliers"]] == ["Q794"]
    assert [a["qid"] for a in event["recipients"]] == ["Q159"]


def test_pipeline_no_event_without_items_or_actors(extract):
    assert extract("La France soutient l'Ukraine depuis le début de la guerre.") == []
    assert extract("Les livraisons ont commencé.") == []


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "<img src=x onerror=alert(1)>", "🚀" * 50, "a" * 5000])
def test_pipeline_never_raises_on_odd_text(extractor, text: str):
    assert isinstance(extractor.extract_text(text), list)
