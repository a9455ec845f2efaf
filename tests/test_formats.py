"""Markdown, HTML and JSON/JSONL collections load with their metadata."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotations.article import ParagraphKind
from annotations.corpus import Corpus

MARKDOWN = """---
title: "Coast guards meet"
date: 2024-03-02
source: Example Times
author: Jane Roe, John Doe
url: https://example.com/coast
---

# Ignored because front matter has a title

The **coast guards** of both countries met in [Hanoi](https://example.com/hanoi) on Friday.
They agreed to hold *joint* patrols.

## Background

![Patrol boats at sea](boats.jpg)

- First point of the agreement.
"""

HTML = """<!doctype html><html><head><title>Ministers discuss trade | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Ann Smith">
<meta property="article:published_time" content="2024-05-06T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> &gt; <a href="/world">World</a></nav>
<article><h1>Ministers discuss trade</h1>
<p>Trade ministers from the two countries met on Monday to discuss tariffs and the
maritime corridor that links their ports. The talks lasted for three hours.</p>
<p>Both sides said the meeting was constructive and agreed to meet again in the autumn,
according to a statement released after the talks ended late in the evening.</p>
<p>Analysts said the agreement could double the volume of trade within five years if the
tariff cuts are implemented as planned by both governments.</p>
</article>
<footer>About us | Contact us | Copyright 2024 Example News</footer>
</body></html>"""


def library_with(tmp_path: Path, files: dict[str, str]) -> Corpus:
    library = tmp_path / "lib"
    library.mkdir()
    for name, text in files.items():
        (library / name).write_text(text, encoding="utf-8")
    return Corpus.open(library, use_cache=False)


def test_markdown_front_matter_and_plain_body(tmp_path: Path) -> None:
    corpus = library_with(tmp_path, {"coast.md": MARKDOWN})
    meta = corpus.meta("coast")
    assert (meta.title, meta.date, meta.source, meta.url) == (
        "Coast guards meet",
        "2024-03-02",
        "Example Times",
        "https://example.com/coast",
    )
    assert meta.authors == ("Jane Roe", "John Doe")
    article = corpus.article("coast")
    paragraphs = [(article.text(p.start, p.end), p.kind) for p in article.paragraphs]
    assert paragraphs[1] == (
        "The coast guards of both countries met in Hanoi on Friday. "
        "They agreed to hold joint patrols.",
        ParagraphKind.TEXT,
    )
    assert ("Background", ParagraphKind.HEADING) in paragraphs
    assert ("Patrol boats at sea", ParagraphKind.CAPTION) in paragraphs
    assert ("First point of the agreement.", ParagraphKind.TEXT) in paragraphs
    assert "**" not in article.body and "](" not in article.body


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    corpus = library_with(tmp_path, {"a.md": "# The heading\n\nBody text here.\n"})
    assert corpus.meta("a").title == "The heading"
    assert corpus.article("a").body == "Body text here."


def test_html_article_is_extracted_without_navigation(tmp_path: Path) -> None:
    corpus = library_with(tmp_path, {"trade.html": HTML})
    meta = corpus.meta("trade")
    assert meta.title.startswith("Ministers discuss trade")
    assert meta.date and meta.date.startswith("2024-05-06")
    assert meta.author == "Ann Smith"
    body = corpus.article("trade").body
    assert "Trade ministers from the two countries met on Monday" in body
    assert "Analysts said the agreement could double" in body
    assert "About us" not in body and "Home" not in body


def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    corpus = library_with(tmp_path, {"empty.html": "<html><body><nav>Menu</nav></body></html>"})
    assert len(corpus) == 0
    assert corpus.notices == ["skipped empty.html: no article text found in the HTML"]


def test_jsonl_records_become_articles(tmp_path: Path) -> None:
    records = [
        {
            "id": "a1",
            "title": "First",
            "text": "One.\n\nTwo.",
            "date": "March 3, 2024",
            "source": "Wire",
            "author": ["A. Writer"],
            "url": "https://example.com/1",
        },
        {"title": "Second", "text": "Body of the second record."},
        {"title": "Broken"},
        "not an object",
    ]
    lines = "\n".join(orjson.dumps(r).decode() for r in records) + "\n{bad json\n"
    corpus = library_with(tmp_path, {"feed.jsonl": lines})
    assert [meta.id for meta in corpus] == ["feed-0002", "feed-a1"]
    first = corpus.meta("feed-a1")
    assert (first.title, first.date, first.source, first.author, first.url) == (
        "First",
        "2024-03-03",
        "Wire",
        "A. Writer",
        "https://example.com/1",
    )
    assert corpus.article("feed-a1").body == "One.\n\nTwo."
    assert corpus.article("feed-0002").body == "Body of the second record."
    assert corpus.notices[:2] == [
        "skipped feed.jsonl record 3: no `text`",
        "skipped feed.jsonl record 4: not a JSON object",
    ]
    assert corpus.notices[2].startswith("skipped feed.jsonl record 5: invalid JSON (")


def test_json_single_record_and_articles_list(tmp_path: Path) -> None:
    corpus = library_with(
        tmp_path,
        {
            "one.json": orjson.dumps({"title": "Solo", "text": "Only article."}).decode(),
            "many.json": orjson.dumps(
                {"articles": [{"title": "A", "text": "aa"}, {"title": "B", "text": "bb"}]}
            ).decode(),
        },
    )
    assert [meta.id for meta in corpus] == ["many-0001", "many-0002", "one"]
    assert corpus.meta("one").title == "Solo"


def test_same_stem_in_two_formats_gets_distinct_ids(tmp_path: Path) -> None:
    corpus = library_with(tmp_path, {"x.txt": "Title\n\nText one.", "x.md": "# T\n\nText two."})
    assert sorted(meta.id for meta in corpus) == ["x", "x-txt"]
    assert corpus.article("x-txt").body == "Text one."
