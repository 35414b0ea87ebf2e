"""One family of errors with short codes, so the CLI can print one clear line.

Each error names the file (and rule or line) it is about; the CLI turns any
`KgError` into `kg: <message>` on stderr and a documented exit code.
"""

from __future__ import annotations

import re

# What must not reach a terminal or split a line: C0/C1 controls (line breaks, ESC), DEL, Unicode line
# separators, and the lone surrogates by which Python keeps the bytes of a file name that is not UTF-8.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte of a non-UTF-8 name, shown as that byte
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """`text` on one line, safe for a terminal: control characters and undecodable bytes escaped (`\\n`, `\\xe9`)."""
    return UNPRINTABLE.sub(_escape, text)


class KgError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    code = "E000"

    def __init__(self, message: str) -> None:
        message = printable(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class SourceError(KgError):
    """An input document cannot be read (empty, binary, not UTF-8, malformed, too large, corrupt gzip, no HTML text)."""

    code = "E001"


class RuleError(KgError):
    """A rule file is malformed: reported as `file: rule-id: problem`."""

    code = "E002"


class OntologyError(KgError):
    """The ontology or a vocabulary cannot be loaded or is inconsistent."""

    code = "E003"


class OutputError(KgError):
    """An output cannot be written."""

    code = "E004"


class StoreError(KgError):
    """The Oxigraph store under OUT/store is missing, unreadable or cannot be built."""

    code = "E005"


class QueryError(KgError):
    """A SPARQL query or a named query file is malformed, or a parameter value is refused."""

    code = "E006"


class ExportError(KgError):
    """An export cannot be made: a live database refuses the push, a driver is missing, a value cannot be written."""

    code = "E011"


class RenderError(KgError):
    """The HTML explorer cannot be rendered (its assets are missing or cannot be inlined)."""

    code = "E007"


class ParallelError(KgError):
    """Extraction failed in a worker, a worker died, or Dask is missing or its scheduler cannot be reached."""

    code = "E012"
