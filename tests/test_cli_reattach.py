"""`newsmark reattach`: an orphaned annotation attached to a passage named by quote or offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus import Corpus
from annotations.store import AnnotationStore
from tests.conftest import RunCli
from tests.tui_support import ORPHANED_QUOTE, make_orphan

ARTICLE = "000_e730ce0a32d34978"
NEW_QUOTE = "grow trade"  # what make_orphan put in place of ORPHANED_QUOTE


@pytest.fixture
def cli(run_cli: RunCli, library_copy: Path, db_path: Path) -> RunCli:
    """`newsmark --library <writable copy of the samples> --db tmp ARGS...`."""
    return lambda *args: run_cli("--library", str(library_copy), "--db", str(db_path), *args)


@pytest.fixture
def orphan_id(cli: RunCli, library_copy: Path, db_path: Path) -> str:
    """The id of an annotation orphaned by an edit of its article (tagged, with a note)."""
    annotation = make_orphan(library_copy, db_path, ARTICLE)
    AnnotationStore.open(db_path).edit(annotation.id, note="pie", colour="#ff8800")
    assert listed(cli)[0]["anchor"] == "orphaned"
    return annotation.id


def listed(cli: RunCli) -> list[dict]:
    result = cli("annotations", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_reattach_by_quote_keeps_id_tags_note_colour_and_undo_takes_it_back(
    cli: RunCli, library_copy: Path, orphan_id: str
) -> None:
    [before] = listed(cli)
    result = cli("reattach", orphan_id[:8], "--quote", NEW_QUOTE)
    assert result.code == 0, result.err
    assert orphan_id[:8] in result.out and "exact" in result.out
    [after] = listed(cli)
    body = Corpus.open(library_copy).article(ARTICLE).body
    assert body[after["start"] : after["end"]] == after["quote"] == NEW_QUOTE
    assert after["prefix"] == body[after["start"] - 32 : after["start"]]
    assert after["suffix"] == body[after["end"] : after["end"] + 32]
    assert after["anchor"] == "exact"
    kept = ("id", "article", "tags", "note", "colour", "created")
    assert {key: after[key] for key in kept} == {key: before[key] for key in kept}
    assert (after["note"], after["colour"], after["tags"]) == ("pie", "#ff8800", ["economy"])

    undone = cli("undo")
    assert undone.code == 0 and "re-attach highlight “grow trade”" in undone.out
    [restored] = listed(cli)
    assert (restored["quote"], restored["anchor"]) == (ORPHANED_QUOTE, "orphaned")


def test_reattach_by_offsets_and_by_occurrence(
    cli: RunCli, library_copy: Path, orphan_id: str
) -> None:
    body = Corpus.open(library_copy).article(ARTICLE).body
    second = body.index("Xi", body.index("Xi") + 1)
    assert cli("reattach", orphan_id, "--quote", "Xi", "--occurrence", "2").code == 0
    assert listed(cli)[0]["start"] == second
    start = body.index("general secretary")
    end = start + len("general secretary")
    assert cli("reattach", orphan_id, "--start", str(start), "--end", str(end + 1)).code == 0
    [moved] = listed(cli)  # the space after the passage is trimmed, as by `annotate`
    assert (moved["start"], moved["end"], moved["quote"]) == (start, end, "general secretary")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quote", "not in this article at all"), "quote not found in article 000_"),
        (("--quote", "Xi Jinping", "--occurrence", "99"), "no occurrence 99"),
        (("--start", "10", "--end", "999999"), "outside article"),
        (("--start", "10"), "give --quote TEXT, or both --start and --end"),
        (("--start", "0", "--end", "5", "--quote", "nope"), "is not the given quote"),
    ],
)
def test_reattach_errors_change_nothing(
    cli: RunCli, db_path: Path, orphan_id: str, args: tuple[str, ...], message: str
) -> None:
    before = AnnotationStore.open(db_path).get(orphan_id)
    result = cli("reattach", orphan_id, *args)
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    assert result.err.startswith("newsmark: error: ")
    assert AnnotationStore.open(db_path).get(orphan_id) == before


def test_reattach_unknown_annotation(cli: RunCli) -> None:
    result = cli("reattach", "ffffffff", "--quote", NEW_QUOTE)
    assert result.code == 1 and "no annotation has the id “ffffffff”" in result.err


def test_reattach_when_the_article_left_the_collection(
    cli: RunCli, library_copy: Path, db_path: Path, orphan_id: str
) -> None:
    (library_copy / f"{ARTICLE}.txt").unlink()
    before = AnnotationStore.open(db_path).get(orphan_id)
    result = cli("reattach", orphan_id, "--quote", NEW_QUOTE)
    assert result.code == 1 and result.err.count("\n") == 1
    assert f"article {ARTICLE} of annotation {orphan_id} is not in the collection" in result.err
    assert AnnotationStore.open(db_path).get(orphan_id) == before


def test_the_listing_gives_an_orphan_no_offsets(cli: RunCli, orphan_id: str) -> None:
    """(Found by a tester.) It listed the old offsets, which point at other text now; the
    JSON keeps them, with the anchor saying why."""
    [line] = cli("annotations").out.splitlines()
    assert line.split("\t")[2:4] == ["-", "orphaned"]
    assert line.startswith(orphan_id[:8])
