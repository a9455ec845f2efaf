"""A snapshot's annotations table scanned on every core, for an export: of each document
only the fields an export decides on (`Stored`: which article, where, its tags, coder,
anchor and body hash) and where its JSON lies in the file; the whole annotation is parsed
again from there when it is written (`load`), by the process that writes it.

The table (as `table_json` writes it: ``{"key":{document},"key":{document},…}``) is cut
into ranges of whole members, each scanned by a forked worker process (the command line;
in this process otherwise). A cut is made before a key: after a ``},"`` whose ``"`` starts
a JSON string that parses up to a ``":{``. A ``},"`` inside a document can only end one of
its strings (a ``"`` inside a string is escaped), and then what follows is ``,`` ``}`` or
``:``, never such a key. Each member is parsed from exactly its bytes, so a range cut
wrongly would not parse: the caller is then told the table is unusual (`UnusualTable`).
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator
from dataclasses import fields
from functools import partial
from typing import Any, NamedTuple

import orjson

from annotations.errors import StoreError
from annotations.model import Annotation
from annotations.search_pool import can_fork, ordered_map
from annotations.store.compact import Buffer, key_at
from annotations.store.schema import looks_like_annotation

RANGE_BYTES = 4 << 20  # about 5,000 annotations a unit of work
# A table this long is scanned by worker processes (shorter ones are not worth forking).
PARALLEL_BYTES = 16 << 20
MAX_PROCESSES = 4


class UnusualTable(Exception):
    """The table is not as `table_json` writes it, or a document is not an annotation."""


class Stored(NamedTuple):
    """An annotation of the table as an export first needs it: the fields it selects,
    sorts, counts and checks anchors by (read as `Annotation.from_dict` reads them), and
    where its document lies in the file (`at`, `stop`), or the annotation itself
    (`annotation`: one the journal changed)."""

    key: str
    id: str
    article: str
    start: int
    end: int
    body_hash: str
    anchor: str  # the value of an `Anchor` (a str, equal to it)
    tags: tuple[str, ...]
    coder: str | None
    at: int
    stop: int
    annotation: Annotation | None = None

    @classmethod
    def of(cls, key: str, annotation: Annotation) -> Stored:
        """The `Stored` of an annotation held whole (under its table `key`)."""
        a = annotation
        fields = (a.id, a.article, a.start, a.end, a.body_hash, a.anchor.value, a.tags, a.coder)
        return cls(key, *fields, -1, -1, annotation)


def load(view: Buffer, stored: Stored) -> Annotation:
    """The whole annotation `stored` stands for, its document parsed from `view` (the file
    it was scanned in)."""
    if stored.annotation is not None:
        return stored.annotation
    return Annotation.from_dict(_stored_document(view, stored))


def record(view: Buffer, stored: Stored) -> dict[str, Any]:
    """`load(view, stored).to_dict()`: the document as stored when it is that already (as
    newsmark writes them), without making the annotation."""
    if stored.annotation is not None:
        return stored.annotation.to_dict()
    document = _stored_document(view, stored)
    return document if _as_written(document) else Annotation.from_dict(document).to_dict()


def _stored_document(view: Buffer, stored: Stored) -> dict[str, Any]:
    """The document of `stored` in `view`; StoreError if those bytes are not (the file was
    replaced in place during the export, which newsmark never does: an error, never another
    annotation's record)."""
    try:
        document = orjson.loads(view[stored.at : stored.stop])
    except orjson.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or document.get("id") != stored.id:
        raise StoreError(
            "the annotation database changed under the export (replaced in place?); "
            "nothing more was written: export again"
        )
    return document


# The keys of `Annotation.to_dict` (its fields, in order), without and with a score.
_KEYS = tuple(field.name for field in fields(Annotation) if field.name != "anchor_score")
_SCORED_KEYS = tuple(field.name for field in fields(Annotation))


def _as_written(document: dict[str, Any]) -> bool:
    """Whether `Annotation.from_dict(document).to_dict()` is `document` as it is (its keys
    in that order, the values of those types), for a document that passed
    `looks_like_annotation` (which checked the other values' types)."""
    keys = tuple(document)
    if keys != _KEYS:
        score = document.get("anchor_score")
        if keys != _SCORED_KEYS or type(score) is not float or not 0 <= score <= 1:
            return False
    return (  # the strings `from_dict` makes with `str()`
        type(document["prefix"]) is str
        and type(document["suffix"]) is str
        and type(document["body_hash"]) is str
        and type(document["created"]) is str
        and type(document["updated"]) is str
    )


def scan_table(view: Buffer, start: int, end: int) -> list[Stored]:
    """The table whose JSON object is `view[start:end]`, as `Stored`s in table order;
    UnusualTable if it is not as `table_json` writes it (every document right after its
    key, holding no objects) or a document fails `looks_like_annotation`."""
    if end - start < 2 or view[start] != ord("{") or view[end - 1] != ord("}"):
        raise UnusualTable
    if end - start == 2:
        return []
    ranges = _ranges(view, start + 1, end - 1)
    processes = min(len(os.sched_getaffinity(0)), MAX_PROCESSES)
    if end - start >= PARALLEL_BYTES and processes > 1 and len(ranges) > 1 and can_fork():
        scanned: Iterator[bytes] = ordered_map(
            _scan_in_worker, ranges, processes, initializer=_set_view, initargs=(view,)
        )
    else:
        scanned = (_scan(view, first, last) for first, last in ranges)
    stored: list[Stored] = []
    make = partial(tuple.__new__, Stored)
    for rows in scanned:
        if not rows:
            raise UnusualTable
        stored += map(make, marshal.loads(rows))  # each row made in C, as `_row` made it
    return stored


def _ranges(view: Buffer, start: int, last: int) -> list[tuple[int, int]]:
    """The table's members `view[start:last]` cut into ranges of about `RANGE_BYTES`, each
    [first, stop) from a key's opening quote to the closing brace of a document (+1)."""
    ranges = []
    first = start
    while last - first > RANGE_BYTES:
        cut = _cut_after(view, first + RANGE_BYTES, last)
        if cut < 0:
            break
        ranges.append((first, cut - 1))  # without the comma between members
        first = cut
    ranges.append((first, last))
    return ranges


def _cut_after(view: Buffer, position: int, last: int) -> int:
    """The offset of the first key at or after `position` that a member starts with (see
    the module docstring), or -1 if there is none before `last`. A ``},"`` is taken when
    what follows it up to the next ``":{`` is one JSON string: one parse each (a key
    holding ``\\":{`` is passed over, which only makes the range longer)."""
    close = view.find(b'},"', position, last)
    while close >= 0:
        colon = view.find(b'":{', close + 2, last)
        if colon < 0:
            return -1
        try:
            key = orjson.loads(view[close + 2 : colon + 1])
        except orjson.JSONDecodeError:
            key = None
        if type(key) is str:
            return close + 2
        close = view.find(b'},"', close + 1, last)
    return -1


def _scan(view: Buffer, first: int, stop: int) -> bytes:
    """The rows of the members `view[first:stop]` (see `_row`), marshalled, or b"" if they
    are not as expected."""
    rows: list[tuple[Any, ...]] = []
    shared: dict[Any, Any] = {}
    position = first
    try:
        while True:
            key, colon = key_at(view, position, stop)
            if colon < 0 or type(key) is not str or view[colon + 2] != ord("{"):
                return b""
            close, document = _document(view, colon + 2, stop)
            if type(document) is not dict or not looks_like_annotation(document):
                return b""
            rows.append(_row(key, document, colon + 2, stop if close < 0 else close + 1, shared))
            if close < 0:
                return marshal.dumps(rows)
            position = close + 2
    except orjson.JSONDecodeError:
        return b""


def _document(view: Buffer, at: int, stop: int) -> tuple[int, Any]:
    """The document whose JSON starts at `at` and the offset of the ``},"`` that ends it
    (-1: it ends at `stop`). A ``},"`` that does not end it ends one of its strings, and
    the bytes up to there do not parse: the next one is tried."""
    close = view.find(b'},"', at, stop)
    while True:
        try:
            return close, orjson.loads(view[at : stop if close < 0 else close + 1])
        except orjson.JSONDecodeError:
            if close < 0:
                raise
            close = view.find(b'},"', close + 1, stop)


def _row(
    key: str,
    document: dict[str, Any],
    at: int,
    stop: int,
    shared: dict[Any, Any],
) -> tuple[Any, ...]:
    """The fields of `Stored` for a document that passed `looks_like_annotation`, read as
    `Annotation.from_dict` reads them. The same objects where they are equal (the key and
    the id; the article ids, body hashes, anchors, coders and tuples of tags in `shared`): `marshal`
    writes them once, and they are one object each where they are read."""
    ident = document["id"]
    body_hash = document.get("body_hash", "")
    if type(body_hash) is not str:
        body_hash = str(body_hash)
    coder = document.get("coder")
    anchor = document.get("anchor", "exact")
    tags = tuple(document.get("tags", ()))
    share = shared.setdefault
    return (
        ident if key == ident else key,
        ident,
        share(document["article"], document["article"]),
        document["start"],
        document["end"],
        share(body_hash, body_hash),
        share(anchor, anchor),
        share(tags, tags),
        share(coder, coder) if isinstance(coder, str) else None,
        at,
        stop,
        None,
    )


# The file a worker process scans (set when it starts, by fork: never pickled).
_view: Buffer | None = None


def _set_view(view: Buffer) -> None:
    global _view
    _view = view


def _scan_in_worker(bounds: tuple[int, int]) -> bytes:
    """In a worker: `_scan` of its file's members in `bounds`."""
    assert _view is not None, "a worker started without its file"
    return _scan(_view, *bounds)
