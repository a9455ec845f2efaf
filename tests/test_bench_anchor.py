"""The anchoring benchmark's tools: the Hypothesis port's search and the outcome rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.anchor_bench import outcome
from bench.hypothesis_client_port import _find_match_ends, hypothesis_anchor


def _best_ends(text: str, pattern: str, max_errors: int) -> list[tuple[int, int]]:
    """Plain dynamic programming: every end with the lowest edit distance (semi-global)."""
    previous = list(range(len(pattern) + 1))
    ends = []
    for j, char in enumerate(text):
        current = [0] * (len(pattern) + 1)
        for i in range(1, len(pattern) + 1):
            current[i] = min(
                previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (pattern[i - 1] != char)
            )
        ends.append((j + 1, current[-1]))
        previous = current
    if not ends:
        return []
    best = min(errors for _, errors in ends)
    return [] if best > max_errors else [(end, e) for end, e in ends if e == best]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text("abc ", max_size=40),
    pattern=st.text("abc ", min_size=1, max_size=90),
    data=st.data(),
)
def test_myers_search_finds_what_the_plain_dynamic_programme_finds(
    text: str, pattern: str, data
) -> None:
    max_errors = data.draw(st.integers(0, len(pattern)))
    found = [(m.end, m.errors) for m in _find_match_ends(text, pattern, max_errors)]
    assert found == _best_ends(text, pattern, max_errors)


def test_the_port_keeps_the_old_position_when_the_quote_is_still_there() -> None:
    body = "one fish, two fish, red fish"
    assert hypothesis_anchor(body, "fish", "two ", ", red", 14, 18) == (14, 18)
    assert hypothesis_anchor("Also " + body, "fish", "two ", ", red", 14, 18) == (19, 23)


def test_outcomes() -> None:
    assert outcome(None, None) == "correct"
    assert outcome((0, 5), None) == "false anchor"
    assert outcome(None, (0, 5)) == "missed"
    assert outcome((1, 6), (0, 5)) == "correct"
    assert outcome((10, 15), (0, 5)) == "silently wrong"
