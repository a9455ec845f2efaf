"""Two articles side by side: each column scrolls on its own or locked together, both can
be highlighted and tagged, and matching passages can be found or laid out row by row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from annotations.errors import NewsmarkError
from tui.screens.annotating import AnnotatingScreen, find_box
from tui.widgets.aligned_view import AlignedView
from tui.widgets.article_view import ArticleView
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header

if TYPE_CHECKING:
    from annotations.align import AlignedPair, Alignment, Side

SIDES: tuple[Side, Side] = ("left", "right")


class SideBySideScreen(AnnotatingScreen):
    """Compare two articles; highlight and tag in either column."""

    help_title = "Side by side"
    footer_priority: ClassVar[tuple[str, ...]] = (
        "back",
        "clear_selection",
        "switch_column",
        "toggle_selection",
        "tag",
        "counterparts",
        "toggle_aligned",
        "jump(1, True)",
        "jump(1, False)",
        "open",
        "toggle_follow",
        "help",
        "copy_quote",
        "toggle_lock",
        "delete_highlight",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", "Find", key_display="/", id="side.find"),
        Binding("tab", "switch_column", "Other column", id="side.switch"),
        Binding("ctrl+l", "toggle_lock", "Lock scroll", id="side.lock"),
        Binding("m", "counterparts", "Match", id="side.match"),
        Binding("F", "toggle_follow", "Follow matches", id="side.follow"),
        Binding("A", "toggle_aligned", "Aligned view", id="side.aligned"),
    ]

    def __init__(self, left_id: str, right_id: str) -> None:
        super().__init__()
        self.article_ids = {"left": left_id, "right": right_id}
        self.scroll_locked = False
        self.follow = False
        self._following: ArticleView | None = None
        self._syncing = False
        self._alignment: Alignment | None = None
        self._match_note: str | None = None

    @property
    def aligned_view(self) -> AlignedView:
        """The aligned view (rows of matched passages)."""
        return self.query_one("#aligned", AlignedView)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="side-by-side"):
            for side in SIDES:
                with Vertical(classes="side-column", id=f"{side}-column"):
                    yield Static(id=f"{side}-title", classes="side-title")
                    yield ArticleView(id=f"{side}-view")
            yield AlignedView(id="aligned")
        yield find_box("side-find")
        yield Static(id="article-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show both articles once the data is open."""
        if self.workspace.is_open:
            # After the first refresh, so the Header can show the article title.
            self.call_after_refresh(self.load_articles)

    def view(self, side: str) -> ArticleView:
        """The view of one side."""
        return self.query_one(f"#{side}-view", ArticleView)

    def load_articles(self) -> None:
        """Load both articles and their highlights; watch scrolling for the lock."""
        if self.reload_changed_first():
            return
        workspace = self.workspace
        try:
            articles = {side: workspace.article(self.article_ids[side]) for side in SIDES}
        except NewsmarkError as error:
            self.leave_unreadable(error)
            return
        for side, article in articles.items():
            self.view(side).set_article(article)
            self.watch(self.view(side), "scroll_y", self._scrolled(side), init=False)
        self._show_titles()
        self.refresh_highlights()
        self.view("left").focus()

    def _show_titles(self) -> None:
        """Each column's outlet and title; the outlets in the screen's subtitle."""
        titles = []
        for side in SIDES:
            article = self.view(side).article
            if article is None:
                continue
            titles.append(article.meta.source or article.id)
            name = " · ".join(part for part in (article.meta.source, article.meta.title) if part)
            self.query_one(f"#{side}-title", Static).update(Text(name or article.id))
        self.sub_title = " ↔ ".join(titles)

    def wanted_article_ids(self) -> list[str]:
        """The two articles compared."""
        return [self.article_ids[side] for side in SIDES]

    def articles_replaced(self) -> None:
        """An article was read again: its title, and the alignment of the new texts (the
        aligned rows too, if shown)."""
        self._show_titles()
        self._alignment = None
        aligned = self.aligned_view
        if aligned.rows:
            alignment = self.alignment()
            aligned.set_rows(alignment.rows(), alignment.unit)

    def _scrolled(self, side: str) -> Callable[[float], None]:
        other = "right" if side == "left" else "left"

        def follow(_: float) -> None:
            if not self.scroll_locked or self._syncing:
                return
            source, target = self.view(side), self.view(other)
            ratio = source.scroll_y / source.max_scroll_y if source.max_scroll_y else 0.0
            self._syncing = True
            target.scroll_to(y=ratio * target.max_scroll_y, animate=False)
            self.call_after_refresh(self._end_sync)

        return follow

    def _end_sync(self) -> None:
        self._syncing = False

    def action_switch_column(self) -> None:
        """Focus the other column."""
        focused = self.active_view()
        other = self.view("right") if focused is self.view("left") else self.view("left")
        other.focus()

    def action_toggle_lock(self) -> None:
        """Scroll both columns together (proportionally) or each on its own."""
        self.scroll_locked = not self.scroll_locked
        state = "locked together" if self.scroll_locked else "independent"
        self.notify(f"Scrolling: {state}.", markup=False)

    def on_descendant_focus(self) -> None:
        """Mark the column the keys act on (its title takes the accent colour)."""
        active = self.active_view()
        for side in SIDES:
            self.query_one(f"#{side}-column").set_class(self.view(side) is active, "-active")

    def action_back(self) -> None:
        """Escape leaves the aligned view first, then the screen."""
        if self.query_one("#side-by-side").has_class("-aligned"):
            self.action_toggle_aligned()
            return
        super().action_back()

    def alignment(self) -> Alignment:
        """The passage alignment of the two articles (computed once)."""
        if self._alignment is None:
            from annotations.align import align_articles

            left, right = (self.view(side).article for side in SIDES)
            assert left is not None and right is not None
            self._alignment = align_articles(left, right)
        return self._alignment

    def _both_loaded(self) -> bool:
        """Whether both articles are shown (comparing needs both); says so when not."""
        if all(self.view(side).article is not None for side in SIDES):
            return True
        self.notify("The articles are still loading.", markup=False)
        return False

    def action_counterparts(self) -> None:
        """Go to the passage of the other article most like the sentence at the cursor."""
        if not self._both_loaded():
            return
        pairs = self._show_counterpart(self.active_view())
        self.notify(match_message(pairs), markup=False)

    def _show_counterpart(self, view: ArticleView) -> list[AlignedPair]:
        """Put the other view's cursor on the best match of `view`'s cursor sentence.

        `m` and follow mode both come here, so they always agree; what was found (or that
        nothing was) is kept for the status line.
        """
        side: Side = "left" if view is self.view("left") else "right"
        other_side: Side = "right" if side == "left" else "left"
        span = view.cursor_span
        offset = span.start if span is not None else view.cursor_offset
        pairs = self.alignment().counterparts_of(side, offset)
        self._match_note = match_message(pairs)
        if pairs:
            best = pairs[0].right if side == "left" else pairs[0].left
            target = self.view(other_side)
            self._following = target
            target.move_cursor_to(best.start)
            target.scroll_to_offset(best.start)
        self.update_status()
        return pairs

    def selection_status(self) -> tuple[str, str]:
        """In the aligned view without words selected, the keys act on the whole passage
        under the cursor, and escape goes back to the columns."""
        aligned = self.aligned_view
        if aligned.has_focus and aligned.selection is None:
            return "Passage", "t tag · c copy · v select words · esc back"
        return super().selection_status()

    def status_note(self) -> str | None:
        """In follow mode, what the other column shows for the cursor sentence."""
        return f"Follow: {self._match_note}" if self.follow and self._match_note else None

    def action_toggle_follow(self) -> None:
        """Whenever the cursor moves, show the other article's matching passage."""
        if not self._both_loaded():
            return
        self.follow = not self.follow
        state = "on: the other column follows the cursor" if self.follow else "off"
        self.notify(f"Follow matches {state}.", markup=False)
        if self.follow:
            self._show_counterpart(self.active_view())
        else:
            self.update_status()

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        if self._following is event.view:
            self._following = None  # the move we just made; don't bounce it back
            return
        if self.follow and event.view.has_focus:
            self._show_counterpart(event.view)

    def action_toggle_aligned(self) -> None:
        """Lay the two articles out row by row, matched passages side by side."""
        container = self.query_one("#side-by-side")
        aligned = self.aligned_view
        if not container.has_class("-aligned") and not self._both_loaded():
            return
        if not container.has_class("-aligned") and not aligned.rows:
            alignment = self.alignment()
            aligned.set_rows(alignment.rows(), alignment.unit)
            self._draw_aligned_highlights()
        container.toggle_class("-aligned")
        if container.has_class("-aligned"):
            aligned.focus()
        else:
            for side in SIDES:
                self.view(side).clear_selection()
            self.view(aligned.side).focus()

    def _draw_aligned_highlights(self) -> None:
        aligned = self.aligned_view
        for side in SIDES:
            aligned.set_highlights(side, self.view(side).highlights)

    def refresh_highlights(self) -> None:
        """Redraw the highlights in both columns and in the aligned rows."""
        super().refresh_highlights()
        if self.aligned_view.rows:
            self._draw_aligned_highlights()

    def active_view(self) -> ArticleView:
        """The focused column; in the aligned view, the side of the active cell."""
        aligned = self.aligned_view
        if aligned.has_focus:
            return self.view(aligned.side)
        return super().active_view()

    @on(AlignedView.CellChosen)
    def _cell_chosen(self, event: AlignedView.CellChosen) -> None:
        """The aligned cursor's passage is the selection: t, c, s act on it; the column's
        cursor is at the caret, so d and editing act on the highlight under the caret."""
        for side in SIDES:
            self.view(side).clear_selection()
        if event.span is not None:
            self.view(event.side).select_range(*event.span, cursor=event.caret)
        self.update_status()

    def selection_saved(self, view: ArticleView) -> None:
        """A passage chosen in the aligned view was saved: its selection goes too."""
        super().selection_saved(view)
        self.aligned_view.forget_selection()

    def on_text_selected(self, _: events.TextSelected) -> None:
        """A mouse drag inside an aligned cell selects those words there."""
        if self.query_one("#side-by-side").has_class("-aligned"):
            self.aligned_view.take_mouse_selection()

    @on(AlignedView.OpenInColumns)
    def _open_in_columns(self, event: AlignedView.OpenInColumns) -> None:
        """Back to the columns, each with its cursor on the row's passage."""
        aligned = self.aligned_view
        self.action_toggle_aligned()
        for side, unit in (("left", event.row.left), ("right", event.row.right)):
            if unit is not None:
                self.view(side).move_cursor_to(unit.start)
                self.view(side).scroll_to_offset(unit.start)
        self.view(aligned.side).focus()


def match_message(pairs: list[AlignedPair]) -> str:
    """What `m` says: the best match's similarity (weak under STRONG_SCORE), or none."""
    from annotations.align import STRONG_SCORE, shown_score

    if not pairs:
        return "No similar passage in the other article."
    others = len(pairs) - 1
    more = f" (+{others} more)" if others else ""
    weak = " (weak)" if pairs[0].score < STRONG_SCORE else ""
    return f"Best match: similarity {shown_score(pairs[0].score)}{weak}{more}."
