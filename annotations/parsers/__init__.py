"""Turning one article file into parsed articles (metadata + body paragraphs).

Each format module exposes `parse(text: str, path: Path) -> list[ParsedArticle]`, taking
already decoded and normalised text. `parse_file` picks the module by file suffix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from annotations.article import ParagraphKind

PARSERS_BY_SUFFIX = {
    ".txt": "annotations.parsers.txt",
    ".text": "annotations.parsers.txt",
    ".md": "annotations.parsers.markdown",
    ".markdown": "annotations.parsers.markdown",
    ".html": "annotations.parsers.html",
    ".htm": "annotations.parsers.html",
    ".json": "annotations.parsers.records",
    ".jsonl": "annotations.parsers.records",
}
SUPPORTED_SUFFIXES = frozenset(PARSERS_BY_SUFFIX)
_HORIZONTAL_SPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


class ArticleParseError(ValueError):
    """The file is in a supported format but holds no usable article (reason in the message)."""


@dataclass
class ParsedArticle:
    """One article as a parser found it; `key` tells records of one file apart."""

    title: str | None
    blocks: list[tuple[str, ParagraphKind]]
    source: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    key: str | None = None
    record: int | None = None


def parse_text(text: str, path: Path) -> list[ParsedArticle]:
    """Parse normalised text with the parser for `path`'s suffix."""
    module = import_module(PARSERS_BY_SUFFIX[path.suffix.lower()])
    parse: Callable[[str, Path], list[ParsedArticle]] = module.parse
    return parse(text, path)


def clean_paragraph(text: str) -> str:
    """Collapse runs of spaces, tabs and no-break spaces; strip the ends."""
    if text.isascii() and "  " not in text and "\t" not in text:
        return text.strip()  # nothing to collapse (the usual line), without the regex
    return _HORIZONTAL_SPACE.sub(" ", text).strip()


def text_to_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs.

    Blank lines separate paragraphs. A block of several lines is joined into one paragraph
    when it looks hard-wrapped (lines of similar, moderate length); otherwise every line is
    its own paragraph, as in copies of web pages without blank lines.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        lines = [clean_paragraph(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _looks_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _looks_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    body_lines = lines[:-1]
    return all(30 <= len(line) <= 100 for line in body_lines) and len(lines[-1]) <= 100
