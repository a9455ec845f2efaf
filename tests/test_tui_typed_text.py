"""Typed text never falls through to commands: after a key that opens a text box, the
letters that follow go into the box even when they arrive all at once (a fast typist,
tmux send-keys, a paste without bracketed paste), never to `d` delete, `u` undo, `o`
orphans, `e` export and the like."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui_support import open_reader, running_app, seed_annotation, wait_until
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.side_by_side import SideBySideScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.article_view import ArticleView

LEFT, RIGHT = "000_e730ce0a32d34978", "002_4507068b08cafca8"
# d, u, e, o, s, c, n: delete, undo, export, orphans, suggest, copy, next match if they ran
# as commands
WORD = "underscored"
KEYS = list(WORD)


CHARACTERS = {"slash": "/", "space": " "}


def _key(name: str) -> events.Key:
    return events.Key(name, CHARACTERS.get(name, name))


async def burst(app: App, pilot: Pilot, keys: list[str]) -> None:
    """Send `keys` in one go, without letting the app idle between them."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = _key(key)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def _store_ids(app: App) -> set[str]:
    store = app.workspace.require_store()  # type: ignore[attr-defined]
    store.refresh()
    return {a.id for a in store.all()}


async def _side_by_side(app, pilot) -> SideBySideScreen:  # type: ignore[no-untyped-def]
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


async def test_side_by_side_find_takes_typed_text_and_searches_the_active_column(
    samples_dir: Path, db_path: Path
) -> None:
    seeded = seed_annotation(
        samples_dir, db_path, RIGHT, "consolidate political mutual trust", ("trust",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await _side_by_side(app, pilot)
        right = screen.view("right")
        await pilot.press("tab")
        right.move_cursor_to(seeded.start)  # on a highlight: d would delete it
        await wait_until(pilot, lambda: right.has_focus)
        await burst(app, pilot, ["slash", *KEYS])
        assert app.screen is screen  # neither Orphans nor Export opened
        assert screen.find_input().value == WORD
        assert _store_ids(app) == {seeded.id}  # nothing deleted or undone
        await pilot.press("enter")
        expected = right.article.body.lower().count(WORD)
        assert expected > 0
        await wait_until(pilot, lambda: right.match_count == expected)
        assert screen.view("left").match_count == 0  # the find searched the active column
        assert right.has_focus and not screen.find_input().display
        first = right.cursor_offset
        assert right.article.body[first : first + len(WORD)].lower() == WORD
        if expected > 1:
            await pilot.press("n")
            assert right.cursor_offset != first
            await pilot.press("N")
            assert right.cursor_offset == first


async def test_side_by_side_escape_closes_find_and_keeps_the_screen(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await _side_by_side(app, pilot)
        await pilot.press("slash", *"dx", "escape")
        assert app.screen is screen and not screen.find_input().display
        assert screen.view("left").has_focus


async def test_reader_find_takes_typed_text(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(
        samples_dir, db_path, LEFT, "make the pie of common interests", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, LEFT)
        view.move_cursor_to(seeded.start)
        await pilot.pause()
        screen = app.screen
        await burst(app, pilot, ["slash", *KEYS])
        assert app.screen is screen and isinstance(screen, ReaderScreen)
        assert screen.find_input().value == WORD
        assert _store_ids(app) == {seeded.id}


async def test_tag_dialog_takes_typed_text(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(
        samples_dir, db_path, LEFT, "make the pie of common interests", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, LEFT)
        view.move_cursor_to(seeded.start)
        await pilot.pause()
        await burst(app, pilot, ["t", *KEYS])
        assert isinstance(app.screen, TagDialog)
        assert app.screen.query_one("#tag-input", Input).value == WORD
        assert _store_ids(app) == {seeded.id}


async def test_library_filter_and_search_take_typed_text(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        library = app.screen
        assert isinstance(library, LibraryScreen)
        for opener, box in (("f", "#filter"), ("slash", "#search")):
            await burst(app, pilot, [opener, *KEYS])
            assert app.screen is library, opener
            assert library.query_one(box, Input).value == WORD, opener
            await pilot.press("escape")
