"""What an article must contain to match a query: the trigrams the full-text index looks up.

The answer only narrows a search down (the search itself is exact), so it must never rule
out an article that matches. Literal queries need every trigram of their case-folded text.
A regular expression needs the literal runs it cannot match without (outside alternatives,
optional parts and character classes, parsed with Python's own `re` parser); patterns
the `re` parser does not know (`\\p{Han}`), inline flags, and case-insensitive patterns
that are not scanned over the case-folded text get no prefilter and read every article.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from annotations.search import _CASE_FLAG, _fold_pattern, fold_case

MAX_TRIGRAMS = 16
_ZERO_WIDTH = {sre.AT}
_RUN_BREAK = object()


def search_trigrams(query: str, *, regex: bool, case_sensitive: bool) -> list[str]:
    """Trigrams of case-folded text every matching article contains ([] = no prefilter)."""
    if not regex:
        return _trigrams([fold_case(query)])
    if _CASE_FLAG.search(query) or re.search(r"\(\?[a-zA-Z]", query):
        return []
    if not case_sensitive and _fold_pattern(query) is None:
        return []  # scanned with IGNORECASE over the original text
    try:
        parsed = sre_parse.parse(query)
    except (re.error, OverflowError, RecursionError):
        return []
    runs: list[str] = []
    _literal_runs(parsed, runs)
    return _trigrams([fold_case(run) for run in runs])


def _literal_runs(items: object, runs: list[str]) -> None:
    """Append to `runs` the strings of consecutive literals a match must contain."""
    current: list[str] = []

    def close() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    for op, value in items:  # type: ignore[attr-defined]
        if op is sre.LITERAL:
            current.append(chr(value))
        elif op in _ZERO_WIDTH:
            continue  # \b, ^ …: nothing consumed, the literals on both sides stay adjacent
        elif op is sre.SUBPATTERN and not value[1] and not value[2]:
            close()
            _literal_runs(value[3], runs)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] >= 1:
            close()
            _literal_runs(value[2], runs)
        else:
            close()
    close()


def _trigrams(runs: list[str]) -> list[str]:
    """Distinct trigrams of the runs, at most `MAX_TRIGRAMS`, spread over them."""
    found: list[str] = []
    for run in runs:
        if "\x00" in run:
            return []
        for start in range(len(run) - 2):
            trigram = run[start : start + 3]
            if trigram not in found:
                found.append(trigram)
    if len(found) <= MAX_TRIGRAMS:
        return found
    step = len(found) / MAX_TRIGRAMS
    return [found[int(i * step)] for i in range(MAX_TRIGRAMS)]
