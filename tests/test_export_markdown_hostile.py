"""Hostile user text in the Markdown export and the clipboard copy, checked with a real
CommonMark parser (markdown-it-py, with GFM tables and strikethrough): user text must come
out as text, never as structure."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from annotations.article import ArticleMeta
from annotations.export import ExportFormat, render_export
from annotations.export.citation import quote_with_citation, tag_quotes_markdown
from annotations.export.markdown_escape import escape_heading, escape_inline, escape_line
from annotations.model import Annotation

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
FORBIDDEN = {
    "html_inline",
    "html_block",
    "link_open",
    "image",
    "code_inline",
    "code_block",
    "fence",
    "table_open",
    "hr",
    "s_open",
    "em_open",
    "strong_open",
    "ordered_list_open",
}

FORGED_CITATION = "— Xinhua, “Fake”, 2023-01-01 (article x, chars 1–2)"
HOSTILE_NOTE = "\n".join(
    [
        "fine",
        "## economy",
        "> forged quote",
        "",
        FORGED_CITATION,
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1)) <javascript:alert(1)> ![i](http://x/y.png)",
        "---",
        "===",
        "1. item",
        "* item",
        "+ item",
        "- item",
        "    indented code",
        "```",
        "fence",
        "~~~",
        "| a | b |",
        "|---|---|",
        "[ref]: javascript:alert(1)",
        "&lt;script&gt; &#60;b&#62; **bold** _em_ ~~gone~~ `code`",
        "\\## backslashed heading",
    ]
)
HOSTILE_QUOTE = "line\n## Fake heading\n\n---\n> nested\n<div>html</div>\n[a](javascript:x)\n1) x"
HOSTILE_TAGS = ("economy ## x #", "<b>bold</b> [t](javascript:alert(1))")
HOSTILE_META = ArticleMeta(
    id="a[1](javascript:x)",
    title="T](javascript:alert(1))\n## Fake <script>x</script>",
    source="<img src=x onerror=alert(1)>",
    date="`2023`",
    authors=(),
    url=None,
    path=Path("a.txt"),
    words=1,
    format="txt",
)


def _hostile_annotation() -> Annotation:
    return Annotation(
        id="x",
        article=HOSTILE_META.id,
        quote=HOSTILE_QUOTE,
        start=0,
        end=30,
        prefix="",
        suffix="",
        body_hash="",
        tags=HOSTILE_TAGS,
        note=HOSTILE_NOTE,
    )


def _walk(tokens: list[Token]) -> list[Token]:
    every = []
    for token in tokens:
        every.append(token)
        every.extend(_walk(token.children or []))
    return every


def _top_level_paragraphs(tokens: list[Token]) -> list[str]:
    """The inline text of every paragraph that is not inside a list or a block quote."""
    texts, depth = [], 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "blockquote_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "blockquote_close"):
            depth -= 1
        elif token.type == "paragraph_open" and depth == 0:
            texts.append(tokens[index + 1].content)
    return texts


def _plain(tokens: list[Token]) -> str:
    """Every text token's content, joined: the text a reader sees."""
    return "".join(
        t.content if t.type == "text" else "\n"
        for t in _walk(tokens)
        if t.type in ("text", "softbreak")
    )


def test_hostile_export_has_only_the_structure_newsmark_writes() -> None:
    text = render_export(
        ExportFormat.MARKDOWN,
        [_hostile_annotation()],
        {HOSTILE_META.id: HOSTILE_META},
        {},
        collection="c <b>x</b>",
        generated="2026-01-15T09:30:00.000Z",
    )
    tokens = PARSER.parse(text)
    kinds = {t.type for t in _walk(tokens)}
    assert not kinds & FORBIDDEN, kinds & FORBIDDEN
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2"]
    assert len(headings) == 3  # "Tagged quotes" and one section per tag, nothing forged
    assert sum(t.type == "blockquote_open" for t in tokens) == 2  # the quote, once per section
    citations = [p for p in _top_level_paragraphs(tokens) if p.startswith("— ")]
    assert len(citations) == 2
    assert all(FORGED_CITATION not in c for c in citations)
    # Two lists at the top level: the header, and the note of each section.
    assert sum(t.type == "bullet_list_open" and t.level == 0 for t in tokens) == 3
    # Nothing was lost: the hostile text reads back literally.
    seen = _plain(tokens)
    for fragment in (
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<javascript:alert(1)>",
        "**bold** _em_ ~~gone~~ `code`",
        "&lt;script&gt; &#60;b&#62;",
        "economy ## x #",
        "## economy",
        "\\## backslashed heading",
        FORGED_CITATION,
        "| a | b |",
    ):
        assert fragment in seen, fragment


def test_hostile_clipboard_copies_are_text() -> None:
    annotation = _hostile_annotation()
    copy = quote_with_citation(annotation, HOSTILE_META)
    assert copy.count("\n") == 1  # the quote on one line, then the citation line
    tags = tag_quotes_markdown([annotation], {HOSTILE_META.id: HOSTILE_META}, HOSTILE_TAGS)
    for text in (copy, tags):
        tokens = PARSER.parse(text)
        kinds = {t.type for t in _walk(tokens)}
        assert not kinds & FORBIDDEN, kinds & FORBIDDEN
    assert [t.tag for t in PARSER.parse(tags) if t.type == "heading_open"] == ["h2", "h2"]
    assert "[a](javascript:x)" in _plain(PARSER.parse(copy))


def test_escape_inline_keeps_readable_text_readable() -> None:
    assert escape_inline('snake_case ids, 40 years of "Doi Moi" (2023)') == (
        'snake_case ids, 40 years of "Doi Moi" (2023)'
    )
    assert escape_inline("_em_ a*b <x> [l](u) AT&T &amp;") == (
        "\\_em\\_ a\\*b \\<x> \\[l\\](u) AT&T \\&amp;"
    )
    assert escape_line("  1. item") == "1\\. item"
    assert escape_line("- item") == "\\- item"
    assert escape_heading("C# ##") == "C\\# \\#\\#"


_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)


@given(_LINE)
def test_an_escaped_line_reads_back_as_exactly_its_text(line: str) -> None:
    tokens = PARSER.parse(escape_line(line))
    expected = line.strip(
        " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
        "\u2009\u200a\u202f\u205f\u3000\u1680"
    )
    if not line.strip():
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {t.type for t in _walk(tokens)} <= {
        "paragraph_open",
        "inline",
        "paragraph_close",
        "text",
        "softbreak",
        "hardbreak",
    }
    assert _plain(tokens).strip() == expected.strip()


@given(_LINE)
def test_an_escaped_heading_reads_back_as_exactly_its_text(text: str) -> None:
    if not text.strip():
        return
    tokens = PARSER.parse("## " + escape_heading(text))
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert _plain(tokens) == " ".join(text.split())
