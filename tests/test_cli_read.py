"""`newsmark list`, `show` and `search`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus import Corpus
from tests.conftest import RunCli


def test_list_json(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("--library", str(samples_dir), "list", "--json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert [row["id"] for row in rows] == sorted(p.stem for p in samples_dir.glob("*.txt"))
    assert set(rows[0]) == {"id", "title", "source", "date", "author", "words"}
    assert rows[3]["source"] == "CGTN"


def test_list_text(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("list", "--library", str(samples_dir))
    lines = result.out.splitlines()
    assert len(lines) == 5
    assert lines[0].split("\t")[:4] == [
        "000_e730ce0a32d34978",
        "Presidents vow to advance solidarity, cooperation",
        "China Daily",
        "2023-12-14",
    ]
    assert "5 articles" in result.err


def test_library_defaults_to_bundled_samples(run_cli: RunCli) -> None:
    assert len(json.loads(run_cli("list", "--json").out)) == 5


def test_library_from_environment(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one.txt").write_text("Only\n\nOne article.", encoding="utf-8")
    monkeypatch.setenv("NEWSMARK_LIBRARY", str(tmp_path))
    assert [row["id"] for row in json.loads(run_cli("list", "--json").out)] == ["one"]


def test_show_body_only_is_the_offset_text(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("--library", str(samples_dir), "show", "004", "--body-only")
    body = Corpus.open(samples_dir).article("004").body
    assert result.out == body + "\n"


def test_show_prints_metadata_header(run_cli: RunCli, samples_dir: Path) -> None:
    out = run_cli("--library", str(samples_dir), "show", "000").out
    header, _, body = out.partition("\n\n")
    assert header.splitlines()[0] == "Presidents vow to advance solidarity, cooperation"
    assert "source: China Daily" in header and "author: Xu Wei" in header
    assert body.startswith("Xi Jinping, general secretary")


def test_search_json(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("--library", str(samples_dir), "search", "maritime", "--json")
    hits = json.loads(result.out)
    assert hits and set(hits[0]) == {"article", "start", "end", "context"}
    corpus = Corpus.open(samples_dir)
    for hit in hits:
        assert corpus.article(hit["article"]).text(hit["start"], hit["end"]).lower() == "maritime"


def test_search_limit_reports_how_many_there_are(run_cli: RunCli, samples_dir: Path) -> None:
    everything = run_cli("--library", str(samples_dir), "search", "Vietnam")
    total = len(everything.out.splitlines())
    assert everything.err == f"{total} matches\n" and total > 3
    limited = run_cli("--library", str(samples_dir), "search", "Vietnam", "--limit", "3")
    assert limited.out.splitlines() == everything.out.splitlines()[:3]
    assert limited.err == f"3 of {total} matches\n"
    regex = run_cli("--library", str(samples_dir), "search", "Viet.am", "--regex", "--limit", "3")
    assert len(regex.out.splitlines()) == 3
    assert regex.err == "3 matches (stopped at --limit; there may be more)\n"


def test_search_regex_text_output(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("--library", str(samples_dir), "search", r"six-\w+", "--regex")
    assert result.out.startswith("001_cd3da7863ef62599\t3433\t")
    assert "1 match" in result.err


def test_errors_are_one_line_and_non_zero(
    run_cli: RunCli, samples_dir: Path, tmp_path: Path
) -> None:
    cases = [
        (("--library", str(samples_dir), "show", "nope"), "no article with id 'nope'"),
        (("--library", str(samples_dir), "show", "00"), "ambiguous"),
        (("--library", str(tmp_path / "missing"), "list"), "article collection not found"),
        (
            ("--library", str(next(samples_dir.glob("*.txt"))), "list"),
            "article collection is not a directory",
        ),
        (("--library", str(samples_dir), "search", "([", "--regex"), "invalid regular expression"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.code == 1, args
        assert result.out == ""
        assert result.err.count("\n") == 1 and message in result.err
        assert result.err.startswith("newsmark: error: ")


def test_no_match_exits_one(run_cli: RunCli, samples_dir: Path) -> None:
    result = run_cli("--library", str(samples_dir), "search", "zzzzqqq")
    assert result.code == 1 and "0 matches" in result.err


def test_search_boolean_query(run_cli: RunCli, samples_dir: Path) -> None:
    query = '"shared future" AND Vietnam'
    result = run_cli("--library", str(samples_dir), "search", query, "--json")
    hits = json.loads(result.out)
    corpus = Corpus.open(samples_dir)
    found = {corpus.article(h["article"]).text(h["start"], h["end"]).lower() for h in hits}
    assert found == {"shared future", "vietnam"}
    for article in {hit["article"] for hit in hits}:
        body = corpus.body(article).lower()
        assert "shared future" in body and "vietnam" in body
    counts = run_cli("--library", str(samples_dir), "search", query, "--count")
    per_article = dict(line.split("\t") for line in counts.out.splitlines())
    assert sum(map(int, per_article.values())) == len(hits)
    assert counts.err == f"{len(hits)} matches in {len(per_article)} articles\n"
    bad = run_cli("--library", str(samples_dir), "search", "Vietnam OR")
    assert bad.code == 1 and bad.out == ""
    assert bad.err == "newsmark: error: AND / OR without a term after it in 'Vietnam OR'\n"
