"""Two articles side by side: each column scrolls on its own or locked together, both can
be highlighted and tagged, and matching passages can be found or laid out row by row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from annotations.errors import NewsmarkError
from tui.screens.annotating import AnnotatingScreen, find_box
from tui.widgets.article_view import ArticleView
from tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from annotations.align import AlignedPair, Alignment, AlignmentRow, Side

SIDES = ("left", "right")


def row_cells(row: AlignmentRow, unit: str) -> tuple[Text, Text, Text]:
    """The score, left and right cells of one aligned row.

    Where a side is missing: "only left/right", or, when the unit has a counterpart out of
    order, where that is ("matches right paragraph 2 (0.97)").
    """
    score = Text(f"{row.score:.2f}" if row.score is not None else "", style="bold")
    left = Text(row.left.text) if row.left else _missing(row, "right", unit)
    right = Text(row.right.text) if row.right else _missing(row, "left", unit)
    return score, left, right


def _missing(row: AlignmentRow, present: str, unit: str) -> Text:
    pair = row.elsewhere
    if pair is None:
        return Text(f"— only {present} —", style="dim italic")
    other = pair.right if present == "left" else pair.left
    side = "right" if present == "left" else "left"
    return Text(f"— out of order: matches {side} {unit} {other.index + 1} ({pair.score:.2f}) —",
                style="dim italic")


class SideBySideScreen(AnnotatingScreen):
    """Compare two articles; highlight and tag in either column."""

    help_title = "Side by side"
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="side-by-side"):
            for side in SIDES:
                with Vertical(classes="side-column", id=f"{side}-column"):
                    yield ArticleView(id=f"{side}-view")
            yield VerticalScroll(id="aligned")
        yield find_box("side-find")
        yield Static(id="article-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show both articles once the data is open."""
        if self.newsmark.workspace.is_open:
            # After the first refresh, so the Header can show the article title.
            self.call_after_refresh(self.load_articles)

    def view(self, side: str) -> ArticleView:
        """The view of one side."""
        return self.query_one(f"#{side}-view", ArticleView)

    def load_articles(self) -> None:
        """Load both articles and their highlights; watch scrolling for the lock."""
        workspace = self.newsmark.workspace
        try:
            articles = {side: workspace.article(self.article_ids[side]) for side in SIDES}
        except NewsmarkError as error:
            self.leave_unreadable(error)
            return
        titles = []
        for side, article in articles.items():
            self.view(side).set_article(article)
            titles.append(article.meta.source or article.id)
            self.watch(self.view(side), "scroll_y", self._scrolled(side), init=False)
        self.sub_title = " ↔ ".join(titles)
        self.refresh_highlights()
        self.view("left").focus()

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

    def alignment(self) -> Alignment:
        """The passage alignment of the two articles (computed once)."""
        if self._alignment is None:
            from annotations.align import align_articles

            left, right = (self.view(side).article for side in SIDES)
            assert left is not None and right is not None
            self._alignment = align_articles(left, right)
        return self._alignment

    def action_counterparts(self) -> None:
        """Go to the passage of the other article most like the sentence at the cursor."""
        pairs = self._show_counterpart(self.active_view())
        if not pairs:
            self.notify("No similar passage in the other article.", markup=False)
            return
        others = len(pairs) - 1
        more = f" (+{others} more)" if others else ""
        self.notify(f"Best match: similarity {pairs[0].score:.2f}{more}.", markup=False)

    def _show_counterpart(self, view: ArticleView) -> list[AlignedPair]:
        """Put the other view's cursor on the best match of `view`'s cursor sentence."""
        side: Side = "left" if view is self.view("left") else "right"
        other_side: Side = "right" if side == "left" else "left"
        pairs = self.alignment().counterparts_of(side, view.cursor_offset)
        if pairs:
            best = pairs[0].right if side == "left" else pairs[0].left
            target = self.view(other_side)
            self._following = target
            target.move_cursor_to(best.start)
            target.scroll_to_offset(best.start)
        return pairs

    def action_toggle_follow(self) -> None:
        """Whenever the cursor moves, show the other article's matching passage."""
        self.follow = not self.follow
        state = "on: the other column follows the cursor" if self.follow else "off"
        self.notify(f"Follow matches {state}.", markup=False)

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
        aligned = self.query_one("#aligned", VerticalScroll)
        if not container.has_class("-aligned") and not aligned.children:
            rows = []
            alignment = self.alignment()
            for row in alignment.rows():
                score, left, right = row_cells(row, alignment.unit)
                classes = "aligned-row" + ("" if row.score is not None else " -unmatched")
                rows.append(
                    Horizontal(
                        Static(score, classes="aligned-score"),
                        Static(left, classes="aligned-cell"),
                        Static(right, classes="aligned-cell"),
                        classes=classes,
                    )
                )
            aligned.mount_all(rows)
        container.toggle_class("-aligned")
        if container.has_class("-aligned"):
            aligned.focus()
        else:
            self.view("left").focus()
