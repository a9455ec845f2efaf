"""`AnnotationStore`: annotations, tags, undo/redo history and multi-process safety.

The data lives in a TinyDB database backed by `DurableStorage` (journal.py: an atomic
snapshot plus an fsync'd journal). Every change is a batch of operations committed in one
durable write, with its undo entry in the same batch.

Isolation: every read-modify-write happens inside `_writing()`, which holds the file lock
(other processes) and the I/O lock (other threads of this process), catches up with what
other processes wrote, and only then lets the method read the state it decides on. So an
edit that adds a tag adds it to the tags as they are under the lock: no acknowledged change
is ever written over. Readers take only a short in-memory mutex, never the file lock: a
read never waits for another process, and with `sync_reads=False` (the TUI) never for the
disk either.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import filelock
from tinydb import TinyDB
from tinydb.table import Table

from annotations.anchoring import current_article
from annotations.coder import clean_coder, default_coder
from annotations.errors import (
    StoreError,
    UnknownAnnotationError,
    UnknownTagError,
)
from annotations.gc_pause import gc_paused
from annotations.limits import MAX_NOTE_CHARS
from annotations.model import Annotation, TagInfo, document_order, in_document_order, utc_now
from annotations.store.codebook_view import colour_of, known_tags, sorted_memos, tag_infos
from annotations.store.compact import decode, documents_json
from annotations.store.history import (
    Change,
    diff_documents,
    diff_fields,
    entry_changes,
    entry_ops,
    revert_change,
)
from annotations.store.index import AnnotationIndex
from annotations.store.journal import COMPACT_BYTES, Changes, DurableStorage
from annotations.store.ops import Data, Document, Op, del_op, put_op
from annotations.store.reanchor import ReanchorReport, reanchor_article, unchanged_article
from annotations.store.schema import (
    ANNOTATIONS_TABLE,
    CODEBOOK_TABLE,
    HISTORY_TABLE,
    MEMO_KINDS,
    MEMOS_TABLE,
    TAG_COLOURS_TABLE,
)
from annotations.tags import (
    InvalidTagError,
    in_subtree,
    move_subtree,
    normalise_tag,
    normalise_tags,
    subtree_filter,
    tag_key,
    validate_colour,
)
from annotations.text import normalise_text
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.corpus import Corpus

LOCK_TIMEOUT = 30.0
MIN_PREFIX = 4
UNDO_LIMIT = 100
# The undo history's cap in bytes (oldest entries go first; the newest always stays, so
# even a rename of a million annotations can be undone).
HISTORY_BYTES = 16 * 1024 * 1024
CLI_ORIGIN = "cli"
CLI_LABEL = "the command line"


class DuplicateAnnotationError(StoreError):
    """An annotation with the same id is already stored."""


class NoteTooLongError(StoreError):
    """A note is longer than `MAX_NOTE_CHARS`."""


class _Unchanged:
    """The type of `UNCHANGED`: "leave this field as it is" in `AnnotationStore.edit`."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


class Replacement(Protocol):
    """What `replace_decided` writes: the annotations to delete and to store."""

    @property
    def delete(self) -> tuple[str, ...]: ...

    @property
    def add(self) -> tuple[Annotation, ...]: ...

    @property
    def description(self) -> str: ...


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One change in the undo history, as `history()` lists it and undo/redo report it.

    `kept`: (after an undo or redo) how many annotations or tag colours were changed again
    since by someone else, whose later values were kept rather than taken back.
    """

    key: str
    description: str
    time: str
    origin: str
    label: str
    user: str
    undone: bool
    kept: int = 0
    changed: int = 0  # documents an undo or redo wrote (0: everything was kept)

    def whose(self) -> str:
        """Who made the change and where, e.g. 'alice in the command line'."""
        return f"{self.user} in {self.label}" if self.user else self.label

    def describe(self) -> str:
        """One line, e.g. 'add highlight “…” (made 14:02:07 by alice in the command line)'."""
        when = self.time[11:19] if len(self.time) >= 19 else self.time
        line = f"{self.description} (made {when} by {self.whose()})"
        if self.kept and not self.changed:
            line += "; nothing changed: all of it was changed again since by others (kept)"
        elif self.kept:
            line += f"; {self.kept} later change{'s' if self.kept != 1 else ''} by others kept"
        return line

    @classmethod
    def from_entry(
        cls, key: str, entry: dict[str, Any], kept: int = 0, changed: int = 0
    ) -> HistoryItem:
        """The item for a stored history entry."""
        return cls(
            key=key,
            description=entry["description"],
            time=entry["time"],
            origin=entry["origin"],
            label=entry["label"],
            user=entry["user"],
            undone=entry["state"] == "undone",
            kept=kept,
            changed=changed,
        )


class _StrIdTable(Table):
    """A TinyDB table whose document ids are strings (annotation ids, tag keys)."""

    # TinyDB types this overridable class attribute as type[int]; our ids are strings.
    document_id_class = str  # type: ignore[assignment]


class _NewsmarkDB(TinyDB):
    table_class = _StrIdTable
    default_table_name = ANNOTATIONS_TABLE


def _flat(text: str, limit: int = 40) -> str:
    """`text` on one line, shortened to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe(annotation: Annotation) -> str:
    return f"“{_flat(annotation.quote)}”"


# What `merge_many` stores for a memo: choose(stored memo or None, new memo) -> memo or None.
MemoChooser = Callable[[Mapping[str, str] | None, Mapping[str, str]], Mapping[str, str] | None]


def _distinct(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags (already normalised) without case-insensitive repeats, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag_key(tag), tag)
    return tuple(seen.values())


def _joined(first: str | None, second: str) -> str:
    """Two texts as paragraphs of one (a merged tag's memo or description)."""
    return f"{first}\n\n{second}" if first else second


def _memo_key(kind: str, target: str) -> str:
    """The id of a memo: `article:<id>` or `tag:<tag key>`."""
    if kind not in MEMO_KINDS:
        raise StoreError(f"a memo is on an article or a tag, not on {kind!r}")
    return f"{kind}:{tag_key(target) if kind == 'tag' else target}"


def _cleaned(annotation: Annotation, default_coder_name: str) -> Annotation:
    """Normalised tags, a note without control sequences (notes are typed text:
    everything shown or printed later must be safe for a terminal) and not longer than
    an import may bring (`MAX_NOTE_CHARS`; NoteTooLongError), and a coder
    (`default_coder_name` when it has none)."""
    tags = normalise_tags(annotation.tags)
    note = normalise_text(annotation.note).strip() or None if annotation.note else None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise NoteTooLongError(
            f"the note is {len(note):,} characters long (at most {MAX_NOTE_CHARS:,}); "
            "nothing was saved"
        )
    coder = clean_coder(annotation.coder) if annotation.coder else default_coder_name
    if tags == annotation.tags and note == annotation.note and coder == annotation.coder:
        return annotation
    return replace(annotation, tags=tags, note=note, coder=coder)


def check_prefix(annotation_id: str) -> None:
    """UnknownAnnotationError if `annotation_id` (not an id) is too short for a prefix."""
    if len(annotation_id) < MIN_PREFIX:
        raise UnknownAnnotationError(
            f"no annotation has the id “{_flat(annotation_id)}” "
            f"(a prefix needs at least {MIN_PREFIX} characters)"
        )


def only_match(prefix: str, matches: list[str]) -> str:
    """The one id in `matches` (the ids starting with `prefix`); UnknownAnnotationError if
    there is none or there are several."""
    if not matches:
        raise UnknownAnnotationError(f"no annotation has the id “{_flat(prefix)}”")
    if len(matches) > 1:
        raise UnknownAnnotationError(f"the id prefix “{prefix}” matches {len(matches)} annotations")
    return matches[0]


def edit_change(
    *,
    tags: Iterable[str] | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    note: str | _Unchanged | None = UNCHANGED,
    colour: str | _Unchanged | None = UNCHANGED,
) -> Callable[[Annotation], Annotation]:
    """The change `AnnotationStore.edit` makes, for `modify`: only the given fields, applied
    to the annotation as it is then (InvalidTagError for a bad colour, at once)."""
    replacement = None if tags is None else normalise_tags(tags)
    added = normalise_tags(add_tags)
    removed = {tag_key(tag) for tag in normalise_tags(remove_tags)}
    new_colour = validate_colour(colour) if isinstance(colour, str) else colour

    def change(current: Annotation) -> Annotation:
        base = current.tags if replacement is None else replacement
        new_tags = normalise_tags(tag for tag in (*base, *added) if tag_key(tag) not in removed)
        changes: dict[str, Any] = {}
        if new_tags != current.tags:
            changes["tags"] = new_tags
        if not isinstance(note, _Unchanged) and (note or None) != current.note:
            changes["note"] = note or None
        if not isinstance(new_colour, _Unchanged) and new_colour != current.colour:
            changes["colour"] = new_colour
        return current.with_changes(**changes) if changes else current

    return change


@contextmanager
def _locked(lock: filelock.FileLock, path: Path, timeout: float) -> Iterator[None]:
    """Hold the database's file lock (its directory is created first); StoreError if it is
    not obtained within `timeout` seconds or cannot be taken."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=timeout)
    except filelock.Timeout:
        raise StoreError(
            f"the database is locked by another newsmark process (waited "
            f"{timeout:g} s); the change was not saved"
        ) from None
    except OSError as error:
        raise StoreError(
            f"could not save to {path}: {error.strerror or error}; the change was not saved"
        ) from None
    try:
        yield
    finally:
        lock.release()


class AnnotationStore:
    """The annotation database: durable, isolated between processes, with undo and redo."""

    def __init__(
        self,
        path: Path,
        *,
        undo_limit: int = UNDO_LIMIT,
        history_bytes: int = HISTORY_BYTES,
        compact_bytes: int = COMPACT_BYTES,
        origin: str = CLI_ORIGIN,
        label: str = CLI_LABEL,
        sync_reads: bool = True,
        lock_timeout: float | None = None,
        coder: str | None = None,
    ) -> None:
        # A symlinked DB is used through its target: the journal and the lock sit beside
        # the real file, so two names for one DB lock each other out, and the link itself
        # is never replaced by a regular file.
        self.path = Path(os.path.realpath(path))
        self.undo_limit = max(1, undo_limit)
        self.history_bytes = history_bytes
        self.origin = origin
        self.label = label
        # Given to every annotation stored without a coder (new ones, old imports), and
        # named as who made each change in the undo history.
        self.coder = clean_coder(coder) if coder is not None else default_coder()
        self.user = self.coder
        self._sync_reads = sync_reads
        self.lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self._mutex = threading.RLock()  # the in-memory data and index: held briefly
        self._io = threading.RLock()  # disk reads and writes of this process: one at a time
        # Built on first use: a command that only adds an annotation never needs it.
        self._built_index: AnnotationIndex | None = None
        self._version = 0
        self._db = _NewsmarkDB(
            self.path,
            storage=DurableStorage,
            compact_bytes=compact_bytes,
            guard=lambda: self._mutex,
            listener=self._on_change,
        )
        # TinyDB types `storage` as its Storage base class: it is the DurableStorage above.
        self._storage: DurableStorage = self._db.storage  # type: ignore[assignment]
        self._annotations = self._db.table(ANNOTATIONS_TABLE, cache_size=0)
        self._file_lock = filelock.FileLock(str(self.path) + ".lock")
        self._remove_leftover_temp_files()

    def _remove_leftover_temp_files(self) -> None:
        """Delete snapshot temp files a crash left behind, if the lock is free right now
        (nobody is writing a snapshot) and the directory is writable; else leave them for
        a later open."""
        if not self.path.parent.is_dir():
            return
        try:
            with self._file_lock.acquire(timeout=0):
                self._storage.remove_leftover_temp_files()
        except (filelock.Timeout, OSError):
            pass

    @classmethod
    def open(cls, path: Path, **options: Any) -> AnnotationStore:
        """Open (or start) the database at `path`; CorruptDatabaseError if it is not one.

        Options: `undo_limit`, `history_bytes`, `compact_bytes`, `origin`/`label` (who is
        writing: "cli", or one TUI window), `sync_reads` (False: reads never touch the
        disk; call `refresh()` to take in other processes' changes), `lock_timeout`
        (seconds a write waits for another process's lock, default LOCK_TIMEOUT), `coder`
        (given to annotations stored without one; default: `default_coder()`).
        """
        return cls(path, **options)

    # Keeping up with the files and with other processes --------------------------

    @property
    def version(self) -> int:
        """A number that changes whenever the annotations, tag colours, the codebook or
        memos change (here or elsewhere)."""
        return self._version

    @property
    def _index(self) -> AnnotationIndex:
        """The indexes of the current data, built the first time they are needed."""
        index = self._built_index
        if index is None:
            with self._mutex, gc_paused():
                index = self._built_index
                if index is None:
                    table = self._storage.read().get(ANNOTATIONS_TABLE, {})
                    index = self._built_index = AnnotationIndex.build(table)
        return index

    def _on_change(self, data: Data, changes: Changes) -> None:
        """Keep the index in step with the data (called inside the mutex)."""
        self._version += 1
        if changes.reloaded:
            self._built_index = None  # built again when next needed
        elif self._built_index is not None:
            self._built_index.apply(changes.ops)

    def compact(self) -> None:
        """Write the whole data as a new snapshot and empty the journal (under the lock)."""
        with self._writing():
            self._storage.snapshot()

    def refresh(self) -> bool:
        """Take in what other processes wrote; True if anything changed."""
        with self._io:
            return bool(self._storage.refresh())

    @contextmanager
    def _reading(self) -> Iterator[Data]:
        """The data, unchanging while the block runs (no other thread applies a change)."""
        if self._sync_reads and self._io.acquire(blocking=False):
            # A write in progress in another thread: read what is in memory instead.
            try:
                self._storage.refresh()
            finally:
                self._io.release()
        with self._mutex:
            yield self._storage.read()

    @contextmanager
    def _writing(self) -> Iterator[Data]:
        """The data as it is under the file lock, for a read-modify-write.

        Only the thread holding `_io` changes the data, so the block may read it without
        the mutex; the data changes only through `_commit`.
        """
        with self._io, _locked(self._file_lock, self.path, self.lock_timeout):
            self._storage.refresh()
            yield self._storage.read()

    def _commit(self, description: str, ops: list[Op], *, undoable: bool = True) -> None:
        """Commit `ops` (with the undo entry that reverts them, if `undoable`)."""
        if not ops:
            return
        with gc_paused():  # a large batch allocates many objects, none of them cyclic
            if undoable:
                ops = ops + self._history_ops(description, ops)
            self._storage.commit(ops)

    def _history_ops(self, description: str, ops: list[Op]) -> list[Op]:
        """The new history entry for `ops`, and the entries it makes obsolete or expires."""
        data = self._storage.read()
        final: dict[tuple[str, str], Document | None] = {}
        for op in ops:
            final[(op.table, op.doc_id)] = op.document
        patched = {(op.table, op.doc_id): op.patch for op in ops if op.patch is not None}
        changes: list[Change] = []
        for (table, doc_id), after in final.items():
            before = data.get(table, {}).get(doc_id)
            fields = patched.get((table, doc_id))
            if fields is not None and before is not None and after is not None:
                change = diff_fields(table, doc_id, before, after, fields)
            else:
                change = diff_documents(table, doc_id, before, after)
            if change is not None:
                changes.append(change)
        if not changes:
            return []
        return entry_ops(
            data.get(HISTORY_TABLE, {}),
            description,
            changes,
            origin=self.origin,
            label=self.label,
            user=self.user,
            undo_limit=self.undo_limit,
            history_bytes=self.history_bytes,
        )

    # Reading ---------------------------------------------------------------------

    def all(self) -> list[Annotation]:
        """Every annotation, by article then position."""
        with self._reading() as data:
            raws = documents_json(data.get(ANNOTATIONS_TABLE, {}))
        return in_document_order(Annotation.from_dict(decode(raw)) for raw in raws)

    def _resolve(self, data: Data, annotation_id: str) -> Annotation:
        table = data.get(ANNOTATIONS_TABLE, {})
        doc = table.get(annotation_id)
        if doc is not None:
            return Annotation.from_dict(doc)
        check_prefix(annotation_id)
        matches = [key for key in self._index.article_of if key.startswith(annotation_id)]
        return Annotation.from_dict(table[only_match(annotation_id, matches)])

    def get(self, annotation_id: str) -> Annotation:
        """The annotation with this id or unique id prefix (at least 4 characters)."""
        with self._reading() as data:
            return self._resolve(data, annotation_id)

    def for_article(self, article_id: str) -> list[Annotation]:
        """The annotations of one article, by position."""
        with self._reading() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            docs = [table[key] for key in self._index.by_article.get(article_id, ())]
        return sorted(map(Annotation.from_dict, docs), key=document_order)

    def with_tags(self, tags: Iterable[str]) -> list[Annotation]:
        """Annotations carrying any of `tags` or a tag below one (`security` takes
        `security/maritime`; `tags.subtree_filter`, case-insensitively), by article and
        position."""
        carries = subtree_filter(tags)
        with self._reading() as data:
            docs = [
                doc
                for doc in data.get(ANNOTATIONS_TABLE, {}).values()
                if carries(doc.get("tags", ()))
            ]
        return sorted(map(Annotation.from_dict, docs), key=document_order)

    def coders(self) -> dict[str, int]:
        """Every coder with how many annotations they made, sorted by name
        (case-insensitively)."""
        with self._reading() as data:
            counts = Counter(
                doc.get("coder") or self.coder for doc in data.get(ANNOTATIONS_TABLE, {}).values()
            )
        return {name: counts[name] for name in sorted(counts, key=lambda n: (n.casefold(), n))}

    def _known_tags(self, data: Data) -> dict[str, str]:
        """Tag key → usual spelling of every tag in the codebook (`codebook_view.known_tags`)."""
        return known_tags(self._index.spellings, data.get(CODEBOOK_TABLE, {}))

    def _tag_name(self, tag: str, data: Data | None = None) -> str:
        """The usual spelling of a tag of the codebook, named as stored or as it would be
        typed now (`a//b` names `a/b`; an earlier version may have stored `a//b` itself);
        UnknownTagError if there is none."""
        keys = [tag_key(tag)]
        with contextlib.suppress(InvalidTagError):
            keys.append(tag_key(normalise_tag(tag)))
        for key in keys:
            counter = self._index.spellings.get(key)
            if counter is not None:
                return counter.most_common(1)[0][0]
        known = self._known_tags(data if data is not None else self._storage.read())
        for key in keys:
            if (name := known.get(key)) is not None:
                return name
        raise UnknownTagError(f"no annotation has the tag “{_flat(tag)}”")

    @staticmethod
    def _colour_of(data: Data, key: str) -> str:
        return colour_of(data.get(TAG_COLOURS_TABLE, {}), key)

    def article_counts(self) -> dict[str, int]:
        """How many annotations each article has (articles without any are left out)."""
        with self._reading():
            return {article: len(ids) for article, ids in self._index.by_article.items()}

    def tags(self) -> list[TagInfo]:
        """Every tag of the codebook (in use, above one in use, described, or imported
        from a codebook file: count 0 when unused), sorted naturally (`tags.natural_key`:
        e1, e2, e10; a tag just before the tags below it), with its colour, count,
        description, parent and total."""
        with self._reading() as data:
            return tag_infos(
                self._index.spellings,
                self._index.totals,
                data.get(CODEBOOK_TABLE, {}),
                data.get(TAG_COLOURS_TABLE, {}),
            )

    def memo(self, kind: str, target: str) -> str:
        """The memo on an article (`kind` "article", `target` its id) or a tag ("tag")."""
        with self._reading() as data:
            doc = data.get(MEMOS_TABLE, {}).get(_memo_key(kind, target))
            return str(doc["text"]) if doc else ""

    def memos(self) -> list[dict[str, str]]:
        """Every memo: {"kind", "target", "text", "updated"}, articles then tags."""
        with self._reading() as data:
            return sorted_memos(data.get(MEMOS_TABLE, {}))

    def tag_colour(self, tag: str) -> str:
        """The colour of a tag: the one set with `set_tag_colour`, else its default."""
        with self._reading() as data:
            return self._colour_of(data, tag_key(tag))

    def history(self) -> list[HistoryItem]:
        """The undo history, newest first (undone entries included: redo can restore them)."""
        with self._reading() as data:
            history = data.get(HISTORY_TABLE, {})
            return [
                HistoryItem.from_entry(key, history[key]) for key in sorted(history, reverse=True)
            ]

    # Writing annotations -----------------------------------------------------------

    def _clean(self, annotation: Annotation) -> Annotation:
        """`annotation` as stored (see `_cleaned`), with the store's coder if it has none."""
        return _cleaned(annotation, self.coder)

    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation; DuplicateAnnotationError if its id is taken."""
        annotation = self._clean(annotation)
        with self._writing() as data:
            if annotation.id in data.get(ANNOTATIONS_TABLE, {}):
                raise DuplicateAnnotationError(f"an annotation with id {annotation.id} exists")
            self._commit(
                f"add highlight {_describe(annotation)}",
                [put_op(ANNOTATIONS_TABLE, annotation.id, annotation.to_dict())],
            )
        return annotation

    def modify(
        self,
        annotation_id: str,
        change: Callable[[Annotation], Annotation],
        description: str | None = None,
    ) -> Annotation:
        """Change an annotation (id or unique prefix) as it is under the write lock.

        `change` gets the current annotation and returns the new one (same id); nothing is
        written if it returns it unchanged. Returns the annotation as stored.
        """
        with self._writing() as data:
            current = self._resolve(data, annotation_id)
            updated = self._clean(change(current))
            if updated.id != current.id:
                raise StoreError("an edit cannot change an annotation's id")
            if updated == current:
                return current
            self._commit(
                description or f"edit highlight {_describe(updated)}",
                [put_op(ANNOTATIONS_TABLE, updated.id, updated.to_dict())],
            )
        return updated

    def edit(
        self,
        annotation_id: str,
        *,
        tags: Iterable[str] | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        note: str | _Unchanged | None = UNCHANGED,
        colour: str | _Unchanged | None = UNCHANGED,
    ) -> Annotation:
        """Change only the given fields of an annotation, decided on its state under the lock.

        `tags` replaces the tags; `add_tags`/`remove_tags` change the tags as they are then
        (case-insensitively); `note`/`colour`: a new value, None to clear, or UNCHANGED.
        """
        change = edit_change(
            tags=tags, add_tags=add_tags, remove_tags=remove_tags, note=note, colour=colour
        )
        return self.modify(annotation_id, change)

    def edit_many(
        self,
        annotation_ids: Iterable[str],
        *,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        description: str,
    ) -> int:
        """Add and remove tags on the annotations with these ids that still exist, as they
        are under the write lock: one write, one undo step; returns how many changed."""
        added = normalise_tags(add_tags)
        removed = {tag_key(tag) for tag in normalise_tags(remove_tags)}
        with self._writing() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            ops: list[Op] = []
            for key in dict.fromkeys(annotation_ids):
                doc = table.get(key)
                if doc is None:
                    continue
                current = Annotation.from_dict(doc)
                tags = normalise_tags(
                    tag for tag in (*current.tags, *added) if tag_key(tag) not in removed
                )
                if tags != current.tags:
                    ops.append(
                        put_op(ANNOTATIONS_TABLE, key, current.with_changes(tags=tags).to_dict())
                    )
            self._commit(description, ops)
        return len(ops)

    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation (by id or unique prefix) and return it."""
        with self._writing() as data:
            annotation = self._resolve(data, annotation_id)
            self._commit(
                f"delete highlight {_describe(annotation)}",
                [del_op(ANNOTATIONS_TABLE, annotation.id)],
            )
        return annotation

    def delete_many(self, annotation_ids: Iterable[str], description: str) -> int:
        """Delete the annotations with these ids that still exist: one write, one undo step."""
        with self._writing() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            ops = [
                del_op(ANNOTATIONS_TABLE, key)
                for key in dict.fromkeys(annotation_ids)
                if key in table
            ]
            self._commit(description, ops)
        return len(ops)

    def replace_many(
        self,
        delete_ids: Iterable[str],
        annotations: Iterable[Annotation],
        *,
        description: str,
    ) -> int:
        """Delete the annotations with `delete_ids` that still exist and store
        `annotations`, as one write and one undo step; returns how many were deleted."""
        cleaned = [self._clean(a) for a in annotations]
        with self._writing() as data:
            ops = self._replacement_ops(data, delete_ids, cleaned)
            self._commit(description, ops)
        return sum(op.kind == "del" for op in ops)

    def _replacement_ops(
        self, data: Data, delete_ids: Iterable[str], cleaned: Iterable[Annotation]
    ) -> list[Op]:
        """Operations deleting the annotations of `delete_ids` that exist, then storing
        `cleaned` (`_clean`ed)."""
        table = data.get(ANNOTATIONS_TABLE, {})
        ops = [del_op(ANNOTATIONS_TABLE, key) for key in dict.fromkeys(delete_ids) if key in table]
        return ops + [put_op(ANNOTATIONS_TABLE, a.id, a.to_dict()) for a in cleaned]

    def replace_decided(
        self,
        article_ids: Collection[str],
        decide: Callable[[list[Annotation]], Replacement],
    ) -> Replacement:
        """`replace_many` of what `decide` makes of the annotations of `article_ids` as
        they are under the write lock (two windows deciding at once cannot both write what
        each worked out from the same state); one undo step named by the decision. Returns
        the decision."""
        wanted = set(article_ids)
        with self._writing() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            current = [
                Annotation.from_dict(doc) for doc in table.values() if doc.get("article") in wanted
            ]
            decision = decide(current)
            ops = self._replacement_ops(data, decision.delete, map(self._clean, decision.add))
            self._commit(decision.description, ops)
        return decision

    def put_many(
        self,
        annotations: Iterable[Annotation],
        *,
        tag_colours: Mapping[str, str] | None = None,
        tag_descriptions: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> None:
        """Add or replace many annotations (and set tag colours and codebook descriptions)
        as one write and one undo step. For annotations that may exist already, use
        `merge_many`."""
        cleaned = {a.id: self._clean(a) for a in annotations}
        colours = {tag: validate_colour(colour) for tag, colour in (tag_colours or {}).items()}
        ops = [put_op(ANNOTATIONS_TABLE, key, a.to_dict()) for key, a in cleaned.items()]
        ops += [
            put_op(TAG_COLOURS_TABLE, tag_key(tag), {"name": tag, "colour": colour})
            for tag, colour in colours.items()
        ]
        for tag, text in (tag_descriptions or {}).items():
            name, cleaned_text = normalise_tag(tag), normalise_text(text).strip()
            if name and cleaned_text:
                ops.append(
                    put_op(
                        CODEBOOK_TABLE, tag_key(name), {"name": name, "description": cleaned_text}
                    )
                )
        with self._writing():
            self._commit(description or f"save {count_noun(len(cleaned), 'annotation')}", ops)

    def merge_many(
        self,
        incoming: Iterable[Annotation],
        choose: Callable[[Annotation | None, Annotation], Annotation | None],
        *,
        tag_colours: Callable[[set[str]], Mapping[str, str]] | None = None,
        descriptions: Mapping[str, str] | None = None,
        choose_description: Callable[[str | None, str], str | None] | None = None,
        memos: Iterable[Mapping[str, str]] = (),
        choose_memo: MemoChooser | None = None,
        description: str,
    ) -> int:
        """Merge annotations into the store, deciding on the state under the write lock.

        `choose(current, new)` gets the stored annotation with the same id (or None) and
        returns what to store, or None to leave it. `tag_colours(existing tag keys)` gives
        the colours to set, in the same write. Likewise, in the same write,
        `choose_description(stored description or None, new)` decides the codebook
        description of each tag of `descriptions` (tag -> text), and `choose_memo(stored
        memo or None, new)` each memo of `memos` ({"kind", "target", "text", "updated"}).
        One write, one undo step; returns how many annotations were written.
        """
        incoming = list(incoming)
        with self._writing() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            ops: list[Op] = []
            coded: set[str] = set()  # the tag keys of the annotations written
            for annotation in incoming:
                doc = table.get(annotation.id)
                chosen = choose(None if doc is None else Annotation.from_dict(doc), annotation)
                if chosen is not None:
                    chosen = self._clean(chosen)
                    ops.append(put_op(ANNOTATIONS_TABLE, chosen.id, chosen.to_dict()))
                    coded.update(map(tag_key, chosen.tags))
            written = len(ops)
            if ops and tag_colours is not None:
                colours = tag_colours(set(self._index.spellings))
                ops += [
                    put_op(
                        TAG_COLOURS_TABLE,
                        tag_key(tag),
                        {"name": tag, "colour": validate_colour(colour)},
                    )
                    for tag, colour in colours.items()
                ]
            if descriptions and choose_description is not None:
                ops += self._merge_descriptions(data, descriptions, choose_description)
            if choose_memo is not None:
                # (Tags this write gives an annotation or a description are in the codebook.)
                coded |= {op.doc_id for op in ops[written:] if op.table == CODEBOOK_TABLE}
                ops += self._merge_memos(data, memos, choose_memo, coded)
            self._commit(description, ops)
        return written

    def _merge_descriptions(
        self,
        data: Data,
        descriptions: Mapping[str, str],
        choose: Callable[[str | None, str], str | None],
    ) -> list[Op]:
        """Operations that set the codebook descriptions `choose` picks (see `merge_many`)."""
        codebook = data.get(CODEBOOK_TABLE, {})
        known = self._known_tags(data)
        ops = []
        for tag, text in descriptions.items():
            name, cleaned = normalise_tag(tag), normalise_text(text).strip()
            if not name or not cleaned:
                continue
            key = tag_key(name)
            current = codebook.get(key)
            chosen = choose(current["description"] if current else None, cleaned)
            if chosen:
                ops.append(
                    put_op(
                        CODEBOOK_TABLE, key, {"name": known.get(key, name), "description": chosen}
                    )
                )
        return ops

    def _merge_memos(
        self,
        data: Data,
        memos: Iterable[Mapping[str, str]],
        choose: MemoChooser,
        coded: set[str],
    ) -> list[Op]:
        """Operations that write the memos `choose` picks (see `merge_many`); a tag memo's
        tag not in the codebook yet, nor among the tag keys `coded` by the same write, is
        put into it, as `set_memo` does."""
        stored = data.get(MEMOS_TABLE, {})
        known = self._known_tags(data)
        ops = []
        for memo in memos:
            kind, target = memo["kind"], memo["target"]
            if kind == "tag":
                target = known.get(tag_key(target), normalise_tag(target))
            text = normalise_text(memo["text"]).strip()
            if not target or not text:
                continue
            key = _memo_key(kind, target)
            new = {"kind": kind, "target": target, "text": text, "updated": memo.get("updated", "")}
            chosen = choose(stored.get(key), new)
            if chosen is None:
                continue
            ops.append(
                put_op(MEMOS_TABLE, key, {**chosen, "updated": chosen["updated"] or utc_now()})
            )
            if kind == "tag" and tag_key(target) not in known and tag_key(target) not in coded:
                known[tag_key(target)] = target
                ops.append(
                    put_op(CODEBOOK_TABLE, tag_key(target), {"name": target, "description": ""})
                )
        return ops

    # Writing tags ------------------------------------------------------------------

    def _retag(
        self, data: Data, keys: Iterable[str], change: Callable[[tuple[str, ...]], tuple[str, ...]]
    ) -> list[Op]:
        """Operations that apply `change` to the tags of the annotations carrying any of the
        tag `keys` (only those are looked at)."""
        table = data.get(ANNOTATIONS_TABLE, {})
        ids = set().union(*(self._index.tagged.get(key, ()) for key in keys))
        ops = []
        now = utc_now()
        with gc_paused():
            for doc_id in sorted(ids):
                doc = table[doc_id]
                old = tuple(doc.get("tags", ()))
                new = change(old)
                if new != old:
                    fields = {"tags": list(new), "updated": now}
                    # Journaled as a patch of these two fields, not the whole document.
                    ops.append(
                        put_op(ANNOTATIONS_TABLE, doc_id, {**doc, **fields})._replace(patch=fields)
                    )
        return ops

    def add_codes(
        self, codes: Mapping[str, str], *, colours: Mapping[str, str], description: str
    ) -> tuple[int, int]:
        """Put every tag of `codes` (tag -> description, "" for none) into the codebook,
        used or not, and give the tags of `colours` their colours: one write, one undo step.

        A description is set where the codebook has none; a different one the codebook
        has already is kept. Returns (descriptions set, descriptions kept)."""
        values = {tag: validate_colour(colour) for tag, colour in colours.items()}
        with self._writing() as data:
            codebook = data.get(CODEBOOK_TABLE, {})
            ops = [
                put_op(TAG_COLOURS_TABLE, tag_key(tag), {"name": tag, "colour": colour})
                for tag, colour in values.items()
            ]
            added = kept = 0
            for tag, text in codes.items():
                name, cleaned = normalise_tag(tag), normalise_text(text).strip()
                key = tag_key(name)
                if not name:
                    continue
                current = codebook.get(key)
                if current is not None and current["description"]:
                    kept += bool(cleaned) and cleaned != current["description"]
                    continue
                if current is not None and not cleaned:
                    continue
                added += bool(cleaned)
                ops.append(put_op(CODEBOOK_TABLE, key, {"name": name, "description": cleaned}))
            if ops:
                self._commit(description, ops)
        return added, kept

    def describe_tag(self, tag: str, description: str) -> str:
        """Give a tag its codebook description (definition, when to use it, an example);
        an empty description removes it (the tag stays in the codebook: `delete_tag`
        removes it). The tag need not be in use yet. Returns its name."""
        text = normalise_text(description).strip()
        cleaned = normalise_tag(tag)
        if not cleaned:
            raise InvalidTagError("the tag name is empty")
        key = tag_key(cleaned)
        with self._writing() as data:
            name = self._known_tags(data).get(key, cleaned)
            current = data.get(CODEBOOK_TABLE, {}).get(key)
            if text:
                if current is not None and current["description"] == text:
                    return name
                op = put_op(CODEBOOK_TABLE, key, {"name": name, "description": text})
            elif current is None or not current["description"]:
                return name
            else:
                op = put_op(CODEBOOK_TABLE, key, {"name": name, "description": ""})
            self._commit(f"describe tag {name}", [op])
        return name

    def set_memo(self, kind: str, target: str, text: str) -> None:
        """Write the memo on an article (`kind` "article", `target` its id) or on a tag
        ("tag"; like `describe_tag`, a tag not used yet is put into the codebook); empty
        text removes it. One undo step."""
        cleaned = normalise_text(text).strip()
        ops: list[Op] = []
        with self._writing() as data:
            if kind == "tag":
                name = normalise_tag(target)
                if not name:
                    raise InvalidTagError("the tag name is empty")
                known = self._known_tags(data)
                target = known.get(tag_key(name), name)
                if cleaned and tag_key(name) not in known:
                    ops.append(
                        put_op(CODEBOOK_TABLE, tag_key(name), {"name": name, "description": ""})
                    )
            key = _memo_key(kind, target)
            current = data.get(MEMOS_TABLE, {}).get(key)
            if cleaned:
                if current is not None and current["text"] == cleaned:
                    return
                ops.append(
                    put_op(
                        MEMOS_TABLE,
                        key,
                        {"kind": kind, "target": target, "text": cleaned, "updated": utc_now()},
                    )
                )
            elif current is None:
                return
            else:
                ops.append(del_op(MEMOS_TABLE, key))
            self._commit(f"memo on {kind} {_flat(target)}", ops)

    def set_tag_colour(self, tag: str, colour: str) -> None:
        """Give a tag a colour (hex or name); UnknownTagError if no annotation has it."""
        value = validate_colour(colour)
        with self._writing():
            name = self._tag_name(tag)
            self._commit(
                f"colour tag {name} {value}",
                [put_op(TAG_COLOURS_TABLE, tag_key(name), {"name": name, "colour": value})],
            )

    def _move_tag_documents(self, data: Data, root_key: str, new_root: str | None) -> list[Op]:
        """Operations that move the colours, codebook entries and memos of the tags in the
        subtree of `root_key` below `new_root` (None: delete them). Where the new tag has
        one already (a merge), its colour is kept and descriptions and memos are joined."""
        ops: list[Op] = []
        for table in (TAG_COLOURS_TABLE, CODEBOOK_TABLE, MEMOS_TABLE):
            docs = data.get(table, {})
            for doc_id, doc in list(docs.items()):
                name = doc["target"] if table == MEMOS_TABLE else doc["name"]
                if (table == MEMOS_TABLE and doc["kind"] != "tag") or not (
                    tag_key(name) == root_key or tag_key(name).startswith(root_key + "/")
                ):
                    continue
                ops.append(del_op(table, doc_id))
                if new_root is None:
                    continue
                new_name = move_subtree(name, root_key, new_root)
                new_id = _memo_key("tag", new_name) if table == MEMOS_TABLE else tag_key(new_name)
                existing = docs.get(new_id)
                if table == MEMOS_TABLE:
                    text = _joined(existing and existing["text"], doc["text"])
                    moved = {**doc, "target": new_name, "text": text, "updated": utc_now()}
                elif table == CODEBOOK_TABLE:
                    text = _joined(existing and existing["description"], doc["description"])
                    moved = {"name": new_name, "description": text}
                elif existing is None:
                    moved = {**doc, "name": new_name}
                else:
                    continue  # a merge keeps the target's colour
                ops.append(put_op(table, new_id, moved))
        return ops

    def _replace_subtree(self, data: Data, root: str, new_root: str | None) -> list[Op]:
        """Operations that rename the tag `root` and every tag below it to `new_root`
        (None: remove them) on every annotation, and move their colours, codebook entries
        and memos with them."""
        root_key = tag_key(root)

        def change(tags: tuple[str, ...]) -> tuple[str, ...]:
            kept = []
            for tag in tags:
                if not in_subtree(tag, root):
                    kept.append(tag)
                elif new_root is not None:
                    kept.append(move_subtree(tag, root_key, new_root))
            return _distinct(kept)

        subtree = [
            key
            for key in self._index.spellings
            if key == root_key or key.startswith(root_key + "/")
        ]
        return self._retag(data, subtree, change) + self._move_tag_documents(
            data, root_key, new_root
        )

    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag and every tag below it (`security` → `defence` makes
        `security/maritime` `defence/maritime`), merging into `new` if it exists; a new name
        with a `/` moves it (`tags move`). Returns annotations changed; one undo step."""
        new_tags = normalise_tags([new])
        if not new_tags:
            raise InvalidTagError("the new tag name is empty")
        new_name, new_key = new_tags[0], tag_key(new_tags[0])
        with self._writing() as data:
            old_name = self._tag_name(old, data)
            old_key = tag_key(old_name)
            if new_key.startswith(old_key + "/"):
                raise InvalidTagError(f"cannot move the tag “{old_name}” below itself")
            known = self._known_tags(data)
            merging = new_key in known and new_key != old_key
            ops = self._replace_subtree(data, old_name, new_name)
            verb = "merge tag {} into {}" if merging else "rename tag {} → {}"
            self._commit(verb.format(old_name, new_name), ops)
        return sum(op.table == ANNOTATIONS_TABLE for op in ops)

    def move_tag(self, tag: str, new_parent: str | None) -> int:
        """Put a tag (with the tags below it) under `new_parent`, or at the top level when
        it is None or empty. Returns annotations changed; one undo step."""
        leaf = tag.rstrip("/").rsplit("/", 1)[-1]
        parent = normalise_tag(new_parent or "").strip("/")
        return self.rename_tag(tag, f"{parent}/{leaf}" if parent else leaf)

    def merge_tags(self, source: str, target: str) -> int:
        """Replace tag `source` (and the tags below it) by existing tag `target`; returns
        annotations changed."""
        with self._writing() as data:
            source_name = self._tag_name(source, data)
            target_name = self._tag_name(target, data)
            source_key = tag_key(source_name)
            if source_key == tag_key(target_name):
                raise InvalidTagError(f"cannot merge the tag “{source_name}” into itself")
            if tag_key(target_name).startswith(source_key + "/"):
                raise InvalidTagError(f"cannot merge the tag “{source_name}” into a tag below it")
            ops = self._replace_subtree(data, source_name, target_name)
            self._commit(f"merge tag {source_name} into {target_name}", ops)
        return sum(op.table == ANNOTATIONS_TABLE for op in ops)

    def delete_tag(self, tag: str) -> int:
        """Remove a tag and the tags below it from every annotation (never deleting one),
        with their colours, descriptions and memos; returns how many annotations changed."""
        with self._writing() as data:
            name = self._tag_name(tag, data)
            ops = self._replace_subtree(data, name, None)
            self._commit(f"delete tag {name}", ops)
        return sum(op.table == ANNOTATIONS_TABLE for op in ops)

    # Undo and redo ------------------------------------------------------------------

    def undo(self, *, mine: bool = False, key: str | None = None) -> HistoryItem | None:
        """Take back a change: the newest one (of this window/origin only, with `mine`), or
        the one with history `key`. None if there is none.

        Fields changed again since by anyone are kept (see history.py); the result says how
        many were.
        """
        return self._step(redo=False, mine=mine, key=key)

    def redo(self, *, mine: bool = False, key: str | None = None) -> HistoryItem | None:
        """Make an undone change again: the one undone last (by this origin, with `mine`),
        or the one with history `key`. None if there is none."""
        return self._step(redo=True, mine=mine, key=key)

    def _step(self, *, redo: bool, mine: bool, key: str | None) -> HistoryItem | None:
        wanted = "undone" if redo else "done"
        with self._writing() as data:
            history = data.get(HISTORY_TABLE, {})
            if key is not None:
                key = key.strip().zfill(12) if key.strip().isdigit() else key
                if key not in history or history[key]["state"] != wanted:
                    what = "redo" if redo else "undo"
                    raise StoreError(f"there is no change {key} to {what} (see newsmark history)")
                chosen = key
            else:
                candidates = [
                    k
                    for k, entry in history.items()
                    if entry["state"] == wanted
                    and (not mine or entry.get("undone_by" if redo else "origin") == self.origin)
                ]
                if not candidates:
                    return None
                if redo:  # the one undone last
                    chosen = max(candidates, key=lambda k: history[k].get("undone_seq", 0))
                else:
                    chosen = max(candidates)
            entry = history[chosen]
            ops: list[Op] = []
            kept = 0
            changes = entry_changes(entry)
            if changes is None:
                raise StoreError(
                    f"the undo entry {chosen.lstrip('0')} is damaged; nothing was changed"
                )
            for change in changes:
                table, doc_id = change[0], change[1]
                result = revert_change(change, data.get(table, {}).get(doc_id), redo=redo)
                kept += result.kept
                if result.write:
                    ops.append(
                        put_op(table, doc_id, result.document)
                        if result.document is not None
                        else del_op(table, doc_id)
                    )
            if redo:
                updated = {
                    k: v
                    for k, v in entry.items()
                    if k not in ("undone_by", "undone_at", "undone_seq")
                }
                updated["state"] = "done"
            else:
                sequence = 1 + max((e.get("undone_seq", 0) for e in history.values()), default=0)
                updated = {
                    **entry,
                    "state": "undone",
                    "undone_by": self.origin,
                    "undone_at": utc_now(),
                    "undone_seq": sequence,
                }
            ops.append(put_op(HISTORY_TABLE, chosen, updated))
            self._commit("", ops, undoable=False)
            return HistoryItem.from_entry(chosen, entry, kept=kept, changed=len(ops) - 1)

    # Re-anchoring -------------------------------------------------------------------

    def reanchor_all(
        self, corpus: Corpus, articles: Collection[str] | None = None
    ) -> ReanchorReport:
        """Re-attach every annotation (or those of `articles`) to the current text of its
        article (not an undo step: it follows the articles, it is not a user's change)."""
        counts = Counter[str]()
        changed: dict[str, tuple[dict[str, Any], Annotation]] = {}
        with self._reading() as data:  # the documents' JSON: decoded an article at a time
            table = data.get(ANNOTATIONS_TABLE, {})
            by_article = {
                article: documents_json(table, ids)
                for article, ids in self._index.by_article.items()
                if articles is None or article in articles
            }
        for article_id, raws in by_article.items():
            docs = list(map(decode, raws))
            if article_id in corpus and unchanged_article(
                corpus.content_hash(article_id),
                ((doc.get("body_hash"), doc.get("anchor")) for doc in docs),
            ):
                # Made on exactly this text: nothing can have moved (no need to parse it).
                counts["unchanged"] += len(docs)
                continue
            olds = [Annotation.from_dict(doc) for doc in docs]
            for index, new in reanchor_article(olds, current_article(corpus, article_id), counts):
                changed[new.id] = (docs[index], new)
        if not changed:
            return ReanchorReport(**counts)
        with self._writing() as data:
            table = data.get(ANNOTATIONS_TABLE, {})
            # Only annotations nobody changed meanwhile are re-anchored.
            ops = [
                put_op(ANNOTATIONS_TABLE, key, new.to_dict())
                for key, (doc, new) in changed.items()
                if table.get(key) == doc
            ]
            self._commit(f"re-anchor {count_noun(len(ops), 'annotation')}", ops, undoable=False)
        return ReanchorReport(**counts)
