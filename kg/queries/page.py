"""What the query page of `kg serve` gets of the named queries (kg/queries/*.rq): `GET /examples.json`.

Each named query comes with its parameters and its text cut at them, so the page offers a form
and binds the values itself, the way `NamedQuery.bind` does, without a server round trip:

    {"name": "suppliers", "description": "…", "query": "<bound with the defaults>",
     "params": [{"name": "actor", "kind": "actor", "default": "Russia", "help": "…",
                 "options": "<SPARQL listing every actor's names>"}],
     "parts": ["PREFIX …", "actor", "…"]}

`parts` alternates text and parameter names (even indexes are text, odd ones name the parameter
whose SPARQL term goes there). `kind` is `integer` (written bare), `text` (a string literal) or
`actor` (a lookup key: a string literal in lower case, which the page fills from an actor picker
fed by `options`, a query on the vocabulary in the store's default graph).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from kg.errors import KgError
from kg.queries import NamedQuery, load_named_queries

log = logging.getLogger(__name__)

# Every name an actor is found by (kg:lookupKey is made from these, lower-cased; see lookup-keys.ru),
# with its kind, language and Wikidata id: the page's actor picker matches what is typed against them.
ACTORS_QUERY = """\
PREFIX kg: <https://w3id.org/kg-arms/ontology#>
PREFIX actor: <https://w3id.org/kg-arms/actor/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wd: <http://www.wikidata.org/entity/>

SELECT ?actor ?name ?lang ?kind ?qid
WHERE {
  ?actor skos:inScheme actor:scheme .
  { ?actor skos:prefLabel ?label . BIND("label" AS ?kind) }
  UNION { ?actor skos:altLabel ?label . BIND("alias" AS ?kind) }
  UNION { ?actor kg:metonym ?label . BIND("metonym" AS ?kind) }
  OPTIONAL { ?actor owl:sameAs ?wikidata . FILTER(STRSTARTS(STR(?wikidata), STR(wd:))) }
  BIND(STR(?label) AS ?name)
  BIND(LANG(?label) AS ?lang)
  BIND(STRAFTER(STR(?wikidata), STR(wd:)) AS ?qid)
}
ORDER BY ?actor ?kind ?name
"""

# Stand-in values bound once to find where each parameter's term lands in the text. Integers far from
# any a query holds; the digit guards below keep one from matching inside a longer number.
_INTEGER_MARK = 7_316_842_590_000
_TEXT_MARK = "kg-page-parameter-"


def page_examples() -> bytes:
    """The named queries as the page's examples, JSON (see the module's docstring)."""
    try:
        examples = [_example(query) for query in load_named_queries()]
    except KgError as exc:
        log.warning("no examples on the query page: %s", exc.message)
        return b"[]"
    return json.dumps(examples, ensure_ascii=False).encode("utf-8")


def _example(query: NamedQuery) -> dict[str, Any]:
    params = []
    for param in query.params:
        kind = "actor" if param.lookup else "integer" if param.integer else "text"
        entry: dict[str, Any] = {"name": param.name, "kind": kind, "default": param.default, "help": param.help}
        if kind == "actor":
            entry["options"] = ACTORS_QUERY
        params.append(entry)
    example: dict[str, Any] = {
        "name": query.name,
        "description": query.description,
        "query": query.bind(),
        "params": params,
    }
    parts = query_parts(query)
    if parts is not None:
        example["parts"] = parts
    else:  # the page then offers the text bound with the defaults, without a form
        log.warning("%s: the query page cannot locate its parameters; no form for it", query.name)
    return example


def query_parts(query: NamedQuery) -> list[str] | None:
    """The query's text cut where `bind` writes each parameter's term: text, name, text, name, …, text.

    Found with `bind` itself (every parameter bound to a stand-in value, whose term is then looked for), so
    the cut follows whatever `bind` treats as a parameter. None when the cut does not give back `bind()`.
    """
    marks = {
        param.name: str(_INTEGER_MARK + index) if param.integer else f"{_TEXT_MARK}{index}"
        for index, param in enumerate(query.params)
    }
    terms = {param.term(marks[param.name]): param.name for param in query.params}
    if not terms:
        return [query.bind()]
    pattern = re.compile(
        r"(?<![0-9])(" + "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)) + r")(?![0-9])"
    )
    pieces = pattern.split(query.bind(marks))
    parts = [piece if index % 2 == 0 else terms[piece] for index, piece in enumerate(pieces)]
    defaults = {param.name: param.term(param.default) for param in query.params}
    rebuilt = "".join(piece if index % 2 == 0 else defaults[piece] for index, piece in enumerate(parts))
    if rebuilt != query.bind() or set(parts[1::2]) != set(defaults):
        return None
    return parts
