"""Re-attaching an orphan from the orphans screen: `r`, select the passage, enter; `u`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from annotations.model import Anchor
from annotations.store import AnnotationStore
from tests.tui_support import (
    ORPHANED_QUOTE,
    make_orphan,
    notifications,
    open_orphans,
    reader_view,
    running_app,
    wait_until,
)
from tui.app import NewsmarkApp
from tui.screens.annotating import SELECT_FIRST
from tui.screens.orphans import OrphansScreen
from tui.widgets.article_view import ArticleView

ARTICLE = "000_e730ce0a32d34978"
NEW_QUOTE = "grow trade"  # what make_orphan put in place of ORPHANED_QUOTE
# The quote is cut to fit the one-line status; the old quote is shown in full above it.
WAITING = (
    "Re-attach “make the pie of common interests even b…”: select the passage, then enter "
    "(esc cancels)"
)


async def start_reattaching(app: NewsmarkApp, pilot) -> ArticleView:
    """From the orphans screen, `r` on the only orphan; the reader in re-attach mode."""
    await open_orphans(app, pilot, count=1)
    await pilot.press("r")
    view = await reader_view(app, pilot)
    await wait_until(pilot, lambda: view.article_layout is not None)
    await pilot.pause()
    return view


def status(app: NewsmarkApp) -> str:
    return str(app.screen.query_one("#article-status", Static).visual)


def orphan_rows(app: NewsmarkApp) -> int:
    orphans = next(s for s in app.screen_stack if isinstance(s, OrphansScreen))
    return orphans.query_one("#orphan-table", DataTable).row_count


async def test_reattach_with_the_keyboard_then_undo(library_copy: Path, db_path: Path) -> None:
    orphan = make_orphan(library_copy, db_path, ARTICLE)
    AnnotationStore.open(db_path).edit(orphan.id, note="pie", colour="#ff8800")
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await start_reattaching(app, pilot)
        assert status(app) == WAITING
        reference = str(app.screen.query_one("#reattach-quote", Static).visual)
        assert reference.startswith("Old quote: …") and ORPHANED_QUOTE in reference
        assert app.screen.active_bindings["enter"].binding.action == "reattach"

        view.move_cursor_to(view.article.body.index(NEW_QUOTE))
        await pilot.press("v", "w")  # the word at the cursor, then the next one
        selection = view.selection
        assert selection is not None
        assert status(app).endswith(f"({len(selection)} characters): enter · esc clears it")
        await pilot.press("enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: store.get(orphan.id).anchor == Anchor.EXACT)
        attached = store.get(orphan.id)
        assert attached.quote == view.article.text(selection.start, selection.end)
        assert NEW_QUOTE in attached.quote
        assert (attached.tags, attached.note, attached.colour) == (("economy",), "pie", "#ff8800")
        assert len(store.all()) == 1
        await wait_until(pilot, lambda: orphan_rows(app) == 0)
        panel = app.screen.query_one("#reader-annotations", OptionList)
        await wait_until(pilot, lambda: NEW_QUOTE in str(panel.get_option_at_index(0).prompt))
        assert ORPHANED_QUOTE not in str(panel.get_option_at_index(0).prompt)
        assert [h.annotation_id for h in view.highlights] == [orphan.id]
        assert any(m.startswith(f"Re-attached to “{NEW_QUOTE}") for m in notifications(app))
        # The mode is over: enter is free again, the reference gone, the usual status back.
        assert "enter" not in app.screen.active_bindings
        assert not app.screen.query("#reattach-quote")
        assert view.selection is None and "Re-attach" not in status(app)

        await pilot.press("u")
        await wait_until(pilot, lambda: store.get(orphan.id).anchor == Anchor.ORPHANED)
        assert store.get(orphan.id).quote == ORPHANED_QUOTE
        await wait_until(pilot, lambda: orphan_rows(app) == 1 and view.highlights == [])
        assert any(m.startswith("Undone: re-attach highlight") for m in notifications(app))


async def test_reattach_with_a_mouse_drag(library_copy: Path, db_path: Path) -> None:
    orphan = make_orphan(library_copy, db_path, ARTICLE)
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await start_reattaching(app, pilot)
        body = view.article.body
        start = body.index(NEW_QUOTE)
        view.scroll_to_offset(start)
        await pilot.pause()
        x1, y1 = view.cell_of_offset(start)
        x2, y2 = view.cell_of_offset(start + len(NEW_QUOTE) - 1)
        top = round(view.scroll_y)
        await pilot.mouse_down(view, offset=(x1, y1 - top))
        await pilot.hover(view, offset=(x2, y2 - top))
        await pilot.mouse_up(view, offset=(x2, y2 - top))
        await pilot.pause()
        assert view.selection is not None
        assert body[view.selection.start : view.selection.end] == NEW_QUOTE
        await pilot.press("enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: store.get(orphan.id).anchor == Anchor.EXACT)
        attached = store.get(orphan.id)
        assert (attached.quote, attached.start, attached.end) == (
            NEW_QUOTE,
            start,
            start + len(NEW_QUOTE),
        )
        assert attached.id == orphan.id and attached.tags == ("economy",)
        await wait_until(pilot, lambda: orphan_rows(app) == 0)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OrphansScreen))
        assert app.screen.query_one("#orphan-table", DataTable).row_count == 0


async def test_enter_without_a_selection_and_escape_change_nothing(
    library_copy: Path, db_path: Path
) -> None:
    orphan = make_orphan(library_copy, db_path, ARTICLE)
    async with running_app(library_copy, db_path) as (app, pilot):
        await start_reattaching(app, pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: SELECT_FIRST in notifications(app))
        await pilot.press("v", "escape")  # the first escape clears the selection
        assert status(app) == WAITING
        await pilot.press("escape")  # the second cancels
        await wait_until(pilot, lambda: isinstance(app.screen, OrphansScreen))
        stored = app.workspace.require_store().get(orphan.id)
        assert (stored.quote, stored.anchor) == (ORPHANED_QUOTE, Anchor.ORPHANED)
        history = app.workspace.require_store().history()
        assert [item.description[:13] for item in history] == ["add highlight"]  # the seed


async def test_an_orphan_whose_article_left_the_collection_is_not_offered(
    library_copy: Path, db_path: Path
) -> None:
    """Its article's file was removed (or it is another collection's article): it is
    not listed, so neither re-attach nor delete is offered, and the screen says so."""
    orphan = make_orphan(library_copy, db_path, ARTICLE)
    (library_copy / f"{ARTICLE}.txt").unlink()
    async with running_app(library_copy, db_path) as (app, pilot):
        await wait_until(pilot, lambda: app.workspace.store is not None)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OrphansScreen))
        await pilot.pause()
        assert app.screen.query_one("#orphan-table", DataTable).row_count == 0
        note = app.screen.query_one("#orphans-elsewhere", Static)
        assert "Not listed: 1 annotation of articles not in this collection" in str(note.render())
        kept = app.workspace.require_store().get(orphan.id)  # left as it was, not orphaned
        assert (kept.anchor, kept.quote) == (Anchor.EXACT, ORPHANED_QUOTE)


async def test_the_reader_opens_on_the_sentence_where_the_passage_was(
    library_copy: Path, db_path: Path
) -> None:
    """(Found by a tester.) The cursor showed that sentence, but `v` took only the word at
    the old offset."""
    orphan = make_orphan(library_copy, db_path, ARTICLE)
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await start_reattaching(app, pilot)
        await pilot.press("v")
        selection = view.selection
        assert selection is not None
        [sentence] = [s for s in view.article.sentences if s.start <= orphan.start < s.end]
        assert (selection.start, selection.end) == (sentence.start, sentence.end)
