"""The annotation browser's table: rows drawn on demand; the cursor keeps its annotation
and its line of the screen when the rows change."""

from __future__ import annotations

from textual.app import App, ComposeResult

from annotations.model import Annotation
from annotations.query import AnnotationRow, annotation_row
from tui.widgets.annotation_table import AnnotationTable


def make_rows(count: int) -> list[AnnotationRow]:
    return [
        annotation_row(
            Annotation(f"ann{i:03d}", "000_a", f"quote {i}", i, i + 7, "", "", "hash"), None
        )
        for i in range(count)
    ]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AnnotationTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(AnnotationTable)
        table.set_rows(make_rows(100))
        table.focus()


async def test_new_rows_keep_the_cursor_on_its_line_and_the_rows_above_in_view() -> None:
    """A filter leaves 3 rows above the cursor's: all three are shown, the cursor's row
    where it was on the screen, not scrolled to the top line."""
    app = TableApp()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(AnnotationTable)
        await pilot.press("end")
        for _ in range(6):
            await pilot.press("up")
        await pilot.pause()
        line_before = table.cursor_row - round(table.scroll_y)
        assert table.cursor_id == "ann093" and line_before > 3
        rows = make_rows(100)
        table.set_rows([rows[7], rows[17], rows[27], *rows[93:], *rows[40:90]])
        await pilot.pause()
        assert (table.cursor_id, table.cursor_row, round(table.scroll_y)) == ("ann093", 3, 0)
