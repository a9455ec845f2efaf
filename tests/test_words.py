"""Word boundaries in any script (annotations/words.py) and the Chinese segmenter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.chinese import load_segmenter
from annotations.words import WordIndex, step_spans, word_spans

CHINESE = "中越双方要维护南海和平稳定，加强安全合作。"


def _words(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_words_leave_out_punctuation_and_keep_inner_hyphens() -> None:
    text = "Win-win, China's “more practical” cooperation."
    assert _words(text, word_spans(text)) == [
        "Win-win",
        "China's",
        "more",
        "practical",
        "cooperation",
    ]


def test_chinese_without_a_segmenter_steps_by_character() -> None:
    assert _words("维护南海", word_spans("维护南海")) == ["维", "护", "南", "海"]


def test_chinese_with_jieba_splits_real_words() -> None:
    segmenter = load_segmenter()
    if segmenter is None:
        pytest.skip("jieba is not installed")
    words = _words(CHINESE, word_spans(CHINESE, segmenter))
    assert "南海" in words and "和平" in words and "维护" in words
    assert "维护南海和平稳定" not in words  # never a whole clause
    assert "，" not in words and "。" not in words


def test_japanese_kana_and_thai_step_by_character_latin_stays_whole() -> None:
    text = "Tokyo ですね"
    assert _words(text, word_spans(text)) == ["Tokyo", "で", "す", "ね"]
    assert _words("สวัสดี", word_spans("สวัสดี")) == list("สวัสดี")


def test_steps_carry_their_punctuation_without_overlap() -> None:
    text = "He said (Xinhua) “yes.” 稳定，加强"
    steps = _words(text, step_spans(text, word_spans(text)))
    assert steps == ["He", "said", "(Xinhua)", "“yes.”", "稳", "定，", "加", "强"]


def test_word_moves() -> None:
    text = "The mayor spoke, loudly."
    words = WordIndex(text)
    assert words.word_at(5) == (4, 9)
    assert words.word_at(3) == (4, 9)  # a space: the next word
    assert words.next_word(4) == (10, 15)
    assert words.next_word(17) is None
    assert words.previous_word(10) == (4, 9)
    assert words.previous_word(12) == (10, 15)  # inside a word: its start, like vim's b
    assert words.previous_word(0) is None


def test_snap_counts_punctuation_runs_as_pieces() -> None:
    words = WordIndex("The mayor spoke, loudly.")
    assert words.snap(11, 16) == (10, 16)  # "poke," with its comma, as dragged
    assert words.snap(11, 14) == (10, 15)  # "pok" -> "spoke" without the comma


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one character on screen, five here
CLUSTERED = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            "b",
            " ",
            ".",
            "中",
            "\u0301",
            "\u200d",
            "\U0001f468",
            "\U0001f600",
            "\ufe0f",
            "\U0001f1e8",
            "\U0001f1f3",
            "\U0001f3fd",
            "-",
        ]
    ),
    max_size=30,
)


def _boundaries(text: str) -> set[int]:
    import regex

    return {0, len(text)} | {m.start() for m in regex.finditer(r"\X", text)}


@settings(max_examples=400, deadline=None)
@given(text=CLUSTERED)
def test_no_word_piece_or_step_ends_inside_a_grapheme_cluster(text: str) -> None:
    """(Found by a tester.) `w` and `l` stopped inside an emoji joined by U+200D, so a
    quote ended on a dangling joiner."""
    index = WordIndex(text)
    boundaries = _boundaries(text)
    for starts, ends in (
        (index.starts, index.ends),
        (index._piece_starts, index._piece_ends),
        (index._step_starts, index._step_ends),
    ):
        assert set(starts) | set(ends) <= boundaries, text
        assert all(a < b for a, b in zip(starts, ends, strict=True))
    for starts, ends in ((index.starts, index.ends), (index._step_starts, index._step_ends)):
        assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_the_word_cursor_and_the_selection_take_an_emoji_sequence_whole() -> None:
    text = f"English and 中文 text 😀{FAMILY} with emoji."
    index = WordIndex(text)
    visited, at = [], text.index("and")
    while (word := index.next_word(at)) is not None:  # `w`, as the tester pressed it
        visited.append(text[word[0] : word[1]])
        at = word[0]
    assert visited == ["中", "文", "text", FAMILY, "with", "emoji"]
    ends, end = [], text.index("and") + 3
    while (end := index.next_end(end)) is not None:  # `l`
        ends.append(text[text.index("and") : end])
    assert f"and 中文 text 😀{FAMILY}" in ends
    assert not any(quote.endswith(("\u200d", "\U0001f468")) for quote in ends)
