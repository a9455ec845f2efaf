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
