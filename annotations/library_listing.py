"""What the library lists of an article, and a collection listed straight from its index.

At a million articles, building every article's `ArticleMeta` (and its `Path`) takes about
ten seconds; the library's rows, sort and filter need only six values of each. A warm
collection is first listed from its index in one query (`early_listing`), already in the
library's first order (newest first), as `ListedArticle` tuples; the full metadata follows
(see `Corpus.open`). Both are `Listed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from annotations.corpus_index import CorpusIndex


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


def newest_first_key(article: Listed) -> tuple[str, str]:
    """The key that sorts articles newest first when reversed (undated ones last, ties by
    id descending): the library's first order."""
    return (article.date or "").casefold(), article.id


def early_listing(index: CorpusIndex) -> list[ListedArticle]:
    """Every article the index has given an id (those of the last full open of the
    collection), newest first (see `newest_first_key`), read in one query."""
    rows = index.newest_first()
    listed = list(map(ListedArticle._make, rows))
    if not all(row[3] is None or row[3].isascii() for row in rows):
        # SQLite's lower() folds only ASCII letters: sort as the library does.
        listed.sort(key=newest_first_key, reverse=True)
    return listed
