"""The head of a snapshot: its `_newsmark` record, stored first, with an index of the history.

A snapshot is written as ``{"_newsmark": {"1": {...}}, "annotations": {...}, <the other
tables>}``. The record carries ``"annotations_len"``, the length in bytes of the
annotations table's JSON that follows it (so one annotation can be found in the file
without parsing the others: lookup.py), and ``"history_index"``: ``[key, state, undone_by
or null, size]`` for every undo history entry, which is all a new undo entry is decided on
(its key, the redo it ends, the entries the cap removes; see `history.entry_ops`). A write
of one annotation (append.py) reads this record, a few kilobytes at the start of the file.

A snapshot written otherwise (by an older newsmark, or by hand) has no head: `read_head`
returns None and the caller opens the database whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

from annotations.store.compact import table_json
from annotations.store.ops import Data
from annotations.store.schema import (
    ANNOTATIONS_TABLE,
    APP_NAME,
    HISTORY_STATES,
    HISTORY_TABLE,
    META_TABLE,
)

_META_START = b'{"' + META_TABLE.encode() + b'":'
_INDEX = "history_index"
_ANNOTATIONS_LEN = "annotations_len"
_TABLES_LEN = "tables_len"
_HISTORY_START = b',"' + HISTORY_TABLE.encode() + b'":'
_ANNOTATIONS_START = b',"' + ANNOTATIONS_TABLE.encode() + b'":'
_CHUNK = 64 * 1024
_MAX_HEAD = 16 * 1024 * 1024  # 100 entries take ~6 KB; more is not a head written here
_HISTORY_KEY = re.compile(r"[0-9]{12}")


@dataclass(frozen=True, slots=True)
class SnapshotHead:
    """What the head of a snapshot holds: its schema, generation, lineage, and the history
    as `entry_ops` needs it (key → {"state", "undone_by", "size"})."""

    schema: int
    generation: int
    lineage: str
    history: dict[str, dict[str, Any]]
    # Where the annotations table's JSON object lies in the file: [start, end).
    annotations_at: int
    annotations_end: int
    # Where the tables after it but the history end (None: not recorded, an older head).
    tables_end: int | None = None


def snapshot_pieces(data: Data, meta: dict[str, Any]) -> Iterator[bytes]:
    """`data` as a snapshot, in pieces to write one after the other (one table's JSON in
    memory at a time): the `_newsmark` table `meta`, its record given the history index, the
    length of the annotations table and that of the other tables but the history, first;
    then the annotations table (an empty one if there is none), the other tables, and the
    undo history last (a reader that needs no history reads the tables before it alone)."""
    index = [
        [key, entry["state"], entry.get("undone_by"), entry["size"]]
        for key, entry in data.get(HISTORY_TABLE, {}).items()
    ]
    table = table_json(data.get(ANNOTATIONS_TABLE, {}))
    others = b"".join(
        b"," + orjson.dumps(name) + b":" + orjson.dumps(documents)
        for name, documents in data.items()
        if name not in (META_TABLE, ANNOTATIONS_TABLE, HISTORY_TABLE)
    )
    record = {**meta["1"], _INDEX: index, _ANNOTATIONS_LEN: len(table), _TABLES_LEN: len(others)}
    yield _META_START + orjson.dumps({"1": record}) + _ANNOTATIONS_START
    yield table
    del table  # not kept while the history is dumped
    yield others
    if HISTORY_TABLE in data:
        yield _HISTORY_START
        yield orjson.dumps(data[HISTORY_TABLE])
    yield b"}"


def tables_after(raw: bytes | memoryview | Any, head: SnapshotHead) -> bytes | None:
    """The JSON of the tables between the annotations table and the history (as one
    object), if the head says where they end and the history (or the end) follows them
    there; else None."""
    end = head.tables_end
    if end is None:
        return None
    after = raw[end : end + len(_HISTORY_START)]
    if after != _HISTORY_START and after != b"}":
        return None
    others = raw[head.annotations_end : end]
    if others and others[:1] != b",":
        return None
    return b"{" + others[1:] + b"}"


def written_with_head(raw: bytes, record: dict[str, Any]) -> bool:
    """Whether the snapshot `raw`, whose `_newsmark` record is `record`, was written with a
    head (else the next write rewrites it, so that the writes after it can append)."""
    return (
        raw.startswith(_META_START)
        and isinstance(record.get(_INDEX), list)
        and type(record.get(_ANNOTATIONS_LEN)) is int
    )


def _valid_item(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 4
        and isinstance(item[0], str)
        and _HISTORY_KEY.fullmatch(item[0]) is not None
        and item[1] in HISTORY_STATES
        and isinstance(item[2], str | None)
        and type(item[3]) is int
    )


def read_head(file: BinaryIO) -> SnapshotHead | None:
    """The head of the snapshot open as `file` (at its start), or None if it has none or
    it is not as `snapshot_bytes` writes it."""
    start = file.read(_CHUNK)
    if not start.startswith(_META_START):
        return None
    end = start.find(b"}}", len(_META_START))  # the record holds no objects
    while end < 0 or len(start) < end + 2 + len(_ANNOTATIONS_START):
        more = file.read(_CHUNK) if len(start) < _MAX_HEAD else b""
        if not more:
            return None
        start += more
        if end < 0:
            end = start.find(b"}}", len(_META_START))
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
        and isinstance(record.get(_INDEX), list)
        and all(map(_valid_item, record[_INDEX]))
        and type(record.get(_ANNOTATIONS_LEN)) is int
    ):
        return None
    annotations_at = end + 2 + len(_ANNOTATIONS_START)
    annotations_end = annotations_at + record[_ANNOTATIONS_LEN]
    if start[end + 2 : annotations_at] != _ANNOTATIONS_START:
        return None
    history = {
        key: {"state": state, "undone_by": undone_by, "size": size}
        for key, state, undone_by, size in record[_INDEX]
    }
    tables_len = record.get(_TABLES_LEN)
    return SnapshotHead(
        record["schema"],
        record["generation"],
        record["lineage"],
        history,
        annotations_at,
        annotations_end,
        annotations_end + tables_len if type(tables_len) is int and tables_len >= 0 else None,
    )
