"""Journal operations: the unit of every change to the database.

A batch of operations is what one store method commits: it is appended to the journal as
one line and applied to the in-memory tables as one step. On disk an operation is a JSON
list, ``["put", table, doc_id, document]``, ``["del", table, doc_id]`` or
``["patch", table, doc_id, fields]`` (set these fields of the stored document: what a tag
rename writes for each annotation, a fraction of the whole document).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, Literal, NamedTuple

Document = dict[str, Any]
Data = dict[str, MutableMapping[str, Any]]  # table name -> document id -> document


class Op(NamedTuple):
    """Store `document` as `table[doc_id]` ("put"), remove `table[doc_id]` ("del"), or set
    the `document`'s fields in the stored document ("patch", read from a journal).

    A put may carry `patch`, the fields it changes: it is then written to the journal as a
    patch, while in memory it stays the whole new document.
    """

    kind: Literal["put", "del", "patch"]
    table: str
    doc_id: str
    document: Document | None = None
    patch: Document | None = None

    def to_json(self) -> list[Any]:
        """The journal form of the operation."""
        if self.kind == "put" and self.patch is not None:
            return ["patch", self.table, self.doc_id, self.patch]
        if self.kind in ("put", "patch"):
            return [self.kind, self.table, self.doc_id, self.document]
        return ["del", self.table, self.doc_id]

    @classmethod
    def from_json(cls, raw: list[Any]) -> Op:
        """An operation from its journal form (already checked by the schema)."""
        if raw[0] in ("put", "patch"):
            return cls(raw[0], raw[1], raw[2], raw[3])
        return cls("del", raw[1], raw[2])


def put_op(table: str, doc_id: str, document: Document) -> Op:
    """An operation that stores `document` as `table[doc_id]`."""
    return Op("put", table, doc_id, document)


def del_op(table: str, doc_id: str) -> Op:
    """An operation that removes `table[doc_id]` (if present)."""
    return Op("del", table, doc_id)


def apply_ops(data: Data, ops: Iterable[Op]) -> list[Op]:
    """Apply operations to TinyDB-shaped data in place; returns them with every patch
    resolved into a put of the whole document (a patch of a missing document is dropped)."""
    applied: list[Op] = []
    for op in ops:
        if op.kind == "patch":
            current = data.get(op.table, {}).get(op.doc_id)
            if current is None or op.document is None:
                continue
            op = Op("put", op.table, op.doc_id, {**current, **op.document})
        if op.kind == "put":
            data.setdefault(op.table, {})[op.doc_id] = op.document
        else:
            data.get(op.table, {}).pop(op.doc_id, None)
        applied.append(op)
    return applied
