"""Folding text for tolerant matching, with a map back to the original offsets.

`fold` makes typographic variants equal: every run of whitespace (spaces, no-break spaces,
line and paragraph breaks) becomes one space, curly quotes become straight ones, dashes
become `-` and `…` becomes `...`. The
`Folded` result remembers where each folded character came from, so a match found in the
folded text gives exact offsets into the original.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_CHARACTERS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
# Only what folding changes: a lone plain space is already folded, so it is never matched.
_FOLDABLE = re.compile(rf"\s{{2,}}|[^\S ]|[{''.join(_CHARACTERS)}]")


def _replacement(run: str) -> str:
    """What one foldable run becomes."""
    return _CHARACTERS.get(run, " ")


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text and the map from its offsets to offsets into the original.

    `changes` are the replaced runs in order, as (folded start, folded length, original
    start, original length); between them the two texts are identical.
    """

    text: str
    original_length: int
    changes: tuple[tuple[int, int, int, int], ...]
    _folded_starts: tuple[int, ...]
    _original_starts: tuple[int, ...]

    def original_start(self, offset: int) -> int:
        """The original offset where the folded character at `offset` begins."""
        index = bisect_right(self._folded_starts, offset) - 1
        if index < 0:
            return offset
        fstart, flen, ostart, olen = self.changes[index]
        if offset < fstart + flen:
            return ostart
        return ostart + olen + offset - fstart - flen

    def original_end(self, offset: int) -> int:
        """The original offset just after the folded character at `offset - 1`."""
        if offset <= 0:
            return 0
        index = bisect_right(self._folded_starts, offset - 1) - 1
        if index < 0:
            return offset
        fstart, flen, ostart, olen = self.changes[index]
        if offset - 1 < fstart + flen:
            return ostart + olen
        return ostart + olen + offset - fstart - flen

    def folded_offset(self, original: int) -> int:
        """The folded offset of the original offset `original` (start of its run)."""
        index = bisect_right(self._original_starts, original) - 1
        if index < 0:
            return original
        fstart, flen, ostart, olen = self.changes[index]
        if original < ostart + olen:
            return fstart
        return fstart + flen + original - ostart - olen


def fold(text: str) -> Folded:
    """`text` folded (see the module docstring), with its offset map."""
    pieces: list[str] = []
    changes: list[tuple[int, int, int, int]] = []
    position = 0
    folded_length = 0
    for match in _FOLDABLE.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        folded_length += start - position
        replacement = _replacement(match.group())
        changes.append((folded_length, len(replacement), start, end - start))
        pieces.append(replacement)
        folded_length += len(replacement)
        position = end
    pieces.append(text[position:])
    return Folded(
        text="".join(pieces),
        original_length=len(text),
        changes=tuple(changes),
        _folded_starts=tuple(change[0] for change in changes),
        _original_starts=tuple(change[2] for change in changes),
    )


def fold_text(text: str) -> str:
    """Only the folded text of `text` (for short strings: quotes and their context)."""
    return fold(text).text


@lru_cache(maxsize=8)
def fold_body(body: str) -> Folded:
    """`fold(body)`, remembered for the few bodies being re-anchored at the moment."""
    return fold(body)
