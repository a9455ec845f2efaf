"""`AnnotationStore.add_new`: adding an annotation with one journal line, never parsing the
snapshot's annotations, with the same undo entry, history rules and safety as `add`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from annotations.anchoring import new_annotation
from annotations.model import Annotation
from annotations.store import AnnotationStore, DuplicateAnnotationError, add_new
from annotations.store.journal import DurableStorage, journal_path
from annotations.store.schema import META_TABLE, meta_table
from tests.helpers.store_writer import fox_article

REPO_ROOT = Path(__file__).resolve().parent.parent


def fox(start: int, *tags: str) -> Annotation:
    return new_annotation(fox_article(), start, start + 5, tags=list(tags))


def seeded(db_path: Path, count: int = 3, **options: object) -> AnnotationStore:
    """A database with `count` annotations added the usual way (a snapshot and a journal)."""
    store = AnnotationStore.open(db_path, **options)
    for n in range(count):
        store.add(fox(n, f"t{n}"))
    return store


def forbid_full_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: DurableStorage) -> None:
        raise AssertionError("the whole database was read")

    monkeypatch.setattr(DurableStorage, "_load", refuse)


def test_add_new_appends_one_journal_line_without_reading_the_database(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(db_path)
    snapshot = db_path.read_bytes()
    lines_before = journal_path(db_path).read_bytes().count(b"\n")
    forbid_full_open(monkeypatch)
    added = add_new(db_path, fox(10, "Economy ", "economy"), coder="ana")
    monkeypatch.undo()
    assert db_path.read_bytes() == snapshot
    assert journal_path(db_path).read_bytes().count(b"\n") == lines_before + 1
    assert added.tags == ("Economy",) and added.coder == "ana"  # cleaned as `add` does
    store = AnnotationStore.open(db_path)
    assert store.get(added.id) == added
    assert len(store.all()) == 4
    newest = store.history()[0]
    assert (newest.description, newest.origin, newest.key) == (
        "add highlight “brown”",
        "cli",
        "000000000004",
    )
    assert added.id in {a.id for a in store.for_article("000_fox")}


def test_an_added_annotation_is_undone_like_one_added_by_add(db_path: Path) -> None:
    seeded(db_path, 1)
    added = add_new(db_path, fox(12, "x"))
    store = AnnotationStore.open(db_path)
    item = store.undo()
    assert item is not None and item.changed == 1
    assert added.id not in {a.id for a in store.all()}
    assert store.redo() is not None
    assert store.get(added.id).tags == ("x",)


def test_a_new_change_ends_what_the_same_origin_could_redo(db_path: Path) -> None:
    store = seeded(db_path, 2)
    other = AnnotationStore.open(db_path, origin="tui:other", label="another window")
    other.add(fox(20, "theirs"))
    assert other.undo(mine=True) is not None  # the other window's undo stays redoable
    assert store.undo() is not None  # the command line's undo
    add_new(db_path, fox(30, "new"))
    reopened = AnnotationStore.open(db_path)
    assert reopened.redo(mine=True) is None  # the cli's undone change is gone
    assert other.redo(mine=True) is not None


def test_the_history_stays_capped(db_path: Path) -> None:
    seeded(db_path, 3)
    for n in range(3):
        add_new(db_path, fox(10 + n), undo_limit=3)
    store = AnnotationStore.open(db_path)
    assert len(store.history()) == 3
    assert len(store.all()) == 6
    keys = [int(item.key) for item in store.history()]
    assert keys == [6, 5, 4]  # the newest entries, numbered on from the stored ones


def test_an_id_written_since_the_snapshot_is_refused(db_path: Path) -> None:
    seeded(db_path, 1)
    added = add_new(db_path, fox(5))
    with pytest.raises(DuplicateAnnotationError):
        add_new(db_path, added)
    assert len(AnnotationStore.open(db_path).all()) == 2


def test_a_torn_last_journal_line_is_cut_off_and_nothing_is_lost(db_path: Path) -> None:
    seeded(db_path, 2)
    with open(journal_path(db_path), "ab") as journal:
        journal.write(b'{"g":1,"l":"x","ops":[["put","annotations"')  # a crash mid-append
    added = add_new(db_path, fox(8))
    store = AnnotationStore.open(db_path)
    assert len(store.all()) == 3 and store.get(added.id) == added
    assert journal_path(db_path).read_bytes().endswith(b"\n")


def test_a_database_without_a_head_is_opened_whole_and_gets_one(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot written by an older newsmark (no history_len, tables in any order)."""
    first = fox(1, "old")
    db_path.parent.mkdir(parents=True)
    old = {
        "annotations": {first.id: first.to_dict()},
        META_TABLE: meta_table(3, 4, "0" * 32),
    }
    db_path.write_bytes(orjson.dumps(old))
    add_new(db_path, fox(2))  # the full path: a new snapshot, with a head
    assert db_path.read_bytes().startswith(b'{"_newsmark":')
    forbid_full_open(monkeypatch)
    add_new(db_path, fox(3))
    monkeypatch.undo()
    assert len(AnnotationStore.open(db_path).all()) == 3


def test_a_new_database_is_started(db_path: Path) -> None:
    added = add_new(db_path, fox(1, "first"))
    assert AnnotationStore.open(db_path).all() == [added]


def test_a_journal_of_another_snapshot_is_replaced_by_a_full_write(db_path: Path) -> None:
    seeded(db_path, 2)
    stale = {"g": 99, "l": "f" * 32, "ops": [["del", "annotations", "nothing"]]}
    with open(journal_path(db_path), "ab") as journal:
        journal.write(orjson.dumps(stale, option=orjson.OPT_APPEND_NEWLINE))
    generation = orjson.loads(db_path.read_bytes())[META_TABLE]["1"]["generation"]
    add_new(db_path, fox(4))
    assert orjson.loads(db_path.read_bytes())[META_TABLE]["1"]["generation"] == generation + 1
    assert len(AnnotationStore.open(db_path).all()) == 3


def test_an_open_store_takes_in_the_added_annotation(db_path: Path) -> None:
    window = seeded(db_path, 2, sync_reads=False)
    assert len(window.for_article("000_fox")) == 2  # its index is built
    added = add_new(db_path, fox(9, "later"))
    assert window.refresh()
    assert added.id in {a.id for a in window.for_article("000_fox")}
    assert "later" in {tag.name for tag in window.tags()}


def test_a_locked_database_is_a_clear_error(db_path: Path) -> None:
    from annotations.errors import StoreError

    store = seeded(db_path, 1, lock_timeout=0.1)
    with store._file_lock, pytest.raises(StoreError, match="locked by another newsmark"):
        add_new(db_path, fox(3), lock_timeout=0.1)
    assert len(AnnotationStore.open(db_path).all()) == 1


# Real processes ---------------------------------------------------------------------


def writer(db: Path, count: int, compact_bytes: int, *flags: str) -> subprocess.Popen[str]:
    """A child adding `count` annotations (0: until killed), printing each id once saved."""
    args = [sys.executable, "-m", "tests.helpers.store_writer", str(db), str(count)]
    return subprocess.Popen(
        [*args, str(compact_bytes), *flags], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_appenders_racing_snapshotting_writers_lose_nothing(db_path: Path) -> None:
    """Two processes appending racing two full writers whose tiny compaction threshold
    makes them write a new snapshot (rename, new lineage) every few adds."""
    seeded(db_path, 1)
    children = [writer(db_path, 60, 2_000, "append") for _ in range(2)]
    children += [writer(db_path, 60, 2_000) for _ in range(2)]
    outputs = [child.communicate(timeout=80)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0]
    assert [len(ids) for ids in outputs] == [60, 60, 60, 60]
    store = AnnotationStore.open(db_path)
    stored = {a.id for a in store.all()}
    assert stored >= {id_ for ids in outputs for id_ in ids}
    assert len(stored) == 241


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_killed_appenders_never_lose_a_reported_annotation(db_path: Path) -> None:
    seeded(db_path, 1, compact_bytes=2_000)
    full = writer(db_path, 0, 2_000)  # snapshotting all along
    reported: list[str] = []
    for delay in (0.0, 0.05, 0.13, 0.02, 0.21, 0.08):
        child = writer(db_path, 0, 2_000, "append")
        assert child.stdout is not None
        reported.append(child.stdout.readline().strip())  # it is adding: kill it mid-way
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        reported += output.split()
    full.send_signal(signal.SIGKILL)
    full_ids = full.communicate(timeout=10)[0].split()
    stored = {a.id for a in AnnotationStore.open(db_path).all()}
    assert len(reported) >= 6
    assert set(reported) | set(full_ids) <= stored


def test_a_long_journal_is_compacted_by_the_next_write(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes that read the journal whole each time never let it grow without bound."""
    monkeypatch.setattr("annotations.store.append.FAST_JOURNAL_BYTES", 3_000)
    seeded(db_path, 2)
    generation = DurableStorage(db_path).generation
    added = [add_new(db_path, fox(n)) for n in range(12)]
    assert DurableStorage(db_path).generation > generation  # a new snapshot was written
    assert journal_path(db_path).stat().st_size <= 3_000 + 2_000  # at most one line more
    assert {a.id for a in added} <= {a.id for a in AnnotationStore.open(db_path).all()}
