"""Text made fit for XML 1.0, which cannot carry some characters at all, not even escaped.

Everything else (quotes, `<`, `&`, line breaks, tabs) is escaped by lxml when
it writes, so article text survives GEXF and GraphML byte for byte; only the
C0 controls other than tab, line feed and carriage return, lone surrogates and
U+FFFE/U+FFFF are replaced, by U+FFFD.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_text(value: object) -> str:
    """`value` as text XML 1.0 can hold."""
    return _NOT_XML.sub(REPLACEMENT, str(value))
