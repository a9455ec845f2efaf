"""Full-text search over every body of a collection.

All bodies are joined into one string (separated by NUL, which never occurs in a
normalised body), so a query is one `str.find` loop or one regex scan over the whole
collection instead of thousands of small searches.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from annotations.errors import InvalidQueryError

CONTEXT_CHARS = 40
_NUMERIC_ESCAPE = re.compile(r"\\[xuUN0-9]")
_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+", re.DOTALL)
SEPARATOR = "\x00"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match: the article and the body offsets of the match.

    `context` (the match with about 40 characters each side, newlines as spaces) is cut
    from the index only when asked for, so queries with many hits stay fast.
    """

    article: str
    start: int
    end: int
    _index: SearchIndex = field(repr=False, compare=False)
    _base: int = field(repr=False, compare=False)

    @property
    def context(self) -> str:
        """The match with up to CONTEXT_CHARS characters of its article on each side."""
        return self._index.context(self._base, self.start, self.end)

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
        starts, ids = self._starts, self._ids
        index, base, body_end = -1, 0, -1
        for start, end in spans:  # in increasing order: walk the articles alongside
            if start > body_end:
                index = bisect_right(starts, start) - 1
                base, body_end = starts[index], self._body_end(index)
            if end > body_end or (article_ids is not None and ids[index] not in article_ids):
                continue  # crosses into the next article, or not one of the wanted ones
            hits.append(SearchHit(ids[index], start - base, end - base, self, base))
            if limit is not None and len(hits) >= limit:
                break
        return hits

    def _regex_spans(self, query: str, case_sensitive: bool) -> Iterable[tuple[int, int]]:
        try:
            if case_sensitive:
                pattern, text = re.compile(query), self._text
            else:
                pattern, text = re.compile(query, re.IGNORECASE), self._text
        except re.error as error:
            raise InvalidQueryError(f"invalid regular expression {query!r}: {error}") from error
        folded = None if case_sensitive else _fold_pattern(query)
        if folded is not None:
            # Same matches as IGNORECASE, several times faster: scan the lower-cased copy.
            pattern, text = folded, self._folded
        after_boundary = _after_leading_boundary(pattern)
        if after_boundary is not None:
            return self._scan(after_boundary, text, word_start=True)
        return self._scan(pattern, text)

    def _scan(
        self, pattern: re.Pattern[str], text: str, *, word_start: bool = False
    ) -> Iterator[tuple[int, int]]:
        """Non-empty matches; one that runs into the next article is retried within its own.

        With `word_start`, `pattern` is a pattern whose leading `\\b` was removed (see
        `_after_leading_boundary`): only matches starting at a word boundary count.
        """
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start, end = match.span()
            if word_start and start > 0 and _is_word_char(text[start - 1]):
                position = start + 1
                continue
            index = bisect_right(self._starts, start) - 1
            body_end = self._body_end(index)
            if end > body_end:
                for inner in pattern.finditer(text, start, body_end):
                    if inner.end() > inner.start():
                        yield inner.span()
                position = body_end + 1
                continue
            if end > start:
                yield start, end
            position = end if end > start else end + 1

    def _body_end(self, index: int) -> int:
        following = index + 1
        return self._starts[following] - 1 if following < len(self._starts) else len(self._text)

    def context(self, base: int, start: int, end: int) -> str:
        """Body offsets [start, end) of the article at `base`, with context on each side."""
        body_end = self._body_end(bisect_right(self._starts, base) - 1)
        start, end = base + start, base + end
        text = self._text[max(base, start - CONTEXT_CHARS):min(body_end, end + CONTEXT_CHARS)]
        return text.replace("\n", " ")


def _fold_pattern(pattern: str) -> re.Pattern[str] | None:
    """`pattern` lower-cased for matching lower-cased text, or None when that is not safe.

    Letters are lower-cased except in escapes (`\\W` and `\\w` differ); patterns naming a
    character by number (`\\x41`, `\\u0041`, octal) or using back-references keep the
    slower IGNORECASE scan of the original text.
    """
    if _NUMERIC_ESCAPE.search(pattern):
        return None
    parts = _ESCAPE_OR_TEXT.findall(pattern)
    folded = "".join(part if part.startswith("\\") else part.lower() for part in parts)
    try:
        return re.compile(folded)
    except re.error:
        return None


def _after_leading_boundary(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For `\\bword…`, the pattern without its leading `\\b`, else None.

    Python's regex engine finds a literal start quickly but tries `\\b` at every position;
    when the rest starts with a letter or digit that must match, "`\\b` at s" is just "the
    character before s is not a word character", which the caller checks itself.
    """
    source = pattern.pattern
    if not source.startswith("\\b") or len(source) < 3 or not source[2].isalnum():
        return None
    if "|" in source or (len(source) > 3 and source[3] in "*?{"):
        return None
    try:
        return re.compile(source[2:], pattern.flags)
    except re.error:
        return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _find_all(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + len(needle))
