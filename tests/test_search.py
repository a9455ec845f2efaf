"""Search results: counted at once, hits built on reading, the same as a naive search."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search import SearchIndex

BODIES = {
    "a": "Vietnam and China. vietnam again.",
    "b": "Nothing here.",
    "c": "VIETNAM\nthird, and Vietnam fourth; Vietnamese too.",
}


def make_index(bodies: dict[str, str]) -> SearchIndex:
    index = SearchIndex(bodies.items())
    index.fill_missing(lambda article_id: bodies[article_id])
    return index


def naive(bodies: dict[str, str], needle: str) -> list[tuple[str, int, int]]:
    """Every case-insensitive, non-overlapping occurrence, body by body."""
    found = []
    for article_id, body in bodies.items():
        found += [(article_id, m.start(), m.end())
                  for m in re.finditer(re.escape(needle), body, re.IGNORECASE)]
    return found


def spans(hits: object) -> list[tuple[str, int, int]]:
    return [(hit.article, hit.start, hit.end) for hit in hits]


def test_counts_totals_and_hits_agree() -> None:
    hits = make_index(BODIES).search("vietnam")
    assert hits.total == len(hits) == 5 and hits.complete
    assert hits.counts() == {"a": 2, "c": 3}
    assert spans(hits) == naive(BODIES, "vietnam")
    # Indexing, negative indexing and slices build the same hits as iterating.
    assert spans([hits[i] for i in range(len(hits))]) == spans(hits)
    assert spans([hits[-1]]) == spans(hits)[-1:]
    assert spans(hits[1:4]) == spans(hits)[1:4]
    with pytest.raises(IndexError):
        hits[5]
    assert BODIES["c"][hits[2].start:hits[2].end] == "VIETNAM"
    assert "VIETNAM third" in hits[2].context


def test_limit_lists_the_first_hits_but_counts_them_all() -> None:
    hits = make_index(BODIES).search("vietnam", limit=3)
    assert len(hits) == 3 and hits.total == 5 and hits.complete
    assert spans(hits) == naive(BODIES, "vietnam")[:3]
    assert hits.counts() == {"a": 2, "c": 3}


def test_a_regex_stopped_by_its_limit_says_so() -> None:
    index = make_index(BODIES)
    stopped = index.search(r"viet\w+", regex=True, limit=2)
    assert len(stopped) == 2 and not stopped.complete
    everything = index.search(r"viet\w+", regex=True)
    assert everything.complete and everything.total == 5
    assert spans(stopped) == spans(everything)[:2]


def test_article_filter_counts_only_those_articles() -> None:
    hits = make_index(BODIES).search("vietnam", article_ids={"c"})
    assert hits.counts() == {"c": 3}
    assert [hit.article for hit in hits] == ["c"] * 3
    regex_hits = make_index(BODIES).search(r"\bvietnam\b", regex=True, article_ids={"a", "b"})
    assert spans(regex_hits) == [("a", 0, 7), ("a", 19, 26)]


def test_regex_supports_unicode_property_classes_case_insensitively() -> None:
    bodies = {"x": "Đà Nẵng and Hà Nội"}
    hits = make_index(bodies).search(r"\p{Lu}\p{Ll}+ N", regex=True)
    # Case-insensitive: \p{Lu} matches any cased letter, as with IGNORECASE.
    assert [bodies["x"][hit.start:hit.end] for hit in hits] == ["Đà N", "Hà N"]


words = st.sampled_from(["ab", "Ab", "b", "aB", "ba", "x", " ", "\n", "ß", "AB", "é", "É"])
bodies_strategy = st.dictionaries(
    st.text("abc", min_size=1, max_size=3), st.lists(words, max_size=12).map("".join),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(bodies=bodies_strategy, needle=st.lists(words, min_size=1, max_size=3).map("".join))
def test_literal_search_matches_a_naive_search(bodies: dict[str, str], needle: str) -> None:
    bodies = dict(sorted(bodies.items()))
    hits = make_index(bodies).search(needle)
    expected = naive(bodies, needle)
    assert spans(hits) == expected
    assert hits.total == len(expected)
    assert sum(hits.counts().values()) == len(expected)
