"""The store of OUT/store: replacing named graphs in a copy of the last build's store holds what a fresh load of
the new dataset holds, graph for graph and quad for quad, without a model or a build."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

from kg.paths import ontology_dir
from kg.store import build_store, open_store, update_store

DATA = "https://w3id.org/kg-arms/data/"
PREFIX = f"@prefix kg: <https://w3id.org/kg-arms/ontology#> .\n@base <{DATA}> .\n"
BEFORE = {
    "<doc/a>": '<doc/a> a kg:Document ; kg:title "A" ; kg:eventCount 2 .',
    "<doc/b>": '<doc/b> a kg:Document ; kg:title "B" .',
    "<doc/n>": '<doc/n> a kg:Document ; kg:note [ kg:text "blank" ] .',
    "<facts>": "<fact/1> a kg:Fact ; kg:sourceCount 2 . <fact/2> a kg:Fact ; kg:sourceCount 1 .",
    "<doc/z>": '<doc/z> a kg:Document ; kg:title "Z, untouched" .',
}
# doc/a changes a value and keeps the rest, doc/b goes, doc/c comes, doc/n keeps its blank node, the facts
# change in part.
AFTER = {
    "<doc/a>": '<doc/a> a kg:Document ; kg:title "A" ; kg:eventCount 3 .',
    "<doc/c>": '<doc/c> a kg:Document ; kg:title "C" .',
    "<doc/n>": '<doc/n> a kg:Document ; kg:note [ kg:text "blank" ] .',
    "<facts>": "<fact/1> a kg:Fact ; kg:sourceCount 3 . <fact/3> a kg:Fact ; kg:sourceCount 1 .",
    "<doc/z>": BEFORE["<doc/z>"],
}


def _trig(graphs: dict[str, str]) -> str:
    return PREFIX + "".join(f"{name} {{ {body} }}\n" for name, body in graphs.items())


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
    removed = _trig({name: body for name, body in BEFORE.items() if name.strip("<>") in replaced}) if known else None
    update_store(previous, out, [DATA + name for name in replaced], _trig(changed), removed)
    assert _content(out) == _content(fresh)
    assert _content(previous) == _content(_build(tmp_path / "again", BEFORE)), "the previous store was touched"
    store = open_store(out)
    assert pyoxigraph.NamedNode(DATA + "doc/b") not in set(store.named_graphs())
    assert len(list(store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(DATA + "doc/n")))) == 3


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
