"""Finding the way: esc/q go back (q quits only on the library), help says where keys work,
and an 80-column footer keeps the keys that matter most."""

from __future__ import annotations

from pathlib import Path

from tests.tui_support import open_reader, running_app, wait_until
from tui.screens.help import HelpScreen, binding_rows
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.footer import KeyFooter

ARTICLE = "000_e730ce0a32d34978"


def footer(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(KeyFooter).render().plain


async def test_the_reader_footer_says_what_escape_does_now(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        assert " esc Back " in footer(app)
        await pilot.press("v")
        await wait_until(pilot, lambda: " esc Clear selection " in footer(app))
        assert " esc Back " not in footer(app)
        keys = {key: description for key, description, _ in binding_rows(app.screen)}
        assert keys["esc"] == "Clear selection"
        await pilot.press("escape")  # clears the selection, stays in the reader
        await wait_until(pilot, lambda: " esc Back " in footer(app))
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))


async def test_q_goes_back_from_the_reader_and_quits_on_the_library(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        keys = {key: description for key, description, _ in binding_rows(app.screen)}
        assert keys["q"] == "Back"
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert app.return_code is None
        assert " q Quit " in footer(app)
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


async def test_ctrl_q_quits_from_the_reader(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None)


async def test_q_does_nothing_in_a_dialog(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("e")
        await wait_until(
            pilot,
            lambda: app.screen.id != "_default" and type(app.screen).__name__ == "ExportDialog",
        )
        dialog = app.screen
        await pilot.press("tab", "q")  # focus away from the text box, then q
        await pilot.pause()
        assert app.screen is dialog and app.return_code is None


async def test_help_says_where_each_key_works_in_plain_words(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        library_rows = binding_rows(app.screen)
        await open_reader(app, pilot, ARTICLE)
        reader_rows = binding_rows(app.screen)
        places = {where for _, _, where in library_rows + reader_rows}
        assert "in the text" in places and "in the list of articles" in places
        assert "everywhere" in places and "Reader" in places
        assert not any(
            where[0].isupper() and where[1:].isalpha() and where not in ("Reader", "Library")
            for where in places
        ), places
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_an_80_column_footer_keeps_the_important_keys(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        line = footer(app)
        for label in (" ⏎ Open ", " f Filter ", " / Search ", " q Quit ", " ? Help "):
            assert label in line, line
        await open_reader(app, pilot, ARTICLE)
        await pilot.pause()
        line = footer(app)
        for label in (
            " esc Back ",
            " v Select ",
            " t Tag ",
            " c Copy quote ",
            " / Find ",
            " ? Help ",
        ):
            assert label in line, line
