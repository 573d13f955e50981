"""Writing files safely: all or nothing.

Every file qualkit writes (exports, codebooks, review files, key files, caches) goes through
:func:`write_atomically`, so a reader never sees half a file and a failed write leaves the
previous file as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

STALE_PART_SECONDS = 3600
"""A temporary ``.NAME.*.part`` file untouched for this long belongs to a write that was
killed (a running write fills its temporary file within seconds to minutes), so the next
write to ``NAME`` removes it."""

Content = bytes | str | Callable[[BinaryIO], object]
"""What :func:`write_atomically` writes: bytes, text (written as UTF-8), or a function
that writes to the binary file object it is given."""


def write_atomically(path: str | Path, content: Content, *, mode: int | None = None) -> None:
    """Write ``content`` to ``path`` in full or not at all.

    The data goes to a hidden temporary file (``.NAME.<random>.part``) beside ``path``,
    flushed to disk and renamed over ``path`` when complete. If writing fails, ``path`` is
    left as it was and no temporary file remains. A process killed mid-write cannot clean
    up, so each write first removes temporaries of the same target older than
    :data:`STALE_PART_SECONDS` (younger ones may belong to a write still running in another
    process). The new file has permissions ``mode``, or owner-only read/write when
    ``mode`` is None.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_content(f, content)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_content(f: BinaryIO, content: Content) -> None:
    if isinstance(content, bytes):
        f.write(content)
    elif isinstance(content, str):
        f.write(content.encode("utf-8"))
    else:
        content(f)


def remove_stale_parts(path: Path, older_than: float = STALE_PART_SECONDS) -> list[Path]:
    """Remove ``.NAME.<random>.part`` files beside ``path`` not modified for ``older_than``
    seconds; returns what was removed. Files that vanish or cannot be removed are skipped."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]+\.part")
    cutoff = time.time() - older_than
    removed: list[Path] = []
    try:
        candidates = [p for p in path.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return removed
    for p in candidates:
        try:
            if p.is_file() and not p.is_symlink() and p.stat().st_mtime < cutoff:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed
