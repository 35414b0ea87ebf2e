"""Headless Chromium for the explorer's tests and benchmark (tests/test_render.py, benchmarks/html_bench.py).

Debian's chromium, driven by Playwright. Playwright is a test dependency, not one of
the package's: it is imported only when a browser is launched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (containers, CI), no GPU, and none of Chromium's own requests to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def headless_chromium(executable: str | Path = CHROMIUM) -> Iterator[Any]:
    """A Playwright `Browser` on `executable`, headless with `CHROMIUM_ARGS`; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
