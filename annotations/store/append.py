"""Writing one journal line without reading the whole database (the caller holds the lock).

A write that only adds a document needs, of the database, what the journal line it writes
must carry and what its undo entry is decided on: the snapshot's generation, lineage and
schema, and the keys, states and sizes of the undo history's entries. The snapshot's head
(head.py) holds these, and the journal holds what changed since; the rest of the file (the
annotations, the history's changes) is never read.

`read_tail` returns None when this is not enough or not safe, and the caller then opens the
database whole: no snapshot yet, a snapshot without a head (written by an older newsmark)
or of an older schema, a journal holding lines of another snapshot (the full write
replaces it with a new snapshot), or a journal longer than FAST_JOURNAL_BYTES (the caller
then writes a new snapshot).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.errors import StoreError
from annotations.store.head import SnapshotHead, read_head
from annotations.store.journal import (
    FileStamp,
    append_line,
    journal_path,
    open_regular,
    read_journal,
)
from annotations.store.key_index import indexed_spans
from annotations.store.lookup import SAFE_ID, current_documents, snapshot_matches
from annotations.store.ops import Data, Document, Op, apply_ops
from annotations.store.schema import ANNOTATIONS_TABLE, HISTORY_TABLE, SCHEMA_VERSION

# Every write here reads the whole journal: past this size the write is made by opening the
# database whole, and the journal is then compacted (`journal_too_long`).
FAST_JOURNAL_BYTES = 16 * 1024 * 1024


def journal_too_long(path: Path) -> bool:
    """Whether the journal of the database at `path` is too long for writes that read it
    whole each time (FAST_JOURNAL_BYTES): a write that opened the database whole should then
    write a new snapshot."""
    stamp = FileStamp.of(journal_path(path))
    return stamp is not None and stamp.size > FAST_JOURNAL_BYTES


@dataclass(frozen=True, slots=True)
class Tail:
    """What a write that appends one line decides on: the snapshot's head (generation,
    lineage, where its annotations lie) and stamp, the history as it is now, the journal's
    operations on annotations, and where the journal's last complete line ends."""

    head: SnapshotHead
    snapshot_stamp: FileStamp
    history: dict[str, Any]
    annotation_ops: list[Op]
    offset: int
    stamp: FileStamp | None

    @property
    def generation(self) -> int:
        """The snapshot's generation (every journal line carries it)."""
        return self.head.generation

    @property
    def lineage(self) -> str:
        """The snapshot's lineage (every journal line carries it)."""
        return self.head.lineage


def read_tail(path: Path) -> Tail | None:
    """The state of the database at `path` that an append needs, or None if the database
    must be opened whole (see the module docstring). Call with the file lock held.

    StoreError if a file cannot be read; CorruptDatabaseError for a journal damaged in the
    middle.
    """
    try:
        with open_regular(path) as file:
            stamp = FileStamp.from_stat(os.fstat(file.fileno()))
            head = read_head(file)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"could not read {path}: {error.strerror or error}") from None
    if head is None or head.schema != SCHEMA_VERSION or journal_too_long(path):
        return None
    journal = read_journal(journal_path(path), 0, head.generation, head.lineage, head.schema)
    if journal.stale:
        return None
    data: Data = {HISTORY_TABLE: dict(head.history)}
    apply_ops(data, (op for op in journal.ops if op.table == HISTORY_TABLE))
    return Tail(
        head=head,
        snapshot_stamp=stamp,
        history=dict(data[HISTORY_TABLE]),
        annotation_ops=[op for op in journal.ops if op.table == ANNOTATIONS_TABLE],
        offset=journal.offset,
        stamp=journal.stamp,
    )


def find_annotations(
    path: Path, tail: Tail, prefix: str, *, exact: bool = False
) -> dict[str, Document] | None:
    """The annotations whose id starts with `prefix` (is `prefix`, if `exact`), as they are
    now (snapshot and journal), by id; None if they cannot be found without opening the
    database whole (an id of other characters than `lookup.SAFE_ID`'s, a damaged
    document). Call with the file lock held since `read_tail`.

    The snapshot's key index (key_index.py) says where they are when it is the index of
    this snapshot; else the annotations table is searched. A prefix that is itself the id
    of an annotation there now is that annotation (an exact id wins, as in
    `AnnotationStore.get`), found without reading the rest of the index."""
    if not SAFE_ID.fullmatch(prefix):
        return None
    size = tail.snapshot_stamp.size
    try:
        with open_regular(path) as file:
            if FileStamp.from_stat(os.fstat(file.fileno())) != tail.snapshot_stamp:
                return None  # not the snapshot `tail` was read from: never under the lock
            if not exact:
                spans = indexed_spans(
                    path, tail.head, size, prefix, exact=True, confirm_absence=False
                )
                if spans is not None:
                    itself = snapshot_matches(
                        file.fileno(), tail.head, prefix, exact=True, spans=spans
                    )
                    current = current_documents(itself or {}, tail.annotation_ops, prefix)
                    if prefix in current:
                        return {prefix: current[prefix]}
            spans = indexed_spans(path, tail.head, size, prefix, exact=exact)
            found = snapshot_matches(file.fileno(), tail.head, prefix, exact=exact, spans=spans)
    except OSError as error:
        raise StoreError(f"could not read {path}: {error.strerror or error}") from None
    if found is None:
        return None
    current = current_documents(found, tail.annotation_ops, prefix)
    if exact:
        return {prefix: current[prefix]} if prefix in current else {}
    return current


def append_batch(path: Path, tail: Tail, ops: list[Op]) -> None:
    """Append `ops` as one journal line of the snapshot `tail` was read from, fsync'd.

    Call with the file lock held since `read_tail`. OSError if the disk write fails (the
    journal is then as it was)."""
    batch = {"g": tail.generation, "l": tail.lineage, "ops": [op.to_json() for op in ops]}
    line = orjson.dumps(batch, option=orjson.OPT_APPEND_NEWLINE)
    append_line(journal_path(path), line, tail.offset, tail.stamp)
