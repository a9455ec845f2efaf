"""A cursor inside one passage of a text and the keyboard selection it extends.

The reader's rule for selections, shared by every view that selects with the keyboard: a
selection runs from the unit it started on (`anchor`) to the unit at the cursor (`head`),
in either order, so a word cursor leaves out the punctuation after a word unless a
character step takes it. `Caret` applies that rule inside one passage [low, high) (an
aligned row's cell): moves by word (`w`/`b`/`e`) and by character (`h`/`l`) never leave it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from annotations.words import WordIndex

Unit = tuple[int, int]


def spanning(anchor: Unit, head: Unit) -> Unit:
    """The selection from the unit it started on to the unit at its moving end."""
    return min(anchor[0], head[0]), max(anchor[1], head[1])


@dataclass(frozen=True)
class Caret:
    """A cursor at `point` in [low, high): on a word (`word_mode`, after a word move) or on
    one character (after a character move); `anchor` is where a selection started, if any.

    Offsets are those of the text the `WordIndex` passed to the methods was built on.
    """

    low: int
    high: int
    point: int
    word_mode: bool = True
    anchor: Unit | None = None

    @classmethod
    def at_start(cls, low: int, high: int) -> Caret:
        """A caret on the first character of [low, high), no selection."""
        return cls(low, high, low)

    def unit(self, words: WordIndex) -> Unit:
        """What the cursor is on: its word in word mode (if inside the passage), else its
        character."""
        if self.word_mode:
            word = words.word_within(self.point, self.low, self.high)
            if word is not None:
                return word[0], min(word[1], self.high)
        return self.point, min(self.point + 1, self.high)

    def selection(self, words: WordIndex) -> Unit | None:
        """The selected range, or None before `v`."""
        return None if self.anchor is None else spanning(self.anchor, self.unit(words))

    def toggled(self, words: WordIndex) -> Caret:
        """`v`: start a selection on the cursor's unit, or drop the one there is."""
        return replace(self, anchor=None if self.anchor is not None else self.unit(words))

    def without_selection(self) -> Caret:
        """The same cursor, nothing selected."""
        return replace(self, anchor=None)

    def moved_to(self, point: int, *, word_mode: bool) -> Caret:
        """The cursor at `point` (kept inside the passage); a selection follows it."""
        point = min(max(point, self.low), max(self.high - 1, self.low))
        return replace(self, point=point, word_mode=word_mode)

    def next_word(self, words: WordIndex) -> Caret | None:
        """`w`: the start of the next word in the passage (None: there is none)."""
        word = words.next_word(self.point)
        if word is None or word[0] >= self.high:
            return None
        return self.moved_to(word[0], word_mode=True)

    def previous_word(self, words: WordIndex) -> Caret | None:
        """`b`: the start of this word, else of the previous one in the passage."""
        word = words.previous_word(self.point)
        if word is None or word[0] < self.low:
            return None
        return self.moved_to(word[0], word_mode=True)

    def word_end(self, words: WordIndex) -> Caret | None:
        """`e`: the last character of this word, else of the next one (a selection then
        takes that word whole)."""
        end = words.end_of_word(self.point)
        if end is None or end >= self.high:
            return None
        return self.moved_to(end, word_mode=True)

    def step(self, delta: int) -> Caret | None:
        """`h`/`l`: one character back or forward (None at the passage's edge)."""
        point = self.point + delta
        if not self.low <= point < self.high:
            return None
        return self.moved_to(point, word_mode=False)
