"""The TUI's undo and redo take back only this window's changes, never another process's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_tui_reader import ARTICLE
from tests.tui_support import notifications, open_reader, running_app, wait_until
from tui.screens.tag_dialog import TagDialog

REPO_ROOT = Path(__file__).resolve().parent.parent
OTHER_ARTICLE = "001"


async def test_u_undoes_this_windows_change_and_keeps_another_terminals(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        store = app.workspace.require_store()
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "v", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"mine", "enter", "enter")
        await wait_until(pilot, lambda: len(store.all()) == 1)
        (mine,) = store.all()

        # Another terminal highlights a passage of an article this window is not showing.
        other = subprocess.run(
            [
                sys.executable,
                "-m",
                "tui.cli",
                "--library",
                str(samples_dir),
                "--db",
                str(db_path),
                "annotate",
                OTHER_ARTICLE,
                "--quote",
                "Vietnam",
                "--tag",
                "theirs",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        theirs = other.stdout.strip()
        app._check_external_changes()  # what the window's 2 s poll does
        await wait_until(pilot, lambda: len(store.all()) == 2, timeout=10)

        await pilot.press("u")
        await wait_until(pilot, lambda: [a.id for a in store.all()] == [theirs])
        await wait_until(
            pilot, lambda: any("Undone: add highlight" in m for m in notifications(app))
        )
        await pilot.press("u")  # nothing of this window's is left to undo
        await wait_until(
            pilot, lambda: any("Nothing of this window's to undo" in m for m in notifications(app))
        )
        assert [a.id for a in store.all()] == [theirs]

        await pilot.press("U")  # redo brings this window's highlight back
        await wait_until(pilot, lambda: {a.id for a in store.all()} == {mine.id, theirs})
