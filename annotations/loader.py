"""Loading one article file: read, decode, normalise, parse, and build `Article`s.

Bad files never stop a collection from loading: `load_file` returns the articles it could
build plus one-line notices for what it skipped or decoded with a fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from annotations.article import Article, ArticleMeta
from annotations.parsers import ArticleParseError, ParsedArticle, parse_text
from annotations.parsers.records import RecordError
from annotations.regular_file import FileTooLargeError, NotRegularFileError, read_regular_file
from annotations.segment import PARAGRAPH_SEPARATOR, build_body
from annotations.text import UndecodableError, decode_bytes, normalise_text, safe_name

MAX_FILE_BYTES = 20 * 1024 * 1024
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")
# ASCII letters and digits become "a", every other byte a space: a word is then a space
# followed by an "a" (or an "a" at the start).
_ASCII_WORD_BYTES = bytes(
    ord("a") if chr(c).isascii() and chr(c).isalnum() else ord(" ") for c in range(256)
)


@dataclass
class LoadedFile:
    """The articles built from one file and the notices about it."""

    articles: list[Article] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def count_words(text: str) -> int:
    """Words in `text`; each CJK character counts as one word."""
    # The same count, many times faster than the regular expression, when every character
    # outside ASCII is one that no word holds (a dash, curly quotes: "?" when encoded).
    if not text.isascii() and any(ch.isalnum() for ch in set(text) if not ch.isascii()):
        return len(_WORD.findall(text))
    marked = text.encode("ascii", "replace").translate(_ASCII_WORD_BYTES)
    return marked.count(b" a") + marked.startswith(b"a")


def load_file(path: Path, base_id: str, *, segment: bool = True) -> LoadedFile:
    """Read and parse one file; never raises for bad content, only reports it.

    Only regular files (or links to them) of at most `MAX_FILE_BYTES` are read: a FIFO,
    device, socket or directory is skipped with a notice, never opened for reading.

    With `segment=False` the articles have no paragraph/sentence spans (indexing only needs
    the body text and metadata, and segmentation is a good part of the parsing time).
    """
    loaded = LoadedFile()
    name = safe_name(path.name)
    try:
        data = read_regular_file(path, max_bytes=MAX_FILE_BYTES)
    except (NotRegularFileError, FileTooLargeError) as error:
        loaded.notices.append(f"skipped {name}: {error.reason}")
        return loaded
    except OSError as error:
        loaded.notices.append(f"skipped {name}: cannot read it ({error.strerror or error})")
        return loaded
    if not data.strip():
        loaded.notices.append(f"skipped {name}: empty file")
        return loaded
    try:
        decoded = decode_bytes(data)
    except UndecodableError as error:
        loaded.notices.append(f"skipped {name}: {error}")
        return loaded
    if decoded.fallback:
        loaded.notices.append(f"read {name} as {decoded.encoding} (it is not valid UTF-8)")
    try:
        parsed_articles = parse_text(normalise_text(decoded.text), path)
    except ArticleParseError as error:
        loaded.notices.append(f"skipped {name}: {error}")
        return loaded
    for parsed in parsed_articles:
        if isinstance(parsed, RecordError):
            loaded.notices.append(f"skipped {name} {parsed}")
            continue
        article_id = f"{base_id}-{parsed.key}" if parsed.key else base_id
        loaded.articles.append(
            build_article(parsed, article_id, path, decoded.encoding, segment=segment)
        )
    return loaded


def build_article(
    parsed: ParsedArticle, article_id: str, path: Path, encoding: str, *, segment: bool = True
) -> Article:
    """An `Article` from parser output: the body joined (and segmented), metadata attached."""
    if segment:
        body, paragraphs = build_body(parsed.blocks)
    else:
        body, paragraphs = PARAGRAPH_SEPARATOR.join(t for t, _ in parsed.blocks if t), ()
    meta = ArticleMeta(
        id=article_id,
        title=parsed.title or article_id,
        source=parsed.source,
        date=parsed.date,
        authors=parsed.authors,
        url=parsed.url,
        path=path,
        words=count_words(body),
        format=path.suffix.lower().lstrip("."),
        encoding=encoding,
        record=parsed.record,
    )
    return Article(meta=meta, body=body, paragraphs=paragraphs)
