"""The explorer's style file (`style.json`: colours by actor kind and item category, filter order, sizes).

One loader for every reader of it: the page (`kg.render.view`) and the Gephi and
GraphML exports (`kg.export.palette`), so that both draw with the same numbers.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import RenderError

STYLE_PATH = Path(__file__).resolve().parent / "style.json"


@cache
def load_style(path: Path = STYLE_PATH) -> dict[str, Any]:
    """The style file, read once.

    Raises:
        RenderError: the file is missing, not JSON, or not a JSON object.
    """
    try:
        style = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"{path}: cannot read the explorer's style ({exc})") from None
    if not isinstance(style, dict):
        raise RenderError(f"{path}: cannot read the explorer's style (not a JSON object)")
    return style
