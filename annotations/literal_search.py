"""A literal query searched body by body in UTF-8 bodies, for the command line's search
workers.

`SearchIndex` joins the bodies of a batch into one string and a lower-cased copy, which
pays off when a query is asked many times (the TUI) or scans bodies without a hit. A
worker of `newsmark search` asks one query of bodies the full-text index picked, nearly
all of which hold a hit: there the two joins and the lowered copy of every body cost more
than the search. Here each body is lowered and searched as UTF-8 bytes (the needle is
ASCII), and only a body with a hit is decoded. The hits, their offsets and their order
are those of `SearchIndex.search` (`tests/test_literal_search.py` compares them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from annotations.search import Span, countable_in_utf8, fold_case, lowered_bytes_match_folded
from annotations.search_query import is_boolean

_SPAN = re.Match.span


@dataclass(frozen=True, slots=True)
class BodyHits:
    """The hits of one query in a batch of bodies, in the order the bodies were given:
    `search_context.PrintableHits`, as `SearchResults` gives it (every hit printed)."""

    found: list[tuple[str, str, list[Span]]]  # (article, body, spans) of each with hits
    total: int  # every hit of the batch

    @property
    def complete(self) -> bool:
        """Always: a literal's hits are all found (no limit stops this search)."""
        return True

    def __len__(self) -> int:
        return self.total

    def counts(self) -> dict[str, int]:
        """Hits per article id, for the articles with any, in the order searched."""
        return {article: len(spans) for article, _body, spans in self.found}

    def by_article(self) -> Iterator[tuple[str, str, int, int, list[Span]]]:
        """(article, text, base, body_end, spans) of each article with hits, as
        `SearchResults.by_article` gives them: here `text` is the body itself."""
        for article, body, spans in self.found:
            yield article, body, 0, len(body), spans


def searchable_body_by_body(query: str, *, regex: bool, case_sensitive: bool) -> bool:
    """Whether `find_in_bodies` can search this query: a literal (not a boolean query)
    whose folded form is ASCII, so that it can be found in a body's UTF-8 bytes."""
    return (
        bool(query)
        and not regex
        and not is_boolean(query)
        and countable_in_utf8(query, case_sensitive=case_sensitive)
    )


def find_in_bodies(
    bodies: Iterable[tuple[str, bytes]], query: str, *, case_sensitive: bool = False
) -> BodyHits:
    """The non-overlapping occurrences of the literal `query` in each (article id, UTF-8
    body), for a query `searchable_body_by_body` allows.

    The ASCII needle is found in the body's bytes (lowered, for a search that ignores
    case): it can only match ASCII characters, each a byte. Only a body holding the Kelvin
    sign, which `fold_case` makes a "k", is searched in its folded text when the needle
    has a "k" (`lowered_bytes_match_folded`)."""
    needle = query if case_sensitive else fold_case(query)
    encoded = needle.encode("ascii")
    in_bytes = re.compile(re.escape(encoded)).finditer
    found: list[tuple[str, str, list[Span]]] = []
    for article, body in bodies:
        if case_sensitive or lowered_bytes_match_folded(encoded, body):
            spans = list(map(_SPAN, in_bytes(body if case_sensitive else body.lower())))
            if not spans:
                continue
            if body.isascii():  # a byte is a character: the offsets are the text's
                found.append((article, body.decode("ascii"), spans))
            else:
                found.append((article, body.decode("utf-8"), _in_characters(body, spans)))
            continue
        text = body.decode("utf-8")
        if spans := list(map(_SPAN, re.finditer(re.escape(needle), fold_case(text)))):
            found.append((article, text, spans))
    return BodyHits(found, sum(len(spans) for _article, _text, spans in found))


def _in_characters(body: bytes, spans: list[Span]) -> list[Span]:
    """Byte spans of ASCII matches in the UTF-8 `body` as character offsets (the text
    between two matches begins and ends on whole characters, so it decodes alone)."""
    converted: list[Span] = []
    characters = done = 0
    for start, end in spans:
        characters += len(body[done:start].decode("utf-8"))
        converted.append((characters, characters + end - start))
        characters += end - start
        done = end
    return converted
