"""The store's data -> Turtle, N-Triples, N-Quads or JSON-LD, streamed by Oxigraph's serialisers.

Only the extracted data is written (the named graphs: one per document,
kgd:facts, kgd:summaries), not the vocabularies of the default graph, as in
`OUT/graph.trig`. Turtle and N-Triples have no named graphs, so they flatten:
the union of every graph, each triple once (a document's IRI is also its
graph's name, and events keep `kg:evidence`, so provenance survives). N-Quads
and JSON-LD keep the graphs (JSON-LD as expanded `@graph` objects, without a
context).

Statements stream from the store to the file in the store's own index order,
never gathered or sorted in Python: at 10,000 articles (1.8 million quads)
that took a gigabyte and a minute. The order is the same for the same content
(Oxigraph's indexes are sorted by term, and terms are encoded from their
text), so a store loaded afresh and one updated in place give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Format name -> (pyoxigraph format attribute, keeps named graphs).
RDF_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("TURTLE", False),
    "nt": ("N_TRIPLES", False),
    "nq": ("N_QUADS", True),
    "jsonld": ("JSON_LD", True),
}
EXTENSIONS = {"ttl": "ttl", "nt": "nt", "nq": "nq", "jsonld": "jsonld"}
# Each triple of the named graphs once, in the order of the store's graph index.
_UNION = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def write_rdf(store: Any, fmt: str, path: Path) -> Path:
    """Write the named graphs of `store` in `fmt` (`ttl`, `nt`, `nq` or `jsonld`) to `path`, atomically.

    Raises:
        OutputError: the file cannot be written.
    """
    import pyoxigraph as ox

    from kg.errors import OutputError
    from kg.files import atomic_write
    from kg.rdf.namespace import PREFIXES

    attribute, keeps_graphs = RDF_FORMATS[fmt]
    statements = _quads(store) if keeps_graphs else _triples(store)
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()} if fmt == "ttl" else None
    try:
        with atomic_write(path, "wb") as handle:
            ox.serialize(statements, output=handle, format=getattr(ox.RdfFormat, attribute), prefixes=prefixes)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def _quads(store: Any) -> Iterator[Any]:
    for graph in store.named_graphs():
        yield from store.quads_for_pattern(None, None, None, graph)


def _triples(store: Any) -> Iterator[Any]:
    import pyoxigraph as ox

    for row in store.query(_UNION):
        yield ox.Triple(row[0], row[1], row[2])
