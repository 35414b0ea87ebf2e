"""The actor network -> GraphML (yEd, Cytoscape, igraph, networkx, Gephi): the GEXF's nodes, edges and attributes.

GraphML has no lists, maps or nulls: every attribute is a declared scalar
(`<key attr.type=…>`) and an unknown one is left out. Colours and sizes are
plain attributes (`color` as `#rrggbb`, `size`, `width`, and the explorer's
position as `x`, `y`), since GraphML has no standard for them; times are the
`first`/`last` attributes. Edge ids are the GEXF's (hashes of what they join),
and parallel edges carry their `kind` (`relation:category`) there too.
"""

from __future__ import annotations

from typing import Any

from kg.export.network import AttributeSpec, Network, Scalar
from kg.export.xmltext import xml_text

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
# GraphML's names for the network's attribute types.
_TYPES = {"string": "string", "integer": "long", "double": "double", "boolean": "boolean"}
NODE_EXTRA = (
    AttributeSpec("label", "string"),
    AttributeSpec("color", "string"),
    AttributeSpec("size", "double"),
    AttributeSpec("x", "double"),
    AttributeSpec("y", "double"),
)
EDGE_EXTRA = (
    AttributeSpec("label", "string"),
    AttributeSpec("kind", "string"),
    AttributeSpec("color", "string"),
    AttributeSpec("width", "double"),
    AttributeSpec("weight", "double"),
    AttributeSpec("dashed", "boolean"),
)


def graphml_bytes(network: Network) -> bytes:
    """The GraphML document of `network` (UTF-8, indented), the same bytes for the same network."""
    from lxml import etree

    def tag(name: str) -> str:
        return f"{{{NS}}}{name}"

    root = etree.Element(tag("graphml"), nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {SCHEMA}")
    node_specs = NODE_EXTRA + network.node_attributes
    edge_specs = EDGE_EXTRA + network.edge_attributes
    node_keys = _declare(root, "node", node_specs, tag)
    edge_keys = _declare(root, "edge", edge_specs, tag)
    graph = etree.SubElement(root, tag("graph"), id="kg", edgedefault="directed")
    for node in network.nodes:
        element = etree.SubElement(graph, tag("node"), id=xml_text(node.id))
        values: dict[str, Scalar] = {"label": node.label, "color": node.colour, "size": node.size, **node.attributes}
        if node.position is not None:
            values["x"], values["y"] = node.position
        _data(element, values, node_specs, node_keys, tag)
    for edge in network.edges:
        element = etree.SubElement(
            graph, tag("edge"), id=edge.id, source=xml_text(edge.source), target=xml_text(edge.target)
        )
        values = {
            "label": edge.label,
            "kind": edge.kind,
            "color": edge.colour,
            "width": edge.width,
            "weight": edge.weight,
            "dashed": edge.dashed,
            **edge.attributes,
        }
        _data(element, values, edge_specs, edge_keys, tag)
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _declare(root: Any, domain: str, specs: tuple[AttributeSpec, ...], tag: Any) -> dict[str, str]:
    """`<key>` elements for `specs`; returns attribute name -> key id (`n0`…, `e0`…)."""
    from lxml import etree

    keys = {}
    for number, spec in enumerate(specs):
        key = f"{domain[0]}{number}"
        keys[spec.name] = key
        etree.SubElement(
            root, tag("key"), {"id": key, "for": domain, "attr.name": spec.name, "attr.type": _TYPES[spec.type]}
        )
    return keys


def _data(
    element: Any, values: dict[str, Scalar], specs: tuple[AttributeSpec, ...], keys: dict[str, str], tag: Any
) -> None:
    from lxml import etree

    for spec in specs:
        if spec.name in values:
            etree.SubElement(element, tag("data"), key=keys[spec.name]).text = _literal(values[spec.name])


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return xml_text(value)
