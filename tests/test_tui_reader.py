"""The reader: keyboard and mouse highlighting, tagging, editing, deleting, undo, find, copy."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pyperclip
import pytest
from textual.command import CommandList
from textual.widgets import OptionList

from annotations.corpus import Corpus
from annotations.store import AnnotationStore
from tests.tui_support import (
    notifications,
    open_reader,
    running_app,
    seed_annotation,
    wait_until,
)
from tui.screens.tag_dialog import TagDialog
from tui.widgets.article_view import ArticleView

ARTICLE = "000_e730ce0a32d34978"


async def test_keyboard_select_across_sentences_and_tag(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("J")  # the first text paragraph (after the caption)
        await pilot.press("v", "j", "j")
        selection = view.selection
        assert selection is not None
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"security", "enter", *"Vietnam", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [annotation] = store.all()
        article = Corpus.open(samples_dir).article(ARTICLE)
        assert annotation.tags == ("security", "Vietnam")
        assert annotation.quote == article.text(selection.start, selection.end)
        assert annotation.quote.startswith("President Xi Jinping emphasized")
        assert annotation.quote.count("\n\n") == 2  # three one-sentence paragraphs
        await wait_until(pilot, lambda: any("Saved" in m for m in notifications(app)))
        assert view.selection is None
        assert [h.annotation_id for h in view.highlights] == [annotation.id]
        panel = app.screen.query_one("#reader-annotations", OptionList)
        assert panel.option_count == 1


async def test_selection_across_paragraphs_with_word_adjustment(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "v", "J", "l", "l")
        selection = view.selection
        assert selection is not None
        text = view.article.text(selection.start, selection.end)
        assert "\n\n" in text  # spans two paragraphs
        assert text.startswith("President Xi Jinping")
        # The next paragraph (one sentence) plus two words of the one after it.
        assert text.endswith("into concrete outcomes.\n\nThe leadership")
        await pilot.press("h")
        assert view.article.text(*_span(view)).endswith("outcomes.\n\nThe")


def _span(view: ArticleView) -> tuple[int, int]:
    assert view.selection is not None
    return view.selection.start, view.selection.end


async def test_mouse_drag_selects_and_tags(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        body = view.article.body
        start = body.index("deepen win-win cooperation")
        end = start + len("deepen win-win cooperation")
        x1, y1 = view.cell_of_offset(start)
        x2, y2 = view.cell_of_offset(end - 1)
        await pilot.mouse_down(view, offset=(x1, y1))
        await pilot.hover(view, offset=(x2, y2))
        await pilot.mouse_up(view, offset=(x2, y2))
        await pilot.pause()
        assert view.selection is not None
        assert body[view.selection.start : view.selection.end] == "deepen win-win cooperation"
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"economy", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert store.all()[0].quote == "deepen win-win cooperation"
        assert store.all()[0].tags == ("economy",)


async def test_edit_delete_and_undo_a_highlight(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        store = app.workspace.require_store()
        view.move_cursor_to(seeded.start)
        await pilot.pause()
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"cooperation", "enter", "tab", *"a nice metaphor", "enter")
        await wait_until(pilot, lambda: store.get(seeded.id).tags == ("economy", "cooperation"))
        assert store.get(seeded.id).note == "a nice metaphor"

        await pilot.press("d")
        await wait_until(pilot, lambda: store.all() == [])
        await wait_until(pilot, lambda: view.highlights == [])
        await pilot.press("u")
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert store.all()[0].tags == ("economy", "cooperation")
        await wait_until(pilot, lambda: len(view.highlights) == 1)
        await wait_until(pilot, lambda: any("Undone" in m for m in notifications(app)))


async def test_panel_entry_scrolls_to_annotation(samples_dir: Path, db_path: Path) -> None:
    article = Corpus.open(samples_dir).article(ARTICLE)
    last_sentence = article.text(article.sentences[-1].start, article.sentences[-1].end)
    seeded = seed_annotation(samples_dir, db_path, ARTICLE, last_sentence, ("culture",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        assert view.scroll_y == 0
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: view.cursor_offset == seeded.start)
        assert view.scroll_y > 0
        assert view.has_focus


async def test_find_in_article(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, "001")
        await pilot.press("slash", *"maritime", "enter")
        await wait_until(pilot, lambda: view.match_count > 0)
        first = view.cursor_offset
        assert view.article.body[first : first + 8].lower() == "maritime"
        await pilot.press("n")
        assert view.cursor_offset != first
        await pilot.press("N")
        assert view.cursor_offset == first


async def test_copy_quote_with_citation(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    seeded = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        view.move_cursor_to(seeded.start)
        await pilot.press("c")
        await wait_until(pilot, lambda: bool(app.clipboard))
        assert app.clipboard.startswith("“make the pie of common interests even bigger”")
        # APA, the default style: author, date, title, outlet.
        assert (
            "\n— Xu, W. (2023, December 14). Presidents vow to advance solidarity, "
            "cooperation. China Daily. (article 000" in app.clipboard
        )
        assert copied == [app.clipboard]
        assert any("to the clipboard" in m for m in notifications(app))
        # The command palette switches the style of the next copy.
        await pilot.press("ctrl+p")
        await pilot.press(*"Citation style: mla")
        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        best = app.screen.query_one(CommandList).get_option_at_index(0)
        assert "Citation style: mla" in str(best.prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.citation_style == "mla")
        view.move_cursor_to(seeded.start)
        await pilot.press("c")
        await wait_until(pilot, lambda: len(copied) == 2)
        assert (
            "\n— Xu, Wei. “Presidents Vow to Advance Solidarity, Cooperation”. China Daily, "
            "14 Dec. 2023. (article 000" in copied[1]
        )


async def test_copy_tag_falls_back_to_file_without_clipboard(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_clipboard(_: str) -> None:
        raise pyperclip.PyperclipException("no xclip")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    seeded = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("economy",)
    )
    seed_annotation(samples_dir, db_path, "001", "practical cooperation", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        view.move_cursor_to(seeded.start)
        await pilot.press("C")
        await wait_until(pilot, lambda: bool(app.clipboard))
        assert app.clipboard.startswith("## economy")
        assert app.clipboard.count("\n> ") + app.clipboard.startswith("> ") >= 2
        message = next(m for m in notifications(app) if "Copied" in m)
        assert "2 quotes tagged economy" in message and "OSC 52" in message
        saved = Path(message.rsplit("saved to ", 1)[1].rstrip("."))
        assert saved.read_text(encoding="utf-8") == app.clipboard


async def test_store_write_failure_keeps_selection(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.errors import StoreError

    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)

        def failing_add(_: object) -> None:
            raise StoreError(f"could not save to {db_path}: disk full; the change was not saved")

        monkeypatch.setattr(AnnotationStore, "add", lambda self, a: failing_add(a))
        await pilot.press("J", "v", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"lost", "enter", "enter")
        await wait_until(pilot, lambda: any("disk full" in m for m in notifications(app)))
        message = next(m for m in notifications(app) if "disk full" in m)
        assert message.startswith("Could not add highlight: could not save to ")
        assert view.selection is not None  # the pending highlight is still there to retry


async def test_article_deleted_while_open_returns_to_library(
    library_copy: Path, db_path: Path
) -> None:
    from tui.screens.library import LibraryScreen

    article_id = "002_4507068b08cafca8"
    async with running_app(library_copy, db_path) as (app, pilot):
        (library_copy / f"{article_id}.txt").unlink()
        app.open_reader(article_id)
        await wait_until(
            pilot, lambda: any("can no longer be read" in m for m in notifications(app))
        )
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await pilot.press("down")  # still responsive
        assert isinstance(app.screen, LibraryScreen)


async def test_clicking_a_highlight_picks_its_panel_entry(samples_dir: Path, db_path: Path) -> None:
    first = seed_annotation(
        samples_dir, db_path, ARTICLE, "deepen win-win cooperation", ("economy",)
    )
    second = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("trade",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        panel = app.screen.query_one("#reader-annotations", OptionList)
        await wait_until(pilot, lambda: panel.option_count == 2)
        assert panel.highlighted == 0
        target = second if panel.get_option_at_index(0).id == first.id else first
        cell = view.cell_of_offset(target.start + 2)
        assert cell is not None
        view.scroll_to(y=max(0, cell[1] - 2), animate=False)
        await pilot.pause()
        x, y = cell[0], cell[1] - round(view.scroll_y)
        await pilot.click(view, offset=(x, y))
        await wait_until(
            pilot,
            lambda: (
                panel.highlighted is not None
                and panel.get_option_at_index(panel.highlighted).id == target.id
            ),
        )
        status = str(app.screen.query_one("#article-status").render())
        assert status.startswith(f"Highlight: {target.tags[0]}")


async def test_editing_keeps_changes_made_elsewhere_meanwhile(
    samples_dir: Path, db_path: Path
) -> None:
    seeded = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        view.move_cursor_to(seeded.start)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        other = AnnotationStore.open(db_path)  # another terminal, while the dialog is open
        other.edit(seeded.id, add_tags=["extra"], note="from the CLI")
        await pilot.press(*"ui", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: "ui" in store.get(seeded.id).tags)
        assert store.get(seeded.id).tags == ("economy", "extra", "ui")
        assert store.get(seeded.id).note == "from the CLI"


async def test_panel_keys_act_on_the_chosen_entry(samples_dir: Path, db_path: Path) -> None:
    first = seed_annotation(
        samples_dir, db_path, ARTICLE, "deepen win-win cooperation", ("economy",)
    )
    second = seed_annotation(samples_dir, db_path, ARTICLE, "six major goals", ("goals",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        view.move_cursor_to(first.start)  # the text cursor is on the first highlight
        await pilot.press("tab")  # the panel: its first entry is highlighted
        panel = app.screen.query_one("#reader-annotations", OptionList)
        await pilot.press("down")  # choose the second entry
        assert panel.highlighted == 1
        await pilot.press("d")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert [a.id for a in store.all()] == [first.id]
        assert second.id not in {h.annotation_id for h in view.highlights}
        # Deleting the last entry too: the status line no longer describes it.
        await pilot.press("d")
        await wait_until(pilot, lambda: panel.option_count == 0 and not store.all())
        await pilot.pause()
        status = str(app.screen.query_one("#article-status").render())
        assert "Highlight" not in status and "economy" not in status


async def test_tab_shows_a_hidden_panel(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("a")
        assert not app.screen.query_one("#reader-panel").display
        await pilot.press("tab")
        assert app.screen.query_one("#reader-panel").display
        assert app.screen.query_one("#reader-annotations", OptionList).has_focus


async def test_resizing_keeps_the_cursor_in_view(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        last = view.article.sentences[-1]
        view.move_cursor_to(last.start)
        view.scroll_to_offset(last.start)
        await pilot.pause()
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        await pilot.pause()
        _, row = view.cell_of_offset(view.cursor_offset)
        assert 0 <= row - view.scroll_offset.y < view.size.height
        panel = app.screen.query_one("#reader-panel")
        assert panel.size.width < view.size.width


async def test_panel_keeps_entries_of_unchanged_annotations(
    samples_dir: Path, db_path: Path
) -> None:
    first = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests even bigger", ("economy",)
    )
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        panel = app.screen.query_one("#reader-annotations", OptionList)
        await wait_until(pilot, lambda: panel.option_count == 1)
        entry = panel.get_option(first.id)
        store = app.workspace.require_store()

        # Another annotation arrives (from another terminal): the first entry is kept.
        second = seed_annotation(samples_dir, db_path, ARTICLE, "Xi Jinping", ("people",))
        await wait_until(pilot, lambda: panel.option_count == 2, timeout=10)
        assert panel.get_option(first.id) is entry
        assert "people" in str(panel.get_option(second.id).prompt)

        # The first annotation changes: its entry is rebuilt with the new tags.
        app.perform("edit", partial(store.edit, first.id, tags=("trade",)))
        await wait_until(pilot, lambda: "trade" in str(panel.get_option(first.id).prompt))
        assert panel.get_option(first.id) is not entry
        assert panel.option_count == 2


async def test_ctrl_c_copies_the_selection_as_the_help_says(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) The help lists ^c "Copy selected text"; in the reader it asked
    whether to quit, and copied nothing."""
    async with running_app(samples_dir, db_path) as (app, pilot):
        copied: list[str] = []
        app.copy_quote = lambda annotation: copied.append(annotation.quote)  # type: ignore[method-assign]
        view = await open_reader(app, pilot, "000_e730ce0a32d34978")
        await pilot.press("J", "v")
        assert view.selection is not None
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert copied == [view.article.text(view.selection.start, view.selection.end)]
        assert not any("quit" in m for m in notifications(app))
