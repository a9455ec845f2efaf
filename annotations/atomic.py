"""Atomic file writes: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

_O_BINARY = getattr(os, "O_BINARY", 0)


def atomic_write_bytes(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    make_parents: bool = True,
    commit: Callable[[Path], None] | None = None,
) -> None:
    """Replace `path` with `data` (bytes, or pieces written one after the other)
    atomically and durably.

    The data goes to a temporary file in the same directory (created if needed, unless
    `make_parents` is false), is fsync'd, then renamed over `path` with `os.replace`; the
    directory is fsync'd too so the rename survives a crash. `commit`, when given, is called
    with the temporary file instead of that rename and must move it into place (it may
    check the target first and raise). On any error the temporary file is removed and
    `path` is left as it was.
    """
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # 0o666 filtered by the umask, like an ordinary new file (mkstemp would force 0o600).
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        if commit is None:
            os.replace(tmp_name, path)
        else:
            commit(tmp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` atomically; newlines are written exactly as given."""
    atomic_write_bytes(path, text.encode(encoding))


def fsync_directory(directory: Path) -> None:
    """Flush a directory entry change to disk where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
