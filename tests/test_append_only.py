"""A collection declared append-only (`newsmark index --append-only`): commands trust its
index when no directory changed, without checking every file, and still never print a hit
from a body its file no longer holds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
import pytest

from annotations import indexed_collection
from annotations.indexed_collection import IndexedCollection
from tests.conftest import RunCli
from tests.helpers.collections import age_collection, write_word_articles

WORDS = ("Vietnam", "China", "rail", "links", "trade", "talks", "Straße", "İstanbul", "Hà", "Nội")


def _rewrite_in_place(path: Path, text: str) -> None:
    """Write `text` into the file itself (not a new file renamed over it): its directory
    keeps its modification time; the file gets a new one."""
    state = path.stat()
    with path.open("r+", encoding="utf-8") as file:
        file.write(text)
        file.truncate()
    os.utime(path, ns=(state.st_atime_ns, state.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """80 articles (enough for the full-text index), none mentioning 'zebra'."""
    root = tmp_path / "news"
    root.mkdir()
    write_word_articles(root, WORDS, 80, seed=5, lengths=(20, 60))
    (root / "a050.txt").write_text("Title 50\n\nrail links only\n", "utf-8")
    age_collection(root)
    return root


def _cli(run_cli: RunCli, library: Path, db_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("--library", str(library), "--db", str(db_path), *args)


def _hits(run_cli: RunCli, library: Path, db_path: Path, query: str) -> list[tuple[str, int]]:
    result = _cli(run_cli, library, db_path, "search", query, "--json")
    return [(hit["article"], hit["start"]) for hit in orjson.loads(result.out)]


def test_index_command_declares_and_undeclares(
    library: Path, run_cli: RunCli, db_path: Path
) -> None:
    result = _cli(run_cli, library, db_path, "index")
    assert result.code == 0
    assert result.out.splitlines()[:2] == [
        f"80 articles in {library}",
        "files parsed: 80 (new or changed since the last look)",
    ]
    assert "full-text index: built now" in result.out
    assert "each file is checked" in result.out
    again = _cli(run_cli, library, db_path, "index").out
    assert "files parsed: 0 " in again and "full-text index: ready" in again
    age_collection(library)
    declared = _cli(run_cli, library, db_path, "index", "--append-only")
    assert "append-only" in declared.out
    assert "append-only" in _cli(run_cli, library, db_path, "index").out  # remembered
    age_collection(library)
    _rewrite_in_place(library / "a003.txt", "Title 3\n\nchanged\n")
    opened = IndexedCollection.open(library)  # the changed file is not looked at
    assert opened is not None
    opened.close()
    _cli(run_cli, library, db_path, "index", "--check-every-file")
    age_collection(library)
    _rewrite_in_place(library / "a004.txt", "Title 4\n\nchanged\n")
    assert IndexedCollection.open(library) is None  # every file checked again


def test_a_file_rewritten_in_place_is_never_misquoted(
    library: Path, run_cli: RunCli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hit in a file rewritten in place is read from the file: offsets and context
    are the file's, on one core and on every core."""
    _cli(run_cli, library, db_path, "index", "--append-only")
    age_collection(library)
    target = library / "a010.txt"
    assert target.read_text("utf-8").count("Vietnam") > 0
    _rewrite_in_place(target, "Title 10\n\nxx Vietnam yy\n")
    counted_in_block = library / "a011.txt"  # (another count than the index's body has)
    many = counted_in_block.read_text("utf-8").count("Vietnam") + 3
    _rewrite_in_place(counted_in_block, "Title 11\n\n" + "Vietnam " * many + "\n")
    for on_every_core in (False, True):
        if on_every_core:  # batches searched by forked workers
            monkeypatch.setattr(indexed_collection, "POOL_MIN_ARTICLES", 2)
            monkeypatch.setattr(indexed_collection, "UNIT_ARTICLES", 3)
        hits = [start for article, start in _hits(run_cli, library, db_path, "Vietnam")]
        result = _cli(run_cli, library, db_path, "search", "Vietnam", "--json")
        in_target = [hit for hit in orjson.loads(result.out) if hit["article"] == "a010"]
        assert [(hit["start"], hit["end"]) for hit in in_target] == [(3, 10)]
        assert in_target[0]["context"] == "xx Vietnam yy"
        assert hits  # the other articles still found
        counted = _cli(run_cli, library, db_path, "search", "Vietnam", "--count")
        assert "a010\t1" in counted.out.splitlines()
        assert f"a011\t{many}" in counted.out.splitlines()


def test_what_append_only_gives_up_and_how_index_mends_it(
    library: Path, run_cli: RunCli, db_path: Path
) -> None:
    """A word written in place into a file the full-text index rules out is missed (what
    the user declared cannot happen) until `newsmark index` runs; a new file is found at
    once (its directory changed)."""
    _cli(run_cli, library, db_path, "index", "--append-only")
    age_collection(library)
    _rewrite_in_place(library / "a050.txt", "Title 50\n\nrail links and a zebra\n")
    assert _hits(run_cli, library, db_path, "zebra") == []
    _cli(run_cli, library, db_path, "index")
    age_collection(library)
    assert _hits(run_cli, library, db_path, "zebra") == [("a050", 17)]
    (library / "a999.txt").write_text("Late\n\nanother zebra\n", "utf-8")
    assert _hits(run_cli, library, db_path, "zebra") == [("a050", 17), ("a999", 8)]


def test_index_that_cannot_be_written_is_a_clear_error(
    library: Path, run_cli: RunCli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = _cli(run_cli, library, db_path, "index", "--append-only")
    assert result.code == 1
    assert result.err.startswith("newsmark: error: the index of ")
    assert "cannot be written" in result.err
    assert "Traceback" not in result.err


def test_progress_line_is_cleared_when_done_and_ended_when_stopped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.cli.index_command import ProgressLine

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with ProgressLine("files parsed") as line:
        line.report(5, 10)
        line.report(10, 10)
    assert capsys.readouterr().err == "\rfiles parsed: 5 of 10\rfiles parsed: 10 of 10\r\033[K"
    with pytest.raises(KeyboardInterrupt), ProgressLine("files parsed") as line:
        line.report(3, 10)
        raise KeyboardInterrupt
    assert capsys.readouterr().err == "\rfiles parsed: 3 of 10\n"  # the count stays in view
    assert line.total == 10
