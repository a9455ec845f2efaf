"""HTML articles: the main text extracted with trafilatura, metadata from what the page
declares (JSON-LD, Open Graph) before trafilatura's guesses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from annotations.article import ParagraphKind
from annotations.boilerplate import is_caption
from annotations.html_meta import page_metadata
from annotations.metadata import (
    clean_authors,
    clean_outlet,
    clean_title,
    normalise_date,
    url_host,
)
from annotations.parsers import ArticleParseError, ParsedArticle, clean_paragraph
from annotations.text import normalise_text

# trafilatura falls back to any text on the page; a few words of menu are not an article.
MIN_WORDS = 5
# Below this many words the page is extracted again with its tables: a results table can
# be the article itself.
SHORT_BODY_WORDS = 150
HEADLINE_SCAN = 3
HEADLINE_SIMILARITY = 90
KICKER_MAX_WORDS = 6


def parse(text: str, path: Path) -> list[ParsedArticle]:
    """One article from an HTML page (navigation, ads and footers are left out)."""
    document = _extract(text, include_tables=False)
    if document is not None and len((document.text or "").split()) < SHORT_BODY_WORDS:
        with_tables = _extract(text, include_tables=True)
        if with_tables is not None and len(with_tables.text or "") > len(document.text or ""):
            document = with_tables
    if document is None or len((document.text or "").split()) < MIN_WORDS:
        raise ArticleParseError("no article text found in the HTML")
    page = page_metadata(text)
    url = page.url or document.url or None
    outlet = clean_outlet([page.site_name, _clean(document.sitename), page.publisher], url)
    site_names = [
        name
        for name in (
            outlet,
            page.site_name,
            page.publisher,
            _clean(document.sitename),
            url_host(url),
        )
        if name
    ]
    raw_title = _clean(page.headline or page.og_title or document.title or "")
    title, title_date = clean_title(raw_title, site_names) if raw_title else (None, None)
    author_sources = [
        page.authors,
        (page.meta_author,),
        (normalise_text(document.author or "").replace(";", ","),),
    ]
    authors = next(
        (
            found
            for source in author_sources
            if (found := clean_authors([a for a in source if a], site_names))
        ),
        (),
    )
    paragraphs = [clean_paragraph(line) for line in normalise_text(document.text).split("\n")]
    blocks = [
        (p, ParagraphKind.CAPTION if is_caption(p) else ParagraphKind.TEXT) for p in paragraphs if p
    ]
    blocks = drop_headline(blocks, title)
    if not blocks:
        raise ArticleParseError("no article text found in the HTML")
    return [
        ParsedArticle(
            title=title,
            blocks=blocks,
            source=outlet,
            date=normalise_date(page.date) or title_date or normalise_date(document.date),
            authors=authors,
            url=url,
        )
    ]


def drop_headline(
    blocks: list[tuple[str, ParagraphKind]], title: str | None
) -> list[tuple[str, ParagraphKind]]:
    """The body without the headline repeated at its top (matched loosely), and without the
    short kicker or date line before it ('#GameTechie', 'October 22, 2019 report')."""
    if not title:
        return blocks
    wanted = title.casefold()
    for index, (text, _) in enumerate(blocks[:HEADLINE_SCAN]):
        if fuzz.ratio(text.casefold(), wanted) >= HEADLINE_SIMILARITY:
            kept = [b for b in blocks[:index] if len(b[0].split()) > KICKER_MAX_WORDS]
            return kept + blocks[index + 1 :]
    return blocks


def _extract(text: str, *, include_tables: bool) -> Any:
    import trafilatura  # imported lazily: it is slow to import and rarely needed

    return trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=include_tables
    )


def _clean(value: str | None) -> str | None:
    return clean_paragraph(normalise_text(value or "")) or None
