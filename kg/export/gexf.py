"""The actor network -> GEXF for Gephi: typed attributes, viz colours and sizes, time intervals on elements.

Written with lxml rather than networkx's `write_gexf`, whose output fails the
official schema (`name=""` on `<graph>`) and which raises on None or list
values. Colours, sizes, thickness and shapes go in the viz namespace, as Gephi,
networkx and the GEXF primer write them; the official XSDs declare them in the
main namespace instead, so `strip_viz` sets them aside before validating.
Times are article dates (`timeformat="date"`): each node and edge lists the
periods its events' articles cover as `<spells>`, so Gephi's timeline works.
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


VERSIONS = {
    "1.3": GexfVersion("1.3", "http://gexf.net/1.3", "http://gexf.net/1.3/viz", True),
    "1.2draft": GexfVersion("1.2", "http://www.gexf.net/1.2draft", "http://www.gexf.net/1.2draft/viz", False),
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
        _values(element, edge.attributes, network.edge_attributes, tag)
        _spells(element, edge.periods, tag)
        _colour(etree.SubElement(element, f"{{{viz}}}color"), edge.colour)
        etree.SubElement(element, f"{{{viz}}}thickness", value=_number(edge.width))
        etree.SubElement(element, f"{{{viz}}}shape", value="dashed" if edge.dashed else "solid")
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def strip_viz(document: Any) -> Any:
    """A copy of a parsed GEXF document (lxml) without its viz elements, for validation against the official XSD.

    The XSDs declare `color`, `size`, `thickness`, `position` and `shape` in the main GEXF namespace,
    where no reader looks for them; everything else is validated as written.
    """
    import copy

    from lxml import etree

    root = copy.deepcopy(document.getroot() if hasattr(document, "getroot") else document)
    for element in list(root.iter()):
        if (
            isinstance(element.tag, str)
            and element.tag.startswith("{")
            and element.tag[1:].split("}")[0].endswith("/viz")
        ):
            element.getparent().remove(element)
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
