"""The codebook tree in the tag browser, tag descriptions and memos in the TUI."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from annotations.store import AnnotationStore
from tests.tui_support import open_reader, running_app, seed_annotation, wait_until
from tui.app import NewsmarkApp
from tui.screens.memo_dialog import TextDialog
from tui.screens.tag_browser import TagBrowserScreen
from tui.screens.tag_dialog import TagDialog

ARTICLE = "000_e730ce0a32d34978"


def seed(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(
        samples_dir, db_path, ARTICLE, "more practical security cooperation", ("security/maritime",)
    )
    seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests", ("security", "economy")
    )
    AnnotationStore.open(db_path).describe_tag("economy", "Trade, investment, growth")


async def test_tag_browser_shows_the_tree_and_writes_descriptions_and_memos(
    samples_dir: Path, db_path: Path
) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        table = app.screen.query_one("#tag-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3)
        rows = [[str(cell) for cell in table.get_row_at(i)[1:]] for i in range(3)]
        assert rows == [["economy", "1", "1"], ["security", "1", "2"], ["  maritime", "1", "1"]]
        details = app.screen.query_one("#tag-details", Static)
        assert "Trade, investment, growth" in str(details.render())

        await pilot.press("down")  # security: its quotes and those of the tags below it
        await wait_until(pilot, lambda: app.screen.current_tag() == "security")
        quotes = app.screen.query_one("#tag-quotes")
        await wait_until(pilot, lambda: quotes.option_count == 2)
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press(*"Threats", "enter", *"and defence", "ctrl+s")
        store = app.workspace.require_store()
        await wait_until(
            pilot, lambda: any(i.description == "Threats\nand defence" for i in store.tags())
        )
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, TagBrowserScreen) and "Threats" in str(details.render()),
        )
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press(*"China Daily pairs it with economy", "ctrl+s")
        await wait_until(
            pilot, lambda: store.memo("tag", "security") == "China Daily pairs it with economy"
        )
        await wait_until(pilot, lambda: "Memo: China Daily" in str(details.render()))
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press("escape")  # cancelled: nothing changes
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        assert store.memo("tag", "security") == "China Daily pairs it with economy"


async def open_tag_dialog(app: NewsmarkApp, pilot: Pilot) -> None:
    """Open the reader on the seeded article and the tag dialog for a selected sentence."""
    await open_reader(app, pilot, ARTICLE)
    await pilot.press("J", "v", "t")
    await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))


async def test_tag_dialog_shows_the_description_of_the_highlighted_tag(
    samples_dir: Path, db_path: Path
) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_tag_dialog(app, pilot)
        box = app.screen.query_one("#tag-description", Static)
        await pilot.press(*"eco")
        await wait_until(pilot, lambda: "Trade, investment, growth" in str(box.render()))
        await pilot.press("backspace", "backspace", "backspace", *"secu")
        await wait_until(pilot, lambda: not box.display)  # security has no description


async def test_reader_writes_and_shows_the_article_memo(samples_dir: Path, db_path: Path) -> None:
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        memo = app.screen.query_one("#article-memo", Static)
        assert not memo.display
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press(*"Economy first, [b]security[/b] second", "ctrl+s")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: store.memo("article", ARTICLE).startswith("Economy"))
        await wait_until(pilot, lambda: memo.display)
        assert "[b]security[/b]" in str(memo.render())  # shown literally, never as markup


async def test_typing_in_the_list_of_matching_tags_goes_on_in_the_tag_field(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester: keys typed after tab, with the list focused, were dropped.)"""
    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_tag_dialog(app, pilot)
        tag_input = app.screen.query_one("#tag-input", Input)
        await pilot.press(*"ec", "tab")
        assert app.screen.query_one("#tag-matches", OptionList).has_focus
        await pilot.press(*"on")
        assert tag_input.has_focus and tag_input.value == "econ"


async def test_pasted_lines_are_all_kept_in_the_tag_and_note_boxes(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) A paste kept only its first line: a code list copied one per
    line lost all but the first code, a note of several lines all but its first."""
    from textual import events
    from textual.widgets import Input

    seed(samples_dir, db_path)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_tag_dialog(app, pilot)
        tag_box = app.screen.query_one("#tag-input", Input)
        tag_box.post_message(events.Paste("alpha\nbeta, gamma\n\n"))
        await pilot.pause()
        assert tag_box.value == "alpha, beta, gamma"
        await pilot.press("enter")  # the three tags chosen
        note_box = app.screen.query_one("#note-input", Input)
        note_box.focus()
        note_box.post_message(events.Paste("line one\nline two [i]x[/i]\n# heading"))
        await pilot.pause()
        assert note_box.value == "line one\nline two [i]x[/i]\n# heading"
        store = app.workspace.require_store()
        before = {a.id for a in store.all()}
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(store.all()) > len(before))
        [made] = [a for a in store.all() if a.id not in before]
        assert made.tags == ("alpha", "beta", "gamma")
        assert made.note == "line one\nline two [i]x[/i]\n# heading"
