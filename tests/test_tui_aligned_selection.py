"""Selecting part of an aligned row's passage: the caret (w/b/e, h/l), v, tagging and
copying exactly that span, a mouse drag inside a cell, Chinese words; `g g` / `G`."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import chinese
from tests.test_tui_screens import LEFT, RIGHT, open_side_by_side
from tests.tui_support import open_reader, running_app, wait_until
from tui.screens.help import binding_rows
from tui.screens.side_by_side import SideBySideScreen
from tui.screens.tag_browser import TagBrowserScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.aligned_view import AlignedCell, AlignedView
from tui.widgets.chord import CHORD_SECONDS

# Row 2 of the samples' alignment, right cell:
ROW_2_RIGHT = "China and Vietnam on Tuesday agreed to build a community with a shared future"
# Row 1, right cell (a passage with no counterpart):
ROW_1_RIGHT = "Upon Xi's arrival in Hanoi, he had a meeting with Trong on Tuesday."


def _selected(aligned: AlignedView) -> str:
    unit, selection = aligned.current_unit(), aligned.selection
    assert unit is not None and selection is not None
    return unit.text[selection[0] - unit.start : selection[1] - unit.start]


async def _aligned(app, pilot) -> tuple[SideBySideScreen, AlignedView]:  # type: ignore[no-untyped-def]
    screen = await open_side_by_side(app, pilot)
    await pilot.press("A")
    aligned = screen.query_one("#aligned", AlignedView)
    await wait_until(pilot, lambda: aligned.has_focus and len(aligned.rows) > 2)
    return screen, aligned


async def test_a_phrase_of_the_right_cell_is_selected_and_tagged(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen, aligned = await _aligned(app, pilot)
        await pilot.press("j", "j", "tab")
        unit = aligned.current_unit()
        assert aligned.side == "right" and unit is not None
        assert unit.text.startswith(ROW_2_RIGHT)
        await pilot.press(*"wwwww", "v")  # China and Vietnam on Tuesday -> agreed
        assert _selected(aligned) == "agreed"
        await pilot.press("w", "w", "w")
        assert _selected(aligned) == "agreed to build a"
        await pilot.press("e")  # to the end of the next word
        assert _selected(aligned) == "agreed to build a community"
        await pilot.press("b", "h")  # back to "community", then one character before it
        assert _selected(aligned) == "agreed to build a "
        await pilot.press("w")
        quote = "agreed to build a community"
        assert _selected(aligned) == quote
        right = screen.view("right")
        assert right.selection is not None  # what t and c act on
        assert right.article.text(right.selection.start, right.selection.end) == quote
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"ties", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [annotation] = store.all()
        start = right.article.body.index(quote)
        assert annotation.article == RIGHT and annotation.quote == quote
        assert (annotation.start, annotation.end) == (start, start + len(quote))
        assert annotation.tags == ("ties",)
        # Saved: the aligned view's selection is gone too; escape then leaves the view.
        await wait_until(pilot, lambda: aligned.selection is None)
        await pilot.press("escape")
        assert not screen.query_one("#side-by-side").has_class("-aligned")


async def test_trailing_punctuation_only_when_selected_and_copy_takes_the_span(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr("tui.app.NewsmarkApp.copy_quote", lambda _app, a: copied.append(a.quote))
    async with running_app(samples_dir, db_path) as (app, pilot):
        _, aligned = await _aligned(app, pilot)
        await pilot.press("j", "tab")
        unit = aligned.current_unit()
        assert unit is not None and unit.text.startswith(ROW_1_RIGHT)
        await pilot.press("v", *"wwww")
        assert _selected(aligned) == "Upon Xi's arrival in Hanoi"  # not the comma
        await pilot.press("e", "l")  # the last letter, then the comma itself
        assert _selected(aligned) == "Upon Xi's arrival in Hanoi,"
        await pilot.press("c")
        assert copied == ["Upon Xi's arrival in Hanoi,"]
        await pilot.press("escape")  # clears the selection, stays in the aligned view
        assert aligned.selection is None and aligned.has_focus
        await pilot.press(*"bbbb", "v", "w")  # Hanoi, in, arrival, Xi's
        assert _selected(aligned) == "Xi's arrival"
        await pilot.press("c")
        assert copied[-1] == "Xi's arrival"


async def test_a_mouse_drag_inside_a_cell_selects_whole_words(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen, aligned = await _aligned(app, pilot)
        cell = screen.query_one("#aligned-right-1", AlignedCell)
        await pilot.pause()
        # From inside "arrival" to inside "Hanoi" on the cell's first line.
        left = cell.region.x + cell.styles.gutter.left - aligned.region.x
        await pilot.mouse_down(cell, offset=(cell.styles.gutter.left + 12, 0))
        await pilot.hover(cell, offset=(cell.styles.gutter.left + 24, 0))
        await pilot.mouse_up(cell, offset=(cell.styles.gutter.left + 24, 0))
        await wait_until(pilot, lambda: aligned.selection is not None)
        assert left >= 0
        assert (aligned.cursor, aligned.side) == (1, "right")
        assert _selected(aligned) == "arrival in Hanoi"
        await pilot.press("w")  # keys go on from the drag
        assert _selected(aligned) == "arrival in Hanoi, he"
        await pilot.click(screen.query_one("#aligned-left-0", AlignedCell), offset=(3, 0))
        assert (aligned.cursor, aligned.side, aligned.selection) == (0, "left", None)


@pytest.fixture
def chinese_pair(tmp_path: Path) -> Path:
    library = tmp_path / "zh"
    library.mkdir()
    texts = {
        "zh1": "中越双方要维护南海和平稳定，加强安全合作。\n\n双方同意推进务实合作。",
        "zh2": "双方同意推进务实合作，构建命运共同体。\n\n中越双方要维护南海和平稳定。",
    }
    for name, body in texts.items():
        (library / f"{name}.md").write_text(
            f"---\ntitle: {name}\nsource: 新华社\ndate: 2023-12-13\n---\n\n{body}\n",
            encoding="utf-8",
        )
    return library


async def test_chinese_words_in_an_aligned_cell(chinese_pair: Path, db_path: Path) -> None:
    if chinese.load_segmenter() is None:
        pytest.skip("jieba is not installed")
    async with running_app(chinese_pair, db_path) as (app, pilot):
        app.open_side_by_side("zh1", "zh2")
        await wait_until(pilot, lambda: isinstance(app.screen, SideBySideScreen))
        screen = app.screen
        await wait_until(
            pilot,
            lambda: (
                len(views := screen.article_views()) == 2
                and all(v.article is not None for v in views)
            ),
            timeout=10,
        )
        await pilot.press("A")
        aligned = screen.query_one("#aligned", AlignedView)
        await wait_until(pilot, lambda: aligned.has_focus and bool(aligned.rows))
        while (unit := aligned.current_unit()) is None or "南海" not in unit.text:
            cursor = aligned.cursor
            await pilot.press("j")
            assert aligned.cursor > cursor, "no row with 南海 on the left"
        start = unit.text.index("南海")
        while aligned.caret is not None and aligned.caret.point < start:
            await pilot.press("w")
        await pilot.press("v")
        assert _selected(aligned) == "南海"  # a jieba word, not a character or the clause
        await pilot.press("w", "w")
        assert _selected(aligned) == "南海和平稳定"  # the comma is left out
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"sea", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [annotation] = store.all()
        body = screen.view("left").article.body
        assert annotation.quote == "南海和平稳定" and annotation.article == "zh1"
        assert body[annotation.start : annotation.end] == "南海和平稳定"


async def test_g_g_and_G_in_the_aligned_view(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        _, aligned = await _aligned(app, pilot)
        await pilot.press("G")
        assert aligned.cursor == len(aligned.rows) - 1
        await pilot.press("g", "g")
        assert aligned.cursor == 0
        await pilot.pause(CHORD_SECONDS * 2)
        assert not isinstance(app.screen, TagBrowserScreen)  # the chord opened nothing


async def test_g_g_goes_to_the_top_of_the_reader_and_g_alone_opens_the_tags(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, LEFT)
        sentences = view.article.sentences
        await pilot.press("G")
        assert view.cursor_span == sentences[-1]
        await pilot.press("g", "g")
        assert view.cursor_span == sentences[0] and view.scroll_y == 0
        await pilot.pause(CHORD_SECONDS * 2)
        assert app.screen is view.screen  # the chord opened nothing
        await pilot.press("j", "g")
        assert app.screen is view.screen  # waits for a second g
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        await wait_until(pilot, lambda: bool(app.screen.query("#tag-table")))
        await pilot.pause()
        assert view.cursor_span == sentences[1]


async def test_the_help_lists_g_g(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, LEFT)
        rows = binding_rows(app.screen)
        assert ("g g", "Top", "in the text") in rows
        assert ("g", "Tags", "in the text") in rows  # g alone still opens the tags
        _, aligned = await _aligned(app, pilot)
        assert ("g g", "First row", "in the aligned rows") in binding_rows(aligned.screen)


async def test_comparing_before_the_articles_are_shown_says_so(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`A`, `m` and `F` before both articles are loaded (their files being read again, say)
    tell the user to wait instead of failing."""
    monkeypatch.setattr(SideBySideScreen, "load_articles", lambda self: None)
    async with running_app(samples_dir, db_path) as (app, pilot):
        app.open_side_by_side(LEFT, RIGHT)
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, SideBySideScreen) and len(app.screen.article_views()) == 2
            ),
        )
        screen = app.screen
        assert screen.view("left").article is None
        for key in ("A", "m", "F"):
            await pilot.press(key)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages.count("The articles are still loading.") == 3
        assert not screen.query_one("#side-by-side").has_class("-aligned")
        assert screen.follow is False


async def test_d_deletes_the_highlight_under_the_caret(samples_dir: Path, db_path: Path) -> None:
    """Two highlights in one aligned passage: `d` takes the one the caret is on, not the
    first of the passage."""
    from annotations.anchoring import new_annotation

    async with running_app(samples_dir, db_path) as (app, pilot):
        store, corpus = app.workspace.require_store(), app.workspace.require_corpus()
        article = corpus.article(RIGHT)
        first = article.body.index("China and Vietnam")
        later = article.body.index("agreed to build a community")
        store.add(new_annotation(article, first, first + len("China and Vietnam"), tags=("a",)))
        kept = store.all()[0]
        store.add(new_annotation(article, later, later + len("agreed"), tags=("b",)))
        _, aligned = await _aligned(app, pilot)
        await pilot.press("j", "j", "tab", *"wwwww")  # the caret on "agreed"
        assert aligned.caret is not None
        await pilot.press("d")
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert [a.id for a in store.all()] == [kept.id]


async def test_the_status_line_says_passage_until_words_are_selected(
    samples_dir: Path, db_path: Path
) -> None:
    """Without `v` the keys act on the row's whole passage, and escape goes back to the
    columns: the status line says so, not "Selection … esc clear" (found by a tester)."""
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen, aligned = await _aligned(app, pilot)
        await pilot.press("j", "j", "tab")
        status = screen.query_one("#article-status")
        await wait_until(pilot, lambda: str(status.render()).startswith("Passage: "))
        assert "esc back" in str(status.render())
        await pilot.press("v")
        await wait_until(pilot, lambda: str(status.render()).startswith("Selection: "))
        assert "esc clear" in str(status.render())
        await pilot.press("escape")  # clears the words: the whole passage again
        await wait_until(pilot, lambda: str(status.render()).startswith("Passage: "))
        assert aligned.has_focus
