"""The hits of a search with their contexts as `newsmark search` prints them, made in one
loop for a million hits.

`SearchHit.context` (the match with about `CONTEXT_CHARS` characters of its article each
side, cut on whole words, "…" where it was cut, newlines as spaces) works out each hit's
context on its own with regular expressions, and a hit object, its context and its printed
line or JSON object each cost a loop over the hits. Here one loop finds each cut with a few
string methods on the slice it falls in and makes what is printed, newlines made spaces in
that context only (a batch with few hits is mostly text no hit shows). The contexts are the
same strings, character for character (`tests/test_search_context.py` compares them on
tricky text).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from annotations.gc_pause import gc_paused
from annotations.search import CONTEXT_CHARS, Span

ELLIPSIS = "…"


class PrintableHits(Protocol):
    """A batch of hits as `newsmark search` prints it: a `SearchResults`, or the `BodyHits`
    of a literal its workers search body by body (`annotations.literal_search`)."""

    total: int  # every hit of the batch (there may be more than `len` with a limit)
    complete: bool  # False: a limit stopped the search

    def __len__(self) -> int: ...

    def counts(self) -> dict[str, int]:
        """Hits per article id, for the articles with any, in the order searched."""
        ...

    def by_article(self) -> Iterator[tuple[str, str, int, int, list[Span]]]:
        """(article, text, base, body_end, spans): the body is `text[base:body_end]`."""
        ...


def hit_lines(results: PrintableHits) -> bytes:
    """`ARTICLE\\tSTART\\tCONTEXT` lines, one per hit (the first `len(results)`), as UTF-8."""
    with gc_paused():  # the hits' spans: many objects, no cycles
        return "".join(_printed(results, as_json=False)).encode("utf-8")


def hit_dicts(results: PrintableHits) -> list[dict[str, Any]]:
    """`SearchHit.to_dict` of each hit (the first `len(results)`), without the hits."""
    with gc_paused():  # the hits' spans and dicts: many objects, no cycles
        return _printed(results, as_json=True)


def _printed(results: PrintableHits, *, as_json: bool) -> list[Any]:
    """The line (or with `as_json` the dict) of each hit, with its context cut as
    `SearchIndex._context_bounds` cuts it.

    A context cut inside a word (a word character, `str.isalnum()` or "_", on both sides
    of the cut) starts after the first whitespace after the cut and ends at the last one
    before it, if any; cut elsewhere, it leaves out the whitespace at the cut. Whitespace
    is what `str.split()` and `str.strip()` see (`\\s` in `re`); a newline, shown as a
    space, is whitespace either way, so the cuts found in the text are those of the text
    as shown."""
    printed: list[Any] = []
    add = printed.append
    for article, text, base, body_end, spans in results.by_article():
        lead = f"{article}\t"
        for start, end in spans:
            low = start - CONTEXT_CHARS
            if low > base:
                before = ELLIPSIS
                cut = text[low:start]
                if ((char := text[low - 1]).isalnum() or char == "_") and (
                    (char := cut[0]).isalnum() or char == "_"
                ):
                    word = cut.split(None, 1)[0]  # the cut word, to the first whitespace
                    if len(word) < len(cut):
                        low += len(word) + 1
                else:
                    low = start - len(cut.lstrip())
            else:
                before, low = "", base
            high = end + CONTEXT_CHARS
            if high < body_end:
                after = ELLIPSIS
                cut = text[end:high]
                if ((char := text[high]).isalnum() or char == "_") and (
                    (char := cut[-1]).isalnum() or char == "_"
                ):
                    word = cut.rsplit(None, 1)[-1]  # the cut word, from the last whitespace
                    if len(word) < len(cut):
                        high -= len(word) + 1
                else:
                    high = end + len(cut.rstrip())
            else:
                after, high = "", body_end
            shown = text[low:high].replace("\n", " ")
            if as_json:
                context = f"{before}{shown}{after}"
                add(
                    {
                        "article": article,
                        "start": start - base,
                        "end": end - base,
                        "context": context,
                    }
                )
            else:
                add(f"{lead}{start - base}\t{before}{shown}{after}\n")
    return printed
