"""The durable TinyDB storage: an atomic JSON snapshot plus an fsync'd append-only journal.

(The annotation store built on it is store.py; this module only knows tables of documents.)

Storage format
--------------
``annotations.json`` (the snapshot) is a TinyDB-shaped JSON object, table name → table,
each table mapping a string document id to a document::

    {"_newsmark": {"1": {"schema": 3, "generation": 3, "app": "newsmark",
                         "lineage": "<32 hex digits>",
                         "history_index": [["000000000042", "done", null, 1234], ...],
                         "annotations_len": 123456}},
     "annotations": {"<annotation id>": {...Annotation.to_dict()...}},
     "tag_colours": {"<tag key>": {"name": "Politics", "colour": "#e06c75"}},
     "history": {"000000000042": {...an undo entry, see history.py...}}}

The `_newsmark` table comes first, then the annotations table; the record carries an index
of the undo history and the length of the annotations table: the snapshot's *head*
(head.py). A write of one annotation reads the head, finds its annotation with the
key index written beside each snapshot (``annotations.json.keys``, key_index.py) or else a
byte search (lookup.py), and appends one journal line under the lock (single.py, append.py). A
snapshot without a head (an older newsmark's) is rewritten with one at the next write.

It is only ever written whole and atomically: a temporary file in the same directory is
written, flushed and fsync'd, then ``os.replace``d over the snapshot and the directory is
fsync'd. A crash at any instant leaves either the old or the new complete snapshot.

``annotations.json.journal`` holds the changes made since the snapshot, one JSON line per
batch (one store operation), appended with a single write and an fsync::

    {"g": 3, "l": "<lineage>", "ops": [["put", "annotations", "<id>", {...}], ...]}

Every snapshot gets a new random ``lineage``, and a journal line belongs to the snapshot whose
lineage and generation it carries: loading reads the snapshot, then replays only the journal
lines whose ``l`` and ``g`` match it. So a journal left behind by another snapshot (a crash
between writing a snapshot and emptying the journal, a database file replaced or deleted
while its journal stayed) is never replayed into this one; the next write replaces such a
journal with a new snapshot. Snapshots written before lineages existed have none; their
journal lines have no ``l`` and are replayed by generation alone, and the first write gives
the database a lineage (a new snapshot).

An unfinished or damaged *last* line (a crash during an append) is ignored and cut off by
the next append; a damaged line followed by others means the file was damaged some other
way, and loading fails. When the journal grows larger than the snapshot (and at least
`COMPACT_BYTES`), a new snapshot is written and the journal is truncated.

Any file that is not JSON, not shaped like this (every document of every table is checked,
see schema.py), empty, or of a newer schema raises `CorruptDatabaseError` and is never
written, renamed or replaced. Older schemas are
migrated in memory (see `MIGRATIONS`); the first write then replaces the file, after
copying the original to ``annotations.json.schema<N>.bak``.

In memory the annotations table is a `CompactTable` (compact.py): each document kept as its
JSON bytes, read from a snapshot with a head one document at a time, and a new dict at every
read (changing a document read changes nothing stored; every change is an operation).

Every write must be made with the store's file lock held, after `refresh()`.

Threads: the in-memory data is only ever changed inside `guard()` (the store passes its
read mutex), and `listener` is told of every change there, so readers in other threads see
each batch whole; disk I/O happens outside it, so a reader never waits for the disk.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from tinydb.storages import Storage

from annotations.atomic import atomic_write_bytes, fsync_directory
from annotations.errors import CorruptDatabaseError, StoreError
from annotations.gc_pause import gc_paused
from annotations.regular_file import describe_file_type
from annotations.store.compact import CompactTable, copy_table, read_table
from annotations.store.head import read_head, snapshot_pieces, written_with_head
from annotations.store.key_index import remove_key_index, write_key_index
from annotations.store.ops import Data, Op, apply_ops
from annotations.store.schema import (
    ANNOTATIONS_TABLE,
    APP_NAME,
    META_TABLE,
    MIGRATIONS,
    SCHEMA_VERSION,
    bad_table_at,
    is_tinydb_v0,
    looks_like_annotation,
    meta_table,
    valid_op,
)

COMPACT_BYTES = 4 * 1024 * 1024
_ANNOTATIONS_KEY = b'"' + ANNOTATIONS_TABLE.encode() + b'":'


def journal_path(path: Path) -> Path:
    """The journal file that belongs to the snapshot at `path`."""
    return path.with_name(path.name + ".journal")


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What identifies one version of a file cheaply: inode, size and modification time."""

    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileStamp:
        """The stamp of an `os.stat`/`os.fstat` result."""
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        """The stamp of the file at `path`, or None if it does not exist."""
        try:
            return cls.from_stat(os.stat(path))
        except FileNotFoundError:
            return None


@dataclass(frozen=True, slots=True)
class JournalRead:
    """What reading the journal found: the snapshot's operations, the offset after the last
    complete line, the journal's stamp, and whether lines of another snapshot were seen."""

    ops: list[Op]
    offset: int
    stamp: FileStamp | None
    stale: bool


@dataclass
class Changes:
    """A change to the in-memory data: a whole new `data` (a reload or a new snapshot), and
    the operations it consists of (replayed journal lines, or a committed batch)."""

    data: Data | None = None
    ops: list[Op] = field(default_factory=list)

    @property
    def reloaded(self) -> bool:
        """Whether the data was read anew (the operations alone do not describe it)."""
        return self.data is not None and not self.ops

    def __bool__(self) -> bool:
        return self.data is not None or bool(self.ops)


Listener = Callable[[Data, Changes], None]


def _no_listener(_data: Data, _changes: Changes) -> None:
    return None


class DurableStorage(Storage):
    """A TinyDB storage kept in memory and made durable by explicit `commit`s.

    `read()` returns the in-memory data without disk I/O and `write()` only replaces it in
    memory: changes become durable through `commit(ops)`, which appends one journal batch
    and applies it, or not at all if the disk write fails.

    `guard` (a context manager factory, e.g. a lock) is held around every change of the
    in-memory data, and `listener(data, changes)` is called inside it after each change.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        compact_bytes: int = COMPACT_BYTES,
        guard: Callable[[], AbstractContextManager[Any]] = nullcontext,
        listener: Listener = _no_listener,
    ) -> None:
        self.path = Path(path)
        self.journal = journal_path(self.path)
        self.compact_bytes = compact_bytes
        self._guard = guard
        self._listener = listener
        self._data: Data = {}
        self._generation = 0
        self._lineage: str | None = None
        self._schema = SCHEMA_VERSION
        self._needs_snapshot = True
        self._stale_journal = False
        self._migrated_from: int | None = None
        self._snapshot_stamp: FileStamp | None = None
        self._journal_stamp: FileStamp | None = None
        self._journal_offset = 0
        self._install(Changes(data=self._load()))

    # TinyDB's Storage interface ------------------------------------------------------

    def read(self) -> Data:  # type: ignore[override]  # tables are mappings (compact.py)
        """The current data (in memory)."""
        return self._data

    def write(self, data: Data) -> None:  # type: ignore[override]
        """Replace the data in memory only; use `commit` for durable changes."""
        self._install(Changes(data=data))

    def _install(self, changes: Changes) -> Changes:
        """Make `changes` the in-memory data, inside the guard, and tell the listener;
        returns them as installed (patches resolved)."""
        with self._guard():
            if changes.data is not None:
                table = changes.data.get(ANNOTATIONS_TABLE)
                if isinstance(table, dict):
                    changes.data[ANNOTATIONS_TABLE] = CompactTable(table)
                self._data = changes.data
            else:  # patches read from the journal become puts of the whole document
                changes = Changes(ops=apply_ops(self._data, changes.ops))
            self._listener(self._data, changes)
        return changes

    # Loading -------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The generation of the snapshot the in-memory data is based on."""
        return self._generation

    @property
    def lineage(self) -> str | None:
        """The random id of that snapshot (None for one written before lineages existed)."""
        return self._lineage

    def _corrupt(self, what: str) -> CorruptDatabaseError:
        return CorruptDatabaseError(f"{self.path} {what}; the file was left untouched")

    def _load(self) -> Data:
        """Read the snapshot and replay the journal, retrying if a snapshot replaced it;
        returns the data (not yet installed) and sets everything else."""
        for _attempt in range(5):
            try:
                with open_regular(self.path) as file:
                    stamp = FileStamp.from_stat(os.fstat(file.fileno()))
                    raw = file.read()
            except FileNotFoundError:
                self._generation = 0
                self._lineage = None
                self._schema = SCHEMA_VERSION
                self._migrated_from = None
                self._needs_snapshot = True
                self._stale_journal = False
                self._snapshot_stamp = None
                self._journal_stamp = FileStamp.of(self.journal)
                self._journal_offset = self._journal_stamp.size if self._journal_stamp else 0
                return {META_TABLE: meta_table(SCHEMA_VERSION, 0)}
            except OSError as error:
                raise StoreError(f"could not read {self.path}: {error.strerror or error}") from None
            with gc_paused():
                data, version, generation, lineage = self._parse(raw)
                journal = self._read_journal(0, generation, lineage, version)
            headless = not written_with_head(raw, data.get(META_TABLE, {}).get("1", {}))
            if FileStamp.of(self.path) == stamp:
                break
        with gc_paused():
            apply_ops(data, journal.ops)
            data = self._migrate(data, version)
            table = data.get(ANNOTATIONS_TABLE)
            if isinstance(table, dict):  # kept as JSON bytes (compact.py)
                data[ANNOTATIONS_TABLE] = CompactTable.taking(table)
        self._generation = generation
        self._lineage = lineage
        self._schema = version
        self._migrated_from = version if version < SCHEMA_VERSION else None
        # A snapshot without a lineage gets one (a new snapshot) at the first write, and
        # one without a head (head.py) gets one, for writes that append without loading.
        self._needs_snapshot = self._migrated_from is not None or lineage is None or headless
        self._stale_journal = journal.stale
        self._snapshot_stamp = stamp
        self._journal_offset = journal.offset
        self._journal_stamp = journal.stamp
        return data

    def _parse(self, raw: bytes) -> tuple[Data, int, int, str | None]:
        """The snapshot's data as stored, and the schema, generation and lineage it was
        stored with (its journal lines carry these; no lineage: an older snapshot)."""
        pieces = self._parse_with_head(raw)
        if pieces is not None:
            return pieces
        if not raw.strip():
            raise self._corrupt("is empty, not a newsmark database")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise self._corrupt("is not valid JSON") from None
        if not isinstance(data, dict):
            raise self._corrupt("is not a newsmark database")
        version = self._schema_of(data)
        if version > SCHEMA_VERSION:
            raise self._corrupt(
                f"was written by a newer newsmark (database schema {version}; "
                f"this version reads up to {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION and version not in MIGRATIONS:
            raise self._corrupt(f"has database schema {version}, which cannot be upgraded")
        bad = bad_table_at(data, version)
        if bad is not None:
            raise self._corrupt(f"is not a newsmark database (table {bad!r} is malformed)")
        record: dict[str, Any] = data[META_TABLE]["1"] if META_TABLE in data else {"generation": 0}
        generation: int = record["generation"]
        lineage: str | None = record.get("lineage")
        return data, version, generation, lineage

    def _parse_with_head(self, raw: bytes) -> tuple[Data, int, int, str | None] | None:
        """What `_parse` returns, for a snapshot of the current schema written with a head,
        read without making every annotation a dict at once (compact.py): the annotations
        table one document at a time, the rest of the file whole. None if the file is not
        as this newsmark writes it, or anything in it is wrong: `_parse` then reads it whole
        (the same data if it is sound, else the same error as always)."""
        head = read_head(io.BytesIO(raw))
        if head is None or head.schema != SCHEMA_VERSION:
            return None
        at, end = head.annotations_at, head.annotations_end
        if raw.find(_ANNOTATIONS_KEY, end) >= 0:  # a second annotations table?
            return None
        try:
            data = orjson.loads(raw[:at] + b"{}" + raw[end:])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or data.get(ANNOTATIONS_TABLE) != {}:
            return None
        version = self._schema_of(data)
        if version != SCHEMA_VERSION or bad_table_at(data, version) is not None:
            return None
        table = read_table(raw, at, end, looks_like_annotation)
        if table is None:
            return None
        data[ANNOTATIONS_TABLE] = table
        record: dict[str, Any] = data[META_TABLE]["1"]
        return data, version, record["generation"], record.get("lineage")

    def _migrate(self, data: Data, version: int) -> Data:
        """`data` (stored at schema `version`, journal replayed) at the current schema."""
        while version < SCHEMA_VERSION:
            data = MIGRATIONS[version](data)
            version = self._schema_of(data)
        return data

    def _schema_of(self, data: dict[str, Any]) -> int:
        meta = data.get(META_TABLE)
        if meta is None:
            if is_tinydb_v0(data):
                return 0
            raise self._corrupt("is not a newsmark database (no _newsmark table)")
        record = meta.get("1") if isinstance(meta, dict) else None
        if (
            not isinstance(record, dict)
            or record.get("app") != APP_NAME
            or not isinstance(record.get("schema"), int)
            or not isinstance(record.get("generation"), int)
            or not isinstance(record.get("lineage", ""), str)
        ):
            raise self._corrupt("is not a newsmark database (bad _newsmark table)")
        return int(record["schema"])

    def _read_journal(
        self, offset: int, generation: int, lineage: str | None, schema: int
    ) -> JournalRead:
        """The journal from `offset` on: the operations of the snapshot with this generation
        and lineage (lines of any other snapshot are skipped), checked against `schema`."""
        return read_journal(self.journal, offset, generation, lineage, schema)

    # Re-reading what other processes wrote ------------------------------------------

    def refresh(self) -> Changes:
        """Catch up with other processes: replay new journal lines, or reload everything.

        The disk is read first; the in-memory data then changes in one guarded step.
        """
        changes = self._changes_on_disk()
        return self._install(changes) if changes else changes

    def _changes_on_disk(self) -> Changes:
        if FileStamp.of(self.path) != self._snapshot_stamp:
            return Changes(data=self._load())
        stamp = FileStamp.of(self.journal)
        if stamp == self._journal_stamp:
            return Changes()
        if (
            stamp is None
            or (self._journal_stamp is not None and stamp.ino != self._journal_stamp.ino)
            or stamp.size < self._journal_offset
            or self._schema != SCHEMA_VERSION  # lines of an older schema: migrate them too
        ):
            return Changes(data=self._load())
        journal = self._read_journal(
            self._journal_offset, self._generation, self._lineage, self._schema
        )
        self._journal_offset, self._journal_stamp = journal.offset, journal.stamp
        self._stale_journal = self._stale_journal or journal.stale
        return Changes(ops=journal.ops)

    # Writing ------------------------------------------------------------------------

    def commit(self, ops: Sequence[Op]) -> None:
        """Make `ops` durable (one journal batch, fsync'd), then apply them in memory.

        Must be called with the file lock held, after `refresh()`. Raises StoreError (and
        changes nothing in memory) if the disk write fails.
        """
        if not ops:
            return
        ops = list(ops)
        try:
            if self._needs_snapshot or self._stale_journal:
                # A new snapshot also replaces a journal holding lines of other snapshots.
                data = {name: copy_table(table) for name, table in self._data.items()}
                apply_ops(data, ops)
                self._backup_before_migration()
                self._install(Changes(data=self._write_snapshot(data), ops=ops))
                return
            lines = [op.to_json() for op in ops]  # only the journal needs them
            batch = {"g": self._generation, "l": self._lineage, "ops": lines}
            self._append(orjson.dumps(batch, option=orjson.OPT_APPEND_NEWLINE))
        except OSError as error:
            raise self._save_error(error) from None
        self._install(Changes(ops=ops))
        snapshot_size = self._snapshot_stamp.size if self._snapshot_stamp else 0
        if self._journal_offset > max(self.compact_bytes, snapshot_size):
            # Compaction is an optimisation: the journal still holds every change if it
            # fails, and it is tried again after the next commit.
            with contextlib.suppress(OSError):
                self._data = self._write_snapshot(self._data)

    def snapshot(self) -> None:
        """Write the whole data as a new snapshot generation and empty the journal."""
        try:
            self._data = self._write_snapshot(self._data)
        except OSError as error:
            raise self._save_error(error) from None

    def remove_leftover_temp_files(self) -> int:
        """Delete snapshot temp files that a crash left beside the DB; how many were removed.

        Call with the file lock held: snapshots are only written under it, so no temp file
        of this DB is being written by anyone then.
        """
        removed = 0
        prefix = f".{self.path.name}."
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.path.parent):
                if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        if entry.is_file(follow_symlinks=False):
                            os.unlink(entry.path)
                            removed += 1
        return removed

    def _save_error(self, error: OSError) -> StoreError:
        reason = error.strerror or str(error)
        return StoreError(f"could not save to {self.path}: {reason}; the change was not saved")

    def _append(self, line: bytes) -> None:
        self._journal_stamp = append_line(
            self.journal, line, self._journal_offset, self._journal_stamp
        )
        self._journal_offset += len(line)

    def _backup_before_migration(self) -> None:
        if self._migrated_from is None:
            return
        backup = self.path.with_name(f"{self.path.name}.schema{self._migrated_from}.bak")
        if not backup.exists():
            shutil.copy2(self.path, backup)

    def _write_snapshot(self, data: Data) -> Data:
        """Atomically replace the snapshot with `data`, at the next generation and with a new
        lineage (so no line of the journal written so far belongs to it); returns the data
        as written (with its new `_newsmark` table), for the caller to install."""
        generation = self._generation + 1
        lineage = uuid.uuid4().hex
        meta = meta_table(SCHEMA_VERSION, generation, lineage)
        out = {META_TABLE: meta, **{name: t for name, t in data.items() if name != META_TABLE}}
        table = out.get(ANNOTATIONS_TABLE)
        if isinstance(table, dict):  # written as compact tables are, and kept so when installed
            out[ANNOTATIONS_TABLE] = CompactTable(table)
        atomic_write_bytes(self.path, snapshot_pieces(out, meta))
        self._generation = generation
        self._lineage = lineage
        self._schema = SCHEMA_VERSION
        self._needs_snapshot = False
        self._migrated_from = None
        self._snapshot_stamp = FileStamp.of(self.path)
        # Older lines are ignored from now on; emptying the journal saves space.
        with contextlib.suppress(OSError):
            os.truncate(self.journal, 0)
        journal = self._read_journal(0, generation, lineage, SCHEMA_VERSION)
        self._journal_offset, self._journal_stamp = journal.offset, journal.stamp
        self._stale_journal = journal.stale
        # Where each annotation lies in it, for writes of one annotation (key_index.py): an
        # optimisation, so a failure leaves the old index, stale from now on (never used).
        with contextlib.suppress(OSError):
            if not write_key_index(self.path, out.get(ANNOTATIONS_TABLE)):
                remove_key_index(self.path)
        return out


def read_journal(
    journal: Path, offset: int, generation: int, lineage: str | None, schema: int
) -> JournalRead:
    """The journal from `offset` on: the operations of the snapshot with this generation
    and lineage (lines of any other snapshot are skipped), checked against `schema`.

    A damaged last line (a crash during an append) ends the read; a damaged line followed
    by others raises CorruptDatabaseError.
    """
    try:
        with open_regular(journal) as file:
            stamp = FileStamp.from_stat(os.fstat(file.fileno()))
            file.seek(offset)
            chunk = file.read()
    except FileNotFoundError:
        return JournalRead([], 0, None, stale=False)
    except OSError as error:
        raise StoreError(f"could not read {journal}: {error.strerror or error}") from None
    *lines, _unfinished = chunk.split(b"\n")
    ops: list[Op] = []
    stale = False
    for number, line in enumerate(lines):
        batch = _parse_batch(line)
        mine = batch is not None and batch["g"] == generation and batch.get("l") == lineage
        if batch is None or (mine and not all(valid_op(op, schema) for op in batch["ops"])):
            if number == len(lines) - 1:
                break  # a damaged last line: a crash during an append
            raise CorruptDatabaseError(
                f"{journal} has a damaged line in the middle; the file was left untouched"
            )
        offset += len(line) + 1
        if mine:
            ops.extend(map(Op.from_json, batch["ops"]))
        else:
            stale = True
    return JournalRead(ops, offset, stamp, stale=stale)


def append_line(journal: Path, line: bytes, offset: int, stamp: FileStamp | None) -> FileStamp:
    """Append `line` to the journal with one write and an fsync, after cutting off what
    follows `offset` (a damaged tail left by a crash); returns the journal's new stamp.

    `offset` and `stamp` are what the last read of the journal found (under the file lock,
    which must still be held: RuntimeError if the journal changed since). On an OSError
    the journal is cut back to `offset`.
    """
    created = not journal.exists()
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
    try:
        found = FileStamp.from_stat(os.fstat(fd))
        if found != stamp and not (created and offset == 0):
            raise RuntimeError("journal changed since it was read: a commit without the lock?")
        if found.size != offset:
            os.ftruncate(fd, offset)  # drop a damaged tail left by a crash
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, offset)
            raise
        new_stamp = FileStamp.from_stat(os.fstat(fd))
    finally:
        os.close(fd)
    if created:
        fsync_directory(journal.parent)
    return new_stamp


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (a link to one is fine).

    Opened without blocking, so a named pipe put where the database should be is refused
    at once instead of hanging (StoreError); FileNotFoundError if there is nothing.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        reason = describe_file_type(os.fstat(fd).st_mode)
        if reason is not None:
            raise StoreError(f"{path} is {reason}, not a database file; nothing was read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _parse_batch(line: bytes) -> dict[str, Any] | None:
    """A journal line as {"g": int, "l": str (optional), "ops": [...]}, or None if damaged
    (the operations' documents are checked by the caller, against the snapshot's schema)."""
    try:
        batch = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not (
        isinstance(batch, dict)
        and isinstance(batch.get("g"), int)
        and isinstance(batch.get("l", ""), str)
        and isinstance(batch.get("ops"), list)
    ):
        return None
    return batch
