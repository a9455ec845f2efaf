"""Word boundaries in any script (annotations/words.py) and the Chinese segmenter."""

from __future__ import annotations

import pytest

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
