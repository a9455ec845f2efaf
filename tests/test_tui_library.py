"""The library screen: table, filter, sort, full-text search, side-by-side marking."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tests.tui_support import reader_view, running_app, wait_until
from tui.screens.reader import ReaderScreen
from tui.screens.side_by_side import SideBySideScreen
from tui.widgets.article_table import ArticleTable
from tui.widgets.article_view import ArticleView


def six_articles(tmp_path: Path) -> Path:
    """A collection of six short articles, "Headline number 0" to "Headline number 5"."""
    collection = tmp_path / "many"
    collection.mkdir()
    for index in range(6):
        (collection / f"a{index}.txt").write_text(
            f"Headline number {index}\n\nBody text {index}.", encoding="utf-8"
        )
    return collection


def row_titles(table: ArticleTable) -> list[str]:
    return [table.row(i).cells[0] for i in range(table.row_count)]


async def test_table_lists_articles_and_filters_as_you_type(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        assert table.row_count == 5
        status = app.screen.query_one("#library-status", Static)
        assert "5 of 5 articles" in str(status.render())
        await pilot.press("f", *"xinhua")
        await wait_until(pilot, lambda: table.row_count == 2)
        assert all("China, Vietnam agree" in title for title in row_titles(table))


async def test_sort_cycles_and_reverses(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        newest_first = [title[:20] for title in row_titles(table)]
        assert newest_first == [
            "China, Vietnam agree",  # 001, 2023-12-19
            "Presidents vow to ad",  # 000, 2023-12-14
            "China, Vietnam agree",  # 004, 2023-12-13
            "Sino-Vietnamese poli",  # 002, 2023-04-27
            "Xi and senior Vietna",  # 003, no date
        ]
        await pilot.press("r")
        assert [title[:20] for title in row_titles(table)] == list(reversed(newest_first))
        await pilot.press("s")  # next sort column: words, longest first
        words = [int(table.row(i).cells[3]) for i in range(table.row_count)]
        assert words == sorted(words, reverse=True) and words[0] > words[-1]


async def test_full_text_search_opens_reader_at_match(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("slash", *"Taiwan", "enter")
        await wait_until(pilot, lambda: app.screen.query_one("#hits").option_count == 2)
        hits = app.screen.query_one("#hits")
        assert hits.border_title == "2 matches for 'Taiwan' in 1 article"
        first = hits.get_option_at_index(0).prompt
        # Title, outlet and date, then the match (drawn reversed) in whole-word context.
        assert first.plain.startswith("China, Vietnam agree to build community")
        assert "  Xinhua · 2023-12-19" in first.plain
        assert "\n…the one-China principle, recognizes Taiwan as" in first.plain
        reversed_spans = [
            first.plain[span.start : span.end] for span in first.spans if span.style == "reverse"
        ]
        assert reversed_spans == ["Taiwan"]
        await pilot.press("enter")
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == "001_cd3da7863ef62599"
        cursor = view.cursor_span
        assert cursor is not None and "Taiwan" in view.article.text(cursor.start, cursor.end)
        # Every occurrence of the query is marked; n goes to the next one.
        assert view.match_count == 2
        await pilot.press("n")
        cursor = view.cursor_span
        assert cursor is not None and "Taiwan" in view.article.text(cursor.start, cursor.end)


async def test_mark_two_and_open_side_by_side(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("space", "down", "space")
        status = str(app.screen.query_one("#library-status", Static).render())
        table = app.screen.query_one("#articles", ArticleTable)
        assert table.row(0).cells[0].startswith("● ") and table.row(1).cells[0].startswith("● ")
        # Marked articles are named by their (shortened) titles.
        assert "marked: China, Vietnam agree to build… | Presidents vow to advance" in status
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, SideBySideScreen))
        views = list(app.screen.query(ArticleView))
        await wait_until(pilot, lambda: all(v.article is not None for v in views))
        assert len({view.article.id for view in views}) == 2


async def test_every_article_is_listed_and_the_filter_narrows_them(
    tmp_path: Path, db_path: Path
) -> None:
    collection = six_articles(tmp_path)
    async with running_app(collection, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        status = app.screen.query_one("#library-status", Static)
        assert table.row_count == 6
        assert "6 of 6 articles · row 1 ·" in str(status.render())
        await pilot.press("end")  # the status line follows the cursor
        await wait_until(pilot, lambda: "· row 6 ·" in str(status.render()))
        await pilot.press("up")
        await wait_until(pilot, lambda: "· row 5 ·" in str(status.render()))
        await pilot.press("f", *"5 HEADLINE")  # every word, in any order, in any case
        await wait_until(pilot, lambda: table.row_count == 1)
        assert row_titles(table) == ["Headline number 5"]
        assert "1 of 6 articles · row 1 ·" in str(status.render())
        await pilot.press("enter")  # back to the table, which opens the one row
        assert table.has_focus
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))


async def test_notes_column_counts_highlights_made_in_the_reader(
    samples_dir: Path, db_path: Path
) -> None:
    from tests.tui_support import open_reader
    from tui.screens.library import LibraryScreen
    from tui.screens.tag_dialog import TagDialog

    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        row = table.index_of("000_e730ce0a32d34978")
        assert row is not None and table.row(row).cells[4] == ""
        await open_reader(app, pilot, "000_e730ce0a32d34978")
        await pilot.press("J", "v", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"x", "enter", "enter")
        await wait_until(pilot, lambda: len(app.workspace.require_store().all()) == 1)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await wait_until(
            pilot, lambda: table.row(table.index_of("000_e730ce0a32d34978") or 0).cells[4] == "1"
        )


async def test_search_panel_counts_every_match_but_lists_the_first(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.corpus import Corpus
    from tui.screens import library

    monkeypatch.setattr(library, "MAX_SEARCH_HITS", 3)
    expected = Corpus.open(samples_dir).search("vietnam")
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("slash", *"vietnam", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count == 3)
        assert hits.border_title == (
            f"{expected.total} matches for 'vietnam' in {len(expected.counts())} articles"
            " · first 3 listed"
        )


async def test_escape_steps_back_and_the_footer_says_when_it_can(
    samples_dir: Path, db_path: Path
) -> None:
    from textual.widgets import Input

    from tui.widgets.footer import KeyFooter

    def footer() -> str:
        return app.screen.query_one(KeyFooter).render().plain

    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        assert "esc Back" not in footer()  # nothing to go back from
        await pilot.press("f", *"xinhua")
        await wait_until(pilot, lambda: table.row_count == 2)
        assert "esc Back" in footer()
        await pilot.press("escape")  # leave the filter: the table has the focus
        assert table.has_focus and table.row_count == 2
        await pilot.press("escape")  # clear the filter
        await wait_until(pilot, lambda: table.row_count == 5)
        assert app.screen.query_one("#filter", Input).value == ""
        await pilot.pause()
        assert "esc Back" not in footer()

        await pilot.press("slash", *"Taiwan", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count == 2 and hits.has_focus)
        assert " ⏎ Open " in footer() and "esc Back" in footer()
        await pilot.press("escape")  # close the search panel
        assert not app.screen.query_one("#search-panel").display and table.has_focus
        await pilot.press("slash", "ctrl+u", "enter")  # an emptied search also closes it
        assert not app.screen.query_one("#search-panel").display and table.has_focus


def test_search_panel_title_counts_in_words() -> None:
    from tests.test_search import BODIES, make_index
    from tui.screens.library import hits_title

    index = make_index(BODIES)
    assert hits_title("china", index.search("china")) == "1 match for 'china' in 1 article"
    assert hits_title("vietnam", index.search("vietnam", limit=2)) == (
        "5 matches for 'vietnam' in 2 articles · first 2 listed"
    )
    stopped = index.search(r"viet\w+", regex=True, limit=2)
    assert hits_title("viet", stopped).startswith("2+ matches for 'viet'")


async def test_boolean_full_text_search(samples_dir: Path, db_path: Path) -> None:
    from annotations.corpus import Corpus

    query = '"shared future" AND Vietnam'
    expected = Corpus.open(samples_dir).search(query)
    assert expected.total > 0
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("slash", *query, "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 0)
        assert hits.option_count == len(expected)
        assert hits.border_title == (
            f"{expected.total} matches for {query!r} in {len(expected.counts())} articles"
        )
        marked = set()
        for number in range(hits.option_count):
            prompt = hits.get_option_at_index(number).prompt
            marked |= {
                prompt.plain[span.start : span.end].lower()
                for span in prompt.spans
                if span.style == "reverse"
            }
        assert marked == {"shared future", "vietnam"}
        await pilot.press("enter")
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == expected[0].article
        cursor = view.cursor_span
        first = expected[0]
        assert cursor is not None and cursor.start <= first.start < first.end <= cursor.end
        # The reader marks the occurrences of the term that hit is.
        term = view.article.text(first.start, first.end).lower()
        assert view.match_count == view.article.body.lower().count(term) > 0


async def test_files_skipped_at_start_are_said_in_one_notice(
    library_copy: Path, db_path: Path
) -> None:
    """(Found by a tester.) A toast per skipped file covered the library."""
    from tests.tui_support import notifications

    (library_copy / "empty.txt").write_bytes(b"")
    (library_copy / "scan.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (library_copy / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (library_copy / "blank.md").write_bytes(b"")
    (library_copy / "gone.txt").symlink_to(library_copy / "nowhere.txt")
    async with running_app(library_copy, db_path) as (app, pilot):
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        await wait_until(pilot, lambda: bool(notifications(app)))
        said = [m for m in notifications(app) if "skipped" in m]
        assert len(said) == 1, said
        lines = said[0].splitlines()
        assert lines[0] == (
            "5 notices about the collection's files (skipped, or read with a fallback):"
        )
        assert len(lines) == 5 and lines[-1].startswith("… and 2 more")
        assert all(line.startswith("skipped ") for line in lines[1:4])


async def test_a_few_skipped_files_are_each_on_a_line(library_copy: Path, db_path: Path) -> None:
    from tests.tui_support import notifications

    (library_copy / "empty.txt").write_bytes(b"")
    async with running_app(library_copy, db_path) as (app, pilot):
        await wait_until(pilot, lambda: any("skipped" in m for m in notifications(app)))
        assert [m for m in notifications(app) if "skipped" in m] == [
            "skipped empty.txt: empty file"
        ]


async def test_search_hits_get_room_for_three_on_a_small_terminal(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) At 80x24 the hits list showed one hit at a time."""
    from tui.app import NewsmarkApp
    from tui.workspace import Workspace

    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        await pilot.press("slash", *"Vietnam", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 3)
        await pilot.pause()
        assert hits.content_region.height >= 9  # three hits of a title and two lines
        assert app.screen.query_one("#articles").region.height >= 4  # rows still in view
