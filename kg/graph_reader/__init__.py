"""One read of the built graph's events for both of its readers: the HTML explorer and the exports.

    graph = read_graph_events(store)            # events, parties, item flows, documents, actors
    read_explorer_data(store, graph)            # + the legend's vocabularies  -> kg.render.ExplorerData
    read_export_data(store, graph)              # + items, facts, summaries     -> kg.export.model.ExportData

The explorer and the exports used to scan the store each for the same events,
parties, flows, documents and actors; those scans are most of their reading
time, so they live here and `kg build` runs them once. Each consumer still
reads its own small extras and shapes the shared data into its own model,
which the renderer and the writers take without ever seeing a store.
"""

from __future__ import annotations

from kg.graph_reader.model import Actor, Document, GraphEvents, Sentence, StoredEvent, StoredFlow
from kg.graph_reader.read import read_graph_events

__all__ = ["Actor", "Document", "GraphEvents", "Sentence", "StoredEvent", "StoredFlow", "read_graph_events"]
