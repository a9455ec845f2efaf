"""Pure layout helpers for the article view: word wrapping and offset ↔ cell mapping.

Nothing here touches Textual. `ArticleLayout` turns an `Article` into display lines at one
wrap width; each body line is a half-open range of body offsets, so every body character
maps to exactly one cell (tabs and other control characters are shown as a space, wide
characters take two cells) and every cell maps back to a body offset.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from rich.cells import cell_len, get_character_cell_size

from annotations.article import Article, ParagraphKind
from tui.widgets.display import display_text

CAPTION_PREFIX = "▏ "
"""Drawn before every line of a caption paragraph (two cells)."""

_TOKEN = re.compile(r"\s*\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class Highlight:
    """A coloured body range drawn by the view (one annotation)."""

    start: int
    end: int
    colour: str
    annotation_id: str


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph as laid out: its body range and how it is styled."""

    start: int
    end: int
    kind: ParagraphKind


def article_blocks(article: Article) -> list[Block]:
    """The paragraphs to lay out, from the segmentation or else split at blank lines."""
    if article.paragraphs:
        return [Block(p.start, p.end, p.kind) for p in article.paragraphs]
    blocks: list[Block] = []
    start = 0
    for part in article.body.split("\n\n"):
        blocks.append(Block(start, start + len(part), ParagraphKind.TEXT))
        start += len(part) + 2
    return blocks


def _cells(text: str, start: int, end: int) -> int:
    """Cells taken by text[start:end]."""
    chunk = text[start:end]
    return len(chunk) if chunk.isascii() else cell_len(chunk)


def _hard_break(text: str, start: int, end: int, width: int) -> list[int]:
    """Offsets at which text[start:end] is cut so that no piece is wider than `width`."""
    cuts: list[int] = []
    used = 0
    for offset in range(start, end):
        size = get_character_cell_size(text[offset])
        if used and used + size > width:
            cuts.append(offset)
            used = 0
        used += size
    return cuts


def wrap_range(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Word-wrap text[start:end] (no newlines inside) into line ranges of at most `width` cells.

    Lines break after whitespace, which stays at the end of the line it follows (so the
    ranges are contiguous and cover every character); words wider than `width` are cut.
    """
    width = max(width, 1)
    narrow = text[start:end].isascii()  # then every character is one cell
    if (end - start if narrow else cell_len(text[start:end])) <= width:
        return [(start, end)]
    lines: list[tuple[int, int]] = []
    line_start, used = start, 0
    for match in _TOKEN.finditer(text, start, end):
        token_start, token_end = match.span()
        word_end = token_start + len(match.group().rstrip())
        if narrow:
            word_cells, space_cells = word_end - token_start, token_end - word_end
        else:
            word_cells = cell_len(text[token_start:word_end])
            space_cells = cell_len(text[word_end:token_end])
        if used + word_cells <= width:
            used += word_cells + space_cells
            continue
        if used:
            lines.append((line_start, token_start))
            line_start, used = token_start, 0
        if word_cells > width:
            for cut in _hard_break(text, token_start, word_end, width):
                lines.append((line_start, cut))
                line_start = cut
            word_cells = _cells(text, line_start, word_end)
        used = word_cells + space_cells
    lines.append((line_start, end))
    return lines


def wrap_plain(text: str, width: int) -> list[str]:
    """Word-wrap a one-line string (a title, a byline) into display lines."""
    flat = display_text(text.replace("\n", " "))
    return [flat[a:b].rstrip() for a, b in wrap_range(flat, 0, len(flat), width)]


class ArticleLayout:
    """The display lines of one article at one wrap width.

    Rows `0 .. body_top - 1` are the header (title, byline, URL, rule, blank); each later row is
    a body line: a paragraph line, or the blank line standing for a "\\n\\n" separator.
    """

    def __init__(self, article: Article, width: int) -> None:
        self.width = max(width, 4)
        self.text = display_text(article.body)
        self.header: list[tuple[str, str]] = self._header(article)
        self.body_top = len(self.header)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.paragraphs: list[int] = []
        self.indents: list[int] = []
        self._cell_cache: dict[int, list[int]] = {}
        self._lay_out(article.body, article_blocks(article))

    def _header(self, article: Article) -> list[tuple[str, str]]:
        meta = article.meta
        rows = [(line, "title") for line in wrap_plain(meta.title or meta.id, self.width)]
        author = f"By {meta.author}" if meta.author else None
        byline = " · ".join(part for part in (meta.source, meta.date, author) if part)
        for line in (byline, meta.url):
            if line:
                rows += [(row, "meta") for row in wrap_plain(line, self.width)]
        rows += [("─" * self.width, "rule"), ("", "blank")]
        return rows

    def _lay_out(self, body: str, blocks: Sequence[Block]) -> None:
        text = self.text
        for index, block in enumerate(blocks):
            if index:
                previous_end = blocks[index - 1].end
                self._add(previous_end, block.start, -1, 0)
            indent = len(CAPTION_PREFIX) if block.kind is ParagraphKind.CAPTION else 0
            width = self.width - indent
            segment_start = block.start
            while segment_start <= block.end:
                newline = body.find("\n", segment_start, block.end)
                segment_end = block.end if newline < 0 else newline
                ranges = wrap_range(text, segment_start, segment_end, width)
                if newline >= 0:  # the newline hangs at the end of its line, as a space
                    ranges[-1] = (ranges[-1][0], newline + 1)
                for line_start, line_end in ranges:
                    self._add(line_start, line_end, index, indent)
                if newline < 0:
                    break
                segment_start = newline + 1

    def _add(self, start: int, end: int, paragraph: int, indent: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.paragraphs.append(paragraph)
        self.indents.append(indent)

    @property
    def height(self) -> int:
        """Total rows: header plus body lines."""
        return self.body_top + len(self.starts)

    def line_index(self, offset: int) -> int:
        """The body line (index into `starts`) showing the character at `offset`."""
        return max(bisect_right(self.starts, offset) - 1, 0)

    def lines_between(self, start: int, end: int) -> range:
        """Indices of the body lines showing any of the characters in [start, end)."""
        if end <= start:
            return range(0)
        return range(self.line_index(start), self.line_index(end - 1) + 1)

    def cell_edges(self, line: int) -> list[int]:
        """Cell positions of each character of a line, relative to its text, plus the end."""
        cached = self._cell_cache.get(line)
        if cached is None:
            chunk = self.text[self.starts[line] : self.ends[line]]
            if chunk.isascii():
                cached = list(range(len(chunk) + 1))
            else:
                sizes = (get_character_cell_size(char) for char in chunk)
                cached = [0, *accumulate(sizes)]
            self._cell_cache[line] = cached
        return cached

    def position_of(self, offset: int) -> tuple[int, int]:
        """The (row, cell) where the character at body `offset` is drawn."""
        line = self.line_index(offset)
        column = min(offset, self.ends[line]) - self.starts[line]
        cell = self.cell_edges(line)[max(column, 0)]
        return self.body_top + line, self.indents[line] + cell

    def offset_at(self, row: int, cell: int) -> int | None:
        """The body offset of the character under (row, cell), clamped to its line.

        None on header rows or past the last row; a blank separator row gives the
        separator's first character.
        """
        line = row - self.body_top
        if line < 0 or line >= len(self.starts):
            return None
        start, end = self.starts[line], self.ends[line]
        if end <= start:
            return start
        edges = self.cell_edges(line)
        column = bisect_right(edges, cell - self.indents[line]) - 1
        return start + min(max(column, 0), end - start - 1)


@dataclass(frozen=True, slots=True)
class Paint:
    """A run of a line covered by highlights: the innermost one and how many overlap."""

    start: int
    end: int
    highlight: Highlight
    depth: int


def paint_runs(start: int, end: int, highlights: Sequence[Highlight]) -> list[Paint]:
    """Split [start, end) into runs by the highlights covering them (shortest wins)."""
    edges = {start, end}
    for highlight in highlights:
        edges.update(e for e in (highlight.start, highlight.end) if start < e < end)
    bounds = sorted(edges)
    runs: list[Paint] = []
    for run_start, run_end in pairwise(bounds):
        covering = [h for h in highlights if h.start <= run_start and h.end >= run_end]
        if covering:
            inner = min(covering, key=lambda h: (h.end - h.start, -h.start))
            runs.append(Paint(run_start, run_end, inner, len(covering)))
    return runs


def bucket_by_line(layout: ArticleLayout, spans: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """For each body line, the indices of the spans that touch it."""
    buckets: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(spans):
        for line in layout.lines_between(start, end):
            buckets.setdefault(line, []).append(index)
    return buckets


def find_all(text: str, query: str) -> Iterator[tuple[int, int]]:
    """Every case-insensitive, non-overlapping occurrence of `query` in `text`."""
    if query:
        for match in re.finditer(re.escape(query), text, re.IGNORECASE):
            yield match.span()
