"""Full-text search over every body of a collection.

All bodies are joined into one string (separated by NUL, which never occurs in a
normalised body), so a query is one `str.find` loop or one regex scan over the whole
collection instead of thousands of small searches.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotations.errors import InvalidQueryError

CONTEXT_CHARS = 40
SEPARATOR = "\x00"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match: the article, the body offsets of the match, and the match in context."""

    article: str
    start: int
    end: int
    context: str

    def to_dict(self) -> dict[str, object]:
        """The keys of `newsmark search --json`."""
        return {"article": self.article, "start": self.start, "end": self.end,
                "context": self.context}


class SearchIndex:
    """Every body joined into one string, with a lower-cased copy for literal queries."""

    def __init__(self, bodies: Iterable[tuple[str, str | None]]) -> None:
        self._pending = list(bodies)
        self._ids: list[str] = []
        self._starts: list[int] = []
        self._text = ""
        self._folded = ""
        self._lock = threading.Lock()
        self._built = False

    def fill_missing(self, load_body: Callable[[str], str]) -> None:
        """Build the joined text, loading bodies the caller did not have (once)."""
        with self._lock:
            if self._built:
                return
            parts: list[str] = []
            offset = 0
            for article_id, body in self._pending:
                text = body if body is not None else load_body(article_id)
                self._ids.append(article_id)
                self._starts.append(offset)
                parts.append(text)
                offset += len(text) + len(SEPARATOR)
            self._text = SEPARATOR.join(parts)
            # lower() keeps offsets only when no character changes length (e.g. "İ").
            folded = [part.lower() if len(part.lower()) == len(part) else part for part in parts]
            self._folded = SEPARATOR.join(folded)
            self._pending = []
            self._built = True

    def search(
        self,
        query: str,
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        article_ids: set[str] | None = None,
        limit: int | None = None,
    ) -> list[SearchHit]:
        """Matches in article order; `InvalidQueryError` for an empty query or a bad regex."""
        if not query:
            raise InvalidQueryError("empty search query")
        if regex:
            spans = self._regex_spans(query, case_sensitive)
        elif case_sensitive:
            spans = _find_all(self._text, query)
        else:
            spans = _find_all(self._folded, query.lower())
        hits: list[SearchHit] = []
        for start, end in spans:
            hit = self._hit(start, end)
            if hit is None or (article_ids is not None and hit.article not in article_ids):
                continue
            hits.append(hit)
            if limit is not None and len(hits) >= limit:
                break
        return hits

    def _regex_spans(self, query: str, case_sensitive: bool) -> Iterable[tuple[int, int]]:
        flags = 0 if case_sensitive else re.IGNORECASE
        try:
            pattern = re.compile(query, flags)
        except re.error as error:
            raise InvalidQueryError(f"invalid regular expression {query!r}: {error}") from error
        spans = (match.span() for match in pattern.finditer(self._text))
        return ((start, end) for start, end in spans if end > start)

    def _hit(self, start: int, end: int) -> SearchHit | None:
        """Map a span of the joined text to a hit; None when it crosses two articles."""
        index = bisect_right(self._starts, start) - 1
        base = self._starts[index]
        body_end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self._text)
        if end > body_end:
            return None
        before = self._text[max(base, start - CONTEXT_CHARS):start]
        after = self._text[end:min(body_end, end + CONTEXT_CHARS)]
        context = " ".join((before + self._text[start:end] + after).split("\n"))
        return SearchHit(self._ids[index], start - base, end - base, context)


def _find_all(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + len(needle))
