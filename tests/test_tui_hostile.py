"""Hostile article text is shown literally in the TUI and never reaches the terminal as
control sequences or markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, OptionList

from tests.tui_support import notifications, running_app, seed_annotation, wait_until
from tui.app import NewsmarkApp
from tui.screens.export_dialog import ExportDialog
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.tag_browser import TagBrowserScreen
from tui.widgets.article_table import ArticleTable
from tui.widgets.article_view import ArticleView
from tui.workspace import Workspace

HOSTILE_TITLE = (
    "Breaking [bold red]news[/] \x1b]52;c;aGFja2Vk\x07 [link=https://evil.example]x[/link]"
)
HOSTILE_BODY = (
    "Clear\x1b[2J\x1b[Hthe screen. Bell\x07 and OSC 8 \x1b]8;;https://evil.example\x07link"
    "\x1b]8;;\x07 here.\r\n\r\n"
    "[bold]Not bold[/bold] and [@click=app.quit]not a link[/] stay literal. "
    "Right-to-left: שלום עולם. 中文：南海问题。\u2028Next line.\n"
)


def render_text(view: ArticleView) -> str:
    lines = []
    for y in range(view.size.height):
        lines.append("".join(segment.text for segment in view.render_line(y)))
    return "\n".join(lines)


async def test_hostile_article_is_displayed_literally(tmp_path: Path, db_path: Path) -> None:
    library = tmp_path / "hostile"
    library.mkdir()
    (library / "evil.txt").write_text(HOSTILE_TITLE + "\n\n" + HOSTILE_BODY, encoding="utf-8")
    async with running_app(library, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        title_cell = table.row(0).cells[0]
        assert "[bold red]news[/]" in title_cell and "\x1b" not in title_cell
        drawn = "".join(segment.text for segment in table.render_line(1))
        assert "[bold red]news[/]" in drawn  # drawn as typed, not as markup

        app.open_reader("evil")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReaderScreen) and bool(app.screen.query(ArticleView)),
        )
        view = app.screen.query_one(ArticleView)
        await wait_until(pilot, lambda: view.article_layout is not None)
        await pilot.pause()
        shown = render_text(view)
        assert "[bold]Not bold[/bold]" in shown
        assert "[@click=app.quit]not a link[/]" in shown
        assert "Clearthe screen." in shown
        assert "שלום עולם" in shown and "南海问题" in shown
        for control in ("\x1b", "\x07", "\x9b", "\r"):
            assert control not in shown
        # The reader is still open: no markup action (app.quit) was triggered.
        assert isinstance(app.screen, ReaderScreen)


def shown_border_title(widget: Widget) -> str:
    """The border title as it is drawn (Textual hands it back as markup)."""
    assert widget.border_title is not None
    return Content.from_markup(widget.border_title).plain


@pytest.mark.parametrize("query", ["[/]", "[red]x"])
async def test_search_query_is_shown_literally(
    samples_dir: Path, db_path: Path, query: str
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("slash", *query, "enter")
        hits = app.screen.query_one("#hits", OptionList)
        await wait_until(pilot, lambda: hits.border_title is not None)
        assert shown_border_title(hits) == f"0 matches for {query!r}"
        assert f"No matches for {query!r}." in notifications(app)
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


@pytest.mark.parametrize("tag", ["[/x]", "[link=x]y", "[link=https:/x]y"])
async def test_tag_with_brackets_is_shown_literally(
    samples_dir: Path, db_path: Path, tag: str, tmp_path: Path
) -> None:
    seed_annotation(
        samples_dir, db_path, "000_e730ce0a32d34978", "deepen win-win cooperation", (tag,)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        table = app.screen.query_one("#tag-table", DataTable)
        # A "/" makes a tag path: "[/x]" is the tag "x]" below "[" (listed first).
        row = table.get_row_index(tag)
        table.move_cursor(row=row)
        quotes = app.screen.query_one("#tag-quotes", OptionList)
        await wait_until(
            pilot, lambda: app.screen.current_tag() == tag and quotes.option_count == 1
        )
        await pilot.pause()
        assert shown_border_title(quotes) == f"1 quote tagged {tag}"
        app.save_screenshot(str(tmp_path / "tags.svg"))  # the parent rows drew literally too
        assert str(table.get_row_at(row)[1]).strip() == tag.rsplit("/", 1)[-1]


async def test_export_dialog_shows_article_id_literally(tmp_path: Path, db_path: Path) -> None:
    library = tmp_path / "brackets"
    library.mkdir()
    (library / "report [x] [bold]y.txt").write_text("A title\n\nSome text.", encoding="utf-8")
    async with running_app(library, db_path) as (app, pilot):
        [meta] = list(app.workspace.require_corpus())
        assert "[x] [bold]y" in meta.id
        app.action_export(article=meta.id)
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ExportDialog) and bool(app.screen.query("#export-article"))
            ),
        )
        checkbox = app.screen.query_one("#export-article", Checkbox)
        assert checkbox.label.plain == f"Only article {meta.id}"


async def test_startup_error_message_keeps_brackets(
    samples_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "[draft]" / "db.json"
    db_path.parent.mkdir()
    db_path.write_text("{ not json", encoding="utf-8")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.return_code == 1)
        [message] = app._exit_renderables
        assert isinstance(message, Text)
        assert message.plain.startswith(f"newsmark: error: {db_path} ")
    assert app.return_code == 1
    # Printed at exit (Rich may fold the long path across lines).
    assert str(db_path) in capsys.readouterr().err.replace("\n", "")


async def test_many_tags_and_long_notes_keep_the_reader_quick(
    samples_dir: Path, db_path: Path
) -> None:
    """An imported file may give an annotation 100 tags and a 100 KB note: the panel entry
    and the status line show a clipped line of each (laying out the whole took 53 s for
    10,000 such annotations on one article)."""
    from annotations.tags import MAX_TAGS_PER_ANNOTATION
    from tests.tui_support import open_reader
    from tui.screens.reader import PANEL_NOTE_CHARS, PANEL_TAGS_CHARS

    tags = tuple(f"tag number {i}" for i in range(MAX_TAGS_PER_ANNOTATION))
    seeded = seed_annotation(
        samples_dir,
        db_path,
        "000_e730ce0a32d34978",
        "make the pie of common interests",
        tags,
        note="long " * 20_000,
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, seeded.article)
        panel = app.screen.query_one("#reader-annotations", OptionList)
        await wait_until(pilot, lambda: panel.option_count == 1)
        prompt = str(panel.get_option_at_index(0).prompt)
        tag_line, _quote, note_line = prompt.split("\n")
        tags_shown, coder_shown = tag_line.rsplit("  ", 1)  # the coder follows the tags
        assert coder_shown == app.workspace.current_coder
        assert tags_shown.startswith("▌tag number 0, tag number 1") and tags_shown.endswith("…")
        assert len(tags_shown) == 1 + PANEL_TAGS_CHARS
        assert len(note_line) == len(" Note: ") + PANEL_NOTE_CHARS
        view.move_cursor_to(seeded.start)
        await pilot.pause()
        status = str(app.screen.query_one("#article-status").render())
        assert "Highlight: tag number 0" in status and len(status) < 600
