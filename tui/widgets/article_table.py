"""The library's article table: every row of a large collection, drawn only where visible.

Textual's DataTable measures and stores every cell of every row; at 10,000 articles
rebuilding it for a new filter or sort took about 0.3 s per 2,000 rows. This table asks a
`RowSource` for the rows it draws, through the Line API, only the lines on screen: a
source can make each row when it is asked for (the library's does), so a collection of any
size is listed whole without a row object per article. Cells are drawn as plain segments:
article text is never parsed as markup.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import ClassVar, Literal, Protocol

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from tui.widgets.display import display_text
from tui.widgets.row_table import RowTable

COLUMN_GAP = 2
ELLIPSIS = "…"


@dataclass(frozen=True)
class TableColumn:
    """A column: its label, alignment, and the widest it may grow (None: the flexible one)."""

    label: str
    justify: Literal["left", "right"] = "left"
    max_width: int | None = None
    min_width: int = 4
    priority: int = 0
    """When the table is too narrow, fixed columns of lower priority give way first."""


@dataclass(frozen=True)
class TableRow:
    """One row: the key it is known by (an article id) and its cells, left to right."""

    key: str
    cells: tuple[str, ...]
    hover: str | None = None
    """Shown as a tooltip while the mouse is over the row (the full date and time, say)."""


class RowSource(Protocol):
    """What the table shows: rows by position, made when they are asked for."""

    def __len__(self) -> int:
        """How many rows there are."""
        ...

    def row(self, index: int) -> TableRow:
        """The row at `index` (0 is the first)."""
        ...

    def index_of(self, key: str) -> int | None:
        """Where the row with `key` is, or None."""
        ...


class RowList:
    """A `RowSource` over rows made in advance."""

    def __init__(self, rows: list[TableRow], positions: dict[str, int] | None = None) -> None:
        self._rows = rows
        self._positions = (
            positions if positions is not None else {row.key: i for i, row in enumerate(rows)}
        )

    def __len__(self) -> int:
        return len(self._rows)

    def row(self, index: int) -> TableRow:
        """The row at `index`."""
        return self._rows[index]

    def index_of(self, key: str) -> int | None:
        """Where the row with `key` is, or None."""
        return self._positions.get(key)


class ArticleTable(RowTable, can_focus=True, inherit_bindings=False):
    """A sortable list of rows with a header line and a row cursor."""

    DEFAULT_CSS = """
    ArticleTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;

        & > .article-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .article-table--stripe {
            background: $surface-lighten-1 50%;
        }
        & > .article-table--hover {
            background: $block-hover-background;
        }
        & > .article-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .article-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-table--header",
        "article-table--stripe",
        "article-table--cursor",
        "article-table--hover",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="library.open-row"),
        Binding("up,k", "cursor_up", "Up", show=False, id="article-table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="article-table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="article-table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="article-table.page-down"),
        Binding("home", "first_row", "First", show=False, id="article-table.first"),
        Binding("end", "last_row", "Last", show=False, id="article-table.last"),
    ]

    class RowSelected(Message):
        """Enter, or a click on the cursor's row: the row's key."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class CursorMoved(Message):
        """The cursor is on another row (or the rows changed under it)."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    class HeaderSelected(Message):
        """A click on a column's label."""

        def __init__(self, column_index: int) -> None:
            super().__init__()
            self.column_index = column_index

    def __init__(self, columns: tuple[TableColumn, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self._rows: RowSource = RowList([])
        self._content_widths = [cell_len(column.label) + 2 for column in columns]
        self._widths: tuple[int, list[int]] | None = None  # (table width, column widths)
        self._sorted: tuple[int, bool] | None = None
        self.cursor_row = 0
        self._hover_row: int | None = None
        # Whether the user moved the cursor or opened a row (see `set_source`).
        self._touched = False

    # Data ---------------------------------------------------------------------------------

    def measure_rows(self, rows: list[TableRow]) -> tuple[dict[str, int], list[int]]:
        """Each row's position by key and the content width of each column: what `set_rows`
        needs (this part may run in a thread; at 100,000 rows it takes a while)."""
        labels = [cell_len(column.label) + 2 for column in self.columns]  # room for " ↓"
        widths = [
            max(label, widest(row.cells[index] for row in rows))
            if column.max_width is not None
            else label
            for index, (column, label) in enumerate(zip(self.columns, labels, strict=True))
        ]
        return {row.key: index for index, row in enumerate(rows)}, widths

    def set_rows(
        self, rows: list[TableRow], measured: tuple[dict[str, int], list[int]] | None = None
    ) -> None:
        """Show `rows` (with `measure_rows(rows)`, if already done); the cursor stays on the
        same key when it is still listed."""
        positions, widths = measured or self.measure_rows(rows)
        self.set_source(RowList(rows, positions), widths)

    def set_source(
        self, rows: RowSource, content_widths: list[int], *, keep_place: bool = False
    ) -> None:
        """Show the rows of `rows`, whose columns' content is `content_widths` cells wide at
        most (labels included); the cursor stays on the same key when it is still listed.
        Its row stays on the same line of the screen as far as the rows above it allow (a
        filter that leaves fewer rows above it shows them all, rather than scroll them out
        of view). `keep_place` (rows arriving): the same, unless the table is as it opened
        (the cursor never moved, the view at the top): then the cursor stays on the first
        row, as the rows would open, so the top of the table is its top."""
        follow_top = keep_place and not self._touched and round(self.scroll_y) == 0
        current = None if follow_top else self.cursor_key
        line = self.cursor_row - round(self.scroll_y)
        self._rows = rows
        self._content_widths = list(content_widths)
        self._widths = None
        found = rows.index_of(current) if current is not None else None
        self.cursor_row = min(found or 0, max(len(rows) - 1, 0))
        self._hover_row = None
        self._update_virtual_size()
        if found is not None:
            self.scroll_to(y=max(found - line, 0), animate=False, immediate=True, force=True)
        self._reveal_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor_row))

    def set_sort(self, column_index: int, reverse: bool) -> None:
        """Mark the column the rows are sorted by (an arrow beside its label)."""
        self._sorted = (column_index, reverse)
        self.refresh()

    @property
    def row_count(self) -> int:
        """How many rows the table lists."""
        return len(self._rows)

    def row(self, index: int) -> TableRow:
        """The row at `index` (0 is the first below the header)."""
        return self._rows.row(index)

    def index_of(self, key: str) -> int | None:
        """Where the row with `key` is, or None when it is not listed."""
        return self._rows.index_of(key)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor."""
        return self._rows.row(self.cursor_row).key if len(self._rows) else None

    def cursor_moved(self, row: int) -> None:
        """Tell the screen the cursor is on another row."""
        self.post_message(self.CursorMoved(row))

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped to the rows) and scroll it into view (the
        user has touched the table, see `set_source`)."""
        if len(self._rows):
            self._touched = True
        super().move_cursor(index)

    def centre_cursor(self, index: int) -> None:
        """Put the cursor on row `index` in the middle of the screen (as far as the rows
        allow), the rows before it in view: where a table reopens at a remembered row."""
        self.move_cursor(index)
        top = max(self.cursor_row - self._visible_rows() // 2, 0)
        self.scroll_to(y=top, animate=False, immediate=True, force=True)
        self._reveal_cursor()

    # Geometry -------------------------------------------------------------------------------

    def column_widths(self, width: int) -> list[int]:
        """Each column's width in cells for a table `width` cells wide.

        Fixed columns take their content's width (up to `max_width`, and never less than
        their label with a sort arrow); the flexible ones share what is left. When that is
        too little, the flexible columns give way down to `min_width`, then the fixed
        columns of lowest priority (down to their `min_width`), so every column stays on
        screen. Worked out once per width and rows.
        """
        if self._widths is None or self._widths[0] != width:
            self._widths = (width, self._fit_columns(width))
        return list(self._widths[1])

    def _fit_columns(self, width: int) -> list[int]:
        widths = [
            max(min(content, column.max_width), cell_len(column.label) + 2)
            if column.max_width is not None
            else column.min_width
            for column, content in zip(self.columns, self._content_widths, strict=True)
        ]
        flexible = [i for i, column in enumerate(self.columns) if column.max_width is None]
        available = width - 1 - COLUMN_GAP * (len(self.columns) - 1)
        spare = available - sum(widths)
        if spare >= 0:
            for number, index in enumerate(flexible):  # share the spare cells out
                widths[index] += spare // len(flexible) + (number < spare % len(flexible))
            return widths
        fixed = [i for i in range(len(widths)) if i not in flexible]
        for index in sorted(fixed, key=lambda i: self.columns[i].priority):
            give = min(-spare, max(widths[index] - self.columns[index].min_width, 0))
            widths[index] -= give
            spare += give
            if spare >= 0:
                break
        return widths

    def _column_at(self, x: int) -> int | None:
        widths = self.column_widths(self.scrollable_content_region.width)
        edges = list(accumulate(width + COLUMN_GAP for width in widths))
        index = bisect_right(edges, x - 1)
        return index if index < len(widths) else None

    # Drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """The header at the top, then the rows scrolled into view."""
        width = self.scrollable_content_region.width
        widths = self.column_widths(width)
        base = self.rich_style
        if y == 0:
            labels = [self._label(index) for index in range(len(self.columns))]
            style = base + self.get_component_rich_style("article-table--header")
            return self._strip(labels, widths, width, style)
        index = self._row_at(y)
        if index is None:
            return Strip.blank(width, base)
        style = base
        if index % 2:
            style += self.get_component_rich_style("article-table--stripe")
        if index == self._hover_row:
            style += self.get_component_rich_style("article-table--hover")
        if index == self.cursor_row:
            style += self.get_component_rich_style("article-table--cursor")
        return self._strip(list(self._rows.row(index).cells), widths, width, style)

    def _label(self, index: int) -> str:
        label = self.columns[index].label
        if self._sorted is not None and self._sorted[0] == index:
            label += " ↓" if self._sorted[1] else " ↑"
        return label

    def _strip(self, cells: list[str], widths: list[int], width: int, style: Style) -> Strip:
        parts = []
        for cell, column, cell_width in zip(cells, self.columns, widths, strict=True):
            cell = display_text(cell)  # one line: breaks and tabs drawn as spaces
            if cell_len(cell) > cell_width:
                cell = _cut(cell, max(cell_width - 1, 0)) + ELLIPSIS
            padding = " " * (cell_width - cell_len(cell))
            parts.append(padding + cell if column.justify == "right" else cell + padding)
        line = set_cell_size(" " + (" " * COLUMN_GAP).join(parts), width)
        return Strip([Segment(line, style)], width)

    # Input ---------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click on a label sorts; on a row moves the cursor; on the cursor's row opens."""
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None:
                self.post_message(self.HeaderSelected(column))
            return
        index = self._row_at(event.y)
        if index is None:
            return
        if index == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the row under the mouse."""
        index = self._row_at(event.y)
        if index != self._hover_row:
            self._hover_row = index
            self.tooltip = self._rows.row(index).hover if index is not None else None
            self.refresh()

    def on_leave(self, _: events.Leave) -> None:
        """No row is highlighted once the mouse has left."""
        if self._hover_row is not None:
            self._hover_row = None
            self.tooltip = None
            self.refresh()

    def action_select_cursor(self) -> None:
        """Open the row under the cursor."""
        if len(self._rows):
            self._touched = True
            self.post_message(self.RowSelected(self._rows.row(self.cursor_row).key))


def widest(cells: Iterable[str]) -> int:
    """The width in cells of the widest of `cells` (ASCII ones measured by length: faster)."""
    return max((len(cell) if cell.isascii() else cell_len(cell) for cell in cells), default=0)


def _cut(text: str, width: int) -> str:
    """The longest start of `text` at most `width` cells wide (a wide character that would
    straddle the edge is left out rather than replaced by a space)."""
    taken = 0
    for index, char in enumerate(text):
        taken += get_character_cell_size(char)
        if taken > width:
            return text[:index]
    return text
