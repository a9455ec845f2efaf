"""Locating quotes, creating annotations and re-anchoring them after an article changes.

An annotation remembers its quote, its offsets, up to `CONTEXT_CHARS` characters of text on
each side and the hash of the body it was made on. When the body changes, `reanchor` finds
the quote again: where it still stands exactly in its remembered context, else by the ranked
search of `annotations.quote_match` (exact and approximate candidates scored by quote,
context and position similarity, with a minimum). A match whose text differs from the quote
is FUZZY (the quote is updated to the new text and the score recorded). If nothing is good
enough the annotation is ORPHANED: kept, never deleted, until the user re-attaches it to
the passage they select (`reattach`). An annotation whose article is not in the collection
(another collection's: one database may serve several) is left as it is (`place`, the one
rule for the store and for imports).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from annotations.article import Article, Span
from annotations.errors import QuoteNotFoundError, StaleArticleError, UnknownArticleError
from annotations.model import Anchor, Annotation, utc_now
from annotations.quote_match import find_quote
from annotations.tags import normalise_tags, validate_colour

if TYPE_CHECKING:
    from annotations.corpus import Corpus

CONTEXT_CHARS = 32
# Similarity (0..100) of the text at the old offsets to the quote that makes it a near copy.
NEAR_COPY = 80.0


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
        f"quote occurs {times}{where}, so there is no occurrence {occurrence}: “{_excerpt(quote)}”"
    )


def _context(body: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix context around [start, end)."""
    return body[max(0, start - CONTEXT_CHARS) : start], body[end : end + CONTEXT_CHARS]


def _passage(article: Article, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `article.body` trimmed of surrounding whitespace; QuoteNotFoundError
    if it lies outside the body or holds only whitespace."""
    body = article.body
    if not 0 <= start < end <= len(body):
        raise QuoteNotFoundError(
            f"offsets {start}..{end} are outside article {article.id} "
            f"(its body has {len(body)} characters)"
        )
    selected = body[start:end]
    if not selected.strip():
        raise QuoteNotFoundError(f"offsets {start}..{end} select only whitespace")
    return (
        start + len(selected) - len(selected.lstrip()),
        end - (len(selected) - len(selected.rstrip())),
    )


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
    start, end = _passage(article, start, end)
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


def _anchored(
    annotation: Annotation,
    article: Article,
    start: int,
    end: int,
    anchor: Anchor,
    score: float | None = None,
) -> Annotation:
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
        anchor_score=score,
    )


def reattach(annotation: Annotation, article: Article, start: int, end: int) -> Annotation:
    """The annotation attached by hand to `article.body[start:end]` (trimmed of surrounding
    whitespace), as when re-attaching an orphan to the passage the user selected.

    The new quote, offsets, context and body hash; anchor EXACT; `updated` now. Everything
    else (id, tags, note, colour, created) is kept. QuoteNotFoundError if `article` is not
    the annotation's article or the offsets select nothing in it.
    """
    if article.id != annotation.article:
        raise QuoteNotFoundError(
            f"annotation {annotation.id} belongs to article {annotation.article}, not {article.id}"
        )
    start, end = _passage(article, start, end)
    return replace(_anchored(annotation, article, start, end, Anchor.EXACT), updated=utc_now())


def reattach_description(quote: str) -> str:
    """How re-attaching to `quote` is named in the undo history: `re-attach highlight “…”`."""
    return f"re-attach highlight “{_excerpt(quote)}”"


def _exact_in_context(annotation: Annotation, body: str) -> int | None:
    """The start of an exact occurrence of the quote with its whole context intact.

    The common case after an edit elsewhere in the article, answered without the ranked
    search. Of several such occurrences, the one nearest the old position. None (leave it
    to the ranked search) also when the old place holds a near copy of the quote: it was
    edited there, and an intact copy elsewhere (a repeated caption) is not it.
    """
    quote = annotation.quote
    if fuzz.ratio(quote, body[annotation.start : annotation.end]) >= NEAR_COPY:
        return None
    best: int | None = None
    position = body.find(quote)
    while position != -1:
        in_context = _context(body, position, position + len(quote)) == (
            annotation.prefix,
            annotation.suffix,
        )
        if in_context and (
            best is None or abs(position - annotation.start) < abs(best - annotation.start)
        ):
            best = position
        position = body.find(quote, position + 1)
    return best


def reanchor(annotation: Annotation, article: Article) -> Annotation:
    """The annotation attached to the current body of `article`.

    Returns the same object when nothing changed (an ORPHANED annotation is always looked
    for again). Otherwise: the quote at an exact occurrence with its whole remembered
    context (the nearest to the old position) → EXACT; else the best candidate of
    `find_quote` → EXACT if its text is the quote, FUZZY (quote updated, `anchor_score` set)
    if not; else ORPHANED with the quote kept.
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
    start = _exact_in_context(annotation, body) if quote else None
    if start is not None:
        return _anchored(annotation, article, start, start + len(quote), Anchor.EXACT)
    found = find_quote(body, quote, annotation.prefix, annotation.suffix, annotation.start)
    if found is not None:
        if body[found.start : found.end] == quote:
            return _anchored(annotation, article, found.start, found.end, Anchor.EXACT)
        return _anchored(
            annotation, article, found.start, found.end, Anchor.FUZZY, round(found.score, 3)
        )
    return _orphaned(annotation)


def _orphaned(annotation: Annotation) -> Annotation:
    """The annotation as ORPHANED, quote and offsets kept (the same object if it was)."""
    if annotation.anchor == Anchor.ORPHANED:
        return annotation
    return replace(annotation, anchor=Anchor.ORPHANED, anchor_score=None)


def current_article(corpus: Corpus, article_id: str) -> Article | None:
    """The article as the collection holds it now; None when it is missing (not in the
    collection, or its file gone since the collection was indexed)."""
    if article_id not in corpus:
        return None
    try:
        return corpus.article(article_id)
    except UnknownArticleError:
        return None


def place(annotation: Annotation, article: Article | None) -> Annotation:
    """The annotation attached to `article`, its article's current text (`current_article`),
    or as it is when the article is not in the collection (None): another collection's
    annotation is not orphaned here (opening its collection would flip it back), nor offered
    for deletion. Timestamps are untouched: this follows the article, it is not a user's
    change."""
    return annotation if article is None else reanchor(annotation, article)


def ensure_current(corpus: Corpus, article: Article) -> None:
    """`StaleArticleError` unless `article` is the article's text as its file holds it now:
    offsets chosen on an older text would mark something else in the new one."""
    article_id = article.id
    if (
        article_id in corpus
        and not corpus.file_changed(article_id)
        and corpus.content_hash(article_id) == article.content_hash
    ):
        return
    raise StaleArticleError(
        f"article {article_id} changed on disk since it was shown, so nothing was saved; "
        "select the passage again in the reloaded text"
    )
