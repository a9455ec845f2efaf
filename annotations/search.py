"""Full-text search over every body of a collection.

All bodies are joined into one string (separated by NUL, which never occurs in a
normalised body), so a query is a few C-level scans of one string instead of thousands of
small searches. A query's result counts its hits per article at once but builds the hit
objects only as they are read: a word like "Vietnam" has over 100,000 hits in 10,000
articles, and making an object for each cost four times as much as finding them.

Regular expressions use the `regex` module (the syntax of Python's `re`, plus `\\p{…}`
classes): it is several times faster than `re` on patterns without a literal start or
with `\\b`, and it lets go of the interpreter while it scans, so a long search does not
freeze the TUI. In a collection whose digits are all 0-9, `\\d` is scanned as `[0-9]`,
which `regex` does four times faster than the Unicode class.
"""

from __future__ import annotations

import contextlib
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import TYPE_CHECKING, overload

from annotations.errors import InvalidQueryError
from annotations.search_query import BooleanQuery, is_boolean, parse_boolean

if TYPE_CHECKING:
    import regex

CONTEXT_CHARS = 40
# Bodies searched at once by `search_in_batches` (characters): bounds the memory of a search.
SEARCH_BATCH_CHARS = 4_000_000
SEPARATOR = "\x00"
_KELVIN_SIGN = "\u212a".encode()  # the one non-ASCII character `fold_case` makes ASCII
_UNFOLDABLE_ESCAPE = re.compile(r"\\[xuUNpP0-9]")
_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+", re.DOTALL)
_DIGIT_ESCAPE = re.compile(r"\\[dD]")
# Whitespace as `str.isspace` sees it (the same class for `re` on str patterns).
_FIRST_SPACE = re.compile(r"\s")
_SPACES = re.compile(r"\s*")
_THROUGH_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
# An inline flag group turning case-insensitivity on or off, e.g. "(?-i:US)".
_CASE_FLAG = re.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*i")
# Patterns that look at where a text starts or ends (anchors, lookarounds): searched in each
# body on its own, so the separators between bodies cannot be seen.
_LOOKS_AT_EDGES = re.compile(r"[\^$]|\\[AZzG]|\(\?<?[=!]")
# Where a pattern's brackets cannot be followed by a simple scan (nested sets, POSIX classes).
_COMPLEX_CLASSES = re.compile(r"\[\[|\[:|\(\?[a-zA-Z]*V")

Span = tuple[int, int]
_SPAN = re.Match.span


@dataclass(slots=True)
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

    def context_parts(self) -> tuple[str, str, str]:
        """The text before the match, the match, and the text after it (see `context`)."""
        return self._index.context_parts(self._base, self.start, self.end)

    def to_dict(self) -> dict[str, object]:
        """The keys of `newsmark search --json`."""
        return {
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "context": self.context,
        }


@dataclass(slots=True)
class _ArticleMatches:
    """The hits in one article: how many, and their spans in the joined text once found."""

    position: int
    count: int
    spans: list[Span] | None


class SearchResults(Sequence[SearchHit]):
    """The hits of one query in article, then offset, order.

    A sequence of `SearchHit` (at most `limit` of them) built as it is read. `total` is the
    number of hits found and `counts()` the hits per article, neither building any hit.
    Literal queries always count every hit; a regex search stops at `limit`, and then
    `complete` is False: there may be more hits than `total`.
    """

    def __init__(
        self,
        index: SearchIndex,
        matches: list[_ArticleMatches],
        *,
        complete: bool,
        limit: int | None,
        find_spans: Callable[[int, int], list[Span]] | None = None,
    ) -> None:
        self._index = index
        self._matches = matches
        self._find_spans = find_spans
        self._ends = list(accumulate(match.count for match in matches))
        self.total = self._ends[-1] if self._ends else 0
        self._length = self.total if limit is None else min(self.total, limit)
        self.complete = complete

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, item: int) -> SearchHit: ...

    @overload
    def __getitem__(self, item: slice) -> list[SearchHit]: ...

    def __getitem__(self, item: int | slice) -> SearchHit | list[SearchHit]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(self._length))]
        if item < 0:
            item += self._length
        if not 0 <= item < self._length:
            raise IndexError("search hit index out of range")
        group = bisect_right(self._ends, item)
        before = self._ends[group - 1] if group else 0
        return self._hit(self._matches[group], item - before)

    def __iter__(self) -> Iterator[SearchHit]:
        remaining = self._length
        for match in self._matches:
            if remaining <= 0:
                return
            yield from self._hits(match, min(match.count, remaining))
            remaining -= match.count

    def __repr__(self) -> str:
        return f"SearchResults({self._length} hits in {len(self._matches)} articles)"

    def by_article(self) -> Iterator[tuple[str, str, int, int, list[Span]]]:
        """(article, text, base, body_end, spans) of each article with hits: its body is
        `text[base:body_end]` (`text` is the joined text of the batch) and `spans` are its
        hits in `text` (the first `len(self)` hits in all), found without building the hit
        objects (for printing many)."""
        index, remaining = self._index, self._length
        for match in self._matches:
            if remaining <= 0:
                return
            base, body_end = index.body_range(match.position)
            if match.spans is None:
                assert self._find_spans is not None, "counted hits need a way to find their spans"
                match.spans = self._find_spans(base, body_end)
            spans = match.spans if match.count <= remaining else match.spans[:remaining]
            yield index.article_ids[match.position], index.text, base, body_end, spans
            remaining -= match.count

    def counts(self) -> dict[str, int]:
        """Hits per article id (every hit counted, not only the first `limit`)."""
        ids = self._index.article_ids
        return {ids[match.position]: match.count for match in self._matches}

    def _hit(self, match: _ArticleMatches, number: int) -> SearchHit:
        return next(self._hits(match, 1, first=number))

    def _hits(self, match: _ArticleMatches, count: int, first: int = 0) -> Iterator[SearchHit]:
        """`count` hits of one article, from its `first`-th on."""
        base, end = self._index.body_range(match.position)
        if match.spans is None:
            assert self._find_spans is not None, "counted hits need a way to find their spans"
            match.spans = self._find_spans(base, end)
        article, index = self._index.article_ids[match.position], self._index
        for start, stop in match.spans[first : first + count]:
            yield SearchHit(article, start - base, stop - base, index, base)


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
        self._ascii_digits: bool | None = None

    @property
    def article_ids(self) -> list[str]:
        """The indexed articles, in the order their bodies are joined."""
        return self._ids

    @property
    def text(self) -> str:
        """Every body, joined by `SEPARATOR` (empty until `fill_missing`)."""
        return self._text

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
            # Lower-cased body by body: an ASCII body takes `str.lower`'s fast path, which
            # the joined text loses as soon as one body is not ASCII (4 times slower).
            self._folded = SEPARATOR.join([fold_case(part) for part in parts])
            self._pending = []
            self._built = True

    def body_range(self, position: int) -> Span:
        """Where the body of the `position`-th article lies in the joined text."""
        following = position + 1
        end = self._starts[following] - 1 if following < len(self._starts) else len(self._text)
        return self._starts[position], end

    def search(
        self,
        query: str,
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        article_ids: set[str] | None = None,
        limit: int | None = None,
    ) -> SearchResults:
        """Matches in article order; `InvalidQueryError` for an empty query or a bad regex."""
        if not query:
            raise InvalidQueryError("empty search query")
        positions = self._positions(article_ids)
        if regex:
            pattern, text = self._compile(query, case_sensitive)
            # Asked of the query as typed: `_compile`'s own rewrites are safe either way.
            per_body = bool(_LOOKS_AT_EDGES.search(query))
            return self._regex_results(pattern, text, positions, limit, per_body=per_body)
        text = self._text if case_sensitive else self._folded
        if is_boolean(query):
            boolean = parse_boolean(query)
            return self._boolean_results(boolean, text, case_sensitive, positions, limit)
        needle = query if case_sensitive else fold_case(query)
        return self._literal_results(needle, text, positions, limit)

    def _positions(self, article_ids: set[str] | None) -> range | list[int]:
        if article_ids is None:
            return range(len(self._ids))
        return [i for i, article_id in enumerate(self._ids) if article_id in article_ids]

    def _literal_results(
        self, needle: str, text: str, positions: Iterable[int], limit: int | None
    ) -> SearchResults:
        """Count the needle per body (C speed); spans are found per article on reading.

        Over the whole collection, `find` jumps from one article with a hit to the next, so
        articles without one cost nothing beyond the scan itself.
        """
        matches: list[_ArticleMatches] = []
        if isinstance(positions, range):
            found = text.find(needle)
            while found != -1:
                position = bisect_right(self._starts, found) - 1
                end = self.body_range(position)[1]
                if found + len(needle) <= end:
                    matches.append(_ArticleMatches(position, text.count(needle, found, end), None))
                found = text.find(needle, end + 1)
        else:
            for position in positions:
                start, end = self.body_range(position)
                if count := text.count(needle, start, end):
                    matches.append(_ArticleMatches(position, count, None))
        return SearchResults(
            self,
            matches,
            complete=True,
            limit=limit,
            find_spans=partial(_find_literal, re.compile(re.escape(needle)).finditer, text),
        )

    def _boolean_results(
        self,
        query: BooleanQuery,
        text: str,
        case_sensitive: bool,
        positions: range | list[int],
        limit: int | None,
    ) -> SearchResults:
        """Each term counted like a literal query; an article matches when the query holds
        over the terms it contains, and its hits are the occurrences of those terms."""
        if not case_sensitive:  # "Vietnam OR vietnam" is one term
            query = BooleanQuery(tuple(tuple(map(fold_case, group)) for group in query.groups))
        counts: dict[int, dict[str, int]] = {}
        for term in query.terms:
            for match in self._literal_results(term, text, positions, None)._matches:
                counts.setdefault(match.position, {})[term] = match.count
        matches = [
            _ArticleMatches(position, sum(found.values()), None)
            for position, found in sorted(counts.items())
            if query.matches(found)
        ]
        present = {match.position: counts[match.position] for match in matches}

        def find_spans(start: int, end: int) -> list[Span]:
            terms = present[bisect_right(self._starts, start) - 1]
            return sorted(span for term in terms for span in _find_all(text, term, start, end))

        return SearchResults(self, matches, complete=True, limit=limit, find_spans=find_spans)

    def _regex_results(
        self,
        pattern: regex.Pattern[str],
        text: str,
        positions: range | list[int],
        limit: int | None,
        *,
        per_body: bool,
    ) -> SearchResults:
        """Scan the joined text in one go while matches stay inside their bodies; a pattern
        that looks at a body's edges (anchors, lookarounds), an article filter, or a match
        that runs into the next body switch to scanning body by body."""
        matches: list[_ArticleMatches] = []
        remaining: Sequence[int] = positions
        stopped = False
        if isinstance(positions, range) and not per_body:
            matches, remaining, stopped = self._scan_joined(pattern, text, positions, limit)
        found = sum(match.count for match in matches)
        for position in () if stopped else remaining:
            if limit is not None and found >= limit:
                stopped = True
                break
            start, end = self.body_range(position)
            spans = [(start + a, start + b) for a, b in _non_empty(pattern, text[start:end])]
            if spans:
                matches.append(_ArticleMatches(position, len(spans), spans))
                found += len(spans)
        return SearchResults(self, matches, complete=not stopped, limit=limit)

    def _scan_joined(
        self, pattern: regex.Pattern[str], text: str, positions: range, limit: int | None
    ) -> tuple[list[_ArticleMatches], range, bool]:
        """Non-empty matches in the bodies `positions` from one scan of the joined text,
        grouped by article; the positions still to scan body by body (from the article
        where a match ran into the next body, if one did); whether `limit` stopped it."""
        matches: list[_ArticleMatches] = []
        if not positions:
            return matches, positions, False
        found, stopped = 0, False
        remaining = range(0)
        position, end_of_body = positions[0], self.body_range(positions[0])[1]
        spans: list[Span] = []
        matches.append(_ArticleMatches(position, 0, spans))
        region = (self.body_range(positions[0])[0], self.body_range(positions[-1])[1])
        for match in pattern.finditer(text, *region, concurrent=True):
            start, end = match.span()
            if start > end_of_body:  # into another article: start its group
                position = bisect_right(self._starts, start) - 1
                end_of_body = self.body_range(position)[1]
                spans = []
                matches.append(_ArticleMatches(position, 0, spans))
            if end > end_of_body:  # runs into the next body: go body by body from here
                matches.pop()
                remaining = range(position, positions[-1] + 1)
                break
            if end > start:
                spans.append((start, end))
                found += 1
                if limit is not None and found >= limit:
                    stopped = True
                    break
        for group in matches:
            group.count = len(group.spans or ())
        return [group for group in matches if group.count], remaining, stopped

    def _compile(self, query: str, case_sensitive: bool) -> tuple[regex.Pattern[str], str]:
        """The pattern and the text it runs on (the lower-cased copy when that is safe)."""
        import regex  # only regex searches pay for loading it

        flags = 0 if case_sensitive else regex.IGNORECASE
        try:
            pattern = regex.compile(query, flags)
        except (regex.error, OverflowError) as error:
            raise InvalidQueryError(f"invalid regular expression {query!r}: {error}") from error
        source = query
        if _DIGIT_ESCAPE.search(query) and self._digits_are_ascii():
            # Same matches where every digit is 0-9, and `regex` scans [0-9] 4x faster.
            source = ascii_digit_pattern(query) or query
        if not case_sensitive and (folded := _fold_pattern(source)) is not None:
            # Same matches as IGNORECASE, faster: scan the lower-cased copy.
            return folded, self._folded
        if source != query:
            with contextlib.suppress(regex.error, OverflowError):
                pattern = regex.compile(source, flags)
        return pattern, self._text

    def _digits_are_ascii(self) -> bool:
        """Whether every decimal digit in the collection is one of 0-9 (found out once)."""
        import regex

        with self._lock:
            if self._ascii_digits is None:
                other_digit = regex.compile(r"[^\P{Nd}0-9]")
                self._ascii_digits = other_digit.search(self._text, concurrent=True) is None
            return self._ascii_digits

    def context_parts(self, base: int, start: int, end: int) -> tuple[str, str, str]:
        """Body offsets [start, end) of the article at `base` with up to CONTEXT_CHARS of
        context each side: (before, match, after), newlines as spaces.

        Context cut inside the article starts and ends on whole words, marked by "…".
        """
        start, end = base + start, base + end
        body_end = self.body_range(bisect_right(self._starts, base) - 1)[1]
        low, high, cut_before, cut_after = self._context_bounds(base, body_end, start, end)
        text = self._text
        before = text[low:start]
        after = text[end:high]
        return (
            ("…" + before if cut_before else before).replace("\n", " "),
            text[start:end].replace("\n", " "),
            (after + "…" if cut_after else after).replace("\n", " "),
        )

    def context(self, base: int, start: int, end: int) -> str:
        """The three `context_parts` joined (one string built, for many hits)."""
        body_end = self.body_range(bisect_right(self._starts, base) - 1)[1]
        low, high, cut_before, cut_after = self._context_bounds(
            base, body_end, base + start, base + end
        )
        return (
            ("…" if cut_before else "")
            + self._text[low:high].replace("\n", " ")
            + ("…" if cut_after else "")
        )

    def _context_bounds(
        self, base: int, body_end: int, start: int, end: int
    ) -> tuple[int, int, bool, bool]:
        """Where the context of text[start:end] (in the body text[base:body_end]) begins
        and ends, and whether it was cut (the rule `search_context` follows too).

        A word character is what `\\w` matches in a str pattern: `str.isalnum()` or "_"."""
        text = self._text
        low = start - CONTEXT_CHARS
        cut_before = low > base
        if not cut_before:
            low = base
        elif ((char := text[low - 1]).isalnum() or char == "_") and (
            (char := text[low]).isalnum() or char == "_"
        ):  # a word cut: from the next space
            space = _FIRST_SPACE.search(text, low, start)
            low = space.end() if space is not None else low
        else:
            low = _SPACES.match(text, low, start).end()  # type: ignore[union-attr]
        high = end + CONTEXT_CHARS
        cut_after = high < body_end
        if not cut_after:
            high = body_end
        elif ((char := text[high - 1]).isalnum() or char == "_") and (
            (char := text[high]).isalnum() or char == "_"
        ):  # a word cut: to the last space
            through_space = _THROUGH_LAST_SPACE.match(text, end, high)
            high = through_space.end() - 1 if through_space is not None else high
        else:
            high = end + len(text[end:high].rstrip())
        return low, high, cut_before, cut_after


def _non_empty(pattern: regex.Pattern[str], text: str) -> Iterator[Span]:
    """Spans of the non-empty matches of `pattern` in `text`."""
    for match in pattern.finditer(text, concurrent=True):
        span = match.span()
        if span[1] > span[0]:
            yield span


def fold_case(text: str) -> str:
    """`text` lower-cased character by character, so offsets stay the same.

    `str.lower` turns "İ" (U+0130, the only such character) into two characters; it is
    kept as it is, so an article containing "İstanbul" is still searched case-insensitively.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if char == "\u0130" else char.lower() for char in text)


def _fold_pattern(pattern: str) -> regex.Pattern[str] | None:
    """`pattern` lower-cased for matching lower-cased text, or None when that is not safe.

    Letters are lower-cased except in escapes (`\\W` and `\\w` differ); patterns naming a
    character by number (`\\x41`, `\\u0041`, octal), using back-references, Unicode
    properties (`\\p{Lu}`) or inline case flags (`(?-i:US)`) keep the slower IGNORECASE scan
    of the original text.
    """
    import regex

    if _UNFOLDABLE_ESCAPE.search(pattern) or _CASE_FLAG.search(pattern):
        return None
    parts = _ESCAPE_OR_TEXT.findall(pattern)
    folded = "".join(part if part.startswith("\\") else fold_case(part) for part in parts)
    try:
        return regex.compile(folded)
    except (regex.error, OverflowError):
        return None


def ascii_digit_pattern(pattern: str) -> str | None:
    """`pattern` with `\\d` written `[0-9]` and `\\D` written `[^0-9]` (and `\\b` before `\\d` as
    `(?<!\\w)`), or None when unchanged or when that cannot be done safely (`\\D` inside
    brackets, nested or POSIX classes).

    Matches the same as `pattern` in any text whose decimal digits are all ASCII.
    """
    if _COMPLEX_CLASSES.search(pattern):
        return None
    out: list[str] = []
    in_class = class_start = changed = False
    tokens = _ESCAPE_OR_TEXT.findall(pattern)
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        after = tokens[index + 2] if index + 2 < len(tokens) else ""
        optional = after.startswith(("*", "?", "{0", "{,"))  # the digit may be absent
        if token in ("\\b", "\\B") and following == "\\d" and not in_class and not optional:
            # Before a digit (a word character) a boundary only asks what precedes it;
            # said as a lookbehind, the scan keeps the speed of [0-9].
            out.append("(?<!\\w)" if token == "\\b" else "(?<=\\w)")
            continue
        if token in ("\\d", "\\D"):
            if in_class and token == "\\D":
                return None
            out.append("0-9" if in_class else "[0-9]" if token == "\\d" else "[^0-9]")
            class_start, changed = False, True
            continue
        if token.startswith("\\"):
            out.append(token)
            class_start = False
            continue
        for char in token:
            if not in_class and char == "[":
                in_class = class_start = True
            elif in_class and class_start and char == "^" and out[-1] == "[":
                pass  # "[^": the class still starts (a "]" next is a literal)
            elif in_class and char == "]" and not class_start:
                in_class = False
            else:
                class_start = False
            out.append(char)
    return "".join(out) if changed else None


def search_in_batches(
    bodies: Iterable[tuple[str, str | None]],
    load_body: Callable[[str], str],
    query: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    limit: int | None = None,
) -> Iterator[SearchResults]:
    """The matches of `query` in (article id, body) pairs, one result per batch of about
    `SEARCH_BATCH_CHARS` characters, so that the first hits come early and memory stays
    bounded. A body given as None is read with `load_body(article_id)`. Literal queries
    count every hit; a regex search stops at `limit`."""
    remaining = limit
    batch: list[tuple[str, str | None]] = []
    size = 0
    for article_id, body in bodies:
        batch.append((article_id, body))
        size += len(body or "")
        if size < SEARCH_BATCH_CHARS:
            continue
        results = _search_batch(batch, load_body, query, regex, case_sensitive, remaining)
        yield results
        batch, size = [], 0
        if remaining is not None:
            remaining = max(0, remaining - len(results))
            if regex and remaining == 0:
                return
    if batch:
        yield _search_batch(batch, load_body, query, regex, case_sensitive, remaining)


def _search_batch(
    bodies: list[tuple[str, str | None]],
    load_body: Callable[[str], str],
    query: str,
    regex: bool,
    case_sensitive: bool,
    limit: int | None,
) -> SearchResults:
    index = SearchIndex(bodies)
    index.fill_missing(load_body)
    return index.search(query, regex=regex, case_sensitive=case_sensitive, limit=limit)


@dataclass(frozen=True, slots=True)
class SearchCounts:
    """The hits per article of one batch of a search, without the hits themselves (what
    `newsmark search --count` prints); counts like `SearchResults`."""

    per_article: dict[str, int]
    complete: bool = True

    @property
    def total(self) -> int:
        """Every hit of the batch."""
        return sum(self.per_article.values())

    def counts(self) -> dict[str, int]:
        """Hits per article id, for the articles with any, in the order searched."""
        return self.per_article


def count_literal(
    bodies: Iterable[tuple[str, str | bytes]], query: str, *, case_sensitive: bool = False
) -> SearchCounts:
    """The non-overlapping occurrences of the literal `query` in each (article id, body),
    counted body by body (no joined text, no spans): the same counts as
    `SearchIndex.search(query)` for a query that is not boolean.

    A body may be given as its UTF-8 bytes when `countable_in_utf8(query, …)`: an ASCII
    needle only ever matches ASCII characters, and the only other character that folds to
    ASCII (the Kelvin sign, to "k") sends its body to the slower count of the text when
    the needle has a "k" (`lowered_bytes_match_folded`)."""
    needle = query if case_sensitive else fold_case(query)
    encoded = needle.encode("utf-8")
    counts: dict[str, int] = {}
    for article, body in bodies:
        if isinstance(body, str):
            found = (body if case_sensitive else fold_case(body)).count(needle)
        elif case_sensitive:
            found = body.count(encoded)
        elif lowered_bytes_match_folded(encoded, body):
            found = body.lower().count(encoded)
        else:
            found = fold_case(body.decode("utf-8")).count(needle)
        if found:
            counts[article] = found
    return SearchCounts(counts)


def count_literal_in_block(
    block: bytes, spans: Iterable[tuple[int, int]], query: str, *, case_sensitive: bool = False
) -> list[int] | None:
    """`count_literal` of bodies that lie in `block` (UTF-8), each given as its (offset,
    length) there: the occurrences in each, in the order given, counted in the block (one
    lower-casing, no bytes object per body). None when the bodies need `count_literal`
    instead: a query that is not `countable_in_utf8`, or a "k" to find in a block holding
    the Kelvin sign."""
    if not countable_in_utf8(query, case_sensitive=case_sensitive):
        return None
    if case_sensitive:
        needle = query.encode("utf-8")
    else:
        needle = fold_case(query).encode("utf-8")
        if not lowered_bytes_match_folded(needle, block):
            return None
        block = block.lower()
    count = block.count
    return [count(needle, at, at + length) for at, length in spans]


def lowered_bytes_match_folded(needle: bytes, data: bytes) -> bool:
    """Whether the folded ASCII `needle` is found in `data.lower()` (UTF-8) just where the
    `fold_case`d text has it: only the Kelvin sign, which `fold_case` makes a "k", is
    missed there, so a needle with a "k" needs text without one."""
    return b"k" not in needle or data.isascii() or _KELVIN_SIGN not in data


def countable_in_utf8(query: str, *, case_sensitive: bool) -> bool:
    """Whether `count_literal` may be given bodies as UTF-8 bytes for this query (and
    `literal_search.find_in_bodies` can search them): its folded form is ASCII."""
    return (query if case_sensitive else fold_case(query)).isascii()


def _find_literal(
    finditer: Callable[[str, int, int], Iterator[re.Match[str]]], text: str, start: int, end: int
) -> list[Span]:
    """Spans of the non-overlapping matches of a literal's `finditer` in text[start:end] (as
    `_find_all` finds them, in one C loop)."""
    return list(map(_SPAN, finditer(text, start, end)))


def _find_all(text: str, needle: str, start: int, end: int) -> Iterator[Span]:
    """Spans of the non-overlapping occurrences of `needle` in text[start:end]."""
    found = text.find(needle, start, end)
    while found != -1:
        yield found, found + len(needle)
        found = text.find(needle, found + len(needle), end)
