"""A generator of N-article French corpora for the scale benchmarks, shaped like the news kg reads.

    python benchmarks/corpus.py N OUT.jsonl [--seed 7] [--sentences 8 20] [--from sources/]

Each article is a random draw of 8 to 20 sentences (by default) from the
articles of `sources/` (the project's seed corpus, real French news about arms
supplies), with a date between 2022-02 and 2025-06, an id and a url. The
sentences keep their real grammar, vocabulary and density of transfers, so
parsing and extraction cost what they cost on real news; recombining them gives
articles that differ from each other, as a corpus of thousands of distinct
articles needs (no two ids share a text unless the draw says so). Output is one
JSONL file, the format `kg build` streams.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A sentence ends at . ! ? or … followed by a space and a capital, a quote or a dash.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý«\"—–-])")
DATE_HEADER = re.compile(r"^ ?date \d{4}-\d{2} ?\n?")


def source_sentences(folder: Path) -> list[str]:
    """The sentences of every `.txt` article in `folder`, in file order (date headers left out)."""
    sentences: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        text = DATE_HEADER.sub("", path.read_text(encoding="utf-8"))
        for paragraph in text.splitlines():
            sentences.extend(s.strip() for s in SENTENCE_END.split(paragraph) if len(s.split()) >= 4)
    if not sentences:
        raise SystemExit(f"{folder}: no sentence to draw from")
    return sentences


def articles(
    count: int, sentences: list[str], seed: int = 7, length: tuple[int, int] = (8, 20)
) -> Iterator[dict[str, str]]:
    """`count` articles as JSONL records (id, date, url, title, text), reproducible for a given seed."""
    rng = random.Random(seed)
    for n in range(count):
        drawn = [rng.choice(sentences) for _ in range(rng.randint(*length))]
        # Two or three sentences a paragraph, as news sites print them.
        paragraphs, i = [], 0
        while i < len(drawn):
            step = rng.randint(2, 3)
            paragraphs.append(" ".join(drawn[i : i + step]))
            i += step
        year = rng.randint(2022, 2025)
        month = rng.randint(2 if year == 2022 else 1, 6 if year == 2025 else 12)
        yield {
            "id": f"bench-{n:06d}",
            "date": f"{year}-{month:02d}",
            "url": f"https://example.org/news/{n:06d}",
            "title": drawn[0][:80],
            "text": "\n\n".join(paragraphs),
        }


def write_corpus(
    path: Path, count: int, seed: int = 7, length: tuple[int, int] = (8, 20), source: Path | None = None
) -> int:
    """Write `count` articles to the JSONL file `path`; returns the number of words written."""
    sentences = source_sentences(source or ROOT / "sources")
    words = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in articles(count, sentences, seed, length):
            words += len(record["text"].split())
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("output", type=Path, help="the JSONL file to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentences", type=int, nargs=2, default=(8, 20), metavar=("MIN", "MAX"))
    parser.add_argument("--from", dest="source", type=Path, default=ROOT / "sources", help="folder of .txt articles")
    args = parser.parse_args()
    words = write_corpus(args.output, args.count, args.seed, tuple(args.sentences), args.source)
    print(f"{args.count} articles, {words} words → {args.output}")


if __name__ == "__main__":
    main()
