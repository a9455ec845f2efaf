"""Opening a collection reports how many files it has read, and the library shows it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from annotations.corpus import Corpus
from annotations.library_listing import ListedArticle
from tests.tui_support import wait_until
from tui.app import NewsmarkApp
from tui.workspace import Workspace


class SlowWorkspace(Workspace):
    """Reports half of the files read, then waits until the test lets it finish."""

    release: threading.Event

    def open(
        self,
        progress: Callable[[int, int], None] | None = None,
        grew: Callable[[Corpus], None] | None = None,
        listed_early: Callable[[list[ListedArticle]], None] | None = None,
    ) -> None:
        assert progress is not None
        progress(2_500, 10_000)
        self.release.wait(10)
        super().open(progress, grew, listed_early)


async def test_the_library_shows_how_far_opening_has_got(samples_dir: Path, db_path: Path) -> None:
    workspace = SlowWorkspace(library=samples_dir, db_path=db_path)
    workspace.release = threading.Event()
    app = NewsmarkApp(workspace)
    async with app.run_test() as pilot:
        status = app.screen.query_one("#library-status", Static)
        try:
            await wait_until(pilot, lambda: "2,500 of 10,000 files read" in str(status.render()))
        finally:
            workspace.release.set()
        await wait_until(pilot, lambda: "5 of 5 articles" in str(status.render()))
