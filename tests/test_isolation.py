"""Isolation between real processes: no acknowledged change is ever lost or written over.

Every read-modify-write decides on the state it reads under the write lock. These tests
race real `newsmark` processes (and store workers, tests/helpers/load_worker.py) against
each other and check that every change a process reported as done is in the database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotations.anchoring import new_annotation
from annotations.errors import StoreError
from annotations.store import AnnotationStore
from tests.helpers.store_writer import fox_article

REPO_ROOT = Path(__file__).resolve().parent.parent
SOAK_SECONDS = float(os.environ.get("NEWSMARK_SOAK_SECONDS", "30"))

pytestmark = pytest.mark.slow


def newsmark(*args: str, db: Path, library: Path | None = None) -> subprocess.Popen[str]:
    """A real `newsmark` process (started, not waited for)."""
    command = [sys.executable, "-m", "tui.cli", "--db", str(db)]
    if library is not None:
        command += ["--library", str(library)]
    return subprocess.Popen(
        [*command, *args], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(processes: list[subprocess.Popen[str]], timeout: float = 60) -> list[str]:
    """Wait for every process; each must succeed. Their standard outputs."""
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


def worker(db: Path, role: str, seconds: float, seed: int, *args: str) -> subprocess.Popen[str]:
    """A store worker process (see tests/helpers/load_worker.py)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.load_worker",
            str(db),
            role,
            str(seconds),
            str(seed),
            *args,
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> list[dict[str, list[str] | str | int | bool]]:
    """The JSON lines a worker printed, one per acknowledged change."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def seed_fox(db: Path, count: int, *tags: str) -> list[str]:
    """`count` annotations on the fox article carrying `tags`; their ids."""
    store = AnnotationStore.open(db)
    annotations = [
        new_annotation(fox_article(), n % 40, n % 40 + 5, tags=tags) for n in range(count)
    ]
    store.put_many(annotations)
    return [a.id for a in annotations]


@pytest.mark.timeout(120)
def test_concurrent_add_tag_edits_of_one_annotation_are_all_kept(db_path: Path) -> None:
    (target,) = seed_fox(db_path, 1, "base")
    editors = [newsmark("edit", target, "--add-tag", f"t{k}", db=db_path) for k in range(1, 9)]
    finish(editors)
    tags = set(AnnotationStore.open(db_path).get(target).tags)
    assert tags == {"base", *(f"t{k}" for k in range(1, 9))}


@pytest.mark.timeout(120)
def test_edits_of_different_fields_at_once_keep_each_other(db_path: Path) -> None:
    (target,) = seed_fox(db_path, 1, "base")
    finish(
        [
            newsmark("edit", target, "--note", "from one terminal", db=db_path),
            newsmark("edit", target, "--colour", "red", db=db_path),
            newsmark("edit", target, "--remove-tag", "base", "--add-tag", "other", db=db_path),
        ]
    )
    annotation = AnnotationStore.open(db_path).get(target)
    assert annotation.note == "from one terminal"
    assert annotation.colour == "#e06c75"
    assert annotation.tags == ("other",)


@pytest.mark.timeout(120)
def test_a_rename_racing_tag_edits_leaves_no_old_tag(db_path: Path) -> None:
    ids = seed_fox(db_path, 300, "old")
    taggers = [worker(db_path, "tagger", 4.0, seed, *ids[seed::4]) for seed in range(4)]
    time.sleep(1.0)  # the taggers are running: rename in the middle of their edits
    (rename_output,) = finish([newsmark("tags", "rename", "old", "new", db=db_path)])
    assert "renamed" in rename_output
    outputs = finish(taggers)
    annotations = {a.id: a for a in AnnotationStore.open(db_path).all()}
    assert not any("old" in a.tags for a in annotations.values())
    assert all("new" in a.tags for a in annotations.values())
    edits = [record["tag"] for out in outputs for record in acknowledged(out)]
    assert len(edits) > 10, "the taggers barely ran"
    for annotation_id, tag in edits:
        assert tag in annotations[annotation_id].tags


@pytest.mark.timeout(180)
def test_import_of_older_copies_never_overwrites_a_newer_edit(
    db_path: Path, tmp_path: Path, samples_dir: Path
) -> None:
    store = AnnotationStore.open(db_path)
    article = "000_e730ce0a32d34978"
    from annotations.corpus import Corpus

    body = Corpus.open(samples_dir).article(article)
    annotations = [new_annotation(body, n, n + 20, tags=["base"]) for n in range(0, 3900, 2)]
    store.put_many(annotations)
    export = tmp_path / "older.json"
    finish(
        [newsmark("export", "--format", "json", "-o", str(export), db=db_path, library=samples_dir)]
    )
    for trial in range(3):
        target = annotations[trial * 500].id
        importer = newsmark("import", str(export), db=db_path, library=samples_dir)
        editor = newsmark(
            "edit", target, "--note", f"newer {trial}", "--add-tag", "edited", db=db_path
        )
        finish([importer, editor])
        current = AnnotationStore.open(db_path).get(target)
        assert current.note == f"newer {trial}"
        assert "edited" in current.tags


@pytest.mark.timeout(SOAK_SECONDS * 4 + 60)
def test_mixed_load_loses_no_acknowledged_change(db_path: Path, tmp_path: Path) -> None:
    """Adders, taggers, note setters, a renamer and an importer of older copies at once."""
    shared = seed_fox(db_path, 40, "ren-a")
    store = AnnotationStore.open(db_path)
    older = tmp_path / "older.json"
    from annotations.export import ExportFormat, render_export

    older.write_text(
        render_export(ExportFormat.JSON, store.all(), {}, {}, collection="fox"), encoding="utf-8"
    )
    library = tmp_path / "library"
    library.mkdir()
    (library / "000_fox.txt").write_text(fox_article().body, encoding="utf-8")
    duration = str(SOAK_SECONDS)
    workers = [
        worker(db_path, "adder", float(duration), 1),
        worker(db_path, "adder", float(duration), 2),
        worker(db_path, "tagger", float(duration), 3, *shared),
        worker(db_path, "tagger", float(duration), 4, *shared),
        *(worker(db_path, "noter", float(duration), seed, *shared) for seed in range(5, 8)),
        worker(db_path, "renamer", float(duration), 8),
        worker(db_path, "importer", float(duration), 9, str(older), str(library)),
    ]
    records = [
        record
        for out in finish(workers, timeout=SOAK_SECONDS * 3 + 30)
        for record in acknowledged(out)
    ]
    final = {a.id: a for a in AnnotationStore.open(db_path).all()}
    added = [r["add"] for r in records if "add" in r]
    tagged = [r["tag"] for r in records if "tag" in r]
    noted: dict[str, str] = {}
    for record in records:
        if "note" in record:
            annotation_id, note = record["note"]
            noted[annotation_id] = note  # one noter per annotation, in order
    assert len(added) > 20 and len(tagged) > 20 and noted, "the load barely ran"
    assert all(annotation_id in final for annotation_id in added)
    for annotation_id, tag in tagged:
        assert tag in final[annotation_id].tags, (annotation_id, tag)
    for annotation_id, note in noted.items():
        assert final[annotation_id].note == note
    for annotation_id in shared:  # renamed back and forth: exactly one of the two
        assert len({"ren-a", "ren-b"} & set(final[annotation_id].tags)) == 1


@pytest.mark.timeout(60)
def test_a_killed_lock_holder_leaves_no_stale_lock(db_path: Path) -> None:
    seed_fox(db_path, 1, "base")
    holder = worker(db_path, "holder", 60, 1)
    assert holder.stdout is not None
    assert json.loads(holder.stdout.readline()) == {"locked": True}
    blocked = AnnotationStore.open(db_path, lock_timeout=0.3)
    with pytest.raises(StoreError, match="locked by another newsmark process"):
        blocked.add(new_annotation(fox_article(), 0, 3))
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    started = time.monotonic()
    finish([newsmark("edit", blocked.all()[0].id, "--add-tag", "after", db=db_path)])
    assert time.monotonic() - started < 10
    assert "after" in AnnotationStore.open(db_path).all()[0].tags


@pytest.mark.timeout(60)
def test_reads_never_wait_for_a_writer_blocked_on_another_process(db_path: Path) -> None:
    ids = seed_fox(db_path, 3, "base")
    holder = worker(db_path, "holder", 60, 1)
    assert holder.stdout is not None
    assert json.loads(holder.stdout.readline()) == {"locked": True}
    for sync_reads in (True, False):
        store = AnnotationStore.open(db_path, sync_reads=sync_reads, lock_timeout=3.0)
        errors: list[BaseException] = []

        def write(store: AnnotationStore = store, errors: list[BaseException] = errors) -> None:
            try:
                store.edit(ids[0], add_tags=["waiting"])
            except StoreError as error:
                errors.append(error)

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.5)  # the writer now waits for the other process's lock
        started = time.monotonic()
        assert len(store.all()) == 3
        assert len(store.for_article("000_fox")) == 3
        assert [t.name for t in store.tags()] == ["base"]
        assert store.get(ids[1]).tags == ("base",)
        elapsed = time.monotonic() - started
        assert writer.is_alive(), "the writer was not blocked"
        assert elapsed < 1.0, f"reads waited {elapsed:.2f} s for the blocked writer"
        writer.join(timeout=30)
        assert errors and "locked" in str(errors[0])
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
