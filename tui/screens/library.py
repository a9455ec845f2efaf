"""The library: every article in a sortable, filterable table, plus full-text search."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.errors import NewsmarkError
from annotations.priority import in_foreground
from annotations.search_query import is_boolean
from tui.messages import (
    ArticlesReloaded,
    CollectionGrew,
    DataChanged,
    IndexProgress,
    WorkspaceReady,
)
from tui.screens.base import NewsmarkScreen
from tui.screens.library_model import LibraryModel
from tui.widgets.article_table import ArticleTable, TableColumn
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.widgets.hit_list import HitList
from tui.widgets.library_rows import DATE_CHARS, LibraryRows
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.article import ArticleMeta
    from annotations.search import SearchHit, SearchResults

MAX_SEARCH_HITS = 500
# The status line names marked articles by their titles, cut to this many characters.
MARKED_TITLE_CHARS = 30
# Up to this many articles, a search first reads again the files changed on disk since the
# collection read them (a `stat` each: 0.07 s at 10,000 articles, 0.3 s at 50,000).
FRESH_SEARCH_MAX_ARTICLES = 50_000
# Beyond this many changed (a checkout, an rsync that touched every file), they are not
# read again one by one before a search (about 2 ms each, holding up every save).
FRESH_SEARCH_MAX_RELOADS = 200
# A search hit's first line (title, outlet, date, offset) stays one line in most terminals.
HIT_TITLE_CHARS = 60


class RowsRequest(NamedTuple):
    """What the rows are asked for with: the filter and the sort."""

    number: int
    filter: str
    sort: tuple[int, bool]


@dataclass(frozen=True)
class SortColumn:
    """A column of the table, which it can be sorted by."""

    key: str
    column: TableColumn


# Titles matter most: at 80 columns they keep the room, the outlet gives way first, then the
# counts; dates are never cut (a date reads "2023-12-14", its time is in the reader).
COLUMNS = (
    SortColumn("title", TableColumn("Title", min_width=24)),
    SortColumn("source", TableColumn("Outlet", max_width=18, min_width=7, priority=0)),
    SortColumn("date", TableColumn("Date", max_width=DATE_CHARS, min_width=DATE_CHARS, priority=3)),
    SortColumn("words", TableColumn("Words", "right", max_width=7, min_width=5, priority=1)),
    SortColumn("notes", TableColumn("Notes", "right", max_width=7, min_width=5, priority=2)),
)


def hit_prompt(hit: SearchHit, meta: ArticleMeta) -> Text:
    """A search result: the article's title, outlet and date, then the match in context."""
    prompt = Text()
    prompt.append(_shortened(meta.title, HIT_TITLE_CHARS), style="bold")
    details = [part for part in (meta.source, meta.date) if part]
    prompt.append("  " + " · ".join([*details, f"@{hit.start}"]) + "\n", style="dim")
    before, match, after = hit.context_parts()
    prompt.append(before)
    prompt.append(match, style="reverse")
    prompt.append(after)
    return prompt


def _shortened(title: str, width: int = MARKED_TITLE_CHARS) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def hits_title(query: str, hits: SearchResults, within: int | None = None) -> str:
    """The search panel's title: how many matches in how many articles (of the `within`
    filtered ones, when the filter restricted the search), and how many are listed."""
    title = count_noun(hits.total, "match", "matches")
    if not hits.complete:
        title = title.replace(" ", "+ ", 1)
    title += f" for {query!r}"
    if hits.total:
        title += f" in {count_noun(len(hits.counts()), 'article')}"
    if within is not None:
        title += f" of the {within:,} filtered"
    if len(hits) < hits.total:
        title += f" · first {len(hits):,} listed"
    return title


class LibraryScreen(NewsmarkScreen):
    """All articles; enter opens one, space marks two for side by side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_article", "Open", id="library.open"),
        # Early in the list: when it shows (only when it can act), it is what matters most.
        Binding("escape", "back", "Back", id="library.back"),
        Binding("f", "focus_filter", "Filter", id="library.filter"),
        Binding("slash", "focus_search", "Search", key_display="/", id="library.search"),
        Binding("s", "cycle_sort", "Sort", id="library.sort"),
        Binding("r", "reverse_sort", "Reverse", show=False, id="library.reverse"),
        Binding("space", "toggle_mark", "Mark", id="library.mark"),
        Binding("b", "side_by_side", "Side by side", id="library.side-by-side"),
        Binding(
            "a",
            "annotations",
            "Annotations",
            tooltip="Browse, filter and act on every annotation",
            id="library.annotations",
        ),
    ]

    help_title = "Library"
    # What the footer keeps when the terminal is narrow (80 columns), in this order.
    footer_priority: ClassVar[tuple[str, ...]] = (
        "select_cursor",
        "open_article",
        "back",
        "focus_filter",
        "focus_search",
        "quit_from_library",
        "help",
        "cycle_sort",
        "toggle_mark",
        "side_by_side",
        "tag_browser",
        "export",
        "undo",
    )
    AUTO_FOCUS = ""  # nothing: the table takes focus when it is mounted

    # What the rows depend on besides the filter: (column index, reversed), and the marked
    # articles (two at most). Changing either redraws the rows (`watch_sort`, `watch_marked`).
    sort: reactive[tuple[int, bool]] = reactive((2, True), init=False)
    marked: reactive[tuple[str, ...]] = reactive((), init=False)

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []
        self._hits_query = ""
        # The filter the listed hits were searched within ("" for every article).
        self._hits_filter = ""
        self._stale = False
        self._filter_error: str | None = None
        # What the table lists (made in a thread, see `_compute_rows`).
        self._rows = LibraryRows([], {})
        self._model = LibraryModel()
        # Requests for new rows: each has a number; only the newest one's rows are shown.
        self._request = 0
        self._placed = False  # the cursor was put on the article last read
        self._progress: str | None = None  # how far indexing got, while it goes on

    def compose(self) -> ComposeResult:
        yield Header()
        # The table and the search panel are mounted when first needed: the first frame
        # (what a user waits for at start-up) stays light.
        with Vertical(id="library"):
            yield Input(
                placeholder="Filter by title, outlet, author, date; tag:T has:notes "
                "has:annotations orphaned (f)",
                id="filter",
            )
            yield Static("Opening the collection…", id="library-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the table at once if the data is already open."""
        if self.workspace.can_list:
            self._load()

    def on_key(self, _: events.Key) -> None:
        """The user acts before the article last read is listed: neither the cursor nor
        the reader jumps to it when it arrives."""
        self._user_acted()

    def on_mouse_down(self, _: events.MouseDown) -> None:
        """A click, as a key (see `on_key`)."""
        self._user_acted()

    def _user_acted(self) -> None:
        if not self._placed:
            self._placed = True
            self.newsmark.forgo_reopening()

    def on_workspace_ready(self, _: WorkspaceReady) -> None:
        """Fill the table once the collection is loaded (the status line at once: it no
        longer says the files are being checked)."""
        self._load()
        self._update_status()

    def on_collection_grew(self, _: CollectionGrew) -> None:
        """While a collection is indexed or checked: list the articles indexed so far (or
        those the index listed before the collection's metadata was built)."""
        self._load()

    def on_index_progress(self, event: IndexProgress) -> None:
        """While the collection is indexed: how many of its changed files are read."""
        self._progress = f"Indexing the collection: {event.done:,} of {event.total:,} files read…"
        if self.table() is None:
            self.query_one("#library-status", Static).update(Text(self._progress))
        else:
            self._update_status()

    def table(self) -> ArticleTable | None:
        """The article table, once mounted."""
        return next(self.query("#articles").results(ArticleTable), None)

    def _mount_table(self) -> ArticleTable:
        table = self.table()
        if table is None:
            table = ArticleTable(tuple(sort.column for sort in COLUMNS), id="articles")
            self.query_one("#library").mount(table, before="#library-status")
            self.call_after_refresh(table.focus)
        return table

    def on_data_changed(self, _: DataChanged) -> None:
        """Annotation counts may have changed: recount now, or when the library is shown."""
        if not self.workspace.is_open:
            return
        if self.is_active:
            self._recount()
        else:
            self._stale = True  # rebuilding a hidden table would only slow down saving

    def on_articles_reloaded(self, event: ArticlesReloaded) -> None:
        """Article files changed on disk and were read again: their rows show the new
        metadata (title, word count)."""
        if not event.changed or self.table() is None:
            return
        self._model.collection_changed()
        self._refresh_rows()  # in a thread, and rare: also while the library is hidden

    def on_screen_resume(self) -> None:
        """Back on the library: bring counts up to date if annotations changed meanwhile."""
        if self._stale:
            self._recount()

    def _recount(self) -> None:
        self._stale = False
        self._model.annotations_changed()
        self._refresh_rows()

    def _load(self) -> None:
        """List the collection's articles (again: more were indexed); the cursor stays on
        its article, on the same line of the screen."""
        self._mount_table()
        self._model.collection_changed()
        self._refresh_rows(keep_place=True)

    def _refresh_rows(self, *, keep_place: bool = False) -> None:
        """Work out the rows for the filter and sort in a thread (at a million articles a
        sort takes seconds), then show them."""
        if not self.workspace.can_list or self.table() is None:
            return
        self._request += 1
        request = RowsRequest(self._request, self.filter_box.value, self.sort)
        self.run_worker(
            partial(self._compute_rows, request, keep_place),
            thread=True,
            group="library-rows",
            exit_on_error=False,
        )

    def _compute_rows(self, request: RowsRequest, keep_place: bool) -> None:
        """In a thread: the listed articles for `request` (skipped when a newer request
        came meanwhile), then shown on the event loop."""

        def wanted() -> bool:
            return request.number == self._request

        if not wanted():
            return
        # Ahead of the collection's opening, if it still goes on (see `give_way`).
        with in_foreground():
            try:
                column, reverse = COLUMNS[request.sort[0]].key, request.sort[1]
                listed = self._model.listed(self.workspace, request.filter, column, reverse, wanted)
            except NewsmarkError as error:  # a mistake in the filter: the rows stay as they are
                self.app.call_from_thread(self._show_filter_error, request.number, str(error))
                return
            if listed is None or not wanted():
                return
            rows = LibraryRows(listed, self._model.counts)
            known = self._model.known  # every article: read faster than `listed`
            widths = rows.content_widths(
                tuple(sort.column for sort in COLUMNS),
                known if len(known) == len(listed) else None,
            )
            # Shown, the rows are searched for the article under the cursor, and for the
            # one last read until it is found: with neither to find (the first rows of a
            # collection still being opened), they are shown sooner and made quick after.
            table = self.table()
            searched = (table is not None and table.row_count > 0) or (
                not self._placed and self.newsmark.last_position() is not None
            )
            if searched:
                rows.index_ready()
        self.app.call_from_thread(self._show_rows, request.number, rows, widths, keep_place)
        if not searched:
            rows.index_ready()
        if not request.filter:  # a filter typed next finds its text ready
            with in_foreground():  # (what the user waits for next)
                self._model.prepare_filter()

    def _show_filter_error(self, number: int, error: str) -> None:
        if number == self._request:
            self._filter_error = error
            self._update_status()

    def _show_rows(
        self, number: int, rows: LibraryRows, widths: list[int], keep_place: bool
    ) -> None:
        table = self.table()
        if table is None or number != self._request:
            return
        self._filter_error = None
        rows.marked = self.marked  # (marked meanwhile, perhaps)
        self._rows = rows
        table.set_source(rows, widths, keep_place=keep_place)
        table.set_sort(*self.sort)
        if not self._placed:  # on the article last read, as soon as it is listed
            position = self.newsmark.last_position()
            index = None if position is None else table.index_of(position.article)
            if index is not None:
                table.centre_cursor(index)
            self._placed = index is not None or not self.workspace.indexing
        self._update_status()

    def _update_status(self) -> None:
        """How many articles are listed, which row the cursor is on, the sort, the marks."""
        table = self.table()
        if table is None:
            return
        if self._filter_error is not None:
            self.query_one("#library-status", Static).update(
                Text(self._filter_error, style="bold red")
            )
            return
        column = COLUMNS[self.sort[0]].column
        arrow = "↓" if self.sort[1] else "↑"
        status = f"{table.row_count:,} of {count_noun(self._model.total, 'article')}"
        if table.row_count:
            status += f" · row {table.cursor_row + 1:,}"
        status += f" · sorted by {column.label} {arrow}"
        if self.marked:
            status += " · marked: " + " | ".join(self._marked_titles())
        if self.workspace.indexing:  # what is listed may still change
            status += " · " + (self._progress or "Checking the collection's files…")
        self.query_one("#library-status", Static).update(Text(status))

    def _marked_titles(self) -> list[str]:
        """The marked articles' titles (shortened), from the collection or from the rows
        listed before it was open."""
        corpus = self.workspace.corpus
        if corpus is not None:
            return [_shortened(corpus.meta(i).title) for i in self.marked if i in corpus]
        found = (self._rows.index_of(i) for i in self.marked)
        return [_shortened(self._rows.metas[n].title) for n in found if n is not None]

    def on_article_table_cursor_moved(self, _: ArticleTable.CursorMoved) -> None:
        """The status line says which row the cursor is on."""
        self._update_status()

    def current_article_id(self) -> str | None:
        """The id of the article under the table cursor."""
        table = self.table()
        return table.cursor_key if table is not None else None

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._refresh_rows()
        self.refresh_bindings()  # escape can now clear the filter, or not

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_back_to_table()

    def watch_sort(self) -> None:
        """A new sort: redraw the rows."""
        self._refresh_rows()

    def watch_marked(self) -> None:
        """Marks changed: redraw the rows (marked titles start with ●)."""
        self._rows.marked = self.marked
        table = self.table()
        if table is not None:
            table.refresh()
        self._update_status()

    @property
    def filter_box(self) -> Input:
        """The filter box."""
        return self.query_one("#filter", Input)

    def on_article_table_row_selected(self, event: ArticleTable.RowSelected) -> None:
        """Enter (or a click on the cursor's row) opens the article."""
        self.newsmark.open_reader(event.key)

    def on_article_table_header_selected(self, event: ArticleTable.HeaderSelected) -> None:
        """A click on a column's label sorts by it (again: reverses)."""
        index, reverse = self.sort
        self.sort = (
            (index, not reverse) if event.column_index == index else (event.column_index, False)
        )

    def action_open_article(self) -> None:
        """Open the article under the cursor."""
        article_id = self.current_article_id()
        if article_id is not None:
            self.newsmark.open_reader(article_id)

    def action_focus_filter(self) -> None:
        """Type to filter the table (focused at once: see `tui.typing_guard`)."""
        self.set_focus(self.filter_box)

    async def action_focus_search(self) -> None:
        """Type a full-text query for every article."""
        if not self.query("#search-panel"):
            await self.query_one("#library").mount(
                Vertical(
                    Input(placeholder="Search every article (/), enter to run", id="search"),
                    HitList(id="hits"),
                    id="search-panel",
                )
            )
        if self._hits_filter != self.filter_box.value.strip():
            self._clear_hits()  # searched within another filter: they would mislead
        self.query_one("#search-panel").add_class("-visible")
        self.set_focus(self.query_one("#search", Input))  # at once: see `tui.typing_guard`
        self.refresh_bindings()

    def _clear_hits(self) -> None:
        """Forget the listed hits (the query stays in the box: enter searches again)."""
        self._hits, self._hits_filter = [], self.filter_box.value.strip()
        option_list = self.query_one("#hits", OptionList)
        option_list.clear_options()
        option_list.border_title = None

    def action_back_to_table(self) -> None:
        """Leave the filter or search box for the table."""
        table = self.table()
        if table is not None:
            table.focus()

    def action_back(self) -> None:
        """One step back: close the search panel, leave the filter, or clear the filter."""
        filter_input = self.filter_box
        if self._search_visible():
            self._close_search()
        elif filter_input.has_focus:
            self.action_back_to_table()
        elif filter_input.value:
            filter_input.value = ""  # the table refills through Input.Changed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show "esc Back" only when escape has something to undo."""
        if action == "back":
            found = self.query("#filter").results(Input)
            filter_input = next(found, None)
            if filter_input is None:  # asked before the screen is composed
                return False
            return self._search_visible() or filter_input.has_focus or bool(filter_input.value)
        return True

    def _search_visible(self) -> bool:
        return any(panel.has_class("-visible") for panel in self.query("#search-panel"))

    def _close_search(self) -> None:
        for panel in self.query("#search-panel"):
            panel.remove_class("-visible")
        self.action_back_to_table()
        self.refresh_bindings()

    def action_cycle_sort(self) -> None:
        """Sort by the next column."""
        index = (self.sort[0] + 1) % len(COLUMNS)
        self.sort = (index, COLUMNS[index].key in {"date", "words", "notes"})

    def action_reverse_sort(self) -> None:
        """Reverse the sort order."""
        self.sort = (self.sort[0], not self.sort[1])

    def action_annotations(self) -> None:
        """Open the annotation browser."""
        self.newsmark.open_annotation_browser()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the current article for side by side (two at most)."""
        article_id = self.current_article_id()
        if article_id is None:
            return
        if article_id in self.marked:
            self.marked = tuple(a for a in self.marked if a != article_id)
        else:
            self.marked = (*self.marked, article_id)[-2:]

    def action_side_by_side(self) -> None:
        """Open the two marked articles (or the marked one and the current) side by side."""
        chosen = list(self.marked)
        current = self.current_article_id()
        if len(chosen) < 2 and current is not None and current not in chosen:
            chosen.append(current)
        if len(chosen) < 2:
            self.notify("Mark two articles with space, then press b.", markup=False)
            return
        self.newsmark.open_side_by_side(chosen[0], chosen[1])

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:  # enter on an empty search box closes the panel
            self._close_search()
        elif self.workspace.is_open:
            # With a filter, only the articles it lists are searched.
            within = None
            if self.filter_box.value.strip():
                within = [meta.id for meta in self._rows.metas]
            self._hits_filter = self.filter_box.value.strip()
            self._run_search(query, within)

    @work(exclusive=True, group="search", thread=True)
    def _run_search(
        self, query: str, within: list[str] | None = None, *, files_checked: bool = False
    ) -> None:
        """Search in a thread, after reading again the files that changed on disk since the
        collection read them (in a collection of up to `FRESH_SEARCH_MAX_ARTICLES`): a word
        written into an article not on screen is found, at its offset in the new text."""
        corpus = self.workspace.require_corpus()
        fresh = files_checked or len(corpus) > FRESH_SEARCH_MAX_ARTICLES
        if not fresh and (changed := corpus.changed_since_read()):
            if len(changed) <= FRESH_SEARCH_MAX_RELOADS:
                again = partial(self._run_search, query, within, files_checked=True)
                self.app.call_from_thread(self.newsmark.reload_articles, changed, again)
                return
            self.app.call_from_thread(self._too_many_changed, len(changed))
        if within is not None:  # (an article a reload removed is not searched, nor resolved)
            within = [article_id for article_id in within if article_id in corpus]
        try:
            hits = corpus.search(query, article_ids=within, limit=MAX_SEARCH_HITS)
        except NewsmarkError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(
            self._show_hits, query, hits, None if within is None else len(within)
        )

    def _too_many_changed(self, count: int) -> None:
        self.notify(
            f"{count_noun(count, 'article')} changed on disk since newsmark read them: this "
            "search reads the text as it was then. Start newsmark again to read them all.",
            title="Search",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def _show_hits(self, query: str, hits: SearchResults, within: int | None = None) -> None:
        self._hits, self._hits_query = list(hits), query
        option_list = self.query_one("#hits", OptionList)
        option_list.clear_options()
        corpus = self.workspace.require_corpus()
        option_list.add_options(
            Option(hit_prompt(hit, corpus.meta(hit.article))) for hit in self._hits
        )
        option_list.border_title = Content(hits_title(query, hits, within))
        if self._hits:
            option_list.highlighted = 0
            option_list.focus()
        else:
            self.notify(f"No matches for {query!r}.", markup=False)

    @on(OptionList.OptionSelected, "#hits")
    def _hit_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self._hits[event.option_index]
        # The reader marks every occurrence of the query (n / N move between them); of a
        # boolean query, every occurrence of the term this hit is.
        query = self._hits_query
        find = hit.context_parts()[1] if is_boolean(query) else query
        self.newsmark.open_reader(hit.article, offset=hit.start, find=find)
