"""The article view: layout, rendering, cursor, selection, search, mouse and messages."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rich.color import Color as RichColor
from rich.style import Style
from textual.app import App, ComposeResult
from textual.message import Message
from textual.strip import Strip

from annotations.article import Article, ArticleMeta, Paragraph, ParagraphKind, Span
from annotations.words import WordIndex
from tui.widgets.article_render import ArticleLayout, Highlight, paint_runs, wrap_range
from tui.widgets.article_view import ArticleView

SENTENCE = re.compile(r"[^.!?]+[.!?]*")

PARAGRAPHS = [
    (
        "The mayor spoke on Monday. She promised [bold]x[/bold] new parks. Critics doubted it.",
        ParagraphKind.TEXT,
    ),
    ("Crowds gather at the dam. [FENG/CHINA DAILY]", ParagraphKind.CAPTION),
    ("Work starts in May. The budget is large.", ParagraphKind.TEXT),
    ("Residents wrote letters. Officials replied slowly.", ParagraphKind.TEXT),
]


def make_article(
    paragraphs: list[tuple[str, ParagraphKind]], *, title: str = "Parks [i]plan[/i]"
) -> Article:
    """An article whose sentences are split at . ! ? (absolute offsets)."""
    built: list[Paragraph] = []
    position = 0
    for text, kind in paragraphs:
        sentences = []
        for match in SENTENCE.finditer(text):
            stripped = match.group().strip()
            if stripped:
                start = position + match.start() + match.group().index(stripped)
                sentences.append(Span(start, start + len(stripped)))
        built.append(Paragraph(position, position + len(text), kind, tuple(sentences)))
        position += len(text) + 2
    body = "\n\n".join(text for text, _ in paragraphs)
    meta = ArticleMeta(
        id="a1",
        title=title,
        source="Daily Planet",
        date="2024-05-01",
        authors=("Lois Lane",),
        url=None,
        path=Path("x.txt"),
        words=len(body.split()),
        format="txt",
    )
    return Article(meta=meta, body=body, paragraphs=tuple(built))


class ViewApp(App[None]):
    """One ArticleView; records every message the view posts."""

    def __init__(self, article: Article, highlights: list[Highlight] | None = None) -> None:
        super().__init__()
        self.article = article
        self.initial = highlights or []
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self.article, self.initial)

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        self.messages.append(message)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.messages.append(message)

    def on_article_view_highlight_clicked(self, message: ArticleView.HighlightClicked) -> None:
        self.messages.append(message)


def cell_styles(strip: Strip) -> list[Style]:
    """The style of each cell of a rendered line."""
    styles: list[Style] = []
    for segment in strip:
        styles.extend([segment.style or Style()] * segment.cell_length)
    return styles


def screen_text(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


def body_offset(article: Article, needle: str) -> int:
    return article.body.index(needle)


def background_at(view: ArticleView, offset: int) -> RichColor | None:
    """The background colour of the cell drawing body `offset` (scrolled to the top)."""
    x, y = view.cell_of_offset(offset)
    return cell_styles(view.render_line(y))[x].bgcolor


# Pure layout ------------------------------------------------------------------------------


def test_layout_round_trips_every_character_including_wide_ones() -> None:
    article = make_article(
        [
            (
                "Short words wrap at spaces and a supercalifragilisticexpialidocious word is cut.",
                ParagraphKind.TEXT,
            ),
            (
                "北京市今天宣布新的公园计划，居民表示欢迎。Mixed 中文 and\tEnglish text.",
                ParagraphKind.TEXT,
            ),
            ("A line\nwith a newline inside.", ParagraphKind.CAPTION),
        ]
    )
    layout = ArticleLayout(article, 12)
    body = article.body
    assert layout.starts[0] == 0 and layout.ends[-1] == len(body)
    for previous_end, start in zip(layout.ends, layout.starts[1:], strict=False):
        assert previous_end == start  # contiguous: every character is on exactly one line
    for index, (start, end) in enumerate(zip(layout.starts, layout.ends, strict=True)):
        shown = layout.text[start:end].rstrip()
        assert layout.cell_edges(index)[len(shown)] + layout.indents[index] <= 12
    separators = {p.end for p in article.paragraphs[:-1]} | {p.end + 1 for p in article.paragraphs}
    for offset in range(len(body)):
        if offset in separators:
            continue
        row, cell = layout.position_of(offset)
        assert layout.offset_at(row, cell) == offset, (offset, body[offset])
    wide = body.index("京")
    assert layout.position_of(wide + 1)[1] - layout.position_of(wide)[1] == 2
    assert layout.offset_at(*layout.position_of(wide)) == wide
    row, cell = layout.position_of(wide)
    assert layout.offset_at(row, cell + 1) == wide  # the second half of a wide character


def test_wrap_range_breaks_at_spaces_and_cuts_long_words() -> None:
    text = "aaa bbb cccccccccc d"
    lines = [text[a:b] for a, b in wrap_range(text, 0, len(text), 7)]
    assert lines == ["aaa bbb ", "ccccccc", "ccc d"]


def test_paint_runs_prefers_the_shortest_highlight_and_counts_overlaps() -> None:
    outer = Highlight(0, 10, "#ff0000", "outer")
    inner = Highlight(3, 5, "#0000ff", "inner")
    runs = [
        (r.start, r.end, r.highlight.annotation_id, r.depth)
        for r in paint_runs(0, 12, [outer, inner])
    ]
    assert runs == [(0, 3, "outer", 1), (3, 5, "inner", 2), (5, 10, "outer", 1)]


def test_word_index_snaps_to_whole_words() -> None:
    words = WordIndex("The mayor spoke, loudly.")
    assert words.snap(5, 7) == (4, 9)  # "ayo" -> "mayor"
    assert words.snap(3, 4) is None  # only a space
    # Steps take a word with its attached punctuation: after "mayor" comes "spoke,".
    assert words.next_end(9) == 16
    assert words.previous_end(16) == 9
    assert words.next_end(16) == 24  # "loudly." with its full stop
    assert words.previous_start(17) == 10  # back to "spoke,", never to the lone comma
    assert WordIndex("He said (Xinhua) “yes.”").next_start(3) == 8  # "(Xinhua)" as one


# Rendering --------------------------------------------------------------------------------


async def test_markup_in_text_is_shown_literally_with_header_and_caption() -> None:
    article = make_article(PARAGRAPHS)
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)):
        view = app.query_one(ArticleView)
        lines = screen_text(view)
        joined = "\n".join(lines)
        assert "Parks [i]plan[/i]" in lines[0]
        assert "Daily Planet · 2024-05-01 · By Lois Lane" in lines[1]
        assert "[bold]x[/bold]" in joined
        assert "▏ Crowds gather at the dam. [FENG/CHINA DAILY]" in joined
        title_style = cell_styles(view.render_line(0))[view.cell_of_offset(0)[0]]
        assert title_style.bold
        caption_x, caption_y = view.cell_of_offset(body_offset(article, "Crowds"))
        assert cell_styles(view.render_line(caption_y))[caption_x].italic


async def test_header_shows_the_url_when_known() -> None:
    article = make_article(PARAGRAPHS)
    article = replace(article, meta=replace(article.meta, url="https://planet.example/a/1"))
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)):
        lines = screen_text(app.query_one(ArticleView))
        assert "Daily Planet · 2024-05-01 · By Lois Lane" in lines[1]
        assert "https://planet.example/a/1" in lines[2]


async def test_text_column_respects_max_width() -> None:
    long_text = " ".join(["word"] * 200) + "."
    app = ViewApp(make_article([(long_text, ParagraphKind.TEXT)]))
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.query_one(ArticleView)
        layout = view.article_layout
        assert layout is not None and layout.width == 88
        view.max_width = 40
        await pilot.pause()
        layout = view.article_layout
        assert layout is not None and layout.width == 40
        assert all(
            len(layout.text[a:b].rstrip()) <= 40
            for a, b in zip(layout.starts, layout.ends, strict=True)
        )


async def test_highlight_colour_covers_exactly_its_cells_and_overlaps_differ() -> None:
    article = make_article(PARAGRAPHS)
    start = body_offset(article, "spoke")
    outer = Highlight(start, start + len("spoke on Monday"), "#ff0000", "outer")
    inner_start = body_offset(article, "on Monday")
    inner = Highlight(inner_start, inner_start + 2, "#0000ff", "inner")
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.move_cursor_to(body_offset(article, "Work"))  # keep the cursor style away
        view.set_highlights([outer, inner])
        await pilot.pause()
        x0, y = view.cell_of_offset(0)
        styles = cell_styles(view.render_line(y))
        red, blue = RichColor.parse("#ff0000"), RichColor.parse("#0000ff")
        for offset in range(0, outer.end + 3):
            style = styles[x0 + offset]
            if inner.start <= offset < inner.end:
                assert style.bgcolor == blue and style.underline, offset
            elif outer.start <= offset < outer.end:
                assert style.bgcolor == red and not style.underline, offset
            else:
                assert style.bgcolor not in (red, blue), offset
        assert view.highlight_at(inner.start) == inner
        assert view.highlight_at(outer.start) == outer
        assert view.highlight_at(0) is None


# Cursor and selection ---------------------------------------------------------------------


async def test_sentence_and_paragraph_moves() -> None:
    article = make_article(PARAGRAPHS)
    sentences = article.sentences
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        assert view.cursor_span == sentences[0]
        await pilot.press("j", "j")
        assert view.cursor_span == sentences[2]
        await pilot.press("k")
        assert view.cursor_span == sentences[1]
        await pilot.press("J")
        assert view.cursor_span == article.paragraphs[1].sentences[0]
        await pilot.press("J", "J")
        assert view.cursor_span == article.paragraphs[3].sentences[0]
        await pilot.press("J")  # already in the last paragraph
        assert view.cursor_span == article.paragraphs[3].sentences[0]
        await pilot.press("K")
        assert view.cursor_span == article.paragraphs[2].sentences[0]
        await pilot.press("down")
        assert view.cursor_span == article.paragraphs[2].sentences[1]
        await pilot.press("up", "up", "up", "up", "up", "up", "up", "up")
        assert view.cursor_span == sentences[0]


async def test_keyboard_selection_across_paragraphs_and_by_words() -> None:
    article = make_article(PARAGRAPHS)
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j", "j", "v", "j")  # from "Critics..." into the caption
        caption_first = article.paragraphs[1].sentences[0]
        assert view.selection == Span(body_offset(article, "Critics"), caption_first.end)
        await pilot.press("l")  # a word with its attached punctuation
        grown = view.selection
        assert grown is not None and article.body[grown.start : grown.end].endswith("dam. [FENG/")
        await pilot.press("h", "h")  # back over "[FENG/", then over "dam." with its stop
        shrunk = view.selection
        assert shrunk is not None
        assert article.body[shrunk.start : shrunk.end].endswith("at the")
        await pilot.press("L")
        assert article.body[view.selection.start :].startswith("doubted")
        await pilot.press("H", "H")  # never onto the full stop alone
        assert article.body[view.selection.start :].startswith("parks. Critics")
        await pilot.press("escape")
        assert view.selection is None
        changes = [m.selection for m in app.messages if isinstance(m, ArticleView.SelectionChanged)]
        assert changes[0] == article.sentences[2] and changes[-1] is None


async def test_mouse_drag_selects_whole_words() -> None:
    article = make_article(PARAGRAPHS)
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        start_x, start_y = view.cell_of_offset(body_offset(article, "ayor"))
        end_x, end_y = view.cell_of_offset(body_offset(article, "onday"))
        await pilot.mouse_down(view, offset=(start_x, start_y))
        await pilot.hover(view, offset=(end_x, end_y))
        await pilot.mouse_up(view, offset=(end_x, end_y))
        start = body_offset(article, "mayor")
        assert view.selection == Span(start, start + len("mayor spoke on Monday"))
        assert any(
            isinstance(m, ArticleView.SelectionChanged) and m.selection == view.selection
            for m in app.messages
        )
        plain = background_at(view, body_offset(article, "Critics"))
        on_cursor = background_at(view, start - 2)  # "The": cursor sentence, not selected
        assert background_at(view, start) not in (plain, on_cursor)
        assert background_at(view, view.selection.end) == on_cursor  # the "." after "Monday"


async def test_click_moves_cursor_and_reports_highlight() -> None:
    article = make_article(PARAGRAPHS)
    work = body_offset(article, "Work")
    highlight = Highlight(work, work + 4, "#00ff00", "ann-1")
    app = ViewApp(article, [highlight])
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        x, y = view.cell_of_offset(work + 1)
        await pilot.click(view, offset=(x, y))
        assert view.cursor_span == article.paragraphs[2].sentences[0]
        assert view.selection is None
        moved = [m for m in app.messages if isinstance(m, ArticleView.CursorMoved)]
        assert moved[-1].offset == work + 1 and moved[-1].highlight_id == "ann-1"
        clicked = [m for m in app.messages if isinstance(m, ArticleView.HighlightClicked)]
        assert [m.annotation_id for m in clicked] == ["ann-1"]
        await pilot.press("j")
        moved = [m for m in app.messages if isinstance(m, ArticleView.CursorMoved)]
        assert moved[-1].highlight_id is None and view.cursor_highlight is None
        await pilot.press("k")  # back on the sentence holding the highlight, at its start
        moved = [m for m in app.messages if isinstance(m, ArticleView.CursorMoved)]
        assert moved[-1].highlight_id == "ann-1" and view.cursor_highlight == highlight


# Search -----------------------------------------------------------------------------------


async def test_search_marks_matches_and_n_cycles() -> None:
    article = make_article(PARAGRAPHS)
    app = ViewApp(article)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        matches = [m.start() for m in re.finditer("(?i)the", article.body)]
        assert view.set_search("THE") == len(matches) == 4  # "gaTHEr" too
        plain = background_at(view, matches[1] - 2)
        assert background_at(view, matches[1]) != plain
        assert background_at(view, matches[2]) == background_at(view, matches[1])
        await pilot.press("n")
        assert view.cursor_offset == matches[0]
        await pilot.press("n", "n", "n")
        assert view.cursor_offset == matches[3]
        await pilot.press("n")  # wraps
        assert view.cursor_offset == matches[0]
        await pilot.press("N")  # wraps backwards
        assert view.cursor_offset == matches[3]
        assert view.cursor_span == article.paragraphs[2].sentences[1]
        assert view.previous_match() == 2
        assert view.set_search("no such words") == 0
        assert view.next_match() is None


async def test_scroll_to_offset_brings_far_text_into_view() -> None:
    paragraphs = [(f"Paragraph number {i} says something.", ParagraphKind.TEXT) for i in range(60)]
    article = make_article(paragraphs)
    app = ViewApp(article)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(ArticleView)
        target = body_offset(article, "number 50 ")
        view.scroll_to_offset(target)
        await pilot.pause()
        assert any("Paragraph number 50 says" in line for line in screen_text(view))
        view.move_cursor_to(body_offset(article, "number 3 "))
        await pilot.pause()
        assert any("Paragraph number 3 says" in line for line in screen_text(view))


async def test_large_article_with_many_highlights_renders() -> None:
    sentence = "Officials said the new bridge, costing 中文 millions, would open soon. "
    paragraph = sentence * 6
    count = 300 * 1024 // len(paragraph) + 1
    article = make_article([(paragraph.strip(), ParagraphKind.TEXT)] * count)
    assert len(article.body) >= 300 * 1024
    step = len(article.body) // 500
    highlights = [Highlight(i * step, i * step + 40, "#ffcc00", f"h{i}") for i in range(500)]
    app = ViewApp(article, highlights)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        assert view.virtual_size.height > 1000
        lines = screen_text(view)
        assert "Officials said the new bridge" in lines[4]
        view.scroll_to_offset(len(article.body) - 10)
        await pilot.pause()
        assert any("would open soon." in line for line in screen_text(view))


class OpenAtApp(ViewApp):
    """Moves the cursor as soon as the view is mounted, before it has been laid out."""

    def __init__(self, article: Article, offset: int) -> None:
        super().__init__(article)
        self.offset = offset

    def on_mount(self) -> None:
        self.query_one(ArticleView).move_cursor_to(self.offset)


async def test_cursor_set_on_mount_is_scrolled_into_view_once_laid_out() -> None:
    paragraphs = [(f"Paragraph number {i} says something.", ParagraphKind.TEXT) for i in range(60)]
    article = make_article(paragraphs)
    target = body_offset(article, "number 45 ")
    app = OpenAtApp(article, target)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.cursor_span == article.paragraphs[45].sentences[0]
        assert any("Paragraph number 45 says" in line for line in screen_text(view))
