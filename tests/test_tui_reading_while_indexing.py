"""A cold collection is listed as its files are indexed, and an indexed article can be read
and annotated before the rest is (issue 16)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import annotations.corpus as corpus_module
from annotations.corpus import FIRST_BATCH_FILES
from annotations.indexing import FileJob, IndexedFile, Progress
from annotations.model import Anchor
from tests.tui_support import article_table, library_rows, library_status, reader_view, wait_until
from tui.app import NewsmarkApp
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog
from tui.workspace import Workspace

# Fewer than the process pool's threshold (parsed in the process: quick to start), more
# than one batch: the library is shown the first batch, then the rest.
ARTICLES = FIRST_BATCH_FILES + 100
# The indexing waits after this many files until the test lets it go on.
PAUSED_AT = FIRST_BATCH_FILES + 40


@pytest.fixture
def library(tmp_path: Path) -> Path:
    directory = tmp_path / "library"
    directory.mkdir()
    for n in range(ARTICLES):
        (directory / f"{n:04d}.txt").write_text(
            f"Article number {n} on trade\n\nTrade between the two countries grew by "
            f"{n} percent. Officials said more was to come.\n",
            encoding="utf-8",
        )
    return directory


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Indexing stops after PAUSED_AT files until the event is set."""
    release = threading.Event()
    real = corpus_module.index_files

    def paused(jobs: list[FileJob], progress: Progress | None = None) -> Iterator[IndexedFile]:
        for number, entry in enumerate(real(jobs, progress)):
            if number == PAUSED_AT:
                release.wait(30)
            yield entry

    monkeypatch.setattr(corpus_module, "index_files", paused)
    yield release
    release.set()


async def test_rows_appear_while_indexing_and_the_cursor_stays_put(
    library: Path, tmp_path: Path, gate: threading.Event
) -> None:
    app = NewsmarkApp(Workspace(library=library, db_path=tmp_path / "db.json"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: library_rows(app) == FIRST_BATCH_FILES, timeout=30)
        assert app.workspace.indexing
        await wait_until(pilot, lambda: "files read" in library_status(app))
        status = library_status(app)
        assert f"{FIRST_BATCH_FILES} of {FIRST_BATCH_FILES} articles" in status
        assert f"of {ARTICLES} files read" in status
        table = article_table(app)
        assert table is not None
        table.focus()
        await pilot.press("pagedown", "pagedown", "pagedown", "down")
        key, row = table.cursor_key, table.cursor_row
        line = row - round(table.scroll_y)
        gate.set()
        await wait_until(pilot, lambda: not app.workspace.indexing, timeout=30)
        await wait_until(pilot, lambda: library_rows(app) == ARTICLES, timeout=10)
        assert f"{ARTICLES} of {ARTICLES} articles" in library_status(app)
        # Rows arrived above the cursor (newest ids first): it stayed on its article, on
        # the same line of the screen.
        assert table.cursor_key == key and table.cursor_row > row
        assert table.cursor_row - round(table.scroll_y) == line


async def test_an_untouched_library_keeps_the_newest_at_its_top(
    library: Path, tmp_path: Path, gate: threading.Event
) -> None:
    """Nobody moved the cursor while the first index went on: when it ends, the table's
    top is the newest article, under the cursor (found by a tester: the newest rows were
    above the screen)."""
    app = NewsmarkApp(Workspace(library=library, db_path=tmp_path / "db.json"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: library_rows(app) == FIRST_BATCH_FILES, timeout=30)
        table = article_table(app)
        assert table is not None
        gate.set()
        await wait_until(pilot, lambda: library_rows(app) == ARTICLES, timeout=30)
        await pilot.pause()
        newest = f"{ARTICLES - 1:04d}"
        assert (table.cursor_key, table.cursor_row, round(table.scroll_y)) == (newest, 0, 0)


async def test_an_indexed_article_is_read_and_annotated_while_indexing_goes_on(
    library: Path, tmp_path: Path, gate: threading.Event
) -> None:
    db_path = tmp_path / "db.json"
    app = NewsmarkApp(Workspace(library=library, db_path=db_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: library_rows(app) == FIRST_BATCH_FILES, timeout=30)
        table = article_table(app)
        assert table is not None
        article_id = table.cursor_key
        assert article_id is not None
        table.focus()
        await pilot.press("enter")
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article is not None and view.article.id == article_id
        assert "Trade between the two countries" in view.article.body
        await pilot.press("v", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"trade", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert app.workspace.indexing  # all of this before the indexing went on
        [annotation] = store.all()
        assert annotation.article == article_id and annotation.tags == ("trade",)
        await wait_until(
            pilot, lambda: [h.annotation_id for h in view.highlights] == [annotation.id]
        )
        gate.set()
        await wait_until(pilot, lambda: not app.workspace.indexing, timeout=30)
        # Once the whole collection is open the reader still shows the article and its
        # highlight; back in the library, every article is listed, this one with a note.
        await pilot.pause(0.2)
        assert isinstance(app.screen, ReaderScreen)
        assert [h.annotation_id for h in view.highlights] == [annotation.id]
        assert store.get(annotation.id).anchor == Anchor.EXACT
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await wait_until(pilot, lambda: library_rows(app) == ARTICLES)

        def notes() -> str:
            index = table.index_of(article_id)
            return "" if index is None else table.row(index).cells[4]

        await wait_until(pilot, lambda: notes() == "1")


@pytest.fixture
def every_id(library: Path, tmp_path: Path) -> set[str]:
    """The ids of the library's articles, from an index of a copy (made before `gate`)."""
    import shutil

    from annotations.corpus import Corpus

    copy = tmp_path / "copy" / "library"
    shutil.copytree(library, copy)
    return {article.id for article in Corpus.open(copy)}


async def test_a_key_pressed_before_the_last_read_article_is_listed_stops_the_jump(
    library: Path, tmp_path: Path, every_id: set[str], gate: threading.Event
) -> None:
    """The article last read comes in a later batch of a cold index; the user has moved
    the cursor meanwhile: when it arrives, neither the cursor nor the reader jumps to it."""
    app = NewsmarkApp(Workspace(library=library, db_path=tmp_path / "db.json"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: library_rows(app) == FIRST_BATCH_FILES, timeout=30)
        table = article_table(app)
        assert table is not None
        later = sorted(i for i in every_id if table.index_of(i) is None)[0]
        table.focus()
        await pilot.press("down")
        key = table.cursor_key
        app.remember_position(later, 0, reading=True)  # as if read in an earlier session
        gate.set()
        await wait_until(pilot, lambda: not app.workspace.indexing, timeout=30)
        await wait_until(pilot, lambda: library_rows(app) == ARTICLES, timeout=10)
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert table.cursor_key == key != later
