"""Decide whether an event is asserted, reported, hypothetical, planned or negated.

The cues live in `modality.yaml`. The trigger and the chain of words that
govern it up to the sentence root are read for mood, tense, negation and
governing verbs or nouns; the first modality in the file's precedence wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Span, Token

from kg.nlp.arguments import aim_noun
from kg.nlp.attribution import INCISE_DEPS, source_prepositions
from kg.nlp.pipeline import NE_FORMS, load_data

AUX_DEPS = ("aux", "aux:tense", "aux:pass", "cop")


# Prepositions that introduce a verb's own complement, never a circumstance: « travailler à », « renoncer à ».
ARGUMENT_PREPOSITIONS = frozenset({"à", "au", "aux"})


def _governors(trigger: Token) -> list[Token]:
    """The trigger and the words above it, up to the root or an adjunct phrase.

    An adjunct (« après leurs transferts d'armes ») is not in the scope of its
    verb's mood or tense: « ils vont refaire leurs stocks après leurs transferts »
    does not plan the transfers.
    """
    chain = [trigger]
    token = trigger
    content_verbs = set(load_data("grammar")["content_verbs"])
    while token.head.i != token.i and len(chain) < 12:
        argument = any(c.dep_ == "case" and c.lower_ in ARGUMENT_PREPOSITIONS for c in token.children)
        if token.pos_ == "NOUN" and token.dep_ == "obl:mod" and token.head.lemma_ not in content_verbs and not argument:
            # « des armes seront incluses dans le programme d'aide »: the program is no adjunct of « inclure »;
            # « travailler à des livraisons »: « à » introduces the verb's argument, which the parser calls an adjunct.
            break
        if (
            token.pos_ == "VERB"
            and token.dep_ in ("obj", "nmod", "appos", "dep")
            and not set(token.morph.get("VerbForm", [])) & {"Inf", "Part", "Ger"}
        ):
            # « … pour se réarmer : l'Iran l'approvisionne » hung as an object: a verb with its own subject heads
            # its own clause, out of the scope of the verbs the parser put above it.
            break
        if (
            token.dep_ == "acl"
            and token.morph.get("VerbForm", []) == ["Part"]
            and any(c.dep_ in ("obl:agent", "obl:arg", "obl:mod") for c in token.children)
        ):
            # « les chars livrés à l'Ukraine par l'Allemagne n'ont pas été utilisés »: a participle with
            # complements of its own states a fact of its own, outside the main verb's negation or tense.
            break
        if token.dep_ == "acl:relcl" and any("Rel" in c.morph.get("PronType", []) for c in token.children):
            # « La Lituanie, à qui la Norvège a cédé des systèmes, réclame des avions »: a relative clause states
            # its own fact; the main verb's mood is not its.
            break
        token = token.head
        chain.append(token)
    return chain


@lru_cache(maxsize=1024)
def _spaced_words(sentence: Span) -> str:
    """The sentence's words, lower-cased, apostrophes straightened, between spaces: read once per sentence."""
    return " " + " ".join(t.lower_.replace("’", "'") for t in sentence) + " "


def _feature(token: Token, name: str) -> set[str]:
    values = set(token.morph.get(name, []))
    for child in token.children:
        if child.dep_ in AUX_DEPS:
            values.update(child.morph.get(name, []))
    return values


def future_stem(lemma: str) -> str | None:
    """The stem of the future and the conditional of a regular verb: « livrer », « fournir », « vendr(e) »."""
    if lemma.endswith(("er", "ir")):
        return lemma
    if lemma.endswith("re"):
        return lemma[:-1]
    return None


def _plain(word: str) -> str:
    """`word` without the grave and acute accents the conjugation of « acheter », « céder » moves."""
    return word.translate(str.maketrans("éèê", "eee"))


def _present_forms(verb: str) -> set[str]:
    """The third persons of the present of a regular verb: « nier » → nie, nient; « démentir » → dément, démentent."""
    if verb.endswith("er"):
        return {verb[:-2] + "e", verb[:-2] + "ent"}
    if verb.endswith("ir"):
        return {verb[:-3] + "t", verb[:-2] + "ent", verb[:-2] + "t"}
    return set()


class ModalityClassifier:
    """Reads the cue file once and classifies triggers."""

    def __init__(self, aim_nouns: set[str]) -> None:
        """`aim_nouns`: the grammar's nouns of aim (`Grammar.aim_nouns`), whose content is planned."""
        cues = load_data("modality")
        self.precedence: list[str] = cues["precedence"]
        self.cues = cues
        self.aim_nouns = aim_nouns
        self._sets: dict[tuple[str, str], frozenset[str]] = {}

    def verbs(self) -> set[str]:
        """Every governing verb the cues name (their lemmas must survive the lemmatizer)."""
        return {v for m in self.precedence for v in self._set(m, "governors")}

    def _has_form(self, token: Token, tense: str) -> bool:
        """Whether a verb is written in `tense` (future or conditional: `verb_endings`), whatever its tags say."""
        if token.pos_ not in ("VERB", "AUX"):
            return False
        lemma = token.lemma_.lower()
        stem = self.cues["irregular_future_stems"].get(lemma) or future_stem(lemma)
        lower = _plain(token.lower_)
        # « achètera », « cédera »: the stem's accent changes with the ending; compared without accents.
        return stem is not None and any(lower == _plain(stem) + ending for ending in self.cues["verb_endings"][tense])

    def _set(self, modality: str, key: str) -> frozenset[str]:
        """The cue list `key` of `modality` as a set, made once: classify asks for a dozen per trigger."""
        found = self._sets.get((modality, key))
        if found is None:
            found = self._sets[modality, key] = frozenset(self.cues.get(modality, {}).get(key, []))
        return found

    def _negated(self, token: Token) -> bool:
        adverbs = self._set("negated", "adverbs")
        with_ne = self._set("negated", "adverbs_with_ne")
        negs = [
            c
            for c in token.children
            if c.dep_ == "advmod" and ("Neg" in c.morph.get("Polarity", []) or c.lower_ in adverbs)
        ]
        if not negs:
            return False
        if all(c.lower_ in with_ne for c in negs):
            # « a livré plus de chars » is more, not fewer: « plus » negates only with a « ne ».
            return False
        # « ne … que » restricts rather than negates.
        only_ne = all(c.lower_ in NE_FORMS for c in negs)
        restrictive = any(
            c.lower_ in ("que", "qu'", "qu’") and c.dep_ in ("advmod", "mark", "fixed") for c in token.subtree
        )
        return not (only_ne and restrictive)

    def _future(self, token: Token) -> bool:
        """Whether a verb is in the future: by its form where it has a known future stem (the tagger calls
        « fournit » a future), else by its tag or its auxiliary's."""
        if self._has_form(token, "future"):
            return True
        if "Fut" not in _feature(token, "Tense"):
            return False
        lemma = token.lemma_.lower()
        known = lemma in self.cues["irregular_future_stems"] or (future_stem(lemma) is not None and lemma[-2:] == "er")
        tagged_verb = "Fut" in token.morph.get("Tense", [])
        return not (known and tagged_verb)

    def _refusal_object(self, verb: Token, below: Token) -> bool:
        """Whether `verb` has a noun of refusal as its object, other than `below` (the word the chain came up
        from): « mettre son veto à l'envoi », « opposer un refus à la livraison »."""
        nouns = self._set("negated", "nouns")
        if verb.lemma_.lower() in self._set("negated", "lifting_words"):
            return False  # « lever son veto à l'envoi »: the refusal is lifted
        return any(c.dep_ == "obj" and c.i != below.i and c.lemma_.lower() in nouns for c in verb.children)

    def _lifted(self, refusal: Token) -> bool:
        """Whether a noun of refusal is lifted by the word it depends on: « a levé son veto », « la levée de
        l'embargo »."""
        lifting = self._set("negated", "lifting_words")
        return refusal.head.i != refusal.i and refusal.head.lemma_.lower() in lifting

    @staticmethod
    def _has_locution(sentence: Span, locutions: frozenset[str]) -> bool:
        text = _spaced_words(sentence)
        return any(f" {locution} " in text for locution in locutions)

    def _after_locution(self, infinitive: Token, modality: str) -> bool:
        """Whether one of `modality`'s preceding locutions stands right before the infinitive: « au lieu de livrer »."""
        doc = infinitive.doc
        for locution in self._set(modality, "preceding_locutions"):
            words = locution.replace("’", "'").split()
            start = infinitive.i - len(words)
            if start >= 0 and [t.lower_.replace("’", "'") for t in doc[start : infinitive.i]] == words:
                return True
        return False

    def _denied_after(self, trigger: Token, sentence: Span) -> bool:
        """« La Russie aurait reçu des missiles, ce que dément Téhéran »: a relative « ce que » after the trigger
        whose verb denies what comes before it."""
        denying = self._set("negated", "denying_relatives")
        # Read from the words: the tagger often misses the verb after « ce que » (« dément » as an adjective).
        forms = {form for verb in denying for form in _present_forms(verb)}
        doc = sentence.doc
        for token in sentence:
            if token.i <= trigger.i + 1 or token.lower_ not in ("que", "qu'", "qu’") or doc[token.i - 1].lower_ != "ce":
                continue
            following = doc[token.i + 1 : min(token.i + 4, sentence.end)]
            if any(t.lemma_.lower() in denying or t.lower_ in forms for t in following):
                return True
        return False

    def _excluding_phrase(self, governor: Token) -> bool:
        """Whether a governor is, or has as its complement, a phrase that excludes the act (« est hors de
        question »): the noun read with its prepositions, however the parser hung it."""
        phrases = self._set("negated", "predicate_phrases")
        candidates = [governor, *(c for c in governor.children if c.dep_ in ("obl", "obl:arg", "obl:mod", "xcomp"))]
        for noun in candidates:
            if noun.pos_ != "NOUN":
                continue
            cases = [c.lower_ for c in noun.children if c.dep_ == "case" and c.i < noun.i]
            if " ".join([*cases, noun.lower_]) in phrases:
                return True
        return False

    def _denied_by_homograph(self, trigger: Token) -> bool:
        """« Téhéran dément avoir livré des missiles »: a denying verb the tagger read as the adjective or adverb
        it is spelt like (« dément »), hung on the trigger it governs."""
        forms = {form for verb in self._set("negated", "denying_relatives") for form in _present_forms(verb)}
        return any(
            c.i < trigger.i and c.pos_ in ("ADV", "ADJ") and c.lower_ in forms
            for c in trigger.children
            if c.dep_ in ("advmod", "amod", "dep")
        )

    def classify(self, trigger: Token, items: Iterable[Token], sentence: Span) -> str:
        """The modality of the event fired at `trigger` about `items` in `sentence`."""
        found: set[str] = set()
        chain = _governors(trigger)
        # « a livré » is done, « doit être livré » (a passive) is still to come.
        perfect = any(c.dep_ == "aux:tense" for c in trigger.children) or (
            trigger.morph.get("Tense", []) == ["Past"]
            and any(c.dep_ in ("aux", "cop") for c in trigger.children)
            and not any(c.dep_ == "aux:pass" for c in trigger.children)
        )
        reporting = self._set("reported", "governors")
        # « ont promis puis livré des F-16 »: the verb a conjunct hangs on is its coordinate, not its governor; its
        # auxiliaries and negation are shared, its meaning is not.
        coordinates = {
            above.i for below, above in pairwise(chain) if below.dep_ == "conj" and above.pos_ in ("VERB", "AUX")
        }
        done_below = False  # a verb already passed in the chain states a done act (« annonce avoir conclu l'achat »)
        for position, token in enumerate(chain):
            lemma = token.lemma_.lower()
            governing = position > 0 and token.i not in coordinates
            negated_here = self._negated(token)
            if governing and lemma in self._set("negated", "governors"):
                found.add(self.cues["negated"].get("double_negation", "hypothetical") if negated_here else "negated")
                continue
            if governing and self._excluding_phrase(token):
                found.add(self.cues["negated"].get("double_negation", "hypothetical") if negated_here else "negated")
                continue
            if negated_here and not (governing and lemma in self._set("reported", "governors")):
                found.add("negated")
            if "Cnd" in _feature(token, "Mood") or self._has_form(token, "conditional"):
                # The hearsay conditional is on the act itself (« aurait livré », « livrerait »); a simple
                # conditional on a verb above it states a hypothesis (« une livraison … constituerait une escalade »).
                simple = not any(c.dep_ == "aux:tense" for c in token.children)
                if governing and simple and lemma in self._set("planned", "conditional_governors"):
                    found.add("planned")  # « devraient être livrés »: expected, to come
                elif lemma in self._set("hypothetical", "governors") or (
                    governing and simple and lemma not in reporting
                ):
                    found.add("hypothetical")
                elif not governing and simple and any(t.lemma_.lower() in reporting for t in chain[1:]):
                    # « a confirmé que son pays livrerait des avions »: the future of a past statement.
                    found.add("planned")
                else:
                    found.add("reported")
            if self._future(token):
                found.add("planned")
            # Adjectives govern too: « la Pologne est prête à livrer ».
            if governing and token.pos_ in ("VERB", "AUX", "ADJ"):
                if lemma in self._set("hypothetical", "governors"):
                    found.add("hypothetical")
                if lemma in self._set("planned", "governors") and not perfect and not done_below:
                    found.add("planned")
                if lemma in self._set("reported", "governors"):
                    found.add("reported")
            if governing and token.pos_ == "NOUN":
                for modality in ("negated", "hypothetical", "planned", "reported"):
                    if lemma in self._set(modality, "nouns"):
                        lifted = modality == "negated" and self._lifted(token)
                        found.add("planned" if lifted else modality)
            if governing and token.pos_ in ("VERB", "AUX") and self._refusal_object(token, chain[position - 1]):
                # « Berlin a mis son veto à l'envoi de chars »
                found.add("negated")
            if (
                governing
                and token.pos_ in ("VERB", "AUX")
                and lemma in self._set("negated", "lifting_words")
                and any(c.dep_ == "obj" and c.lemma_.lower() in self._set("negated", "nouns") for c in token.children)
            ):
                found.add("planned")  # « Berlin a levé son veto à l'envoi de chars »: allowed, to come
            if governing:
                # « des négociations sont en cours pour la vente … », « ont conclu un accord pour prêter … »: a
                # noun of modality as the governing verb's (or predicate's) subject or object.
                for child in token.children:
                    if child.dep_ in ("nsubj", "nsubj:pass", "obj") and child.i != chain[position - 1].i:
                        for modality in ("hypothetical", "planned"):
                            if child.lemma_.lower() in self._set(modality, "nouns"):
                                found.add(modality)
            if token.morph.get("VerbForm", []) == ["Inf"] and self._after_locution(token, "negated"):
                found.add("negated")
            if position == 0 and lemma in self._set("planned", "triggers"):
                found.add("planned")
            if any(c.dep_ in INCISE_DEPS and c.lemma_.lower() in reporting and c.i > trigger.i for c in token.children):
                # An incise after the fact: « …, a déclaré le ministre », « …, indique la RTBF ».
                found.add("reported")
            if any(c.dep_ == "mark" and c.lower_ in self._set("hypothetical", "markers") for c in token.children):
                found.add("hypothetical")
            if any(c.lower_ in self._set("hypothetical", "adverbs") for c in token.children if c.dep_ == "advmod"):
                found.add("hypothetical")
            if governing and token.pos_ == "VERB" and any(c.dep_ == "aux:tense" for c in token.children):
                done_below = True
        if any(aim_noun(token, self.aim_nouns) is not None for token in chain):
            # « l'objectif est de livrer des obus »
            found.add("planned")
        planned_adjectives = self._set("planned", "adjectives")
        if any(c.lower_ in planned_adjectives for c in trigger.children if c.dep_ in ("amod", "acl")):
            found.add("planned")
        determiners = self._set("negated", "determiners")
        if any(c.lower_ in determiners for item in (*items, trigger) for c in item.children if c.dep_ == "det"):
            found.add("negated")  # « aucune livraison de chasseurs n'a été observée »
        if self._has_locution(sentence, self._set("hypothetical", "sentence_locutions")):
            found.add("hypothetical")
        if sentence.text.rstrip(" »\"'").endswith("?"):
            # « Séoul fournirait-il des munitions ? »: a question states nothing.
            found.add("hypothetical")
        hypothetical_adjectives = self._set("hypothetical", "adjectives")
        if any(c.lower_ in hypothetical_adjectives for t in chain[:3] for c in t.children if c.dep_ == "amod"):
            found.add("hypothetical")
        if trigger.dep_ in ("obl", "obl:mod", "obl:arg") and any(
            c.dep_ in ("nsubj", "nsubj:pass") and c.lemma_.lower() in self._set("hypothetical", "nouns")
            for c in trigger.head.children
        ):
            found.add("hypothetical")  # « des négociations sont en cours pour la vente de sous-marins »
        if self._denied_after(trigger, sentence) or self._denied_by_homograph(trigger):
            found.add("negated")
        prepositions = frozenset(p.replace("’", "'") for p in self._set("reported", "prepositions"))
        if source_prepositions(sentence, prepositions):
            found.add("reported")
        for modality in self.precedence:
            if modality in found:
                return modality
        return "asserted"
