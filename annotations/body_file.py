"""The article bodies of a collection's index, as UTF-8 one after another in one file.

The index (`annotations.corpus_index`) records where each body is (byte offset and
length); this file only holds the bytes. A search reads thousands of bodies a second, each
with one `pread` (1.7 µs for 3.4 KB, where a SQLite row cost 4 µs): no query per body, and
nothing kept in the process's memory. (A memory map was not faster, and every body sliced
from it brought its file pages, up to large folios, into the process's resident memory.)

Bodies are only ever appended, by the one process holding the index's write lock, and made
durable (`sync`) before the index rows that point at them are committed: a committed row
never points at bytes that were not written. The bodies of re-parsed or removed files stay
behind as dead bytes until the index is rebuilt. Bytes past the end of the file are "no
body" (the caller then reads the article's file).

An index that lives in memory (its cache directory cannot be written) keeps its bodies in
memory too (`MemoryBodies`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

Span = tuple[int, int]  # (offset, length) of a body in the file
MAX_RUN = 4 << 20  # at most this many bytes read by one `pread` of `read_many`


def decoded(body: bytes | None) -> str | None:
    """A body read from a body file as text (None for none, or for bytes that are not UTF-8:
    not what was written there, so the caller reads the article's own file)."""
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def utf8_or_none(body: bytes | None) -> bytes | None:
    """`decoded` for a caller that reads the bytes: the body when it is UTF-8, else None
    (not what was written there: the caller reads the article's own file)."""
    if body is None or body.isascii():
        return body
    return body if decoded(body) is not None else None


class BodyFile:
    """The body file at `path`, read with `pread`."""

    def __init__(self, path: Path, *, create: bool = False, writable: bool = True) -> None:
        """Open the body file at `path` (OSError when it is missing, unless `create`);
        read-only unless `writable`."""
        self.path = path
        self._lock = threading.Lock()
        flags = (os.O_RDWR if writable else os.O_RDONLY) | os.O_CLOEXEC
        fd = os.open(path, flags | (os.O_CREAT if create else 0), 0o644)
        # Held as a file object, so that a body file never closed is closed when collected.
        self._file = open(fd, "r+b" if writable else "rb", buffering=0)  # noqa: SIM115
        self._fd = fd

    def append(self, bodies: list[bytes]) -> list[Span]:
        """Write `bodies` at the end of the file; their (offset, length). Only under the
        index's write lock (no other process appends meanwhile). Raises OSError (a full
        disk): then nothing written is pointed at."""
        with self._lock:
            at = os.fstat(self._fd).st_size
            data = memoryview(b"".join(bodies))
            written = 0
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], at + written)
        spans = []
        for body in bodies:
            spans.append((at, len(body)))
            at += len(body)
        return spans

    def sync(self) -> None:
        """Make what was appended durable (before the rows pointing at it are committed)."""
        os.fsync(self._fd)

    def size(self) -> int:
        """The file's size in bytes now."""
        return os.fstat(self._fd).st_size

    def read(self, at: int, length: int) -> bytes | None:
        """The `length` bytes at offset `at`, or None when the file does not have them."""
        return self.read_many([(at, length)])[0]

    def read_many(self, spans: Sequence[Span]) -> list[bytes | None]:
        """`read` of each span, in the order given: spans that follow each other in the
        file (the bodies of neighbouring articles, as a first index writes them) are read
        with one `pread`, up to `MAX_RUN` bytes. A span outside the file (a corrupt offset
        or length) is None, never read."""
        fd, pread, size = self._fd, os.pread, self.size()
        found: list[bytes | None] = []
        run: list[Span] = []  # spans that follow each other, all inside the file
        run_start = run_end = 0

        def flush() -> None:
            if len(run) == 1:
                found.append(pread(fd, run[0][1], run[0][0]))
            elif run:
                block = pread(fd, run_end - run_start, run_start)
                for at, length in run:
                    offset = at - run_start
                    fits = offset + length <= len(block)
                    found.append(block[offset : offset + length] if fits else None)
            run.clear()

        for at, length in spans:
            if at < 0 or length < 0 or at + length > size:
                flush()
                found.append(None)
            elif run and at == run_end and run_end - run_start + length <= MAX_RUN:
                run.append((at, length))
                run_end += length
            else:
                flush()
                run.append((at, length))
                run_start, run_end = at, at + length
        flush()
        return [
            body if body is None or len(body) == span[1] else None
            for body, span in zip(found, spans, strict=True)
        ]

    def close(self) -> None:
        """Close the file (a read after this fails, never reads whatever file the
        descriptor's number is given to next)."""
        with self._lock, contextlib.suppress(OSError):
            self._fd = -1
            self._file.close()


class MemoryBodies(BodyFile):
    """Bodies kept in memory, for an index that lives in memory."""

    def __init__(self) -> None:
        self.path = Path(os.devnull)
        self._lock = threading.Lock()
        self._data = bytearray()

    def append(self, bodies: list[bytes]) -> list[Span]:
        """Keep `bodies`; their (offset, length)."""
        spans = []
        with self._lock:
            for body in bodies:
                spans.append((len(self._data), len(body)))
                self._data += body
        return spans

    def sync(self) -> None:
        """Nothing to make durable."""

    def size(self) -> int:
        """How many bytes are kept."""
        return len(self._data)

    def read(self, at: int, length: int) -> bytes | None:
        """The `length` bytes at `at`, or None."""
        with self._lock:
            if at < 0 or length < 0 or at + length > len(self._data):
                return None
            return bytes(self._data[at : at + length])

    def read_many(self, spans: Sequence[Span]) -> list[bytes | None]:
        """`read` of each span."""
        return [self.read(at, length) for at, length in spans]

    def close(self) -> None:
        """Let go of the bodies."""
        with self._lock:
            self._data = bytearray()
