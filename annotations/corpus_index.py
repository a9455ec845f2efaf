"""The collection's persistent index: one SQLite file per collection in the cache directory.

It holds what the library shows about every article (metadata, content hash), each file's
size and modification time (so only changed files are parsed again), where each article's
body is in the body file beside it (`annotations.body_file`: the bodies as UTF-8, read
on demand; `meta` records how far the file was written, so a file found cut short is a
corrupt index, rebuilt), and a full-text index of trigrams over the case-folded
bodies (FTS5, `detail=none`: about 0.4 times the text), built on the first search and
kept up to date afterwards. The full-text index only narrows a search down to the
articles that contain every trigram of the query; the search itself is exact.

The index is a cache: when it cannot be opened or written (a read-only cache directory, a
corrupt file) it is rebuilt or kept in memory for this run, never an error.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotations.body_file import BodyFile, MemoryBodies, Span, decoded
from annotations.errors import IndexChangingError
from annotations.priority import give_way
from annotations.search_prefilter import TrigramGroups

if TYPE_CHECKING:
    from annotations.indexing import IndexedFile

# 4: bodies in a file of their own; 3: SQLite; 2: HTML metadata from JSON-LD/Open Graph
SCHEMA_VERSION = 4
FTS_BATCH = 2_000
COMMIT_FILES = 5_000
INSERT_FILES = 500  # files written by one executemany per table
BULK_CACHE_SIZE = -16_384  # PRAGMA cache_size while updating (negative: in KiB), 16 MiB
ROWS_BETWEEN_GIVING_WAY = 8_192  # (see `article_tuples`)
# Fewer articles than this are simply all read: the full-text index would not pay.
FULL_TEXT_MIN_ARTICLES = 50
# How long `rows_of` waits for another process to give re-indexed articles their ids.
IDS_WAIT_S = 60.0
IDS_POLL_S = 0.05
AUTHOR_SEPARATOR = "\x1f"
_TABLES = ("meta", "files", "articles", "bodies", "fts")
_SCHEMA = """
-- Paths are bytes (os.fsencode): a file name need not be valid UTF-8.
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE files(path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER, notices TEXT);
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY AUTOINCREMENT, path BLOB, seq INTEGER, id TEXT, base_id TEXT,
    title TEXT, source TEXT, date TEXT, authors TEXT, url TEXT, words INTEGER, format TEXT,
    encoding TEXT, record INTEGER, hash TEXT);
CREATE INDEX articles_path ON articles(path, seq);
CREATE INDEX articles_id ON articles(id);
-- Where each article's body is in the body file (bytes), and its file's size and
-- modification time as indexed (copied from `files`: a search checks them with no join).
CREATE TABLE bodies(
    rowid INTEGER PRIMARY KEY, at INTEGER, length INTEGER, size INTEGER, mtime_ns INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(
    body, content='', detail=none, tokenize='trigram case_sensitive 1');
"""
# An article a search may read: id, rowid, file path (relative, bytes), where its body is in
# the body file (offset, length) and its file's (size, mtime_ns) when it was indexed.
BodyRow = tuple[str, int, bytes, int, int, int, int]
# (rowid, id) of an article: what `matching` gives, for `rows_of` to turn into `BodyRow`s.
ArticleKey = tuple[int, str]
_BODY_ROW = "a.id, a.rowid, a.path, b.at, b.length, b.size, b.mtime_ns"
ARTICLE_COLUMNS = (
    "rowid, path, id, base_id, title, source, date, authors, url, words, format, encoding, "
    "record, hash"
)


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article as listed by the index (`id` is the id last given to it)."""

    rowid: int
    path: str
    id: str | None
    base_id: str
    title: str
    source: str | None
    date: str | None
    authors: tuple[str, ...]
    url: str | None
    words: int
    format: str
    encoding: str
    record: int | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class CollectionScan:
    """A full look at the collection: when it started (`time.time_ns()`), each directory
    (path relative to the collection, `/`-separated; `""` for the root) with its modification
    time taken before its entries were listed, and the notices of the collection then
    (files skipped as unreadable, then the notices of parsing)."""

    started_ns: int
    dirs: tuple[tuple[str, int], ...]
    notices: tuple[str, ...]


def _row(values: tuple[Any, ...]) -> ArticleRow:
    rowid, path, id_, base_id, title, source, date, authors, url, words, fmt, enc, rec, h = values
    return ArticleRow(
        rowid,
        os.fsdecode(path),
        id_,
        base_id,
        title,
        source,
        date,
        split_authors(authors),
        url,
        words,
        fmt,
        enc,
        rec,
        h,
    )


def split_authors(joined: str) -> tuple[str, ...]:
    """The authors as stored: joined by U+001F (which normalised text never contains)."""
    return tuple(joined.split(AUTHOR_SEPARATOR)) if joined else ()


class CorpusIndex:
    """The SQLite index of one collection (in memory when `path` is None)."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.RLock()
        self._db, self._body_file = self._connect(path)
        # None also when the index could not be opened at `path` and is kept in memory.
        self.path = None if isinstance(self._body_file, MemoryBodies) else path
        # Removals and replacements of files' articles (see `others_removed`): the count as
        # of this connection's start plus its own committed ones, and its own not yet
        # committed.
        self._removals_seen = self._removals()
        self._pending_removals = 0

    @classmethod
    def reader(cls, path: Path, *, like: CorpusIndex | None = None) -> CorpusIndex | None:
        """Another connection to the index at `path`, which exists and is being written by
        the first one: read-only, and never checked, rebuilt or thrown away as `__init__`
        may do (which would be wrong while another connection writes it). None when it
        cannot be opened.

        With `like` (the connection that read rowids or body spans the new one is to be
        given): None unless the index at `path` is still the one `like` reads (not rebuilt
        since), and the new connection counts removals from where `like` started."""
        db = None
        try:
            db = sqlite3.connect(path, check_same_thread=False, timeout=30)
            db.execute("PRAGMA query_only=ON")
            body_path = _body_file_path(db, path)
            if like is not None and body_path != like._body_file.path:
                db.close()
                return None
            bodies = BodyFile(body_path, writable=False)
        except (sqlite3.Error, OSError, ValueError):
            if db is not None:
                db.close()
            return None
        index = cls.__new__(cls)
        index.path = path
        index._lock = threading.RLock()
        index._db = db
        index._body_file = bodies
        index._pending_removals = 0
        index._removals_seen = index._removals() if like is None else like._removals_seen
        return index

    def in_child(self) -> CorpusIndex | None:
        """This index for a forked process (a search worker): a connection of its own
        (read-only) that counts removals from where this one started (`others_removed`).
        None when the index was rebuilt since (open the new one with `reader`: its rows
        and body file go together) or cannot be opened."""
        if self.path is None:
            return None
        return CorpusIndex.reader(self.path, like=self)

    @staticmethod
    def _connect(path: Path | None) -> tuple[sqlite3.Connection, BodyFile]:
        """The database and body file at `path` (rebuilt when corrupt or outdated), or both
        in memory when they cannot be opened there."""
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                opened = _open_checked(path)
                if opened is not None:
                    return opened
                _remove_index(path)  # corrupt or from another version
                opened = _open_checked(path)
                if opened is not None:
                    return opened
            except (OSError, sqlite3.Error):
                pass
        db = sqlite3.connect(":memory:", check_same_thread=False)
        with db:
            _create(db, None)
        return db, MemoryBodies()

    def close(self) -> None:
        """Close the database and the body file."""
        with self._lock:
            self._db.close()
            self._body_file.close()

    # Reading ------------------------------------------------------------------------

    def files(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of every indexed file, by path relative to the collection."""
        with self._lock:
            rows = self._db.execute("SELECT path, size, mtime_ns FROM files")
            return {os.fsdecode(path): (size, mtime) for path, size, mtime in rows}

    def file_rowid_bound(self) -> int:
        """One more than the highest rowid of the indexed files (see `file_states`)."""
        with self._lock:
            return int(
                self._db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM files").fetchone()[0]
            )

    def file_states(self, low: int, high: int) -> list[tuple[bytes, int, int]]:
        """(path relative to the collection, as bytes; size; mtime_ns) of the indexed files
        whose rowid is in [low, high): the fast way to check them all, a range at a time."""
        with self._lock:
            return self._db.execute(
                "SELECT path, size, mtime_ns FROM files WHERE rowid >= ? AND rowid < ?",
                (low, high),
            ).fetchall()

    def notices(self) -> list[str]:
        """Notices recorded while parsing the files, in path order."""
        # Sorted here, not by SQLite: `ORDER BY path` walks the whole path index and looks
        # up every row, when only a few files have notices. They are stored as the bytes
        # orjson makes, so the empty list is the blob `[]` (x'5b5d'), not the text.
        with self._lock:
            rows = self._db.execute(
                "SELECT path, notices FROM files WHERE notices NOT IN (x'5b5d', '[]')"
            ).fetchall()
        return [notice for _, text in sorted(rows) for notice in orjson.loads(text)]

    def scan(self) -> CollectionScan | None:
        """What the last full look at the collection recorded (`record_scan`), or None."""
        with self._lock:
            text = self._meta("scan")
        if text is None:
            return None
        try:
            value = orjson.loads(text)
            return CollectionScan(
                value["started_ns"],
                tuple((path, mtime) for path, mtime in value["dirs"]),
                tuple(value["notices"]),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    def append_only(self) -> bool:
        """Whether the user declared the collection append-only (`set_append_only`)."""
        with self._lock:
            return self._meta("append_only") == "1"

    def set_append_only(self, append_only: bool) -> None:
        """Record whether the collection's files are never rewritten in place (new
        articles come as new files; a changed article replaces its file, which changes the
        directory): then a command trusts the index when no directory changed, without
        checking every file (`IndexedCollection.open`). A rebuilt index forgets it."""
        with self._lock, self._db:
            self._set_meta("append_only", "1" if append_only else "0")

    def complete(self) -> bool:
        """Whether every article has its id recorded (the last open finished)."""
        with self._lock:
            return (
                self._db.execute("SELECT 1 FROM articles WHERE id IS NULL LIMIT 1").fetchone()
                is None
            )

    def listing(self) -> Iterator[tuple[str, str, str | None, str | None, str, int]]:
        """(id, title, source, date, authors joined, words) of every article, by id, read a
        chunk at a time (see `split_authors`)."""
        yield from self._chunks(
            "SELECT id, title, source, date, authors, words FROM articles ORDER BY id", ()
        )

    def listed_rows(self) -> list[tuple[str, str, str | None, str | None, str | None, int]]:
        """(id, title, source, date, author, words) of every article that has an id, in no
        particular order, in one query (`author`: the authors joined by ", ", None without
        one): the fast way to list a large collection before its metadata is built (see
        `annotations.library_listing`)."""
        # Unsorted: SQLite's sort of a million rows took 3.5 of 5 s (a Python sort, 0.7 s).
        with self._lock:
            return self._db.execute(
                "SELECT id, title, source, date, "
                f"nullif(replace(authors, char({ord(AUTHOR_SEPARATOR)}), ', '), ''), words "
                "FROM articles WHERE id IS NOT NULL"
            ).fetchall()

    def data_version(self) -> int:
        """A number that changes when another connection commits a change to the index
        (SQLite's `PRAGMA data_version`): two reads between which it stayed the same read
        the same data (if this connection wrote nothing)."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def matching(self, groups: TrigramGroups) -> Iterator[ArticleKey]:
        """The `ArticleKey` of each article that contains what `groups` asks for (see
        `trigram_groups`; all of them when there are none), by id, read a chunk at a time.
        The full-text index must be built (`ensure_fts`) for the trigrams to narrow
        anything. Only keys: a search's worker processes look up the rows of theirs
        (`rows_of`), so the process that hands them out reads as little as it can."""
        if groups and self.fts_ready():
            # The full-text index drives the join: only its rows are looked up.
            yield from self._chunks(
                "SELECT a.rowid, a.id FROM fts CROSS JOIN articles a ON a.rowid = fts.rowid "
                "WHERE fts MATCH ? ORDER BY a.id",
                (_fts_query(groups),),
            )
        else:
            yield from self._chunks(
                "SELECT rowid, id FROM articles WHERE id IS NOT NULL ORDER BY id", ()
            )

    def rows_of(self, keys: list[ArticleKey]) -> list[BodyRow]:
        """The `BodyRow` of each article of `keys`, in that order. An article that another
        process indexed again since its key was read is looked up by its id (its row may
        have a new rowid), waiting while that process has not given the new rows their
        ids yet (`IndexChangingError` after `IDS_WAIT_S`); one that is no longer indexed
        is left out. A row says all a search needs to read the body (`read_bodies`) and
        check that its file did not change since: no query per article."""
        waited = 0.0
        while True:
            rows, whole = self._rows_of_keys(keys)
            if whole or self.complete():
                return rows
            if waited >= IDS_WAIT_S:
                raise IndexChangingError(
                    "another newsmark process was indexing the collection throughout the "
                    "search and some articles could not be read; search again when it is done"
                )
            time.sleep(IDS_POLL_S)
            waited += IDS_POLL_S

    def _rows_of_keys(self, keys: list[ArticleKey]) -> tuple[list[BodyRow], bool]:
        """`rows_of` as the index is now, and whether every key was found."""
        rowids = orjson.dumps([rowid for rowid, _ in keys])
        with self._lock:
            found = self._db.execute(
                f"SELECT {_BODY_ROW} FROM json_each(?) j JOIN articles a ON a.rowid = j.value "
                "JOIN bodies b ON b.rowid = a.rowid ORDER BY j.key",
                (rowids,),
            ).fetchall()
        if len(found) == len(keys) and all(
            row[0] == key[1] for row, key in zip(found, keys, strict=True)
        ):
            return found, True
        by_rowid = {row[1]: row for row in found}
        moved = [article for rowid, article in keys if by_rowid.get(rowid, ("",))[0] != article]
        by_id = {row[0]: row for row in self.body_rows(moved)}
        rows = []
        for rowid, article in keys:
            row = by_rowid.get(rowid)
            if row is None or row[0] != article:
                row = by_id.get(article)
            if row is not None:
                rows.append(row)
        return rows, len(rows) == len(keys)

    def body_rows(self, article_ids: list[str]) -> list[BodyRow]:
        """The `BodyRow` of each of the given articles the index has (by id), in that order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_BODY_ROW} FROM json_each(?) j JOIN articles a ON a.id = j.value "
                "JOIN bodies b ON b.rowid = a.rowid ORDER BY j.key",
                (orjson.dumps(article_ids),),
            )
            return rows.fetchall()

    def article_count(self) -> int:
        """How many articles the index lists."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def _chunks(self, sql: str, parameters: tuple[Any, ...]) -> Iterator[Any]:
        """The rows of a query, fetched 2,000 at a time (the lock held only while fetching)."""
        with self._lock:
            cursor = self._db.execute(sql, parameters)
        while True:
            with self._lock:
                rows = cursor.fetchmany(2_000)
            if not rows:
                return
            yield from rows

    def article_tuples(self) -> list[tuple[Any, ...]]:
        """Every article as a tuple of `ARTICLE_COLUMNS` and `seq` (authors joined, see
        `split_authors`; the path as bytes, see `os.fsdecode`), in path then in-file order:
        the fast way to list a collection."""
        # Sorted by SQLite, which lets go of the interpreter between rows: a Python sort of
        # 100,000 rows holds it long enough to freeze the TUI's event loop. Read a chunk at
        # a time, giving way to the interface between chunks (`give_way`).
        rows: list[tuple[Any, ...]] = []
        with self._lock:
            cursor = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS}, seq FROM articles ORDER BY path, seq"
            )
            while chunk := cursor.fetchmany(ROWS_BETWEEN_GIVING_WAY):
                rows += chunk
                give_way()
        return rows

    def lookup(self, id_or_prefix: str, limit: int = 6) -> list[ArticleRow]:
        """The article with this id, else those whose id starts with it (at most `limit`)."""
        with self._lock:
            exact = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (id_or_prefix,)
            ).fetchall()
            if exact or not id_or_prefix:
                return [_row(values) for values in exact]
            # `id >= prefix AND id < prefix + U+10FFFF`: a range of the index, no LIKE escaping.
            found = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id >= ? AND id < ? "
                "ORDER BY id LIMIT ?",
                (id_or_prefix, id_or_prefix + "\U0010ffff", limit),
            ).fetchall()
            return [_row(values) for values in found]

    def file_state(self, relative: str) -> tuple[int, int] | None:
        """(size, mtime_ns) recorded for one file, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT size, mtime_ns FROM files WHERE path = ?", (os.fsencode(relative),)
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def articles_of(self, relative: str) -> list[ArticleRow]:
        """The articles of one file, in their order in the file."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE path = ? ORDER BY seq",
                (os.fsencode(relative),),
            ).fetchall()
        return [_row(values) for values in rows]

    def others_removed(self) -> int | None:
        """None, or (when another connection, another process, removed or replaced articles
        since this one was opened: rowids this one was given may then be gone, see
        `gone_rowids`) how many removals the index has counted so far: a stamp that
        changes with every further one."""
        with self._lock:
            removals = self._removals()
            return None if removals == self._removals_seen else removals

    def _removals(self) -> int:
        """How many times the articles of a file were removed or replaced, ever."""
        try:
            return int(self._meta("removals") or 0)
        except sqlite3.Error:
            return 0

    def gone_rowids(self, rowids: list[int]) -> set[int]:
        """Those of the given rowids that no article has any more."""
        with self._lock:
            live = self._db.execute(
                "SELECT rowid FROM articles WHERE rowid IN (SELECT value FROM json_each(?))",
                (orjson.dumps(rowids),),
            )
            return set(rowids) - {rowid for (rowid,) in live}

    def has_article(self, rowid: int) -> bool:
        """Whether the article entry `rowid` is still in the index (re-indexing a file gives
        its articles new rowids)."""
        with self._lock:
            return (
                self._db.execute("SELECT 1 FROM articles WHERE rowid = ?", (rowid,)).fetchone()
                is not None
            )

    def body(self, rowid: int) -> str | None:
        """One article's body text, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT at, length FROM bodies WHERE rowid = ?", (rowid,)
            ).fetchone()
        return None if row is None else decoded(self._body_file.read(*row))

    def read_bodies(self, spans: list[Span]) -> list[bytes | None]:
        """The UTF-8 bytes of the bodies at the given (offset, length) of `BodyRow`s, in
        that order (None for one the body file does not have)."""
        return self._body_file.read_many(spans)

    def bodies(self, rowids: Iterable[int]) -> Iterator[tuple[int, str]]:
        """(rowid, body) of the given articles, in the order given."""
        batch: list[int] = []
        for rowid in rowids:
            batch.append(rowid)
            if len(batch) == 500:
                yield from self._bodies(batch)
                batch = []
        if batch:
            yield from self._bodies(batch)

    def _bodies(self, rowids: list[int]) -> Iterator[tuple[int, str]]:
        """(rowid, body) of those of the given articles the index has, in the order given."""
        marks = ",".join("?" * len(rowids))
        with self._lock:
            found = {
                rowid: (at, length)
                for rowid, at, length in self._db.execute(
                    f"SELECT rowid, at, length FROM bodies WHERE rowid IN ({marks})", rowids
                )
            }
        wanted = [rowid for rowid in rowids if rowid in found]
        read = self._body_file.read_many([found[rowid] for rowid in wanted])
        for rowid, data in zip(wanted, read, strict=True):
            if (body := decoded(data)) is not None:
                yield rowid, body

    @staticmethod
    def _readable(body: bytes | None) -> str:
        """A body the full-text index must hold; an unreadable one stops the building (left
        unfinished, the index narrows no search, so nothing is missed)."""
        text = decoded(body)
        if text is None:
            raise sqlite3.DatabaseError("the body file does not have a body it should")
        return text

    # Writing ------------------------------------------------------------------------

    def update(self, parsed: Iterable[IndexedFile], removed: Iterable[str]) -> bool:
        """Replace the entries of re-parsed files and drop removed files, committing every
        `COMMIT_FILES` files (each file's entry is whole). False if the index could not be
        written (a read-only or full disk): what was committed stays, the rest is lost."""
        with self._lock, self._bulk_writes():
            try:
                self._db.execute("BEGIN IMMEDIATE")
                fts = self._fts_ready()  # read under the write lock, as below
                for relative in removed:
                    self._delete_file(relative, fts)
                self._commit()
                batch: list[IndexedFile] = []
                pending = 0
                for entry in parsed:
                    batch.append(entry)
                    if len(batch) >= INSERT_FILES:
                        self._insert_files(batch)
                        pending += len(batch)
                        batch = []
                    if pending >= COMMIT_FILES:
                        self._commit()
                        pending = 0
                self._insert_files(batch)
                self._commit()
            except (sqlite3.Error, OSError):  # OSError: the body file could not be written
                with contextlib.suppress(sqlite3.Error):
                    self._db.rollback()
                self._pending_removals = 0
                return False
            return True

    def _commit(self) -> None:
        """Commit, the bodies appended first made durable: a row committed never points at
        bytes the body file may not have after a crash."""
        self._body_file.sync()
        self._db.commit()
        self._removals_seen += self._pending_removals
        self._pending_removals = 0

    @contextlib.contextmanager
    def _bulk_writes(self) -> Iterator[None]:
        """Settings for writing many entries: a bigger page cache, and no fsync (the index
        is a cache: it is rebuilt when found corrupt, so writing the first index of a large
        collection need not wait for the disk)."""
        saved: dict[str, int] = {}
        with contextlib.suppress(sqlite3.Error):  # the writes report a broken database
            for name, value in (("synchronous", 0), ("cache_size", BULK_CACHE_SIZE)):
                saved[name] = int(self._db.execute(f"PRAGMA {name}").fetchone()[0])
                self._db.execute(f"PRAGMA {name}={value}")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                for name, value in saved.items():
                    self._db.execute(f"PRAGMA {name}={value}")

    def _insert_files(self, entries: list[IndexedFile]) -> None:
        """Replace the entries of these files (in a transaction the caller commits): one
        `executemany` per table for the whole batch (at most `INSERT_FILES` files)."""
        if not entries:
            return
        if not self._db.in_transaction:  # the write lock first: no other process changes
            self._db.execute("BEGIN IMMEDIATE")  # the entries read below meanwhile
        # Whether the full-text index must be kept up to date, as of now: another process
        # may have finished building it since this update began.
        fts = self._fts_ready()
        paths = [os.fsencode(entry.relative) for entry in entries]
        marks = ",".join("?" * len(paths))
        indexed = self._db.execute(
            f"SELECT path, size, mtime_ns FROM files WHERE path IN ({marks})", paths
        ).fetchall()
        # A file another process indexed meanwhile in the very state parsed here is kept as
        # it is (two processes opening a new collection at once would otherwise each write
        # every body, and replace the other's); one in another state is replaced.
        indexed_states = {path: (size, mtime_ns) for path, size, mtime_ns in indexed}
        kept = [
            indexed_states.get(path) == (entry.size, entry.mtime_ns)
            for path, entry in zip(paths, entries, strict=True)
        ]
        if any(kept):
            entries = [entry for entry, same in zip(entries, kept, strict=True) if not same]
            paths = [path for path, same in zip(paths, kept, strict=True) if not same]
            if not entries:
                return
        for path, _, _ in indexed:
            if path in paths:
                self._delete_file(os.fsdecode(path), fts)
        self._db.executemany(
            "INSERT INTO files VALUES (?, ?, ?, ?)",
            [
                (path, entry.size, entry.mtime_ns, orjson.dumps(entry.notices))
                for path, entry in zip(paths, entries, strict=True)
            ],
        )
        # The rowids are given here (under the write lock, so no other process takes them
        # meanwhile): AUTOINCREMENT never hands out a rowid at or below the highest ever
        # used, kept in sqlite_sequence (which an explicit rowid updates).
        rowid = self._next_article_rowid()
        rows: list[tuple[Any, ...]] = []
        bodies: list[tuple[int, str]] = []
        states: list[tuple[int, int]] = []
        for path, entry in zip(paths, entries, strict=True):
            for seq, article in enumerate(entry.articles):
                rows.append(
                    (
                        rowid,
                        path,
                        seq,
                        article.base_id,
                        article.title,
                        article.source,
                        article.date,
                        AUTHOR_SEPARATOR.join(article.authors),
                        article.url,
                        article.words,
                        article.format,
                        article.encoding,
                        article.record,
                        article.content_hash,
                    )
                )
                bodies.append((rowid, article.body))
                states.append((entry.size, entry.mtime_ns))
                rowid += 1
        self._db.executemany(
            "INSERT INTO articles(rowid, path, seq, base_id, title, source, date, authors, url,"
            " words, format, encoding, record, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        written = int(self._meta("bodies_end") or 0)
        if self._body_file.size() < written:  # cut short: appending would overwrite bodies
            raise OSError(f"the body file {self._body_file.path} lost bodies it was given")
        spans = self._body_file.append([body.encode("utf-8") for _, body in bodies])
        if spans:
            self._set_meta("bodies_end", str(spans[-1][0] + spans[-1][1]))
        self._db.executemany(
            "INSERT INTO bodies VALUES (?, ?, ?, ?, ?)",
            [
                (rowid, at, length, size, mtime_ns)
                for (rowid, _), (at, length), (size, mtime_ns) in zip(
                    bodies, spans, states, strict=True
                )
            ],
        )
        if fts:
            self._db.executemany(
                "INSERT INTO fts(rowid, body) VALUES (?, ?)",
                ((rowid, fold(body)) for rowid, body in bodies),
            )

    def _next_article_rowid(self) -> int:
        """The rowid AUTOINCREMENT would give the next article."""
        used = self._db.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'articles'), 0),"
            " coalesce((SELECT max(rowid) FROM articles), 0))"
        ).fetchone()[0]
        return int(used) + 1

    def record_scan(self, scan: CollectionScan) -> None:
        """Remember a full look at the collection: its directories' modification times."""
        value = {
            "started_ns": scan.started_ns,
            "dirs": [list(d) for d in scan.dirs],
            "notices": list(scan.notices),
        }
        try:  # a name that is not valid UTF-8 (surrogate escapes) is simply not recorded
            text = orjson.dumps(value).decode("utf-8")
        except orjson.JSONEncodeError:
            return
        with self._lock, contextlib.suppress(sqlite3.Error), self._db:
            self._set_meta("scan", text)

    def set_ids(self, ids: Iterable[tuple[int, str]]) -> None:
        """Record the id each article was given (by rowid)."""
        with self._lock, self._bulk_writes(), contextlib.suppress(sqlite3.Error), self._db:
            self._db.executemany(
                "UPDATE articles SET id = ? WHERE rowid = ?",
                ((article_id, rowid) for rowid, article_id in ids),
            )

    def _delete_file(self, relative: str, fts: bool) -> None:
        path = os.fsencode(relative)
        rowids = [
            rowid
            for (rowid,) in self._db.execute("SELECT rowid FROM articles WHERE path = ?", (path,))
        ]
        if rowids:  # counted, so that other connections know their rowids may be gone
            self._db.execute(
                "INSERT INTO meta VALUES ('removals', 1)"
                " ON CONFLICT(key) DO UPDATE SET value = value + 1"
            )
            self._pending_removals += 1
        if fts:
            for rowid, body in self._bodies(rowids):
                self._db.execute(
                    "INSERT INTO fts(fts, rowid, body) VALUES ('delete', ?, ?)", (rowid, fold(body))
                )
        self._db.executemany("DELETE FROM bodies WHERE rowid = ?", ((r,) for r in rowids))
        self._db.execute("DELETE FROM articles WHERE path = ?", (path,))
        self._db.execute("DELETE FROM files WHERE path = ?", (path,))

    # Full-text index ----------------------------------------------------------------

    def fts_ready(self) -> bool:
        """Whether the full-text index has been built."""
        with self._lock:
            return self._fts_ready()

    def _fts_ready(self) -> bool:
        return self._meta("fts") == "ready"

    def ensure_fts(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Build the full-text index if it was never built (once per collection).

        A batch of bodies at a time, each batch committed: other processes can update the
        index meanwhile (their new articles have higher rowids, read by a later batch),
        and an interrupted build resumes where it stopped."""
        with self._lock:
            try:
                if self._meta("fts") == "ready":
                    return
                with self._db:  # decided under the write lock: another process may have
                    self._db.execute("BEGIN IMMEDIATE")  # started or finished it meanwhile
                    state = self._meta("fts")
                    if state == "ready":
                        return
                    if state != "building":
                        self._db.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
                        self._set_meta("fts", "building")
                        self._set_meta("fts_last", "-1")
                total = self._db.execute("SELECT count(*) FROM bodies").fetchone()[0]
                done = 0
                while True:
                    with self._db:
                        self._db.execute("BEGIN IMMEDIATE")
                        last = int(self._meta("fts_last") or -1)
                        rows = self._db.execute(
                            "SELECT rowid, at, length FROM bodies WHERE rowid > ?"
                            " ORDER BY rowid LIMIT ?",
                            (last, FTS_BATCH),
                        ).fetchall()
                        if not rows:
                            self._set_meta("fts", "ready")
                            return
                        read = self._body_file.read_many([(at, n) for _, at, n in rows])
                        self._db.executemany(
                            "INSERT INTO fts(rowid, body) VALUES (?, ?)",
                            (
                                (rowid, fold(self._readable(body)))
                                for (rowid, _, _), body in zip(rows, read, strict=True)
                            ),
                        )
                        self._set_meta("fts_last", str(rows[-1][0]))
                    done += len(rows)
                    if progress is not None:
                        progress(min(done, total), total)
            except sqlite3.Error:
                return

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def candidates(self, groups: TrigramGroups) -> set[int] | None:
        """Rowids of the articles containing what `groups` asks for (trigrams of folded
        text, see `trigram_groups`), or None when the full-text index is not available or
        `groups` is empty (then every article is a candidate)."""
        if not groups:
            return None
        query = _fts_query(groups)
        with self._lock:
            if not self._fts_ready():
                return None
            try:
                rows = self._db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (query,))
                return {rowid for (rowid,) in rows}
            except sqlite3.Error:
                return None


def _fts_query(groups: TrigramGroups) -> str:
    """An FTS5 query for rows holding, for every group, every trigram of one of its lists."""

    def every(trigrams: list[str]) -> str:
        return "(" + " AND ".join('"' + t.replace('"', '""') + '"' for t in trigrams) + ")"

    return " AND ".join("(" + " OR ".join(map(every, group)) + ")" for group in groups)


def fold(text: str) -> str:
    """The case-folded text the full-text index holds (see `annotations.search.fold_case`)."""
    from annotations.search import fold_case

    return fold_case(text)


def _create(db: sqlite3.Connection, path: Path | None) -> BodyFile | None:
    """Create the tables (inside the caller's transaction) and, for the index at `path`,
    a new body file (named in `meta`: never one another index may still be reading)."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('version', ?)", (str(SCHEMA_VERSION),))
    if path is None:
        return None
    name = f"{path.name}.{secrets.token_hex(8)}.bodies"
    db.execute("INSERT INTO meta VALUES ('bodies', ?)", (name,))
    return BodyFile(path.parent / name, create=True)


def _body_file_path(db: sqlite3.Connection, path: Path) -> Path:
    """The body file of the index at `path` (ValueError when it names none)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'bodies'").fetchone()
    name = str(row[0]) if row is not None else ""
    if os.sep in name or not name.startswith(path.name + "."):
        raise ValueError(f"no body file recorded in {path}")
    return path.parent / name


def _remove_index(path: Path) -> None:
    """Delete the index at `path` and every body file it ever had (a process still reading
    one keeps it until it lets go)."""
    with contextlib.suppress(OSError):
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        for body_file in path.parent.glob(glob.escape(path.name) + ".*.bodies"):
            with contextlib.suppress(FileNotFoundError):
                body_file.unlink()


def _open_checked(path: Path) -> tuple[sqlite3.Connection, BodyFile] | None:
    """The index at `path` and its body file (created if missing), or None if it is
    corrupt or outdated.

    Raises `sqlite3.OperationalError` when it is busy or cannot be opened: then it must not
    be thrown away (another newsmark may be writing it)."""
    db = sqlite3.connect(path, check_same_thread=False, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        tables = _tables(db)
        if not tables:
            with db:  # one process creates the tables; another one waits, then sees them
                db.execute("BEGIN IMMEDIATE")
                tables = _tables(db)
                if not tables:
                    created = _create(db, path)
                    assert created is not None
                    return db, created
        if set(_TABLES) <= tables:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is not None and row[0] == str(SCHEMA_VERSION):
                bodies = BodyFile(_body_file_path(db, path))
                written = db.execute("SELECT value FROM meta WHERE key = 'bodies_end'").fetchone()
                if bodies.size() >= int(written[0] if written else 0):
                    return db, bodies
                bodies.close()  # cut short: the bodies it lost must not be read as others
                db.close()
                return None
    except sqlite3.OperationalError as error:
        db.close()
        if "locked" in str(error) or "busy" in str(error) or "unable to open" in str(error):
            raise
        return None
    except (sqlite3.DatabaseError, ValueError, FileNotFoundError):  # malformed, no body file
        pass
    db.close()
    return None


def _tables(db: sqlite3.Connection) -> set[str]:
    return {
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
