"""Writing one journal line without reading the whole database (the caller holds the lock).

A write that only adds a document needs, of the database, what the journal line it writes
must carry and what its undo entry is decided on: the snapshot's generation, lineage and
schema, and the keys, states and sizes of the undo history's entries. The snapshot's head
(head.py) holds these, and the journal holds what changed since; the rest of the file (the
annotations, the history's changes) is never read.

`read_tail` returns None when this is not enough or not safe, and the caller then opens the
database whole: no snapshot yet, a snapshot without a head (written by an older newsmark)
or of an older schema, or a journal holding lines of another snapshot (the full write
replaces it with a new snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.errors import StoreError
from annotations.store.head import read_head
from annotations.store.journal import (
    FileStamp,
    append_line,
    journal_path,
    open_regular,
    read_journal,
)
from annotations.store.ops import Data, Op, apply_ops
from annotations.store.schema import ANNOTATIONS_TABLE, HISTORY_TABLE, SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Tail:
    """What a write that appends one line decides on: the snapshot's generation and
    lineage, the history as it is now, the annotations written since the snapshot (by the
    journal), and where the journal's last complete line ends."""

    generation: int
    lineage: str
    history: dict[str, Any]
    journal_annotations: dict[str, Any]
    offset: int
    stamp: FileStamp | None


def read_tail(path: Path) -> Tail | None:
    """The state of the database at `path` that an append needs, or None if the database
    must be opened whole (see the module docstring). Call with the file lock held.

    StoreError if a file cannot be read; CorruptDatabaseError for a journal damaged in the
    middle.
    """
    try:
        with open_regular(path) as file:
            head = read_head(file)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"could not read {path}: {error.strerror or error}") from None
    if head is None or head.schema != SCHEMA_VERSION:
        return None
    journal = read_journal(journal_path(path), 0, head.generation, head.lineage, head.schema)
    if journal.stale:
        return None
    data: Data = {HISTORY_TABLE: dict(head.history), ANNOTATIONS_TABLE: {}}
    apply_ops(
        data,
        (op for op in journal.ops if op.table in (HISTORY_TABLE, ANNOTATIONS_TABLE)),
    )
    return Tail(
        generation=head.generation,
        lineage=head.lineage,
        history=data[HISTORY_TABLE],
        journal_annotations=data[ANNOTATIONS_TABLE],
        offset=journal.offset,
        stamp=journal.stamp,
    )


def append_batch(path: Path, tail: Tail, ops: list[Op]) -> None:
    """Append `ops` as one journal line of the snapshot `tail` was read from, fsync'd.

    Call with the file lock held since `read_tail`. OSError if the disk write fails (the
    journal is then as it was)."""
    batch = {"g": tail.generation, "l": tail.lineage, "ops": [op.to_json() for op in ops]}
    line = orjson.dumps(batch, option=orjson.OPT_APPEND_NEWLINE)
    append_line(journal_path(path), line, tail.offset, tail.stamp)
