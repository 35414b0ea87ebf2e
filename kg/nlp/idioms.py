"""Fixed expressions that contain a trigger word but move no arms.

« changer la donne », « livrer bataille », « tirer profit »: the verb of a rule
is there, the transfer is not. The expressions are data (`grammar.yaml`,
`idioms`); each word matches a token by lemma or by lower-case form, so
« changerait la donne » and « a changé la donne » are both found.
"""

from __future__ import annotations

from spacy.tokens import Span

from kg.nlp.pipeline import load_data


class IdiomFinder:
    """Finds the tokens of fixed expressions in a sentence."""

    def __init__(self) -> None:
        self.idioms = [tuple(i.lower().replace("’", "'").split()) for i in load_data("grammar")["idioms"]]

    def tokens(self, sentence: Span) -> set[int]:
        """Indices of the tokens that belong to an idiom in `sentence`."""
        found: set[int] = set()
        words = [(t.lower_.replace("’", "'"), t.lemma_.lower()) for t in sentence]
        for idiom in self.idioms:
            size = len(idiom)
            for start in range(len(words) - size + 1):
                if all(w in words[start + k] for k, w in enumerate(idiom)):
                    found.update(sentence[start + k].i for k in range(size))
        return found
