"""One annotation database used with two collections (the default database serves every
collection): opening one leaves the other's annotations exactly as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson

from tests.conftest import RunCli


def test_each_collection_leaves_the_others_annotations_alone(
    samples_dir: Path, tmp_path: Path, db_path: Path, run_cli: RunCli
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(next(samples_dir.glob("000_*")), first)
    shutil.copy(next(samples_dir.glob("001_*")), second)
    for library, article in ((first, "000"), (second, "001")):
        made = run_cli(
            "--library", str(library), "--db", str(db_path),
            "annotate", article, "--quote", "Hanoi", "--tag", "place",
        )  # fmt: skip
        assert made.code == 0
        assert "orphaned" not in made.err
    for library in (first, second, first):
        listed = run_cli("--library", str(library), "--db", str(db_path), "annotations", "--json")
        assert "orphaned" not in listed.err
        anchors = {a["article"][:3]: a["anchor"] for a in orjson.loads(listed.out)}
        assert anchors == {"000": "exact", "001": "exact"}


def test_an_export_holds_its_collections_annotations_and_says_what_it_left_out(
    samples_dir: Path, tmp_path: Path, db_path: Path, run_cli: RunCli
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for library, pattern in ((first, "000_*"), (second, "001_*")):
        library.mkdir()
        shutil.copy(next(samples_dir.glob(pattern)), library)
    common = ("--db", str(db_path))
    run_cli("--library", str(first), *common, "annotate", "000", "--quote", "Hanoi", "--tag", "x")
    run_cli(
        "--library", str(first), *common, "memo", "article", "000", "a memo on the first article"
    )
    for fmt in ("markdown", "csv", "w3c"):
        empty = run_cli("--library", str(second), *common, "export", "--format", fmt)
        assert empty.code == 1
        assert "left out 1 annotation of articles not in this collection" in empty.err
    run_cli("--library", str(second), *common, "annotate", "001", "--quote", "Hanoi", "--tag", "x")
    exported = run_cli("--library", str(second), *common, "export", "--format", "markdown")
    assert "left out 1 annotation of articles not in this collection" in exported.err
    assert exported.out.count("> Hanoi") == 1 and "a memo on the first" not in exported.out
    mine = run_cli("--library", str(first), *common, "export", "--format", "markdown")
    assert mine.out.count("> Hanoi") == 1 and "a memo on the first" in mine.out
    # The complete dump keeps every annotation of the database (a backup), memos too.
    dump = run_cli("--library", str(second), *common, "export", "--format", "json")
    assert sorted(a["article"][:3] for a in orjson.loads(dump.out)["annotations"]) == [
        "000",
        "001",
    ]
    assert "a memo on the first" in dump.out and "left out" not in dump.err
