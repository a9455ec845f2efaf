"""Counting words shown in the UI."""

from tui.wording import count_noun


def test_count_noun() -> None:
    assert count_noun(1, "quote") == "1 quote"
    assert count_noun(0, "quote") == "0 quotes"
    assert count_noun(1200, "article") == "1,200 articles"
    assert count_noun(2, "match", "matches") == "2 matches"
