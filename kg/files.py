"""Writing output files and folders atomically, readable by others as any file the user writes.

Temporary files and folders from `tempfile` are private (0600, 0700): right
while they are half-written, wrong once renamed into place, where an analyst
shares `graph.html` or serves the store from another account. So each one
gets the mode the user's umask gives a new file or folder before it is
renamed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from kg.errors import KgError, OutputError


def umask_mode(base: int) -> int:
    """`base` (0o666 for a file, 0o777 for a folder) less the process umask, as `open`/`mkdir` would give."""
    current = os.umask(0)
    os.umask(current)
    return base & ~current


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path`, synced, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, umask_mode(0o666))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temporary_folder(beside: Path, prefix: str) -> Path:
    """A new empty folder in `beside`, named `.<prefix>.<random>.tmp`, to be filled then renamed into place."""
    folder = Path(tempfile.mkdtemp(prefix=f".{prefix}.", suffix=".tmp", dir=beside))
    folder.chmod(umask_mode(0o777))
    return folder


def swap_folder(new: Path, target: Path) -> None:
    """Put the folder `new` at `target`; the old one is moved aside first and deleted only once `new` is in.

    Two renames, not one: a folder cannot replace a non-empty one atomically. Between them `target` is
    briefly absent, never half-written; if the second fails, the old folder is put back.
    """
    old: Path | None = None
    if target.exists():
        old = target.with_name(f"{new.name.removesuffix('.tmp')}.old")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically.

    Raises:
        OutputError: the file cannot be written.
    """
    path = Path(path)
    try:
        with atomic_write(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def write_folder(target: Path, fill: Callable[[Path], None], error: type[KgError] = OutputError) -> Path:
    """Let `fill` write a new folder beside `target`, then swap it in whole (the old one is deleted after).

    Two renames, not one: a folder cannot replace a non-empty one atomically; between them `target` is
    briefly absent, never half-written. `fill` may raise a `KgError` of its own; an `OSError` becomes one
    line of class `error`.

    Raises:
        error: the folder cannot be written; the previous one, if any, is left as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = temporary_folder(target.parent, target.name)
    except OSError as exc:
        raise error(f"{target}: cannot create ({exc.strerror or exc})") from None
    try:
        fill(temp)
        swap_folder(temp, target)
    except OSError as exc:
        raise error(f"{target}: cannot write ({' '.join(str(exc.strerror or exc).split())})") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


# Folders of OUT that are kg's alone: the store is a database, where a stray file has no place to go.
SEALED = frozenset({"store"})


def _kg_leftover(name: str) -> bool:
    """A temporary name of kg's own (`.graph.trig.x1y2.tmp`, `.neo4j.x1y2.old`), never an analyst's."""
    return name.startswith(".") and name.endswith((".tmp", ".old"))


def carry_over(old: Path, new: Path, sealed: frozenset[str] = SEALED) -> list[Path]:
    """Copy into `new` (a build's fresh OUT) what `old` (the last OUT) holds that the build did not write.

    An analyst's files are kept wherever they are: at the top (`notes.md`, `draft.tmp`) and inside the folders
    kg writes (`neo4j/my-queries.cypher`, `cache/NOTES.txt`), merged file by file; kg's own temporary names
    and the `sealed` folders are left. Returns the files and folders of `old` copied.

    Raises:
        OSError: a file cannot be copied.
    """
    old, new = Path(old), Path(new)
    if not old.is_dir() or old.resolve() == new.resolve():
        return []
    copied: list[Path] = []
    for entry in sorted(old.iterdir()):
        if _kg_leftover(entry.name):
            continue
        target = new / entry.name
        if entry.is_dir() and not entry.is_symlink():
            if target.is_dir() and not target.is_symlink():
                if entry.name not in sealed:
                    copied += carry_over(entry, target, frozenset())
            elif not target.exists() and not target.is_symlink():
                shutil.copytree(entry, target, symlinks=True)
                copied.append(entry)
        elif not target.exists() and not target.is_symlink():
            shutil.copy2(entry, target, follow_symlinks=False)
            copied.append(entry)
    return copied
