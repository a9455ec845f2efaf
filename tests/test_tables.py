"""Cross tables of tags (annotations/tables.py) and the queries behind their cells."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotations.article import ArticleMeta
from annotations.model import Annotation
from annotations.query import annotation_rows, parse_query
from annotations.stats import tag_stats
from annotations.tables import cell_query, cross_table
from tests.test_stats import annotations, corpus, metas  # noqa: F401 - fixtures

XINHUA = "001_cd3da7863ef62599"


@pytest.fixture
def tables(corpus, metas, annotations):  # type: ignore[no-untyped-def]  # noqa: F811
    stats = tag_stats(annotations, metas, corpus.article)
    return {
        by: cross_table(by, stats, annotations, metas)
        for by in ("outlet", "article", "month", "tag")
    }


def test_tags_by_outlet_article_month_and_tag(tables) -> None:  # type: ignore[no-untyped-def]
    outlet = tables["outlet"]
    assert outlet.columns == ["maritime", "Security", "Community", "Peace"]
    assert outlet.rows == ["CGTN", "China Daily", "Xinhua"]
    assert outlet.counts["Xinhua"] == {"maritime": 2, "Security": 2}
    assert outlet.row_total("China Daily") == 2 and outlet.largest == 2
    # (Found by a tester.) A row's total counts its annotations once each: Xinhua's three
    # fill four cells (one carries both maritime and Security).
    assert outlet.row_total("Xinhua") == 3
    assert tables["article"].count(XINHUA, "Security") == 2
    month = tables["month"]
    assert month.rows == ["2023-12", "unknown"]  # CGTN's article has no date
    assert month.counts == {
        "2023-12": {"maritime": 3, "Security": 2, "Peace": 1},
        "unknown": {"Community": 1},
    }
    pairs = tables["tag"]
    assert pairs.count("maritime", "Security") == pairs.count("Security", "maritime") == 2
    assert pairs.paragraph["maritime"]["Security"] == 1  # one paragraph holds both
    assert pairs.count("Peace", "Community") == 0


def test_csv_and_json(tables) -> None:  # type: ignore[no-untyped-def]
    assert tables["outlet"].to_csv().splitlines() == [
        "outlet,maritime,Security,Community,Peace",
        "CGTN,0,0,1,0",
        "China Daily,1,0,0,1",
        "Xinhua,2,2,0,0",
    ]
    data = tables["tag"].to_dict()
    assert set(data) == {"by", "rows", "columns", "counts", "same_paragraph"}
    formula = replace(tables["outlet"], rows=["=1+1"], counts={})
    assert formula.to_csv().splitlines()[1] == "'=1+1,0,0,0,0"


def test_every_cell_query_lists_the_annotations_counted_in_it(
    tables,
    annotations: list[Annotation],  # noqa: F811
    metas: dict[str, ArticleMeta],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    rows = annotation_rows(annotations, metas)
    for by in ("outlet", "article", "month"):
        table = tables[by]
        for row in table.rows:
            for column in table.columns:
                query = cell_query(table, row, column)
                if query is None:
                    assert row in ("unknown", "Unknown")
                    continue
                assert len(parse_query(query).filter(rows)) == table.count(row, column), query
    assert cell_query(tables["tag"], "maritime", "Security") == "tag:maritime tag:Security"


def test_a_tag_cell_counts_its_subtree_as_the_query_behind_it_lists(
    corpus,  # noqa: F811
    annotations: list[Annotation],  # noqa: F811
    metas: dict[str, ArticleMeta],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    from tests.test_stats import _annotate

    nested = [
        *annotations,
        _annotate(corpus, "000", "Vo Van Thuong", "security/Naval"),
        _annotate(corpus, "000", "six major goals", "Security", "security/naval"),
    ]
    stats = tag_stats(nested, metas, corpus.article)
    rows = annotation_rows(nested, metas)
    for by in ("outlet", "article", "month"):
        table = cross_table(by, stats, nested, metas)
        for row in table.rows:
            for column in table.columns:
                query = cell_query(table, row, column)
                if query is not None:
                    assert len(parse_query(query).filter(rows)) == table.count(row, column), query
    outlet = cross_table("outlet", stats, nested, metas)
    # two China Daily annotations below Security; the one carrying both counts once
    assert outlet.count("China Daily", "Security") == 2
    assert outlet.count("China Daily", "security/Naval") == 2
    assert outlet.count("Xinhua", "Security") == 2  # unchanged: no tag below it there
