"""The annotation query language (annotations/query.py), without any UI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.article import ArticleMeta
from annotations.errors import InvalidQueryError
from annotations.model import Anchor, Annotation
from annotations.query import AnnotationRow, annotation_row, facet_query, parse_query


def meta(article_id: str, title: str, source: str | None, date: str | None) -> ArticleMeta:
    return ArticleMeta(
        id=article_id,
        title=title,
        source=source,
        date=date,
        authors=(),
        url=None,
        path=Path(f"{article_id}.txt"),
        words=100,
        format="txt",
    )


XINHUA = meta("001_x", "Community with a shared future", "Xinhua", "2023-12-19T14:32:46")
DAILY = meta("000_d", "Presidents vow cooperation", "China Daily", "2023-12-14")
UNDATED = meta("003_c", "Senior official pledges ties", "CGTN", None)


def annotation(
    key: str,
    article: ArticleMeta,
    quote: str,
    *tags: str,
    note: str | None = None,
    anchor: Anchor = Anchor.EXACT,
) -> Annotation:
    return Annotation(
        id=key,
        article=article.id,
        quote=quote,
        start=0,
        end=len(quote),
        prefix="",
        suffix="",
        body_hash="",
        tags=tags,
        note=note,
        anchor=anchor,
    )


ROWS: list[AnnotationRow] = [
    annotation_row(
        annotation(
            "a1", XINHUA, "a community with\na shared future", "Community", "security/maritime"
        ),
        XINHUA,
    ),
    annotation_row(
        annotation(
            "a2",
            DAILY,
            "more practical security cooperation",
            "security",
            note="Second of six goals",
        ),
        DAILY,
    ),
    annotation_row(
        annotation("a3", DAILY, "make the pie bigger", "economy", anchor=Anchor.ORPHANED), DAILY
    ),
    annotation_row(annotation("a4", UNDATED, "stronger bilateral ties"), UNDATED),
    annotation_row(annotation("a5", XINHUA, "South China Sea", "South China Sea"), None),
]


def ids(query: str) -> list[str]:
    return [row.annotation.id for row in parse_query(query).filter(ROWS)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["a1", "a2", "a3", "a4", "a5"]),
        ("security", ["a1", "a2"]),  # a tag, and a quote
        ("GOALS second", ["a2"]),  # the note; every word, any order, any case
        ("presidents", ["a2", "a3"]),  # the article's title
        ('"with a shared"', ["a1"]),  # a phrase across a line break in the quote
        ('"shared future community"', []),  # phrases keep their word order
        ("tag:security", ["a1", "a2"]),  # security/maritime is below security
        ("tag:SECURITY/maritime", ["a1"]),
        ("tag:secur", []),  # tags match whole, not by prefix
        ('tag:"south china sea"', ["a5"]),
        ("outlet:china", ["a2", "a3"]),
        ("outlet:xinhua tag:community", ["a1"]),
        ("article:000", ["a2", "a3"]),
        ("after:2023-12-15", ["a1"]),  # a5's article is not in the collection: no date
        ("before:2023-12-14", ["a2", "a3"]),  # both ends are inclusive
        ("after:2023-12 before:2023", ["a1", "a2", "a3"]),
        ("has:note", ["a2"]),
        ("has:tags", ["a1", "a2", "a3", "a5"]),
        ("-has:tag", ["a4"]),
        ("orphaned", ["a3"]),
        ("is:exact -tag:security", ["a4", "a5"]),
        ("tag:economy OR tag:community", ["a1", "a3"]),
        ("tag:economy OR tag:community outlet:xinhua", ["a1"]),  # OR binds tighter
        ("security AND cooperation", ["a2"]),
        ("http://example.org", []),  # not a facet: an ordinary word
    ],
)
def test_queries_select_the_expected_annotations(query: str, expected: list[str]) -> None:
    assert ids(query) == expected
    assert [row.annotation.id for row in ROWS if parse_query(query).matches(row)] == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("after:2023-13", "after: takes a date like 2023, 2023-12 or 2023-12-01, not '2023-13'"),
        ("before:yesterday", "before: takes a date"),
        ("after:2023-02-30", "not '2023-02-30'"),
        ("has:memo", "has: takes note or tag, not 'memo'"),
        ("is:lost", "is: takes exact, fuzzy, orphaned, not 'lost'"),
        ("tag:", "tag: needs a value"),
        ("OR security", "OR needs a term before it"),
        ("security OR", "OR needs a term after it"),
    ],
)
def test_bad_queries_are_one_line_errors(query: str, message: str) -> None:
    with pytest.raises(InvalidQueryError, match=message.replace("(", r"\(")):
        parse_query(query)


def test_a_query_being_typed_leaves_out_unfinished_terms() -> None:
    assert parse_query("tag:", strict=False).is_empty
    assert parse_query("security OR", strict=False) == parse_query("security")
    assert parse_query('"with a sha', strict=False).filter(ROWS) == [ROWS[0]]
    with pytest.raises(InvalidQueryError):  # a wrong value is wrong while typing too
        parse_query("after:2023-13", strict=False)


def test_facet_queries_combine_with_a_parsed_query() -> None:
    query = parse_query("security") & facet_query("outlet", "Daily")
    assert [row.annotation.id for row in query.filter(ROWS)] == ["a2"]
    with pytest.raises(InvalidQueryError, match="unknown facet 'colour'"):
        facet_query("colour", "red")
    with pytest.raises(InvalidQueryError, match="outlet: needs a value"):
        facet_query("outlet", " ")


def test_rows_search_the_quote_note_tags_and_title_but_not_across_them() -> None:
    row = ROWS[1]
    assert "second of six goals" in row.haystack
    # The end of the quote and the start of the note are different fields.
    assert parse_query('"cooperation second"').filter([row]) == []
    edited = annotation_row(replace(row.annotation, note=None), DAILY)
    assert parse_query("goals").filter([edited]) == []


@pytest.mark.parametrize(
    ("before", "after", "narrows"),
    [
        ("sec", "secu", True),
        ("sec", "sec tag:economy", True),
        ('"with a', '"with a shared', True),
        ("security", "securit", False),  # erasing widens
        ("sec", "sec OR economy", False),
        ("tag:sec", "tag:secu", False),  # tags match whole: secu is not within sec
        ("-sec", "-secu", False),
        ("sec eco", "sec", False),
    ],
)
def test_narrows_says_when_the_last_result_can_be_filtered_again(
    before: str, after: str, narrows: bool
) -> None:
    old, new = parse_query(before, strict=False), parse_query(after, strict=False)
    assert new.narrows(old) is narrows
    if narrows:  # and then filtering the old result gives what filtering everything gives
        assert new.filter(old.filter(ROWS)) == new.filter(ROWS)


def test_coder_facet_reads_the_coder_the_annotation_records() -> None:
    rows = [
        annotation_row(replace(annotation(key, DAILY, "q"), coder=coder), DAILY)
        for key, coder in (("b1", "ben"), ("a1", "Ana"), ("n1", None))
    ]
    assert [r.annotation.id for r in parse_query("coder:ben").filter(rows)] == ["b1"]
    assert [r.annotation.id for r in parse_query("coder:ana").filter(rows)] == ["a1"]
    assert [r.annotation.id for r in parse_query("-coder:ben").filter(rows)] == ["a1", "n1"]
