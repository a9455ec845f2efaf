"""The library at 80 and 60 columns (titles first, whole dates), Notes sorting ties by date,
and the stats screen naming articles by title and opening them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from annotations.corpus import Corpus
from tests.tui_support import reader_view, running_app, seed_annotation, wait_until
from tui.screens.library import COLUMNS, LibraryScreen
from tui.screens.stats import StatsScreen
from tui.widgets.article_table import ArticleTable

LEFT = "000_e730ce0a32d34978"
RIGHT = "001_cd3da7863ef62599"


def _table(app) -> ArticleTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleTable)


async def test_dates_have_one_precision_and_are_never_cut(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        for width in (120, 80, 60):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            table = _table(app)
            dates = [table.row(i).cells[2] for i in range(table.row_count)]
            assert all(d == "—" or len(d) == 10 for d in dates), dates
            widths = table.column_widths(table.scrollable_content_region.width)
            assert widths[2] >= 10, (width, widths)  # "2023-12-14" whole, never "2023-…"
            if width == 80:
                # The title gets what the other columns leave: more than the date and outlet.
                assert widths[0] >= 30 and widths[0] > widths[1] + widths[2], widths


async def test_sorting_by_notes_breaks_ties_by_date(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "six major goals", ("security",))
    corpus = Corpus.open(samples_dir)
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        notes = [c.key for c in COLUMNS].index("notes")
        while screen.sort[0] != notes:
            await pilot.press("s")
        table = _table(app)
        keys = [table.row(i).key for i in range(table.row_count)]
        assert keys[0] == LEFT  # the only one with a note
        rest = [corpus.meta(key).date or "" for key in keys[1:]]
        assert rest == sorted(rest, reverse=True)  # then the newest first


async def test_stats_names_articles_by_title_and_opens_them(
    samples_dir: Path, db_path: Path
) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "deepen win-win cooperation", ("economy",))
    title = Corpus.open(samples_dir).meta(LEFT).title
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("S")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, StatsScreen)
                and app.screen.query_one("#stats-article", DataTable).row_count == 1
            ),
        )
        articles = app.screen.query_one("#stats-article", DataTable)
        assert str(articles.get_row_at(0)[0]) == title
        app.screen.query_one("#stats-tabs").active = "stats-article-tab"
        articles.focus()
        await pilot.press("enter")  # on the article's name: open it
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == LEFT


async def test_hovering_a_row_shows_the_full_date_and_time(
    samples_dir: Path, db_path: Path
) -> None:
    corpus = Corpus.open(samples_dir)
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = _table(app)
        index = next(
            i for i in range(table.row_count) if len(corpus.meta(table.row(i).key).date or "") > 10
        )
        full = corpus.meta(table.row(index).key).date
        await pilot.hover(table, offset=(2, index + 1 - round(table.scroll_y)))
        await wait_until(pilot, lambda: table.tooltip is not None)
        assert table.tooltip == f"Published {full.replace('T', ' ')}"
