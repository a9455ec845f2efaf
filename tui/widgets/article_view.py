"""The article view: a Line API widget that shows one article with highlights and a cursor.

The view knows nothing about the store: a screen gives it an `Article` and a list of
`Highlight`s and listens to its messages. All positions it reports are body offsets.
Article text is untrusted, so it is only ever drawn through `rich.text.Text` objects.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color, ColorParseError
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations import chinese
from annotations.article import Article, ParagraphKind, Span
from annotations.caret import spanning
from annotations.words import WordIndex
from tui.widgets.article_render import (
    CAPTION_PREFIX,
    ArticleLayout,
    Highlight,
    article_blocks,
    bucket_by_line,
    find_all,
    paint_runs,
)
from tui.widgets.chord import TOP_CHORD_HELP, TopChord

FALLBACK_COLOUR = "#ffd54f"
GUTTER_MARK = "▌"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ROLE_COMPONENTS = {
    "title": "article-view--title",
    "meta": "article-view--meta",
    "rule": "article-view--rule",
}
_KIND_COMPONENTS = {
    ParagraphKind.CAPTION: "article-view--caption",
    ParagraphKind.HEADING: "article-view--heading",
}


class ArticleView(ScrollView, can_focus=True):
    """Shows an article's header and wrapped body, with highlights, a sentence cursor,
    a keyboard/mouse selection and search matches."""

    ALLOW_SELECT = False  # the view makes its own selections, in body offsets

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--rule",
        "article-view--heading",
        "article-view--caption",
        "article-view--cursor",
        "article-view--word",
        "article-view--gutter",
        "article-view--selection",
        "article-view--search-match",
        "article-view--search-current",
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        & > .article-view--title { text-style: bold; }
        & > .article-view--meta { text-style: dim; }
        & > .article-view--rule { color: $foreground 30%; }
        & > .article-view--heading { text-style: bold; }
        & > .article-view--caption { text-style: italic dim; }
        & > .article-view--cursor { background: $foreground 8%; }
        & > .article-view--word { background: $accent 40%; text-style: underline; }
        & > .article-view--gutter { color: $accent; }
        & > .article-view--selection { background: $primary 55%; color: $text; }
        & > .article-view--search-match { background: $warning 35%; }
        & > .article-view--search-current { background: $warning; color: $text; }
    }
    """

    HELP_CHORDS: ClassVar[tuple[tuple[str, str], ...]] = (("g g", "Top"),)
    """Key sequences for the help screen (a binding is one key)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next_sentence", "Next sentence", id="article-view.next-sentence"),
        Binding("k", "previous_sentence", "Prev sentence", id="article-view.previous-sentence"),
        Binding("down", "next_sentence", "Next sentence", show=False, id="article-view.down"),
        Binding("up", "previous_sentence", "Prev sentence", show=False, id="article-view.up"),
        Binding(
            "J", "next_paragraph", "Next paragraph", show=False, id="article-view.next-paragraph"
        ),
        Binding(
            "K",
            "previous_paragraph",
            "Prev paragraph",
            show=False,
            id="article-view.previous-paragraph",
        ),
        Binding("w", "next_word", "Next word", show=False, id="article-view.next-word"),
        Binding("b", "previous_word", "Prev word", show=False, id="article-view.previous-word"),
        Binding(
            "ctrl+right", "next_word", "Next word", show=False, id="article-view.next-word-arrow"
        ),
        Binding(
            "ctrl+left",
            "previous_word",
            "Prev word",
            show=False,
            id="article-view.previous-word-arrow",
        ),
        Binding("home", "first_sentence", "Top", show=False, id="article-view.top"),
        Binding("g", "tag_browser", "Tags", tooltip=TOP_CHORD_HELP, id="article-view.g"),
        Binding("end,G", "last_sentence", "Bottom", show=False, id="article-view.bottom"),
        Binding(
            "right_square_bracket",
            "next_highlight",
            "Next highlight",
            key_display="]",
            show=False,
            id="article-view.next-highlight",
        ),
        Binding(
            "left_square_bracket",
            "previous_highlight",
            "Prev highlight",
            key_display="[",
            show=False,
            id="article-view.previous-highlight",
        ),
        Binding("v", "toggle_selection", "Select", id="article-view.select"),
        Binding(
            "h", "shrink_end", "Selection end −1 word", show=False, id="article-view.shrink-end"
        ),
        Binding("l", "grow_end", "Selection end +1 word", show=False, id="article-view.grow-end"),
        Binding(
            "shift+left",
            "shrink_end",
            "Selection end −1 word",
            show=False,
            id="article-view.shrink-end-arrow",
        ),
        Binding(
            "shift+right",
            "grow_end",
            "Selection end +1 word",
            show=False,
            id="article-view.grow-end-arrow",
        ),
        Binding(
            "H",
            "grow_start",
            "Selection start −1 word",
            show=False,
            id="article-view.grow-start",
        ),
        Binding(
            "L",
            "shrink_start",
            "Selection start +1 word",
            show=False,
            id="article-view.shrink-start",
        ),
        Binding("escape", "clear_selection", "Clear selection", id="article-view.clear"),
        Binding("n", "next_match", "Next match", show=False, id="article-view.next-match"),
        Binding("N", "previous_match", "Prev match", show=False, id="article-view.previous-match"),
    ]

    max_width: reactive[int] = reactive(88)
    """The widest the text column gets, in cells."""

    centered: reactive[bool] = reactive(True)
    """Centre the text column (else it sits at the left with a small margin)."""

    class SelectionChanged(Message):
        """The selection was made, changed or cleared (`selection` is None when cleared)."""

        def __init__(self, view: ArticleView, selection: Span | None) -> None:
            super().__init__()
            self.view = view
            self.selection = selection

        @property
        def control(self) -> ArticleView:
            """The view that posted the message."""
            return self.view

    class CursorMoved(Message):
        """The cursor moved; `highlight_id` is the highlight under it, if any."""

        def __init__(self, view: ArticleView, offset: int, highlight_id: str | None) -> None:
            super().__init__()
            self.view = view
            self.offset = offset
            self.highlight_id = highlight_id

        @property
        def control(self) -> ArticleView:
            """The view that posted the message."""
            return self.view

    class HighlightClicked(Message):
        """A highlight was clicked."""

        def __init__(self, view: ArticleView, annotation_id: str) -> None:
            super().__init__()
            self.view = view
            self.annotation_id = annotation_id

        @property
        def control(self) -> ArticleView:
            """The view that posted the message."""
            return self.view

    def __init__(
        self,
        article: Article | None = None,
        highlights: Iterable[Highlight] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._article: Article | None = None
        self._layout: ArticleLayout | None = None
        self._left = 0
        self._highlights: list[Highlight] = []
        self._highlight_lines: dict[int, list[int]] = {}
        self._matches: list[tuple[int, int]] = []
        self._match_lines: dict[int, list[int]] = {}
        self._current_match: int | None = None
        self._block_kinds: list[ParagraphKind] = []
        self._sentences: list[Span] = []
        self._sentence_starts: list[int] = []
        self._sentence_paragraph: list[int] = []
        self._paragraph_first: list[int] = []
        self._cursor: int | None = None
        self._point = 0
        self._word_mode = False  # the cursor was put on a word (w/b, a click, a match)
        self._word_cursor: tuple[int, int] | None = None
        self._anchor: tuple[int, int] | None = None  # where the selection started (a unit)
        self._head: tuple[int, int] | None = None  # the unit at the selection's moving end
        self._selection: tuple[int, int] | None = None
        self._drag_origin: int | None = None
        self._drag_range: tuple[int, int] | None = None
        self._words: WordIndex | None = None
        self._chinese = False  # the article has Chinese characters: words come from jieba
        self._pending_scroll: tuple[int, bool] | None = None
        self._generation = 0
        self._strips: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._highlight_styles: dict[tuple[str, bool], Style] = {}
        self._component_cache: dict[str, Style] = {}
        self._top_chord = TopChord(self, self.action_first_sentence)
        if article is not None:
            self.set_article(article, highlights)

    # Content -----------------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        """The article shown, if any."""
        return self._article

    @property
    def highlights(self) -> list[Highlight]:
        """The highlights drawn, sorted by start."""
        return list(self._highlights)

    @property
    def article_layout(self) -> ArticleLayout | None:
        """The current line layout (None until the view has a size and an article)."""
        return self._layout

    def set_article(self, article: Article, highlights: Iterable[Highlight] = ()) -> None:
        """Show `article` from its top, with `highlights`; search and selection are reset."""
        self._article = article
        self._layout = None
        self._words = None
        self._matches, self._current_match = [], None
        self._anchor, self._head, self._selection, self._drag_range = None, None, None, None
        self._word_mode, self._word_cursor = False, None
        self._chinese = _HAN.search(article.body) is not None
        if self._chinese and chinese.segmenter() is None:
            # Load jieba's dictionary (about a second) while the user reads.
            self.run_worker(
                chinese.load_segmenter,
                thread=True,
                group="segmenter",
                exclusive=True,
                exit_on_error=False,
            )
        blocks = article_blocks(article)
        sentences = list(article.sentences) or [
            Span(block.start, block.end) for block in blocks if block.end > block.start
        ]
        block_starts = [block.start for block in blocks]
        self._block_kinds = [block.kind for block in blocks]
        self._sentences = sentences
        self._sentence_starts = [span.start for span in sentences]
        self._sentence_paragraph = [
            max(bisect_right(block_starts, span.start) - 1, 0) for span in sentences
        ]
        self._paragraph_first = [
            index
            for index, paragraph in enumerate(self._sentence_paragraph)
            if index == 0 or paragraph != self._sentence_paragraph[index - 1]
        ]
        self._cursor = 0 if sentences else None
        self._point = sentences[0].start if sentences else 0
        self._highlights = []
        self.set_highlights(highlights)
        self.scroll_to(0, 0, animate=False)
        self._update_layout()

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Replace the highlights drawn over the text."""
        self._highlights = sorted(highlights, key=lambda h: (h.start, -h.end))
        self._index_spans()
        self._invalidate()

    # Public queries ----------------------------------------------------------------------

    @property
    def cursor_span(self) -> Span | None:
        """The sentence under the cursor."""
        return None if self._cursor is None else self._sentences[self._cursor]

    @property
    def cursor_offset(self) -> int:
        """The exact body offset of the cursor (a sentence start, click or match)."""
        return self._point

    @property
    def selection(self) -> Span | None:
        """The selected body range, trimmed of surrounding whitespace."""
        return self._trimmed(self._selection)

    @property
    def match_count(self) -> int:
        """How many search matches are marked."""
        return len(self._matches)

    @property
    def cursor_highlight(self) -> Highlight | None:
        """The highlight at the cursor point, else the innermost one touching its sentence."""
        span = self.cursor_span
        if span is None:
            return None
        end = bisect_left(self._highlights, span.end, key=lambda h: h.start)
        touching = [h for h in self._highlights[:end] if h.end > span.start]
        return self.highlight_at(self._point) or min(
            touching, key=lambda h: h.end - h.start, default=None
        )

    def highlight_at(self, offset: int) -> Highlight | None:
        """The innermost (shortest) highlight covering `offset`."""
        end = bisect_right(self._highlights, offset, key=lambda h: h.start)
        covering = [h for h in self._highlights[:end] if h.end > offset]
        return min(covering, key=lambda h: h.end - h.start, default=None)

    def cell_of_offset(self, offset: int) -> tuple[int, int] | None:
        """Virtual (x, y) of the cell drawing body `offset` (None before layout)."""
        if self._layout is None:
            return None
        row, cell = self._layout.position_of(offset)
        return self._left + cell, row

    def offset_at_cell(self, x: int, y: int) -> int | None:
        """Body offset of the character at virtual (x, y), clamped to its line."""
        if self._layout is None:
            return None
        return self._layout.offset_at(y, x - self._left)

    # Public commands ---------------------------------------------------------------------

    def scroll_to_offset(self, offset: int, *, center: bool = True) -> None:
        """Scroll so that body `offset` is visible (centred by default)."""
        cell = self.cell_of_offset(offset)
        if cell is None or not self.size.height:
            self._pending_scroll = (offset, center)
            return
        self._reveal_rows(cell[1], 1, center=center)

    def move_cursor_to(self, offset: int) -> None:
        """Put the cursor on the word at `offset` (in its sentence) and bring it into view."""
        if self._cursor is not None:
            self._move_cursor(self._sentence_at(offset), point=offset)

    def move_cursor_to_sentence(self, offset: int) -> None:
        """Put the cursor on the whole sentence holding `offset` (`v` then selects it)."""
        if self._cursor is not None:
            self._move_cursor(self._sentence_at(offset))

    def select_range(self, start: int, end: int, *, cursor: int | None = None) -> None:
        """Select body [start, end) with the cursor at `cursor` (default: its start; keys
        then adjust the selection)."""
        self.clear_selection()
        point = start if cursor is None else cursor
        self._move_cursor(self._sentence_at(point), point=point)
        self._anchor, self._head = (start, start), (end, end)
        self._set_selection((start, end))

    def clear_selection(self) -> None:
        """Drop the selection (keyboard or mouse)."""
        self._anchor = self._head = None
        self._set_selection(None)

    def set_search(self, query: str) -> int:
        """Mark every case-insensitive occurrence of `query`; return how many there are."""
        body = self._article.body if self._article else ""
        self._matches = list(find_all(body, query))
        self._current_match = None
        self._index_spans()
        self._invalidate()
        return len(self._matches)

    def go_to_hit(self, offset: int) -> None:
        """Move the cursor to a search hit at `offset`: there when a search match starts
        there (or no search is shown), else to the match that starts nearest it (the hit
        was found in text its file no longer has)."""
        starts = [start for start, _ in self._matches]
        after = bisect_left(starts, offset)
        if not starts or (after < len(starts) and starts[after] == offset):
            self.move_cursor_to(offset)
            return
        nearest = min(
            (i for i in (after - 1, after) if 0 <= i < len(starts)),
            key=lambda i: abs(starts[i] - offset),
        )
        self._go_to_match(nearest)

    def next_match(self) -> int | None:
        """Move the cursor to the next search match (wrapping); its index, or None."""
        if not self._matches:
            return None
        starts = [start for start, _ in self._matches]
        reference = self._match_reference()
        index = bisect_right(starts, reference)
        return self._go_to_match(index % len(starts))

    def previous_match(self) -> int | None:
        """Move the cursor to the previous search match (wrapping); its index, or None."""
        if not self._matches:
            return None
        starts = [start for start, _ in self._matches]
        reference = self._match_reference()
        if self._current_match is None:
            reference += 1
        index = bisect_left(starts, reference) - 1
        return self._go_to_match(index % len(starts))

    # Actions -----------------------------------------------------------------------------

    def action_next_sentence(self) -> None:
        """Move the cursor to the next sentence."""
        if self._cursor is not None:
            self._move_cursor(self._cursor + 1)

    def action_previous_sentence(self) -> None:
        """Move the cursor to the previous sentence."""
        if self._cursor is not None:
            self._move_cursor(self._cursor - 1)

    def action_next_paragraph(self) -> None:
        """Move the cursor to the first sentence of the next paragraph."""
        if self._cursor is not None:
            index = bisect_right(self._paragraph_first, self._cursor)
            if index < len(self._paragraph_first):
                self._move_cursor(self._paragraph_first[index])

    def action_previous_paragraph(self) -> None:
        """Move the cursor to the first sentence of the previous paragraph."""
        if self._cursor is not None:
            index = bisect_left(self._paragraph_first, self._cursor) - 1
            self._move_cursor(self._paragraph_first[max(index, 0)])

    def action_next_word(self) -> None:
        """Move the cursor to the next word (during a selection: move its end there)."""
        if self._cursor is not None:
            word = self._word_index().next_word(self._point)
            if word is not None:
                self._move_cursor(self._sentence_at(word[0]), point=word[0])

    def action_previous_word(self) -> None:
        """Move the cursor to the start of this word, else the previous one."""
        if self._cursor is not None:
            word = self._word_index().previous_word(self._point)
            if word is not None:
                self._move_cursor(self._sentence_at(word[0]), point=word[0])

    def action_first_sentence(self) -> None:
        """Move the cursor to the first sentence and show the top of the article."""
        if self._cursor is not None:
            self._move_cursor(0)
            self.scroll_home(animate=False, immediate=True)

    def action_tag_browser(self) -> None:
        """`g g`: the first sentence; `g` alone (after a pause): the tag browser."""
        self._top_chord.press()

    def action_last_sentence(self) -> None:
        """Move the cursor to the last sentence and show the end of the article."""
        if self._cursor is not None:
            self._move_cursor(len(self._sentences) - 1)
            self.scroll_end(animate=False, immediate=True)

    def action_next_highlight(self) -> None:
        """Move the cursor to the start of the next highlight."""
        later = [h.start for h in self._highlights if h.start > self._point]
        if self._cursor is None or not later:
            self.app.bell()
            return
        self._move_cursor(self._sentence_at(later[0]), point=later[0])

    def action_previous_highlight(self) -> None:
        """Move the cursor to the start of the previous highlight."""
        earlier = [h.start for h in self._highlights if h.start < self._point]
        if self._cursor is None or not earlier:
            self.app.bell()
            return
        self._move_cursor(self._sentence_at(earlier[-1]), point=earlier[-1])

    def action_toggle_selection(self) -> None:
        """Start a selection at the cursor (its word after w/b, a click or a match, else its
        sentence), or drop the current one."""
        if self._selection is not None:
            self.clear_selection()
        elif self._cursor is not None:
            unit = self._cursor_unit()
            self._anchor = self._head = unit
            self._set_selection(unit)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a selection; without one it is the screen's (Back)."""
        if action == "clear_selection":
            return self._selection is not None
        return True

    def action_clear_selection(self) -> None:
        """Drop the selection."""
        self.clear_selection()

    def action_grow_end(self) -> None:
        """Extend the selection's end by one word."""
        start, end = self._require_selection()
        new_end = self._word_index().next_end(end)
        if new_end is not None:
            self._adjust_selection(start, new_end, moved_end=True)

    def action_shrink_end(self) -> None:
        """Pull the selection's end back by one word."""
        start, end = self._require_selection()
        new_end = self._word_index().previous_end(end)
        if new_end is not None and new_end > start:
            self._adjust_selection(start, new_end, moved_end=True)

    def action_grow_start(self) -> None:
        """Move the selection's start one word earlier."""
        start, end = self._require_selection()
        new_start = self._word_index().previous_start(start)
        if new_start is not None:
            self._adjust_selection(new_start, end, moved_end=False)

    def action_shrink_start(self) -> None:
        """Move the selection's start one word later."""
        start, end = self._require_selection()
        new_start = self._word_index().next_start(start)
        if new_start is not None and new_start < end:
            self._adjust_selection(new_start, end, moved_end=False)

    def action_next_match(self) -> None:
        """Go to the next search match (otherwise let the key reach the screen)."""
        if self.next_match() is None:
            raise SkipAction()

    def action_previous_match(self) -> None:
        """Go to the previous search match (otherwise let the key reach the screen)."""
        if self.previous_match() is None:
            raise SkipAction()

    # Mouse -------------------------------------------------------------------------------

    def _offset_under(self, event: events.MouseEvent) -> int | None:
        if self._layout is None:
            return None
        x, y = event.get_content_offset_capture(self)
        row = y + round(self.scroll_y)
        row = min(max(row, self._layout.body_top), self._layout.height - 1)
        return self.offset_at_cell(x + round(self.scroll_x), row)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or event.get_content_offset(self) is None or self._layout is None:
            return
        x, y = event.get_content_offset_capture(self)
        offset = self.offset_at_cell(x + round(self.scroll_x), y + round(self.scroll_y))
        if offset is None:
            return
        self._drag_origin = offset
        self._drag_range = None
        self.capture_mouse()
        self.focus()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_origin is None:
            return
        offset = self._offset_under(event)
        if offset is None or offset == self._drag_origin:
            snapped = None
        else:
            low, high = sorted((self._drag_origin, offset))
            snapped = self._word_index().snap(low, high + 1)
        if snapped != self._drag_range:
            self._drag_range = snapped
            self._invalidate()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        origin, dragged = self._drag_origin, self._drag_range
        if origin is None:
            return
        self._drag_origin, self._drag_range = None, None
        self.release_mouse()
        if dragged is not None:
            # Keys go on from the drag: its start stays, w/b/h/l move its end.
            self._anchor, self._head = (dragged[0], dragged[0]), (dragged[1], dragged[1])
            self._set_selection(dragged)
            self._place_point(max(dragged[1] - 1, dragged[0]))
            return
        self._invalidate()
        self.move_cursor_to(origin)
        clicked = self.highlight_at(origin)
        if clicked is not None:
            self.post_message(self.HighlightClicked(self, clicked.annotation_id))

    # Layout and rendering ----------------------------------------------------------------

    def _on_resize(self, event: events.Resize) -> None:
        self._update_layout()

    def watch_max_width(self) -> None:
        """Re-wrap at the new width."""
        self._update_layout()

    def watch_centered(self) -> None:
        """Move the text column."""
        self._update_layout()

    def notify_style_update(self) -> None:
        """Styles (or the theme) changed: drop the rendered lines."""
        super().notify_style_update()
        self._component_cache.clear()
        self._invalidate()

    def _update_layout(self) -> None:
        width = self.scrollable_content_region.width
        if self._article is None or width <= 0:
            return
        pad = 2 if width > 12 else 0
        wrap = max(1, min(self.max_width, width - 2 * pad))
        self._left = (width - wrap) // 2 if self.centered else pad
        layout = self._layout
        rewrapped = layout is not None and layout.width != max(wrap, 4)
        if layout is None or layout.width != max(wrap, 4):
            layout = ArticleLayout(self._article, wrap)
            self._layout = layout
            self._index_spans()
        self.virtual_size = Size(width, layout.height)
        self._invalidate()
        if self._pending_scroll is not None:
            offset, center = self._pending_scroll
            self._pending_scroll = None
            self.call_after_refresh(self.scroll_to_offset, offset, center=center)
        elif rewrapped:  # a new width moves every line: keep the reader's place
            self.call_after_refresh(self.scroll_to_offset, self.cursor_offset, center=True)

    def _index_spans(self) -> None:
        """Find the lines each highlight and search match touch."""
        if self._layout is None:
            self._highlight_lines, self._match_lines = {}, {}
            return
        spans = [(h.start, h.end) for h in self._highlights]
        self._highlight_lines = bucket_by_line(self._layout, spans)
        self._match_lines = bucket_by_line(self._layout, self._matches)

    def _invalidate(self) -> None:
        self._generation += 1
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Draw row `y` of the visible area."""
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        key = (row, width, self._generation)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build_strip(row, width)
            self._strips[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _build_strip(self, row: int, width: int) -> Strip:
        base = self.rich_style
        layout = self._layout
        if layout is None or row >= layout.height:
            return Strip.blank(width, base)
        line = Text(" " * self._left, style=base, no_wrap=True, end="")
        if row < layout.body_top:
            content, role = layout.header[row]
            if role in _ROLE_COMPONENTS:
                line.append(content, style=self._component(_ROLE_COMPONENTS[role]))
        else:
            index = row - layout.body_top
            if layout.paragraphs[index] >= 0:
                self._draw_body_line(line, index)
        return Strip(list(line.render(self.app.console)), line.cell_len)

    def _draw_body_line(self, line: Text, index: int) -> None:
        layout = self._layout
        assert layout is not None
        cursor = self.cursor_span
        on_cursor = cursor is not None and index in layout.lines_between(cursor.start, cursor.end)
        if on_cursor and self._left:
            line.right_crop(1)
            line.append(GUTTER_MARK, style=self._component("article-view--gutter"))
        kind = self._block_kinds[layout.paragraphs[index]]
        kind_style = self._component(_KIND_COMPONENTS[kind]) if kind in _KIND_COMPONENTS else None
        if layout.indents[index]:
            line.append(CAPTION_PREFIX, style=kind_style or "")
        start, end = layout.starts[index], layout.ends[index]
        text = Text(layout.text[start:end], style=kind_style or "", end="")

        def paint(span_start: int, span_end: int, style: Style) -> None:
            low, high = max(span_start, start), min(span_end, end)
            if low < high:
                text.stylize(style, low - start, high - start)

        if cursor is not None:
            paint(cursor.start, cursor.end, self._component("article-view--cursor"))
        word = self._word_cursor
        touching = [self._highlights[i] for i in self._highlight_lines.get(index, ())]
        for run in paint_runs(start, end, touching):
            paint(run.start, run.end, self._highlight_style(run.highlight.colour, run.depth > 1))
        for i in self._match_lines.get(index, ()):
            name = "current" if i == self._current_match else "match"
            paint(*self._matches[i], self._component(f"article-view--search-{name}"))
        chosen = self._drag_range or self._selection
        if chosen is not None:
            paint(*chosen, self._component("article-view--selection"))
        elif word is not None:
            paint(*word, self._component("article-view--word"))
        line.append_text(text)

    def _component(self, name: str) -> Style:
        """A component's own style, translucent colours blended over the view's background."""
        style = self._component_cache.get(name)
        if style is None:
            styles = self.get_component_styles(name)
            under = self.background_colors[1]
            background = under + styles.background if styles.has_rule("background") else None
            colour = None
            if styles.has_rule("color"):
                text_under = background or under
                colour = (
                    text_under.get_contrast_text(styles.color.a)
                    if styles.color.auto
                    else text_under + styles.color
                )
            style = (
                Style(
                    color=colour.rich_color if colour else None,
                    bgcolor=background.rich_color if background else None,
                )
                + styles.text_style
            )
            self._component_cache[name] = style
        return style

    def _highlight_style(self, colour: str, overlapped: bool) -> Style:
        key = (colour, overlapped)
        style = self._highlight_styles.get(key)
        if style is None:
            try:
                background = Color.parse(colour)
            except ColorParseError:
                background = Color.parse(FALLBACK_COLOUR)
            style = Style(
                bgcolor=background.rich_color,
                color=background.get_contrast_text(1.0).rich_color,
                underline=overlapped,
            )
            self._highlight_styles[key] = style
        return style

    # Cursor and selection internals ------------------------------------------------------

    def _sentence_at(self, offset: int) -> int:
        return max(bisect_right(self._sentence_starts, offset) - 1, 0)

    def _move_cursor(self, index: int, *, point: int | None = None) -> None:
        """Put the cursor on sentence `index`, at its start or at `point` (a word cursor)."""
        index = min(max(index, 0), len(self._sentences) - 1)
        span = self._sentences[index]
        self._cursor = index
        self._point = span.start if point is None else point
        self._word_mode = point is not None
        self._word_cursor = self._cursor_unit() if self._word_mode else None
        if self._anchor is not None:
            self._head = self._cursor_unit()
            self._set_selection(spanning(self._anchor, self._head))
        self._invalidate()
        if self._layout is not None and self.size.height:
            top = self._layout.position_of(span.start)[0]
            bottom = self._layout.position_of(max(span.end - 1, span.start))[0]
            self._reveal_rows(top, bottom - top + 1, center=False)
            if point is not None:
                self._reveal_rows(self._layout.position_of(point)[0], 1, center=False)
        else:
            self._pending_scroll = (self._point, False)
        hit = self.cursor_highlight
        self.post_message(self.CursorMoved(self, self._point, hit.annotation_id if hit else None))

    def _cursor_unit(self) -> tuple[int, int]:
        """What the cursor is on: its word in word mode, else its sentence."""
        assert self._cursor is not None
        sentence = self._sentences[self._cursor]
        if self._word_mode:
            word = self._word_index().word_within(self._point, sentence.start, sentence.end)
            if word is not None:
                return word
        return sentence.start, sentence.end

    def _place_point(self, offset: int) -> None:
        """Move the cursor point to `offset` without changing the selection."""
        self._cursor = self._sentence_at(offset)
        self._point = offset
        self._word_mode = True
        self._word_cursor = self._cursor_unit()
        self._invalidate()
        if self._layout is not None and self.size.height:
            self._reveal_rows(self._layout.position_of(offset)[0], 1, center=False)
        hit = self.cursor_highlight
        self.post_message(self.CursorMoved(self, self._point, hit.annotation_id if hit else None))

    def _adjust_selection(self, start: int, end: int, *, moved_end: bool) -> None:
        """Set the selection after a step of one of its ends; the cursor follows that end."""
        if moved_end:
            self._anchor, self._head = (start, start), (end, end)
        else:
            self._anchor, self._head = (end, end), (start, start)
        self._set_selection((start, end))
        self._place_point(max(end - 1, start) if moved_end else start)

    def _reveal_rows(self, row: int, height: int, *, center: bool) -> None:
        height = min(height, max(self.scrollable_content_region.height, 1))
        # force: right after a resize the scrollbars (and so allow_vertical_scroll) lag behind
        self.scroll_to_region(
            Region(0, row, 1, height),
            animate=False,
            center=center,
            x_axis=False,
            force=True,
            immediate=True,
        )

    def _set_selection(self, selection: tuple[int, int] | None) -> None:
        before = self.selection
        self._selection = selection
        self._invalidate()
        after = self.selection
        if after != before:
            self.post_message(self.SelectionChanged(self, after))
            if (before is None) != (after is None):
                self.refresh_bindings()  # escape now clears, or goes back

    def _require_selection(self) -> tuple[int, int]:
        if self._selection is None:
            raise SkipAction()
        return self._selection

    def _trimmed(self, selection: tuple[int, int] | None) -> Span | None:
        if selection is None or self._article is None:
            return None
        body = self._article.body
        start, end = selection
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        return Span(start, end) if end > start else None

    def _word_index(self) -> WordIndex:
        if self._words is None:
            body = self._article.body if self._article else ""
            # Usually loaded in the background by now; else this waits for it (once).
            segmenter = chinese.load_segmenter() if self._chinese else None
            self._words = WordIndex(body, segmenter)
        return self._words

    def _match_reference(self) -> int:
        if self._current_match is not None:
            return self._matches[self._current_match][0]
        return self._point - 1

    def _go_to_match(self, index: int) -> int:
        self._current_match = index
        start = self._matches[index][0]
        if self._cursor is not None:
            self._move_cursor(self._sentence_at(start), point=start)
        self._invalidate()
        return index
