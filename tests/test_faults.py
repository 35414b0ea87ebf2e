"""Faults and bad input beyond test_hostile.py (issue 25): damaged gzip, impossible dates, damaged manifest or
cache, hostile file names, signals to `kg build --watch`, analyst files in OUT."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

from kg.model import Article
from kg.sources import read_sources


def _read(paths: list[Path]) -> tuple[list[Article], list[str]]:
    problems: list[str] = []
    articles = list(read_sources(paths, on_error=lambda e: problems.append(e.message)))
    return articles, problems


def test_faults_bit_flipped_jsonl_gz_builds_nothing_from_the_damaged_member(tmp_path: Path):
    lines = [f'{{"id": "d{i}", "text": "La France a livré {i} obus à l\'Ukraine en mars."}}' for i in range(300)]
    expected = [f"La France a livré {i} obus à l'Ukraine en mars." for i in range(300)]
    packed = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=6, mtime=0)
    good = tmp_path / "bon.txt"
    good.write_text("La Pologne a livré des chars.", encoding="utf-8")
    rng = random.Random(25)
    damaged = 0
    for trial in range(40):
        bit = rng.randrange(10 * 8, (len(packed) - 8) * 8)  # past the header, before the CRC and size trailer
        flipped = bytearray(packed)
        flipped[bit // 8] ^= 1 << (bit % 8)
        path = tmp_path / f"flip{trial}.jsonl.gz"
        path.write_bytes(bytes(flipped))
        articles, problems = _read([path, good])
        ids = [a.id for a in articles]
        assert ids[-1] == "bon.txt"
        if problems:
            damaged += 1
            assert ids == ["bon.txt"], f"bit {bit}: {len(ids) - 1} articles kept from a damaged member"
            assert len(problems) == 1 and "\n" not in problems[0]
            assert problems[0].startswith(f"{path}: corrupt gzip") and "nothing read" in problems[0]
        else:  # a flip in padding bits changes no byte of the text
            assert [a.text for a in articles[:-1]] == expected
        path.unlink()
    assert damaged >= 35


def test_faults_truncated_jsonl_gz_is_one_line_and_nothing_from_it(tmp_path: Path):
    good = "".join(f'{{"id": "d{i}", "text": "Phrase numéro {i} sur les obus livrés."}}\n' for i in range(2000))
    truncated = tmp_path / "coupe.jsonl.gz"
    truncated.write_bytes(gzip.compress(good.encode("utf-8"), compresslevel=1)[:-200])
    articles, problems = _read([truncated])
    assert articles == []
    assert problems == [f"{truncated}: corrupt gzip (truncated): nothing read from it"]
