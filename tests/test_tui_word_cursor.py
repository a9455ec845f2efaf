"""The reader's word cursor, CJK word boundaries and cursor jumps (Home/End/G, ] and [)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import chinese
from tests.tui_support import open_reader, running_app, seed_annotation, wait_until
from tui.widgets.article_view import ArticleView

ARTICLE = "000_e730ce0a32d34978"
PHRASE = "more practical security cooperation"
CHINESE_BODY = (
    "新华社河内12月13日电。中越双方要维护南海和平稳定，加强安全合作。\n\n"
    "双方同意推进务实合作，构建具有战略意义的命运共同体。"
)


def _selected(view: ArticleView) -> str:
    assert view.article is not None and view.selection is not None
    return view.article.text(view.selection.start, view.selection.end)


def _word_at_cursor(view: ArticleView) -> str:
    assert view.article is not None
    body, start = view.article.body, view.cursor_offset
    end = start
    while end < len(body) and (body[end].isalnum() or body[end] in "-'"):
        end += 1
    return body[start:end]


async def test_a_phrase_in_a_few_keys_without_its_punctuation(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("slash", *"more practical", "enter")
        await wait_until(pilot, lambda: _word_at_cursor(view) == "more")
        await pilot.press("v")
        assert _selected(view) == "more"  # after a find, v starts at the word
        await pilot.press("w", "w", "w")
        assert _selected(view) == PHRASE  # the comma after it is not taken
        await pilot.press("b")
        assert _selected(view) == "more practical security"
        await pilot.press("l")  # a step of the end takes the attached comma
        assert _selected(view) == PHRASE + ","


async def test_word_moves_before_a_selection_and_backwards_past_its_start(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("J")  # "President Xi Jinping emphasized on Wednesday…"
        await pilot.press("w", "w")
        assert _word_at_cursor(view) == "Jinping"
        await pilot.press("v", "b", "b")
        assert _selected(view) == "President Xi Jinping"
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("ctrl+right")
        assert _word_at_cursor(view) == "Xi"


async def test_v_after_j_still_selects_whole_sentences(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "v")
        assert _selected(view).startswith("President Xi Jinping")
        assert _selected(view).endswith("significance.")


async def test_home_end_and_G_move_the_cursor(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        sentences = view.article.sentences
        await pilot.press("end")
        assert view.cursor_span == sentences[-1]
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        assert view.cursor_span == sentences[0]
        assert view.scroll_y == 0
        await pilot.press("G")
        assert view.cursor_span == sentences[-1]


async def test_brackets_jump_between_highlights(samples_dir: Path, db_path: Path) -> None:
    first = seed_annotation(
        samples_dir, db_path, ARTICLE, "make the pie of common interests", ("economy",)
    )
    second = seed_annotation(samples_dir, db_path, ARTICLE, PHRASE, ("security",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await wait_until(pilot, lambda: len(view.highlights) == 2)
        await pilot.press("right_square_bracket")
        assert view.cursor_offset == first.start
        await pilot.press("right_square_bracket")
        assert view.cursor_offset == second.start
        await pilot.press("left_square_bracket")
        assert view.cursor_offset == first.start


@pytest.fixture
def chinese_library(tmp_path: Path) -> Path:
    library = tmp_path / "zh"
    library.mkdir()
    (library / "zh1.md").write_text(
        "---\ntitle: 中越关系\nsource: 新华社\ndate: 2023-12-13\n---\n\n" + CHINESE_BODY + "\n",
        encoding="utf-8",
    )
    return library


async def test_chinese_words_by_keyboard_and_mouse(chinese_library: Path, db_path: Path) -> None:
    if chinese.load_segmenter() is None:
        pytest.skip("jieba is not installed")
    async with running_app(chinese_library, db_path) as (app, pilot):
        view = await open_reader(app, pilot, "zh1")
        body = view.article.body
        start = body.index("南海")
        # Dragging over 南海 selects 南海, not the clause 维护南海和平稳定.
        x1, y1 = view.cell_of_offset(start)
        x2, y2 = view.cell_of_offset(start + 1)
        await pilot.mouse_down(view, offset=(x1, y1))
        await pilot.hover(view, offset=(x2, y2))
        await pilot.mouse_up(view, offset=(x2, y2))
        await pilot.pause()
        assert _selected(view) == "南海"
        await pilot.press("escape", "home", "j", "w", "w", "w", "w")  # 中 越 双方 要 -> 维护
        assert body[view.cursor_offset : view.cursor_offset + 2] == "维护"
        await pilot.press("v", "w")
        assert _selected(view) == "维护南海"
        await pilot.press("w", "w")
        assert _selected(view) == "维护南海和平稳定"  # the comma is left out
