"""What the library lists of an article, and a collection listed straight from its index.

At a million articles, building every article's `ArticleMeta` (and its `Path`) takes about
ten seconds; the library's rows, sort and filter need only six values of each. A warm
collection is first listed from its index in one query (`early_listing`), as `ListedArticle`
tuples, and in the library's first order (newest first); the full metadata follows (see
`Corpus.open`). Both are `Listed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

from annotations.priority import let_interface_run

if TYPE_CHECKING:
    from annotations.corpus_index import CorpusIndex


T = TypeVar("T")
R = TypeVar("R")

# Articles sorted in one call (a call holds the interpreter: 30 ms at this many).
SORT_STEP = 50_000
# Articles read in one call into C by a pass over all of them (`map` of an attribute, say):
# 20-40 ms at this many, at a million articles.
PASS_STEP = 20_000


class Listed(Protocol):
    """What the library needs of an article (an `ArticleMeta` or a `ListedArticle`)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def words(self) -> int: ...


class ListedArticle(NamedTuple):
    """An article as the index lists it (`author`: the authors joined by ", ")."""

    id: str
    title: str
    source: str | None
    date: str | None
    author: str | None
    words: int


def newest_first_key(article: Listed) -> str:
    """The key that sorts articles newest first when reversed (undated ones last, ties by
    id descending): the library's first order. It orders as the pair (date case-folded,
    id) would: a date never holds U+0000, which sorts before every other character."""
    return f"{(article.date or '').casefold()}\0{article.id}"


def mapped_in_steps(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`list(map(function, items))`, `PASS_STEP` items per call: a `map` of a function
    written in C over a million items holds the interpreter throughout (a TUI's event loop
    may run beside this)."""
    mapped: list[R] = []
    for start in range(0, len(items), PASS_STEP):
        let_interface_run()
        mapped += map(function, items[start : start + PASS_STEP])
    return mapped


class EarlyListing(NamedTuple):
    """A collection as its index lists it: `articles` in the order the index gave them
    (the order they were made in, so in memory: a pass over a million of them reads two
    to four times faster than over the same articles sorted), `newest`: the same articles
    newest first (see `newest_first_key`), and `newest_at`: where each of those is in
    `articles`."""

    articles: list[ListedArticle]
    newest: list[ListedArticle]
    newest_at: list[int]


def early_listing(index: CorpusIndex) -> EarlyListing:
    """Every article the index has given an id (those of the last full open of the
    collection), read in one query, and the same newest first."""
    # Each row made a `ListedArticle` in C (what `_make` does, without its Python call).
    listed = mapped_in_steps(partial(tuple.__new__, ListedArticle), index.listed_rows())
    keys = list(map(newest_first_key, listed))  # made in order: faster than by the sort
    # Positions sorted a step at a time, then the sorted runs merged (timsort finds them):
    # fewer comparisons in the one call that holds the interpreter while the TUI's event
    # loop waits beside it (the merge: under 30 ms at 100,000 articles, 0.5 s at a million).
    runs = [
        sorted(range(start, min(start + SORT_STEP, len(keys))), key=keys.__getitem__, reverse=True)
        for start in range(0, len(keys), SORT_STEP)
    ]
    order = list(chain.from_iterable(runs))
    order.sort(key=keys.__getitem__, reverse=True)
    return EarlyListing(listed, mapped_in_steps(listed.__getitem__, order), order)
