"""JSON and JSON Lines collections: records with `title`, `text` and optional metadata.

A `.json` file may hold one record, a list of records, or an object with an `articles`
list; a `.jsonl` file holds one record per line. Bad records are skipped with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from annotations.article import ParagraphKind
from annotations.boilerplate import is_caption
from annotations.metadata import normalise_date, split_authors
from annotations.parsers import (
    ArticleParseError,
    ParsedArticle,
    clean_paragraph,
    text_to_paragraphs,
)
from annotations.text import normalise_text

_KEY_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


class RecordError(ArticleParseError):
    """One record of a multi-record file is unusable; the others still load."""

    def __init__(self, record: int, reason: str) -> None:
        super().__init__(f"record {record}: {reason}")
        self.record = record


def parse(text: str, path: Path) -> list[ParsedArticle | RecordError]:
    """Every record of the file, or a `RecordError` in place of each unusable one."""
    records = _read_records(text, path)
    results: list[ParsedArticle | RecordError] = []
    for number, record in enumerate(records, start=1):
        try:
            results.append(_parse_record(record, number, single=len(records) == 1))
        except RecordError as error:
            results.append(error)
    return results


def _read_records(text: str, path: Path) -> list[Any]:
    if path.suffix.lower() == ".jsonl":
        records = []
        for line_number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    records.append(orjson.loads(line))
                except orjson.JSONDecodeError as error:
                    records.append(RecordError(line_number, f"invalid JSON ({error})"))
        return records
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ArticleParseError(f"invalid JSON ({error})") from error
    articles = data.get("articles") if isinstance(data, dict) else None
    if isinstance(articles, list):
        return articles
    if isinstance(data, list):
        return data
    return [data]


def _parse_record(record: Any, number: int, *, single: bool) -> ParsedArticle:
    if isinstance(record, RecordError):
        raise record
    if not isinstance(record, dict):
        raise RecordError(number, "not a JSON object")
    body_text = record.get("text", record.get("body"))
    if not isinstance(body_text, str) or not body_text.strip():
        raise RecordError(number, "no `text`")
    paragraphs = text_to_paragraphs(normalise_text(body_text))
    blocks = [
        (p, ParagraphKind.CAPTION if is_caption(p) else ParagraphKind.TEXT) for p in paragraphs
    ]
    return ParsedArticle(
        title=_string(record.get("title")),
        blocks=blocks,
        source=_string(record.get("source")),
        date=normalise_date(_string(record.get("date"))),
        authors=_authors(record.get("author", record.get("authors"))),
        url=_string(record.get("url")),
        key=None if single else _record_key(record.get("id"), number),
        record=number,
    )


def _record_key(raw_id: Any, number: int) -> str:
    """The record's own id made filename-safe, else its 4-digit position."""
    key = _KEY_CHARS.sub("-", str(raw_id)).strip("-") if raw_id is not None else ""
    return key or f"{number:04d}"


def _string(value: Any) -> str | None:
    if value is None:
        return None
    text = clean_paragraph(normalise_text(str(value)))
    return text or None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(name for item in value if (name := _string(item)))
    text = _string(value)
    return split_authors(text) if text else ()
