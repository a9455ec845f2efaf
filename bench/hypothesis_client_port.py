"""The BASELINE of the anchoring benchmark: the Hypothesis client's anchoring, in Python.

A measurement tool only, never used by newsmark itself. It follows, step by step:

* `src/annotator/anchoring/match-quote.ts` of https://github.com/hypothesis/client
  (`matchQuote`: exact matches if any, else approximate matches with up to
  min(256, len/2) errors, each scored 50·quote + 20·prefix + 20·suffix + 2·position,
  the best returned, with no minimum score);
* `src/annotator/anchoring/html.ts` of the same repository (`anchor`: the
  TextPositionSelector is tried first and kept if the text there equals the quote, then
  the TextQuoteSelector through `matchQuote`, with the old start as the position hint);
* `src/index.ts` of https://github.com/robertknight/approx-string-match-js (Myers'
  bit-parallel approximate search, reporting every end with the lowest error count, and
  the starts found by searching the reversed pattern in the reversed text).

Myers' algorithm is written here with Python's unbounded integers as one bit-vector (the
JavaScript works in 32-bit blocks and skips blocks that cannot match; the results are the
same). JavaScript strings are UTF-16, Python's are code points: only text outside the
Basic Multilingual Plane would count differently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StringMatch:
    """An approximate match: [start, end) of the text with `errors` edits."""

    start: int
    end: int
    errors: int


def _find_match_ends(text: str, pattern: str, max_errors: int) -> list[StringMatch]:
    """Ends (start -1) of the matches with the lowest error count, if at most `max_errors`."""
    if not pattern:
        return []
    length = len(pattern)
    max_errors = min(max_errors, length)
    mask = (1 << length) - 1
    last_row = 1 << (length - 1)
    peq: dict[str, int] = {}
    for index, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << index)
    positive, negative, score = mask, 0, length
    matches: list[StringMatch] = []
    for j, char in enumerate(text):
        eq = peq.get(char, 0)
        xv = eq | negative
        xh = (((eq & positive) + positive) ^ positive) | eq
        ph = negative | (~(xh | positive) & mask)
        mh = positive & xh
        if ph & last_row:
            score += 1
        elif mh & last_row:
            score -= 1
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        positive = mh | (~(xv | ph) & mask)
        negative = ph & xv
        if score <= max_errors:
            if score < max_errors:
                matches.clear()
            matches.append(StringMatch(-1, j + 1, score))
            max_errors = score
    return matches


def approx_search(text: str, pattern: str, max_errors: int) -> list[StringMatch]:
    """approx-string-match's `search`: the lowest-error matches with their starts."""
    reversed_pattern = pattern[::-1]
    found = []
    for match in _find_match_ends(text, pattern, max_errors):
        min_start = max(0, match.end - len(pattern) - match.errors)
        reversed_text = text[min_start : match.end][::-1]
        start = match.end
        for reverse in _find_match_ends(reversed_text, reversed_pattern, match.errors):
            start = min(start, match.end - reverse.end)
        found.append(StringMatch(start, match.end, match.errors))
    return found


def _search(text: str, pattern: str, max_errors: int) -> list[StringMatch]:
    """match-quote.ts `search`: every exact match if there is one, else approximate ones."""
    exact = []
    position = text.find(pattern)
    while position != -1:
        exact.append(StringMatch(position, position + len(pattern), 0))
        position = text.find(pattern, position + 1)
    return exact or approx_search(text, pattern, max_errors)


def _text_match_score(text: str, pattern: str) -> float:
    """match-quote.ts `textMatchScore`."""
    if not pattern or not text:
        return 0.0
    matches = _search(text, pattern, len(pattern))
    return 1 - matches[0].errors / len(pattern)


def match_quote(
    text: str, quote: str, prefix: str, suffix: str, hint: int | None
) -> tuple[int, int] | None:
    """match-quote.ts `matchQuote`: the best-scoring match, or None if there is none."""
    if not quote:
        return None
    max_errors = min(256, len(quote) // 2)  # JS: quote.length / 2, compared with integers
    matches = _search(text, quote, max_errors)
    if not matches:
        return None

    def score(match: StringMatch) -> float:
        quote_score = 1 - match.errors / len(quote)
        prefix_score = (
            _text_match_score(text[max(0, match.start - len(prefix)) : match.start], prefix)
            if prefix
            else 1.0
        )
        suffix_score = (
            _text_match_score(text[match.end : match.end + len(suffix)], suffix) if suffix else 1.0
        )
        position_score = 1.0
        if hint is not None:
            position_score = 1.0 - abs(match.start - hint) / len(text)
        raw = 50 * quote_score + 20 * prefix_score + 20 * suffix_score + 2 * position_score
        return raw / 92

    # JS sorts by score, descending, with a stable sort: the first of equals wins.
    best = max(matches, key=score)
    return best.start, best.end


def hypothesis_anchor(
    body: str, quote: str, prefix: str, suffix: str, start: int, end: int
) -> tuple[int, int] | None:
    """html.ts `anchor` with a TextPositionSelector and a TextQuoteSelector."""
    if body[start:end] == quote:
        return start, end
    return match_quote(body, quote, prefix, suffix, start)
