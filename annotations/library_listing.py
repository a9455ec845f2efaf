"""What the library lists of an article, and a collection listed straight from its index.

At a million articles, building every article's `ArticleMeta` (and its `Path`) takes about
ten seconds; the library's rows, sort and filter need only six values of each. A warm
collection is first listed from its index in one query (`early_listing`), already in the
library's first order (newest first), as `ListedArticle` tuples; the full metadata follows
(see `Corpus.open`). Both are `Listed`.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from annotations.corpus_index import CorpusIndex


# Articles sorted in one call (a call holds the interpreter: 30 ms at this many).
SORT_STEP = 50_000


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


def early_listing(index: CorpusIndex) -> list[ListedArticle]:
    """Every article the index has given an id (those of the last full open of the
    collection), read in one query, newest first (see `newest_first_key`)."""
    listed = list(map(ListedArticle._make, index.listed_rows()))
    # Sorted a step at a time, then the sorted runs merged (timsort finds them): no one
    # call holds the interpreter for long (the TUI's event loop runs beside this).
    runs = [
        sorted(listed[start : start + SORT_STEP], key=newest_first_key, reverse=True)
        for start in range(0, len(listed), SORT_STEP)
    ]
    listed = list(chain.from_iterable(runs))
    listed.sort(key=newest_first_key, reverse=True)
    return listed
