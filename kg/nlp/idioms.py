"""Fixed expressions that contain a trigger word but move no arms.

« changer la donne », « livrer bataille », « tirer profit »: the verb of a rule
is there, the transfer is not. The expressions are data (`grammar.yaml`,
`idioms`); each word matches a token by lemma or by lower-case form, so
« changerait la donne » and « a changé la donne » are both found, and
adverbs may come between the words: « ne changerait pas la donne », « a
complètement changé la donne ».
"""

from __future__ import annotations

from spacy.tokens import Span

from kg.nlp.pipeline import load_data


class IdiomFinder:
    """Finds the tokens of fixed expressions in a sentence."""

    def __init__(self) -> None:
        idioms = [tuple(i.lower().replace("’", "'").split()) for i in load_data("grammar")["idioms"]]
        # Indexed by first word: a sentence is tried only from the tokens that can start an idiom.
        self.by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for idiom in idioms:
            self.by_first_word.setdefault(idiom[0], []).append(idiom)

    def tokens(self, sentence: Span) -> set[int]:
        """Indices of the tokens that belong to an idiom in `sentence`."""
        found: set[int] = set()
        words = [(t.lower_.replace("’", "'"), t.lemma_.lower()) for t in sentence]
        adverbs = [t.pos_ == "ADV" for t in sentence]
        for start, forms in enumerate(words):
            for idiom in {i for form in forms for i in self.by_first_word.get(form, ())}:
                matched = self._match(idiom, words, adverbs, start)
                if matched:
                    found.update(sentence[k].i for k in matched)
        return found

    @staticmethod
    def _match(idiom: tuple[str, ...], words: list[tuple[str, str]], adverbs: list[bool], start: int) -> list[int]:
        """Positions of the idiom's words from `start`, adverbs skipped between them; [] if it is not there."""
        positions: list[int] = []
        k = start
        for n, word in enumerate(idiom):
            while n and k < len(words) and adverbs[k] and word not in words[k]:
                k += 1
            if k >= len(words) or word not in words[k]:
                return []
            positions.append(k)
            k += 1
        return positions
