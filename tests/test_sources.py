"""Reading articles: formats, offsets, and every kind of unreadable input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources import read_sources


def _read(paths: list[Path]) -> tuple[list, list[str]]:
    problems: list[str] = []
    articles = list(read_sources(paths, on_error=lambda e: problems.append(e.message)))
    return articles, problems


def test_sources_txt_date_header_is_blanked_keeping_offsets(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text(" date 2023-02 La France a livré des chars.", encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == []
    assert article.id == "a.txt" and article.date == "2023-02"
    assert article.text.strip() == "La France a livré des chars."
    assert article.text.index("La France") == path.read_text(encoding="utf-8").index("La France")


def test_sources_jsonl_reads_good_lines_and_reports_bad_ones(tmp_path: Path):
    path = tmp_path / "b.jsonl"
    path.write_text(
        '{"id": "x1", "text": "Un texte.", "date": "2024-05", "url": "http://example.org/x"}\n'
        "{not json\n"
        '{"id": "x2"}\n'
        '{"id": "x3", "text": "Un autre."}\n',
        encoding="utf-8",
    )
    articles, problems = _read([path])
    assert [a.id for a in articles] == ["x1", "x3"]
    assert articles[0].url == "http://example.org/x"
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:2: malformed JSON")
    assert problems[1].startswith(f"{path}:3: missing or empty 'text'")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("latin1.txt", "La défense antiaérienne".encode("latin-1"), "not UTF-8"),
        ("other.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_sources_unreadable_file_is_one_line_naming_it(tmp_path: Path, name: str, content: bytes, problem: str):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Un texte lisible.", encoding="utf-8")
    articles, problems = _read([bad, good])
    assert [a.id for a in articles] == ["good.txt"]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith(str(bad)) and problem in problems[0]


def test_sources_folder_is_read_recursively_in_sorted_order(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.txt", "sub/c.txt"):
        (tmp_path / name).write_text("Texte.", encoding="utf-8")
    articles, problems = _read([tmp_path])
    assert [a.id for a in articles] == ["a.txt", "b.txt", "c.txt"] and problems == []


def test_sources_missing_path_raises_by_default(tmp_path: Path):
    with pytest.raises(SourceError, match="no such file"):
        list(read_sources([tmp_path / "nope.txt"]))
