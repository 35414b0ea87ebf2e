"""Argument types shared by the subcommands' parsers (kg build, kg serve, kg export)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def positive(kind: Callable[[str], Any] = int) -> Callable[[str], Any]:
    """An argparse type: a number of `kind` above 0, or argparse's one-line usage error."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return value

    return parse
