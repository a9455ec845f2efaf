"""Settings remembered across sessions: reading position, theme, panel, citation style,
export defaults; a corrupt settings file is ignored with a notice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import RadioButton, Static

from annotations.settings import load_settings, settings_path
from tests.tui_support import notifications, open_reader, reader_view, running_app, wait_until
from tui.app import NewsmarkApp
from tui.screens.export_dialog import ExportDialog
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.workspace import Workspace

ARTICLE = "000_e730ce0a32d34978"
OTHER = "003_4a3f0146945ab2e7"


async def test_newsmark_reopens_the_article_and_position_last_read(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "J", "w", "w")
        offset = view.cursor_offset
        assert offset > 0
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None)
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == ARTICLE
        await wait_until(pilot, lambda: view.cursor_offset == offset)
        await pilot.press("q")  # back to the library, on the article's row
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)  # left from the library: opens there
        assert app.screen.current_article_id() == ARTICLE
        view = await open_reader(app, pilot, ARTICLE)  # and the article opens where it was
        assert view.cursor_offset == offset
        view = await open_reader(app, pilot, OTHER)
        assert view.cursor_offset == view.article.sentences[0].start


async def test_theme_panel_and_citation_style_are_remembered(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        app.theme = "nord"
        app.set_citation_style("mla")
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("a")  # hide the annotation panel
        await pilot.pause()
    settings, _ = load_settings(settings_path())
    assert (settings.theme, settings.citation_style, settings.annotation_panel) == (
        "nord",
        "mla",
        False,
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        assert app.theme == "nord" and app.citation_style == "mla"
        await open_reader(app, pilot, ARTICLE)
        assert not app.screen.query_one("#reader-panel").display


def _button(dialog: ExportDialog, name: str) -> RadioButton:
    return next(b for b in dialog.query(RadioButton) if b.name == name)


async def test_export_defaults_are_remembered(
    samples_dir: Path, db_path: Path, tmp_path: Path
) -> None:
    from tests.tui_support import seed_annotation

    seed_annotation(samples_dir, db_path, ARTICLE, "six major goals", ("security",))
    target = tmp_path / "exports" / "quotes.csv"
    target.parent.mkdir()
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        _button(dialog, "csv").value = True
        _button(dialog, "file").value = True
        path = dialog.query_one("#export-path")
        path.value = str(target)
        path.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.exists())
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        assert dialog.chosen_format().value == "csv"
        assert _button(dialog, "file").value
        typed = Path(dialog.query_one("#export-path").value)
        assert typed.parent == target.parent and typed.suffix == ".csv"


async def test_a_corrupt_settings_file_is_ignored_with_a_notice(
    samples_dir: Path, db_path: Path
) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("{oops", encoding="utf-8")
    async with running_app(samples_dir, db_path) as (app, pilot):
        assert any("ignored the settings file" in m for m in notifications(app))
        await open_reader(app, pilot, ARTICLE)  # and newsmark works as usual
        await pilot.press("a")
        await pilot.pause()
    settings, notices = load_settings(path)
    assert notices == [] and settings.annotation_panel is False  # written anew
    kept = path.with_name("settings.json.damaged")  # what the user wrote, to mend
    assert kept.read_text(encoding="utf-8") == "{oops"
    assert any(str(kept) in m for m in notifications(app))


async def test_a_warm_collection_is_listed_and_reopened_before_its_files_are_checked(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotations.corpus as corpus_module

    async with running_app(samples_dir, db_path) as (app, pilot):  # the index is warm
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "w")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None)
    release = threading.Event()
    real = corpus_module._collection_files

    def slow_walk(root: Path, dirs: list[tuple[str, int]]) -> Iterator[tuple[str, str]]:
        release.wait(10)  # the check of every file waits for the test
        yield from real(root, dirs)

    monkeypatch.setattr(corpus_module, "_collection_files", slow_walk)
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path))
    try:
        async with app.run_test() as pilot:
            view = await reader_view(app, pilot)
            await wait_until(pilot, lambda: view.article is not None)
            assert view.article is not None and view.article.id == ARTICLE
            library = app.screen_stack[0]
            assert isinstance(library, LibraryScreen)
            await wait_until(pilot, lambda: library.current_article_id() == ARTICLE)
            assert app.workspace.indexing  # all before any file was looked at
            status = library.query_one("#library-status", Static)
            assert "Checking the collection's files…" in str(status.render())
            release.set()
            await wait_until(pilot, lambda: not app.workspace.indexing)
            await wait_until(pilot, lambda: "Checking" not in str(status.render()))
            assert isinstance(app.screen, ReaderScreen) and view.article.id == ARTICLE
    finally:
        release.set()


async def test_a_coder_saved_by_a_command_while_the_app_is_open_is_kept(
    samples_dir: Path, db_path: Path, run_cli
) -> None:
    """(Found by a reviewer.) The app's next save wrote back the coder it had read."""
    import json

    assert run_cli("coder", "ana").code == 0
    async with running_app(samples_dir, db_path) as (app, pilot):
        assert run_cli("coder", "bob").code == 0  # another process, meanwhile
        app.theme = "nord"
        await pilot.pause()
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("ctrl+q")  # (remembers the reading position: a second save)
        await wait_until(pilot, lambda: app.return_code is not None)
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert (saved["coder"], saved["theme"]) == ("bob", "nord")
    assert saved["reading"]
