"""The head of a snapshot: its `_newsmark` record and the undo history, stored first.

A snapshot is written as ``{"_newsmark": {...}, "history": {...}, <the other tables>}``,
the `_newsmark` record carrying ``"history_len"``, the length in bytes of the history's
JSON. A write that only adds an annotation (append.py) reads these two tables, a few
hundred kilobytes at most (the history is capped), and never parses the annotations that
make up the rest of the file.

A snapshot written otherwise (by an older newsmark, or by hand) has no head: `read_head`
returns None and the caller opens the database whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

from annotations.store.ops import Data
from annotations.store.schema import (
    APP_NAME,
    HISTORY_TABLE,
    META_TABLE,
    bad_table_at,
)

_META_START = b'{"' + META_TABLE.encode() + b'":'
_HISTORY_START = b',"' + HISTORY_TABLE.encode() + b'":'
_MAX_META = 4096  # the record is ~150 bytes: more means it is not a head written here


@dataclass(frozen=True, slots=True)
class SnapshotHead:
    """What the head of a snapshot holds: its schema, generation, lineage and history."""

    schema: int
    generation: int
    lineage: str
    history: dict[str, Any]


def snapshot_bytes(data: Data, meta: dict[str, Any]) -> bytes:
    """`data` as a snapshot: the `_newsmark` table `meta` (whose record gets
    `history_len`) first, then the history, then the other tables."""
    history = orjson.dumps(data.get(HISTORY_TABLE, {}))
    record = {**meta["1"], "history_len": len(history)}
    rest = orjson.dumps(
        {name: table for name, table in data.items() if name not in (META_TABLE, HISTORY_TABLE)}
    )
    head = _META_START + orjson.dumps({"1": record}) + _HISTORY_START + history
    return head + (b"," + rest[1:] if rest != b"{}" else b"}")


def written_with_head(raw: bytes, record: dict[str, Any]) -> bool:
    """Whether the snapshot `raw`, whose `_newsmark` record is `record`, was written with a
    head (else the next write rewrites it, so that the writes after it can append)."""
    return raw.startswith(_META_START) and type(record.get("history_len")) is int


def read_head(file: BinaryIO) -> SnapshotHead | None:
    """The head of the snapshot open as `file`, or None if it has none (or is damaged:
    the whole read that follows finds out). The history's documents are checked."""
    size = os.fstat(file.fileno()).st_size
    start = file.read(_MAX_META)
    if not start.startswith(_META_START):
        return None
    end = start.find(b"}}", len(_META_START))  # the record holds no objects
    if end < 0:
        return None
    try:
        meta = orjson.loads(start[len(_META_START) : end + 2])
    except orjson.JSONDecodeError:
        return None
    record = meta.get("1") if isinstance(meta, dict) else None
    if not (
        isinstance(record, dict)
        and record.get("app") == APP_NAME
        and type(record.get("schema")) is int
        and type(record.get("generation")) is int
        and isinstance(record.get("lineage"), str)
        and type(record.get("history_len")) is int
    ):
        return None
    history_at = end + 2 + len(_HISTORY_START)
    history_end = history_at + record["history_len"]
    if start[end + 2 : history_at] != _HISTORY_START or history_end >= size:
        return None
    file.seek(history_at)
    raw = file.read(record["history_len"] + 1)
    if raw[-1:] not in (b",", b"}"):
        return None
    try:
        history = orjson.loads(raw[:-1])
    except orjson.JSONDecodeError:
        return None
    file.seek(size - 1)
    if file.read(1) != b"}" or bad_table_at({HISTORY_TABLE: history}, record["schema"]):
        return None
    return SnapshotHead(record["schema"], record["generation"], record["lineage"], history)
