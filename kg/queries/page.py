"""What the query page of `kg serve` shows of the named queries (kg/queries/*.rq)."""

from __future__ import annotations

import json
import logging

from kg.errors import KgError
from kg.queries import load_named_queries

log = logging.getLogger(__name__)


def page_examples() -> bytes:
    """The named queries as page examples, JSON: name, description, runnable text."""
    try:
        examples = [{"name": q.name, "description": q.description, "query": q.bind()} for q in load_named_queries()]
    except KgError as exc:
        log.warning("no examples on the query page: %s", exc.message)
        return b"[]"
    return json.dumps(examples, ensure_ascii=False).encode("utf-8")
