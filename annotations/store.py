"""`AnnotationStore`: annotations, tags, undo history and multi-process safety.

The data lives in a TinyDB database backed by `DurableStorage` (see storage.py for the
file format). Reads go through TinyDB tables; every change is a batch of journal operations
committed with `DurableStorage.commit` (TinyDB's own table writes copy the whole table,
which costs ~80 ms per change at 100k annotations). Every write holds a file lock, catches
up with other processes first, and records an undo entry in the "history" table, in the
same fsync'd batch, so `undo()` in any process undoes the latest change of any process.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock
from tinydb import Query, TinyDB
from tinydb.table import Table

from annotations.anchoring import reanchor
from annotations.errors import (
    StoreError,
    UnknownAnnotationError,
    UnknownArticleError,
    UnknownTagError,
)
from annotations.model import Anchor, Annotation, TagInfo, document_order, utc_now
from annotations.storage import (
    ANNOTATIONS_TABLE,
    COMPACT_BYTES,
    DurableStorage,
    Op,
    del_op,
    gc_paused,
    put_op,
)
from annotations.tags import (
    InvalidTagError,
    default_colour,
    normalise_tags,
    tag_key,
    validate_colour,
)
from annotations.text import normalise_text

if TYPE_CHECKING:
    from annotations.corpus import Corpus

TAG_COLOURS_TABLE = "tag_colours"
HISTORY_TABLE = "history"
LOCK_TIMEOUT = 10.0
MIN_PREFIX = 4


class DuplicateAnnotationError(StoreError):
    """An annotation with the same id is already stored."""


@dataclass(frozen=True, slots=True)
class ReanchorReport:
    """What `reanchor_all` did.

    `exact`, `fuzzy`: annotations moved, refreshed or recovered to that anchor; `orphaned`:
    annotations whose quote is not in their article (including ones that already were, and
    the `missing` ones); `unchanged`: still exactly where they were; `missing`: their article
    is not in the collection (they are marked orphaned, never deleted).
    """

    exact: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    unchanged: int = 0
    missing: int = 0
    newly_orphaned: int = 0

    @property
    def needs_notice(self) -> bool:
        """Whether the user should hear about it: quotes moved by fuzzy match or lost."""
        return bool(self.fuzzy or self.newly_orphaned)

    def describe(self) -> str:
        """One line for the user, e.g. 'articles changed: 2 annotations re-anchored by ...'."""
        return (
            f"articles changed: {self.fuzzy} annotations re-anchored by fuzzy match, "
            f"{self.newly_orphaned} newly orphaned (kept with their quotes; "
            f"{self.orphaned} orphaned in all, see Orphans)"
        )


class _StrIdTable(Table):
    """A TinyDB table whose document ids are strings (annotation ids, tag keys)."""

    document_id_class = str


class _NewsmarkDB(TinyDB):
    table_class = _StrIdTable
    default_table_name = ANNOTATIONS_TABLE


def _flat(text: str, limit: int = 40) -> str:
    """`text` on one line, shortened to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe(annotation: Annotation) -> str:
    return f"“{_flat(annotation.quote)}”"



def _unchanged_article(docs: list[dict[str, Any]], content_hash: str) -> bool:
    """Whether every annotation of an article is anchored on its current text.

    Never true while one is orphaned: its quote may be back (the article was missing, or
    edited and then restored), so orphans are always looked for again.
    """
    return all(
        doc.get("body_hash") == content_hash and doc.get("anchor") != Anchor.ORPHANED
        for doc in docs
    )


class AnnotationStore:
    """The annotation database: durable, shared safely between processes, with undo."""

    def __init__(self, path: Path, *, undo_limit: int, compact_bytes: int) -> None:
        self.path = Path(path)
        self.undo_limit = max(1, undo_limit)
        self._db = _NewsmarkDB(self.path, storage=DurableStorage, compact_bytes=compact_bytes)
        self._storage: DurableStorage = self._db.storage  # type: ignore[assignment]
        self._annotations = self._db.table(ANNOTATIONS_TABLE, cache_size=0)
        self._colours = self._db.table(TAG_COLOURS_TABLE, cache_size=0)
        self._history = self._db.table(HISTORY_TABLE, cache_size=0)
        self._file_lock = filelock.FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT)
        self._mutex = threading.RLock()
        self._by_article: dict[str, set[str]] = {}
        self._article_of: dict[str, str] = {}
        # Tag key -> how often each spelling is used (in order of first use), kept up to
        # date with every change so listing tags stays cheap at 100k annotations.
        self._spellings: dict[str, Counter[str]] = {}
        self._tags_of: dict[str, tuple[str, ...]] = {}
        self._version = 0
        self._rebuild_index()

    @classmethod
    def open(
        cls, path: Path, *, undo_limit: int = 100, compact_bytes: int = COMPACT_BYTES
    ) -> AnnotationStore:
        """Open (or start) the database at `path`; CorruptDatabaseError if it is not one."""
        return cls(path, undo_limit=undo_limit, compact_bytes=compact_bytes)

    # Keeping up with the files and with other processes --------------------------

    @property
    def version(self) -> int:
        """A number that changes whenever the annotations change (here or elsewhere)."""
        return self._version

    def _rebuild_index(self) -> None:
        self._version += 1
        self._by_article.clear()
        self._article_of.clear()
        self._spellings.clear()
        self._tags_of.clear()
        table = self._storage.read().get(ANNOTATIONS_TABLE, {})
        with gc_paused():
            self._index(put_op(ANNOTATIONS_TABLE, key, doc) for key, doc in table.items())

    def _index(self, ops: Iterable[Op]) -> None:
        """Update the article index for operations just applied."""
        for op in ops:
            if op[1] != ANNOTATIONS_TABLE:
                continue
            self._version += 1
            doc_id = op[2]
            old_article = self._article_of.pop(doc_id, None)
            if old_article is not None:
                ids = self._by_article[old_article]
                ids.discard(doc_id)
                if not ids:
                    del self._by_article[old_article]
            old_tags = self._tags_of.pop(doc_id, None)
            if old_tags:
                self._count_tags(old_tags, -1)
            if op[0] == "put":
                article = op[3]["article"]
                self._article_of[doc_id] = article
                self._by_article.setdefault(article, set()).add(doc_id)
                tags = tuple(op[3].get("tags", ()))
                if tags:
                    self._tags_of[doc_id] = tags
                    self._count_tags(tags, 1)

    def _count_tags(self, tags: Iterable[str], change: int) -> None:
        for tag in tags:
            key = tag_key(tag)
            counter = self._spellings.get(key)
            if counter is None:
                counter = self._spellings[key] = Counter()
            counter[tag] += change
            if counter[tag] <= 0:
                del counter[tag]
                if not counter:
                    del self._spellings[key]

    def _sync(self) -> bool:
        """Apply what other processes wrote (a stat when nothing changed)."""
        changes = self._storage.refresh()
        if changes.reloaded:
            self._rebuild_index()
        else:
            self._index(changes.ops)
        return bool(changes)

    def refresh(self) -> bool:
        """Re-read the database if another process changed it; True if anything changed."""
        with self._mutex:
            return self._sync()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._mutex:
            self._sync()
            yield

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the file lock (and the in-process mutex) with the data up to date."""
        with self._mutex:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file_lock.acquire()
            except filelock.Timeout:
                raise StoreError("database is locked by another newsmark process") from None
            except OSError as error:
                raise StoreError(
                    f"could not save to {self.path}: {error.strerror or error}; "
                    "the change was not saved"
                ) from None
            try:
                self._sync()
                yield
            finally:
                self._file_lock.release()

    def _apply(self, ops: list[Op]) -> None:
        """Make `ops` durable as one batch, then update the index."""
        self._storage.commit(ops)
        self._index(ops)

    def _commit(self, description: str, ops: list[Op], *, undoable: bool = True) -> None:
        """Commit `ops` together with the undo entry that reverts them (if `undoable`)."""
        if not ops:
            return
        if not undoable:
            self._apply(ops)
            return
        before: dict[str, dict[str, Any]] = {}
        data = self._storage.read()
        for op in ops:
            table, doc_id = op[1], op[2]
            touched = before.setdefault(table, {})
            if doc_id not in touched:
                touched[doc_id] = data.get(table, {}).get(doc_id)
        entry = {"description": description, "time": utc_now(), "before": before}
        keys = sorted(doc.doc_id for doc in self._history)
        sequence = int(keys[-1]) + 1 if keys else 1
        ops = [*ops, put_op(HISTORY_TABLE, f"{sequence:012d}", entry)]
        expired = keys[: max(0, len(keys) + 1 - self.undo_limit)]
        ops += [del_op(HISTORY_TABLE, key) for key in expired]
        self._apply(ops)

    # Reading ---------------------------------------------------------------------

    def _raw(self, annotation_id: str) -> dict[str, Any] | None:
        return self._annotations.get(doc_id=annotation_id)

    def all(self) -> list[Annotation]:
        """Every annotation, by article then position."""
        with self._reading():
            return sorted(map(Annotation.from_dict, self._annotations), key=document_order)

    def _resolve(self, annotation_id: str) -> Annotation:
        doc = self._raw(annotation_id)
        if doc is not None:
            return Annotation.from_dict(doc)
        if len(annotation_id) < MIN_PREFIX:
            raise UnknownAnnotationError(
                f"no annotation has the id “{_flat(annotation_id)}” "
                f"(a prefix needs at least {MIN_PREFIX} characters)"
            )
        matches = [key for key in self._article_of if key.startswith(annotation_id)]
        if not matches:
            raise UnknownAnnotationError(f"no annotation has the id “{_flat(annotation_id)}”")
        if len(matches) > 1:
            raise UnknownAnnotationError(
                f"the id prefix “{annotation_id}” matches {len(matches)} annotations"
            )
        return Annotation.from_dict(self._raw(matches[0]) or {})

    def get(self, annotation_id: str) -> Annotation:
        """The annotation with this id or unique id prefix (at least 4 characters)."""
        with self._reading():
            return self._resolve(annotation_id)

    def for_article(self, article_id: str) -> list[Annotation]:
        """The annotations of one article, by position."""
        with self._reading():
            docs = (self._raw(key) for key in self._by_article.get(article_id, ()))
            return sorted((Annotation.from_dict(doc) for doc in docs if doc), key=document_order)

    def with_tags(self, tags: Iterable[str]) -> list[Annotation]:
        """Annotations carrying any of `tags` (case-insensitively), by article and position."""
        wanted = {tag_key(tag) for tag in normalise_tags(tags)}
        has_tag = Query().tags.test(lambda values: any(tag_key(v) in wanted for v in values))
        with self._reading():
            return sorted(map(Annotation.from_dict, self._annotations.search(has_tag)),
                          key=document_order)

    def _tag_spellings(self) -> dict[str, Counter[str]]:
        """Tag key → how often each spelling is used, in order of first use."""
        return self._spellings

    def _tag_name(self, tag: str, spellings: dict[str, Counter[str]]) -> str:
        """The usual spelling of an existing tag; UnknownTagError if no annotation has it."""
        counter = spellings.get(tag_key(tag))
        if counter is None:
            raise UnknownTagError(f"no annotation has the tag “{_flat(tag)}”")
        return counter.most_common(1)[0][0]

    def _colour_of(self, key: str) -> str:
        doc = self._colours.get(doc_id=key)
        return doc["colour"] if doc else default_colour(key)

    def article_counts(self) -> dict[str, int]:
        """How many annotations each article has (articles without any are left out)."""
        with self._reading():
            return {article: len(ids) for article, ids in self._by_article.items()}

    def tags(self) -> list[TagInfo]:
        """Every tag in use, sorted case-insensitively, with its colour and count."""
        with self._reading():
            return [
                TagInfo(
                    name=counter.most_common(1)[0][0],
                    colour=self._colour_of(key),
                    count=counter.total(),
                )
                for key, counter in sorted(self._tag_spellings().items())
            ]

    def tag_colour(self, tag: str) -> str:
        """The colour of a tag: the one set with `set_tag_colour`, else its default."""
        with self._reading():
            return self._colour_of(tag_key(tag))

    # Writing annotations -----------------------------------------------------------

    @staticmethod
    def _clean(annotation: Annotation) -> Annotation:
        """Normalised tags, and a note without control sequences (notes are typed text:
        everything shown or printed later must be safe for a terminal)."""
        tags = normalise_tags(annotation.tags)
        note = normalise_text(annotation.note).strip() or None if annotation.note else None
        if tags == annotation.tags and note == annotation.note:
            return annotation
        return replace(annotation, tags=tags, note=note)

    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation; DuplicateAnnotationError if its id is taken."""
        annotation = self._clean(annotation)
        with self._writing():
            if self._raw(annotation.id) is not None:
                raise DuplicateAnnotationError(f"an annotation with id {annotation.id} exists")
            self._commit(
                f"add highlight {_describe(annotation)}",
                [put_op(ANNOTATIONS_TABLE, annotation.id, annotation.to_dict())],
            )
        return annotation

    def update(self, annotation: Annotation) -> Annotation:
        """Replace a stored annotation (same id); UnknownAnnotationError if there is none."""
        annotation = self._clean(annotation)
        with self._writing():
            if self._raw(annotation.id) is None:
                raise UnknownAnnotationError(f"no annotation has the id “{annotation.id}”")
            self._commit(
                f"edit highlight {_describe(annotation)}",
                [put_op(ANNOTATIONS_TABLE, annotation.id, annotation.to_dict())],
            )
        return annotation

    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation (by id or unique prefix) and return it."""
        with self._writing():
            annotation = self._resolve(annotation_id)
            self._commit(
                f"delete highlight {_describe(annotation)}",
                [del_op(ANNOTATIONS_TABLE, annotation.id)],
            )
        return annotation

    def put_many(
        self, annotations: Iterable[Annotation], *, tag_colours: Mapping[str, str] | None = None
    ) -> None:
        """Add or replace many annotations (and set tag colours) as one write and one undo step."""
        cleaned = {a.id: self._clean(a) for a in annotations}
        colours = {tag: validate_colour(colour) for tag, colour in (tag_colours or {}).items()}
        ops = [put_op(ANNOTATIONS_TABLE, key, a.to_dict()) for key, a in cleaned.items()]
        ops += [
            put_op(TAG_COLOURS_TABLE, tag_key(tag), {"name": tag, "colour": colour})
            for tag, colour in colours.items()
        ]
        with self._writing():
            self._commit(f"save {len(cleaned)} annotations", ops)

    # Writing tags ------------------------------------------------------------------

    def _retag(self, change: Callable[[tuple[str, ...]], tuple[str, ...]]) -> list[Op]:
        """Operations that apply `change` to the tags of every annotation it affects."""
        ops = []
        for doc in self._annotations:
            old = tuple(doc.get("tags", ()))
            new = change(old)
            if new != old:
                annotation = Annotation.from_dict(doc).with_changes(tags=new)
                ops.append(put_op(ANNOTATIONS_TABLE, annotation.id, annotation.to_dict()))
        return ops

    def set_tag_colour(self, tag: str, colour: str) -> None:
        """Give a tag a colour (hex or name); UnknownTagError if no annotation has it."""
        value = validate_colour(colour)
        with self._writing():
            name = self._tag_name(tag, self._tag_spellings())
            self._commit(
                f"colour tag {name} {value}",
                [put_op(TAG_COLOURS_TABLE, tag_key(name), {"name": name, "colour": value})],
            )

    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag (merging into `new` if it exists); returns annotations changed."""
        new_tags = normalise_tags([new])
        if not new_tags:
            raise InvalidTagError("the new tag name is empty")
        new_name, new_key = new_tags[0], tag_key(new_tags[0])
        with self._writing():
            spellings = self._tag_spellings()
            old_name = self._tag_name(old, spellings)
            old_key = tag_key(old_name)
            merging = new_key in spellings and new_key != old_key
            ops = self._retag(
                lambda tags: normalise_tags(new_name if tag_key(t) == old_key else t for t in tags)
            )
            colour = self._colours.get(doc_id=old_key)
            if colour is not None and not merging:
                ops.append(del_op(TAG_COLOURS_TABLE, old_key))
                ops.append(put_op(TAG_COLOURS_TABLE, new_key, {**colour, "name": new_name}))
            elif colour is not None:
                ops.append(del_op(TAG_COLOURS_TABLE, old_key))
            verb = "merge tag {} into {}" if merging else "rename tag {} → {}"
            self._commit(verb.format(old_name, new_name), ops)
        return sum(op[1] == ANNOTATIONS_TABLE for op in ops)

    def merge_tags(self, source: str, target: str) -> int:
        """Replace tag `source` by existing tag `target`; returns annotations changed."""
        with self._writing():
            spellings = self._tag_spellings()
            source_name = self._tag_name(source, spellings)
            target_name = self._tag_name(target, spellings)
            source_key = tag_key(source_name)
            if source_key == tag_key(target_name):
                raise InvalidTagError(f"cannot merge the tag “{source_name}” into itself")
            ops = self._retag(
                lambda tags: normalise_tags(
                    target_name if tag_key(t) == source_key else t for t in tags
                )
            )
            if self._colours.get(doc_id=source_key) is not None:
                ops.append(del_op(TAG_COLOURS_TABLE, source_key))
            self._commit(f"merge tag {source_name} into {target_name}", ops)
        return sum(op[1] == ANNOTATIONS_TABLE for op in ops)

    def delete_tag(self, tag: str) -> int:
        """Remove a tag from every annotation (never deleting one); returns how many."""
        with self._writing():
            name = self._tag_name(tag, self._tag_spellings())
            key = tag_key(name)
            ops = self._retag(lambda tags: tuple(t for t in tags if tag_key(t) != key))
            if self._colours.get(doc_id=key) is not None:
                ops.append(del_op(TAG_COLOURS_TABLE, key))
            self._commit(f"delete tag {name}", ops)
        return sum(op[1] == ANNOTATIONS_TABLE for op in ops)

    # Undo and re-anchoring --------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the latest change made by any process; its description, or None if none."""
        with self._writing():
            entries = list(self._history)
            if not entries:
                return None
            latest = max(entries, key=lambda doc: doc.doc_id)
            ops = [
                put_op(table, doc_id, doc) if doc is not None else del_op(table, doc_id)
                for table, docs in latest["before"].items()
                for doc_id, doc in docs.items()
            ]
            ops.append(del_op(HISTORY_TABLE, latest.doc_id))
            self._apply(ops)
            return str(latest["description"])

    def reanchor_all(self, corpus: Corpus) -> ReanchorReport:
        """Re-attach every annotation to the current text of its article (one undo step)."""
        counts = Counter[str]()
        changed: dict[str, tuple[dict[str, Any], Annotation]] = {}
        by_article: dict[str, list[dict[str, Any]]] = {}
        with self._reading():
            for doc in self._annotations:
                by_article.setdefault(doc["article"], []).append(doc)
        for article_id, docs in by_article.items():
            if article_id in corpus and _unchanged_article(docs, corpus.content_hash(article_id)):
                # Made on exactly this text: nothing can have moved (no need to parse it).
                counts["unchanged"] += len(docs)
                continue
            try:
                article = corpus.article(article_id) if article_id in corpus else None
            except UnknownArticleError:
                article = None
            for doc in docs:
                old = Annotation.from_dict(doc)
                if article is None:
                    counts["missing"] += 1
                    counts["orphaned"] += 1
                    new = replace(old, anchor=Anchor.ORPHANED)
                else:
                    new = reanchor(old, article)
                    unchanged = new == old and new.anchor != Anchor.ORPHANED
                    counts["unchanged" if unchanged else str(new.anchor)] += 1
                if new != old:
                    changed[old.id] = (doc, new)
                if new.anchor == Anchor.ORPHANED and old.anchor != Anchor.ORPHANED:
                    counts["newly_orphaned"] += 1
        if not changed:
            return ReanchorReport(**counts)
        with self._writing():
            # Only annotations nobody changed meanwhile are re-anchored.
            ops = [
                put_op(ANNOTATIONS_TABLE, key, new.to_dict())
                for key, (doc, new) in changed.items()
                if self._raw(key) == doc
            ]
            # Not an undo step: re-anchoring follows the articles, it is not a user's change
            # (undo would only bring back offsets that no longer fit the text).
            self._commit(f"re-anchor {len(ops)} annotations", ops, undoable=False)
        return ReanchorReport(**counts)
