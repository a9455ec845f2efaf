"""HTML articles: the main text and metadata extracted with trafilatura."""

from __future__ import annotations

from pathlib import Path

from annotations.article import ParagraphKind
from annotations.boilerplate import is_caption
from annotations.metadata import normalise_date, split_authors
from annotations.parsers import ArticleParseError, ParsedArticle, clean_paragraph
from annotations.text import normalise_text

# trafilatura falls back to any text on the page; a few words of menu are not an article.
MIN_WORDS = 5


def parse(text: str, path: Path) -> list[ParsedArticle]:
    """One article from an HTML page (navigation, ads and footers are left out)."""
    import trafilatura  # imported lazily: it is slow to import and rarely needed

    document = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False
    )
    if document is None or len((document.text or "").split()) < MIN_WORDS:
        raise ArticleParseError("no article text found in the HTML")
    paragraphs = [clean_paragraph(line) for line in normalise_text(document.text).split("\n")]
    blocks = [
        (p, ParagraphKind.CAPTION if is_caption(p) else ParagraphKind.TEXT)
        for p in paragraphs
        if p
    ]
    title = clean_paragraph(normalise_text(document.title or "")) or None
    if blocks and title and blocks[0][0] == title:
        blocks = blocks[1:]
    if not blocks:
        raise ArticleParseError("no article text found in the HTML")
    return [
        ParsedArticle(
            title=title,
            blocks=blocks,
            source=clean_paragraph(normalise_text(document.sitename or "")) or None,
            date=normalise_date(document.date),
            authors=split_authors(normalise_text(document.author or "").replace(";", ",")),
            url=document.url or None,
        )
    ]
