"""The store of OUT/store: replacing named graphs in a copy of the last build's store holds what a fresh load of
the new dataset holds, graph for graph and quad for quad, without a model or a build."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset

from kg.paths import ontology_dir
from kg.rdf.trig import TrigBlock, graph_block
from kg.store import build_store, open_store, update_store

DATA = "https://w3id.org/kg-arms/data/"
PREFIX = f"@prefix kg: <https://w3id.org/kg-arms/ontology#> .\n@base <{DATA}> .\n"
BEFORE = {
    "<doc/a>": '<doc/a> a kg:Document ; kg:title "A" ; kg:eventCount 2 .',
    "<doc/b>": '<doc/b> a kg:Document ; kg:title "B" .',
    "<doc/n>": '<doc/n> a kg:Document ; kg:note [ kg:text "blank" ] .',
    "<facts>": "<fact/1> a kg:Fact ; kg:sourceCount 2 . <fact/2> a kg:Fact ; kg:sourceCount 1 . "
    "<fact/4> a kg:Fact ; kg:sourceCount 4 .",
    "<doc/z>": '<doc/z> a kg:Document ; kg:title "Z, untouched" .',
}
# doc/a changes a value and keeps the rest, doc/b goes, doc/c comes, doc/n keeps its blank node, the facts
# change in part.
AFTER = {
    "<doc/a>": '<doc/a> a kg:Document ; kg:title "A" ; kg:eventCount 3 .',
    "<doc/c>": '<doc/c> a kg:Document ; kg:title "C" .',
    "<doc/n>": '<doc/n> a kg:Document ; kg:note [ kg:text "blank" ] .',
    "<facts>": "<fact/1> a kg:Fact ; kg:sourceCount 3 . <fact/3> a kg:Fact ; kg:sourceCount 1 . "
    "<fact/4> a kg:Fact ; kg:sourceCount 4 .",
    "<doc/z>": BEFORE["<doc/z>"],
}


def _trig(graphs: dict[str, str]) -> str:
    return PREFIX + "".join(f"{name} {{ {body} }}\n" for name, body in graphs.items())


def _blocks(graphs: dict[str, str]) -> list[TrigBlock]:
    """The graphs as kg writes them (`kg.rdf.trig.graph_block`: a statement per subject)."""
    dataset = Dataset()
    dataset.parse(data=_trig(graphs), format="trig")
    return [graph_block(graph) for graph in dataset.graphs() if len(graph)]


def _build(folder: Path, graphs: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "graph.trig").write_text(_trig(graphs), encoding="utf-8")
    build_store(folder / "graph.trig", folder, ontology_dir())
    return folder


def _content(out: Path) -> tuple[list[str], list[str]]:
    """The named graphs in store order, and every quad with blank nodes made alike (their ids are random)."""
    store = open_store(out)
    graphs = [str(graph) for graph in store.named_graphs()]
    quads = sorted(re.sub(r"_:\w+", "_:b", str(quad)) for quad in store.quads_for_pattern(None, None, None, None))
    del store
    return graphs, quads


@pytest.mark.parametrize(
    ("replaced", "known"),
    [
        (["doc/a", "doc/b", "doc/c", "doc/n", "facts"], False),
        # What the replaced graphs hold given as text (kg build --watch): parsed instead of read from the store,
        # unless a blank node (named otherwise in the store) is among them.
        (["doc/a", "doc/b", "doc/c", "doc/n", "facts"], True),
        (["doc/a", "doc/b", "doc/c", "facts"], True),
    ],
    ids=["read-back", "given-with-blank-node", "given"],
)
def test_store_update_holds_what_a_fresh_load_holds(tmp_path, replaced, known):
    previous = _build(tmp_path / "previous", BEFORE)
    fresh = _build(tmp_path / "fresh", AFTER)
    out = tmp_path / "out"
    out.mkdir()
    changed = {name: body for name, body in AFTER.items() if name.strip("<>") in replaced}
    removed = _blocks({name: body for name, body in BEFORE.items() if name.strip("<>") in replaced}) if known else None
    update_store(previous, out, [DATA + name for name in replaced], _blocks(changed), removed)
    assert _content(out) == _content(fresh)
    assert _content(previous) == _content(_build(tmp_path / "again", BEFORE)), "the previous store was touched"
    store = open_store(out)
    assert pyoxigraph.NamedNode(DATA + "doc/b") not in set(store.named_graphs())
    assert len(list(store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(DATA + "doc/n")))) == 3


def test_only_the_statements_written_otherwise_are_parsed_again():
    """What a store update parses of the replaced graphs (`kg build --watch`): the statements that differ
    between their old and new blocks; a graph with a blank node is kept whole, a graph on one side only too."""
    from rdflib import RDF, URIRef

    from kg.rdf.namespace import KG
    from kg.rdf.trig import differing_statements, statement_subjects, triples_block

    names = ["doc/a", "doc/b", "doc/c", "doc/n", "facts"]
    old, new = differing_statements(
        _blocks({n: b for n, b in BEFORE.items() if n.strip("<>") in names}),
        _blocks({n: b for n, b in AFTER.items() if n.strip("<>") in names}),
    )
    old_text, new_text = "".join(b.text for b in old), "".join(b.text for b in new)
    assert "fact/4" not in old_text + new_text, "an unchanged statement is parsed again"
    assert 'kg:sourceCount "2"' in old_text and "fact/2" in old_text and "fact/3" not in old_text
    assert 'kg:sourceCount "3"' in new_text and "fact/3" in new_text and "fact/2" not in new_text
    assert {b.name for b in old} == {DATA + n for n in ("doc/a", "doc/b", "doc/n", "facts")}
    assert {b.name for b in new} == {DATA + n for n in ("doc/a", "doc/c", "doc/n", "facts")}
    subjects = statement_subjects(old + new)
    assert {DATA + n for n in ("fact/1", "fact/2", "fact/3", "doc/a", "doc/b", "doc/c", "doc/n")} == subjects
    odd = DATA + 'fact/a b"<c>'  # written with \u escapes: read back as it was
    assert statement_subjects([triples_block(URIRef(DATA + "facts"), [(URIRef(odd), RDF.type, KG.Fact)])]) == {odd}
    for blocks in (old, new):  # kept whole: its blank node's label is not the store's
        (text,) = [b.text for b in blocks if b.name.endswith("doc/n")]
        assert "a kg:Document" in text and '"blank"' in text


def _titles(store: pyoxigraph.Store) -> list[str]:
    query = "SELECT ?t WHERE { GRAPH ?g { ?d <https://w3id.org/kg-arms/ontology#title> ?t } } ORDER BY ?t"
    return [row[0].value for row in store.query(query)]


def test_latest_store_follows_a_store_swapped_in_and_keeps_the_old_one_meanwhile(tmp_path):
    """A reader of OUT (kg serve) sees each store a build swaps in; while OUT/store is absent (between the two
    renames of a swap) or not a store, it keeps answering from the one it has."""
    from kg.files import swap_folder
    from kg.store import LatestStore

    out = _build(tmp_path / "out", BEFORE)
    latest = LatestStore(out)
    first = latest.current()
    assert latest.current() is first  # nothing changed: the same handle
    assert _titles(first) == ["A", "B", "Z, untouched"]

    (out / "store").rename(tmp_path / "aside")  # the first rename of a swap
    assert _titles(latest.current()) == ["A", "B", "Z, untouched"]
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "CURRENT").write_text("not rocksdb\n", encoding="utf-8")
    (tmp_path / "broken").rename(out / "store")  # something that is not a store
    assert _titles(latest.current()) == ["A", "B", "Z, untouched"]
    (out / "store").rename(tmp_path / "broken")

    fresh = _build(tmp_path / "fresh", AFTER)
    swap_folder(fresh / "store", out / "store")
    assert _titles(latest.current()) == ["A", "C", "Z, untouched"]
    # Again: a second rebuild, whose folder may reuse the inode of a deleted one.
    again = _build(tmp_path / "again", BEFORE)
    swap_folder(again / "store", out / "store")
    assert _titles(latest.current()) == ["A", "B", "Z, untouched"]
