"""Boolean full-text queries: the parser, and the search against a brute-force check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.corpus import Corpus
from annotations.errors import InvalidQueryError
from annotations.search_query import is_boolean, parse_boolean

SAMPLE_QUERIES = [
    '"shared future" AND Vietnam',
    "Vietnam OR Philippines",
    '"South China Sea" AND security',
    '"community with a shared future" OR "shared future"',
    "Vietnam OR zzzqqq AND maritime OR Manila",
    '"Vietnam" "China"',
    "vietnam AND VIETNAM",
    "zzzqqq OR qqqzzz",
    "Vietnam AND zzzqqq",
]


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ('"South China Sea" AND security', (("South China Sea",), ("security",))),
        ("Vietnam OR Philippines", (("Vietnam", "Philippines"),)),
        ("a OR b AND c", (("a", "b"), ("c",))),
        ("a AND b OR c", (("a",), ("b", "c"))),
        ("shared  future AND Vietnam", (("shared future",), ("Vietnam",))),
        ('"a  b" c', (("a  b",), ("c",))),
        ('x"y"', (("x",), ("y",))),
        ('"and" OR "OR"', (("and", "OR"),)),
        ("Vietnam and China OR x", (("Vietnam and China", "x"),)),
    ],
)
def test_parse(query: str, groups: tuple[tuple[str, ...], ...]) -> None:
    assert is_boolean(query)
    assert parse_boolean(query).groups == groups


@pytest.mark.parametrize("query", ["pie of common", "Vietnam and China", "ORB ANDROID"])
def test_plain_queries_stay_literal(query: str) -> None:
    assert not is_boolean(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Vietnam AND", "without a term after it"),
        ("OR Vietnam", "without a term before it"),
        ("a AND OR b", "without a term before it"),
        ('"South China Sea AND x', "unbalanced quote"),
        ('"" AND x', "empty quoted phrase"),
        ("AND", "without a term before it"),
    ],
)
def test_malformed_queries(query: str, message: str) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        parse_boolean(query)


def brute_force(
    corpus: Corpus, query: str, case_sensitive: bool = False
) -> list[tuple[str, int, int]]:
    """Every hit, article by article, with `re` and the query's groups."""
    groups = parse_boolean(query).groups
    flags = 0 if case_sensitive else re.IGNORECASE
    found: list[tuple[str, int, int]] = []
    for meta in sorted(corpus, key=lambda meta: meta.id):
        body = corpus.body(meta.id)
        hits = {term: list(re.finditer(re.escape(term), body, flags)) for g in groups for term in g}
        if not all(any(hits[term] for term in group) for group in groups):
            continue
        seen: dict[str, list[tuple[int, int]]] = {}
        for term, matches in hits.items():
            key = term if case_sensitive else term.lower()
            seen[key] = [m.span() for m in matches]
        found += sorted((meta.id, *span) for spans in seen.values() for span in spans)
    return found


@pytest.mark.parametrize("query", SAMPLE_QUERIES)
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_search_matches_brute_force(samples_dir: Path, query: str, case_sensitive: bool) -> None:
    corpus = Corpus.open(samples_dir)
    expected = brute_force(corpus, query, case_sensitive)
    hits = corpus.search(query, case_sensitive=case_sensitive)
    assert [(h.article, h.start, h.end) for h in hits] == expected
    assert hits.total == len(expected)
    counts: dict[str, int] = {}
    for article, _, _ in expected:
        counts[article] = counts.get(article, 0) + 1
    assert hits.counts() == counts
    batches = list(corpus.search_batches(query, case_sensitive=case_sensitive))
    assert [(h.article, h.start, h.end) for b in batches for h in b] == expected


def test_the_sample_queries_find_something(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    assert corpus.search('"shared future" AND Vietnam').total > 0
    assert corpus.search("Vietnam AND zzzqqq").total == 0
    both = corpus.search("Vietnam OR Philippines").total
    assert both == corpus.search("Vietnam").total + corpus.search("Philippines").total
