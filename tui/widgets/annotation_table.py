"""The annotation browser's table: every annotation of the collection, drawn only where
visible.

Like the library's `ArticleTable`, rows are kept as they are (here `AnnotationRow`s, built
once) and only the lines on screen are formatted and drawn through the Line API, so a new
filter over 100,000 annotations costs the filtering and nothing per row. Column widths are
fixed by the table's width (not measured from every row), tags are drawn in their colours,
and every cell is a plain segment: quotes, notes and titles are never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from annotations.query import AnnotationRow
from annotations.tags import natural_key, tag_key
from tui.widgets.article_table import _cut
from tui.widgets.display import display_text
from tui.widgets.row_table import RowTable

COLUMN_GAP = 1
ELLIPSIS = "…"
MARK = "●"


@dataclass(frozen=True)
class BrowserColumn:
    """A column: label, width (0: shares what is left), the cell text and the sort key."""

    key: str
    label: str
    width: int
    text: Callable[[AnnotationRow], str]
    sort_key: Callable[[AnnotationRow], object]
    min_width: int = 6  # what a narrow window may shrink it to


def _date(row: AnnotationRow) -> str:
    return row.date[:10]


COLUMNS: tuple[BrowserColumn, ...] = (
    BrowserColumn(
        "quote", "Quote", 0, lambda r: r.annotation.quote, lambda r: r.annotation.quote.casefold()
    ),
    BrowserColumn(
        "tags",
        "Tags",
        18,
        lambda r: ", ".join(r.annotation.tags),
        lambda r: tuple(map(natural_key, r.annotation.tags)),  # e1, e2, e10
    ),
    BrowserColumn(
        "note",
        "Note",
        14,
        lambda r: r.annotation.note or "",
        lambda r: (r.annotation.note or "").casefold(),
    ),
    BrowserColumn(
        "title",
        "Article",
        20,
        lambda r: r.title or r.annotation.article,
        lambda r: (r.title or r.annotation.article).casefold(),
    ),
    BrowserColumn("outlet", "Outlet", 12, lambda r: r.outlet, lambda r: r.outlet_key),
    BrowserColumn("date", "Date", 10, _date, lambda r: r.date, min_width=10),  # whole
    BrowserColumn("coder", "Coder", 10, lambda r: r.coder, lambda r: r.coder.casefold()),
    BrowserColumn(
        "anchor",
        "Anchor",
        8,
        lambda r: str(r.annotation.anchor),
        lambda r: str(r.annotation.anchor),
    ),
)
MIN_QUOTE_WIDTH = 16


class AnnotationTable(RowTable, can_focus=True, inherit_bindings=False):
    """Annotation rows with a header, a row cursor and marks."""

    DEFAULT_CSS = """
    AnnotationTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;

        & > .annotation-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .annotation-table--stripe {
            background: $surface-lighten-1 50%;
        }
        & > .annotation-table--marked {
            text-style: bold;
        }
        & > .annotation-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .annotation-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-table--header",
        "annotation-table--stripe",
        "annotation-table--cursor",
        "annotation-table--marked",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="annotation-table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="annotation-table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="annotation-table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="annotation-table.page-down"),
        Binding("home", "first_row", "First", show=False, id="annotation-table.first"),
        Binding("end", "last_row", "Last", show=False, id="annotation-table.last"),
    ]

    class CursorMoved(Message):
        """The cursor is on another row (or the rows changed under it)."""

    class HeaderSelected(Message):
        """A click on a column's label: its key."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    class RowClicked(Message):
        """A click on the cursor's row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[AnnotationRow] = []
        self.marked: set[str] = set()
        self.tag_colours: Mapping[str, str] = {}
        self.cursor_row = 0
        self._sorted: tuple[str, bool] | None = None
        self._show_coder = False

    # Data ---------------------------------------------------------------------------------

    def set_rows(self, rows: list[AnnotationRow], *, keep_cursor: bool = True) -> None:
        """Show `rows`; the cursor stays on the same annotation when it is still listed,
        on the same line of the screen as far as the rows above it allow."""
        current = self.cursor_id if keep_cursor else None
        line = self.cursor_row - round(self.scroll_y)
        self.rows = rows
        found = None
        if current is not None:
            found = next((i for i, row in enumerate(rows) if row.annotation.id == current), None)
        self.cursor_row = found or 0
        self._update_virtual_size()
        if found is not None:
            self.scroll_to(y=max(found - line, 0), animate=False, immediate=True, force=True)
        self._reveal_cursor()
        self.refresh()
        self.post_message(self.CursorMoved())

    @property
    def row_count(self) -> int:
        """How many rows the table lists."""
        return len(self.rows)

    def cursor_moved(self, row: int) -> None:
        """Tell the screen the cursor is on another row."""
        self.post_message(self.CursorMoved())

    def show_coder(self, show: bool) -> None:
        """Show the Coder column (the browser shows it when the annotations listed are by
        more than one coder)."""
        if show != self._show_coder:
            self._show_coder = show
            self.refresh()

    def set_sort(self, column: str, reverse: bool) -> None:
        """Mark the column the rows are sorted by."""
        self._sorted = (column, reverse)
        self.refresh()

    @property
    def columns(self) -> tuple[BrowserColumn, ...]:
        """The columns shown."""
        return tuple(c for c in COLUMNS if c.key != "coder" or self._show_coder)

    @property
    def cursor_id(self) -> str | None:
        """The id of the annotation under the cursor."""
        return self.rows[self.cursor_row].annotation.id if self.rows else None

    @property
    def cursor_annotation_row(self) -> AnnotationRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor_row] if self.rows else None

    # Geometry -------------------------------------------------------------------------------

    def column_widths(self, width: int) -> list[int]:
        """Each shown column's width: fixed ones as declared, the quote takes the rest
        (at least MIN_QUOTE_WIDTH; then the fixed ones shrink, widest first, none below
        its `min_width`: a date stays whole)."""
        columns = self.columns
        widths = [column.width for column in columns]
        available = width - 2 - COLUMN_GAP * len(columns)  # 2: the mark column
        spare = available - sum(widths)
        flexible = [i for i, column in enumerate(columns) if column.width == 0]
        while spare < MIN_QUOTE_WIDTH:
            shrinkable = [i for i, column in enumerate(columns) if widths[i] > column.min_width]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            spare += 1
        for index in flexible:
            widths[index] = max(spare, 1)
        return widths

    # Drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """The header at the top, then the rows scrolled into view."""
        width = self.scrollable_content_region.width
        widths = self.column_widths(width)
        base = self.rich_style
        columns = self.columns
        if y == 0:
            style = base + self.get_component_rich_style("annotation-table--header")
            cells = [[(self._label(column), style)] for column in columns]
            return self._strip(cells, widths, width, style, "  ")
        index = self._row_at(y)
        if index is None:
            return Strip.blank(width, base)
        row = self.rows[index]
        style = base
        if index % 2:
            style += self.get_component_rich_style("annotation-table--stripe")
        if row.annotation.id in self.marked:
            style += self.get_component_rich_style("annotation-table--marked")
        if index == self.cursor_row:
            style += self.get_component_rich_style("annotation-table--cursor")
        cells = [
            self._tag_pieces(row, style) if column.key == "tags" else [(column.text(row), style)]
            for column in columns
        ]
        mark = MARK + " " if row.annotation.id in self.marked else "  "
        return self._strip(cells, widths, width, style, mark)

    def _tag_pieces(self, row: AnnotationRow, style: Style) -> list[tuple[str, Style]]:
        pieces: list[tuple[str, Style]] = []
        for number, tag in enumerate(row.annotation.tags):
            if number:
                pieces.append((", ", style))
            colour = self.tag_colours.get(tag_key(tag))
            pieces.append((tag, style + Style(color=colour, bold=True) if colour else style))
        return pieces

    def _label(self, column: BrowserColumn) -> str:
        if self._sorted is not None and self._sorted[0] == column.key:
            return column.label + (" ↓" if self._sorted[1] else " ↑")
        return column.label

    def _strip(
        self,
        cells: list[list[tuple[str, Style]]],
        widths: list[int],
        width: int,
        style: Style,
        mark: str,
    ) -> Strip:
        segments = [Segment(mark, style)]
        for pieces, cell_width in zip(cells, widths, strict=True):
            segments.append(Segment(" " * COLUMN_GAP, style))
            segments.extend(_fit(pieces, cell_width, style))
        strip = Strip(segments)
        return strip.crop_extend(0, width, style)

    # Input ---------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click on a label sorts; on a row moves the cursor; on the cursor's row opens."""
        if event.y == 0:
            x = 2
            for column, cell_width in zip(
                self.columns, self.column_widths(self.scrollable_content_region.width), strict=True
            ):
                x += COLUMN_GAP + cell_width
                if event.x < x:
                    self.post_message(self.HeaderSelected(column.key))
                    return
            return
        index = self._row_at(event.y)
        if index is None:
            return
        if index == self.cursor_row:
            self.post_message(self.RowClicked())
        else:
            self.move_cursor(index)


def _fit(pieces: list[tuple[str, Style]], width: int, style: Style) -> list[Segment]:
    """Styled pieces on one line, cut with an ellipsis or padded (in `style`) to `width`."""
    texts = [(display_text(text), piece_style) for text, piece_style in pieces]
    total = sum(cell_len(text) for text, _ in texts)
    segments: list[Segment] = []
    if total <= width:
        segments = [Segment(text, piece_style) for text, piece_style in texts]
        segments.append(Segment(" " * (width - total), style))
        return segments
    left = width - 1  # room for the ellipsis
    for text, piece_style in texts:
        size = cell_len(text)
        if size >= left:
            cut = _cut(text, left)
            segments.append(Segment(cut + ELLIPSIS, piece_style))
            left -= cell_len(cut)
            break
        segments.append(Segment(text, piece_style))
        left -= size
    if left > 0:
        segments.append(Segment(" " * left, style))
    return segments
