"""Search results: counted at once, hits built on reading, the same as a naive search."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search import SEPARATOR, SearchIndex, fold_case

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
        found += [
            (article_id, m.start(), m.end())
            for m in re.finditer(re.escape(needle), body, re.IGNORECASE)
        ]
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
    assert BODIES["c"][hits[2].start : hits[2].end] == "VIETNAM"
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
    assert [bodies["x"][hit.start : hit.end] for hit in hits] == ["Đà N", "Hà N"]


words = st.sampled_from(["ab", "Ab", "b", "aB", "ba", "x", " ", "\n", "ß", "AB", "é", "É"])
bodies_strategy = st.dictionaries(
    st.text("abc", min_size=1, max_size=3),
    st.lists(words, max_size=12).map("".join),
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


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d{4}", "[0-9]{4}"),
        (r"[\d.]+", "[0-9.]+"),
        (r"[^\d]", "[^0-9]"),
        (r"[]\d]", "[]0-9]"),  # a "]" first in brackets is a literal
        (r"a\d\Db", "a[0-9][^0-9]b"),
        (r"\b\d{4}\b", r"(?<!\w)[0-9]{4}\b"),
        (r"\B\d", r"(?<=\w)[0-9]"),
        (r"\b\d?%", r"\b[0-9]?%"),  # the digit may be absent: the boundary stays as it is
        (r"[\b\d]", r"[\b0-9]"),  # in brackets \b is a backspace, left alone
        (r"\\d", None),  # an escaped backslash, then a "d"
        (r"[\D]", None),  # cannot be said with 0-9 inside brackets
        (r"[[:digit:]]\d", None),
        (r"(?V1)\d", None),
        (r"plain", None),
    ],
)
def test_ascii_digit_pattern(pattern: str, expected: str | None) -> None:
    from annotations.search import ascii_digit_pattern

    assert ascii_digit_pattern(pattern) == expected


DIGIT_PATTERNS = [
    r"\d{2}",
    r"\b\d+\b",
    r"\B\d",
    r"[\d,]+",
    r"\D\d",
    r"[^\d ]+",
    r"x\d?\b",
    r"\b\d?[%.]",
    r"\b\d*\s",
    r"\B\d*,",
    r"\b\d{0,2}x",
]


@settings(max_examples=150, deadline=None)
@given(text=st.text("ab1_2 ,.9x%", max_size=30), pattern=st.sampled_from(DIGIT_PATTERNS))
def test_ascii_digit_pattern_matches_the_same_on_ascii_digits(text: str, pattern: str) -> None:
    import regex

    from annotations.search import ascii_digit_pattern

    rewritten = ascii_digit_pattern(pattern)
    assert rewritten is not None
    original = [m.span() for m in regex.finditer(pattern, text)]
    assert [m.span() for m in regex.finditer(rewritten, text)] == original


def test_digit_regexes_still_find_other_scripts_digits() -> None:
    bodies = {"cn": "二〇二三年 ２０２３年 and 2023", "en": "In 2024, 12 people."}
    index = make_index(bodies)
    assert not index._digits_are_ascii()  # full-width digits: \d is left as it is
    found = [bodies[h.article][h.start : h.end] for h in index.search(r"\d{4}", regex=True)]
    assert found == ["２０２３", "2023", "2024"]
    ascii_only = make_index({"en": bodies["en"]})
    assert ascii_only._digits_are_ascii()
    hits = ascii_only.search(r"\b\d+\b", regex=True)
    assert [bodies["en"][h.start : h.end] for h in hits] == ["2024", "12"]


def test_context_is_cut_on_whole_words() -> None:
    body = (
        "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda "
        "Vietnam mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega"
    )
    index = make_index({"a": body})
    [hit] = index.search("vietnam")
    before, match, after = hit.context_parts()
    assert match == "Vietnam"
    assert before.startswith("…") and after.endswith("…")
    words = set(body.split())
    assert all(word in words for word in before[1:].split())  # no half words
    assert all(word in words for word in after[:-1].split())
    assert hit.context == before + match + after
    [start_hit] = index.search("alpha")  # at the article's start: nothing cut there
    assert start_hit.context_parts()[0] == ""


def naive_regex(bodies: dict[str, str], pattern: str) -> list[tuple[str, int, int]]:
    """Every non-empty case-insensitive match, each body searched on its own."""
    import regex

    return [
        (article_id, m.start(), m.end())
        for article_id, body in bodies.items()
        for m in regex.finditer(pattern, body, regex.IGNORECASE)
        if m.end() > m.start()
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\w+",
        r"\w+$",
        r"\.$",
        r"(?m)^\w+",
        r"\A\w",
        r"(?<=\W)Xinhua",
        r"\w+(?=\W)",
        r"vietnam[^!]*!",
        r"said[^?]*\?",
        r"(?-i:VIETNAM)",
        r"(?i:vietnam)",
        r"\bİstanbul",
    ],
)
def test_regexes_see_each_body_as_a_text_of_its_own(pattern: str) -> None:
    bodies = {
        "a": "Xinhua reports. Vietnam and China agreed!",
        "b": "Xinhua said İstanbul hosts Vietnam talks?",
        "c": "Vietnam, Vietnam. No exclamation here",
        "d": "Last line.",
    }
    index = make_index(bodies)
    assert spans(index.search(pattern, regex=True)) == naive_regex(bodies, pattern)
    for article_id in bodies:  # an article filter gives the same hits for that article
        only = index.search(pattern, regex=True, article_ids={article_id})
        assert spans(only) == [hit for hit in naive_regex(bodies, pattern) if hit[0] == article_id]


def test_an_article_with_a_dotted_capital_i_is_searched_case_insensitively() -> None:
    bodies = {"tr": "İstanbul welcomed the Vietnam delegation.", "vn": "Vietnam news."}
    index = make_index(bodies)
    assert [hit.article for hit in index.search("vietnam")] == ["tr", "vn"]
    assert spans(index.search("İSTANBUL")) == [("tr", 0, 8)]
    assert spans(index.search("vietnam", regex=True)) == [("tr", 22, 29), ("vn", 0, 7)]


def test_a_limited_search_in_one_article_counts_that_article_whole() -> None:
    bodies = {"a": "x1 x2 x3 x4", "b": "x5"}
    index = make_index(bodies)
    hits = index.search(r"x\d", regex=True, article_ids={"a"}, limit=2)
    assert len(hits) == 2 and hits.total == 4 and hits.complete
    stopped = index.search(r"x\d", regex=True, limit=2)
    assert len(stopped) == 2 and not stopped.complete


def test_the_joined_text_is_folded_as_each_body_is() -> None:
    """Folded in one go, the joined bodies equal each body folded on its own (a final
    sigma at a body's edge, "İ" which lower-cases to two characters, Turkish, German)."""
    pieces = ["Σ", "ΑΣ", " ", "ΟΔΟΣ", "İ", "stanbul", "Straße", "ǅ", "x", "\n", "'Σ'"]
    rng = random.Random(5)
    for _ in range(300):
        bodies = [
            (str(n), "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))))
            for n in range(rng.randint(1, 5))
        ]
        index = SearchIndex(bodies)
        index.fill_missing(lambda article: "")
        assert index._folded == SEPARATOR.join(fold_case(body) for _, body in bodies)
