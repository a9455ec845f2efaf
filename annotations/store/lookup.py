"""Finding annotations in a snapshot by id or id prefix without parsing the others.

The snapshot's head (head.py) says where the annotations table lies in the file. Within
it, ``"<id>":{`` occurs only as a key of the table, for an id made of letters, digits, `-`
and `_`: every `"` inside a string is escaped, so an unescaped `"` followed by such a
character opens a string, and the only strings followed by ``:{`` in the table are its
keys (its documents hold no objects). So a byte search finds exactly the annotations
whose id starts with a prefix, and only those documents are parsed.

Ids of other characters are not looked up this way (`SAFE_ID` tells): the caller opens the
database whole.

With the snapshot's key index (key_index.py) the search is not needed: the documents it
points at are checked to be, at those bytes, the table's documents with those ids (each
right after its key, which follows the table's `{` or a `,`), and the table is searched if
one is not.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from annotations.store.head import SnapshotHead
from annotations.store.ops import Document, Op
from annotations.store.schema import looks_like_annotation

SAFE_ID = re.compile(r"[0-9A-Za-z_-]+")
_KEY_REST = re.compile(rb'[^"\\]*":\{')
_KEY_END = re.compile(rb'":\{')


def snapshot_matches(
    file_no: int,
    head: SnapshotHead,
    prefix: str,
    *,
    exact: bool = False,
    spans: Sequence[tuple[str, int, int]] | None = None,
) -> dict[str, Document] | None:
    """The annotations of the snapshot open as `file_no` whose id starts with `prefix`
    (a `SAFE_ID`; is `prefix`, if `exact`), by id; None if a document found is not
    readable (the caller then opens the database whole, which reports the damage).
    `spans`: where the key index says they are, (id, start, end) of each document."""
    if head.annotations_end - head.annotations_at <= 2:
        return {}
    with mmap.mmap(file_no, 0, access=mmap.ACCESS_READ) as view:
        if spans is not None:
            indexed = _documents_at(view, head, spans)
            if indexed is not None:
                return indexed
        return _searched(view, head, prefix, exact)


def _searched(
    view: mmap.mmap, head: SnapshotHead, prefix: str, exact: bool
) -> dict[str, Document] | None:
    """`snapshot_matches` by a byte search of the whole annotations table."""
    found: dict[str, Document] = {}
    needle = b'"' + prefix.encode("ascii")
    position = view.find(needle, head.annotations_at, head.annotations_end)
    while position >= 0:
        key = (_KEY_END if exact else _KEY_REST).match(
            view, position + len(needle), head.annotations_end
        )
        if key is not None:
            doc_id = view[position + 1 : key.end() - 3].decode("utf-8")
            document = _document_at(view, key.end() - 1, head.annotations_end)
            if not looks_like_annotation(document) or document["id"] != doc_id:
                return None
            found[doc_id] = document
            position = key.end()
        else:
            position += len(needle)
        position = view.find(needle, position, head.annotations_end)
    return found


def _documents_at(
    view: mmap.mmap, head: SnapshotHead, spans: Sequence[tuple[str, int, int]]
) -> dict[str, Document] | None:
    """The documents at `spans`, by id, if each is the table's document with its id there
    (its key right before it, after the table's `{` or a `,`); else None."""
    found: dict[str, Document] = {}
    for doc_id, start, end in spans:
        key = b'"' + doc_id.encode("ascii") + b'":'
        opening = start - len(key) - 1
        if not (head.annotations_at <= opening and end < head.annotations_end):
            return None
        if view[opening + 1 : start] != key or view[opening] not in b"{,":
            return None
        if view[end : end + 1] not in (b",", b"}") or view[start : start + 1] != b"{":
            return None
        try:
            document = orjson.loads(view[start:end])
        except orjson.JSONDecodeError:
            return None
        if not looks_like_annotation(document) or document["id"] != doc_id:
            return None
        found[doc_id] = document
    return found


def _document_at(view: mmap.mmap, start: int, end: int) -> Any:
    """The JSON object that starts at `start`: it ends at the first `}` after which the
    bytes parse (its values hold no objects; a `}` inside a string leaves an invalid
    prefix)."""
    close = view.find(b"}", start, end)
    while close >= 0:
        try:
            document = orjson.loads(view[start : close + 1])
        except orjson.JSONDecodeError:
            close = view.find(b"}", close + 1, end)
            continue
        return document
    return None


def current_documents(
    snapshot: dict[str, Document], journal_ops: Iterable[Op], prefix: str
) -> dict[str, Document]:
    """The annotations whose id starts with `prefix` as they are now: those found in the
    snapshot with the journal's operations on them replayed, and those the journal added."""
    current: dict[str, Any] = dict(snapshot)
    for op in journal_ops:
        if not op.doc_id.startswith(prefix):
            continue
        if op.kind == "del":
            current.pop(op.doc_id, None)
        elif op.kind == "put":
            current[op.doc_id] = op.document
        elif op.doc_id in current and op.document is not None:  # a patch
            current[op.doc_id] = {**current[op.doc_id], **op.document}
    return current


def journal_document(journal_ops: Sequence[Op], doc_id: str) -> Document | None:
    """The annotation `doc_id` as it is now, when the journal alone says it: its last put
    or delete of that id is a put (the snapshot's version, if any, no longer counts), with
    the patches after it; else None (deleted since, or never put)."""
    mine = [op for op in journal_ops if op.doc_id == doc_id]
    for index in range(len(mine) - 1, -1, -1):
        if mine[index].kind == "del":
            return None
        if mine[index].kind == "put":
            return current_documents({}, mine[index:], doc_id).get(doc_id)
    return None
