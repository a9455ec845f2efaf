"""What the library lists: the collection's articles filtered and sorted, worked out in a
thread beside the event loop.

Each sort order asked for is kept (filtering a sorted list keeps it sorted, so a keystroke
in the filter costs only the filter); the filter's text of every article and the state of
their annotations (for `tag:`, `has:`, `orphaned`, `coder:`) are built the first time a
filter needs them, in the thread, never on the event loop.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from annotations.library_listing import mapped_in_steps
from tui.threads import long_lived_objects, sorted_in_steps

if TYPE_CHECKING:
    from annotations.library_listing import Listed
    from annotations.library_query import ArticleState
    from annotations.query import Query
    from tui.workspace import Workspace


def sort_key(column: str, counts: dict[str, int]) -> Callable[[Listed], Any]:
    """The key of a sort by `column` (ties are left in id order: see `LibraryModel`)."""
    if column == "notes":  # ties: the newest first when reversed, like the date column
        return lambda meta: (counts.get(meta.id, 0), meta.date or "")
    if column == "words":
        return lambda meta: meta.words
    return lambda meta: (getattr(meta, column) or "").casefold()


class Order(NamedTuple):
    """Articles in one order, and where each is among the model's articles (`known`)."""

    articles: list[Listed]
    positions: Sequence[int]

    def reversed(self) -> Order:
        """The same articles the other way round."""
        return Order(self.articles[::-1], self.positions[::-1])

    def packed(self) -> Order:
        """The same, its positions machine integers (an `array`: the filter reads them
        faster than int objects, which are all over memory)."""
        if isinstance(self.positions, array):
            return self
        return Order(self.articles, array("q", self.positions))


class LibraryModel:
    """The articles of the open collection, their sort orders and filter state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current = False  # False: read the collection again
        # The articles the sort orders were made of: the collection's (by id), or its
        # early listing (in the index's order; sorted by id only when an order other than
        # newest first is asked for). Passes over every article read these: in the order
        # they were made in, they are read faster than sorted otherwise (see `EarlyListing`).
        self._known: Sequence[Listed] = []
        self._taken: list[Listed] | None = None  # the collection's articles, when taken
        self._early = False  # `known` is an early listing, the collection not yet taken
        self._by_id: Order | None = Order([], [])
        self._sorted: dict[tuple[str, bool], Order] = {}
        self._texts: list[str] | None = None  # the filter's, in the order of `known`
        self._states: dict[str, ArticleState] | None = None
        self._counts_stale = True
        self.counts: dict[str, int] = {}
        self.total = 0

    def collection_changed(self) -> None:
        """The collection's articles changed (indexed further, or files read again)."""
        with self._lock:
            self._current = False

    def annotations_changed(self) -> None:
        """Annotations changed: counts and annotation state are worked out again."""
        with self._lock:
            self._counts_stale = True
            self._states = None

    def listed(
        self,
        workspace: Workspace,
        text: str,
        column: str,
        reverse: bool,
        wanted: Callable[[], bool] = lambda: True,
    ) -> list[Listed] | None:
        """The articles the filter `text` matches, sorted by `column` (ties by id, the
        same way round); `InvalidQueryError` for a filter that cannot be right; None when
        no longer `wanted()` (a key typed since) by the time the work before it is done, or
        while the filter runs (it stops).
        Blocking: call it in a thread."""
        # Imported here, in the thread: the query language is not needed for a first paint.
        from annotations.library_query import Superseded, parse_library_filter

        query = parse_library_filter(text)
        # What is built here holds no cycles: kept from the cyclic GC (whose full scans
        # stalled the event loop), it is still freed when replaced.
        with self._lock, long_lived_objects():
            if not wanted():
                return None
            try:
                return self._listed(workspace, query, column, reverse, wanted)
            except Superseded:
                return None

    def _listed(
        self,
        workspace: Workspace,
        query: Query,
        column: str,
        reverse: bool,
        wanted: Callable[[], bool],
    ) -> list[Listed]:
        from annotations.library_query import article_states, filter_articles, needs_annotations

        if not self._current:
            self._take(workspace)
        if self._counts_stale:
            self.counts = dict(workspace.annotation_counts())
            self._counts_stale = False
            self._sorted = {k: v for k, v in self._sorted.items() if k[0] != "notes"}
        ordered = self._ordered(column, reverse)
        if not query.groups:
            return ordered.articles
        texts = self._filter_texts()
        states = None
        if needs_annotations(query):
            if self._states is None:  # built once, until annotations change
                self._states = article_states(workspace.visible_annotations())
            states = self._states
        return filter_articles(query, ordered.articles, texts, states, ordered.positions, wanted)

    @property
    def known(self) -> Sequence[Listed]:
        """Every article listed when there is no filter, in the order they are read
        fastest (not in any sort order)."""
        return self._known

    def prepare_filter(self) -> None:
        """Build the filter's text of every listed article now, before a filter needs it
        (0.5 s of CPU time at a million articles), and the sort orders' positions packed
        (see `Order.packed`). Blocking: call it in a thread."""
        with self._lock, long_lived_objects():
            if self._current:
                self._filter_texts()
                self._sorted = {key: order.packed() for key, order in self._sorted.items()}

    def _filter_texts(self) -> list[str]:
        if self._texts is None:
            from annotations.library_query import filter_texts

            self._texts = filter_texts(self._known)
        return self._texts

    def _take(self, workspace: Workspace) -> None:
        """Take in the collection's articles, or its early listing while there is no
        collection yet; the sort orders and filter text are kept if they did not change."""
        corpus = workspace.corpus
        if corpus is not None:
            metas: list[Listed] = list(corpus)
            if metas == self._taken:  # (the same objects, when the collection is)
                pass
            elif self._early and corpus.as_listed_early:
                # The early listing's articles with the same values: what was worked out
                # of them holds (seconds of sorting and filter text at a million).
                self._early = False
            else:
                self._reset(metas, Order(metas, list(range(len(metas)))), {})
            self._taken = metas
        elif workspace.early is None:
            self._reset([], Order([], []), {})
        else:
            early = workspace.early
            # (A list of `ListedArticle`s is one of `Listed`s: only read, never added to.)
            articles = cast("list[Listed]", early.articles)
            if articles is not self._known:
                newest = Order(cast("list[Listed]", early.newest), early.newest_at)
                self._reset(articles, None, {("date", True): newest})
                self._early = True
        self._current = True

    def _reset(
        self, known: Sequence[Listed], by_id: Order | None, orders: dict[tuple[str, bool], Order]
    ) -> None:
        self._known, self._by_id, self._sorted = known, by_id, orders
        self._taken, self._early = None, False
        self.total = len(known)
        self._texts = None

    def _ordered(self, column: str, reverse: bool) -> Order:
        """Every article sorted by `column`, kept for the next time. The articles come in
        id order and the sort is stable, so ties are in id order; reversed, the list is
        turned round whole, ties included (as a sort by (value, id) would), so either
        order is the other one turned round."""
        found = self._sorted.get((column, reverse))
        if found is None:
            other = self._sorted.get((column, not reverse))
            if other is not None:
                found = other.reversed()
            else:
                if self._by_id is None:
                    self._by_id = self._sorted_by(attrgetter("id"), list(range(self.total)))
                ascending = self._sorted_by(sort_key(column, self.counts), self._by_id.positions)
                self._sorted[(column, False)] = ascending
                found = ascending.reversed() if reverse else ascending
            self._sorted[(column, reverse)] = found
        return found

    def _sorted_by(self, key: Callable[[Listed], Any], positions: Sequence[int]) -> Order:
        """The articles at `positions` sorted by `key` (stable), each key made once, in
        the order of `known` (read faster than in another)."""
        keys = list(map(key, self._known))
        ordered: list[int] = sorted_in_steps(list(positions), keys.__getitem__)
        return Order(mapped_in_steps(self._known.__getitem__, ordered), array("q", ordered))
