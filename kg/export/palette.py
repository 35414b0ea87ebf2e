"""Colours and sizes of the Gephi and GraphML exports, the same as the HTML explorer's.

The colours are read from the explorer's own style file (`kg/render/style.json`:
actor kinds and item categories), so the two never drift apart; the sizes
repeat the explorer's two formulas (`kg/render/assets/explorer.js`): a node's
size grows with the square root of its number of partners, an edge's width
with the logarithm of its number of source documents.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import RenderError

STYLE_PATH = Path(__file__).resolve().parent.parent / "render" / "style.json"
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


@lru_cache(maxsize=1)
def load_palette(path: Path = STYLE_PATH) -> Palette:
    """The explorer's palette.

    Raises:
        RenderError: the style file is missing or malformed.
    """
    try:
        style = json.loads(Path(path).read_text(encoding="utf-8"))
        return Palette(dict(style["kinds"]), dict(style["categories"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"{path}: cannot read the explorer's colours ({exc})") from None


def node_size(partners: int, most_partners: int) -> float:
    """The explorer's node size: 7 to 40 by the square root of the share of the best-connected actor's partners."""
    weight = math.sqrt(partners / max(1, most_partners))
    # JavaScript's Math.round rounds halves up; Python's round() would round them to even.
    return float(math.floor(7 + 33 * weight + 0.5))


def edge_width(documents: int) -> float:
    """The explorer's edge width: 1 for one source document, +2 per doubling, at most 14."""
    return min(1 + 2 * math.log2(max(documents, 1)), 14.0)


def rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` -> (r, g, b)."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
