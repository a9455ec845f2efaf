"""Side by side, the tag browser, orphans, stats, export, help and the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList

from annotations.model import Anchor
from tests.tui_support import (
    make_orphan,
    notifications,
    open_orphans,
    running_app,
    seed_annotation,
    wait_until,
)
from tui.screens.export_dialog import ExportDialog
from tui.screens.help import HelpScreen
from tui.screens.prompts import ConfirmDialog, PromptDialog
from tui.screens.reader import ReaderScreen
from tui.screens.side_by_side import SideBySideScreen
from tui.screens.stats import StatsScreen
from tui.screens.tag_browser import TagBrowserScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.article_view import ArticleView

LEFT, RIGHT = "000_e730ce0a32d34978", "001_cd3da7863ef62599"


async def open_side_by_side(app, pilot) -> SideBySideScreen:  # type: ignore[no-untyped-def]
    app.open_side_by_side(LEFT, RIGHT)
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, SideBySideScreen) and len(app.screen.query(ArticleView)) == 2
        ),
    )
    screen = app.screen
    await wait_until(pilot, lambda: all(v.article_layout for v in screen.article_views()))
    return screen


async def test_side_by_side_tag_in_right_column(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left, right = screen.view("left"), screen.view("right")
        assert (left.article.id, right.article.id) == (LEFT, RIGHT)
        await pilot.press("tab")
        assert right.has_focus
        await pilot.press("J", "v", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"community", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [annotation] = store.all()
        assert annotation.article == RIGHT
        assert annotation.quote.startswith("China and Vietnam on Tuesday agreed")
        await wait_until(pilot, lambda: len(right.highlights) == 1)
        assert left.highlights == []


async def test_side_by_side_lock_scroll_and_counterparts(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left, right = screen.view("left"), screen.view("right")
        right.scroll_to(y=10, animate=False)
        await pilot.pause()
        assert left.scroll_y == 0  # independent by default
        await pilot.press("ctrl+l")
        assert screen.scroll_locked
        left.scroll_to(y=left.max_scroll_y, animate=False)
        await wait_until(pilot, lambda: right.scroll_y == right.max_scroll_y)

        body = left.article.body
        left.move_cursor_to(body.index("manage differences"))
        left.focus()
        await pilot.press("m")
        cursor = right.cursor_span
        assert cursor is not None
        assert "maritime" in right.article.text(cursor.start, cursor.end)
        assert any("similarity" in m for m in notifications(app))


async def test_side_by_side_capital_l_adjusts_the_selection_not_the_lock(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left = screen.view("left")
        await pilot.press("J", "v", "j")
        selection = left.selection
        assert selection is not None
        await pilot.press("L")  # the selection's start moves a word forward
        assert left.selection is not None and left.selection.start > selection.start
        assert left.selection.end == selection.end
        assert not screen.scroll_locked
        await pilot.press("ctrl+l")
        assert screen.scroll_locked


async def test_aligned_mode_lists_rows(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        await pilot.press("A")
        await pilot.pause()
        rows = screen.query(".aligned-row")
        assert len(rows) == len(screen.alignment().rows())
        assert len(screen.query(".aligned-row.-unmatched")) < len(rows)
        assert screen.query_one("#side-by-side").has_class("-aligned")
        await pilot.press("A")
        assert not screen.query_one("#side-by-side").has_class("-aligned")


async def test_tag_browser_lists_renames_and_merges(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    seed_annotation(samples_dir, db_path, RIGHT, "practical cooperation", ("Economics",))
    seed_annotation(samples_dir, db_path, RIGHT, "maritime issues", ("sea",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-table", DataTable).row_count == 3
            ),
        )
        table = app.screen.query_one("#tag-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(3)] == ["Economics", "economy", "sea"]
        quotes = app.screen.query_one("#tag-quotes", OptionList)
        await wait_until(pilot, lambda: quotes.option_count == 1)

        await pilot.press("down", "down", "r")  # rename "sea"
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", *"South China Sea", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: "South China Sea" in [t.name for t in store.tags()])

        await pilot.press("home", "m")  # merge "Economics" into "economy"
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press(*"economy", "enter")
        await wait_until(pilot, lambda: len(store.tags()) == 2)
        assert {t.name: t.count for t in store.tags()} == {"economy": 2, "South China Sea": 1}
        await wait_until(pilot, lambda: table.row_count == 2)


async def test_tag_browser_delete_keeps_annotations(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-table", DataTable).row_count == 1
            ),
        )
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: store.tags() == [])
        assert len(store.all()) == 1 and store.all()[0].tags == ()


async def test_tag_browser_recolour_uses_the_cli_colour_names(
    samples_dir: Path, db_path: Path
) -> None:
    from annotations.tags import NAMED_COLOURS

    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-table", DataTable).row_count == 1
            ),
        )
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", *"crimson", "enter")
        error = app.screen.query_one("#prompt-error")
        assert "invalid colour 'crimson'" in str(error.render())
        assert isinstance(app.screen, PromptDialog)  # still asking
        await pilot.press("ctrl+a", "ctrl+k", *"red", "enter")
        store = app.workspace.require_store()
        # The same "red" as `newsmark tags colour economy red`, not Textual's #ff0000.
        await wait_until(pilot, lambda: store.tag_colour("economy") == NAMED_COLOURS["red"])


async def test_tag_browser_quote_opens_reader(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(samples_dir, db_path, RIGHT, "maritime issues", ("sea",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-quotes", OptionList).option_count == 1
            ),
        )
        app.screen.query_one("#tag-quotes", OptionList).focus()
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReaderScreen) and bool(app.screen.query(ArticleView)),
        )
        view = app.screen.query_one(ArticleView)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == RIGHT
        await wait_until(pilot, lambda: view.cursor_offset == seeded.start)


async def test_orphans_are_listed(library_copy: Path, db_path: Path) -> None:
    make_orphan(library_copy, db_path, LEFT)
    async with running_app(library_copy, db_path) as (app, pilot):
        await open_orphans(app, pilot, count=1)
        assert app.screen.query_one("#orphan-table").border_title == "1 orphaned annotation"
        [annotation] = app.workspace.require_store().all()
        assert annotation.anchor == Anchor.ORPHANED
        assert annotation.quote == "make the pie of common interests even bigger"


async def test_another_collections_annotations_are_not_orphans_here(
    library_copy: Path, db_path: Path, tmp_path: Path
) -> None:
    """One database, two collections: opening one neither orphans the other's
    annotations nor offers them for deletion; the screen says they are not listed."""
    elsewhere = seed_annotation(library_copy, db_path, RIGHT, "practical cooperation", ("ties",))
    other = tmp_path / "other"
    other.mkdir()
    (other / f"{LEFT}.txt").write_bytes((library_copy / f"{LEFT}.txt").read_bytes())
    make_orphan(other, db_path, LEFT)
    async with running_app(other, db_path) as (app, pilot):
        await open_orphans(app, pilot, count=1)
        table = app.screen.query_one("#orphan-table", DataTable)
        assert table.border_title == "1 orphaned annotation"
        note = app.screen.query_one("#orphans-elsewhere")
        assert note.display
        assert "Not listed: 1 annotation of articles not in this collection" in str(note.render())
        kept = app.workspace.require_store().get(elsewhere.id)
        assert (kept.anchor, kept.start, kept.quote) == (
            Anchor.EXACT,
            elsewhere.start,
            "practical cooperation",
        )


async def test_stats_screen_counts(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy", "ties"))
    seed_annotation(samples_dir, db_path, RIGHT, "practical cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("S")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, StatsScreen)
                and app.screen.query_one("#stats-tags", DataTable).row_count == 2
            ),
        )
        tags = app.screen.query_one("#stats-tags", DataTable)
        assert [(str(tags.get_row_at(i)[0]), tags.get_row_at(i)[1]) for i in range(2)] == [
            ("economy", 2),
            ("ties", 1),
        ]
        outlets = app.screen.query_one("#stats-outlet", DataTable)
        assert sorted(str(outlets.get_row_at(i)[0]) for i in range(outlets.row_count)) == [
            "China Daily",
            "Xinhua",
        ]
        pairs = app.screen.query_one("#stats-pairs", DataTable)
        assert pairs.row_count == 1 and pairs.get_row_at(0)[2] == 1


async def test_export_dialog_writes_file(samples_dir: Path, db_path: Path, tmp_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    target = tmp_path / "quotes.md"
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        dialog.query_one("#export-destination").query("RadioButton").last().value = True
        dialog.query_one("#export-path").value = str(target)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: target.exists())
        text = target.read_text(encoding="utf-8")
        assert "## economy" in text and "> deepen win-win cooperation" in text
        assert any("Exported 1 annotation" in m for m in notifications(app))


async def test_help_lists_bindings_and_palette_has_actions(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        app.open_reader(LEFT)
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        commands = set(titles)
        assert {"Tag", "Delete", "Copy quote", "Find", "Tags", "Undo", "Export"} <= commands
        assert len(titles) == len(commands)  # no title twice ("Annotations": browser, panel)
        assert {"Annotations", "Annotations (a on this screen)"} <= commands
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-table", DataTable)
        rows = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {"Tag", "Next sentence", "Select", "Quit"} <= rows


async def test_corrupt_database_exits_with_message(samples_dir: Path, db_path: Path) -> None:
    from tui.app import NewsmarkApp
    from tui.workspace import Workspace

    db_path.parent.mkdir(parents=True)
    db_path.write_text("{ not json", encoding="utf-8")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.return_code == 1)
    assert app.return_code == 1
    assert db_path.read_text(encoding="utf-8") == "{ not json"


async def test_changes_from_another_process_appear(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui_support import open_reader
    from tui import app as app_module

    monkeypatch.setattr(app_module, "EXTERNAL_CHECK_SECONDS", 0.1)
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, LEFT)
        assert view.highlights == []
        # Another terminal (a separate store on the same file) adds a highlight.
        seeded = seed_annotation(
            samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",)
        )
        await wait_until(pilot, lambda: [h.annotation_id for h in view.highlights] == [seeded.id])


async def test_follow_mode_moves_the_other_column_with_the_cursor(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left, right = screen.view("left"), screen.view("right")
        left.focus()
        start = right.cursor_offset
        left.move_cursor_to(left.article.body.index("manage differences"))
        await pilot.pause()
        assert right.cursor_offset == start  # follow is off by default
        await pilot.press("F")
        left.move_cursor_to(left.article.body.index("manage differences"))
        await pilot.pause()
        await wait_until(pilot, lambda: right.cursor_offset != start)
        cursor = right.cursor_span
        assert cursor is not None
        assert "maritime" in right.article.text(cursor.start, cursor.end)
        assert left.has_focus  # the left column keeps the keyboard


async def test_change_seen_by_a_read_before_the_poll_still_reaches_the_screens(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.store import AnnotationStore
    from tests.tui_support import open_reader
    from tui import app as app_module

    seeded = seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("x",))
    monkeypatch.setattr(app_module, "EXTERNAL_CHECK_SECONDS", 0.2)
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, LEFT)
        assert len(view.highlights) == 1
        AnnotationStore.open(db_path).delete(seeded.id)  # another terminal
        app.workspace.require_store().all()  # a UI read takes the change in first
        await wait_until(pilot, lambda: view.highlights == [])


def test_aligned_cells_say_where_a_moved_passage_went() -> None:
    from annotations.align import align_articles
    from tests.test_align import _article
    from tui.widgets.aligned_view import row_cells

    left = _article(
        "left",
        "Apples grow on tall green trees in the orchard.\n\nCherries make a sweet red summer pie.",
    )
    right = _article(
        "right",
        "Cherries make a sweet red summer pie.\n\n"
        "Apples grow on tall green trees in the orchard.\n\n"
        "Dates are dried in the desert.",
    )
    rows = align_articles(left, right, unit="paragraph").rows()
    cells = [tuple(cell.plain for cell in row_cells(row, "paragraph")) for row in rows]
    assert (
        "",
        "— out of order: matches left paragraph 2 (1.00) —",
        "Cherries make a sweet red summer pie.",
    ) in cells
    assert ("", "— only right —", "Dates are dried in the desert.") in cells


async def test_stats_tables_shade_cells_and_enter_lists_the_annotations(
    samples_dir: Path, db_path: Path
) -> None:
    from tui.screens.annotation_browser import AnnotationBrowserScreen
    from tui.widgets.annotation_table import AnnotationTable

    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy", "ties"))
    seed_annotation(samples_dir, db_path, RIGHT, "practical cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("S")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, StatsScreen)
                and app.screen.query_one("#stats-outlet", DataTable).row_count == 2
            ),
        )
        app.screen.query_one("#stats-tabs").active = "stats-month-tab"
        months = app.screen.query_one("#stats-month", DataTable)
        await pilot.pause()
        assert str(months.get_row_at(0)[0]) == "2023-12"
        cells = months.get_row_at(0)[2:]
        assert [str(cell).strip() for cell in cells] == ["2", "1"]
        # The larger count is shaded darker-red than the smaller one.
        assert cells[0].style.bgcolor != cells[1].style.bgcolor
        months.focus()
        months.move_cursor(row=0, column=3)  # 2023-12 × ties
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationBrowserScreen))
        table = app.screen.query_one(AnnotationTable)
        await wait_until(pilot, lambda: len(table.rows) == 1)
        assert table.rows[0].annotation.quote == "deepen win-win cooperation"
        assert app.screen.filter_text() == "tag:ties after:2023-12 before:2023-12"
