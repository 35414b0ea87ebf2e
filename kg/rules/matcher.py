"""Where the rules fire in a parsed document.

Most rules are one trigger word: a lemma (or a list of them) and a part of speech. Those are looked up in a
table keyed by lemma. spaCy's DependencyMatcher would find the same matches, but its token matcher checks
every token against every rule's predicates, which cost about a sixth of extraction time on news text.
Rules with more pattern nodes (« passer commande », « mettre à la disposition ») or other attributes go
through a DependencyMatcher holding only them. Every pattern is still checked by spaCy when compiled.
"""

from __future__ import annotations

from typing import Any

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import RuleError
from kg.rules.loader import Rule

Match = tuple[str, dict[str, int]]
_WORD_ATTRIBUTES = frozenset({"LEMMA", "POS"})


def _values(value: Any) -> frozenset[str] | None:
    """The strings an attribute accepts: « "x" » or « {IN: [x, y]} »; None for any other form."""
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return frozenset(value["IN"])
    return None


def _one_word(rule: Rule) -> tuple[frozenset[str], frozenset[str] | None] | None:
    """The lemmas and parts of speech of a rule that is one trigger word, or None."""
    if len(rule.pattern) != 1:
        return None
    attributes = rule.pattern[0].get("RIGHT_ATTRS", {})
    if "LEMMA" not in attributes or not set(attributes) <= _WORD_ATTRIBUTES:
        return None
    lemmas = _values(attributes["LEMMA"])
    tags = _values(attributes["POS"]) if "POS" in attributes else None
    if lemmas is None or ("POS" in attributes and tags is None):
        return None
    return lemmas, tags


class RuleMatcher:
    """Every rule's matches in a Doc, as (rule id, {pattern node: token index})."""

    def __init__(self, rules: list[Rule], vocab: Vocab) -> None:
        checked = DependencyMatcher(vocab, validate=True)
        self._multi = DependencyMatcher(vocab, validate=True)
        self._by_lemma: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
        self._has_multi = False
        # The multi-node matcher runs only on a Doc that has, for one of its rules, a lemma of every node that
        # asks for lemmas (« livrer » alone does not run « se voir livrer »). None: it runs on every Doc.
        self._multi_lemmas: list[list[frozenset[str]]] | None = []
        for rule in rules:
            try:
                checked.add(rule.id, [rule.pattern])
            except (ValueError, KeyError, TypeError) as exc:
                message = " ".join(str(exc).split())[:300]
                raise RuleError(f"{rule.source}: {rule.id}: bad pattern ({message})") from None
            word = _one_word(rule)
            if word is None:
                self._multi.add(rule.id, [rule.pattern])
                self._has_multi = True
                nodes = [node.get("RIGHT_ATTRS", {}).get("LEMMA") for node in rule.pattern]
                needed = [_values(lemma) for lemma in nodes if lemma is not None]
                if not needed or any(lemmas is None for lemmas in needed) or self._multi_lemmas is None:
                    self._multi_lemmas = None
                else:
                    self._multi_lemmas.append([lemmas for lemmas in needed if lemmas is not None])
                continue
            lemmas, tags = word
            for lemma in sorted(lemmas):
                self._by_lemma.setdefault(lemma, []).append((rule.id, tags))
        self._patterns = {rule.id: rule.pattern for rule in rules}
        self._vocab = vocab

    def __call__(self, doc: Doc) -> list[Match]:
        found: list[Match] = []
        by_lemma = self._by_lemma
        lemmas: set[str] = set()
        for token in doc:
            lemma = token.lemma_
            lemmas.add(lemma)
            for rule_id, tags in by_lemma.get(lemma, ()):
                if tags is None or token.pos_ in tags:
                    found.append((rule_id, {"trigger": token.i}))
        run_multi = self._has_multi and (
            self._multi_lemmas is None
            or any(all(not needed.isdisjoint(lemmas) for needed in rule) for rule in self._multi_lemmas)
        )
        if run_multi:
            for match_id, token_ids in self._multi(doc):
                rule_id = self._vocab.strings[match_id]
                pattern = self._patterns[rule_id]
                found.append((rule_id, {node["RIGHT_ID"]: token_ids[i] for i, node in enumerate(pattern)}))
        return found
