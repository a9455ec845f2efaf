"""Markdown articles: optional YAML-style front matter, a `# Title`, Markdown body.

The body is stored as plain text (emphasis markers, link targets and quote markers
removed) so that quotes and offsets match what the reader shows.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotations.article import ParagraphKind
from annotations.boilerplate import is_caption
from annotations.metadata import normalise_date, split_authors
from annotations.parsers import ArticleParseError, ParsedArticle, clean_paragraph
from annotations.parsers.txt import fallback_title

_FRONT_MATTER = re.compile(r"\A---\n(?P<fields>.*?)\n---\n", re.DOTALL)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(?P<text>.+?)(?<=\S)\1")
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")


def parse(text: str, path: Path) -> list[ParsedArticle]:
    """One article from the text of a `.md` file."""
    article = ParsedArticle(title=None, blocks=[])
    front = _FRONT_MATTER.match(text)
    if front:
        _read_front_matter(front.group("fields"), article)
        text = text[front.end() :]
    for block in re.split(r"\n\s*\n", text):
        _add_block(block, article)
    if not article.blocks:
        raise ArticleParseError("no text")
    if article.title is None:
        article.title = fallback_title([text for text, _ in article.blocks])
    return [article]


def plain_inline(text: str) -> str:
    """Markdown inline syntax to plain text: links keep their text, emphasis markers go."""
    text = _IMAGE.sub(lambda m: m.group("alt"), text)
    text = _LINK.sub(lambda m: m.group("text"), text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(lambda m: m.group("text"), text)
    return clean_paragraph(text)


def _read_front_matter(fields: str, article: ParsedArticle) -> None:
    for line in fields.split("\n"):
        key, _, value = line.partition(":")
        value = value.strip().strip("\"'")
        match key.strip().lower():
            case "title":
                article.title = value or None
            case "date" | "published":
                article.date = normalise_date(value)
            case "source" | "outlet" | "publisher":
                article.source = value or None
            case "author" | "authors" | "byline":
                article.authors = split_authors(value.strip("[]"))
            case "url" | "link":
                article.url = value or None


def _add_block(block: str, article: ParsedArticle) -> None:
    lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
    if not lines or all(_RULE.match(line) for line in lines):
        return
    heading = _HEADING.match(lines[0])
    if heading and len(lines) == 1:
        text = plain_inline(heading.group("text"))
        if len(heading.group("hashes")) == 1 and article.title is None and not article.blocks:
            article.title = text
        else:
            article.blocks.append((text, ParagraphKind.HEADING))
        return
    is_image_block = all(_IMAGE.fullmatch(line) for line in lines)
    text = plain_inline(" ".join(_LIST_MARKER.sub("", line.lstrip("> ")) for line in lines))
    if not text:
        return
    caption = is_image_block or is_caption(text)
    article.blocks.append((text, ParagraphKind.CAPTION if caption else ParagraphKind.TEXT))
