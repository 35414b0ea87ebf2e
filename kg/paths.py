"""Where the project's data folders are, found once so no module guesses paths.

The project is installed editable, so `ontology/` sits next to the `kg`
package at the repository root; `KG_ONTOLOGY` points elsewhere (tests, a
deployed copy) without code changes.
"""

from __future__ import annotations

import os
from pathlib import Path

ONTOLOGY_ENV = "KG_ONTOLOGY"


def ontology_dir() -> Path:
    """The folder holding kg.ttl, shapes.ttl and the vocabularies (`$KG_ONTOLOGY` wins)."""
    override = os.environ.get(ONTOLOGY_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "ontology"


# The name the RDF layer's callers were told about; both mean the same folder.
default_ontology_dir = ontology_dir
