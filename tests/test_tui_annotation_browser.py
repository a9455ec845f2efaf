"""The annotation browser: listing, filtering with facets, sorting, opening, bulk actions."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.tui_support import notifications, reader_view, running_app, seed_annotation, wait_until
from tui.app import NewsmarkApp
from tui.screens.annotation_browser import AnnotationBrowserScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.prompts import ConfirmDialog, PromptDialog
from tui.widgets.annotation_table import AnnotationTable

CHINA_DAILY, XINHUA = "000_e730ce0a32d34978", "001_cd3da7863ef62599"


def seed(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(
        samples_dir,
        db_path,
        CHINA_DAILY,
        "more practical security cooperation",
        ("security",),
        note="second of six goals",
    )
    seed_annotation(
        samples_dir, db_path, CHINA_DAILY, "make the pie of common interests", ("economy",)
    )
    seed_annotation(
        samples_dir,
        db_path,
        XINHUA,
        "community with a shared future",
        ("community", "security/maritime"),
    )


async def open_browser(app: NewsmarkApp, pilot, count: int) -> AnnotationTable:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, AnnotationBrowserScreen))
    table = app.screen.query_one(AnnotationTable)
    await wait_until(pilot, lambda: len(table.rows) == count)
    return table


def listed_quotes(table: AnnotationTable) -> set[str]:
    return {row.annotation.quote for row in table.rows}


async def test_browser_lists_every_annotation_with_its_article(
    samples_dir: Path, db_path: Path
) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = await open_browser(app, pilot, 3)
        row = next(r for r in table.rows if r.annotation.article == XINHUA)
        assert (row.outlet, row.date[:10]) == ("Xinhua", "2023-12-19")
        assert row.title.startswith("China, Vietnam agree to build community")
        # Drawn: the header, and the quote, tags and outlet of a visible row.
        header = table.render_line(0).text
        assert "Quote" in header and "Tags" in header and "Outlet" in header
        assert "Coder" not in header  # every annotation is by the one coder
        lines = [table.render_line(y).text for y in range(1, 4)]
        assert any("community with a shared future" in line and "Xinhua" in line for line in lines)


async def test_filter_as_you_type_with_words_and_facets(samples_dir: Path, db_path: Path) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = await open_browser(app, pilot, 3)
        await pilot.press("f", *"goals security")  # the note and the tag, any order
        await wait_until(pilot, lambda: len(table.rows) == 1)
        assert listed_quotes(table) == {"more practical security cooperation"}

        filter_input = app.screen.query_one("#annotation-filter", Input)
        for query, expected in [
            (
                "tag:security",
                {"more practical security cooperation", "community with a shared future"},
            ),  # with security/maritime
            ("outlet:xinhua", {"community with a shared future"}),
            ("has:note", {"more practical security cooperation"}),
            (
                "tag:economy OR tag:community",
                {"make the pie of common interests", "community with a shared future"},
            ),
            ('"pie of common"', {"make the pie of common interests"}),
            ("-tag:security", {"make the pie of common interests"}),
            ("after:2023-12-15", {"community with a shared future"}),
            (
                "before:2023-12-14",
                {"more practical security cooperation", "make the pie of common interests"},
            ),
            ("orphaned", set()),
        ]:
            filter_input.value = query
            await pilot.pause()
            assert listed_quotes(table) == expected, query

        filter_input.value = "after:2023-13"  # a bad date: said, and the rows stay
        await pilot.pause()
        status = str(app.screen.query_one("#annotation-status").render())
        assert "after: takes a date" in status
        assert len(table.rows) == 0  # still what "orphaned" listed


async def test_sort_and_enter_opens_the_reader_at_the_highlight(
    samples_dir: Path, db_path: Path
) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = await open_browser(app, pilot, 3)
        assert table.rows[0].annotation.article == XINHUA  # newest article first
        app.screen.on_annotation_table_header_selected(AnnotationTable.HeaderSelected("quote"))
        await pilot.pause()
        quotes = [row.annotation.quote for row in table.rows]
        assert quotes == sorted(quotes, key=str.casefold)
        await pilot.press("r")
        assert [row.annotation.quote for row in table.rows] == quotes[::-1]

        await pilot.press("home", "j", "j", "k")  # down, down, up (as in the reader, vi)
        assert table.cursor_row == 1
        target = table.rows[table.cursor_row].annotation
        await pilot.press("enter")
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article_layout is not None)
        assert view.article.id == target.article
        assert view.cursor_span is not None
        assert view.cursor_span.start <= target.start < view.cursor_span.end


async def test_bulk_add_tag_delete_and_one_undo(samples_dir: Path, db_path: Path) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        store = app.workspace.require_store()
        table = await open_browser(app, pilot, 3)
        app.screen.query_one("#annotation-filter", Input).value = "outlet:china"
        await pilot.pause()
        assert len(table.rows) == 2
        await pilot.press("A")  # mark both listed
        assert len(table.marked) == 2
        await pilot.press("plus")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press(*"framing", "enter")
        await wait_until(pilot, lambda: len(store.with_tags(["framing"])) == 2)
        assert {a.article for a in store.with_tags(["framing"])} == {CHINA_DAILY}

        await pilot.press("minus")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press(*"economy", "enter")
        await wait_until(pilot, lambda: not store.with_tags(["economy"]))

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: len(store.all()) == 1)
        await wait_until(pilot, lambda: len(table.rows) == 0 and not table.marked)
        await pilot.press("u")  # the two deletions are one undo step
        await wait_until(pilot, lambda: len(store.all()) == 3)
        await wait_until(
            pilot, lambda: any("Undone: delete 2 annotations" in m for m in notifications(app))
        )


async def test_copy_and_export_act_on_the_marked_rows(
    samples_dir: Path, db_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_with_notice", lambda text, what: copied.append(text))
        table = await open_browser(app, pilot, 3)
        index = next(i for i, r in enumerate(table.rows) if r.annotation.article == XINHUA)
        table.move_cursor(index)
        await pilot.press("space")
        assert len(table.marked) == 1
        await pilot.press("c")
        [text] = copied
        assert "community with a shared future" in text
        assert "practical security" not in text
        assert "Xinhua" in text  # the citation

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        assert app.screen._annotation_ids == (table.rows[index].annotation.id,)


async def test_two_coders_show_the_coder_column_and_coder_facet(
    samples_dir: Path, db_path: Path
) -> None:
    from dataclasses import replace

    from annotations.store import AnnotationStore

    seed(samples_dir, db_path)
    store = AnnotationStore.open(db_path)
    pie = next(a for a in store.all() if a.quote.startswith("make the pie"))
    store.put_many([replace(pie, coder="ben")])
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = await open_browser(app, pilot, 3)
        assert "Coder" in table.render_line(0).text
        lines = [table.render_line(y).text for y in range(1, 4)]
        assert any("make the pie" in line and "ben" in line for line in lines)
        await pilot.press("f", *"coder:ben")
        await wait_until(pilot, lambda: len(table.rows) == 1)
        assert listed_quotes(table) == {"make the pie of common interests"}
        filter_input = app.screen.query_one("#annotation-filter", Input)
        filter_input.value = "-coder:ben"
        await wait_until(pilot, lambda: len(table.rows) == 2)


async def test_marked_rows_the_filter_hides_are_left_out_of_bulk_actions(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) Marks stay while the filter changes: `d` asked to delete 19
    annotations of which the filter listed none."""
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        store = app.workspace.require_store()
        table = await open_browser(app, pilot, 3)
        await pilot.press("A")  # all three marked
        assert len(table.marked) == 3
        app.screen.query_one("#annotation-filter", Input).value = "outlet:china"
        await pilot.pause()
        await wait_until(pilot, lambda: len(table.rows) == 2)
        status = str(app.screen.query_one("#annotation-status", Static).render())
        assert "3 marked (1 not listed" in status
        table.focus()
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "2 annotations" in app.screen._question
        await pilot.press("y")
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [kept] = store.all()
        assert kept.article == XINHUA  # the one the filter hid


def test_sorting_by_tags_is_natural() -> None:
    """(Found by a tester.) e10 came before e2."""
    from types import SimpleNamespace

    from tui.widgets.annotation_table import COLUMNS

    key = next(c for c in COLUMNS if c.key == "tags").sort_key
    rows = [
        SimpleNamespace(annotation=SimpleNamespace(tags=tags))
        for tags in (("e10",), ("e2", "x"), ("E1", "e10"), ("e2",), ("a/b",), ("a",))
    ]
    ordered = [row.annotation.tags for row in sorted(rows, key=key)]  # type: ignore[arg-type]
    assert ordered == [("a",), ("a/b",), ("E1", "e10"), ("e2",), ("e2", "x"), ("e10",)]


async def test_dates_stay_whole_at_80_columns(samples_dir: Path, db_path: Path) -> None:
    """(Found by two testers.) At 80x24 the dates were cut to `2023-12-…`."""
    from tui.app import NewsmarkApp
    from tui.workspace import Workspace

    seed(samples_dir, db_path)
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        table = await open_browser(app, pilot, 3)
        await pilot.pause()
        widths = table.column_widths(table.scrollable_content_region.width)
        shown = dict(zip((c.key for c in table.columns), widths, strict=True))
        assert shown["date"] == 10 and shown["quote"] >= 16
        screen_text = "\n".join(
            "".join(segment.text for segment in table.render_line(y)) for y in range(6)
        )
        assert "2023-12-14" in screen_text and "2023-12-…" not in screen_text
