"""Rule-based coreference of pronouns and possessives to actors, within one article.

`coreferee` cannot be installed here (its French model downloads from GitHub),
so this is the classic recency-with-agreement heuristic: a third-person
pronoun or possessive stands for the most recent actor named before it whose
gender and number agree (from the morphologizer, else the vocabulary), never
the subject of its own clause for an object clitic (« l'Iran l'approvisionne »).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.model import Actor, Item
from kg.nlp.pipeline import load_data


@dataclass(frozen=True)
class Antecedent:
    """An actor named at some point of the article, with the agreement features of its name."""

    actor: Actor
    gender: str | None
    number: str | None
    position: tuple[int, int]  # (sentence number, token index)
    # Whether the name was the subject of its clause: of two antecedents in one earlier sentence, a pronoun
    # takes up the subject (« Le Niger a rompu avec la France. Son nouvel allié lui a livré … »).
    subject: bool = False


def _feature(token: Token, name: str) -> str | None:
    values = token.morph.get(name, [])
    if not values:
        return None
    value = values[0]
    return {"Masc": "m", "Fem": "f", "Sing": "sg", "Plur": "pl"}.get(value)


class CoreferenceResolver:
    """Remembers the actors named so far in an article and resolves pronouns to them."""

    def __init__(self, lookback: int | None = None) -> None:
        data = load_data("grammar")["coreference"]
        self.pronouns: dict[str, list[str | None]] = data["pronouns"]
        self.kinds = set(data["antecedent_kinds"])
        self.lookback = lookback if lookback is not None else int(data["lookback_sentences"])
        self.descriptions: dict[str, list[str]] = data["descriptions"]
        self.latter = set(data["latter"])
        self.place_pronouns = set(data["place_pronouns"])
        self.first_person = {w.replace("’", "'") for w in data["first_person"]}
        self.place_kinds = set(data["place_kinds"])
        self.relational = set(data["relational"])
        self.definite = set(data["definite_determiners"])
        self.history: list[Antecedent] = []
        self.items: list[tuple[tuple[int, int], Item]] = []
        self.kinds_named: list[tuple[tuple[int, int], Item]] = []
        # Positions of items named inside another item's phrase (« des munitions pour les canons Gepard »).
        self.nested: set[tuple[int, int]] = set()
        self.demonstratives = set(data["item_demonstratives"])
        self.sentence = 0

    def reset(self) -> None:
        """Forget everything: a new article starts."""
        self.history = []
        self.items = []
        self.kinds_named = []
        self.nested = set()
        self.sentence = 0

    def remember_item(self, item: Item, token: Token, named: bool = True, nested: bool = False) -> None:
        """Record an item named at `token`: `named`, a specific system (« Shahed »), or a kind (« des obus »);
        `nested` when it is named inside another item's phrase (« les canons Gepard » in « des munitions pour les
        canons Gepard »), which a pronoun after it does not stand for first."""
        (self.items if named else self.kinds_named).append(((self.sentence, token.i), item))
        if nested:
            self.nested.add((self.sentence, token.i))

    def last_item(self, token: Token) -> Item | None:
        """The item named last before `token` within the lookback, system or kind: what « en » stands for in
        « Berlin en a livré une cinquantaine »."""
        here = (self.sentence, token.i)
        found = [
            (position, item)
            for position, item in self.items + self.kinds_named
            if position < here and self.sentence - position[0] <= self.lookback
        ]
        # The latest sentence first; in it, an item heading its phrase before one inside another's.
        return max(found, key=lambda pair: (pair[0][0], pair[0] not in self.nested, pair[0][1]))[1] if found else None

    def resolve_item(self, token: Token, category: str, generic_categories: set[str]) -> Item | None:
        """The named system a demonstrative generic noun stands for: « ces armes » after « des Shahed ».

        A generic noun of a broad category (« armes », « équipement ») can stand for
        any item; « ces drones » only for a drone.
        """
        if not any(
            (c.dep_ == "det" and c.lower_ in self.demonstratives) or (c.dep_ == "amod" and c.lemma_ == "tel")
            for c in token.children
        ):
            return None
        here = (self.sentence, token.i)
        for position, item in reversed(self.items):
            if position >= here or self.sentence - position[0] > self.lookback:
                continue
            if item.category == category or category in generic_categories:
                return item
        return None

    def next_sentence(self) -> None:
        self.sentence += 1

    def remember(self, actor: Actor, token: Token, gender: str | None, number: str | None) -> None:
        """Record an actor named at `token` (gender and number of the name as written)."""
        if actor.kind not in self.kinds:
            return
        self.history.append(
            Antecedent(
                actor,
                _feature(token, "Gender") or gender,
                _feature(token, "Number") or number,
                (self.sentence, token.i),
                token.dep_ in ("nsubj", "nsubj:pass"),
            )
        )

    def is_first_person(self, token: Token) -> bool:
        return token.lower_.replace("’", "'") in self.first_person and token.pos_ in ("PRON", "DET")

    def is_pronoun(self, token: Token) -> bool:
        return token.lower_.replace("’", "'") in self.pronouns and token.pos_ in ("PRON", "DET", "ADV")

    def resolve(self, token: Token, exclude: set[str] | frozenset[str] = frozenset()) -> Actor | None:
        """The actor a pronoun or possessive stands for, or None when nothing agrees."""
        found = self.candidates(token, exclude)
        return found[0] if found else None

    def candidates(self, token: Token, exclude: set[str] | frozenset[str] = frozenset()) -> list[Actor]:
        """Every actor a pronoun or possessive may stand for, the most recent first (`resolve` takes the first)."""
        key = token.lower_.replace("’", "'")
        if key not in self.pronouns:
            return []
        gender, number = self.pronouns[key]
        possessive = "Yes" in token.morph.get("Poss", [])
        if possessive:
            # The possessive agrees with the possessed, and « leurs » often stands
            # for an organisation's members: no agreement is required.
            gender = number = None
        else:
            gender = _feature(token, "Gender") or gender
        kinds = self.place_kinds if key in self.place_pronouns else None
        return self._agreeing(token, exclude, gender, number, kinds)

    def named(self) -> list[Actor]:
        """Every actor named so far in the article, once each, the most recent first."""
        seen: dict[str, Actor] = {}
        for candidate in reversed(self.history):
            seen.setdefault(candidate.actor.key, candidate.actor)
        return list(seen.values())

    def resolve_description(self, token: Token, exclude: set[str] | frozenset[str] = frozenset()) -> Actor | None:
        """The actor a definite description stands for: « ce pays », « le régime », « ce dernier »."""
        determiners = [c for c in token.children if c.dep_ == "det"]
        if len(determiners) != 1 or determiners[0].lower_.replace("’", "'") not in self.definite:
            return None
        if any(c.dep_ in ("nmod", "amod", "appos", "flat:name", "nummod") for c in token.children):
            return None
        lemma, lower = token.lemma_, token.lower_
        gender: str | None = None
        number: str | None = None
        kinds: set[str]
        if lower in self.latter:
            kinds = self.kinds
            gender, number = _feature(token, "Gender"), _feature(token, "Number")
        elif lemma in self.descriptions or lower in self.descriptions:
            if _feature(token, "Number") == "pl":
                return None
            kinds = set(self.descriptions.get(lemma) or self.descriptions[lower])
        else:
            return None
        return self._most_recent(token, exclude, gender, number, kinds)

    def _most_recent(
        self,
        token: Token,
        exclude: set[str] | frozenset[str],
        gender: str | None,
        number: str | None,
        kinds: set[str] | None = None,
    ) -> Actor | None:
        """The latest actor named before `token` within the lookback that agrees and is not excluded."""
        found = self._agreeing(token, exclude, gender, number, kinds)
        return found[0] if found else None

    def _agreeing(
        self,
        token: Token,
        exclude: set[str] | frozenset[str],
        gender: str | None,
        number: str | None,
        kinds: set[str] | None = None,
    ) -> list[Actor]:
        """The actors named before `token` within the lookback that agree and are not excluded, latest first."""
        here = (self.sentence, token.i)
        found: dict[str, Actor] = {}

        # The current sentence's antecedents, latest first; then each earlier sentence's: its subjects first, the
        # first of them first (the main clause's, in French), then the other names, latest first.
        def salience(c: Antecedent) -> tuple[bool, int, bool, int]:
            earlier = c.position[0] != self.sentence
            subject = earlier and c.subject
            return (earlier, -c.position[0], not subject, c.position[1] if subject else -c.position[1])

        ordered = sorted(self.history, key=salience)
        for candidate in ordered:
            if candidate.position >= here or self.sentence - candidate.position[0] > self.lookback:
                continue
            if kinds is not None and candidate.actor.kind not in kinds:
                continue
            if candidate.actor.key in exclude:
                continue
            if gender and candidate.gender and gender != candidate.gender:
                continue
            if number and candidate.number and number != candidate.number:
                continue
            found.setdefault(candidate.actor.key, candidate.actor)
        return list(found.values())
