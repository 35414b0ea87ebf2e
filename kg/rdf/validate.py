"""SHACL validation of a built dataset against ontology/shapes.ttl.

The ontology and the vocabularies are added to a scratch copy of the data,
with RDFS inference, so `actor:russia a kg:Country` satisfies `sh:class
kg:Actor` and its labels are seen. They are also passed as pyshacl's
`ont_graph`, but pyshacl copies only schema axioms from there, not the
vocabularies' concepts and labels, hence the copy into the data.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from kg import paths
from kg.errors import OntologyError

SHAPES_FILE = "shapes.ttl"


def load_ontology(ontology_dir: Path) -> Graph:
    """The schema and the vocabularies: every `*.ttl` of the folder except the shapes.

    Raises:
        OntologyError: the folder has no Turtle file, or one does not parse.
    """
    files = sorted(p for p in Path(ontology_dir).glob("*.ttl") if p.name != SHAPES_FILE)
    if not files:
        raise OntologyError(f"{ontology_dir}: no ontology (*.ttl) found")
    graph = Graph()
    for path in files:
        _parse(graph, path)
    return graph


def load_shapes(ontology_dir: Path) -> Graph:
    """The SHACL shapes of `ontology_dir`."""
    path = Path(ontology_dir) / SHAPES_FILE
    if not path.is_file():
        raise OntologyError(f"{path}: SHACL shapes missing")
    return _parse(Graph(), path)


def validate(dataset: Graph, ontology_dir: Path | None = None) -> tuple[bool, str]:
    """Check the union of the dataset's graphs, with the ontology and vocabularies, against the shapes.

    Args:
        dataset: the built Dataset (a plain Graph works too).
        ontology_dir: the folder of kg.ttl, shapes.ttl and the vocabularies;
            `kg.paths.ontology_dir()` by default.

    Returns:
        Whether the data conforms, and pyshacl's report text.
    """
    import pyshacl  # heavy; only validation needs it

    folder = paths.ontology_dir() if ontology_dir is None else Path(ontology_dir)
    ontology = load_ontology(folder)
    shapes = load_shapes(folder)
    data = _union(dataset)
    for triple in ontology:
        data.add(triple)
    conforms, _, report = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        inplace=True,  # `data` is a scratch copy already
        abort_on_first=False,
        allow_warnings=True,
    )
    return bool(conforms), str(report)


def _union(dataset: Graph) -> Graph:
    """All triples of all graphs in one graph: shapes look across documents' graphs."""
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, replace=True)
    if isinstance(dataset, Dataset):
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        for triple in dataset:
            union.add(triple)
    return union


def _parse(graph: Graph, path: Path) -> Graph:
    try:
        return graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser types; report them as one line
        raise OntologyError(f"{path}: cannot parse Turtle ({exc.__class__.__name__}: {exc})") from None
