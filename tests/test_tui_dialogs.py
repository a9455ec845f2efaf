"""The tag and export dialogs on small terminals, tag browser wording, orphan deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from annotations.tags import MAX_TAG_LENGTH
from tests.tui_support import (
    make_orphan,
    notifications,
    open_orphans,
    running_app,
    seed_annotation,
    wait_until,
)
from tui.app import NewsmarkApp
from tui.screens.export_dialog import ExportDialog
from tui.screens.prompts import ConfirmDialog, PromptDialog
from tui.screens.tag_browser import TagBrowserScreen
from tui.screens.tag_dialog import HINT, TagDialog, TagEdit
from tui.workspace import Workspace

LEFT, RIGHT = "000_e730ce0a32d34978", "001_cd3da7863ef62599"
QUOTE = "deepen win-win cooperation " * 12


@asynccontextmanager
async def app_at(
    library: Path, db_path: Path, size: tuple[int, int]
) -> AsyncIterator[tuple[NewsmarkApp, Pilot]]:
    """The app on a terminal of `size`, started and with its data open."""
    app = NewsmarkApp(Workspace(library=library, db_path=db_path))
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        await wait_until(pilot, lambda: bool(app.screen.query("#articles")))
        await pilot.pause()
        yield app, pilot


def on_screen(app: NewsmarkApp, widget: Widget) -> bool:
    """Whether all of `widget` is drawn inside the terminal."""
    region = widget.region
    screen = app.screen.region
    return bool(region.area) and screen.contains_region(region)


async def open_tag_dialog(
    app: NewsmarkApp,
    pilot: Pilot,
    results: list[TagEdit | None] | None = None,
    tags: tuple[str, ...] = (),
) -> TagDialog:
    """Push a tag dialog (its answer goes to `results`) and wait until it is composed."""
    app.push_screen(
        TagDialog(QUOTE, ["economy", "sea", "security"], tags=tags),
        None if results is None else results.append,
    )
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, TagDialog)
            and any(box.has_focus for box in app.screen.query("#tag-input"))
        ),
    )
    return app.screen  # type: ignore[return-value]


def chosen_label(dialog: TagDialog) -> str:
    """The text of the dialog's "Tags:" line."""
    return str(dialog.query_one("#chosen-tags", Static).render())


async def test_backspace_on_empty_box_removes_last_tag(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        results: list[TagEdit | None] = []
        dialog = await open_tag_dialog(app, pilot, results, tags=("economy", "sea"))
        assert str(dialog.query_one("#tag-hint", Static).render()) == HINT
        box = dialog.query_one("#tag-input", Input)
        await pilot.press("x", "y", "backspace")
        assert box.value == "x"  # ordinary backspace still deletes a character
        assert "sea" in chosen_label(dialog)
        await pilot.press("backspace", "backspace")
        assert box.value == ""
        assert "sea" not in chosen_label(dialog) and "economy" in chosen_label(dialog)
        await pilot.press("backspace")
        assert "none yet" in chosen_label(dialog)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(results))
        assert results == [TagEdit(tags=(), note=None)]


async def test_typing_again_clears_the_error(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        dialog = await open_tag_dialog(app, pilot)
        error = dialog.query_one("#tag-error", Static)
        dialog.query_one("#tag-input", Input).value = "x" * (MAX_TAG_LENGTH + 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: f"(at most {MAX_TAG_LENGTH})" in str(error.render()))
        await pilot.press("ctrl+u", "a")
        await wait_until(pilot, lambda: str(error.render()) == "")


async def test_tag_dialog_note_reachable_on_a_small_terminal(
    samples_dir: Path, db_path: Path
) -> None:
    async with app_at(samples_dir, db_path, (70, 20)) as (app, pilot):
        dialog = await open_tag_dialog(app, pilot, tags=("economy", "sea"))
        note = dialog.query_one("#note-input", Input)
        await pilot.press("tab", "tab")  # past the list of matching tags
        await wait_until(pilot, lambda: note.has_focus)
        error = dialog.query_one("#tag-error", Static)
        await wait_until(pilot, lambda: on_screen(app, note) and on_screen(app, error))


async def test_export_dialog_fits_120_by_35(samples_dir: Path, db_path: Path) -> None:
    async with app_at(samples_dir, db_path, (120, 35)) as (app, pilot):
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.pause()
        dialog = app.screen
        for selector in (
            "#export-format",
            "#export-tags",
            "#export-destination",
            "#export-path",
            "#export-go",
            "#export-cancel",
        ):
            assert on_screen(app, dialog.query_one(selector)), selector


async def test_export_button_reachable_at_70_by_20(samples_dir: Path, db_path: Path) -> None:
    async with app_at(samples_dir, db_path, (70, 20)) as (app, pilot):
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        button = app.screen.query_one("#export-go")
        for _ in range(12):  # every field of the dialog, then the button
            if button.has_focus:
                break
            await pilot.press("tab")
        await wait_until(pilot, lambda: button.has_focus)
        await wait_until(pilot, lambda: on_screen(app, button))


async def test_export_key_while_quitting_does_not_crash(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("q", "e")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


def test_dialogs_mounted_without_their_widgets_do_nothing() -> None:
    # What happens when the app quits between pushing a dialog and composing it.
    export = ExportDialog()
    export.on_mount()
    assert not export.query("*")
    tags = TagDialog(QUOTE, [])
    tags.on_mount()
    assert not tags.query("*")


async def test_rename_onto_existing_tag_asks_before_merging(
    samples_dir: Path, db_path: Path
) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    seed_annotation(samples_dir, db_path, RIGHT, "maritime issues", ("sea",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-table", DataTable).row_count == 2
            ),
        )
        store = app.workspace.require_store()
        await pilot.press("down", "r")  # rename "sea" to "Economy"
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", *"Economy", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen._question == "Tag 'economy' already exists: merge 'sea' into it?"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        assert {t.name for t in store.tags()} == {"economy", "sea"}

        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", *"Economy", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: {t.name: t.count for t in store.tags()} == {"economy": 2})
        await wait_until(
            pilot,
            lambda: (
                "Merged 'sea' into 'economy' on 1 annotation; u undoes it." in notifications(app)
            ),
        )


async def test_rename_and_delete_say_what_happened(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    seed_annotation(samples_dir, db_path, RIGHT, "practical cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one("#tag-table", DataTable).row_count == 1
            ),
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", *"trade", "enter")
        await wait_until(
            pilot,
            lambda: (
                "Renamed 'economy' to 'trade' on 2 annotations; u undoes it." in notifications(app)
            ),
        )
        table = app.screen.query_one("#tag-table", DataTable)
        await wait_until(
            pilot, lambda: table.row_count == 1 and str(table.get_row_at(0)[1]) == "trade"
        )
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen._question.startswith("Remove tag 'trade' from 2 annotations?")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: "Removed tag 'trade' from 2 annotations; u undoes it." in notifications(app),
        )


async def test_delete_confirmation_is_singular_for_one(samples_dir: Path, db_path: Path) -> None:
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
        assert app.screen._question.startswith("Remove tag 'economy' from 1 annotation?")


async def test_deleting_an_orphan_says_so(library_copy: Path, db_path: Path) -> None:
    make_orphan(library_copy, db_path, LEFT)
    async with running_app(library_copy, db_path) as (app, pilot):
        await open_orphans(app, pilot, count=1)
        await pilot.press("d")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: store.all() == [])
        await wait_until(
            pilot, lambda: "Deleted the orphaned annotation; u undoes it." in notifications(app)
        )
