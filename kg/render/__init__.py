"""The graph -> one self-contained HTML explorer (vis-network, from pyvis), readable with no network at all.

    data = read_explorer_data(store)        # the store -> plain data (kg.render.model)
    html = render_html(data)                 # plain data -> the page's text

The renderer takes only plain data, so benchmarks and tests can feed it a
graph of any size without building RDF. The events come from the read the
exports share (`kg.graph_reader`): `read_explorer_data(store, graph)` reuses one.
"""

from __future__ import annotations

from kg.render.model import ActorInfo, DocumentInfo, EventInfo, ExplorerData, ItemInfo, Term
from kg.render.page import render_page, script_json
from kg.render.read import read_explorer_data
from kg.render.view import explorer_payload, trigger_marks

__all__ = [
    "ActorInfo",
    "DocumentInfo",
    "EventInfo",
    "ExplorerData",
    "ItemInfo",
    "Term",
    "explorer_payload",
    "read_explorer_data",
    "render_html",
    "render_page",
    "script_json",
    "trigger_marks",
]


def render_html(data: ExplorerData, seed: int = 7) -> str:
    """The explorer page of `data`: layout computed here, unnamed parties merged by label, everything inlined."""
    return render_page(explorer_payload(data, seed=seed, merge_unnamed=True))
