"""The store's data -> Turtle, N-Triples, N-Quads or JSON-LD, written by Oxigraph's serialisers.

Only the extracted data is written (the named graphs: one per document,
kgd:facts, kgd:summaries), not the vocabularies of the default graph, as in
`OUT/graph.trig`. Turtle and N-Triples have no named graphs, so they flatten:
the union of every graph, each triple once (a document's IRI is also its
graph's name, and events keep `kg:evidence`, so provenance survives). N-Quads
and JSON-LD keep the graphs (JSON-LD as expanded `@graph` objects, without a
context). Statements are sorted, so the same store gives the same bytes.
"""

from __future__ import annotations

from typing import Any

# Format name -> (pyoxigraph format attribute, keeps named graphs).
RDF_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("TURTLE", False),
    "nt": ("N_TRIPLES", False),
    "nq": ("N_QUADS", True),
    "jsonld": ("JSON_LD", True),
}
EXTENSIONS = {"ttl": "ttl", "nt": "nt", "nq": "nq", "jsonld": "jsonld"}


def named_quads(store: Any) -> list[Any]:
    """Every quad of the store's named graphs (the extracted data), read once for all the RDF exports."""
    return [q for g in store.named_graphs() for q in store.quads_for_pattern(None, None, None, g)]


def rdf_bytes(store: Any, fmt: str, quads: list[Any] | None = None) -> bytes:
    """The named graphs of `store` (or the `quads` already read from it) in `fmt` (`ttl`, `nt`, `nq` or `jsonld`)."""
    import pyoxigraph as ox

    from kg.rdf.namespace import PREFIXES

    attribute, keeps_graphs = RDF_FORMATS[fmt]
    if quads is None:
        quads = named_quads(store)
    # Sorted on their N-Triples text (one string per statement, cheap next to a tuple of three).
    if keeps_graphs:
        statements: list[Any] = sorted(quads, key=_quad_key)
    else:
        statements = sorted({q.triple for q in quads}, key=str)
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()} if fmt == "ttl" else None
    # Without an output, serialize returns the bytes (never None).
    return ox.serialize(statements, format=getattr(ox.RdfFormat, attribute), prefixes=prefixes) or b""


def _quad_key(quad: Any) -> tuple[str, str]:
    """Graph first, so JSON-LD writes each graph's statements together."""
    return str(quad.graph_name), str(quad.triple)
