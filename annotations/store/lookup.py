"""Finding annotations in a snapshot by id or id prefix without parsing the others.

The snapshot's head (head.py) says where the annotations table lies in the file. Within
it, ``"<id>":{`` occurs only as a key of the table, for an id made of letters, digits, `-`
and `_`: every `"` inside a string is escaped, so an unescaped `"` followed by such a
character opens a string, and the only strings followed by ``:{`` in the table are its
keys (its documents hold no objects). So a byte search finds exactly the annotations
whose id starts with a prefix, and only those documents are parsed.

Ids of other characters are not looked up this way (`SAFE_ID` tells): the caller opens the
database whole.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterable
from typing import Any

import orjson

from annotations.store.head import SnapshotHead
from annotations.store.ops import Document, Op
from annotations.store.schema import looks_like_annotation

SAFE_ID = re.compile(r"[0-9A-Za-z_-]+")
_KEY_REST = re.compile(rb'[^"\\]*":\{')
_KEY_END = re.compile(rb'":\{')


def snapshot_matches(
    file_no: int, head: SnapshotHead, prefix: str, *, exact: bool = False
) -> dict[str, Document] | None:
    """The annotations of the snapshot open as `file_no` whose id starts with `prefix`
    (a `SAFE_ID`; is `prefix`, if `exact`), by id; None if a document found is not
    readable (the caller then opens the database whole, which reports the damage)."""
    found: dict[str, Document] = {}
    if head.annotations_end - head.annotations_at <= 2:
        return found
    needle = b'"' + prefix.encode("ascii")
    with mmap.mmap(file_no, 0, access=mmap.ACCESS_READ) as view:
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
