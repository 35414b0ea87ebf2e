"""The built graph -> Neo4j, Gephi and the formats analysts pass around, checked by real readers in the tests.

    kg export neo4j    OUT/neo4j/: neo4j-admin CSVs, import.cypher, load-csv.cypher, README.md
    kg export gephi    OUT/graph.gexf        kg export graphml   OUT/graph.graphml
    kg export csv      OUT/facts.csv         kg export ttl|nt|nq|jsonld   OUT/graph.<ext>

Exports see only the built graph: the store `OUT/store`, opened read-only, is
read once with the SPARQL of `queries/*.rq` into plain data (`model.py`), which
each writer turns into bytes. This module imports nothing heavy, so `kg --help`
stays instant.
"""

from __future__ import annotations

from kg.export.command import BUILD_FORMATS, FORMATS, add_parser, export, write_exports

__all__ = ["BUILD_FORMATS", "FORMATS", "add_parser", "export", "write_exports"]
