"""`newsmark compare`, `suggest` and `stats`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.align import DEFAULT_MIN_SCORE
from annotations.corpus import Corpus
from annotations.store import AnnotationStore
from tests.conftest import CliResult, RunCli

SHARED_FUTURE = "community with a shared future"


@pytest.fixture
def cli(run_cli: RunCli, samples_dir: Path, db_path: Path) -> RunCli:
    """`newsmark` on the samples and a fresh DB."""
    return lambda *args: run_cli("--library", str(samples_dir), "--db", str(db_path), *args)


def test_compare_json(cli: RunCli, samples_dir: Path) -> None:
    result = cli("compare", "000", "001", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert (data["left"], data["right"]) == ("000_e730ce0a32d34978", "001_cd3da7863ef62599")
    assert (data["unit"], data["min_score"]) == ("sentence", DEFAULT_MIN_SCORE)
    assert any(
        "properly manage differences" in p["left"]["text"]
        and "differences on maritime issues" in p["right"]["text"]
        for p in data["pairs"]
    )
    corpus = Corpus.open(samples_dir)
    left = corpus.article("000")
    seen = {p["left"]["index"] for p in data["pairs"]} | {
        u["index"] for u in data["unmatched_left"]
    }
    assert seen == set(range(len(left.sentences)))
    for unit in data["unmatched_left"]:
        assert left.body[unit["start"] : unit["end"]] == unit["text"]
    assert all(p["score"] >= DEFAULT_MIN_SCORE for p in data["pairs"])


def test_compare_options(cli: RunCli) -> None:
    data = json.loads(
        cli("compare", "000", "001", "--json", "--unit", "paragraph", "--min-score", "0.4").out
    )
    assert data["unit"] == "paragraph"
    assert data["min_score"] == 0.4
    assert [(p["left"]["index"], p["right"]["index"]) for p in data["pairs"]] == [(0, 0), (0, 3)]


def test_compare_text(cli: RunCli) -> None:
    result = cli("compare", "000", "001")
    assert result.code == 0
    lines = result.out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    maritime = [line for line in lines if "L#8 " in line and "R#32 " in line]
    assert maritime and maritime[0].startswith("0.30  L#8 “Xi underscored")
    assert "R#32 “Xi also called on the two countries" in maritime[0]
    assert "only in 000_e730ce0a32d34978: 3 units" in lines
    assert "only in 001_cd3da7863ef62599: 32 units" in lines
    assert any(line.startswith("  R#42 The Vietnamese side firmly upholds") for line in lines)


def test_compare_errors(cli: RunCli) -> None:
    result = cli("compare", "000", "nope")
    assert result.code == 1
    assert result.err.startswith("newsmark: error: no article with id 'nope'")
    with pytest.raises(SystemExit):
        cli("compare", "000", "001", "--min-score", "2")


def test_suggest_lists(cli: RunCli) -> None:
    result = cli(
        "suggest", "--tag", "community", "--phrase", "community of shared future", "--json"
    )
    assert result.code == 0
    found = json.loads(result.out)
    assert len(found) == 18
    assert {(s["kind"], s["quote"]) for s in found} == {("near", SHARED_FUTURE)}
    assert "18 suggestions" in result.err
    assert (
        cli(
            "suggest",
            "--tag",
            "c",
            "--phrase",
            "community of shared future",
            "--no-fuzzy",
            "--json",
        ).out.strip()
        == "[]"
    )
    text = cli("suggest", "--tag", "c", "--phrase", SHARED_FUTURE, "--limit", "2").out
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].split("\t")[:4] == ["000_e730ce0a32d34978", "413-443", "exact", "100"]


def test_suggest_apply_is_one_undo_step(cli: RunCli, db_path: Path) -> None:
    result = cli(
        "suggest", "--tag", "Community", "--tag", "future", "--phrase", SHARED_FUTURE, "--apply"
    )
    assert result.code == 0
    assert result.out.splitlines()[-1] == "applied 18 suggestions"
    store = AnnotationStore.open(db_path)
    stored = store.all()
    assert len(stored) == 18
    assert {(a.quote, a.tags) for a in stored} == {(SHARED_FUTURE, ("Community", "future"))}
    # Learning from the tagged passages now finds nothing new: they are all tagged.
    again = cli("suggest", "--tag", "community", "--tag", "FUTURE", "--json")
    assert (again.code, json.loads(again.out)) == (0, [])
    store.undo()
    assert store.all() == []


def test_suggest_without_examples_needs_a_phrase(cli: RunCli) -> None:
    result = cli("suggest", "--tag", "security")
    assert result.code == 1
    assert result.err == (
        "newsmark: error: no annotations tagged security to learn from; give --phrase\n"
    )


def test_stats_json(cli: RunCli) -> None:
    cli("suggest", "--tag", "community", "--phrase", SHARED_FUTURE, "--apply")
    cli(
        "suggest",
        "--tag",
        "community",
        "--tag",
        "cooperation",
        "--phrase",
        "win-win cooperation",
        "--no-fuzzy",
        "--apply",
    )
    result = cli("stats", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["annotations"] == 21
    assert data["per_tag"] == {"community": 21, "cooperation": 3}
    assert data["per_outlet"]["CGTN"] == {"community": 1}
    assert data["cooccurrence"] == [
        {"tags": ["community", "cooperation"], "overlap": 3, "same_paragraph": 3}
    ]


def test_stats_text_prints_tag_names_literally(cli: RunCli) -> None:
    assert cli("stats").out == "no annotations yet\n"
    cli("suggest", "--tag", "[bold red]loud[/]", "--phrase", "South China Sea", "--apply")
    result = cli("stats")
    assert result.code == 0
    assert "[bold red]loud[/]" in result.out
    assert "China Daily" in result.out
    assert "\x1b[" not in result.out


def test_suggest_sees_tagged_places_after_the_article_changed(
    run_cli: RunCli, library_copy: Path, db_path: Path
) -> None:
    def cli(*args: str) -> CliResult:
        return run_cli("--library", str(library_copy), "--db", str(db_path), *args)

    cli("suggest", "--tag", "sea", "--phrase", "South China Sea", "--apply")
    path = next(library_copy.glob("000_*.txt"))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("President Xi Jinping emphasized", "Xi stressed", 1), encoding="utf-8"
    )
    result = cli("suggest", "--tag", "sea", "--json")
    assert (result.code, json.loads(result.out)) == (0, [])


def test_stats_by_outlet_month_and_tag_as_csv_and_json(cli: RunCli) -> None:
    cli("suggest", "--tag", "community", "--phrase", SHARED_FUTURE, "--apply")
    cli(
        "suggest",
        "--tag",
        "community",
        "--tag",
        "cooperation",
        "--phrase",
        "win-win cooperation",
        "--no-fuzzy",
        "--apply",
    )
    result = cli("stats", "--by", "outlet", "--csv")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "outlet,community,cooperation"
    assert "CGTN,1,0" in lines
    data = json.loads(cli("stats", "--by", "month", "--json").out)
    assert data["by"] == "month" and data["columns"] == ["community", "cooperation"]
    assert data["rows"][-1] == "unknown"  # CGTN's article has no date
    assert sum(cells.get("community", 0) for cells in data["counts"].values()) == 21
    pairs = json.loads(cli("stats", "--by", "tag", "--json").out)
    assert pairs["counts"]["community"] == {"cooperation": 3}
    assert pairs["same_paragraph"]["cooperation"] == {"community": 3}
    text = cli("stats", "--by", "article")
    assert text.code == 0 and "Tags by article" in text.out


def test_stats_csv_needs_a_table(cli: RunCli) -> None:
    result = cli("stats", "--csv")
    assert result.code == 1
    assert result.err == (
        "newsmark: error: --csv prints a table: give --by outlet, article, month or tag\n"
    )
    with pytest.raises(SystemExit) as exit_info:  # argparse: a usage error
        cli("stats", "--by", "year")
    assert exit_info.value.code == 2
