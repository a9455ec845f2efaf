"""The annotations table in memory as each document's JSON bytes, a dict only when read.

A document held as a Python dict costs about three times its JSON (the dict, its keys' slots
and a string object per value); held as the orjson bytes it was stored as, about its size
on disk. `CompactTable` is the mapping the storage keeps for the annotations table: every
read (`table[key]`, `get`, `values`, `items`) gives a new dict decoded from those bytes, and
every store (`table[key] = document`) encodes the document. A document read is therefore a
copy: changing it changes nothing stored (every change goes through an operation).
"""

from __future__ import annotations

import mmap
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
)
from typing import Any

import orjson

Document = dict[str, Any]
Buffer = bytes | mmap.mmap


def encode(document: Document) -> bytes:
    """`document` as JSON, in a bytes object of exactly its size (orjson's own result keeps
    a much larger allocation behind it: several kilobytes of memory for a short document)."""
    return memoryview(orjson.dumps(document)).tobytes()


class CompactTable(MutableMapping[str, Document]):
    """Document id → document, each document kept as its JSON bytes (in insertion order)."""

    __slots__ = ("_docs",)

    def __init__(self, documents: Mapping[str, Document] | None = None) -> None:
        self._docs: dict[str, bytes] = {}
        if documents is not None:
            for key, document in documents.items():
                self[key] = document

    @classmethod
    def taking(cls, documents: dict[str, Document]) -> CompactTable:
        """A table of `documents`, emptying that dict as it goes (so the documents as dicts
        and as bytes are never all in memory at once)."""
        table = cls()
        docs = table._docs
        for key in list(documents):
            docs[key] = encode(documents.pop(key))
        return table

    def __getitem__(self, key: str) -> Document:
        document: Document = orjson.loads(self._docs[key])
        return document

    def __setitem__(self, key: str, document: Document) -> None:
        self._docs[key] = encode(document)

    def __delitem__(self, key: str) -> None:
        del self._docs[key]

    def __contains__(self, key: object) -> bool:
        return key in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def __repr__(self) -> str:
        return f"CompactTable({len(self._docs)} documents)"

    def copy(self) -> CompactTable:
        """A table with the same documents (the bytes are shared: they never change)."""
        table = CompactTable()
        table._docs = self._docs.copy()
        return table

    def to_json(self) -> bytes:
        """The table as one JSON object: the same bytes as `orjson.dumps` of it as a dict."""
        if not self._docs:
            return b"{}"
        dumps = orjson.dumps
        parts = [b"{"]  # joined once: no bytes object of key and document for every document
        for key, raw in self._docs.items():
            parts += (dumps(key), b":", raw, b",")
        parts[-1] = b"}"
        return b"".join(parts)

    def stored_items(self) -> ItemsView[str, bytes]:
        """Each key with its document's JSON bytes, as stored and as `to_json` writes them."""
        return self._docs.items()


def table_json(table: Mapping[str, Any]) -> bytes:
    """A table as one JSON object (compact or a dict)."""
    if isinstance(table, CompactTable):
        return table.to_json()
    return orjson.dumps(table)


def read_table(
    raw: bytes, start: int, end: int, check: Callable[[Any], bool]
) -> CompactTable | None:
    """The table whose JSON object is `raw[start:end]`, read one document at a time (the
    documents are never all dicts at once), each passing `check`; None if that object is
    not as `table_json` writes it (documents holding no objects, split by ``},"``), is not
    valid JSON, or a document fails `check`: the caller then parses the file whole, which
    gives the same data or says what is wrong with it.

    Each key and each document is parsed on its own from exactly its bytes, and the
    documents are separated by single commas inside one pair of braces: so the bytes are
    a JSON object, and its documents are the ones kept.
    """
    if end - start < 2 or raw[start] != ord("{") or raw[end - 1] != ord("}"):
        return None
    table = CompactTable()
    if end - start == 2:
        return table
    docs = table._docs
    view = memoryview(raw)
    loads = orjson.loads
    last = end - 2  # the closing brace of the last document
    position = start + 1
    try:
        while True:
            key, colon = key_at(raw, position, last)
            if colon < 0:
                return None
            close = raw.find(b'},"', colon, last)
            if close < 0:
                close = last
            document = loads(view[colon + 2 : close + 1])
            if type(key) is not str or type(document) is not dict or not check(document):
                return None
            # A document right after its key, as lookup.py finds it in the next snapshot.
            tight = raw[colon + 2] == ord("{")
            docs[key] = raw[colon + 2 : close + 1] if tight else encode(document)
            if close == last:
                return table
            position = close + 2
    except orjson.JSONDecodeError:
        return None


def key_at(raw: Buffer, position: int, last: int) -> tuple[Any, int]:
    """The key whose JSON string starts at `position` in `raw` (bytes, or a file mapped)
    and the offset of the `":` that ends it (-1 if there is none before `last`). Only the
    whole string parses: a `":` inside it is an escaped quote, which leaves it
    unterminated."""
    colon = raw.find(b'":', position, last)
    while colon >= 0:
        try:
            return orjson.loads(raw[position : colon + 1]), colon
        except orjson.JSONDecodeError:
            colon = raw.find(b'":', colon + 1, last)
    return None, -1


def copy_table(table: Mapping[str, Any]) -> MutableMapping[str, Any]:
    """A shallow copy of a table (compact or a dict)."""
    if isinstance(table, CompactTable):
        return table.copy()
    return dict(table)


def documents_json(table: Mapping[str, Document], keys: Iterable[str] | None = None) -> list[bytes]:
    """The JSON of the documents `keys` (all, in table order, if None) of a table (compact
    or a dict): taken under the store's mutex, decoded after it (`decode`)."""
    if isinstance(table, CompactTable):
        docs = table._docs
        return list(docs.values()) if keys is None else [docs[key] for key in keys]
    chosen = table.values() if keys is None else (table[key] for key in keys)
    return [orjson.dumps(document) for document in chosen]


def decode(raw: bytes) -> Document:
    """A document from its JSON (`documents_json`)."""
    document: Document = orjson.loads(raw)
    return document
