"""Segmenting a body into paragraphs and sentences with absolute character offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotations.article import Paragraph, ParagraphKind, Span

PARAGRAPH_SEPARATOR = "\n\n"

# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen sen rep gov lt col capt sgt st jr sr inc ltd co corp dept
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc approx est fig vol
    e.g i.e u.s u.k u.n a.m p.m""".split()
)
# A sentence ends at . ! ? (or their CJK forms), optionally followed by closing quotes or
# brackets; Western sentence ends need whitespace after them.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|[。！？][」』”’）]*")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
# A bracketed credit after the last sentence, "[FENG YONGBIN/CHINA DAILY]" or "(Xinhua/Ju
# Peng)", belongs to that sentence rather than being one of its own.
_TRAILING_CREDIT = re.compile(r"^\s*[\[(][^\[\]()]{1,80}[\])]\s*$")


def build_body(blocks: Iterable[tuple[str, ParagraphKind]]) -> tuple[str, tuple[Paragraph, ...]]:
    """Join paragraph texts into a body (separated by a blank line) and segment them.

    Each text must already be normalised and must not contain a blank line.
    """
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    offset = 0
    for text, kind in blocks:
        if not text:
            continue
        if parts:
            offset += len(PARAGRAPH_SEPARATOR)
        paragraphs.append(
            Paragraph(offset, offset + len(text), kind, split_sentences(text, offset))
        )
        parts.append(text)
        offset += len(text)
    return PARAGRAPH_SEPARATOR.join(parts), tuple(paragraphs)


def segment_body(body: str, kinds: Iterable[ParagraphKind] = ()) -> tuple[Paragraph, ...]:
    """Paragraphs and sentences of an existing body; `kinds` gives each paragraph's kind."""
    kind_list = list(kinds)
    paragraphs: list[Paragraph] = []
    offset = 0
    for index, text in enumerate(body.split(PARAGRAPH_SEPARATOR)):
        kind = kind_list[index] if index < len(kind_list) else ParagraphKind.TEXT
        if text:
            paragraphs.append(
                Paragraph(offset, offset + len(text), kind, split_sentences(text, offset))
            )
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return tuple(paragraphs)


def split_sentences(text: str, offset: int = 0) -> tuple[Span, ...]:
    """Sentences of one paragraph as absolute spans (leading/trailing spaces excluded)."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[match.start()] == "." and _is_abbreviation(text[start : match.start() + 1]):
            continue
        _append_trimmed(spans, text, start, end, offset)
        start = end
    if spans and _TRAILING_CREDIT.match(text[start:]):
        last = spans.pop()
        start = last.start - offset
    _append_trimmed(spans, text, start, len(text), offset)
    return tuple(spans)


def _is_abbreviation(sentence_so_far: str) -> bool:
    """Whether the full stop ending `sentence_so_far` belongs to an abbreviation or initial."""
    found = _WORD_BEFORE.search(sentence_so_far)
    if found is None:
        return False
    word = found.group(1)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower().rstrip(".") in ABBREVIATIONS or word.lower() in ABBREVIATIONS


def _append_trimmed(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(Span(offset + start, offset + end))
