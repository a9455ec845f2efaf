"""The export dialog: enter exports, overwriting asks first, refused targets write nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pyperclip
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.tui_support import notifications, running_app, seed_annotation, wait_until
from tui.app import NewsmarkApp
from tui.screens.export_dialog import ExportDialog
from tui.screens.prompts import ConfirmDialog

LEFT = "000_e730ce0a32d34978"


@pytest.fixture
def annotated_db(samples_dir: Path, db_path: Path) -> Path:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    return db_path


async def _open_dialog(
    app: NewsmarkApp, pilot: Pilot, *, path: Path | None = None, tags: str = ""
) -> ExportDialog:
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
    dialog = app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one("#export-tags", Input).value = tags
    if path is not None:
        dialog.query_one("#export-destination").query("RadioButton").last().value = True
        dialog.query_one("#export-path", Input).value = str(path)
    await pilot.pause()
    return dialog


def _message(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-error", Static).render())


async def _enter_in_path(dialog: ExportDialog, pilot: Pilot) -> None:
    dialog.query_one("#export-path", Input).focus()
    await pilot.press("enter")


async def test_enter_in_the_path_field_exports(samples_dir, annotated_db, tmp_path) -> None:
    target = tmp_path / "quotes.md"
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot, path=target)
        await _enter_in_path(dialog, pilot)
        # The file is written (and the dialog closed) before the worker's notice is shown.
        await wait_until(
            pilot,
            lambda: any(
                f"Exported 1 annotation as markdown to {target}" in m for m in notifications(app)
            ),
        )
        assert not isinstance(app.screen, ExportDialog)
        assert "> deepen win-win cooperation" in target.read_text(encoding="utf-8")


async def test_existing_file_is_replaced_only_after_yes(
    samples_dir, annotated_db, tmp_path
) -> None:
    target = tmp_path / "quotes.md"
    target.write_text("my notes", encoding="utf-8")
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot, path=target)
        await _enter_in_path(dialog, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")  # the focused answer is No
        await wait_until(pilot, lambda: app.screen is dialog)
        assert _message(dialog) == f"Not exported: {target} already exists."
        assert target.read_text(encoding="utf-8") == "my notes"

        await _enter_in_path(dialog, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: "deepen win-win" in target.read_text(encoding="utf-8"))
        await wait_until(pilot, lambda: not isinstance(app.screen, (ExportDialog, ConfirmDialog)))


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory", "missing directory"])
async def test_refused_targets_write_nothing(
    samples_dir, annotated_db, tmp_path, kind: str
) -> None:
    target = tmp_path / "quotes.md"
    real = tmp_path / "real.md"
    real.write_text("keep", encoding="utf-8")
    if kind == "fifo":
        os.mkfifo(target)
        expected = f"{target} is a named pipe (FIFO), not a regular file"
    elif kind == "symlink":
        target.symlink_to(real)
        expected = f"{target} is a symbolic link, not a regular file"
    elif kind == "directory":
        target.mkdir()
        expected = f"{target} is a directory, not a regular file"
    else:
        target = tmp_path / "nowhere" / "quotes.md"
        expected = f"cannot write {target}: directory {target.parent} does not exist"
    before = sorted(p.name for p in tmp_path.iterdir())
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot, path=target)
        await _enter_in_path(dialog, pilot)
        await wait_until(pilot, lambda: expected in _message(dialog))
        assert app.screen is dialog
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert real.read_text(encoding="utf-8") == "keep"


async def test_export_matching_nothing_warns_and_copies_nothing(
    samples_dir, annotated_db, tmp_path, monkeypatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    target = tmp_path / "quotes.md"
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot, tags="nosuchtag")  # clipboard destination
        await pilot.press("ctrl+s")
        expected = "No annotations tagged nosuchtag; nothing was exported."
        await wait_until(pilot, lambda: _message(dialog) == expected)
        dialog.query_one("#export-destination").query("RadioButton").last().value = True
        dialog.query_one("#export-path", Input).value = str(target)
        dialog.query_one("#export-tags", Input).focus()
        await pilot.press("enter")  # enter in the tags field exports too
        await pilot.pause(0.2)
        assert _message(dialog) == expected and app.screen is dialog
    assert copied == [] and not target.exists()


async def test_typing_a_path_while_clipboard_is_chosen_exports_to_that_file(
    samples_dir, annotated_db, tmp_path
) -> None:
    from textual.widgets import RadioSet

    from tui.widgets.choice_button import ChoiceButton

    target = tmp_path / "typed.md"
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot)
        destination = dialog.query_one("#export-destination", RadioSet)
        assert destination.pressed_button is not None
        assert destination.pressed_button.name == "clipboard"
        # the chosen button is told apart without colour: ● and a bold label, ○ otherwise
        glyphs = {b.name: b.render().plain[:3] for b in destination.query(ChoiceButton)}
        assert "●" in glyphs["clipboard"] and "○" in glyphs["file"]
        path_input = dialog.query_one("#export-path", Input)
        path_input.focus()
        path_input.value = ""
        await pilot.press(*str(target))
        await wait_until(
            pilot,
            lambda: (
                destination.pressed_button is not None and destination.pressed_button.name == "file"
            ),
        )
        glyphs = {b.name: b.render().plain[:3] for b in destination.query(ChoiceButton)}
        assert "●" in glyphs["file"] and "○" in glyphs["clipboard"]
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: target.exists() and not isinstance(app.screen, ExportDialog)
        )
        assert "> deepen win-win cooperation" in target.read_text(encoding="utf-8")


async def test_enter_in_the_untouched_path_box_exports_to_the_file(
    samples_dir, annotated_db, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot)
        suggested = Path(dialog.query_one("#export-path", Input).value)
        await _enter_in_path(dialog, pilot)
        await wait_until(pilot, lambda: suggested.exists())
        assert "> deepen win-win cooperation" in suggested.read_text(encoding="utf-8")


async def test_a_bibliography_export_says_how_many_articles(
    samples_dir, annotated_db, tmp_path
) -> None:
    """(Found by a reviewer.) It said "1 annotation as bibtex" of a file of references."""
    target = tmp_path / "refs.bib"
    async with running_app(samples_dir, annotated_db) as (app, pilot):
        dialog = await _open_dialog(app, pilot, path=target)
        next(
            b for b in dialog.query("#export-format RadioButton") if b.name == "bibtex"
        ).value = True
        await pilot.pause()
        dialog.query_one("#export-path", Input).value = str(target)
        await _enter_in_path(dialog, pilot)
        await wait_until(
            pilot,
            lambda: any(
                f"Exported 1 article as bibtex to {target}" in m for m in notifications(app)
            ),
        )
        assert target.read_text(encoding="utf-8").startswith("@")
