"""The undo history: what each change did, and how to take it back without taking back
anyone else's work.

An entry records, for every document a change touched, only what changed: the changed
fields before and after (or the whole document, when the change created or deleted it)::

    {"description": "rename tag Econ → Economy", "time": "...Z",
     "origin": "tui:3f2a…",            # who made it: one TUI window, or "cli"
     "label": "the newsmark window started 14:02 (pid 4242)", "user": "alice",
     "state": "done",                  # or "undone" (then redo can bring it back)
     "undone_by": "tui:3f2a…", "undone_at": "...Z",   # only when undone, with
     "undone_seq": 7,                  # the order of undoing (redo takes the last)
     "size": 1234,                     # bytes of the entry, for the history's byte cap
     "changes": '[["annotations", "<id>", {"tags": ["Econ"]}, {"tags": ["Economy"]}], ...]'}

`changes` is stored as one JSON string, parsed only when the entry is undone or redone: a
database opens as fast with a long history as without (entries written before were lists,
and are read as they are).

Undo is a three-way merge per field: a field whose current value is still what the change
left is set back; a field changed again since (by another window, a process, an import) is
kept as it is and counted as kept. Tags merge as sets, so undoing "add tag x" removes x and
keeps a tag someone else added meanwhile. A created annotation is deleted by undo only if
nobody changed its tags, note or colour since. Redo is the same merge the other way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from annotations.model import utc_now
from annotations.store.ops import Document, Op, del_op, put_op
from annotations.store.schema import ANNOTATIONS_TABLE, HISTORY_TABLE
from annotations.tags import tag_key

Change = list[Any]  # [table, doc_id, before, after]
_ABSENT = object()
# Fields only the user changes: what decides whether a created annotation is still "as
# created" when its creation is undone (re-anchoring may have moved it; that is not work).
_USER_FIELDS = ("tags", "note", "colour")
_TIMESTAMP = "updated"


def diff_documents(
    table: str, doc_id: str, before: Document | None, after: Document | None
) -> Change | None:
    """The change from `before` to `after` (None for no document); None if they are equal.

    Whole documents when one side is None, otherwise only the fields that differ (a field
    missing on one side is missing from that side's dict). The `updated` timestamp is left
    out: undo and redo set it to their own time.
    """
    if before == after:
        return None
    if before is None or after is None:
        return [table, doc_id, before, after]
    return _field_change(table, doc_id, before, after, {**before, **after})


def diff_fields(
    table: str, doc_id: str, before: Document, after: Document, fields: Document
) -> Change | None:
    """`diff_documents` when only `fields` can differ (a patch): cheaper at 100k."""
    return _field_change(table, doc_id, before, after, fields)


def _field_change(
    table: str, doc_id: str, before: Document, after: Document, candidates: Iterable[str]
) -> Change | None:
    """The change of the `candidates` fields that differ (not `updated`); None if none."""
    keys = [
        key
        for key in candidates
        if key != _TIMESTAMP and before.get(key, _ABSENT) != after.get(key, _ABSENT)
    ]
    if not keys:
        return None
    return [
        table,
        doc_id,
        {key: before[key] for key in keys if key in before},
        {key: after[key] for key in keys if key in after},
    ]


def entry_size(entry: dict[str, Any]) -> int:
    """The size of an entry in bytes, as stored (its `size` field counted as 10 digits)."""
    return len(orjson.dumps({**entry, "size": 0})) + 9


def new_entry(
    description: str, changes: list[Change], *, origin: str, label: str, user: str
) -> dict[str, Any]:
    """A "done" history entry for `changes`, with its size."""
    entry: dict[str, Any] = {
        "description": description,
        "time": utc_now(),
        "origin": origin,
        "label": label,
        "user": user,
        "state": "done",
        "changes": orjson.dumps(changes).decode("utf-8"),
        "size": 0,
    }
    entry["size"] = entry_size(entry)
    return entry


def entry_ops(
    history: Mapping[str, Any],
    description: str,
    changes: list[Change],
    *,
    origin: str,
    label: str,
    user: str,
    undo_limit: int,
    history_bytes: int,
) -> list[Op]:
    """The operations that record `changes` in `history` (the history table as it is under
    the write lock): the new entry, and the deletion of the entries it makes obsolete (what
    `origin` could redo) or that no longer fit `undo_limit` entries / `history_bytes`
    (oldest first; the new entry always stays). Of each entry only its "state",
    "undone_by" and "size" are read (what a snapshot's head holds, head.py)."""
    keys = sorted(history)
    result: list[Op] = []
    # A new change of this origin ends what it could redo.
    for key in keys:
        entry = history[key]
        if entry["state"] == "undone" and entry.get("undone_by") == origin:
            result.append(del_op(HISTORY_TABLE, key))
    gone = {op.doc_id for op in result}
    kept = [key for key in keys if key not in gone]
    entry = new_entry(description, changes, origin=origin, label=label, user=user)
    sequence = int(keys[-1]) + 1 if keys else 1
    result.append(put_op(HISTORY_TABLE, f"{sequence:012d}", entry))
    total = entry["size"] + sum(history[key]["size"] for key in kept)
    count = len(kept) + 1
    for key in kept:  # oldest first; the new entry always stays
        if count <= undo_limit and total <= history_bytes:
            break
        result.append(del_op(HISTORY_TABLE, key))
        total -= history[key]["size"]
        count -= 1
    return result


def entry_changes(entry: dict[str, Any]) -> list[Change] | None:
    """The changes an entry records, or None if they are damaged."""
    from annotations.store.schema import looks_like_change

    changes = entry["changes"]
    if isinstance(changes, str):
        try:
            changes = orjson.loads(changes)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(changes, list) or not all(map(looks_like_change, changes)):
        return None
    return changes


@dataclass(frozen=True, slots=True)
class Reverted:
    """What taking back one change does to one document.

    `write`: whether the document must be written (`document`, or deleted when it is
    None); `kept`: whether something changed since was kept instead of being taken back.
    """

    write: bool
    document: Document | None
    kept: bool


_NOTHING = Reverted(write=False, document=None, kept=False)
_KEPT = Reverted(write=False, document=None, kept=True)


def _merge_tags(current: list[str], before: list[str], after: list[str]) -> list[str]:
    """`current` tags with the tags added by before→after removed and those removed added
    back (by tag identity); tags changed by anyone else stay as they are. The tags `before`
    had come in its order (a tag taken back returns to its place), then the others'."""
    before_keys = {tag_key(tag) for tag in before}
    after_keys = {tag_key(tag) for tag in after}
    current_keys = {tag_key(tag) for tag in current}
    kept = [tag for tag in current if tag_key(tag) not in after_keys - before_keys]
    restored = [
        tag for tag in before if tag_key(tag) not in after_keys and tag_key(tag) not in current_keys
    ]
    spelled = {tag_key(tag): tag for tag in [*restored, *kept]}
    first = [spelled.pop(tag_key(tag)) for tag in before if tag_key(tag) in spelled]
    return first + list(spelled.values())


def revert_change(change: Change, current: Document | None, *, redo: bool = False) -> Reverted:
    """Take one recorded change back (or, with `redo`, apply it again) onto `current`."""
    table, _doc_id, before, after = change
    if redo:
        before, after = after, before
    if after is None:  # the change deleted the document: bring it back
        return Reverted(True, before, False) if current is None else _KEPT
    if before is None:  # the change created the document: remove it
        if current is None:
            return _NOTHING
        same = all(current.get(key) == after.get(key) for key in _USER_FIELDS)
        return Reverted(True, None, False) if same else _KEPT
    if current is None:  # deleted since by someone else: it stays deleted
        return _KEPT
    document = dict(current)
    kept = False
    for key in {**before, **after}:
        if key == _TIMESTAMP:
            continue
        want, was = before.get(key, _ABSENT), after.get(key, _ABSENT)
        now = current.get(key, _ABSENT)
        if now == was:
            if want is _ABSENT:
                document.pop(key, None)
            else:
                document[key] = want
        elif (
            table == ANNOTATIONS_TABLE
            and key == "tags"
            and all(isinstance(side, list) for side in (now, want, was))
        ):
            merged = _merge_tags(now, want, was)
            document[key] = merged
            kept = kept or {tag_key(t) for t in merged} != {tag_key(t) for t in want}
        elif now != want:
            kept = True
    if document == current:
        return Reverted(False, None, kept)
    if table == ANNOTATIONS_TABLE:
        document[_TIMESTAMP] = utc_now()
    return Reverted(True, document, kept)
