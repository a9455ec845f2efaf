"""Adjudication: settling a disagreement by writing the consensus for one unit and tag.

The adjudicator keeps one coder's version of a unit, several coders' (their union), or
none; the units every coder coded go into the consensus as they are (`accept_agreements`).
The result is written as annotations of the coder `consensus` carrying only that tag,
clipped to the unit: consensus annotations of the tag that overlap the unit are replaced
(their parts outside the unit are kept), so deciding a unit again replaces the earlier
decision. `AnnotationStore.replace_decided` writes it as one undo step, decided on the
annotations as they are under the write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotations.anchoring import new_annotation
from annotations.article import Article
from annotations.coder import CONSENSUS, coder_key
from annotations.model import Anchor, Annotation
from annotations.tags import tag_key
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.agreement import CodedUnit


@dataclass(frozen=True, slots=True)
class Decision:
    """What to write for one unit: the consensus annotations to delete and to add."""

    delete: tuple[str, ...]
    add: tuple[Annotation, ...]
    description: str


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _has_tag(annotation: Annotation, tag: str) -> bool:
    return any(tag_key(t) == tag_key(tag) for t in annotation.tags)


def _piece(
    article: Article, source: Annotation | None, start: int, end: int, tags: Sequence[str]
) -> Annotation | None:
    """A consensus annotation of `article.body[start:end]` (None if only whitespace)."""
    if start >= end or not article.body[start:end].strip():
        return None
    made = new_annotation(
        article, start, end, tags=tags, note=source.note if source is not None else None
    )
    return replace(made, coder=CONSENSUS)


def adjudicate(
    article: Article,
    annotations: Iterable[Annotation],
    *,
    start: int,
    end: int,
    tag: str,
    keep: Sequence[str],
    label: str = "",
) -> Decision:
    """The consensus for `tag` on `article.body[start:end]`: the union of what the coders
    in `keep` coded with `tag` there (nothing when `keep` is empty).

    `annotations` are the article's annotations (every coder's, consensus included).
    """
    keys = {coder_key(name) for name in keep}
    relevant = [
        a
        for a in annotations
        if a.article == article.id
        and a.anchor != Anchor.ORPHANED
        and a.start < end
        and start < a.end
        and _has_tag(a, tag)
    ]
    kept = [a for a in relevant if coder_key(a.coder or "") in keys]
    previous = [a for a in relevant if coder_key(a.coder or "") == coder_key(CONSENSUS)]
    added: list[Annotation] = []
    for old in previous:  # what an earlier decision wrote outside this unit stays
        for piece_start, piece_end in ((old.start, start), (end, old.end)):
            piece = _piece(
                article, old, max(old.start, piece_start), min(old.end, piece_end), old.tags
            )
            if piece is not None:
                added.append(piece)
    for piece_start, piece_end in _merged((max(a.start, start), min(a.end, end)) for a in kept):
        piece = _piece(article, None, piece_start, piece_end, [tag])
        if piece is not None:
            added.append(piece)
    if not keep:
        whose = "neither version"
    elif len(keep) == 1:
        whose = f"{keep[0]}'s version"
    else:
        whose = " and ".join(keep) + "'s versions"
    where = label or f"{start}–{end}"
    description = f"adjudicate {tag} in {article.id} {where}: keep {whose}"
    return Decision(tuple(a.id for a in previous), tuple(added), description)


def accept_agreements(
    units: Iterable[CodedUnit],
    annotations: Sequence[Annotation],
    load_article: Callable[[str], Article],
    *,
    tag: str,
    whole_units: bool = True,
) -> Decision:
    """The consensus for `tag` on each of `units` (every coder compared coded it: see
    `AgreementReport.agreements`) where it has none yet: the union of the coders'
    versions, as `adjudicate` keeps them. What the consensus has already stays: with
    `whole_units` (sentences, paragraphs) a unit it overlaps is decided; else (runs of
    characters) only the characters it covers are."""
    by_article: dict[str, list[Annotation]] = {}
    for annotation in annotations:
        by_article.setdefault(annotation.article, []).append(annotation)
    added: list[Annotation] = []
    accepted = 0
    for unit in units:
        here = by_article.get(unit.article, [])
        coders = [a for a in here if coder_key(a.coder or "") != coder_key(CONSENSUS)]
        decided = [
            (a.start, a.end)
            for a in here
            if coder_key(a.coder or "") == coder_key(CONSENSUS)
            and a.start < unit.end
            and unit.start < a.end
            and _has_tag(a, tag)
        ]
        if whole_units and decided:
            continue
        article = load_article(unit.article)
        pieces = [
            piece
            for start, end in _gaps(unit.start, unit.end, decided)
            for piece in adjudicate(
                article, coders, start=start, end=end, tag=tag, keep=unit.coded_by
            ).add
        ]
        if pieces:
            added += pieces
            accepted += 1
    description = f"accept the agreements on {tag}: {count_noun(accepted, 'unit')}"
    return Decision((), tuple(added), description)


def uncovered(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether some of [start, end) is outside every span of `spans`."""
    return bool(_gaps(start, end, spans))


def _gaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside every span of `spans`."""
    gaps: list[tuple[int, int]] = []
    at = start
    for span_start, span_end in _merged(spans):
        if span_end <= at or span_start >= end:
            continue
        if span_start > at:
            gaps.append((at, span_start))
        at = max(at, span_end)
    if at < end:
        gaps.append((at, end))
    return gaps
