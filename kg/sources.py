"""Read articles from `.txt`, `.jsonl`, saved `.html` pages, their gzip-compressed forms, and folders of them.

A `.txt` article may start with a ` date YYYY-MM ` header (as the seed corpus
does); the header is blanked with spaces rather than cut, so that character
offsets of sentences stay offsets into the file as the analyst sees it.

Every text is then made safe to parse and to write as RDF/XML without moving
any character: control characters become spaces (form feeds and Unicode line
separators become line breaks), lone surrogates become U+FFFD, and a line
longer than `LINE_LIMIT` characters is broken (one whitespace character turned
into a line break, preferably after a sentence end), because the parser and the
rule matcher slow down faster than linearly on one very long paragraph.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from kg.errors import SourceError, printable
from kg.model import Article, date_problem

SUFFIXES = (".txt", ".jsonl", ".html", ".htm", ".txt.gz", ".jsonl.gz")
DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*")
DATE_VALUE = re.compile(r"\A\d{4}(?:-\d{2}(?:-\d{2})?)?\Z")
# One article (a file, a JSONL line, a decompressed file): larger is refused, never half-read.
MAX_BYTES = 20_000_000
# Longer lines are broken at a sentence end (else a space) before parsing.
LINE_LIMIT = 5_000
# A run of characters without any whitespace this long is not prose (a base64 blob, a minified script).
MAX_WORD = 100_000

LINE = re.compile(r"[^\n\r]+")
ID_BREAKS = re.compile(r"[\t\n\r]")
SENTENCE_END = re.compile(r"[.!?…][»\"”’')\]]*\s")
WHITESPACE = re.compile(r"\s")
# C0 controls other than tab and line breaks, DEL, C1 controls, XML's non-characters, lone surrogates.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
LINE_BREAKS = frozenset("\x0b\x0c\x85\u2028\u2029")
# UTF-32 first: its little-endian mark starts with UTF-16's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)

ErrorHandler = Callable[[SourceError], None]
log = logging.getLogger("kg")


def _raise(error: SourceError) -> None:
    raise error


def source_kind(path: Path) -> str | None:
    """The reader a file name calls for (`txt`, `jsonl`, `html`, `txt.gz`, `jsonl.gz`), or None."""
    name = path.name.lower()
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return "html" if suffix == ".htm" else suffix.lstrip(".")
    return None


def _page_assets(path: Path, root: Path) -> bool:
    """Whether `path` lies (under `root`) in the `<page>_files/` folder a browser saves beside `<page>.html`."""
    for folder in path.relative_to(root).parents:
        folder = root / folder
        if folder.name.endswith("_files"):
            stem = folder.name.removesuffix("_files")
            if any((folder.parent / f"{stem}{ext}").is_file() for ext in (".html", ".htm")):
                return True
    return False


def list_files(paths: Iterable[str | Path], on_error: ErrorHandler = _raise) -> list[Path]:
    """Expand files and folders into the sorted list of readable source files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and source_kind(p))
            files.extend(sorted(p for p in found if not _page_assets(p, path)))
        elif path.is_file():
            if source_kind(path):
                files.append(path)
            else:
                expected = ", ".join(SUFFIXES)
                on_error(SourceError(f"{path}: unsupported file type (expected {expected})"))
        else:
            on_error(SourceError(f"{path}: no such file or folder"))
    return files


# -- text ---------------------------------------------------------------------


def _safe_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in LINE_BREAKS:
        return "\n"
    return "\ufffd" if "\ud800" <= char <= "\udfff" else " "


def clean_text(text: str) -> str:
    """`text` with every unsafe character replaced by one safe character, so offsets do not move."""
    return UNSAFE.sub(_safe_char, text) if UNSAFE.search(text) else text


def document_id(text: str) -> str:
    """An id safe for every output (JSONL, RDF, CSV, a terminal): `clean_text`, and line breaks and tabs as spaces.

    Ids from file names go through it too, so a name that is not UTF-8 or holds a newline or ESC gives an
    id of one printable line (its undecodable bytes as U+FFFD).
    """
    return ID_BREAKS.sub(" ", clean_text(text))


def break_long_lines(text: str, where: str, limit: int = LINE_LIMIT, strict: bool = True) -> str:
    """`text` with lines over `limit` characters broken, each break a whitespace character turned into `\\n`.

    The result has the same length as `text`, so offsets into it are offsets into `text`.

    Raises:
        SourceError: a run of more than `MAX_WORD` characters holds no whitespace at all (unless not `strict`,
            when such a run is left whole).
    """
    breaks: list[int] = []
    for line in LINE.finditer(text):
        start, end = line.span()
        while end - start > limit:
            window = text[start : start + limit]
            cut = None
            for cut_match in SENTENCE_END.finditer(window):
                cut = cut_match.end() - 1
            if cut is None:
                spaces = [m.start() for m in WHITESPACE.finditer(window)]
                cut = spaces[-1] if spaces else None
            if cut is None or cut == 0:
                after = WHITESPACE.search(text, start + limit, end)
                gap = (after.start() if after else end) - start
                if gap > MAX_WORD and strict:
                    raise SourceError(f"{where}: {gap} characters without a space at offset {start}: not prose")
                if after is None:
                    break
                cut = after.start() - start
            breaks.append(start + cut)
            start += cut + 1
    if not breaks:
        return text
    pieces, previous = [], 0
    for index in breaks:
        pieces.append(text[previous:index])
        previous = index + 1
    pieces.append(text[previous:])
    return "\n".join(pieces)


def _finish(article: Article, where: str) -> Article:
    """The article with its text (and title) made safe, offsets kept."""
    if len(article.text) > MAX_BYTES:
        raise SourceError(f"{where}: too large ({len(article.text)} characters, limit {MAX_BYTES}): split it")
    text = break_long_lines(clean_text(article.text), where)
    title = clean_text(article.title) if article.title else article.title
    url = clean_text(article.url) if article.url else article.url
    return replace(article, text=text, title=title, url=url)


def _decode(path: Path, data: bytes) -> str:
    """Decode UTF-8 text (or UTF-16/32 with a byte-order mark), refusing binary and other encodings."""
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"{path}: not {encoding.upper()} despite its byte-order mark ({exc.reason})"
                ) from None
            if not text.strip("\ufeff \t\r\n"):
                raise SourceError(f"{path}: empty file")
            return text.removeprefix("\ufeff")
    if b"\x00" in data:
        raise SourceError(f"{path}: binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise SourceError(
            f"{path}: not UTF-8 (byte 0x{byte:02X} at offset {exc.start}; "
            "convert it first, e.g. iconv -f latin1 -t utf-8)"
        ) from None


def _read_limited(handle: gzip.GzipFile | io.BufferedReader, path: Path) -> bytes:
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path}: too large (over {MAX_BYTES} bytes): split it into several articles")
    return data


def _read_bytes(path: Path) -> bytes:
    """The whole file (decompressed when gzip), refused past `MAX_BYTES` before it is all in memory."""
    if path.name.lower().endswith(".gz"):
        with _gzip_errors(path), gzip.open(path, "rb") as handle:
            return _read_limited(handle, path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"{path}: too large ({size} bytes, limit {MAX_BYTES}): split it into several articles")
    with path.open("rb") as handle:
        return _read_limited(handle, path)


@contextmanager
def _gzip_errors(path: Path, reached: list[int] | None = None) -> Iterator[None]:
    """Turn a corrupt or truncated gzip stream into one SourceError naming the file (and the line reached)."""
    try:
        yield
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        line = reached[0] if reached else 0
        where = f"{path}:{line}" if line else str(path)
        if isinstance(exc, gzip.BadGzipFile) and str(exc).startswith("Not a gzipped file") and not line:
            reason = "not a gzip file"
        elif isinstance(exc, EOFError):
            reason = "corrupt gzip (truncated)"
        else:
            reason = f"corrupt gzip ({exc})"
        if not line and reason != "not a gzip file":
            reason += ": nothing read from it"
        raise SourceError(f"{where}: {reason}") from None


def _verify_gzip(path: Path) -> None:
    """Decompress the whole file once, keeping nothing, so that every member's CRC is checked before any line is used.

    gzip checks a member's CRC only at its end: lines read as they are decompressed could otherwise reach the
    graph from a damaged member before the damage is seen.
    """
    with _gzip_errors(path), gzip.open(path, "rb") as handle:
        while handle.read(1 << 20):
            pass


def read_text_article(path: Path) -> Article:
    """One `.txt` (or `.txt.gz`) file as one article, its id the file name (without `.gz`)."""
    text = _decode(path, _read_bytes(path))
    date = None
    header = DATE_HEADER.match(text)
    if header:
        date = header.group(1)
        problem = date_problem(date)
        if problem:
            raise SourceError(f"{path}: header date {date} is no calendar date ({problem}): fix it or remove it")
        text = " " * header.end() + text[header.end() :]
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return _finish(Article(id=document_id(name), text=text, date=date, path=str(path)), str(path))


def read_html_file(path: Path) -> Article:
    """One saved HTML page as one article (see `kg.sources_html`)."""
    from kg.sources_html import read_html_article

    data = _read_bytes(path)
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    article = read_html_article(path, data)
    return _finish(replace(article, id=document_id(article.id)), str(path))


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
    problem = date_problem(date[:10]) if date else None
    if date and problem:
        raise SourceError(f"{where}: 'date' {date[:10]} is no calendar date ({problem}): fix it or remove it")
    article = Article(
        id=document_id(str(doc_id)),
        text=text,
        date=date[:10] if date else None,
        url=fields["url"],
        title=fields["title"],
        path=str(path),
    )
    return _finish(article, where)


def _lines(path: Path, handle: gzip.GzipFile | io.BufferedReader, on_error: ErrorHandler) -> Iterator[tuple[int, str]]:
    """Numbered lines of a JSONL stream, split on `\\n` only (JSON strings may hold U+2028), decoded one by one."""
    head = handle.peek(8192)[:8192]
    encoding = next((name for bom, name in BOMS if head.startswith(bom)), None)
    if encoding is None and b"\x00" in head:
        raise SourceError(f"{path}: binary file (contains NUL bytes)")
    if encoding in ("utf-16", "utf-32"):
        text = _decode(path, _read_limited(handle, path))
        yield from enumerate(text.split("\n"), 1)
        return
    number = 0
    while True:
        raw = handle.readline(MAX_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without holding it
                rest = handle.readline(MAX_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            on_error(SourceError(f"{path}:{number}: line too large (over {MAX_BYTES} bytes), skipped"))
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            on_error(SourceError(f"{path}:{number}: not UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1})"))


def read_jsonl_articles(path: Path, on_error: ErrorHandler = _raise) -> Iterator[Article]:
    """Articles of a JSONL (or `.jsonl.gz`) file, streamed; a bad line is reported and skipped, the others read."""
    compressed = path.name.lower().endswith(".gz")
    if compressed:
        _verify_gzip(path)
    reached = [0]
    found = False
    with _gzip_errors(path, reached), gzip.open(path, "rb") if compressed else path.open("rb") as handle:
        for number, line in _lines(path, handle, on_error):
            reached[0] = number
            if not line.strip():
                continue
            found = True
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                on_error(SourceError(f"{path}:{number}: malformed JSON ({exc.msg})"))
                continue
            except RecursionError:
                on_error(SourceError(f"{path}:{number}: malformed JSON (nested too deeply)"))
                continue
            try:
                yield _article_from_record(path, number, record)
            except SourceError as exc:
                on_error(exc)
    if not found:
        raise SourceError(f"{path}: empty file")


def read_file(path: Path, on_error: ErrorHandler = _raise) -> Iterator[Article]:
    """The articles of one source file, by its kind."""
    kind = source_kind(path)
    if kind in ("jsonl", "jsonl.gz"):
        yield from read_jsonl_articles(path, on_error)
    elif kind == "html":
        yield read_html_file(path)
    else:
        yield read_text_article(path)


def read_sources(paths: Iterable[str | Path], on_error: ErrorHandler = _raise) -> Iterator[Article]:
    """Every article under `paths`, in a stable order; unreadable ones go to `on_error`.

    A damaged gzip file (a flipped bit, a truncation) gives nothing: its checksum is verified before any line is read.
    """
    seen: set[str] = set()
    for path in list_files(paths, on_error):
        if printable(path.name) != path.name:
            log.warning(
                "%s: file name not UTF-8 or with control characters (shown escaped; in ids, as U+FFFD or spaces)",
                printable(str(path)),
            )
        try:
            for article in read_file(path, on_error):
                if article.id in seen:
                    on_error(SourceError(f"{path}: duplicate document id {article.id!r}, skipped"))
                    continue
                seen.add(article.id)
                yield article
        except SourceError as exc:
            on_error(exc)
        except OSError as exc:
            on_error(SourceError(f"{path}: cannot read ({exc.strerror or exc})"))
