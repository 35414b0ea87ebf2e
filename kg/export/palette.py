"""Colours and sizes of the Gephi and GraphML exports, the same as the HTML explorer's.

Both are read from the explorer's own style file (`kg/render/style.json`: actor
kinds, item categories and `sizes`), so the two never drift apart. The size
formulas are the explorer's (`kg/render/assets/explorer.js`): a node's size
grows with the square root of its number of partners, an edge's width with the
logarithm of its number of source documents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from kg.errors import RenderError
from kg.render.style import STYLE_PATH, load_style

# What the explorer draws when a kind or category is missing from the style.
_FALLBACK = "#95a5a6"


@dataclass(frozen=True)
class Palette:
    """Colours by actor kind and item category (keys: local names of the ontology's terms), as `#rrggbb`."""

    kinds: dict[str, str]
    categories: dict[str, str]

    def kind_colour(self, kind: str) -> str:
        return self.kinds.get(kind) or self.kinds.get("Actor") or _FALLBACK

    def category_colour(self, category: str | None) -> str:
        """`None` (no item stated) has the explorer's colour for the empty category key."""
        return self.categories.get(category or "") or _FALLBACK


@dataclass(frozen=True)
class Sizes:
    """The explorer's size constants (`sizes` in the style file), in pixels."""

    node_min: int
    node_max: int
    edge_min: int
    edge_per_doubling: int
    edge_max: int


def load_palette(path: Path = STYLE_PATH) -> Palette:
    """The explorer's palette.

    Raises:
        RenderError: the style file is missing or malformed.
    """
    style = load_style(path)
    try:
        return Palette(dict(style["kinds"]), dict(style["categories"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"{path}: cannot read the explorer's colours ({exc})") from None


def load_sizes(path: Path = STYLE_PATH) -> Sizes:
    """The explorer's node sizes and edge widths.

    Raises:
        RenderError: the style file is missing or malformed.
    """
    style = load_style(path)
    try:
        return Sizes(**style["sizes"])
    except (KeyError, TypeError) as exc:
        raise RenderError(f"{path}: cannot read the explorer's sizes ({exc})") from None


def node_size(partners: int, most_partners: int) -> float:
    """The explorer's node size: `node_min` to `node_max` by the square root of the share of the most partners."""
    sizes = load_sizes()
    weight = math.sqrt(partners / max(1, most_partners))
    # JavaScript's Math.round rounds halves up; Python's round() would round them to even.
    return float(math.floor(sizes.node_min + (sizes.node_max - sizes.node_min) * weight + 0.5))


def edge_width(documents: int) -> float:
    """The explorer's edge width: `edge_min` for one document, +`edge_per_doubling` per doubling, at most `edge_max`."""
    sizes = load_sizes()
    return float(min(sizes.edge_min + sizes.edge_per_doubling * math.log2(max(documents, 1)), sizes.edge_max))


def rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` -> (r, g, b)."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
