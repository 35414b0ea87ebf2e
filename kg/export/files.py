"""Writing exports so that a crash never leaves half of one: a file, or a whole folder, swapped in by renames.

Files go through the project's one atomic writer (`kg.files.write_bytes`:
temporary file, synced, umask permissions, rename); a folder (`OUT/neo4j/`) is
filled beside the old one and swapped in whole, as the store is. Failures
become one-line `OutputError`s.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from kg.errors import OutputError
from kg.files import swap_folder, temporary_folder


def write_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Let `fill` write a new folder beside `target`, then swap it in whole (the old one is deleted after).

    Two renames, not one: a folder cannot replace a non-empty one atomically; between them `target` is
    briefly absent, never half-written.

    Raises:
        OutputError: the folder cannot be written; the previous one, if any, is left as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = temporary_folder(target.parent, target.name)
    except OSError as exc:
        raise OutputError(f"{target}: cannot create ({exc.strerror or exc})") from None
    try:
        fill(temp)
        swap_folder(temp, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target
