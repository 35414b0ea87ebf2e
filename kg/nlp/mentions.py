"""Find the actors, items and demonyms a sentence names, from the vocabularies.

The French model's NER only knows LOC/ORG/PER/MISC and misses common nouns
(obus, drones), so mentions come from PhraseMatchers built on the SKOS labels,
matched on lower-cased text (the lemmatizer turns « obus » into « obu »).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.vocabulary import Vocabulary


@dataclass(frozen=True)
class Mention:
    """A span of the sentence naming an actor, an item or a nationality."""

    kind: str  # "actor", "item" or "demonym"
    start: int  # token offsets in the Doc
    end: int
    iris: tuple[str, ...]
    how: str = ""  # for actors: prefLabel, altLabel, metonym, leader, epithet
    # An item named by adjectives alone, sharing the noun of the item before it (« antichars et sol-air »).
    elliptic: bool = False


class MentionFinder:
    """Builds the matchers once; `find(doc)` maps token index → Mention."""

    def __init__(self, nlp: Language, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._keys: dict[int, tuple[str, str, str]] = {}
        # An alias shared by two actors goes to the first listed (vocabulary order).
        self._add(nlp, "actor", {alias: entries[0] for alias, entries in vocabulary.actor_aliases.items()})
        self._add(nlp, "item", {alias: (iri, "") for alias, iri in vocabulary.item_aliases.items()})
        self._add(nlp, "demonym", {alias: (iri, "") for alias, iri in vocabulary.demonyms.items()})

    def _add(self, nlp: Language, kind: str, table: dict[str, tuple[str, str]]) -> None:
        entries = sorted(table.items())
        # The tokenizer alone, in one stream: the same Docs as make_doc, in a fraction of the time.
        tokenizer = cast(Tokenizer, nlp.tokenizer)
        for (alias, (iri, how)), pattern in zip(entries, tokenizer.pipe(alias for alias, _ in entries), strict=True):
            key = f"{kind}\t{alias}"
            self.matcher.add(key, [pattern])
            self._keys[nlp.vocab.strings[key]] = (kind, iri, how)

    def find(self, doc: Doc) -> dict[int, Mention]:
        """Mentions of `doc`, longest match first, indexed by each token they cover."""
        spans: list[Span] = []
        info: dict[tuple[int, int], tuple[str, str, str]] = {}
        for match_id, start, end in self.matcher(doc):
            kind, iri, how = self._keys[match_id]
            span = Span(doc, start, end)
            previous = info.get((start, end))
            # Actors beat items and demonyms on an identical span ("Iskander" is never a country).
            if previous is None or (kind == "actor" and previous[0] != "actor"):
                info[(start, end)] = (kind, iri, how)
                spans.append(span)
        by_token: dict[int, Mention] = {}
        for span in filter_spans(spans):
            kind, iri, how = info[(span.start, span.end)]
            mention = Mention(kind=kind, start=span.start, end=span.end, iris=(iri,), how=how)
            for i in range(span.start, span.end):
                by_token[i] = mention
        for mention in {id(m): m for m in by_token.values()}.values():
            for shared in self._elliptic_kinds(doc, mention, by_token):
                for i in range(shared.start, shared.end):
                    by_token[i] = shared
        for token in doc:
            if token.i not in by_token:
                compound = self._compound_demonym(token)
                if compound:
                    by_token[token.i] = Mention("demonym", token.i, token.i + 1, compound)
        return by_token

    def _elliptic_kinds(self, doc: Doc, mention: Mention, by_token: dict[int, Mention]) -> list[Mention]:
        """« des missiles antichars et sol-air »: the kinds an item's noun shares with the adjectives coordinated
        after its name, each a mention of its own on the adjective when the noun with it is an alias
        (« missiles sol-air »)."""
        if mention.kind != "item" or mention.end - mention.start < 2:
            return []
        noun = doc[mention.start : mention.end - 1].text.lower()
        found: list[Mention] = []
        i = mention.end
        while i + 1 < len(doc) and doc[i].lower_ in (",", "et", "ou"):
            # The longest run of words (« sol-air » is three tokens) that makes an alias with the noun.
            end = next(
                (
                    j
                    for j in range(min(i + 5, len(doc)), i + 1, -1)
                    if not any(k in by_token for k in range(i + 1, j))
                    and f"{noun} {doc[i + 1 : j].text.lower()}" in self.vocabulary.item_aliases
                ),
                None,
            )
            if end is None or doc[i + 1].pos_ in ("DET", "ADP"):
                break
            iri = self.vocabulary.item_aliases[f"{noun} {doc[i + 1 : end].text.lower()}"]
            found.append(Mention(kind="item", start=i + 1, end=end, iris=(iri,), elliptic=True))
            i = end
        return found

    def _compound_demonym(self, token: Token) -> tuple[str, ...] | None:
        """« franco-italien » → France and Italy, from combining forms and demonyms."""
        parts = token.lower_.split("-")
        if len(parts) < 2:
            return None
        iris = []
        for part in parts[:-1]:
            iri = self.vocabulary.combining_forms.get(part)
            if iri is None:
                return None
            iris.append(iri)
        last = self.vocabulary.demonyms.get(parts[-1])
        if last is None:
            return None
        return tuple(iris) + (last,)
