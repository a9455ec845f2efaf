"""What the library lists: the collection's articles filtered and sorted, worked out in a
thread beside the event loop.

Each sort order asked for is kept (filtering a sorted list keeps it sorted, so a keystroke
in the filter costs only the filter); the filter's text of every article and the state of
their annotations (for `tag:`, `has:`, `orphaned`, `coder:`) are built the first time a
filter needs them, in the thread, never on the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

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
        self._by_id: list[Listed] | None = []
        self._sorted: dict[tuple[str, bool], list[Listed]] = {}
        self._haystacks: dict[str, str] | None = None
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
        no longer `wanted()` by the time the work before it is done (a key typed since).
        Blocking: call it in a thread."""
        # Imported here, in the thread: the query language is not needed for a first paint.
        from annotations.library_query import parse_library_filter

        query = parse_library_filter(text)
        # What is built here holds no cycles: kept from the cyclic GC (whose full scans
        # stalled the event loop), it is still freed when replaced.
        with self._lock, long_lived_objects():
            if not wanted():
                return None
            return self._listed(workspace, query, column, reverse)

    def _listed(
        self, workspace: Workspace, query: Query, column: str, reverse: bool
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
            return ordered
        haystacks = self._filter_texts()
        states = None
        if needs_annotations(query):
            if self._states is None:  # built once, until annotations change
                self._states = article_states(workspace.visible_annotations())
            states = self._states
        return filter_articles(query, ordered, haystacks, states)

    @property
    def known(self) -> Sequence[Listed]:
        """Every article listed when there is no filter, in the order they are read
        fastest (not in any sort order)."""
        return self._known

    def prepare_filter(self) -> None:
        """Build the filter's text of every listed article now, before a filter needs it
        (1.3 s of CPU time at a million articles). Blocking: call it in a thread."""
        with self._lock, long_lived_objects():
            if self._current:
                self._filter_texts()

    def _filter_texts(self) -> dict[str, str]:
        if self._haystacks is None:
            from annotations.library_query import filter_haystacks

            self._haystacks = filter_haystacks(self._known)
        return self._haystacks

    def _take(self, workspace: Workspace) -> None:
        """Take in the collection's articles, or its early listing while there is no
        collection yet; the sort orders and filter text are kept if they did not change."""
        corpus = workspace.corpus
        if corpus is not None:
            metas: list[Listed] = list(corpus)
            if metas != self._by_id:  # (the same objects, when the collection is)
                self._reset(metas, metas, {})
        elif workspace.early is None:
            self._reset([], [], {})
        else:
            # (A list of `ListedArticle`s is one of `Listed`s: only read, never added to.)
            articles = cast("list[Listed]", workspace.early.articles)
            if articles is not self._known:
                newest = cast("list[Listed]", workspace.early.newest)
                self._reset(articles, None, {("date", True): newest})
        self._current = True

    def _reset(
        self,
        known: Sequence[Listed],
        by_id: list[Listed] | None,
        orders: dict[tuple[str, bool], list[Listed]],
    ) -> None:
        self._known, self._by_id, self._sorted = known, by_id, orders
        self.total = len(known)
        self._haystacks = None

    def _ordered(self, column: str, reverse: bool) -> list[Listed]:
        """Every article sorted by `column`, kept for the next time. The articles come in
        id order and the sort is stable, so ties are in id order; reversed, the list is
        turned round whole, ties included (as a sort by (value, id) would), so either
        order is the other one turned round."""
        found = self._sorted.get((column, reverse))
        if found is None:
            other = self._sorted.get((column, not reverse))
            if other is not None:
                found = other[::-1]
            else:
                if self._by_id is None:
                    self._by_id = sorted_in_steps(list(self._known), attrgetter("id"))
                ascending = sorted_in_steps(self._by_id, sort_key(column, self.counts))
                self._sorted[(column, False)] = ascending
                found = ascending[::-1] if reverse else ascending
            self._sorted[(column, reverse)] = found
        return found
