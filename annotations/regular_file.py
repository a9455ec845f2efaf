"""Reading files named by the user or found in the collection: regular files only, bounded.

A FIFO would block `open` (or the read) forever, a device such as `/dev/zero` never ends,
and `st_size` of some files (`/proc`, a file still growing) says nothing about how much
there is to read. So the file is checked before it is opened, opened without blocking,
checked again through the open descriptor (it may have been swapped meanwhile), and read
only up to the limit plus one byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFileError(OSError):
    """The path is a directory, FIFO, device or socket (perhaps behind a symbolic link)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileTooLargeError(OSError):
    """The file holds more than the allowed number of bytes; `size` is its size if known."""

    def __init__(self, max_bytes: int, size: int | None) -> None:
        limit = f"{max_bytes / 1_048_576:g} MB"
        shown = f"{size / 1_048_576:.1f} MB is" if size is not None else "it is"
        super().__init__(f"{shown} over the {limit} limit")
        self.reason = str(self)


def describe_file_type(mode: int) -> str | None:
    """What a non-regular file is, in words ("a named pipe (FIFO)"); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def non_regular_reason(path: str | Path, mode: int) -> str | None:
    """Why `path` (whose `os.stat` mode, links followed, is `mode`) is not a regular file, or
    None if it is one: "it is a named pipe (FIFO)", "it links to a character device"."""
    kind = describe_file_type(mode)
    if kind is None:
        return None
    try:
        linked = os.path.islink(path)
    except OSError:
        linked = False
    return f"{'it links to' if linked else 'it is'} {kind}, not a regular file"


def read_regular_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (a symbolic link to one is fine).

    Raises `NotRegularFileError` for anything else, without ever opening a FIFO for a
    blocking read; `FileTooLargeError` when there are more than `max_bytes` bytes (at most
    `max_bytes + 1` are read to find out); `OSError` when it cannot be read.
    """
    reason = non_regular_reason(path, os.stat(path).st_mode)
    if reason is not None:
        raise NotRegularFileError(reason)
    fd = os.open(path, _READ_FLAGS)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        reason = non_regular_reason(path, status.st_mode)
        if reason is not None:  # swapped for something else since the check above
            raise NotRegularFileError(reason)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        if max_bytes is None:
            return handle.read()
        if status.st_size > max_bytes:
            raise FileTooLargeError(max_bytes, status.st_size)
        # What the file says it holds and one byte more, then the rest up to the limit only
        # if there is more: `read(max_bytes + 1)` allocates that much for every file, which
        # was half the cost of reading a collection of small files.
        data = handle.read(status.st_size + 1)
        if len(data) > status.st_size:
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise FileTooLargeError(max_bytes, None)
    return data
