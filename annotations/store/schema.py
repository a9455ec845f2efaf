"""What a newsmark database may contain: its tables, the shape of each document, migrations.

Every document is checked when it is loaded (snapshot and journal alike), so a malformed
file is refused at open with one line, instead of failing later with a traceback or, worse,
writing a bad journal line that makes the database unopenable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from annotations.model import Anchor
from annotations.store.ops import Data

SCHEMA_VERSION = 3
META_TABLE = "_newsmark"
APP_NAME = "newsmark"
ANNOTATIONS_TABLE = "annotations"
TAG_COLOURS_TABLE = "tag_colours"
HISTORY_TABLE = "history"
CODEBOOK_TABLE = "codebook"
MEMOS_TABLE = "memos"
MEMO_KINDS = frozenset(("article", "tag"))

_ANCHORS = frozenset(str(anchor) for anchor in Anchor)
_OPTIONAL_STR: frozenset[type] = frozenset((str, type(None)))
_STR_ONLY: frozenset[type] = frozenset((str,))
_NO_TAGS: list[str] = []
_HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
_HISTORY_KEY = re.compile(r"[0-9]{12}")
HISTORY_STATES = frozenset(("done", "undone"))


def meta_table(schema: int, generation: int, lineage: str | None = None) -> dict[str, Any]:
    """The `_newsmark` table: schema, generation and lineage of a snapshot."""
    record: dict[str, Any] = {"schema": schema, "generation": generation, "app": APP_NAME}
    if lineage is not None:
        record["lineage"] = lineage
    return {"1": record}


def looks_like_annotation(doc: Any) -> bool:
    """Whether `doc` has the fields of a stored annotation, of the right types.

    Cheap, as it runs per document on every load: the required fields and those whose bad
    type would break `Annotation.from_dict` or the code showing annotations.
    """
    try:
        tags = doc.get("tags", _NO_TAGS)
        return (
            type(doc["id"]) is str
            and type(doc["article"]) is str
            and type(doc["quote"]) is str
            and type(doc["start"]) is int
            and type(doc["end"]) is int
            and doc.get("anchor", "exact") in _ANCHORS
            and type(tags) is list
            and set(map(type, tags)) <= _STR_ONLY
            and type(doc.get("note")) in _OPTIONAL_STR
            and type(doc.get("colour")) in _OPTIONAL_STR
            and type(doc.get("coder")) in _OPTIONAL_STR
        )
    except (KeyError, TypeError, IndexError, AttributeError):
        return False


def looks_like_tag_colour(doc: Any) -> bool:
    """Whether `doc` is a tag colour: {"name": str, "colour": "#rrggbb"}."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("name"), str)
        and isinstance(doc.get("colour"), str)
        and _HEX_COLOUR.fullmatch(doc["colour"]) is not None
    )


def looks_like_codebook_entry(doc: Any) -> bool:
    """Whether `doc` is a codebook entry: {"name": str, "description": str}."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("name"), str)
        and isinstance(doc.get("description"), str)
    )


def looks_like_memo(doc: Any) -> bool:
    """Whether `doc` is a memo: {"kind": "article"|"tag", "target": str, "text": str,
    "updated": str} (target: an article id or a tag name)."""
    return (
        isinstance(doc, dict)
        and doc.get("kind") in MEMO_KINDS
        and isinstance(doc.get("target"), str)
        and isinstance(doc.get("text"), str)
        and isinstance(doc.get("updated", ""), str)
    )


# The tables undo and redo may touch.
UNDOABLE_TABLES = (ANNOTATIONS_TABLE, TAG_COLOURS_TABLE, CODEBOOK_TABLE, MEMOS_TABLE)


def looks_like_change(change: Any) -> bool:
    """[table, doc_id, before, after]: before/after a document, its changed fields, or None."""
    return (
        isinstance(change, list)
        and len(change) == 4
        and change[0] in UNDOABLE_TABLES
        and isinstance(change[1], str)
        and all(side is None or isinstance(side, dict) for side in change[2:])
        and not (change[2] is None and change[3] is None)
    )


def looks_like_history_entry(doc: Any) -> bool:
    """Whether `doc` is an undo history entry (see history.py for the fields)."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("description"), str)
        and isinstance(doc.get("time"), str)
        and isinstance(doc.get("origin"), str)
        and isinstance(doc.get("label"), str)
        and isinstance(doc.get("user"), str)
        and doc.get("state") in HISTORY_STATES
        and type(doc.get("size")) is int
        and isinstance(doc.get("undone_by", ""), str)
        and isinstance(doc.get("undone_at", ""), str)
        and type(doc.get("undone_seq", 0)) is int
        and (
            isinstance(doc.get("changes"), str)  # one JSON string, checked when undone
            or (
                isinstance(doc.get("changes"), list) and all(map(looks_like_change, doc["changes"]))
            )
        )
    )


_PATCH_FIELDS: dict[str, frozenset[type]] = {
    "tags": frozenset((list,)),
    "updated": frozenset((str,)),
    "note": _OPTIONAL_STR,
    "colour": _OPTIONAL_STR,
}


def looks_like_annotation_patch(fields: Any) -> bool:
    """Whether `fields` may be set on a stored annotation by a journal patch."""
    return (
        isinstance(fields, dict)
        and bool(fields)
        and all(type(value) in _PATCH_FIELDS.get(key, ()) for key, value in fields.items())
        and set(map(type, fields.get("tags", _NO_TAGS))) <= _STR_ONLY
    )


def _looks_like_meta(doc: Any) -> bool:
    return isinstance(doc, dict)


def document_check(table: str) -> Callable[[Any], bool] | None:
    """The shape check for documents of `table` (None for a table newsmark does not know)."""
    return _CHECKS.get(table)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    ANNOTATIONS_TABLE: looks_like_annotation,
    TAG_COLOURS_TABLE: looks_like_tag_colour,
    HISTORY_TABLE: looks_like_history_entry,
    CODEBOOK_TABLE: looks_like_codebook_entry,
    MEMOS_TABLE: looks_like_memo,
    META_TABLE: _looks_like_meta,
}


def _looks_like_v1_history_entry(doc: Any) -> bool:
    """A schema 1 history entry: the whole documents as they were before the change."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("description"), str)
        and isinstance(doc.get("before"), dict)
        and all(
            table in (ANNOTATIONS_TABLE, TAG_COLOURS_TABLE)
            and isinstance(docs, dict)
            and all(d is None or isinstance(d, dict) for d in docs.values())
            for table, docs in doc["before"].items()
        )
    )


def _checks_for(schema: int) -> dict[str, Callable[[Any], bool]]:
    if schema >= 2:  # the shapes of schema 2 are those of 3 with an optional coder
        return _CHECKS
    return {**_CHECKS, HISTORY_TABLE: _looks_like_v1_history_entry}


def bad_table_at(data: dict[str, Any], schema: int = SCHEMA_VERSION) -> str | None:
    """The name of the first table that is not a newsmark table of well-formed documents,
    for data stored at `schema` (before it is migrated)."""
    checks = _checks_for(schema)
    for name, table in data.items():
        if name == "_default" and schema == 0:
            continue
        check = checks.get(name)
        if check is None or not isinstance(table, dict):
            return name
        current = schema >= SCHEMA_VERSION  # history keys are checked in current data only
        if current and name == HISTORY_TABLE and not all(map(_HISTORY_KEY.fullmatch, table)):
            return name
        if not all(map(check, table.values())):
            return name
    return None


def valid_op(raw: Any, schema: int = SCHEMA_VERSION) -> bool:
    """Whether a journal operation (JSON list) is well formed, its document included
    (checked against the shapes of `schema`, the schema of the snapshot it belongs to)."""
    if not isinstance(raw, list) or len(raw) < 3:
        return False
    kind, table, doc_id = raw[0], raw[1], raw[2]
    if not (isinstance(table, str) and isinstance(doc_id, str)):
        return False
    check = _checks_for(schema).get(table)
    if check is None:
        return False
    if kind == "put":
        return len(raw) == 4 and check(raw[3])
    if kind == "patch":
        return len(raw) == 4 and table == ANNOTATIONS_TABLE and looks_like_annotation_patch(raw[3])
    return kind == "del" and len(raw) == 3


# Migrations -------------------------------------------------------------------------


def is_tinydb_v0(data: dict[str, Any]) -> bool:
    """Whether `data` is a plain TinyDB JSONStorage file holding only annotations."""
    tables = set(data)
    return (
        bool(tables)
        and tables <= {"_default", ANNOTATIONS_TABLE}
        and all(isinstance(table, dict) for table in data.values())
        and all(looks_like_annotation(doc) for table in data.values() for doc in table.values())
    )


def _migrate_v0(data: Data) -> Data:
    """Schema 0 (plain TinyDB, annotations keyed by number) → 1 (keyed by annotation id)."""
    annotations = {
        doc["id"]: doc
        for table in ("_default", ANNOTATIONS_TABLE)
        for doc in data.get(table, {}).values()
    }
    return {META_TABLE: meta_table(1, 0), ANNOTATIONS_TABLE: annotations}


def _migrate_v1(data: Data) -> Data:
    """Schema 1 → 2: the undo history stores what changed, not whole copies.

    A schema 1 entry kept the whole documents as they were before its change. The state
    after each change is what the next entry touching the document saw before it (or the
    current document), so each entry becomes the changed fields before and after.
    """
    from annotations.store.history import diff_documents, entry_size

    record = data[META_TABLE]["1"]
    old = data.get(HISTORY_TABLE, {})
    history: dict[str, Any] = {}
    after_of: dict[tuple[str, str], Any] = {}  # state after the entry being converted
    for key in sorted(old, reverse=True):
        entry = old[key]
        changes = []
        for table, docs in entry["before"].items():
            for doc_id, doc in docs.items():
                current = after_of.get((table, doc_id), data.get(table, {}).get(doc_id))
                change = diff_documents(table, doc_id, doc, current)
                if change is not None:
                    changes.append(change)
                after_of[(table, doc_id)] = doc
        new_entry = {
            "description": str(entry.get("description", "change")),
            "time": str(entry.get("time", "")),
            "origin": "schema-1",
            "label": "an earlier newsmark",
            "user": "",
            "state": "done",
            "changes": changes,
            "size": 0,
        }
        new_entry["size"] = entry_size(new_entry)
        history[key] = new_entry
    migrated = {name: table for name, table in data.items() if name != HISTORY_TABLE}
    migrated[HISTORY_TABLE] = history
    migrated[META_TABLE] = meta_table(2, record["generation"], record.get("lineage"))
    return migrated


def _migrate_v2(data: Data) -> Data:
    """Schema 2 → 3: every annotation has a coder; those made before get the default coder
    (the saved coder setting, else the login name; see annotations/coder.py).

    Undo entries that created or deleted an annotation hold the whole document: it gets
    the coder too, so undoing an old deletion brings the annotation back with a coder.
    """
    from annotations.coder import default_coder
    from annotations.store.history import entry_size

    record = data[META_TABLE]["1"]
    coder = default_coder()

    def with_coder(doc: Any) -> Any:
        if not isinstance(doc, dict) or isinstance(doc.get("coder"), str):
            return doc
        return {**doc, "coder": coder}

    annotations = {key: with_coder(doc) for key, doc in data.get(ANNOTATIONS_TABLE, {}).items()}
    history: dict[str, Any] = {}
    for key, entry in data.get(HISTORY_TABLE, {}).items():
        changes = [
            [table, doc_id, with_coder(before), with_coder(after)]
            if table == ANNOTATIONS_TABLE and (before is None or after is None)
            else [table, doc_id, before, after]
            for table, doc_id, before, after in entry["changes"]
        ]
        history[key] = {**entry, "changes": changes}
        history[key]["size"] = entry_size(history[key])
    migrated = {**data, ANNOTATIONS_TABLE: annotations, HISTORY_TABLE: history}
    migrated[META_TABLE] = meta_table(3, record["generation"], record.get("lineage"))
    return migrated


# from-version → function returning the data at from-version + 1 (with its meta updated).
MIGRATIONS: dict[int, Callable[[Data], Data]] = {0: _migrate_v0, 1: _migrate_v1, 2: _migrate_v2}
