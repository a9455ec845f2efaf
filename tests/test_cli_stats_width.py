"""`stats --by` tables stay readable in a narrow terminal: split into parts, or in long
form (one line per row and tag), never squeezed to empty columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.corpus import Corpus
from annotations.store import AnnotationStore
from annotations.tables import CrossTable
from tui.cli.cross_tables import column_groups


def _store(db_path: Path, samples_dir: Path, tags: list[str]) -> None:
    corpus = Corpus.open(samples_dir)
    annotations = []
    for number, tag in enumerate(tags):
        article = corpus.article(f"00{number % 3}")
        span = locate_quote(article.body, "the", number // 3 + 1)
        annotations.append(new_annotation(article, span.start, span.end, tags=[tag]))
    AnnotationStore.open(db_path).put_many(annotations)


def _stats(run_cli, samples_dir: Path, db_path: Path, monkeypatch, width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_cli("--library", str(samples_dir), "--db", str(db_path), "stats", "--by", "outlet")
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize("width", [80, 120])
def test_forty_tags_print_in_long_form_with_every_count(
    run_cli, samples_dir, db_path, monkeypatch, width
) -> None:
    tags = [f"framing topic {n}" for n in range(40)]
    _store(db_path, samples_dir, tags)
    out = _stats(run_cli, samples_dir, db_path, monkeypatch, width)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    for tag in tags:  # each tag whole, on its own line, with its count
        assert any(f"│ {tag} " in line and line.rstrip(" │").endswith("1") for line in lines)


def test_a_dozen_tags_are_split_into_tables_that_fit(
    run_cli, samples_dir, db_path, monkeypatch
) -> None:
    tags = [f"security topic {n}" for n in range(12)]
    _store(db_path, samples_dir, tags)
    out = _stats(run_cli, samples_dir, db_path, monkeypatch, 120)
    assert "Tags by outlet (1 of 3)" in out and "Tags by outlet (3 of 3)" in out
    assert max(len(line) for line in out.splitlines()) <= 120
    assert all(f" {tag} " in out for tag in tags)
    wide = _stats(run_cli, samples_dir, db_path, monkeypatch, 400)
    assert "(1 of" not in wide and all(f" {tag} " in wide for tag in tags)


def test_column_groups_fit_the_width() -> None:
    table = CrossTable(
        "outlet", ["Xinhua"], ["aaaa", "bbbb", "cccc"], {"Xinhua": {"aaaa": 1, "cccc": 12}}
    )
    # "outlet" + frame = 9, plus the left border: 10; each tag column 7.
    assert column_groups(table, 31) == [["aaaa", "bbbb", "cccc"]]
    assert column_groups(table, 30) == [["aaaa", "bbbb"], ["cccc"]]
    assert column_groups(table, 17) == [["aaaa"], ["bbbb"], ["cccc"]]
    assert column_groups(table, 16) is None
