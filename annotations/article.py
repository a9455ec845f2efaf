"""The article data model shared by the loader, the store, the exporters and the TUI.

`Article.body` is the canonical text: every offset in newsmark (annotations, search hits,
sentences, paragraphs) is a character offset into it, and `newsmark show ID --body-only`
prints exactly it. Paragraphs are separated by a single blank line ("\\n\\n").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any


class ParagraphKind(StrEnum):
    """What a paragraph of the body is; captions and headings are styled apart."""

    TEXT = "text"
    CAPTION = "caption"
    HEADING = "heading"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) of an article body."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, offset: int) -> bool:
        """Whether `offset` falls inside the span."""
        return self.start <= offset < self.end


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the body with its sentences, all as absolute body offsets."""

    start: int
    end: int
    kind: ParagraphKind = ParagraphKind.TEXT
    sentences: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the library shows about an article without loading its body."""

    id: str
    title: str
    source: str | None
    date: str | None
    authors: tuple[str, ...]
    url: str | None
    path: Path
    words: int
    format: str
    encoding: str = "utf-8"
    record: int | None = None

    @property
    def author(self) -> str | None:
        """All authors joined with ", ", or None when the byline is unknown."""
        return ", ".join(self.authors) or None

    def to_listing(self) -> dict[str, Any]:
        """The keys of `newsmark list --json`."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "author": self.author,
            "words": self.words,
        }


@dataclass(frozen=True)
class Article:
    """A loaded article: its metadata, normalised body text and segmentation."""

    meta: ArticleMeta
    body: str
    paragraphs: tuple[Paragraph, ...] = field(default=())

    @property
    def id(self) -> str:
        """The article id (unique within the collection)."""
        return self.meta.id

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        """Every sentence of the body in order, as absolute offsets."""
        return tuple(s for p in self.paragraphs for s in p.sentences)

    @cached_property
    def content_hash(self) -> str:
        """A stable hash of the body, stored with annotations to detect edited articles."""
        return "sha256:" + hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def text(self, start: int, end: int) -> str:
        """The body text between two offsets."""
        return self.body[start:end]
