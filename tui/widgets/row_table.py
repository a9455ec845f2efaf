"""What the library's table and the annotation browser's table share: rows under a header
line, scrolled a row at a time, with a row cursor moved by keys (the bindings are each
table's own, with ids of their own)."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class RowTable(ScrollView):
    """A header line, then one line per row, and a cursor on one row (`cursor_row`).

    A table says how many rows it has (`row_count`) and what a moved cursor tells the
    screen (`cursor_moved`); it draws its lines itself (`render_line`)."""

    cursor_row: int

    @property
    def row_count(self) -> int:
        """How many rows the table lists."""
        raise NotImplementedError

    def cursor_moved(self, row: int) -> None:
        """Tell the screen the cursor is on another row (a table posts its message)."""
        raise NotImplementedError

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped to the rows) and scroll it into view."""
        total = self.row_count
        if not total:
            return
        row = max(0, min(index, total - 1))
        if row != self.cursor_row:
            self.cursor_row = row
            self.cursor_moved(row)
        self._reveal_cursor()
        self.refresh()

    # Geometry -------------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _reveal_cursor(self) -> None:
        top = round(self.scroll_y)
        visible = self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True, force=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(
                y=self.cursor_row - visible + 1, animate=False, immediate=True, force=True
            )

    def on_resize(self) -> None:
        """Keep the virtual size and the cursor's place in step with the new size."""
        self._update_virtual_size()
        self._reveal_cursor()

    def _row_at(self, y: int) -> int | None:
        """The row drawn at screen line `y`, or None for the header or below the rows."""
        if y < 1:
            return None
        index = round(self.scroll_y) + y - 1
        return index if index < self.row_count else None

    # Focus and keys -------------------------------------------------------------------------

    def on_focus(self) -> None:
        """The cursor's colour shows whether the table has the focus."""
        self.refresh()

    def on_blur(self) -> None:
        """The cursor's colour shows whether the table has the focus."""
        self.refresh()

    def action_cursor_up(self) -> None:
        """One row up."""
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        """A screenful up."""
        self.move_cursor(self.cursor_row - self._visible_rows())

    def action_page_down(self) -> None:
        """A screenful down."""
        self.move_cursor(self.cursor_row + self._visible_rows())

    def action_first_row(self) -> None:
        """The first row."""
        self.move_cursor(0)

    def action_last_row(self) -> None:
        """The last row."""
        self.move_cursor(self.row_count - 1)
