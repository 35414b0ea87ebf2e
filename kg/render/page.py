"""The page: one self-contained HTML file, with vis-network, our script, styles and the data inlined.

Nothing is fetched, from a CDN or anywhere: vis-network's JS and CSS come out
of the installed pyvis package (pyvis' own "in_line" mode still links
bootstrap and tom-select on a CDN). The data travels as JSON in a
`<script type="application/json">` block with `<`, `>`, `&` and U+2028/2029
escaped, so no article text can close the block or become markup; the
page's script inserts every text with textContent. A Content-Security-Policy
admits exactly the page's two scripts and two stylesheets (by hash) and no
request at all, so even a missed bug could neither run injected code nor
reach the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from kg.errors import RenderError

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "vis-9.1.2"  # the release pyvis 0.3.2 ships and these pages are tested with
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
# What would end an inline <script> or <style> element early, or start a comment inside one.
_RAW_TEXT_END = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def render_page(payload: dict[str, Any], title: str = "kg — arms-transfer graph") -> str:
    """The HTML text of the explorer for `payload` (see kg.render.view.explorer_payload)."""
    vis_js, vis_css = _vis_assets()
    explorer_js = _asset("explorer.js")
    explorer_css = _asset("explorer.css")
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_source_hash(vis_js)} {_source_hash(explorer_js)}",
            f"style-src {_source_hash(vis_css)} {_source_hash(explorer_css)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    parts = {
        "title": html.escape(title),
        "csp": html.escape(policy, quote=True),
        "vis_css": _raw_text(vis_css, "vis-network.css"),
        "explorer_css": _raw_text(explorer_css, "explorer.css"),
        "data": script_json(payload),
        "vis_js": _raw_text(vis_js, "vis-network.min.js"),
        "explorer_js": _raw_text(explorer_js, "explorer.js"),
    }
    # One pass: text put in is never scanned for placeholders again.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("explorer.html"))


def script_json(payload: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, `<!--` or line separator can appear in it."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the pyvis package (found without importing it)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError("pyvis is not installed: it ships the vis-network library the page inlines")
    library = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"
    folder = library / VIS_VERSION
    if not folder.is_dir():  # another pyvis release: its newest vis-network
        found = sorted(library.glob("vis-*"), key=lambda p: [int(n) for n in re.findall(r"\d+", p.name)])
        folder = found[-1] if found else folder
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"{folder}: vis-network not found in pyvis ({exc.strerror or exc})") from None
    return script, style


def _asset(name: str) -> str:
    return (ASSETS_DIR / name).read_text(encoding="utf-8")


def _raw_text(text: str, name: str) -> str:
    """`text` unchanged, after checking it cannot end its <script>/<style> element early."""
    if _RAW_TEXT_END.search(text):
        raise RenderError(f"{name}: contains '</script', '</style' or '<!--' and cannot be inlined")
    return text


def _source_hash(text: str) -> str:
    """The CSP source expression admitting exactly this inline script or style."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"
