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
from annotations.search_query import is_boolean, parse_boolean

MAX_TRIGRAMS = 16
# The full-text index is asked for at most this many trigrams of one literal run: the ones
# least likely to be common (a trigram in most articles costs the lookup as much as a rare
# one, and narrows nothing down). The search itself stays exact.
LOOKUP_TRIGRAMS = 6
# Letters of English text from the most to the least common (what is not listed counts as
# rarer than all of them); a space (a word's start or end) counts as more common still.
_COMMON = "etaoinsrhldcumfpgwybvkxjqz"
_COMMONNESS = {char: len(_COMMON) - rank for rank, char in enumerate(_COMMON)} | {" ": 35}
_ZERO_WIDTH = {sre.AT}
_RUN_BREAK = object()


TrigramGroups = list[list[list[str]]]


def trigram_groups(query: str, *, regex: bool, case_sensitive: bool) -> TrigramGroups:
    """What an article must contain to match `query`, as an AND of OR groups of trigram
    lists: for every group, every trigram of one of its lists. Boolean queries give one
    group per AND and one list per OR term; a plain query or a regex one group of one list.
    Groups that cannot narrow anything down are left out ([] = every article may match)."""
    if regex or not is_boolean(query):
        groups = [[search_trigrams(query, regex=regex, case_sensitive=case_sensitive)]]
    else:
        groups = [
            [search_trigrams(term, regex=False, case_sensitive=case_sensitive) for term in group]
            for group in parse_boolean(query).groups
        ]
    return [[_rarest(trigrams) for trigrams in group] for group in groups if all(group)]


def _rarest(trigrams: list[str]) -> list[str]:
    """At most `LOOKUP_TRIGRAMS` of the trigrams, the least common-looking first kept (by
    the commonness of their characters in English), in their original order."""
    if len(trigrams) <= LOOKUP_TRIGRAMS:
        return trigrams
    ranked = sorted(trigrams, key=lambda trigram: sum(_COMMONNESS.get(c, 0) for c in trigram))
    kept = set(ranked[:LOOKUP_TRIGRAMS])
    return [trigram for trigram in trigrams if trigram in kept]


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
