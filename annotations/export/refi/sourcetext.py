"""A QDA source's plain text as an article body newsmark loads unchanged, with offset maps.

An article body is paragraphs separated by exactly one blank line, without control
characters, runs of spaces or spaces at paragraph ends (what the loader makes of any
text). A source from another QDA program may hold `\\r\\n`, single newlines between
paragraphs, tabs or double spaces; `canonical_text` makes the body newsmark will load and
maps every position of the source text to the body, so selections stay on the same words.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

PARAGRAPH_SEPARATOR = "\n\n"
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")


@dataclass(frozen=True, slots=True)
class CanonicalText:
    """The body made from a source text, and where each body character came from."""

    body: str
    origins: tuple[int, ...]  # origins[i]: index in the source of body[i] (non-decreasing)

    def start(self, position: int) -> int:
        """The body offset of a selection starting at source `position` (the next kept
        character that is not whitespace)."""
        index = bisect.bisect_left(self.origins, position)
        while index < len(self.body) and self.body[index] in " \n":
            index += 1
        return index

    def end(self, position: int) -> int:
        """The body offset of a selection ending (exclusive) at source `position` (just
        after the last kept character before it that is not whitespace)."""
        index = bisect.bisect_left(self.origins, position)
        while index > 0 and self.body[index - 1] in " \n":
            index -= 1
        return index


def _dropped(ch: str) -> bool:
    """Characters the loader removes: control characters other than tab and line breaks."""
    return ch not in _LINE_BREAKS and ch != "\t" and unicodedata.category(ch) == "Cc"


def canonical_text(source: str) -> CanonicalText:
    """Paragraphs are the source's non-blank lines; spaces collapse; controls go.

    Every source line becomes its own paragraph (QDA programs separate paragraphs with a
    single newline); a run of horizontal whitespace becomes one space, whitespace at the
    ends of a line is dropped and so are control characters. Characters are never
    reordered, so source positions map monotonically onto the body.
    """
    paragraphs: list[list[tuple[str, int]]] = []
    line: list[tuple[str, int]] = []

    def end_line() -> None:
        while line and line[-1][0] == " ":
            line.pop()
        if line:
            paragraphs.append(line.copy())
        line.clear()

    for index, ch in enumerate(source):
        if ch in _LINE_BREAKS:
            end_line()
        elif _dropped(ch):
            continue
        elif ch.isspace():
            if line and line[-1][0] != " ":
                line.append((" ", index))
        else:
            line.append((ch, index))
    end_line()
    chars: list[str] = []
    origins: list[int] = []
    for paragraph in paragraphs:
        if chars:  # the separator belongs to the paragraph it introduces
            chars.extend(PARAGRAPH_SEPARATOR)
            origins.extend([paragraph[0][1]] * len(PARAGRAPH_SEPARATOR))
        chars.extend(ch for ch, _ in paragraph)
        origins.extend(origin for _, origin in paragraph)
    return CanonicalText("".join(chars), tuple(origins))
