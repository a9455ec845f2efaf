"""Finding a remembered quote in a changed body: one ranked search over every candidate.

Candidates are the exact occurrences of the quote and approximate matches near the places
where parts of the quote or of its remembered context still occur, and near its old
position. All of it happens on folded text (`annotations.textfold`: whitespace, quote
marks, dashes and ellipses made equal), and the result is mapped back to exact offsets.

Each candidate is scored by how similar its text is to the quote, how similar the text
before and after it is to the remembered prefix and suffix, and how near it is to the old
position. The best one is returned only if it is good enough: a quote that was rewritten
or deleted gives None rather than whatever passage happens to be least unlike it. An
approximate match comes with the same span without stretches at its ends that only chance
aligned with the quote, and, for a quote without a paragraph break, with its parts between
paragraph breaks: the scores choose, so a match does not take in a neighbouring sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Opcode

from annotations.textfold import Folded, fold_body, fold_text

QUOTE_WEIGHT = 50.0
PREFIX_WEIGHT = 20.0
SUFFIX_WEIGHT = 20.0
POSITION_WEIGHT = 8.0
_TOTAL_WEIGHT = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT

# The minimum: how well the context must still match (mean of prefix and suffix, 0..1)
# for a candidate whose text is at least this similar to the quote. Below the last, or
# with less context, the annotation is orphaned.
REQUIRED_CONTEXT = ((0.95, 0.0), (0.85, 0.5), (0.7, 0.8))
# Quotes shorter than this (folded) are attached approximately only in a matching context.
SHORT_QUOTE = 24
SHORT_QUOTE_CONTEXT = 0.5
QUOTE_WITH_CONTEXT = REQUIRED_CONTEXT[-1][0]
# The quote similarity of a candidate equal to the quote only once folded: just below that
# of the quote itself, so that of two otherwise equal candidates the unchanged one wins.
FOLDED_EXACT = 0.999
# A candidate that is not the quote (folded) may outrank one that is only if it is this
# similar to the quote, or this similar and either in a context matching much better or,
# in as good a context, at the old place while the exact copy is elsewhere: a near match
# in the original context, not a passage merely nearby.
NEAR_OVER_EXACT = 0.9
NEAR_IN_CONTEXT = 0.75
CONTEXT_MARGIN = 0.4
AT_OLD_PLACE = 0.9  # position score (1 at the old start, falling off over quote lengths)
# Limits that keep the search fast on long bodies and very common quotes.
MAX_EXACT = 500
MAX_PIECE_HITS = 20
MAX_REGIONS = 12
ANCHOR_CHARS = 12
# Aligned stretches shorter than this at the ends of an alignment are chance matches.
MIN_BLOCK = 3
CONTEXT_CHARS = 32


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where the quote was found (original offsets) and how well each part matched (0–1)."""

    start: int
    end: int
    quote: float
    prefix: float
    suffix: float
    position: float
    score: float

    @property
    def context(self) -> float:
        """The mean of the prefix and suffix similarities."""
        return (self.prefix + self.suffix) / 2


@dataclass(frozen=True, slots=True)
class _Query:
    """The folded quote and context being looked for, and where the quote used to begin."""

    quote: str
    prefix: str
    suffix: str
    hint: int
    word_start: bool  # the quote began at a word boundary
    word_end: bool


def _similarity(a: str, b: str) -> float:
    """Indel similarity of two strings, 0..1 (1 for two empty strings)."""
    return fuzz.ratio(a, b) / 100.0


def _context_similarity(stored: str, around: str) -> float:
    """How similar the remembered context is to the text now beside a candidate.

    An empty stored context means the quote was at the edge of the body: a candidate also
    at the edge matches fully, any other one half.
    """
    if not stored:
        return 1.0 if not around else 0.5
    return _similarity(stored, around)


def _occurrences(text: str, needle: str, limit: int) -> list[int]:
    """Up to `limit` start offsets of (possibly overlapping) occurrences of `needle`."""
    found: list[int] = []
    position = text.find(needle)
    while position != -1 and len(found) < limit:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _is_boundary(text: str, offset: int) -> bool:
    """Whether a span may start or end at `offset` without cutting a word in two."""
    return not (0 < offset < len(text) and text[offset - 1].isalnum() and text[offset].isalnum())


class _Search:
    """One search for one quote in one folded body."""

    def __init__(self, body: str, quote: str, folded: Folded, query: _Query) -> None:
        self.body = body
        self.quote = quote
        self.folded = folded
        self.text = folded.text
        self.query = query

    # Candidate regions ---------------------------------------------------------------

    def _piece_regions(self) -> list[int]:
        """Likely quote starts voted for by exact occurrences of pieces of the quote."""
        quote = self.query.quote
        count = max(2, min(8, len(quote) // 12))
        size = max(4, len(quote) // count)
        votes = Counter[int]()
        bucket = max(8, len(quote) // 4)
        for offset in range(0, len(quote) - size + 1, size):
            piece = quote[offset : offset + size]
            hits = _occurrences(self.text, piece, MAX_PIECE_HITS + 1)
            if len(hits) > MAX_PIECE_HITS:
                continue  # too common to say where the quote is
            for key in {(hit - offset) // bucket for hit in hits}:
                votes[key] += 1
        return [key * bucket for key, _ in votes.most_common(MAX_REGIONS // 2)]

    def _context_regions(self) -> list[int]:
        """Likely quote starts next to exact occurrences of the ends of the context."""
        query, starts = self.query, []
        length = len(query.quote)
        if len(query.prefix) >= ANCHOR_CHARS:
            tail, head = query.prefix[-ANCHOR_CHARS:], query.prefix[:ANCHOR_CHARS]
            starts += [hit + ANCHOR_CHARS for hit in _occurrences(self.text, tail, 4)]
            starts += [hit + len(query.prefix) for hit in _occurrences(self.text, head, 4)]
        if len(query.suffix) >= ANCHOR_CHARS:
            head, tail = query.suffix[:ANCHOR_CHARS], query.suffix[-ANCHOR_CHARS:]
            starts += [hit - length for hit in _occurrences(self.text, head, 4)]
            starts += [
                hit + ANCHOR_CHARS - len(query.suffix) - length
                for hit in _occurrences(self.text, tail, 4)
            ]
        return starts

    def _regions(self) -> list[int]:
        """Approximate quote starts worth aligning, without near-duplicates."""
        seen: list[int] = []
        slack = self._slack()
        for start in [self.query.hint, *self._context_regions(), *self._piece_regions()]:
            if all(abs(start - other) > slack for other in seen):
                seen.append(start)
            if len(seen) >= MAX_REGIONS:
                break
        return seen

    def _slack(self) -> int:
        """How far the ends of an approximate match may be from where alignment put them."""
        return min(24, max(4, len(self.query.quote) // 5))

    # Aligning and scoring --------------------------------------------------------------

    def _align(self, around: int) -> list[tuple[int, int]]:
        """Approximate matches of the quote beginning near `around` (folded).

        The quote is aligned with a window around that place (Indel alignment, in C); the
        span runs from the first to the last stretch of at least `MIN_BLOCK` aligned
        characters, extended by the quote characters before and after them. A stretch at
        either end cut off from the rest by more new text than it is long (a "China" in
        the sentence before the quote's own) may be chance: then the span without it is a
        candidate too, and the scores of the two decide.
        """
        quote, slack = self.query.quote, self._slack()
        low = max(0, around - 2 * slack)
        high = min(len(self.text), around + len(quote) + 2 * slack)
        if high <= low:
            return []
        blocks = [
            op
            for op in Indel.opcodes(quote, self.text[low:high])
            if op.tag == "equal" and op.src_end - op.src_start >= min(MIN_BLOCK, len(quote))
        ]
        spans: list[tuple[int, int]] = []
        for first, last in {(0, len(blocks) - 1), _core(blocks)}:
            if last < first:
                continue
            start = max(low, low + blocks[first].dest_start - blocks[first].src_start)
            end = min(high, low + blocks[last].dest_end + len(quote) - blocks[last].src_end)
            if end <= start or _similarity(quote, self.text[start:end]) < QUOTE_WITH_CONTEXT:
                continue
            span = self._best_bounds(start, end)
            if span is not None:
                spans.append(span)
        return spans

    def _best_bounds(self, start: int, end: int) -> tuple[int, int] | None:
        """Near [start, end), the span (not cutting words) most similar to the quote."""
        text, quote, slack = self.text, self.query.quote, self._slack()
        starts = [
            i
            for i in range(max(0, start - slack), min(len(text), start + slack) + 1)
            if i < len(text)
            and not text[i].isspace()
            and (not self.query.word_start or _is_boundary(text, i))
        ]
        ends = [
            i
            for i in range(max(0, end - slack), min(len(text), end + slack) + 1)
            if i > 0
            and not text[i - 1].isspace()
            and (not self.query.word_end or _is_boundary(text, i))
        ]
        best: tuple[float, int, int, int] | None = None
        for a in starts:
            for b in ends:
                if a < b:
                    key = (fuzz.ratio(quote, text[a:b]), -abs(a - start) - abs(b - end), a, b)
                    if best is None or key > best:
                        best = key
        return None if best is None else (best[2], best[3])

    def score(self, start: int, end: int) -> QuoteMatch:
        """The candidate at original offsets [start, end), scored on its folded text."""
        query, text = self.query, self.text
        fstart, fend = self.folded.folded_offset(start), self.folded.folded_offset(end)
        found = text[fstart:fend]
        if found == query.quote:
            quote = 1.0 if self.body[start:end] == self.quote else FOLDED_EXACT
        else:
            quote = min(_similarity(query.quote, found), FOLDED_EXACT)
        # At least one character each side, to tell a candidate at the edge of the body.
        before, after = max(1, len(query.prefix)), max(1, len(query.suffix))
        prefix = _context_similarity(query.prefix, text[max(0, fstart - before) : fstart])
        suffix = _context_similarity(query.suffix, text[fend : fend + after])
        # Nearness to the old position, falling off over a few quote lengths: a tie-breaker
        # between copies whose text and context match equally well.
        position = 1.0 / (1.0 + abs(fstart - query.hint) / (len(query.quote) + CONTEXT_CHARS))
        score = (
            QUOTE_WEIGHT * quote
            + PREFIX_WEIGHT * prefix
            + SUFFIX_WEIGHT * suffix
            + POSITION_WEIGHT * position
        ) / _TOTAL_WEIGHT
        return QuoteMatch(start, end, quote, prefix, suffix, position, score)

    def _original(self, start: int, end: int) -> tuple[int, int]:
        """Folded [start, end) as original offsets."""
        return self.folded.original_start(start), self.folded.original_end(end)

    def run(self) -> QuoteMatch | None:
        """The best acceptable candidate, or None."""
        length, quote = len(self.query.quote), self.quote
        spans = {(hit, hit + len(quote)) for hit in _occurrences(self.body, quote, MAX_EXACT)}
        spans.update(
            self._original(hit, hit + length)
            for hit in _occurrences(self.text, self.query.quote, MAX_EXACT)
        )
        for around in self._regions():
            spans.update(self._original(*span) for span in self._align(around))
        if "\n\n" not in quote:
            spans.update(piece for a, b in list(spans) for piece in _paragraphs(self.body, a, b))
        if not spans:
            return None
        hint = self.query.hint
        ranked = sorted(
            ((self.score(a, b), self.folded.folded_offset(a)) for a, b in spans),
            key=lambda item: (-item[0].score, abs(item[1] - hint)),
        )
        best = ranked[0][0]
        exact = next((match for match, _ in ranked if match.quote >= FOLDED_EXACT), None)
        if exact is not None and not _near_beats_exact(best, exact):
            best = exact
        return best if acceptable(best, length) else None


def _core(blocks: list[Opcode]) -> tuple[int, int]:
    """The first and last index of `blocks` (aligned stretches, in order) once stretches at
    either end that are separated from the next one by more unaligned text of the body
    than they are long are left out."""
    first, last = 0, len(blocks) - 1

    def detached(block: Opcode, before: Opcode, after: Opcode) -> bool:
        inserted = (after.dest_start - before.dest_end) - (after.src_start - before.src_end)
        return inserted > block.src_end - block.src_start

    while first < last and detached(blocks[first], blocks[first], blocks[first + 1]):
        first += 1
    while last > first and detached(blocks[last], blocks[last - 1], blocks[last]):
        last -= 1
    return first, last


def _paragraphs(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of `body[start:end]` between paragraph breaks, trimmed of whitespace, when
    it crosses one (else nothing): for a quote without a break, a match must not run into
    the paragraph before or after its own."""
    if "\n\n" not in body[start:end]:
        return []
    pieces: list[tuple[int, int]] = []
    position = start
    for part in body[start:end].split("\n\n"):
        stripped = part.strip()
        if stripped:
            offset = position + part.index(stripped)
            pieces.append((offset, offset + len(stripped)))
        position += len(part) + 2
    return pieces


def _near_beats_exact(near: QuoteMatch, exact: QuoteMatch) -> bool:
    """Whether `near` (ranked first) may win over `exact`, a candidate equal to the quote."""
    if near.quote >= NEAR_OVER_EXACT:
        return True
    if near.quote < NEAR_IN_CONTEXT:
        return False
    return near.context >= exact.context + CONTEXT_MARGIN or (
        near.context >= exact.context and near.position >= AT_OLD_PLACE > exact.position
    )


def acceptable(match: QuoteMatch, quote_length: int) -> bool:
    """Whether a candidate is good enough to attach the annotation to (the minimum score)."""
    if match.quote >= FOLDED_EXACT:
        return True
    for similarity, context in REQUIRED_CONTEXT:
        if match.quote >= similarity:
            if quote_length < SHORT_QUOTE:
                context = max(context, SHORT_QUOTE_CONTEXT)
            return match.context >= context
    return False


def find_quote(body: str, quote: str, prefix: str, suffix: str, hint: int) -> QuoteMatch | None:
    """The best acceptable place for `quote` in `body` (see the module docstring), or None.

    `prefix`/`suffix` are the remembered context and `hint` the quote's old start offset.
    """
    if not quote:
        return None
    folded = fold_body(body)
    query = _Query(
        quote=fold_text(quote),
        prefix=fold_text(prefix),
        suffix=fold_text(suffix),
        hint=folded.folded_offset(min(max(0, hint), len(body))),
        word_start=not (prefix[-1:].isalnum() and quote[:1].isalnum()),
        word_end=not (suffix[:1].isalnum() and quote[-1:].isalnum()),
    )
    return _Search(body, quote, folded, query).run()
