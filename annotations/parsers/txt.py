"""Plain-text articles: messy copies of web pages.

The header (breadcrumbs, title, dateline/byline/source lines) and the trailer (editor
credits, site footers, a "Reference(s):" block naming the original) are turned into
metadata; what remains is the body, with photo captions marked.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotations.article import ParagraphKind
from annotations.boilerplate import is_breadcrumb, is_caption, is_footer_line
from annotations.metadata import Byline, more_precise_date, outlet_from_domain, parse_byline
from annotations.parsers import ArticleParseError, ParsedArticle, text_to_paragraphs

HEADER_SCAN = 6
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 30
_REFERENCE_HEADING = re.compile(r"^(?:Reference|Source)\(?s?\)?\s*:$", re.IGNORECASE)


def parse(text: str, path: Path) -> list[ParsedArticle]:
    """One article from the text of a `.txt` file."""
    paragraphs = text_to_paragraphs(text)
    if not paragraphs:
        raise ArticleParseError("no text")
    article = ParsedArticle(title=None, blocks=[])
    body = _take_header(paragraphs, article)
    body = _take_trailer(body, article)
    if not body:
        raise ArticleParseError("no article text after removing the header and footer")
    article.blocks = [
        (paragraph, ParagraphKind.CAPTION if is_caption(paragraph) else ParagraphKind.TEXT)
        for paragraph in body
    ]
    if article.title is None:
        article.title = fallback_title(body)
    return [article]


def fallback_title(paragraphs: list[str]) -> str:
    """A title for an article that has none: the start of its first text paragraph."""
    first = next((p for p in paragraphs if not is_caption(p)), paragraphs[0])
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 90 else sentence[:89].rstrip() + "…"


def looks_like_title(paragraph: str) -> bool:
    """Short, few words, not ending like a sentence, and not a caption."""
    return (
        len(paragraph) <= TITLE_MAX_CHARS
        and len(paragraph.split()) <= TITLE_MAX_WORDS
        and not paragraph.endswith((".", ",", ";", ":"))
        and not is_caption(paragraph)
    )


def _merge(article: ParsedArticle, byline: Byline) -> None:
    article.date = more_precise_date(article.date, byline.date)
    article.authors = article.authors or byline.authors
    article.source = article.source or byline.source
    if byline.title and article.title is None:
        article.title = byline.title


def _take_header(paragraphs: list[str], article: ParsedArticle) -> list[str]:
    """Consume breadcrumbs, the title and metadata lines at the top; return the rest."""
    index = 0
    while index < min(len(paragraphs), HEADER_SCAN):
        paragraph = paragraphs[index]
        if is_breadcrumb(paragraph):
            index += 1
            continue
        byline = parse_byline(paragraph)
        if not byline.is_empty:
            _merge(article, byline)
            index += 1
            continue
        if article.title is None and looks_like_title(paragraph) and index + 1 < len(paragraphs):
            article.title = paragraph
            index += 1
            continue
        break
    return paragraphs[index:]


def _take_trailer(paragraphs: list[str], article: ParsedArticle) -> list[str]:
    """Consume footers and a "Reference(s):" block at the end; return the rest."""
    end = len(paragraphs)
    for index in range(max(0, end - 5), end):
        if _REFERENCE_HEADING.match(paragraphs[index]):
            _read_reference(paragraphs[index + 1 : end], article)
            end = index
            break
    while end > 1 and is_footer_line(paragraphs[end - 1]):
        end -= 1
    return paragraphs[:end]


def _read_reference(lines: list[str], article: ParsedArticle) -> None:
    """'Reference(s):' / '<original title>' / 'cgtn.com' → title and source."""
    for line in lines:
        outlet = outlet_from_domain(line)
        if outlet is not None:
            article.source = article.source or outlet
        elif article.title is None and looks_like_title(line):
            article.title = line
