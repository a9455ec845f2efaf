"""Writes of one annotation that never open the database whole: what `newsmark annotate`,
`edit` and `delete` do.

Each takes the file lock, reads the snapshot's head and the journal (append.py), finds the
one annotation it changes in the journal or else in the snapshot, with the snapshot's key
index (key_index.py) or a byte search (lookup.py), decides on its state as it is then
(journal replayed), and appends one journal line: the change and its
undo entry, made by the same rules as `AnnotationStore`'s (history.entry_ops). The same
guarantees as `AnnotationStore`'s writes hold: decided under the lock, durable on return.

When a database cannot be written that way (none yet, a snapshot without a head or of an
older schema, a journal of another snapshot, an id of unusual characters), the function
opens it whole and does the same with `AnnotationStore`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import filelock

from annotations.coder import clean_coder, default_coder
from annotations.errors import StoreError
from annotations.model import Annotation
from annotations.store.append import (
    Tail,
    append_batch,
    find_annotations,
    journal_too_long,
    read_tail,
)
from annotations.store.history import Change, diff_documents, entry_ops
from annotations.store.lookup import current_documents, journal_document
from annotations.store.ops import Op, del_op, put_op
from annotations.store.schema import ANNOTATIONS_TABLE
from annotations.store.store import (
    CLI_LABEL,
    CLI_ORIGIN,
    HISTORY_BYTES,
    LOCK_TIMEOUT,
    MIN_PREFIX,
    UNDO_LIMIT,
    AnnotationStore,
    DuplicateAnnotationError,
    _cleaned,
    _describe,
    _locked,
    check_prefix,
    only_match,
)


class _Plan(NamedTuple):
    """What one write appends (`ops`, and an undo entry for `changes` if there are any)
    and returns."""

    description: str
    ops: list[Op]
    changes: list[Change]
    result: Annotation


# act(tail, path): the plan, or None when the database must be opened whole.
_Act = Callable[[Tail, Path], _Plan | None]
_OPENED_WHOLE = object()


def _write(path: Path, options: dict[str, Any], act: _Act) -> Annotation | object:
    """Run `act` under the file lock on the database's head and journal and append what it
    plans; `_OPENED_WHOLE` if the database must be opened whole instead (nothing done)."""
    real = Path(os.path.realpath(path))
    if not real.is_file():
        return _OPENED_WHOLE
    timeout = options.get("lock_timeout")
    lock = filelock.FileLock(str(real) + ".lock")
    with _locked(lock, real, LOCK_TIMEOUT if timeout is None else timeout):
        tail = read_tail(real)
        plan = act(tail, real) if tail is not None else None
        if tail is None or plan is None:
            return _OPENED_WHOLE
        ops = plan.ops
        if ops and plan.changes:
            ops = ops + entry_ops(
                tail.history,
                plan.description,
                plan.changes,
                origin=options.get("origin", CLI_ORIGIN),
                label=options.get("label", CLI_LABEL),
                user=_coder(options),
                undo_limit=max(1, options.get("undo_limit", UNDO_LIMIT)),
                history_bytes=options.get("history_bytes", HISTORY_BYTES),
            )
        if ops:
            try:
                append_batch(real, tail, ops)
            except OSError as error:
                raise StoreError(
                    f"could not save to {real}: {error.strerror or error}; the change was not saved"
                ) from None
        return plan.result


def _write_or_open(
    path: Path,
    options: dict[str, Any],
    act: _Act,
    whole: Callable[[AnnotationStore], Annotation],
) -> Annotation:
    """`_write` with `act`, else (`_OPENED_WHOLE`) `whole` on the database opened whole; a
    journal then too long for the writes here is emptied by a new snapshot (the next
    writes read it fast)."""
    result = _write(path, options, act)
    if isinstance(result, Annotation):
        return result
    store = AnnotationStore.open(path, **options)
    written = whole(store)
    if journal_too_long(store.path):
        store.compact()
    return written


def _coder(options: dict[str, Any]) -> str:
    """The coder an annotation without one gets (as `AnnotationStore`'s `coder`)."""
    coder = options.get("coder")
    return clean_coder(coder) if coder is not None else default_coder()


def _current(tail: Tail, path: Path, annotation_id: str) -> dict[str, Any] | None:
    """The stored document of the annotation with this id or unique prefix, as it is now;
    None if it cannot be found without opening the database whole.
    UnknownAnnotationError as `AnnotationStore.get`.

    An id the journal put last is that annotation (an exact id wins over prefixes of
    others): the snapshot is not searched, however large."""
    written = journal_document(tail.annotation_ops, annotation_id)
    if written is not None:
        return written
    found = find_annotations(path, tail, annotation_id, exact=len(annotation_id) < MIN_PREFIX)
    if found is None:
        return None
    if annotation_id in found:
        return found[annotation_id]
    check_prefix(annotation_id)
    return found[only_match(annotation_id, sorted(found))]


def add_new(path: Path, annotation: Annotation, **options: Any) -> Annotation:
    """Store `annotation`, just made by `new_annotation` (a new random id), in the database
    at `path`; returns it as stored. `options` are those of `AnnotationStore.open`.

    The id is looked for among the annotations written since the last snapshot only
    (DuplicateAnnotationError): a random uuid4 is not in the snapshot, and searching a
    large one for it would cost more than the rest of the write.
    """
    annotation = _cleaned(annotation, _coder(options))

    def act(tail: Tail, _path: Path) -> _Plan:
        if annotation.id in current_documents({}, tail.annotation_ops, annotation.id):
            raise DuplicateAnnotationError(f"an annotation with id {annotation.id} exists")
        document = annotation.to_dict()
        return _Plan(
            f"add highlight {_describe(annotation)}",
            [put_op(ANNOTATIONS_TABLE, annotation.id, document)],
            [[ANNOTATIONS_TABLE, annotation.id, None, document]],
            annotation,
        )

    return _write_or_open(path, options, act, lambda store: store.add(annotation))


def modify_at(
    path: Path,
    annotation_id: str,
    change: Callable[[Annotation], Annotation],
    description: str | None = None,
    **options: Any,
) -> Annotation:
    """`AnnotationStore.modify` on the database at `path`: `change` gets the annotation (id
    or unique prefix) as it is under the lock; returns it as stored."""
    coder = _coder(options)

    def act(tail: Tail, real: Path) -> _Plan | None:
        document = _current(tail, real, annotation_id)
        if document is None:
            return None
        current = Annotation.from_dict(document)
        updated = _cleaned(change(current), coder)
        if updated.id != current.id:
            raise StoreError("an edit cannot change an annotation's id")
        if updated == current:
            return _Plan("", [], [], current)
        after = updated.to_dict()
        difference = diff_documents(ANNOTATIONS_TABLE, updated.id, document, after)
        return _Plan(
            description or f"edit highlight {_describe(updated)}",
            [put_op(ANNOTATIONS_TABLE, updated.id, after)],
            [difference] if difference is not None else [],
            updated,
        )

    return _write_or_open(
        path, options, act, lambda store: store.modify(annotation_id, change, description)
    )


def delete_at(path: Path, annotation_id: str, **options: Any) -> Annotation:
    """`AnnotationStore.delete` on the database at `path` (id or unique prefix); returns
    the annotation deleted."""

    def act(tail: Tail, real: Path) -> _Plan | None:
        document = _current(tail, real, annotation_id)
        if document is None:
            return None
        annotation = Annotation.from_dict(document)
        return _Plan(
            f"delete highlight {_describe(annotation)}",
            [del_op(ANNOTATIONS_TABLE, annotation.id)],
            [[ANNOTATIONS_TABLE, annotation.id, document, None]],
            annotation,
        )

    return _write_or_open(path, options, act, lambda store: store.delete(annotation_id))
