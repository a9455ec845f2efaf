"""The command line's workers search a literal body by body in UTF-8 bytes
(`find_in_bodies`); what they find, and what `newsmark search` prints of it, must be what
`SearchIndex.search` finds in the same bodies, whatever the bodies hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.literal_search import find_in_bodies, searchable_body_by_body
from tests.test_search_context import BODIES, QUERIES, make_index
from tui.cli.read_commands import _render_hits

# The Kelvin sign (folds to "k"), "İ" (kept by `fold_case`), and letters that take two
# bytes, so that a match's offset in the bytes is not its offset in the text.
TEXT = st.text(
    alphabet="abkKAZ1\n \u212a\u0130i I\u03a3\u03c3\u00e9\u00c9x\u65e5\U0001f600", max_size=30
)
ASCII_QUERY = st.text(alphabet="akKAZ1ix \n", min_size=1, max_size=3)


def spans_found(bodies: dict[str, str], query: str, case_sensitive: bool) -> list[tuple]:
    encoded = [(article, body.encode("utf-8")) for article, body in bodies.items()]
    hits = find_in_bodies(encoded, query, case_sensitive=case_sensitive)
    return [
        (article, start, end, text[start:end])
        for article, text, base, _body_end, spans in hits.by_article()
        for start, end in ((start - base, end - base) for start, end in spans)
    ]


def spans_searched(bodies: dict[str, str], query: str, case_sensitive: bool) -> list[tuple]:
    results = make_index(bodies).search(query, case_sensitive=case_sensitive)
    return [
        (hit.article, hit.start, hit.end, bodies[hit.article][hit.start : hit.end])
        for hit in results
    ]


@settings(max_examples=400, deadline=None)
@given(bodies=st.lists(TEXT, max_size=4), query=ASCII_QUERY, case_sensitive=st.booleans())
def test_body_by_body_finds_what_the_search_finds(
    bodies: list[str], query: str, case_sensitive: bool
) -> None:
    named = {f"a{number}": body for number, body in enumerate(bodies)}
    assert searchable_body_by_body(query, regex=False, case_sensitive=case_sensitive)
    found = spans_found(named, query, case_sensitive)
    assert found == spans_searched(named, query, case_sensitive)


def test_offsets_are_characters_after_letters_of_two_bytes() -> None:
    bodies = {"a": "日本 and Vietnam, é then vietnam", "b": "\u212aelvin", "c": "no hit"}
    assert spans_found(bodies, "vietnam", False) == [
        ("a", 7, 14, "Vietnam"),
        ("a", 23, 30, "vietnam"),
    ]
    assert spans_found(bodies, "k", False) == [("b", 0, 1, "\u212a")]  # the Kelvin sign
    assert spans_found(bodies, "k", True) == []
    encoded = [(article, body.encode("utf-8")) for article, body in bodies.items()]
    hits = find_in_bodies(encoded, "vietnam")
    assert (len(hits), hits.total, hits.counts()) == (2, 2, {"a": 2})


@pytest.mark.parametrize(
    ("query", "regex", "case_sensitive", "searchable"),
    [
        ("Vietnam", False, False, True),
        ("pie of common interests", False, True, True),
        ("k", False, False, True),
        ("Vietnam OR Laos", False, False, False),  # a boolean query
        (r"viet\w+", True, False, False),
        ("İstanbul", False, False, False),  # folds to itself: not ASCII
        ("\u212a", False, False, True),  # the Kelvin sign folds to "k"
        ("\u212a", False, True, False),
        ("hà", False, False, False),
    ],
)
def test_which_queries_are_searched_body_by_body(
    query: str, regex: bool, case_sensitive: bool, searchable: bool
) -> None:
    assert searchable_body_by_body(query, regex=regex, case_sensitive=case_sensitive) is searchable


BODY_BY_BODY_QUERIES = [
    (query, options.get("case_sensitive", False))
    for query, options in QUERIES
    if set(options) <= {"case_sensitive"}
    and searchable_body_by_body(
        query, regex=False, case_sensitive=options.get("case_sensitive", False)
    )
]


@pytest.mark.parametrize(("query", "case_sensitive"), BODY_BY_BODY_QUERIES)
def test_the_command_line_prints_the_same_lines(query: str, case_sensitive: bool) -> None:
    """Every context cut of the tricky bodies: printed alike from either search."""
    encoded = [(article, body.encode("utf-8")) for article, body in BODIES.items()]
    found = find_in_bodies(encoded, query, case_sensitive=case_sensitive)
    results = make_index(BODIES).search(query, case_sensitive=case_sensitive)
    assert len(found) == len(results) > 0
    for as_json in (False, True):
        assert _render_hits(found, as_json=as_json) == _render_hits(results, as_json=as_json)


def test_the_tricky_bodies_are_searched_body_by_body_too() -> None:
    assert len(BODY_BY_BODY_QUERIES) >= 5
