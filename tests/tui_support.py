"""Helpers for driving the newsmark TUI with Textual's Pilot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from annotations.anchoring import locate_quote, new_annotation
from annotations.corpus import Corpus
from annotations.model import Annotation
from annotations.store import AnnotationStore
from tui.app import NewsmarkApp
from tui.widgets.article_table import ArticleTable
from tui.widgets.article_view import ArticleView
from tui.workspace import Workspace

SIZE = (130, 40)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout` seconds)."""
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


@asynccontextmanager
async def running_app(
    library: Path, db_path: Path, *, timeout: float = 5.0
) -> AsyncIterator[tuple[NewsmarkApp, Pilot]]:
    """The app on `library`/`db_path`, started and with its data open (within `timeout` s)."""
    app = NewsmarkApp(Workspace(library=library, db_path=db_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot,
            lambda: app.workspace.is_open and not app.workspace.indexing,
            timeout=timeout,
        )
        await wait_until(pilot, lambda: bool(app.screen_stack[0].query("#articles")))
        await pilot.pause()
        yield app, pilot


async def open_reader(app: NewsmarkApp, pilot: Pilot, article_id: str) -> ArticleView:
    """Open the reader on an article and wait until its text is laid out."""
    from tui.screens.reader import ReaderScreen

    app.open_reader(article_id)
    await wait_until(
        pilot, lambda: isinstance(app.screen, ReaderScreen) and bool(app.screen.query(ArticleView))
    )
    view = app.screen.query_one(ArticleView)
    await wait_until(pilot, lambda: view.article is not None and view.article_layout is not None)
    return view


async def reader_view(app: NewsmarkApp, pilot: Pilot) -> ArticleView:
    """The reader's article view, once the reader is the screen and composed (on a busy
    machine a screen is pushed a moment before its widgets are there)."""
    from tui.screens.reader import ReaderScreen

    await wait_until(
        pilot, lambda: isinstance(app.screen, ReaderScreen) and bool(app.screen.query(ArticleView))
    )
    return app.screen.query_one(ArticleView)


def seed_annotation(
    library: Path,
    db_path: Path,
    article_id: str,
    quote: str,
    tags: tuple[str, ...],
    note: str | None = None,
) -> Annotation:
    """Store one annotation of `quote` directly, as a previous session would have."""
    article = Corpus.open(library).article(article_id)
    span = locate_quote(article.body, quote)
    annotation = new_annotation(article, span.start, span.end, tags=tags, note=note)
    AnnotationStore.open(db_path).add(annotation)
    return annotation


ORPHANED_QUOTE = "make the pie of common interests even bigger"


def make_orphan(library: Path, db_path: Path, article_id: str) -> Annotation:
    """Annotate ORPHANED_QUOTE in a writable library, then edit it out of the article."""
    annotation = seed_annotation(library, db_path, article_id, ORPHANED_QUOTE, ("economy",))
    path = library / f"{article_id}.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace(ORPHANED_QUOTE, "grow trade"), encoding="utf-8"
    )
    return annotation


async def open_orphans(app: NewsmarkApp, pilot: Pilot, *, count: int) -> None:
    """Open the orphans screen (after the open-time notice) and wait for `count` rows."""
    from textual.widgets import DataTable

    from tui.screens.orphans import OrphansScreen

    await wait_until(pilot, lambda: any("orphaned" in m for m in notifications(app)))
    await pilot.press("o")
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, OrphansScreen)
            and app.screen.query_one("#orphan-table", DataTable).row_count == count
        ),
    )


def notifications(app: NewsmarkApp) -> list[str]:
    """Every notification message shown so far."""
    return [notification.message for notification in app._notifications]


def library_status(app: NewsmarkApp) -> str:
    """The library's status line (the library is the bottom screen)."""
    return str(app.screen_stack[0].query_one("#library-status", Static).render())


def article_table(app: NewsmarkApp) -> ArticleTable | None:
    """The library's table, once it is composed."""
    return next(app.screen_stack[0].query("#articles").results(ArticleTable), None)


def library_rows(app: NewsmarkApp) -> int:
    """How many rows the library lists (0 before its table is there)."""
    table = article_table(app)
    return 0 if table is None else table.row_count
