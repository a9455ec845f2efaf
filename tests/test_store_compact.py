"""The annotations table kept as JSON bytes in memory, and read from a snapshot in pieces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from annotations.errors import CorruptDatabaseError
from annotations.store.compact import CompactTable, decode, documents_json, read_table
from annotations.store.head import snapshot_pieces
from annotations.store.journal import DurableStorage
from annotations.store.ops import put_op
from annotations.store.schema import SCHEMA_VERSION, looks_like_annotation, meta_table


def doc(key: str, quote: str = "q", **extra: Any) -> dict[str, Any]:
    return {"id": key, "article": "000_a", "quote": quote, "start": 0, "end": 1, **extra}


# Documents whose JSON holds what the byte split looks for, inside strings.
TRICKY = {
    "plain": doc("plain", tags=["a", "b/c"], note=None),
    'quote"key': doc('quote"key', quote='he said "},"x":{" and left'),
    'esc\\":{k': doc('esc\\":{k', quote="back\\slash"),
    "ünï": doc("ünï", quote="中文 \u2028 line", note='{"a": 1}'),
    "brace": doc("brace", quote="}}", colour="#ffffff"),
}


def write_snapshot(path: Path, annotations: dict[str, Any]) -> bytes:
    """A snapshot with a head (as the storage writes it) holding `annotations`."""
    meta = meta_table(SCHEMA_VERSION, 1, "0" * 32)
    raw = b"".join(snapshot_pieces({"annotations": annotations}, meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return raw


def whole(raw: bytes) -> dict[str, Any]:
    """The annotations table as parsing the file whole gives it."""
    table: dict[str, Any] = orjson.loads(raw)["annotations"]
    return table


def no_whole_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make converting a whole-parsed table fail: the snapshot must be read in pieces."""

    def refuse(_documents: dict[str, Any]) -> CompactTable:
        raise AssertionError("the snapshot was parsed whole")

    monkeypatch.setattr(CompactTable, "taking", staticmethod(refuse))


def test_table_read_in_pieces_is_the_table_parsed_whole(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = write_snapshot(db_path, TRICKY)
    no_whole_parse(monkeypatch)
    table = DurableStorage(db_path).read()["annotations"]
    assert isinstance(table, CompactTable)
    assert dict(table) == whole(raw) == TRICKY
    assert list(table) == list(TRICKY)


def test_duplicate_keys_keep_the_last_document_as_a_whole_parse_does(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = write_snapshot(db_path, {"id-1": doc("id-1", "first"), "id-2": doc("id-2", "second")})
    raw = raw.replace(b'"id-2":{', b'"id-1":{')  # same length: the head still fits
    db_path.write_bytes(raw)
    no_whole_parse(monkeypatch)
    assert dict(DurableStorage(db_path).read()["annotations"]) == whole(raw)
    assert whole(raw) == {"id-1": doc("id-2", "second")}


ANNOTATION = b'{"id":"a","article":"b","quote":"q","start":0,"end":1}'


@pytest.mark.parametrize(
    "table",
    [
        b'{"a":{"id":"a","x":{"n":1},"article":"b","quote":"q","start":0,"end":1}}',  # object
        b'{"a":' + ANNOTATION + b', "b":' + ANNOTATION + b"}",  # space after a comma
        b'{"a":' + ANNOTATION + b"}}",  # a brace too many
        b'{"a":' + ANNOTATION,  # cut off
        b'{"a":{"id":"a"}}',  # not an annotation
        b'{"a":[1]}',
        b'{"a"}',
        b"{ }",
        b"[]",
    ],
)
def test_read_table_gives_up_on_what_it_cannot_split_exactly(table: bytes) -> None:
    raw = b"xx" + table + b"yy"
    assert read_table(raw, 2, 2 + len(table), looks_like_annotation) is None


@pytest.mark.parametrize(
    "table",
    [
        b"{}",
        b'{"a": ' + ANNOTATION + b"}",  # a space before a document
        b'{"a\\":{x":' + ANNOTATION + b',"\\"":' + ANNOTATION + b"}",  # \" in keys
    ],
)
def test_read_table_reads_json_it_can_split_exactly(table: bytes) -> None:
    raw = b"xx" + table + b"yy"
    read = read_table(raw, 2, 2 + len(table), looks_like_annotation)
    assert read is not None and dict(read) == orjson.loads(table)
    assert read.to_json() == orjson.dumps(orjson.loads(table))  # as the next snapshot writes it


def test_a_document_with_an_object_is_read_whole_instead(db_path: Path) -> None:
    annotations = {"a": doc("a", extra={"n": {"m": 1}}), "b": doc("b")}
    raw = write_snapshot(db_path, annotations)
    assert dict(DurableStorage(db_path).read()["annotations"]) == whole(raw) == annotations


def test_a_wrong_table_length_in_the_head_is_read_whole_instead(db_path: Path) -> None:
    raw = write_snapshot(db_path, TRICKY)
    length = len(orjson.dumps(TRICKY))
    raw = raw.replace(b'"annotations_len":%d' % length, b'"annotations_len":%d' % (length - 1))
    db_path.write_bytes(raw)
    assert dict(DurableStorage(db_path).read()["annotations"]) == TRICKY


def test_a_malformed_annotation_in_a_snapshot_with_a_head_is_refused(db_path: Path) -> None:
    raw = write_snapshot(db_path, {"a": doc("a"), "b": {"id": "b", "tags": "x"}})
    with pytest.raises(CorruptDatabaseError, match="'annotations' is malformed"):
        DurableStorage(db_path)
    assert db_path.read_bytes() == raw


def test_a_document_read_is_a_copy(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put_op("annotations", "a", doc("a"))])
    storage.snapshot()
    table = DurableStorage(db_path).read()["annotations"]
    table["a"]["quote"] = "changed in place"
    assert table["a"]["quote"] == "q"


def test_snapshot_of_a_compact_table_is_the_json_of_its_documents(db_path: Path) -> None:
    write_snapshot(db_path, TRICKY)
    storage = DurableStorage(db_path)
    storage.commit([put_op("annotations", "new", doc("new", "added"))])
    storage.snapshot()
    expected = {**TRICKY, "new": doc("new", "added")}
    raw = db_path.read_bytes()
    assert whole(raw) == expected
    assert orjson.dumps(expected) in raw  # the table's bytes as orjson writes a dict


def test_every_write_path_keeps_the_table_compact(db_path: Path) -> None:
    storage = DurableStorage(db_path)  # no file yet: the first commit writes a snapshot
    storage.commit([put_op("annotations", "a", doc("a"))])
    assert isinstance(storage.read()["annotations"], CompactTable)
    storage.commit([put_op("annotations", "b", doc("b"))])  # a journal line
    storage.write({"annotations": {"c": doc("c")}})  # as TinyDB's Table writes
    assert isinstance(storage.read()["annotations"], CompactTable)
    assert dict(storage.read()["annotations"]) == {"c": doc("c")}


@pytest.mark.parametrize("compact", [True, False])
def test_documents_json_of_a_table_and_of_some_keys(compact: bool) -> None:
    documents = {"a": doc("a"), "b": doc("b", "two"), "c": doc("c")}
    table = CompactTable(documents) if compact else documents
    assert [decode(raw) for raw in documents_json(table)] == list(documents.values())
    assert [decode(raw) for raw in documents_json(table, ["c", "a"])] == [doc("c"), doc("a")]
