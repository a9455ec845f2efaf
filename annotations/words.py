"""Word boundaries in any script, for the word cursor, keyboard selection and mouse snapping.

Words are runs of letters and digits (with inner hyphens and apostrophes: "win-win",
"China's"). Scripts written without spaces are split further: Chinese characters by a
segmenter (jieba, see `annotations.chinese`; one character per word without one), and
Japanese kana, Thai, Lao, Khmer and Myanmar one character per word. No boundary falls
inside a grapheme cluster (an emoji sequence joined by U+200D, a letter and its combining
marks, a flag): a selection never takes half of what shows as one character.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator

import regex

from annotations.chinese import Segmenter, load_segmenter

_WORD = regex.compile(r"\w+(?:[-'’]\w+)*")
# Characters that can join the one before them into a grapheme cluster (combining marks,
# format characters such as the zero-width joiner, variation selectors, emoji skin tones,
# regional indicators, Hangul jamo, tag characters): a text without any has no cluster of
# more than one character, and `_cluster_interiors` need not look for them.
_JOINS = regex.compile(
    r"[\p{M}\p{Cf}\ufe00-\ufe0f\U0001F3FB-\U0001F3FF\U0001F1E6-\U0001F1FF\u1100-\u11ff"
    r"\U000E0020-\U000E007F]"
)
_CLUSTER = regex.compile(r"\X")
_PUNCTUATION = regex.compile(r"[^\w\s]+")
_HAN = r"\p{Han}"
_UNSPACED = r"\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_NEEDS_SPLIT = regex.compile(rf"[{_HAN}{_UNSPACED}]")
_ANY_HAN = regex.compile(_HAN)
_PIECE = regex.compile(rf"(?P<han>{_HAN}+)|(?P<char>[{_UNSPACED}])|[^{_HAN}{_UNSPACED}]+")


def word_spans(text: str, chinese: Segmenter | None = None) -> list[tuple[int, int]]:
    """Every word of `text` as (start, end), in order, punctuation and spaces left out."""
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        if _NEEDS_SPLIT.search(text, start, end) is None:
            spans.append((start, end))
        else:
            spans.extend(_split_unspaced(text, start, end, chinese))
    return spans


def _split_unspaced(
    text: str, start: int, end: int, chinese: Segmenter | None
) -> Iterator[tuple[int, int]]:
    for piece in _PIECE.finditer(text, start, end):
        low, high = piece.span()
        if piece.group("han") is None:
            yield low, high
        elif chinese is None:
            yield from ((offset, offset + 1) for offset in range(low, high))
        else:
            yield from ((low + a, low + b) for a, b in chinese(text[low:high]) if b > a)


def word_index(text: str) -> WordIndex:
    """The words of `text`; with Chinese characters, by jieba (loading its dictionary first:
    about a second, once; usually already loaded by a view in the background)."""
    return WordIndex(text, load_segmenter() if _ANY_HAN.search(text) else None)


def step_spans(text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words with the punctuation attached to them ("dam.", "(Xinhua)", "“yes.”").

    Punctuation right after a word belongs to it; punctuation before a word (after a space
    or at the start) belongs to the word it precedes.
    """
    steps: list[tuple[int, int]] = []
    previous_end = 0
    for index, (start, end) in enumerate(words):
        low = start
        while low > previous_end and not text[low - 1].isspace():
            low -= 1
        following = words[index + 1][0] if index + 1 < len(words) else len(text)
        high = end
        while high < following and not text[high].isspace():
            high += 1
        steps.append((low, high))
        previous_end = high
    return steps


def _cluster_interiors(text: str) -> frozenset[int]:
    """The offsets of `text` inside a grapheme cluster (after its first character)."""
    if text.isascii() or _JOINS.search(text) is None:
        return frozenset()
    return frozenset(
        offset
        for cluster in _CLUSTER.finditer(text)
        if cluster.end() - cluster.start() > 1
        for offset in range(cluster.start() + 1, cluster.end())
    )


def _whole_clusters(
    spans: list[tuple[int, int]], interiors: frozenset[int]
) -> list[tuple[int, int]]:
    """`spans` (in order) widened to whole grapheme clusters, those that then overlap
    joined."""
    if not interiors:
        return spans
    widened: list[tuple[int, int]] = []
    for start, end in spans:
        while start in interiors:
            start -= 1
        while end in interiors:
            end += 1
        if widened and start < widened[-1][1]:
            widened[-1] = (widened[-1][0], max(widened[-1][1], end))
        else:
            widened.append((start, end))
    return widened


class WordIndex:
    """The words of a text and the moves between them.

    `starts`/`ends` are the words alone (the word cursor and `w`/`b` move by them); snapping
    a mouse range also counts runs of punctuation as pieces; the selection's end steps
    (`next_end` and friends) move by words with their attached punctuation.
    """

    def __init__(self, text: str, chinese: Segmenter | None = None) -> None:
        interiors = _cluster_interiors(text)
        words = _whole_clusters(word_spans(text, chinese), interiors)
        self.starts = [start for start, _ in words]
        self.ends = [end for _, end in words]
        punctuation = [m.span() for m in _PUNCTUATION.finditer(text)]
        pieces = _whole_clusters(sorted(words + punctuation), interiors)
        self._piece_starts = [start for start, _ in pieces]
        self._piece_ends = [end for _, end in pieces]
        steps = _whole_clusters(step_spans(text, words), interiors)
        self._step_starts = [start for start, _ in steps]
        self._step_ends = [end for _, end in steps]

    def __len__(self) -> int:
        return len(self.starts)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Grow [start, end) to whole words (or punctuation runs), dropping outer whitespace."""
        first = bisect_right(self._piece_ends, start)  # the piece holding `start`, or the next
        last = bisect_left(self._piece_starts, end) - 1  # the piece holding `end - 1`, or before
        if first > last:
            return None
        return self._piece_starts[first], self._piece_ends[last]

    def word_at(self, offset: int) -> tuple[int, int] | None:
        """The word holding `offset`, else the next word, else the last one."""
        if not self.starts:
            return None
        index = min(bisect_right(self.ends, offset), len(self.starts) - 1)
        return self.starts[index], self.ends[index]

    def word_within(self, offset: int, low: int, high: int) -> tuple[int, int] | None:
        """The word holding `offset` (else the next, else the last) if it starts in
        [low, high): the word a cursor at `offset` is on inside that sentence or passage."""
        word = self.word_at(offset)
        return word if word is not None and low <= word[0] < high else None

    def end_of_word(self, offset: int) -> int | None:
        """Where vim's `e` goes: the last character of the first word ending after the
        character at `offset` (this word's if `offset` is not already its last)."""
        index = bisect_right(self.ends, offset + 1)
        return self.ends[index] - 1 if index < len(self.ends) else None

    def next_word(self, offset: int) -> tuple[int, int] | None:
        """The first word starting after `offset`."""
        index = bisect_right(self.starts, offset)
        return (self.starts[index], self.ends[index]) if index < len(self.starts) else None

    def previous_word(self, offset: int) -> tuple[int, int] | None:
        """The last word starting before `offset` (inside a word: that word, as vim's `b`)."""
        index = bisect_left(self.starts, offset) - 1
        return (self.starts[index], self.ends[index]) if index >= 0 else None

    def next_end(self, offset: int) -> int | None:
        """The end of the first word (with its punctuation) ending after `offset`."""
        index = bisect_right(self._step_ends, offset)
        return self._step_ends[index] if index < len(self._step_ends) else None

    def previous_end(self, offset: int) -> int | None:
        """The end of the last word (with its punctuation) ending before `offset`."""
        index = bisect_left(self._step_ends, offset) - 1
        return self._step_ends[index] if index >= 0 else None

    def next_start(self, offset: int) -> int | None:
        """The start of the first word (with its punctuation) starting after `offset`."""
        index = bisect_right(self._step_starts, offset)
        return self._step_starts[index] if index < len(self._step_starts) else None

    def previous_start(self, offset: int) -> int | None:
        """The start of the last word (with its punctuation) starting before `offset`."""
        index = bisect_left(self._step_starts, offset) - 1
        return self._step_starts[index] if index >= 0 else None
