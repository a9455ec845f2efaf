"""The library's article table: rows drawn on demand, cursor, sorting clicks, layout."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.article_table import ArticleTable, RowList, TableColumn, TableRow

COLUMNS = (
    TableColumn("Title", min_width=10),
    TableColumn("Outlet", max_width=12),
    TableColumn("Words", "right", max_width=7),
)


def make_rows(count: int) -> list[TableRow]:
    return [TableRow(f"id{i}", (f"Headline {i}", "Xinhua", str(100 + i))) for i in range(count)]


class TableApp(App[None]):
    def __init__(self, rows: list[TableRow]) -> None:
        super().__init__()
        self.rows = rows
        self.messages: list[object] = []

    def compose(self) -> ComposeResult:
        yield ArticleTable(COLUMNS, id="table")

    def on_mount(self) -> None:
        table = self.query_one(ArticleTable)
        table.set_rows(self.rows)
        table.focus()

    def on_article_table_row_selected(self, event: ArticleTable.RowSelected) -> None:
        self.messages.append(("open", event.key))

    def on_article_table_header_selected(self, event: ArticleTable.HeaderSelected) -> None:
        self.messages.append(("sort", event.column_index))


def line(table: ArticleTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_keys_move_the_cursor_and_keep_it_in_view() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        assert table.cursor_key == "id0" and table.scroll_y == 0
        await pilot.press("down", "down")
        assert table.cursor_key == "id2"
        await pilot.press("end")
        assert table.cursor_key == "id99"
        await pilot.pause()
        # The last row is on screen, on the table's last line (below the header).
        assert "Headline 99" in line(table, table.scrollable_content_region.height - 1)
        await pilot.press("pageup")
        assert table.cursor_row == 99 - (table.scrollable_content_region.height - 1)
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_key == "id0" and table.scroll_y == 0
        await pilot.press("up")  # already at the top
        assert table.cursor_key == "id0"
        await pilot.press("j", "j", "j", "k")  # as in the reader (and vi)
        assert table.cursor_key == "id2"


async def test_enter_and_a_click_on_the_cursor_row_open_it() -> None:
    app = TableApp(make_rows(5))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        await pilot.press("enter")
        assert app.messages == [("open", "id0")]
        await pilot.click(ArticleTable, offset=(3, 3))  # line 3 = the third row
        assert table.cursor_key == "id2" and len(app.messages) == 1  # a first click moves
        await pilot.click(ArticleTable, offset=(3, 3))
        assert app.messages[-1] == ("open", "id2")


async def test_a_click_on_a_label_asks_to_sort_by_that_column() -> None:
    app = TableApp(make_rows(3))
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(ArticleTable)
        widths = table.column_widths(table.scrollable_content_region.width)
        outlet_x = 1 + widths[0] + 2 + 1  # margin, title, gap, into "Outlet"
        await pilot.click(ArticleTable, offset=(outlet_x, 0))
        await pilot.click(ArticleTable, offset=(2, 0))
        assert app.messages == [("sort", 1), ("sort", 0)]


async def test_header_arrow_truncation_and_alignment() -> None:
    rows = [
        TableRow(
            "a",
            (
                "A very long headline that cannot fit in the title column at all",
                "South China Morning Post",
                "7",
            ),
        )
    ]
    app = TableApp(rows)
    async with app.run_test(size=(50, 6)) as pilot:
        table = app.query_one(ArticleTable)
        table.set_sort(2, True)
        await pilot.pause()
        header, row = line(table, 0), line(table, 1)
        assert header.rstrip().endswith("Words ↓")
        assert len(header) == len(row) == table.scrollable_content_region.width
        # Outlet is capped at 12 cells and cut with an ellipsis; the words are right-aligned.
        assert "South China…" in row
        assert row.rstrip().endswith("      7")
        assert "A very long" in row and "…" in row.split("South")[0]


async def test_cursor_follows_its_row_when_the_rows_change() -> None:
    app = TableApp(make_rows(10))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        table.move_cursor(3)
        table.set_rows(list(reversed(make_rows(10))))  # re-sorted
        assert table.cursor_key == "id3" and table.cursor_row == 6
        table.set_rows(make_rows(2))  # filtered: id3 is gone
        assert table.cursor_key == "id0"
        table.set_rows([])
        assert table.cursor_key is None and table.row_count == 0
        await pilot.press("enter", "down")  # nothing to open or move to
        assert app.messages == []


async def test_wide_characters_are_measured_in_cells() -> None:
    rows = [TableRow("a", ("标题", "新华社新华社", "1"))]  # the outlet is 12 cells wide
    app = TableApp(rows)
    async with app.run_test(size=(60, 6)):
        table = app.query_one(ArticleTable)
        widths = table.column_widths(60)
        assert widths[1] == 12
        assert "新华社新华社" in line(table, 1)


async def test_a_cell_is_drawn_on_one_line() -> None:
    app = TableApp([TableRow("a", ("Two\nlines\tand a tab", "X", "1"))])
    async with app.run_test(size=(60, 6)):
        table = app.query_one(ArticleTable)
        drawn = line(table, 1)
        assert "Two lines and a tab" in drawn and "\n" not in drawn


async def test_a_narrow_table_keeps_every_column_and_the_sort_arrow() -> None:
    rows = [TableRow("a", ("A long headline about rail links", "South China Morning Post", "12"))]
    app = TableApp(rows)
    async with app.run_test(size=(34, 6)) as pilot:
        table = app.query_one(ArticleTable)
        table.set_sort(2, True)
        await pilot.pause()
        header, row = line(table, 0), line(table, 1)
        assert header.rstrip().endswith("Words ↓")  # the last column is still there
        assert row.rstrip().endswith("12")
        assert "Title" in header and "Outl" in header
        widths = table.column_widths(table.scrollable_content_region.width)
        assert widths[0] == COLUMNS[0].min_width and sum(widths) + 5 <= 34


async def test_only_the_tables_own_keys_are_bound() -> None:
    # No sideways scrolling keys: the table never scrolls sideways (help would list them).
    app = TableApp(make_rows(3))
    async with app.run_test(size=(60, 8)):
        keys = set(app.screen.active_bindings)
        assert "left" not in keys and "ctrl+pagedown" not in keys
        assert {"up", "down", "enter", "home", "end"} <= keys


async def test_a_cut_wide_character_leaves_no_gap_before_the_ellipsis() -> None:
    rows = [TableRow("a", ("T", "新华社新华社新华社新华社", "1"))]  # 24 cells; Outlet max 12
    app = TableApp(rows)
    async with app.run_test(size=(60, 6)):
        table = app.query_one(ArticleTable)
        drawn = line(table, 1)
        assert "新华社新华…" in drawn  # 10 cells of text, then the ellipsis
        assert " …" not in drawn


class CountingSource:
    """A `RowSource` of `size` rows that makes each row when asked, counting them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.made = 0

    def __len__(self) -> int:
        return self.size

    def row(self, index: int) -> TableRow:
        self.made += 1
        return TableRow(f"id{index}", (f"Headline {index}", "Xinhua", str(index)))

    def index_of(self, key: str) -> int | None:
        number = int(key[2:])
        return number if number < self.size else None


async def test_a_source_of_any_size_is_asked_only_for_the_rows_on_screen() -> None:
    source = CountingSource(1_000_000)
    app = TableApp([])
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        table.set_source(source, [7, 8, 9])
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "id999999"
        assert "Headline 999999" in line(table, table.scrollable_content_region.height - 1)
        assert 0 < source.made < 500  # a few screenfuls, not a million rows


async def test_keep_place_keeps_the_cursor_row_on_its_line_as_rows_arrive() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        table.move_cursor(25)
        table.move_cursor(20)  # in the middle of the screen (scrolled to show row 25)
        await pilot.pause()
        line_before = table.cursor_row - round(table.scroll_y)
        assert 0 < line_before < table.scrollable_content_region.height - 2
        arrived = [TableRow(f"new{i}", (f"New {i}", "CGTN", "1")) for i in range(30)]
        table.set_source(RowList(arrived + make_rows(50)), [7, 8, 9], keep_place=True)
        await pilot.pause()
        assert table.cursor_key == "id20" and table.cursor_row == 50
        assert table.cursor_row - round(table.scroll_y) == line_before


async def test_an_untouched_table_keeps_its_top_as_rows_arrive_above() -> None:
    """Rows arriving above the first row of a table nobody moved in show at the top, the
    cursor on the first of them; once the cursor was moved, the view keeps its place."""
    app = TableApp(make_rows(5))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        arrived = [TableRow(f"new{i}", (f"New {i}", "CGTN", "1")) for i in range(30)]
        table.set_source(RowList(arrived + make_rows(5)), [7, 8, 9], keep_place=True)
        await pilot.pause()
        assert (table.cursor_key, table.cursor_row, round(table.scroll_y)) == ("new0", 0, 0)
        assert "New 0" in line(table, 1)  # (line 0: the labels)
        table.move_cursor(1)
        newer = [TableRow(f"newer{i}", (f"Newer {i}", "CGTN", "1")) for i in range(3)]
        table.set_source(RowList(newer + arrived + make_rows(5)), [7, 8, 9], keep_place=True)
        await pilot.pause()
        assert (table.cursor_key, table.cursor_row, round(table.scroll_y)) == ("new1", 4, 3)


async def test_new_rows_keep_the_cursor_on_its_line_and_the_rows_above_in_view() -> None:
    """A filter leaves 3 rows above the cursor's: all three are shown, the cursor's row
    where it was on the screen, not scrolled to the top line (found by a tester)."""
    app = TableApp(make_rows(100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        table.move_cursor(40)
        table.move_cursor(37)
        await pilot.pause()
        line_before = table.cursor_row - round(table.scroll_y)
        assert line_before > 3
        rows = make_rows(100)
        kept = [rows[7], rows[17], rows[27], *rows[37:]]  # 3 rows above id37, many below
        table.set_source(RowList(kept), [7, 8, 9])
        await pilot.pause()
        assert (table.cursor_key, table.cursor_row, round(table.scroll_y)) == ("id37", 3, 0)


async def test_centre_cursor_shows_the_rows_before_it() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ArticleTable)
        table.centre_cursor(50)
        await pilot.pause()
        visible = table.scrollable_content_region.height - 1
        assert table.cursor_key == "id50"
        assert table.cursor_row - round(table.scroll_y) == visible // 2
        table.centre_cursor(2)  # near the top: as far as the rows allow
        await pilot.pause()
        assert (table.cursor_row, round(table.scroll_y)) == (2, 0)
