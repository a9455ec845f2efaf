"""Boolean full-text queries: `"South China Sea" AND security`, `Vietnam OR Philippines`.

A plain query is one literal phrase. A query containing `AND` or `OR` (upper case, as
words) or a double quote is boolean: its terms are "quoted phrases" (taken exactly) and
runs of unquoted words (one phrase, the words joined by single spaces), joined by `AND` and
`OR`; OR binds tighter than AND, and two terms written side by side are ANDed. There are no
parentheses, so a query is an AND of OR groups: `a OR b AND c` is (a or b) and c.

An article matches when the expression over "this term occurs in it" holds; its hits are
the occurrences of every term that occurs in it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from annotations.errors import InvalidQueryError

_OPERATORS = ("AND", "OR")
_TOKEN = re.compile(r'"([^"]*)("?)|([^\s"]+)')


@dataclass(frozen=True, slots=True)
class BooleanQuery:
    """An AND of OR groups of literal terms."""

    groups: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct term, in the order written."""
        return tuple(dict.fromkeys(term for group in self.groups for term in group))

    def matches(self, present: Collection[str]) -> bool:
        """Whether an article holding exactly the terms `present` matches."""
        return all(any(term in present for term in group) for group in self.groups)


def is_boolean(query: str) -> bool:
    """Whether `query` uses the boolean syntax (a quote, or AND / OR as a word)."""
    return '"' in query or any(word in _OPERATORS for word in query.split())


def parse_boolean(query: str) -> BooleanQuery:
    """The boolean query `query` (see the module); `InvalidQueryError` when it is malformed
    (an unbalanced quote, an empty phrase, AND / OR without a term on each side)."""
    groups: list[list[str]] = [[]]
    words: list[str] = []  # the unquoted words of the term being read
    expect_term = True  # after an operator, or at the start
    pending_or = False

    def add(term: str) -> None:
        nonlocal expect_term, pending_or
        if pending_or or expect_term:
            groups[-1].append(term)
        else:  # two terms side by side: ANDed
            groups.append([term])
        expect_term = pending_or = False

    def flush_words() -> None:
        if words:
            add(" ".join(words))
            words.clear()

    for match in _TOKEN.finditer(query):
        phrase, closing, word = match.groups()
        if word is None:
            if not closing:
                raise InvalidQueryError(f"unbalanced quote in search query {query!r}")
            if not phrase.strip():
                raise InvalidQueryError(f"empty quoted phrase in search query {query!r}")
            flush_words()
            add(phrase)
        elif word in _OPERATORS:
            flush_words()
            if expect_term:
                raise InvalidQueryError(f"{word} without a term before it in {query!r}")
            if word == "AND":
                groups.append([])
            pending_or = word == "OR"
            expect_term = True
        else:
            words.append(word)
    flush_words()
    if expect_term:
        if not groups[0]:
            raise InvalidQueryError("empty search query")
        raise InvalidQueryError(f"AND / OR without a term after it in {query!r}")
    return BooleanQuery(tuple(tuple(group) for group in groups))
