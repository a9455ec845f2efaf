"""The snapshot's key index: where each annotation's document lies in the snapshot, by id.

``annotations.json.keys`` is written beside a snapshot each time one is written (under the
file lock, after the snapshot is in place), so that a write of one annotation (single.py)
finds it, or any annotation whose id starts with a prefix, with a binary search instead of
a search of the whole annotations table (lookup.py). It is a text file::

    newsmark-keys 2 <lineage> <generation> <snapshot size> <table start> <table end> <crc> <bytes>
    <id>\\t<start>\\t<end>          one line per annotation, sorted by id

It is an optimisation and is never trusted blindly: it is used only if its first line names
the lineage (random for every snapshot), generation, size and annotations table of the
snapshot read under the lock, its size is the one it records and its lines have the CRC-32
it records (a damaged line could leave an id out of a prefix's matches: about 15 ms at a
million annotations); and every document it points at is checked to be, at those bytes,
the table's document with that id (else the table is searched). A missing, stale (a crash
between writing the snapshot and it, an older newsmark's snapshot) or damaged index is
ignored. Written only when every id is a
`SAFE_ID` (tab- and newline-free, ordered alike as text and bytes).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
import stat
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotations.atomic import atomic_write_bytes
from annotations.store.compact import CompactTable
from annotations.store.head import SnapshotHead, read_head
from annotations.store.lookup import SAFE_ID

_MAGIC = b"newsmark-keys"
_SAFE_IDS = re.compile(SAFE_ID.pattern + r"(?:\n" + SAFE_ID.pattern + r")*")
_VERSION = b"2"
# A document's place in the snapshot: (id, start, end) of its bytes.
Span = tuple[str, int, int]


def key_index_path(path: Path) -> Path:
    """The key index that belongs to the snapshot at `path`."""
    return path.with_name(path.name + ".keys")


def write_key_index(path: Path, table: Mapping[str, Any] | None) -> bool:
    """Write the key index of the snapshot just written at `path` from its annotations
    `table` (as it was written); True if written. Call with the file lock held. Nothing is
    written (an old index is stale from now on) for a table not kept compact, an id that is
    not a `SAFE_ID`, or a snapshot whose head does not place the table as written."""
    if not isinstance(table, CompactTable):
        return False
    with open(path, "rb") as file:  # just written, under the lock
        size = os.fstat(file.fileno()).st_size
        head = read_head(file)
    if head is None:
        return False
    body = _lines(table, head)
    if body is None:
        return False
    stem = _stem(head, size) + str(zlib.crc32(body)).encode() + b" "
    digits = 1  # the first line ends with the file's size, its own digits included
    while len(str(len(stem) + digits + 1 + len(body))) != digits:
        digits += 1
    header = stem + str(len(stem) + digits + 1 + len(body)).encode() + b"\n"
    atomic_write_bytes(key_index_path(path), [header, body], make_parents=False)
    return True


def _lines(table: CompactTable, head: SnapshotHead) -> bytes | None:
    """The index's lines, sorted: where each document of `table` lies in the snapshot of
    head `head` (whose annotations table is `table.to_json()`); None if an id is not a
    `SAFE_ID` or the table does not end where the head says (not laid out as assumed)."""
    if len(table) and not _SAFE_IDS.fullmatch("\n".join(table)):
        return None
    lines: list[str] = []
    append = lines.append
    position = head.annotations_at + 1  # after the opening brace
    for key, raw in table.stored_items():  # laid out as `to_json` does: "key":{...},
        start = position + len(key) + 3
        position = start + len(raw)
        append(f"{key}\t{start}\t{position}\n")
        position += 1
    if (position if lines else position + 1) != head.annotations_end:
        return None
    lines.sort()  # by id: a tab sorts before any character of an id
    return "".join(lines).encode("ascii")


def _stem(head: SnapshotHead, snapshot_size: int) -> bytes:
    """The first line of the key index of this snapshot, but the index's size."""
    fields = [head.lineage, head.generation, snapshot_size, head.annotations_at]
    fields.append(head.annotations_end)
    return b" ".join([_MAGIC, _VERSION, *(str(field).encode() for field in fields)]) + b" "


def indexed_spans(
    path: Path,
    head: SnapshotHead,
    snapshot_size: int,
    prefix: str,
    *,
    exact: bool = False,
    confirm_absence: bool = True,
) -> list[Span] | None:
    """Where the annotations whose id starts with `prefix` (is `prefix`, if `exact`) lie in
    the snapshot at `path` (of head `head` and size `snapshot_size`), according to its key
    index; None if there is no index for that snapshot (or it is damaged).

    The lines' CRC-32 is checked before the index is trusted to have left nothing out (a
    damaged line could): for a prefix, and for an exact id it lacks. An exact id it has
    needs no such check (the caller checks the document found there), so editing an
    annotation by its id does not read the whole index. Without `confirm_absence`, an
    exact id the index lacks gives None at once."""
    try:
        fd = os.open(key_index_path(path), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return None  # not a file written here (a pipe is never read: no blocking)
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as view:
            body = view.find(b"\n", 0, 4096) + 1
            stem = _stem(head, snapshot_size)
            if view[: len(stem)] != stem or view[info.st_size - 1 :] != b"\n":
                return None
            crc, size = view[len(stem) : body - 1].split(b" ")
            if int(size) != info.st_size:
                return None
            found = _matches(view, body, prefix.encode("ascii"), exact=exact)
            if exact and (found or not confirm_absence):
                return found or None
            return found if int(crc) == _crc(view, body) else None
    except (OSError, ValueError):  # unreadable, or a line that is not one written here
        return None
    finally:
        os.close(fd)


def _matches(view: mmap.mmap, body: int, prefix: bytes, *, exact: bool) -> list[Span]:
    """The lines from the first whose id is at least `prefix` on, while their id starts
    with it (is it, if `exact`): a binary search over the sorted lines."""
    low, high = body, len(view)
    while low < high:
        middle = (low + high) // 2
        start = view.rfind(b"\n", body - 1, middle) + 1  # the line holding `middle`
        if _key(view, start) < prefix:
            low = view.find(b"\n", start) + 1
        else:
            high = start
    found: list[Span] = []
    while low < len(view):
        end = view.find(b"\n", low)
        key, at, stop = view[low:end].split(b"\t")
        if not key.startswith(prefix) or (exact and key != prefix):
            break
        found.append((key.decode("ascii"), int(at), int(stop)))
        low = end + 1
    return found


def _crc(view: mmap.mmap, start: int) -> int:
    """The CRC-32 of the index's bytes from `start` on (its lines), read in place."""
    with memoryview(view) as whole, whole[start:] as lines:
        return zlib.crc32(lines)


def _key(view: mmap.mmap, start: int) -> bytes:
    return view[start : view.find(b"\t", start)]


def remove_key_index(path: Path) -> None:
    """Delete the key index of the snapshot at `path`, if any."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(key_index_path(path))
