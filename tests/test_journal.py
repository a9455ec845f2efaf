"""The durable TinyDB storage: atomic snapshots, the journal, corruption and migrations."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb import TinyDB

from annotations.coder import default_coder
from annotations.errors import CorruptDatabaseError, StoreError
from annotations.store import journal as journal_module
from annotations.store.journal import DurableStorage, journal_path
from annotations.store.key_index import key_index_path
from annotations.store.ops import Op, del_op, put_op
from annotations.store.schema import META_TABLE, SCHEMA_VERSION


def doc(n: int, article: str = "000_a") -> dict[str, Any]:
    return {"id": f"id-{n}", "article": article, "quote": f"quote {n}", "start": n, "end": n + 5}


def put(n: int) -> Op:
    return put_op("annotations", f"id-{n}", doc(n))


def annotations_of(storage: DurableStorage) -> dict[str, Any]:
    return storage.read().get("annotations", {})


def test_missing_file_is_an_empty_database_and_nothing_is_created(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    assert annotations_of(storage) == {}
    assert not db_path.parent.exists()


def test_first_commit_creates_directory_and_a_complete_snapshot(db_path: Path) -> None:
    DurableStorage(db_path).commit([put(1)])
    data = orjson.loads(db_path.read_bytes())
    meta = data[META_TABLE]["1"]
    assert meta == {
        "schema": SCHEMA_VERSION,
        "generation": 1,
        "app": "newsmark",
        "lineage": meta["lineage"],
        "history_index": [],  # [key, state, undone_by, size] of each undo entry (head.py)
        "annotations_len": len(orjson.dumps({"id-1": doc(1)})),  # the table after it
        "tables_len": 0,  # the tables after that but the history (none here)
    }
    assert len(meta["lineage"]) == 32 and int(meta["lineage"], 16) >= 0
    assert data["annotations"] == {"id-1": doc(1)}


def test_later_commits_append_one_journal_line_per_batch(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    snapshot = db_path.read_bytes()
    storage.commit([put(2), put(3)])
    storage.commit([del_op("annotations", "id-1")])
    assert db_path.read_bytes() == snapshot
    lines = journal_path(db_path).read_bytes().splitlines()
    assert [orjson.loads(line)["g"] for line in lines] == [1, 1]
    assert annotations_of(DurableStorage(db_path)) == {"id-2": doc(2), "id-3": doc(3)}


def test_tinydb_reads_through_the_storage(db_path: Path) -> None:
    DurableStorage(db_path).commit([put(1), put(2)])
    table = TinyDB(db_path, storage=DurableStorage).table("annotations")
    assert len(table) == 2
    assert table.get(doc_id="id-2") == doc(2)


def test_truncated_last_journal_line_is_ignored_then_cut_off(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    storage.commit([put(2)])
    journal = journal_path(db_path)
    whole = journal.read_bytes()
    line = orjson.dumps({"g": 1, "l": storage.lineage, "ops": [put(3).to_json()]}) + b"\n"
    journal.write_bytes(whole + line[: len(line) // 2])
    reopened = DurableStorage(db_path)
    assert set(annotations_of(reopened)) == {"id-1", "id-2"}
    reopened.commit([put(4)])
    assert journal.read_bytes().startswith(whole)
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1", "id-2", "id-4"}


def test_damaged_line_in_the_middle_of_the_journal_is_corruption(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    journal = journal_path(db_path)
    line = orjson.dumps({"g": 1, "ops": [put(2).to_json()]})
    journal.write_bytes(b'{"g": 1, "ops": [[\n' + line + b"\n")
    before = journal.read_bytes()
    with pytest.raises(CorruptDatabaseError, match="damaged line"):
        DurableStorage(db_path)
    assert journal.read_bytes() == before


def test_lines_of_an_older_generation_are_ignored(db_path: Path) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    storage.commit([put(2)])
    journal = journal_path(db_path)
    stale = journal.read_bytes()
    old = {"g": 1, "l": storage.lineage, "ops": [del_op("annotations", "id-1").to_json()]}
    storage.snapshot()
    assert storage.lineage != old["l"]
    # A crash between writing the new snapshot and emptying the journal:
    journal.write_bytes(stale + orjson.dumps(old) + b"\n")
    reopened = DurableStorage(db_path)
    assert reopened.generation == 2
    assert set(annotations_of(reopened)) == {"id-1", "id-2"}
    reopened.commit([put(3)])
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1", "id-2", "id-3"}
    assert journal.read_bytes() == b""  # the stale lines went with a new snapshot


def test_journal_is_compacted_into_a_new_snapshot(db_path: Path) -> None:
    storage = DurableStorage(db_path, compact_bytes=2000)
    for n in range(40):
        storage.commit([put(n)])
    assert storage.generation > 2
    assert journal_path(db_path).stat().st_size <= 2000 + 200
    assert len(annotations_of(DurableStorage(db_path))) == 40


def test_failed_replace_leaves_the_old_file_and_no_temp_files(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    storage.commit([put(2)])
    before = db_path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match=f"could not save to {db_path}: Input/output error"):
        storage.snapshot()
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [
        db_path.name,
        journal_path(db_path).name,
        key_index_path(db_path).name,  # the first snapshot's (key_index.py)
    ]
    monkeypatch.undo()
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1", "id-2"}


def test_failed_compaction_does_not_lose_the_committed_change(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = DurableStorage(db_path, compact_bytes=10)
    storage.commit([put(1)])

    def crash(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    storage.commit([put(2)])  # compaction fails, the journal has the change
    monkeypatch.undo()
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1", "id-2"}
    assert len(list(db_path.parent.glob("*.tmp"))) == 0


def test_failed_journal_write_raises_store_error_and_changes_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreError) as caught:
        storage.commit([put(2)])
    assert str(caught.value) == (
        f"could not save to {db_path}: No space left on device; the change was not saved"
    )
    assert set(annotations_of(storage)) == {"id-1"}
    monkeypatch.undo()
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1"}


CORRUPT_FILES = {
    "not JSON": (b"{not json", "is not valid JSON"),
    "empty": (b"", "is empty"),
    "only whitespace": (b"  \n", "is empty"),
    "JSON list": (b"[1, 2, 3]", "is not a newsmark database"),
    "other JSON": (b'{"settings": {"1": {"theme": "dark"}}}', "is not a newsmark database"),
    "wrong app": (
        b'{"_newsmark": {"1": {"schema": 1, "generation": 1, "app": "other"}}}',
        "is not a newsmark database",
    ),
    "malformed annotation": (
        b'{"_newsmark": {"1": {"schema": 1, "generation": 1, "app": "newsmark"}},'
        b' "annotations": {"x": {"id": "x"}}}',
        "malformed",
    ),
    **{
        f"annotation with {field} {value}": (
            b'{"_newsmark": {"1": {"schema": 1, "generation": 1, "app": "newsmark"}},'
            b' "annotations": {"x": {"id": "x", "article": "a", "quote": "q", "start": 0,'
            b' "end": 1, "' + field.encode() + b'": ' + value.encode() + b"}}}",
            "malformed",
        )
        for field, value in [
            ("anchor", '"weird"'),
            ("anchor", "1"),
            ("tags", '"abc"'),
            ("tags", "[1]"),
            ("tags", "null"),
            ("note", "7"),
            ("colour", "[]"),
        ]
    },
    "bad lineage": (
        b'{"_newsmark": {"1": {"schema": 1, "generation": 1, "app": "newsmark", "lineage": 5}}}',
        "is not a newsmark database",
    ),
    "newer schema": (
        b'{"_newsmark": {"1": {"schema": 99, "generation": 1, "app": "newsmark"}}}',
        "newer newsmark",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPT_FILES))
def test_corrupt_files_are_refused_and_left_untouched(db_path: Path, case: str) -> None:
    content, message = CORRUPT_FILES[case]
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(CorruptDatabaseError, match=message) as caught:
        DurableStorage(db_path)
    assert str(db_path) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert db_path.read_bytes() == content
    assert os.listdir(db_path.parent) == [db_path.name]


def test_plain_tinydb_file_is_migrated_from_schema_0(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    old = TinyDB(db_path)
    old.insert(doc(1))
    old.insert(doc(2))
    old.close()
    original = db_path.read_bytes()
    storage = DurableStorage(db_path)
    coder = default_coder()  # schema 3: annotations made before coders get the default one
    assert annotations_of(storage) == {
        "id-1": {**doc(1), "coder": coder},
        "id-2": {**doc(2), "coder": coder},
    }
    assert db_path.read_bytes() == original  # nothing is written until a change
    storage.commit([put(3)])
    assert db_path.with_name(db_path.name + ".schema0.bak").read_bytes() == original
    data = orjson.loads(db_path.read_bytes())
    assert data[META_TABLE]["1"]["schema"] == SCHEMA_VERSION
    assert set(data["annotations"]) == {"id-1", "id-2", "id-3"}


def test_migrations_run_in_order_from_the_stored_schema(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    DurableStorage(db_path).commit([put(1)])

    future = SCHEMA_VERSION + 1

    def to_future(data: dict[str, Any]) -> dict[str, Any]:
        data[META_TABLE]["1"]["schema"] = future
        data["annotations"]["id-1"]["note"] = "migrated"
        return data

    monkeypatch.setattr(journal_module, "SCHEMA_VERSION", future)
    monkeypatch.setitem(journal_module.MIGRATIONS, SCHEMA_VERSION, to_future)
    storage = DurableStorage(db_path)
    assert annotations_of(storage)["id-1"]["note"] == "migrated"
    storage.commit([put(2)])
    assert orjson.loads(db_path.read_bytes())[META_TABLE]["1"]["schema"] == future


def test_refresh_replays_other_writers_and_reloads_after_compaction(db_path: Path) -> None:
    writer = DurableStorage(db_path)
    writer.commit([put(1)])
    reader = DurableStorage(db_path)
    assert not reader.refresh()
    writer.refresh()
    writer.commit([put(2)])
    changes = reader.refresh()
    assert changes.ops == [put(2)] and not changes.reloaded
    writer.snapshot()
    assert reader.refresh().reloaded
    assert set(annotations_of(reader)) == {"id-1", "id-2"}


def test_partial_line_being_written_is_not_read_until_complete(db_path: Path) -> None:
    writer = DurableStorage(db_path)
    writer.commit([put(1)])
    reader = DurableStorage(db_path)
    line = orjson.dumps({"g": 1, "l": writer.lineage, "ops": [put(2).to_json()]}) + b"\n"
    with journal_path(db_path).open("ab") as journal:
        journal.write(line[:10])
        journal.flush()
        assert not reader.refresh()
        journal.write(line[10:])
    assert reader.refresh().ops == [put(2)]


def test_a_replaced_snapshot_ignores_the_journal_of_the_old_one(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "db.json", tmp_path / "b" / "db.json"
    for path, first in ((a, 1), (b, 10)):
        storage = DurableStorage(path)
        storage.commit([put(first)])  # snapshot of generation 1
        storage.commit([put(first + 1)])  # a journal line of generation 1
    a.write_bytes(b.read_bytes())  # cp b/db.json a/db.json
    assert set(annotations_of(DurableStorage(a))) == {"id-10"}
    storage = DurableStorage(a)
    storage.commit([put(3)])
    assert set(annotations_of(DurableStorage(a))) == {"id-10", "id-3"}
    # The foreign lines went away with that write (a new snapshot, journal emptied).
    assert journal_path(a).read_bytes() == b""


def test_a_deleted_snapshot_never_brings_its_journal_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    storage.commit([put(2)])
    db_path.unlink()  # the journal of the deleted database is left behind
    fresh = DurableStorage(db_path)

    def crash(*_args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    # A crash between writing the new snapshot and emptying the journal:
    monkeypatch.setattr(os, "truncate", crash)
    fresh.commit([put(5)])
    monkeypatch.undo()
    assert journal_path(db_path).stat().st_size > 0
    assert set(annotations_of(DurableStorage(db_path))) == {"id-5"}


def legacy_snapshot(db_path: Path, journal_lines: list[dict[str, Any]]) -> None:
    """A database as written before snapshots had a lineage."""
    db_path.parent.mkdir(parents=True)
    meta = {"1": {"schema": 1, "generation": 4, "app": "newsmark"}}
    db_path.write_bytes(orjson.dumps({META_TABLE: meta, "annotations": {"id-1": doc(1)}}))
    journal_path(db_path).write_bytes(
        b"".join(orjson.dumps(line) + b"\n" for line in journal_lines)
    )


def test_legacy_snapshot_replays_its_journal_and_gets_a_lineage_on_first_write(
    db_path: Path,
) -> None:
    legacy_snapshot(
        db_path,
        [
            {"g": 4, "ops": [put(2).to_json()]},
            {"g": 3, "ops": [put(7).to_json()]},  # an older generation
            {"g": 4, "l": "0" * 32, "ops": [put(8).to_json()]},  # a line of some other snapshot
        ],
    )
    storage = DurableStorage(db_path)
    assert set(annotations_of(storage)) == {"id-1", "id-2"}
    storage.commit([put(3)])
    data = orjson.loads(db_path.read_bytes())
    assert isinstance(data[META_TABLE]["1"]["lineage"], str)
    assert set(data["annotations"]) == {"id-1", "id-2", "id-3"}
    assert journal_path(db_path).read_bytes() == b""
    storage.commit([put(4)])
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1", "id-2", "id-3", "id-4"}


def test_journal_lines_of_another_lineage_are_not_replayed_by_a_reader(db_path: Path) -> None:
    writer = DurableStorage(db_path)
    writer.commit([put(1)])
    reader = DurableStorage(db_path)
    with journal_path(db_path).open("ab") as journal:
        journal.write(orjson.dumps({"g": 1, "l": "f" * 32, "ops": [put(2).to_json()]}) + b"\n")
        journal.write(orjson.dumps({"g": 1, "ops": [put(3).to_json()]}) + b"\n")
    assert not reader.refresh().ops
    assert set(annotations_of(DurableStorage(db_path))) == {"id-1"}


def test_patches_are_journaled_small_and_replayed_into_whole_documents(db_path: Path) -> None:
    writer = DurableStorage(db_path)
    writer.commit([put(1), put(2)])
    writer.commit([put(3)])  # now a journal line per batch
    reader = DurableStorage(db_path)
    fields = {"tags": ["renamed"], "updated": "2030-01-01T00:00:00.000Z"}
    patched = put_op("annotations", "id-1", {**doc(1), **fields})._replace(patch=fields)
    writer.commit([patched])
    last_line = journal_path(db_path).read_bytes().splitlines()[-1]
    assert orjson.loads(last_line)["ops"] == [["patch", "annotations", "id-1", fields]]
    changes = reader.refresh()
    assert changes.ops == [put_op("annotations", "id-1", {**doc(1), **fields})]
    assert annotations_of(reader)["id-1"] == {**doc(1), **fields}
    assert annotations_of(DurableStorage(db_path))["id-1"] == {**doc(1), **fields}


@pytest.mark.parametrize("fields", [{"quote": "forged"}, {"tags": "not a list"}, {}])
def test_a_patch_of_other_fields_is_a_damaged_line(db_path: Path, fields: dict[str, Any]) -> None:
    storage = DurableStorage(db_path)
    storage.commit([put(1)])
    storage.commit([put(2)])
    line = {
        "g": storage.generation,
        "l": storage.lineage,
        "ops": [["patch", "annotations", "id-1", fields]],
    }
    with journal_path(db_path).open("ab") as journal:
        journal.write(orjson.dumps(line) + b"\n" + orjson.dumps({**line, "ops": []}) + b"\n")
    with pytest.raises(CorruptDatabaseError, match="damaged line"):
        DurableStorage(db_path)
