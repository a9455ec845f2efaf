"""The annotations as they are now, read once from the snapshot and the journal (for an
export): no undo history kept, no indexes, no table of documents' JSON in memory.

The snapshot is mapped (`mmap`) and its annotations table scanned on every core
(`scan.scan_table`): of each annotation only what an export selects, sorts and checks by,
and where its document lies (`Stored`), the whole annotation parsed only when it is written
(`CurrentAnnotations.annotation`; the file stays mapped until then). The journal's
operations are replayed by the rules of `ops.apply_ops` (a put keeps an annotation's place,
a delete then a put moves it to the end), so the annotations come in the order the store's
table has them. The small tables (tag colours, codebook, memos) are read whole.

Reading is consistent without any lock, as the store's own loading is: the snapshot is
only ever replaced (a new file renamed over it, never written in place), the journal only
appended to (an unfinished last line is ignored), and the snapshot is checked to be still
the file at `path` after the journal was read (else everything is read again). The state
read is therefore the one of some moment: a concurrent write is either all in it or not.

`read_current` returns None when the database is not one this reading handles (no file,
no head, an older schema, anything malformed): the caller then opens the store whole, which
gives the same data or reports what is wrong with it.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.errors import StoreError
from annotations.gc_pause import gc_paused
from annotations.model import Annotation
from annotations.store.compact import Buffer
from annotations.store.head import SnapshotHead, read_head, tables_after
from annotations.store.journal import FileStamp, journal_path, open_regular, read_journal
from annotations.store.ops import Document, Op
from annotations.store.scan import Stored, UnusualTable, load, record, scan_table
from annotations.store.schema import (
    ANNOTATIONS_TABLE,
    CODEBOOK_TABLE,
    HISTORY_TABLE,
    MEMOS_TABLE,
    META_TABLE,
    SCHEMA_VERSION,
    TAG_COLOURS_TABLE,
    document_check,
    looks_like_annotation,
)

# The tables read besides the annotations (the undo history is not).
SMALL_TABLES = (TAG_COLOURS_TABLE, CODEBOOK_TABLE, MEMOS_TABLE)
_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class CurrentAnnotations:
    """Every annotation as it is now, in the store's table order (`Stored`: what an export
    selects and sorts by, the whole annotation read by `annotation`), and the small tables
    (`SMALL_TABLES`, each id -> document; absent ones empty)."""

    annotations: list[Stored]
    tables: dict[str, dict[str, Document]]
    view: Buffer  # the snapshot (mapped): where the annotations' documents are

    def annotation(self, stored: Stored) -> Annotation:
        """The whole annotation `stored` stands for."""
        return load(self.view, stored)

    def record(self, stored: Stored) -> Document:
        """The whole annotation `stored` stands for, as its `Annotation.to_dict`."""
        return record(self.view, stored)

    def take_whole(self) -> list[Annotation]:
        """Every annotation, whole, in the store's table order, emptying `annotations`
        meanwhile (each `Stored` let go as its annotation is made: they are never all in
        memory beside the annotations)."""
        stored = self.annotations
        taken = [load(self.view, stored.pop()) for _ in range(len(stored))]
        taken.reverse()
        return taken


class _Unusual(Exception):
    """The database is not as this reading expects: open it whole instead."""


def read_current(path: Path) -> CurrentAnnotations | None:
    """The annotations of the database at `path` as they are now (see the module
    docstring), or None if it must be opened whole. StoreError if a file cannot be read;
    CorruptDatabaseError for a journal damaged in the middle."""
    path = Path(os.path.realpath(path))  # the journal sits beside the real file (store.py)
    for _attempt in range(_ATTEMPTS):
        try:
            with open_regular(path) as file:
                stamp = FileStamp.from_stat(os.fstat(file.fileno()))
                head = read_head(file)
                if head is None or head.schema != SCHEMA_VERSION:
                    return None
                # Kept mapped while the export is written (the file is only ever replaced,
                # never written in place: its pages stay those of this snapshot).
                view = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            journal = read_journal(
                journal_path(path), 0, head.generation, head.lineage, head.schema
            )
            if FileStamp.of(path) != stamp:
                view.close()
                continue  # a new snapshot meanwhile: its journal may be gone
            try:
                with gc_paused():
                    return _read(view, head, journal.ops)
            except _Unusual:
                view.close()
                return None
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"could not read {path}: {error.strerror or error}") from None
    return None


def _read(view: mmap.mmap, head: SnapshotHead, ops: list[Op]) -> CurrentAnnotations:
    """The state of the snapshot mapped as `view` with the journal's `ops` replayed."""
    tables = _small_tables(view, head)
    touched: set[str] = set()
    for op in ops:
        if op.table == ANNOTATIONS_TABLE:
            touched.add(op.doc_id)
        elif op.table in SMALL_TABLES:
            _apply(tables.setdefault(op.table, {}), op)
    try:
        stored = scan_table(view, head.annotations_at, head.annotations_end)
    except UnusualTable:
        raise _Unusual from None
    if touched:
        stored = _replayed(view, stored, touched, ops)
    return CurrentAnnotations(stored, tables, view)


def _replayed(
    view: mmap.mmap, stored: list[Stored], touched: set[str], ops: list[Op]
) -> list[Stored]:
    """`stored` with the journal's `ops` on the annotations table replayed. The documents
    they touch are parsed and held as stored until then (a put keeps their place in the
    table, a delete and a put move them to its end)."""
    current: dict[str, Stored | Document] = {}
    for item in stored:
        current[item.key] = orjson.loads(view[item.at : item.stop]) if item.key in touched else item
    for op in ops:
        if op.table == ANNOTATIONS_TABLE:
            _apply(current, op)
    replayed = []
    for key, value in current.items():
        if isinstance(value, dict):
            if not looks_like_annotation(value):
                raise _Unusual
            value = Stored.of(key, Annotation.from_dict(value))
        replayed.append(value)
    return replayed


def _apply(table: dict[str, Any], op: Op) -> None:
    """One operation on a table, by the rules of `ops.apply_ops`."""
    if op.kind == "patch":
        stored = table.get(op.doc_id)
        if stored is not None and op.document is not None:
            table[op.doc_id] = {**stored, **op.document}
    elif op.kind == "put":
        table[op.doc_id] = op.document
    else:
        table.pop(op.doc_id, None)


def _small_tables(view: mmap.mmap, head: SnapshotHead) -> dict[str, dict[str, Document]]:
    """The snapshot's tables but the annotations and the history, checked; _Unusual if
    they are not all as newsmark writes them. Read alone when the head says where they
    end (head.py), else with the rest of the file."""
    if view[len(view) - 2 :] != b"}}":  # the last table's end, the file's: not cut short
        raise _Unusual
    rest = tables_after(view, head)
    whole = rest is None
    if rest is None:
        rest = view[: head.annotations_at] + b"{}" + view[head.annotations_end :]
    try:
        data = orjson.loads(rest)
    except orjson.JSONDecodeError:
        raise _Unusual from None
    del rest
    if not isinstance(data, dict) or (whole and data.get(ANNOTATIONS_TABLE) != {}):
        raise _Unusual
    tables: dict[str, dict[str, Document]] = {}
    for name, table in data.items():
        if name in (META_TABLE, ANNOTATIONS_TABLE, HISTORY_TABLE):
            if whole:
                continue
            raise _Unusual  # not among the tables before the history
        check = document_check(name)
        if check is None or not isinstance(table, dict) or not all(map(check, table.values())):
            raise _Unusual
        tables[name] = table
    return tables
