"""`modify_at` and `delete_at`: one annotation found in the snapshot by a byte search and
changed with one journal line, decided on its state under the lock, with the results,
errors and undo entries of `AnnotationStore.modify` / `delete`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.anchoring import new_annotation
from annotations.corpus import Corpus
from annotations.errors import UnknownAnnotationError
from annotations.model import Annotation
from annotations.store import AnnotationStore, add_new, delete_at, modify_at
from annotations.store.journal import DurableStorage, journal_path
from annotations.store.store import edit_change
from tests.conftest import CliResult, RunCli
from tests.helpers.store_writer import fox_article
from tests.test_store_append import forbid_full_open, fox, seeded

REPO_ROOT = Path(__file__).resolve().parent.parent


def stored(db_path: Path, annotation_id: str) -> Annotation:
    return AnnotationStore.open(db_path).get(annotation_id)


def test_an_edit_reads_one_annotation_and_appends_one_line(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = seeded(db_path, 5)
    target = store.all()[2]
    snapshot = db_path.read_bytes()
    forbid_full_open(monkeypatch)
    updated = modify_at(db_path, target.id[:8], edit_change(add_tags=["extra"], note="why"))
    monkeypatch.undo()
    assert db_path.read_bytes() == snapshot
    assert updated.tags == (*target.tags, "extra") and updated.note == "why"
    assert stored(db_path, target.id) == updated
    reopened = AnnotationStore.open(db_path)
    assert reopened.history()[0].description == f"edit highlight “{target.quote}”"
    assert reopened.undo() is not None
    assert reopened.get(target.id).tags == target.tags and reopened.get(target.id).note is None


def test_a_delete_reads_one_annotation_and_undo_brings_it_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = seeded(db_path, 4)
    target = store.all()[1]
    forbid_full_open(monkeypatch)
    assert delete_at(db_path, target.id) == target
    monkeypatch.undo()
    reopened = AnnotationStore.open(db_path)
    assert target.id not in {a.id for a in reopened.all()} and len(reopened.all()) == 3
    assert reopened.undo() is not None
    assert reopened.get(target.id) == target


def test_the_state_decided_on_includes_the_journal(db_path: Path) -> None:
    """Changes made since the snapshot (a tag rename's patches, an add, a delete) count."""
    store = seeded(db_path, 3)
    first, second = store.all()[0], store.all()[1]
    store.rename_tag("t0", "renamed")  # a patch in the journal
    added = add_new(db_path, fox(20, "new"))  # only in the journal
    store.refresh()
    store.delete(second.id)
    assert modify_at(db_path, first.id, edit_change(add_tags=["more"])).tags == (
        "renamed",
        "more",
    )
    assert modify_at(db_path, added.id, edit_change(remove_tags=["new"])).tags == ()
    with pytest.raises(UnknownAnnotationError):
        delete_at(db_path, second.id)
    assert stored(db_path, first.id).tags == ("renamed", "more")


IDS_GIVEN = ("exact", "prefix", "short", "unknown", "ambiguous")


def given_id(which: str, exact: str) -> str:
    """An id as a user may give it (`which` of `IDS_GIVEN`), among annotations with the id
    `exact`, two more starting "abcd" and one starting "ffff00"."""
    return {
        "exact": exact,
        "prefix": "ffff00",
        "short": "fff",
        "unknown": "0123456",
        "ambiguous": "abcd",
    }[which]


def id_or_error(find: Callable[[], Annotation]) -> object:
    """The id of the annotation `find` gives, or the message of its UnknownAnnotationError."""
    try:
        return find().id
    except UnknownAnnotationError as error:
        return str(error)


@pytest.mark.parametrize("which", IDS_GIVEN)
def test_ids_resolve_and_fail_as_in_the_store(db_path: Path, which: str) -> None:
    store = seeded(db_path, 0)
    article = fox_article()
    ids = ["abcd1234-0000", "abcd5678-0000", "ffff0000-1111"]
    for n, annotation_id in enumerate(ids):
        store.add(replace(new_annotation(article, n, n + 5), id=annotation_id))
    store._storage.snapshot()  # all three in the snapshot
    given = given_id(which, ids[0])
    change = edit_change(add_tags=["x"])
    expected = id_or_error(lambda: AnnotationStore.open(db_path).get(given))
    assert id_or_error(lambda: modify_at(db_path, given, change)) == expected


def test_text_that_looks_like_a_key_is_not_taken_for_one(db_path: Path) -> None:
    """A note and a quote holding `"<id>":{` (escaped in the file) are not the annotation."""
    store = seeded(db_path, 2)
    target = store.all()[0]
    lure = f'"{target.id}":{{"id":"{target.id}"}}'
    store.add(fox(30).with_changes(note=lure))
    store._storage.snapshot()
    assert lure.encode() not in db_path.read_bytes()  # escaped: \"<id>\"
    assert modify_at(db_path, target.id, edit_change(add_tags=["found"])).quote == target.quote
    assert delete_at(db_path, target.id).id == target.id
    assert len(AnnotationStore.open(db_path).all()) == 2


def test_unusual_ids_open_the_database_whole(db_path: Path) -> None:
    store = seeded(db_path, 1)
    odd = replace(fox(3), id='odd id "quoted"')
    store.add(odd)
    assert modify_at(db_path, odd.id, edit_change(note="n")).note == "n"
    assert delete_at(db_path, odd.id).id == odd.id


def test_no_change_writes_nothing(db_path: Path) -> None:
    store = seeded(db_path, 2)
    target = store.all()[0]
    before = db_path.read_bytes(), journal_path(db_path).read_bytes()
    assert modify_at(db_path, target.id, edit_change(add_tags=list(target.tags))) == target
    assert (db_path.read_bytes(), journal_path(db_path).read_bytes()) == before


def test_a_torn_last_line_is_cut_off(db_path: Path) -> None:
    store = seeded(db_path, 2)
    target = store.all()[0]
    with open(journal_path(db_path), "ab") as journal:
        journal.write(b'{"g":1,"l":"x","ops":[["del","annotations"')
    delete_at(db_path, target.id)
    assert len(AnnotationStore.open(db_path).all()) == 1


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_processes_tagging_one_annotation_racing_a_snapshotting_writer_keep_every_tag(
    db_path: Path,
) -> None:
    store = seeded(db_path, 2, compact_bytes=2_000)
    target = store.all()[0]
    taggers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.single_tagger",
                str(db_path),
                target.id[:8],
                prefix,
                "25",
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    adder = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.store_writer", str(db_path), "40", "2000"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    outputs = [child.communicate(timeout=80)[0].split() for child in (*taggers, adder)]
    assert [child.returncode for child in (*taggers, adder)] == [0, 0, 0]
    tags = set(stored(db_path, target.id).tags)
    assert tags == {"t0", *outputs[0], *outputs[1]} and len(tags) == 51
    assert len(AnnotationStore.open(db_path).all()) == 42
    assert DurableStorage(db_path).generation > 2  # the writer did write snapshots meanwhile


def test_the_commands_annotate_edit_delete_never_open_the_database_whole(
    run_cli: RunCli, samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cli(*args: str) -> CliResult:
        return run_cli("--library", str(samples_dir), "--db", str(db_path), *args)

    article = Corpus.open(samples_dir).article("000")
    quote = "make the pie of common interests even bigger"
    first = cli("annotate", article.id, "--quote", quote, "--tag", "economy")
    assert first.code == 0 and "started a new annotation database" in first.err
    forbid_full_open(monkeypatch)
    added = cli("annotate", article.id, "--quote", quote, "--tag", "trade")
    assert added.code == 0 and added.err == ""
    new_id = added.out.strip()
    edited = cli("edit", new_id[:8], "--add-tag", "Asia", "--remove-tag", "nope")
    assert edited.code == 0, edited.err
    assert "has no tag 'nope'; nothing removed" in edited.err
    assert "\ttrade,Asia\t" in edited.out
    deleted = cli("delete", first.out.strip())
    assert deleted.code == 0 and deleted.out.startswith(f"deleted {first.out.strip()}")
    missing = cli("delete", "0000")
    assert (missing.code, missing.err) == (1, "newsmark: error: no annotation has the id “0000”\n")
    monkeypatch.undo()
    assert [(a.id, a.tags) for a in AnnotationStore.open(db_path).all()] == [
        (new_id, ("trade", "Asia"))
    ]
