"""The caret inside one passage and the selection rule shared with the reader
(annotations/caret.py), and the word moves it uses (annotations/words.py)."""

from __future__ import annotations

from annotations.caret import Caret, spanning
from annotations.words import WordIndex

TEXT = "Xi said: more practical cooperation, now."


def _caret_word(caret: Caret, words: WordIndex) -> str:
    start, end = caret.unit(words)
    return TEXT[start:end]


def test_spanning_takes_either_order() -> None:
    assert spanning((10, 14), (2, 4)) == (2, 14)
    assert spanning((2, 4), (10, 14)) == (2, 14)


def test_word_within_stays_inside_its_passage() -> None:
    words = WordIndex(TEXT)
    more = TEXT.index("more")
    assert words.word_within(more, 0, len(TEXT)) == (more, more + 4)
    assert words.word_within(more - 2, 0, more - 1) is None  # the next word is outside


def test_end_of_word_is_vims_e() -> None:
    words = WordIndex(TEXT)
    more = TEXT.index("more")
    assert words.end_of_word(more) == more + 3  # the last letter of this word
    assert words.end_of_word(more + 3) == TEXT.index("practical") + 8  # then the next word's
    assert words.end_of_word(len(TEXT) - 2) is None


def test_word_moves_and_a_selection_leave_out_punctuation() -> None:
    words = WordIndex(TEXT)
    caret = Caret.at_start(0, len(TEXT))
    for _ in range(2):  # Xi -> said -> more
        moved = caret.next_word(words)
        assert moved is not None
        caret = moved
    assert _caret_word(caret, words) == "more"
    caret = caret.toggled(words)
    for _ in range(2):
        moved = caret.next_word(words)
        assert moved is not None
        caret = moved
    selection = caret.selection(words)
    assert selection is not None and TEXT[slice(*selection)] == "more practical cooperation"
    ended = caret.word_end(words)
    assert ended is not None
    stepped = ended.step(1)
    assert stepped is not None
    selection = stepped.selection(words)
    assert selection is not None and TEXT[slice(*selection)] == "more practical cooperation,"
    assert stepped.toggled(words).selection(words) is None


def test_moves_never_leave_the_passage() -> None:
    words = WordIndex(TEXT)
    low, high = TEXT.index("more"), TEXT.index("cooperation") - 1  # "more practical"
    caret = Caret.at_start(low, high)
    assert caret.previous_word(words) is None
    assert caret.step(-1) is None
    caret = caret.next_word(words) or caret
    assert _caret_word(caret, words) == "practical"
    assert caret.next_word(words) is None  # "cooperation" is another passage's
    assert caret.word_end(words) is not None
    last = Caret(low, high, high - 1)
    assert last.step(1) is None
    assert last.moved_to(high + 5, word_mode=False).point == high - 1
