"""Who says so: the named source of a reported fact.

« Selon le New York Times, … » → New York Times; « …, a déclaré John Kirby » →
John Kirby; « Le Pentagone a annoncé que … » → Pentagone. An analyst weighs a
fact by who stated it, so the source is kept on the event next to its modality.

The cues are those of `modality.yaml` (reporting verbs, « selon »-like
prepositions); the source is the subject of the reporting verb that governs the
trigger or follows it as an incise, or the object of the preposition. A proper
name inside that phrase is preferred (« le média belge RTBF » → RTBF); a pronoun
gives no source (« a-t-il ajouté » names nobody new).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from kg.nlp.arguments import SUBJECTS
from kg.nlp.pipeline import load_data

# Relations that lead from a noun to the proper name it introduces or carries.
NAME_DEPS = ("appos", "flat:name", "flat", "nmod", "compound")
# Dependents that are not part of a short source label.
DROPPED_DEPS = ("det", "punct", "acl", "acl:relcl", "appos", "conj", "cc", "advmod", "nummod")
# How an incise (« …, a déclaré X » after the fact) hangs on the clause it reports; advmod and dep are
# misparses (« …, affirment les services de renseignement »: a finite reporting verb is never an adverb).
INCISE_DEPS = ("parataxis", "ccomp", "conj", "advcl", "advmod", "dep")


class AttributionFinder:
    """Finds the source named for an event, from the same cues as the modality."""

    def __init__(self) -> None:
        cues = load_data("modality")["reported"]
        self.verbs = set(cues.get("governors", [])) - set(cues.get("without_source", []))
        self.prepositions = frozenset(p.replace("’", "'") for p in cues.get("prepositions", []))
        self._speakers: dict[Span, list[Token]] = {}

    def source(self, trigger: Token, sentence: Span) -> str | None:
        """The source of the event fired at `trigger`, or None if the sentence names none."""
        for token in source_prepositions(sentence, self.prepositions):
            if token.head.i != token.i:
                label = self._label(token.head)
                if label:
                    return label
        for verb, incise in self._reporting_verbs(trigger):
            # A reporting verb after the fact is an incise and inverts its subject (« …, a déclaré le
            # ministre »): a subject parsed before it is a misparse of the clause it follows (« …, ainsi que
            # des drones, a déclaré … »), never the speaker.
            after = incise or verb.i > trigger.i
            subjects = [c for c in verb.children if c.dep_ in SUBJECTS and not (after and c.i < verb.i)]
            for subject in subjects:
                label = self._label(subject)
                if label:
                    return label
            if not subjects and after:
                # « …, indique le média belge RTBF » puts the subject after the verb (parsed as
                # object); only a proper name there is taken for the speaker.
                for obj in (c for c in verb.children if c.dep_ == "obj" and c.i > verb.i):
                    name = self._proper_name(obj)
                    if name:
                        return name
        return None

    def speakers(self, sentence: Span) -> list[Token]:
        """The words naming whoever the sentence quotes or reports: the subject of its reporting verbs (« a
        déclaré le ministre », « Jens Stoltenberg a affirmé »), a subject after the verb of an incise included.
        Read once per sentence (the last sentences are kept)."""
        if sentence in self._speakers:
            return list(self._speakers[sentence])
        if len(self._speakers) > 256:
            self._speakers.clear()
        found: list[Token] = []
        for verb in sentence:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.verbs:
                continue
            subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
            if not subjects:
                subjects = [
                    c for c in verb.children if c.dep_ == "obj" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN")
                ]
            found.extend(subjects)
        self._speakers[sentence] = found
        return list(found)

    def _reporting_verbs(self, trigger: Token) -> list[tuple[Token, bool]]:
        """Reporting verbs above the trigger, and incises after it (with True)."""
        found: list[tuple[Token, bool]] = []
        token = trigger
        for _ in range(12):
            if token.i != trigger.i and token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in self.verbs:
                found.append((token, False))
            found.extend(
                (c, True)
                for c in token.children
                if c.dep_ in INCISE_DEPS and c.i > trigger.i and c.lemma_.lower() in self.verbs and c.pos_ == "VERB"
            )
            if token.head.i == token.i:
                break
            token = token.head
        return found

    def _label(self, head: Token) -> str | None:
        if head.pos_ == "PRON":
            return None
        name = self._proper_name(head)
        if name is not None:
            return name
        if head.pos_ not in ("NOUN", "PROPN"):
            return None
        words = _phrase(head)
        text = " ".join(t.text for t in words).strip()
        return text[:120] or None

    def _proper_name(self, head: Token) -> str | None:
        if _is_name(head):
            return _name(head)
        for child in head.children:
            if child.dep_ in NAME_DEPS and _is_name(child) and not any(c.dep_ == "case" for c in child.children):
                return _name(child)
            if child.dep_ == "acl":
                # « des rapports consultés par le New York Times »
                for grand in child.children:
                    if grand.dep_ in ("obl:agent", "obl:mod", "obl") and _is_name(grand):
                        if any(c.lower_ == "par" for c in grand.children):
                            return _name(grand)
        return None


@lru_cache(maxsize=1024)
def source_prepositions(sentence: Span, prepositions: frozenset[str]) -> tuple[Token, ...]:
    """The words of `sentence` that name a source (« selon », « d'après »), found once per sentence: every
    event of the sentence asks."""
    return tuple(t for t in sentence if is_source_preposition(t, prepositions))


def is_source_preposition(token: Token, prepositions: set[str] | frozenset[str]) -> bool:
    """« selon », or « d'après » which the tokenizer splits in two."""
    lower = token.lower_.replace("’", "'")
    if lower in prepositions:
        return True
    previous = token.doc[token.i - 1] if token.i > 0 else None
    return previous is not None and previous.lower_.replace("’", "'") + lower in prepositions


def _is_name(token: Token) -> bool:
    return token.pos_ in ("PROPN", "X") and (token.is_title or token.is_upper)


NOT_NAME_POS = ("DET", "ADP", "PRON", "VERB", "AUX", "PUNCT", "CCONJ", "SCONJ", "NUM")


def _name(token: Token) -> str:
    """The proper name around `token`: its compact subtree, or the capitalised words around it.

    The parser splits « New York Times » three ways and « Royaume-Uni » in
    conjuncts; « Corée du Nord » keeps its lower-case preposition.
    """
    doc = token.doc
    start = end = token.i
    while start > token.sent.start and doc[start - 1].pos_ not in NOT_NAME_POS and doc[start - 1].is_title:
        start -= 1
    while end + 1 < token.sent.end and (
        doc[end + 1].pos_ not in NOT_NAME_POS
        and (doc[end + 1].is_title or doc[end + 1].is_upper)
        or doc[end + 1].text == "-"
    ):
        end += 1
    parts = ("flat:name", "flat", "conj", "nmod", "case", "punct")
    # The name's own preposition (« Selon Reuters ») is not part of it; an inner one (« Corée du Nord ») is.
    compact = [
        t for t in token.subtree if t == token or (t.dep_ in parts and not (t.dep_ == "case" and t.head == token))
    ]
    compact_span = (min(t.i for t in compact), max(t.i for t in compact))
    if compact_span[1] - compact_span[0] + 1 == len(compact) and compact_span[1] - compact_span[0] > end - start:
        start, end = compact_span
    return doc[start : end + 1].text.strip(" -,;:")


def _phrase(head: Token) -> list[Token]:
    """The head noun with its close modifiers: adjectives before it, complements after it."""
    out = [head]
    for child in head.children:
        if child.dep_ in DROPPED_DEPS or child.dep_ == "case":
            continue
        if child.i < head.i and child.dep_ != "amod":
            continue
        subtree = [t for t in child.subtree if t.dep_ not in ("acl", "acl:relcl", "appos", "punct")]
        out.extend(subtree)
    words = sorted(out, key=lambda t: t.i)
    # Keep the contiguous stretch around the head only.
    start = end = words.index(head)
    while start > 0 and words[start - 1].i == words[start].i - 1:
        start -= 1
    while end + 1 < len(words) and words[end + 1].i == words[end].i + 1:
        end += 1
    return words[start : end + 1]
