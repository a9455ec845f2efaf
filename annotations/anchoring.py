"""Locating quotes, creating annotations and re-anchoring them after an article changes.

An annotation remembers its quote, its offsets, up to `CONTEXT_CHARS` characters of text on
each side and the hash of the body it was made on. When the body changes, `reanchor` finds
the quote again: at the same place, at another exact occurrence (chosen by how much of the
remembered context still surrounds it), or approximately (FUZZY, the quote is updated to the
new text). If none of that works the annotation is ORPHANED: kept, never deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace

from rapidfuzz import fuzz

from annotations.article import Article, Span
from annotations.errors import QuoteNotFoundError
from annotations.model import Anchor, Annotation, utc_now
from annotations.tags import normalise_tags, validate_colour

CONTEXT_CHARS = 32
# Minimum similarity (0..100) between the old quote and the new text for a FUZZY anchor.
FUZZY_THRESHOLD = 85.0
# How much longer or shorter (as a ratio) the new text may be than the old quote.
MAX_LENGTH_RATIO = 1.5


def _excerpt(text: str, limit: int = 40) -> str:
    """A one-line excerpt of `text` for error messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def locate_quote(
    body: str, quote: str, occurrence: int = 1, *, article_id: str | None = None
) -> Span:
    """The span of the `occurrence`-th (1-based, non-overlapping) exact match of `quote`."""
    where = f" in article {article_id}" if article_id else ""
    if not quote.strip():
        raise QuoteNotFoundError("the quote is empty")
    if occurrence < 1:
        raise QuoteNotFoundError(f"occurrence must be 1 or more, not {occurrence}")
    found = 0
    position = body.find(quote)
    while position != -1:
        found += 1
        if found == occurrence:
            return Span(position, position + len(quote))
        position = body.find(quote, position + len(quote))
    if found == 0:
        raise QuoteNotFoundError(f"quote not found{where}: “{_excerpt(quote)}”")
    times = "once" if found == 1 else f"only {found} times"
    raise QuoteNotFoundError(
        f"quote occurs {times}{where}, so there is no occurrence {occurrence}: "
        f"“{_excerpt(quote)}”"
    )


def _context(body: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix context around [start, end)."""
    return body[max(0, start - CONTEXT_CHARS) : start], body[end : end + CONTEXT_CHARS]


def new_annotation(
    article: Article,
    start: int,
    end: int,
    *,
    tags: Iterable[str] = (),
    note: str | None = None,
    colour: str | None = None,
) -> Annotation:
    """A new EXACT annotation of `article.body[start:end]`, trimmed of surrounding whitespace."""
    body = article.body
    if not 0 <= start < end <= len(body):
        raise QuoteNotFoundError(
            f"offsets {start}..{end} are outside article {article.id} "
            f"(its body has {len(body)} characters)"
        )
    selected = body[start:end]
    if not selected.strip():
        raise QuoteNotFoundError(f"offsets {start}..{end} select only whitespace")
    start += len(selected) - len(selected.lstrip())
    end -= len(selected) - len(selected.rstrip())
    prefix, suffix = _context(body, start, end)
    now = utc_now()
    return Annotation(
        id=str(uuid.uuid4()),
        article=article.id,
        quote=body[start:end],
        start=start,
        end=end,
        prefix=prefix,
        suffix=suffix,
        body_hash=article.content_hash,
        tags=normalise_tags(tags),
        note=note,
        colour=validate_colour(colour) if colour is not None else None,
        anchor=Anchor.EXACT,
        created=now,
        updated=now,
    )


def _common_prefix_len(a: str, b: str) -> int:
    """How many leading characters `a` and `b` share."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _context_score(annotation: Annotation, body: str, start: int, end: int) -> int:
    """How many remembered context characters still surround [start, end)."""
    prefix, suffix = _context(body, start, end)
    return _common_prefix_len(annotation.prefix[::-1], prefix[::-1]) + _common_prefix_len(
        annotation.suffix, suffix
    )


def _exact_occurrences(body: str, quote: str) -> list[int]:
    """Start offsets of every (possibly overlapping) exact occurrence of `quote`."""
    positions = []
    position = body.find(quote)
    while position != -1:
        positions.append(position)
        position = body.find(quote, position + 1)
    return positions


def _anchored(annotation: Annotation, article: Article, start: int, end: int,
              anchor: Anchor) -> Annotation:
    """The annotation attached to [start, end) of `article` with fresh context."""
    prefix, suffix = _context(article.body, start, end)
    return replace(
        annotation,
        quote=article.body[start:end],
        start=start,
        end=end,
        prefix=prefix,
        suffix=suffix,
        body_hash=article.content_hash,
        anchor=anchor,
    )


def _is_boundary(body: str, offset: int) -> bool:
    """Whether a span may start or end at `offset` without cutting a word in two."""
    return not (0 < offset < len(body) and body[offset - 1].isalnum() and body[offset].isalnum())


def _best_bounds(quote: str, body: str, start: int, end: int) -> Span | None:
    """Near [start, end), the word-aligned span whose text is most similar to `quote`."""
    slack = min(12, max(2, len(quote) // 8))
    starts = [i for i in range(max(0, start - slack), min(len(body), start + slack) + 1)
              if _is_boundary(body, i) and i < len(body) and not body[i].isspace()]
    ends = [i for i in range(max(0, end - slack), min(len(body), end + slack) + 1)
            if _is_boundary(body, i) and i > 0 and not body[i - 1].isspace()]
    candidates = [(a, b) for a in starts for b in ends if a < b]
    if not candidates:
        return None
    best = max(
        candidates,
        key=lambda c: (fuzz.ratio(quote, body[c[0] : c[1]]), -abs(c[0] - start) - abs(c[1] - end)),
    )
    return Span(*best)


def _match_in(quote: str, body: str, low: int, high: int) -> Span | None:
    """The best approximate match of `quote` inside body[low:high], on word boundaries."""
    found = fuzz.partial_ratio_alignment(quote, body[low:high], score_cutoff=FUZZY_THRESHOLD)
    if found is None:
        return None
    span = _best_bounds(quote, body, low + found.dest_start, low + found.dest_end)
    if span is None:
        return None
    text = body[span.start : span.end]
    if not 1 / MAX_LENGTH_RATIO <= len(text) / len(quote) <= MAX_LENGTH_RATIO:
        return None
    return span if fuzz.ratio(quote, text) >= FUZZY_THRESHOLD else None


def _fuzzy_span(annotation: Annotation, body: str) -> Span | None:
    """The approximate match of the quote, looked for first where its old context still is."""
    regions = []
    if annotation.prefix or annotation.suffix:
        around = fuzz.partial_ratio_alignment(
            annotation.prefix + annotation.quote + annotation.suffix,
            body,
            score_cutoff=FUZZY_THRESHOLD,
        )
        if around is not None:
            regions.append((around.dest_start, around.dest_end))
    regions.append((0, len(body)))
    for low, high in regions:
        span = _match_in(annotation.quote, body, low, high)
        if span is not None:
            return span
    return None


def reanchor(annotation: Annotation, article: Article) -> Annotation:
    """The annotation attached to the current body of `article`.

    Returns the same object when nothing changed (an ORPHANED annotation is always looked
    for again). Otherwise, in order: the quote exactly at
    one of its occurrences, the one whose surroundings best match the remembered context
    (ties go to the one nearest the old position) → EXACT; an approximate match of at least
    `FUZZY_THRESHOLD` → FUZZY with the quote updated; else ORPHANED with the quote kept.
    """
    body = article.body
    quote = annotation.quote
    at_old_place = body[annotation.start : annotation.end] == quote
    if at_old_place and annotation.body_hash == article.content_hash:
        # The text it was anchored on; an orphan (its article was missing or changed, and
        # is now back as it was) is attached again.
        if annotation.anchor != Anchor.ORPHANED:
            return annotation
        return _anchored(annotation, article, annotation.start, annotation.end, Anchor.EXACT)
    if at_old_place and (annotation.prefix, annotation.suffix) == _context(
        body, annotation.start, annotation.end
    ):
        return _anchored(annotation, article, annotation.start, annotation.end, Anchor.EXACT)
    occurrences = _exact_occurrences(body, quote) if quote else []
    if occurrences:
        start = max(
            occurrences,
            key=lambda pos: (
                _context_score(annotation, body, pos, pos + len(quote)),
                -abs(pos - annotation.start),
            ),
        )
        return _anchored(annotation, article, start, start + len(quote), Anchor.EXACT)
    span = _fuzzy_span(annotation, body) if quote.strip() else None
    if span is not None:
        return _anchored(annotation, article, span.start, span.end, Anchor.FUZZY)
    if annotation.anchor == Anchor.ORPHANED:
        return annotation
    return replace(annotation, anchor=Anchor.ORPHANED)
