"""Dates stated in a sentence (kg.nlp.dates.stated_date): precision kept, partial and relative dates completed
from the article's date, bounds of a period skipped."""

from __future__ import annotations

import pytest

from kg.nlp.dates import stated_date


@pytest.mark.parametrize(
    ("sentence", "article", "expected"),
    [
        # Stated with its year: the article's date is not needed, the precision is the sentence's.
        ("La Russie a reçu en juin 2023 des obus nord-coréens.", "2024-05", "2023-06"),
        ("La Russie a reçu en juin 2023 des obus nord-coréens.", None, "2023-06"),
        ("Le 24 février 2022, les chars sont partis.", None, "2022-02-24"),
        ("Le 1er mars 2023, Berlin a livré des chars.", None, "2023-03-01"),
        ("En 2022, Téhéran a livré des Shahed à Moscou.", "2024-05", "2022"),
        ("Les livraisons reprendront fin 2024.", "2024-02", "2024"),
        ("Des drones livrés mi-2023 à Kiev.", None, "2023"),
        ("Au printemps 2023, la Chine a livré des drones.", None, "2023"),
        ("Fin juin 2023, des obus sont arrivés.", None, "2023-06"),
        ("EN JUIN 2023, la Russie a reçu des obus.", None, "2023-06"),
        # Partial: the year that puts the date nearest to the article's.
        ("Le 3 mars, Berlin a livré des chars à Kiev.", "2024-05-10", "2024-03-03"),
        ("En décembre, Téhéran a livré des drones à Moscou.", "2024-02", "2023-12"),
        ("En mars, Paris livrera des canons.", "2024-02", "2024-03"),
        ("Mi-juin, des drones sont arrivés.", "2023-09", "2023-06"),
        ("Le 3 mars, Berlin a livré des chars à Kiev.", None, None),
        # Relative to the article's date, at the precision the phrase states.
        ("L'an dernier, la Chine a vendu des drones à l'Iran.", "2024-05", "2023"),
        ("L’année dernière, la Chine a vendu des drones.", "2024-05-10", "2023"),
        ("Le mois dernier, la Chine a vendu des drones.", "2024-01", "2023-12"),
        ("Le mois dernier, la Chine a vendu des drones.", "2024", None),
        ("Hier, la Chine a livré des drones.", "2024-03-01", "2024-02-29"),
        ("Hier, la Chine a livré des drones.", "2024-03", None),
        ("Le Pentagone a annoncé mardi un contrat.", "2024-05-10", "2024-05-07"),
        ("Le Pentagone a annoncé mardi un contrat.", "2024-05", None),
        ("L'an dernier, la Chine a vendu des drones.", None, None),
        # No date, or a bound of a period rather than the event's date.
        ("La France a livré 12 canons Caesar à l'Ukraine.", "2024-05", None),
        ("Depuis 2014, Moscou arme les séparatistes.", "2024", None),
        ("Depuis le 24 février 2022, l'Occident livre des armes à Kiev.", "2024", None),
        ("Jusqu'en 2025, Paris livrera des obus.", "2024", None),
        ("Avant le 3 mars, Berlin a livré des chars.", "2024-05", None),
        ("La guerre de 2014 et le budget 2023 de la défense.", "2024", None),
        ("Des obus de 155 mm et 20 000 roquettes.", "2024", None),
    ],
)
def test_dates_stated_date_of_a_sentence(sentence: str, article: str | None, expected: str | None):
    assert stated_date(sentence, article) == expected


@pytest.mark.parametrize(
    ("sentence", "anchor", "expected"),
    [
        ("En 2022, la Chine a livré des drones ; en 2023, l'Iran a livré des missiles.", None, "2022"),
        ("En 2022, la Chine a livré des drones ; en 2023, l'Iran a livré des missiles.", 60, "2023"),
        ("Depuis 2014, Moscou arme les séparatistes, qui ont reçu des chars en 2022.", None, "2022"),
    ],
)
def test_dates_nearest_date_to_the_anchor_wins(sentence: str, anchor: int | None, expected: str):
    assert stated_date(sentence, "2024", anchor) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les États-Unis ont livré des obus de 155 mm en 2000 exemplaires.", None),
        ("Les États-Unis ont livré en 2023 des obus de 155 mm.", "2023"),
    ],
)
def test_dates_a_parsed_span_tells_a_year_from_a_count(extractor, text: str, expected: str | None):
    doc = extractor.nlp(text)
    assert stated_date(doc[:], "2024-05") == expected
