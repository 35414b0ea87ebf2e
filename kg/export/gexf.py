"""The actor network -> GEXF for Gephi: typed attributes, viz colours and sizes, time intervals on elements.

Written with lxml rather than networkx's `write_gexf`, whose output fails the
official schema (`name=""` on `<graph>`) and which raises on None or list
values. Colours, sizes, positions, thickness and shapes go in the viz
namespace, as Gephi, networkx and the GEXF primer write them; the official
XSDs declare them in the main namespace instead, so `schema_view` moves them
there before validating (their values are checked too).
Between two actors there is one edge per relation and item category; in GEXF
1.3 each carries `kind="relation:category"`, which Gephi takes as the edge's
type, so it keeps parallel edges of different kinds apart instead of merging
them (1.2draft has no `kind`). Edge ids are hashes of what the edge joins.
Nodes sit at the explorer's positions (`viz:position`), so Gephi opens on the
explorer's picture. Times are article dates (`timeformat="date"`): each node
and edge lists the periods its events' articles cover as `<spells>`, so
Gephi's timeline works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.export.network import AttributeSpec, Network, Period, Scalar
from kg.export.palette import rgb
from kg.export.xmltext import xml_text

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class GexfVersion:
    """What differs between the GEXF versions Gephi reads."""

    version: str
    namespace: str
    viz: str
    timerepresentation: bool
    edge_kind: bool


VERSIONS = {
    "1.3": GexfVersion("1.3", "http://gexf.net/1.3", "http://gexf.net/1.3/viz", True, True),
    "1.2draft": GexfVersion("1.2", "http://www.gexf.net/1.2draft", "http://www.gexf.net/1.2draft/viz", False, False),
}
DEFAULT_VERSION = "1.3"


def gexf_bytes(network: Network, version: str = DEFAULT_VERSION) -> bytes:
    """The GEXF document of `network` (UTF-8, indented), the same bytes for the same network."""
    from lxml import etree

    spec = VERSIONS[version]
    ns, viz = spec.namespace, spec.viz

    def tag(name: str) -> str:
        return f"{{{ns}}}{name}"

    root = etree.Element(tag("gexf"), nsmap={None: ns, "viz": viz, "xsi": XSI}, version=spec.version)
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} {ns}/gexf.xsd")
    meta = etree.SubElement(root, tag("meta"))
    etree.SubElement(meta, tag("creator")).text = "kg"
    etree.SubElement(meta, tag("description")).text = (
        "Arms transfers extracted from French news: actors, and supplier -> recipient edges per relation and "
        "item category; times are the articles' dates."
    )
    graph = etree.SubElement(root, tag("graph"), defaultedgetype="directed", mode="dynamic", timeformat="date")
    if spec.timerepresentation:
        graph.set("timerepresentation", "interval")
    for klass, specs in (("node", network.node_attributes), ("edge", network.edge_attributes)):
        _declare(etree.SubElement(graph, tag("attributes"), {"class": klass, "mode": "static"}), specs, tag)

    nodes = etree.SubElement(graph, tag("nodes"), count=str(len(network.nodes)))
    for node in network.nodes:
        element = etree.SubElement(nodes, tag("node"), id=xml_text(node.id), label=xml_text(node.label))
        _values(element, node.attributes, network.node_attributes, tag)
        _spells(element, node.periods, tag)
        _colour(etree.SubElement(element, f"{{{viz}}}color"), node.colour)
        etree.SubElement(element, f"{{{viz}}}size", value=_number(node.size))
        if node.position is not None:
            x, y = node.position
            etree.SubElement(element, f"{{{viz}}}position", x=_number(x), y=_number(y), z="0")

    edges = etree.SubElement(graph, tag("edges"), count=str(len(network.edges)))
    for edge in network.edges:
        element = etree.SubElement(
            edges,
            tag("edge"),
            id=edge.id,
            source=xml_text(edge.source),
            target=xml_text(edge.target),
            label=xml_text(edge.label),
            weight=_number(edge.weight),
        )
        if spec.edge_kind:
            element.set("kind", xml_text(edge.kind))
        _values(element, edge.attributes, network.edge_attributes, tag)
        _spells(element, edge.periods, tag)
        _colour(etree.SubElement(element, f"{{{viz}}}color"), edge.colour)
        etree.SubElement(element, f"{{{viz}}}thickness", value=_number(edge.width))
        etree.SubElement(element, f"{{{viz}}}shape", value="dashed" if edge.dashed else "solid")
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def schema_view(document: Any) -> Any:
    """A copy of a parsed GEXF document (lxml) with its viz elements moved into the main GEXF namespace, where
    the official XSDs declare `color`, `size`, `thickness`, `position` and `shape` (no reader looks for them
    there): validating the copy checks every element and value as written, the viz ones included.
    """
    import copy

    from lxml import etree

    root = copy.deepcopy(document.getroot() if hasattr(document, "getroot") else document)
    main = etree.QName(root).namespace
    for element in root.iter():
        if isinstance(element.tag, str) and (etree.QName(element).namespace or "").endswith("/viz"):
            element.tag = f"{{{main}}}{etree.QName(element).localname}"
    etree.cleanup_namespaces(root)
    return etree.ElementTree(root)


def _declare(attributes: Any, specs: tuple[AttributeSpec, ...], tag: Any) -> None:
    from lxml import etree

    for spec in specs:
        etree.SubElement(attributes, tag("attribute"), id=spec.name, title=spec.name, type=spec.type)


def _values(element: Any, values: dict[str, Scalar], specs: tuple[AttributeSpec, ...], tag: Any) -> None:
    from lxml import etree

    present = [spec for spec in specs if spec.name in values]
    if not present:
        return
    container = etree.SubElement(element, tag("attvalues"))
    for spec in present:
        etree.SubElement(container, tag("attvalue"), {"for": spec.name, "value": _literal(values[spec.name])})


def _spells(element: Any, periods: tuple[Period, ...], tag: Any) -> None:
    from lxml import etree

    if not periods:
        return
    container = etree.SubElement(element, tag("spells"))
    for start, end in periods:
        etree.SubElement(container, tag("spell"), start=start.isoformat(), end=end.isoformat())


def _colour(element: Any, colour: str) -> None:
    red, green, blue = rgb(colour)
    element.set("r", str(red))
    element.set("g", str(green))
    element.set("b", str(blue))


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return xml_text(value)


def _number(value: float) -> str:
    """A float without a needless `.0`: 7.0 -> "7", 2.5 -> "2.5"; repr keeps every digit otherwise."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
