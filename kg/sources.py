"""Read articles from `.txt` files, `.jsonl` files and folders of them.

A `.txt` article may start with a ` date YYYY-MM ` header (as the seed corpus
does); the header is blanked with spaces rather than cut, so that character
offsets of sentences stay offsets into the file as the analyst sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import SourceError
from kg.model import Article

SUFFIXES = (".txt", ".jsonl")
DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*")
DATE_VALUE = re.compile(r"\A\d{4}(?:-\d{2}(?:-\d{2})?)?\Z")
MAX_BYTES = 20_000_000

ErrorHandler = Callable[[SourceError], None]


def _raise(error: SourceError) -> None:
    raise error


def list_files(paths: Iterable[str | Path], on_error: ErrorHandler = _raise) -> list[Path]:
    """Expand files and folders into the sorted list of readable source files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES))
        elif path.is_file():
            if path.suffix in SUFFIXES:
                files.append(path)
            else:
                on_error(SourceError(f"{path}: unsupported file type (expected .txt or .jsonl)"))
        else:
            on_error(SourceError(f"{path}: no such file or folder"))
    return files


def _decode(path: Path, data: bytes) -> str:
    """Decode UTF-8 text, refusing binary files with a message that names the file."""
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    if b"\x00" in data:
        raise SourceError(f"{path}: binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 (invalid byte at offset {exc.start})") from None
    return text.removeprefix("\ufeff")


def read_text_article(path: Path) -> Article:
    """One `.txt` file as one article, its id the file name."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path}: too large ({len(data)} bytes, limit {MAX_BYTES})")
    text = _decode(path, data)
    date = None
    header = DATE_HEADER.match(text)
    if header:
        date = header.group(1)
        text = " " * header.end() + text[header.end() :]
    return Article(id=path.name, text=text, date=date, path=str(path))


def _article_from_record(path: Path, number: int, record: object) -> Article:
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        raise SourceError(f"{where}: expected a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, (str, int)) or str(doc_id).strip() == "":
        raise SourceError(f"{where}: missing 'id'")
    if not isinstance(text, str) or not text.strip():
        raise SourceError(f"{where}: missing or empty 'text'")
    fields = {}
    for key in ("date", "url", "title"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise SourceError(f"{where}: '{key}' must be a string")
        fields[key] = value or None
    date = fields["date"]
    if date is not None and not DATE_VALUE.match(date[:10]):
        raise SourceError(f"{where}: 'date' must look like YYYY, YYYY-MM or YYYY-MM-DD")
    return Article(
        id=str(doc_id),
        text=text,
        date=date[:10] if date else None,
        url=fields["url"],
        title=fields["title"],
        path=str(path),
    )


def read_jsonl_articles(path: Path, on_error: ErrorHandler = _raise) -> Iterator[Article]:
    """Articles of a JSONL file; a bad line is reported and skipped, the others read."""
    text = _decode(path, path.read_bytes())
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            on_error(SourceError(f"{path}:{number}: malformed JSON ({exc.msg})"))
            continue
        try:
            yield _article_from_record(path, number, record)
        except SourceError as exc:
            on_error(exc)


def read_sources(paths: Iterable[str | Path], on_error: ErrorHandler = _raise) -> Iterator[Article]:
    """Every article under `paths`, in a stable order; unreadable ones go to `on_error`."""
    seen: set[str] = set()
    for path in list_files(paths, on_error):
        try:
            articles = (
                list(read_jsonl_articles(path, on_error)) if path.suffix == ".jsonl" else [read_text_article(path)]
            )
        except SourceError as exc:
            on_error(exc)
            continue
        except OSError as exc:
            on_error(SourceError(f"{path}: cannot read ({exc.strerror or exc})"))
            continue
        for article in articles:
            if article.id in seen:
                on_error(SourceError(f"{path}: duplicate document id {article.id!r}, skipped"))
                continue
            seen.add(article.id)
            yield article
