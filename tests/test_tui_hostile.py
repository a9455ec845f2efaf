"""Hostile article text is shown literally in the TUI and never reaches the terminal as
control sequences or markup."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.tui_support import running_app, wait_until
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView

HOSTILE_TITLE = "Breaking [bold red]news[/] \x1b]52;c;aGFja2Vk\x07 [link=https://evil.example]x[/link]"
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
        table = app.screen.query_one("#articles", DataTable)
        title_cell = str(table.get_row_at(0)[0])
        assert "[bold red]news[/]" in title_cell and "\x1b" not in title_cell

        app.open_reader("evil")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                         and bool(app.screen.query(ArticleView)))
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
