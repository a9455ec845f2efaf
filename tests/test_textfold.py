"""Folding text for tolerant matching, and mapping folded offsets back to the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.textfold import fold

TYPOGRAPHY = "ab \n\n\u00a0\t\u2018\u2019\u201c\u201d\u2013\u2014\u2026.-'\""


def test_fold_makes_typographic_variants_equal() -> None:
    curly = "\u201cWe agreed\u2026\u201d \u2014 he said,\u00a0hard\nwrapped,\n\nand split"
    straight = '"We agreed..." - he said, hard wrapped, and split'
    assert fold(curly).text == fold(straight).text == straight


def test_a_folded_match_maps_back_to_exact_original_offsets() -> None:
    body = "He said \u201cwe\u00a0have\n\nher\u2026\u201d and left."
    folded = fold(body)
    start = folded.text.index('"we have her..."')
    end = start + len('"we have her..."')
    assert body[folded.original_start(start) : folded.original_end(end)] == (
        "\u201cwe\u00a0have\n\nher\u2026\u201d"
    )


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=TYPOGRAPHY, max_size=60), data=st.data())
def test_offsets_round_trip_through_the_fold(text: str, data) -> None:
    folded = fold(text)
    start = data.draw(st.integers(0, len(folded.text)))
    end = data.draw(st.integers(start, len(folded.text)))
    original_start, original_end = folded.original_start(start), folded.original_end(end)
    assert 0 <= original_start <= len(text) and 0 <= original_end <= len(text)
    # The original span covers the folded one (all of a run it cuts into, such as "…").
    assert folded.text[start:end] in fold(text[original_start:original_end]).text
    assert folded.folded_offset(original_start) <= start
