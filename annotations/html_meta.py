"""Citation metadata a web page states about itself, before any heuristic guess.

JSON-LD (`NewsArticle` and kin: headline, author, datePublished, publisher), Open Graph
(`og:title`, `og:site_name`, `og:url`, `article:published_time`), `<meta name="author">`,
the canonical link and the first `<time datetime>` are read as the page gives them;
`metadata.py` cleans them.
"""

from __future__ import annotations

import html as html_entities
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_ARTICLE_TYPES = frozenset(
    "NewsArticle Article ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BlogPosting Report ScholarlyArticle TechArticle LiveBlogPosting WebPage".split()
)
_DATE_METAS = (
    "article:published_time",
    "datePublished",
    "parsely-pub-date",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
)


@dataclass
class PageMetadata:
    """What the page declares; None (or empty) where it declares nothing."""

    headline: str | None = None
    og_title: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    meta_author: str | None = None
    date: str | None = None
    url: str | None = None


def page_metadata(html: str) -> PageMetadata:
    """Read the page's structured metadata; a page that does not parse gives an empty one."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return PageMetadata()
    metas: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = (element.get("content") or "").strip()
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    found = PageMetadata(
        og_title=metas.get("og:title"),
        site_name=metas.get("og:site_name"),
        meta_author=metas.get("author") or metas.get("article:author") or None,
        url=metas.get("og:url"),
    )
    for node in _ld_nodes(root):
        if not _types(node) & _ARTICLE_TYPES:
            continue
        headline = _text(node.get("headline"))
        if headline and not headline.endswith(("...", "…")):  # not a truncated teaser
            found.headline = found.headline or headline
        found.authors = found.authors or tuple(_names(node.get("author")))
        found.date = found.date or _text(node.get("datePublished"))
        found.publisher = found.publisher or next(iter(_names(node.get("publisher"))), None)
        found.url = found.url or _text(node.get("url"))
    found.publisher = found.publisher or metas.get("publisher")
    found.date = found.date or next(
        (metas[key.lower()] for key in _DATE_METAS if key.lower() in metas), None
    )
    if not found.date:  # the first <time datetime> in document order
        found.date = next(
            (
                time.get("datetime")
                for time in root.iter("time")
                if time.get("datetime") is not None
            ),
            None,
        )
    if not found.url:
        found.url = next(
            (
                link.get("href")
                for link in root.iter("link")
                if link.get("rel") == "canonical" and link.get("href") is not None
            ),
            None,
        )
    return found


def _ld_nodes(root: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD scripts, `@graph` members included."""
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    return {str(k) for k in kind} if isinstance(kind, list) else {str(kind)}


def _text(value: Any) -> str | None:
    """A JSON-LD string, with HTML entities some sites leave in it decoded."""
    if not isinstance(value, str):
        return None
    return " ".join(html_entities.unescape(value).split()) or None


def _names(value: Any) -> Iterator[str]:
    """Names from a JSON-LD person/organisation, a list of them, or a plain string."""
    for item in value if isinstance(value, list) else [value]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            yield " ".join(html_entities.unescape(name).split())
