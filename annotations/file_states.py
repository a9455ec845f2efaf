"""Whether files changed since their size and modification time were recorded."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

# A state no file has: a file without a recorded state counts as changed.
UNRECORDED = (-1, -1)


def changed_files(root: str, states: Iterable[tuple[str | bytes, int, int]]) -> Iterator[bool]:
    """For each (path relative to `root`, size, mtime_ns) in turn, whether its file has
    another size or modification time, or cannot be looked at (a `stat` each, the path
    looked up from the collection's directory, not from /)."""
    try:
        directory = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield from (True for _ in states)
        return
    stat = os.stat
    try:
        for path, size, mtime_ns in states:
            try:
                found = stat(path, dir_fd=directory)
            except OSError:
                yield True
                continue
            yield found.st_size != size or found.st_mtime_ns != mtime_ns
    finally:
        os.close(directory)
