"""The undo history: field-level entries, three-way undo and redo, scopes, size bounds,
malformed entries refused at open, and the schema 1 history migrated."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotations.anchoring import new_annotation
from annotations.errors import CorruptDatabaseError
from annotations.store import AnnotationStore
from annotations.store.history import diff_documents, revert_change
from annotations.store.journal import journal_path
from annotations.store.schema import HISTORY_TABLE, META_TABLE, SCHEMA_VERSION
from tests.helpers.store_writer import fox_article

REPO_ROOT = Path(__file__).resolve().parent.parent


def note(text: str, *tags: str, start: int = 4) -> object:
    return new_annotation(fox_article(), start, start + 5, tags=tags, note=text or None)


# Three-way revert of one recorded change ------------------------------------------------


def test_a_change_records_only_the_fields_that_changed() -> None:
    before = {"id": "a", "tags": ["x"], "note": None, "quote": "q" * 1000}
    after = {"id": "a", "tags": ["x", "y"], "note": None, "quote": "q" * 1000}
    assert diff_documents("annotations", "a", before, after) == [
        "annotations",
        "a",
        {"tags": ["x"]},
        {"tags": ["x", "y"]},
    ]
    assert diff_documents("annotations", "a", before, before) is None
    assert diff_documents("annotations", "a", None, after) == ["annotations", "a", None, after]


def test_undo_keeps_a_tag_someone_else_added_since() -> None:
    change = ["annotations", "a", {"tags": ["x"]}, {"tags": ["x", "mine"]}]
    current = {"id": "a", "tags": ["x", "mine", "theirs"]}
    result = revert_change(change, current)
    assert result.write and result.document is not None
    assert result.document["tags"] == ["x", "theirs"]


def test_undo_keeps_a_field_changed_again_since_and_says_so() -> None:
    change = [
        "annotations",
        "a",
        {"note": None, "colour": None},
        {"note": "mine", "colour": "#ffffff"},
    ]
    current = {"id": "a", "note": "theirs, later", "colour": "#ffffff"}
    result = revert_change(change, current)
    assert result.kept
    assert result.document is not None
    assert result.document["note"] == "theirs, later" and result.document["colour"] is None


def test_undoing_a_creation_never_deletes_work_done_on_it_since() -> None:
    created = {"id": "a", "tags": ["x"], "note": None, "colour": None, "start": 1}
    change = ["annotations", "a", None, created]
    moved = {**created, "start": 7}  # re-anchored: not a user's change
    assert revert_change(change, moved).document is None and revert_change(change, moved).write
    tagged = {**created, "tags": ["x", "theirs"]}
    result = revert_change(change, tagged)
    assert not result.write and result.kept


def test_redo_is_the_same_merge_the_other_way() -> None:
    change = ["annotations", "a", {"tags": ["x"]}, {"tags": ["x", "mine"]}]
    result = revert_change(change, {"id": "a", "tags": ["x", "theirs"]}, redo=True)
    assert result.document is not None
    assert result.document["tags"] == ["x", "mine", "theirs"]  # mine back in its place


# Undo and redo in the store -------------------------------------------------------------


def test_undo_of_an_older_change_keeps_later_work_on_the_same_annotation(db_path: Path) -> None:
    mine = AnnotationStore.open(db_path, origin="tui:mine", label="window 1")
    theirs = AnnotationStore.open(db_path, origin="tui:theirs", label="window 2")
    annotation = mine.add(note("", "base"))
    mine.edit(annotation.id, add_tags=["mine"])
    theirs.edit(annotation.id, add_tags=["theirs"], note="their note")
    item = mine.undo(mine=True)
    assert item is not None and item.description.startswith("edit highlight")
    current = mine.get(annotation.id)
    assert current.tags == ("base", "theirs") and current.note == "their note"
    redone = mine.redo(mine=True)
    assert redone is not None
    assert set(mine.get(annotation.id).tags) == {"base", "mine", "theirs"}


def test_a_window_undoes_only_its_own_changes_in_order(db_path: Path) -> None:
    window = AnnotationStore.open(db_path, origin="tui:w", label="a newsmark window")
    cli = AnnotationStore.open(db_path)  # origin "cli"
    first = window.add(note("", "one", start=0))
    other = cli.add(note("", "cli", start=10))
    second = window.add(note("", "two", start=20))
    undone = [window.undo(mine=True), window.undo(mine=True), window.undo(mine=True)]
    assert [u.description if u else None for u in undone] == [
        f"add highlight “{second.quote}”",
        f"add highlight “{first.quote}”",
        None,
    ]
    assert [a.id for a in window.all()] == [other.id]
    # Redo brings them back in reverse order of undoing.
    assert window.redo(mine=True).description == f"add highlight “{first.quote}”"
    assert {a.id for a in window.all()} == {first.id, other.id}


def test_a_new_change_ends_what_its_origin_could_redo(db_path: Path) -> None:
    store = AnnotationStore.open(db_path, origin="tui:w", label="w")
    store.add(note("", "one"))
    store.undo(mine=True)
    store.add(note("", "two", start=10))
    assert store.redo(mine=True) is None


def test_cli_undo_takes_the_newest_change_and_says_whose(db_path: Path) -> None:
    window = AnnotationStore.open(db_path, origin="tui:w", label="a newsmark window (pid 1)")
    annotation = window.add(note("", "x"))
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "undo"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith(f"undone: add highlight “{annotation.quote}” (made ")
    assert "in a newsmark window (pid 1)" in result.stdout
    history = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "history", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (entry,) = orjson.loads(history.stdout)
    assert entry["state"] == "undone" and entry["where"] == "a newsmark window (pid 1)"
    redo = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "redo", "1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert redo.stdout.startswith("redone: add highlight")
    assert [a.id for a in AnnotationStore.open(db_path).all()] == [annotation.id]


# Bounded history -----------------------------------------------------------------------


def test_history_is_bounded_in_bytes_and_the_newest_change_stays_undoable(
    db_path: Path,
) -> None:
    store = AnnotationStore.open(db_path, history_bytes=60_000)
    store.put_many([note("", "old", start=n % 40) for n in range(1000)])
    names = ["old", "a", "b", "c", "d", "e", "f"]
    for old, new in itertools.pairwise(names):
        assert store.rename_tag(old, new) == 1000
        stored = store._storage.read()[HISTORY_TABLE]
        sizes = sum(entry["size"] for entry in stored.values())
        newest = stored[store.history()[0].key]["size"]
        assert sizes <= 60_000 or sizes == newest, (sizes, newest, len(stored))
        # A rename records each annotation's tags only, not whole copies (~400 bytes each).
        assert newest < 1000 * 100
    assert store.undo().description == "rename tag e → f"
    assert {tag.name for tag in store.tags()} == {"e"}


# Malformed databases -------------------------------------------------------------------


def _database(history: object = None, colours: object = None) -> dict[str, object]:
    data: dict[str, object] = {
        META_TABLE: {
            "1": {"schema": SCHEMA_VERSION, "generation": 1, "app": "newsmark", "lineage": "0" * 32}
        },
        "annotations": {},
    }
    if history is not None:
        data[HISTORY_TABLE] = history
    if colours is not None:
        data["tag_colours"] = colours
    return data


@pytest.mark.parametrize(
    ("history", "colours", "table"),
    [
        ({"000000000001": {"description": "x"}}, None, "history"),
        ({"1": {}}, None, "history"),
        (None, {"x": {"name": "x"}}, "tag_colours"),
        (None, {"x": {"name": "x", "colour": "javascript:alert(1)"}}, "tag_colours"),
        (None, {"x": ["not", "a", "dict"]}, "tag_colours"),
    ],
)
def test_malformed_history_or_colours_are_refused_at_open_in_one_line(
    db_path: Path, history: object, colours: object, table: str
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps(_database(history, colours)))
    with pytest.raises(CorruptDatabaseError, match=f"table '{table}' is malformed"):
        AnnotationStore.open(db_path)
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "tags"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_malformed_history_line_in_the_journal_is_refused(db_path: Path) -> None:
    store = AnnotationStore.open(db_path)
    store.add(note("", "x"))
    store.add(note("", "y", start=10))
    bad = {
        "g": store._storage.generation,
        "l": store._storage.lineage,
        "ops": [["put", "history", "000000000099", {"description": "no fields"}]],
    }
    good = {"g": store._storage.generation, "l": store._storage.lineage, "ops": []}
    with journal_path(db_path).open("ab") as journal:
        journal.write(orjson.dumps(bad) + b"\n" + orjson.dumps(good) + b"\n")
    with pytest.raises(CorruptDatabaseError, match="damaged line"):
        AnnotationStore.open(db_path)


# Schema 1 history ------------------------------------------------------------------------


def test_a_schema_1_history_is_migrated_and_still_undoes(db_path: Path) -> None:
    annotation = note("", "first")
    doc = annotation.to_dict()
    edited = {**doc, "tags": ["first", "second"], "updated": "2030-01-01T00:00:00.000Z"}
    v1 = {
        META_TABLE: {"1": {"schema": 1, "generation": 3, "app": "newsmark", "lineage": "a" * 32}},
        "annotations": {annotation.id: edited},
        HISTORY_TABLE: {
            "000000000001": {
                "description": "add highlight",
                "time": "t",
                "before": {"annotations": {annotation.id: None}},
            },
            "000000000002": {
                "description": "edit highlight",
                "time": "t",
                "before": {"annotations": {annotation.id: doc}},
            },
        },
    }
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps(v1))
    store = AnnotationStore.open(db_path)
    assert [item.description for item in store.history()] == ["edit highlight", "add highlight"]
    assert store.undo().description == "edit highlight"
    assert store.get(annotation.id).tags == ("first",)
    assert store.undo().description == "add highlight"
    assert store.all() == []
    assert db_path.with_name(db_path.name + ".schema1.bak").exists()
    assert orjson.loads(db_path.read_bytes())[META_TABLE]["1"]["schema"] == SCHEMA_VERSION


# Files: a symlinked DB and leftover temp files -----------------------------------------------


def test_a_symlinked_db_is_used_through_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "annotations.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    via_link = AnnotationStore.open(link, compact_bytes=2_000)
    for start in range(0, 40, 2):  # enough to compact: the snapshot is rewritten
        via_link.add(note("", "x", start=start))
    assert link.is_symlink() and link.resolve() == target
    assert journal_path(target).exists() and not journal_path(link).exists()
    assert (target.parent / "annotations.json.lock").exists()
    assert not (tmp_path / "link.json.lock").exists()
    via_target = AnnotationStore.open(target)
    assert len(via_target.all()) == 20
    # The two names share one lock: a holder through one name blocks the other.
    import filelock

    with filelock.FileLock(str(target) + ".lock", thread_local=False):
        blocked = AnnotationStore.open(link, lock_timeout=0.2)
        with pytest.raises(Exception, match="locked by another newsmark process"):
            blocked.add(note("", "y"))


def test_leftover_snapshot_temp_files_are_removed_at_open(db_path: Path) -> None:
    AnnotationStore.open(db_path).add(note("", "x"))
    leftovers = [db_path.parent / f".{db_path.name}.{n:012x}.tmp" for n in range(3)]
    for leftover in leftovers:
        leftover.write_bytes(b"{" * 1000)
    unrelated = db_path.parent / ".other.json.123.tmp"
    unrelated.write_bytes(b"keep")
    store = AnnotationStore.open(db_path)
    assert not any(leftover.exists() for leftover in leftovers)
    assert unrelated.exists()
    assert len(store.all()) == 1


def test_a_note_longer_than_an_import_may_bring_is_refused(db_path: Path) -> None:
    from annotations.limits import MAX_NOTE_CHARS
    from annotations.store.store import NoteTooLongError

    store = AnnotationStore.open(db_path)
    annotation = store.add(note("short", "x"))
    with pytest.raises(NoteTooLongError, match="at most 100,000"):
        store.edit(annotation.id, note="n" * (MAX_NOTE_CHARS + 1))
    with pytest.raises(NoteTooLongError):
        store.add(note("n" * (MAX_NOTE_CHARS + 1), start=12))
    assert [a.note for a in store.all()] == ["short"]


def test_an_undo_that_keeps_everything_says_nothing_changed(db_path: Path) -> None:
    mine = AnnotationStore.open(db_path, origin="tui:mine", label="window 1")
    theirs = AnnotationStore.open(db_path, origin="tui:theirs", label="window 2")
    annotation = mine.add(note("", "base"))
    theirs.edit(annotation.id, add_tags=["theirs"])  # work on it since: the add is kept
    item = mine.undo(mine=True)
    assert item is not None and item.kept == 1 and item.changed == 0
    assert "nothing changed" in item.describe()
    assert [a.id for a in mine.all()] == [annotation.id]


def test_a_named_pipe_as_the_database_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "db.json"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(fifo), "annotations"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "is a named pipe (FIFO), not a database file" in result.stderr


def test_a_command_that_starts_a_new_database_says_where(tmp_path: Path, samples_dir: Path) -> None:
    db = tmp_path / "typo" / "annotations.json"
    command = [
        sys.executable,
        "-m",
        "tui.cli",
        "--db",
        str(db),
        "--library",
        str(samples_dir),
        "annotate",
        "000",
        "--quote",
        "Vietnam",
    ]
    first = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert f"started a new annotation database at {db}" in first.stderr
    second = subprocess.run(
        [*command[:-2], "--quote", "China"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "started a new" not in second.stderr
