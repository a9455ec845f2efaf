"""Journal operations: the unit of every change to the database.

A batch of operations is what one store method commits: it is appended to the journal as
one line and applied to the in-memory tables as one step. On disk an operation is a JSON
list, ``["put", table, doc_id, document]`` or ``["del", table, doc_id]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

Document = dict[str, Any]
Data = dict[str, dict[str, Any]]  # table name -> document id -> document


class Op(NamedTuple):
    """Store `document` as `table[doc_id]` ("put") or remove `table[doc_id]` ("del")."""

    kind: Literal["put", "del"]
    table: str
    doc_id: str
    document: Document | None = None

    def to_json(self) -> list[Any]:
        """The journal form of the operation."""
        if self.kind == "put":
            return ["put", self.table, self.doc_id, self.document]
        return ["del", self.table, self.doc_id]

    @classmethod
    def from_json(cls, raw: list[Any]) -> Op:
        """An operation from its journal form (already checked by the schema)."""
        if raw[0] == "put":
            return cls("put", raw[1], raw[2], raw[3])
        return cls("del", raw[1], raw[2])


def put_op(table: str, doc_id: str, document: Document) -> Op:
    """An operation that stores `document` as `table[doc_id]`."""
    return Op("put", table, doc_id, document)


def del_op(table: str, doc_id: str) -> Op:
    """An operation that removes `table[doc_id]` (if present)."""
    return Op("del", table, doc_id)


def apply_ops(data: Data, ops: Iterable[Op]) -> None:
    """Apply operations to TinyDB-shaped data in place."""
    for op in ops:
        if op.kind == "put":
            data.setdefault(op.table, {})[op.doc_id] = op.document
        else:
            data.get(op.table, {}).pop(op.doc_id, None)
