"""Agreement between coders: Krippendorff's alpha, Cohen's kappa and percent agreement.

Each unit (a sentence or paragraph of newsmark's segmentation, or a character of an article
body) is, per tag and coder, *coded* (an annotation of that coder with that tag covers the
character, or overlaps the sentence or paragraph) or not. Per tag, the coders × units
matrix of 0/1 values gives:

- Krippendorff's alpha (nominal), from the `krippendorff` package, for any number of coders;
- Cohen's kappa for two coders: (p_o − p_e) / (1 − p_e), each coder's own marginals;
- percent agreement: the share of units on which every coder gives the same value.

"Overall" pools the tags: every (unit, tag) pair is one unit. A statistic that is not
defined (no units; alpha or kappa when every value is the same) is None.

Only articles that every coder has coded (has an annotation in) count, unless
`all_articles`; orphaned annotations cover nothing (their passage is gone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from annotations.article import Article, Span
from annotations.coder import coder_key
from annotations.errors import NewsmarkError
from annotations.model import Anchor, Annotation
from annotations.segment import segment_body
from annotations.tags import normalise_tag, tag_key


class AgreementError(NewsmarkError):
    """Agreement cannot be computed as asked (fewer than two coders, a coder unknown…)."""


class UnitKind(StrEnum):
    """What one unit of coding is."""

    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    CHARACTER = "character"


@dataclass(frozen=True, slots=True)
class Scores:
    """The statistics of one tag (or of all tags pooled) and the counts behind them."""

    alpha: float | None
    kappa: float | None
    agreement: float | None
    units: int
    coded: dict[str, int]
    both: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `newsmark agreement --json` (per tag and overall)."""
        return {
            "alpha": self.alpha,
            "kappa": self.kappa,
            "agreement": self.agreement,
            "units": self.units,
            "coded": dict(self.coded),
            "both": self.both,
        }


@dataclass(frozen=True, slots=True)
class CodedUnit:
    """A unit (or, for characters, a run of them) and which of the coders coded a tag on
    it: a disagreement when only some did, an agreement when all did."""

    article: str
    start: int
    end: int
    label: str  # "sentence 4", "paragraph 2", "characters 120–164"
    coded_by: tuple[str, ...]  # the coders who coded it (the others did not)


@dataclass
class AgreementReport:
    """Agreement per tag and overall, and where the coders disagree."""

    coders: tuple[str, ...]
    unit: UnitKind
    articles: tuple[str, ...]
    units: int
    tags: dict[str, Scores]
    overall: Scores
    disagreements: dict[str, list[CodedUnit]] = field(default_factory=dict)
    # The units every coder coded with the tag (what a consensus takes as it is).
    agreements: dict[str, list[CodedUnit]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """`{"coders", "unit", "units", "articles", "tags": {TAG: scores}, "overall"}`."""
        return {
            "coders": list(self.coders),
            "unit": str(self.unit),
            "units": self.units,
            "articles": list(self.articles),
            "tags": {tag: scores.to_dict() for tag, scores in self.tags.items()},
            "overall": self.overall.to_dict(),
        }


# The statistics -------------------------------------------------------------------------


def krippendorff_alpha(matrix: np.ndarray) -> float | None:
    """Nominal Krippendorff's alpha of a coders × units matrix (NaN: not coded); None when
    it is not defined (fewer than two values in the data, no pairable units)."""
    import krippendorff

    if matrix.size == 0:
        return None
    try:
        value = krippendorff.alpha(
            reliability_data=matrix.astype(float), level_of_measurement="nominal"
        )
    except ValueError:  # "There has to be more than one value in the domain."
        return None
    return None if np.isnan(value) else float(value)


def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's kappa of two coders' values over the same units; None when not defined
    (no units, or chance agreement is 1: both always gave one and the same value)."""
    if first.size == 0:
        return None
    observed = float(np.mean(first == second))
    values = np.union1d(first, second)
    expected = float(sum(np.mean(first == v) * np.mean(second == v) for v in values))
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def percent_agreement(matrix: np.ndarray) -> float | None:
    """The share of units (columns) on which every coder (row) gives the same value."""
    if matrix.shape[1] == 0:
        return None
    return float(np.mean(np.all(matrix == matrix[0], axis=0)))


def scores(matrix: np.ndarray, coders: Sequence[str]) -> Scores:
    """Every statistic of a coders × units 0/1 matrix."""
    kappa = cohen_kappa(matrix[0], matrix[1]) if len(coders) == 2 else None
    return Scores(
        alpha=krippendorff_alpha(matrix),
        kappa=kappa,
        agreement=percent_agreement(matrix),
        units=int(matrix.shape[1]),
        coded={coder: int(row.sum()) for coder, row in zip(coders, matrix, strict=True)},
        both=int(np.all(matrix == 1, axis=0).sum()) if matrix.shape[1] else 0,
    )


# Units and coverage ------------------------------------------------------------------------


def article_units(article: Article, unit: UnitKind) -> list[Span]:
    """The units of one article: its sentences or paragraphs (newsmark's segmentation), or
    one span per character of the body."""
    if unit is UnitKind.CHARACTER:
        return [Span(i, i + 1) for i in range(len(article.body))]
    paragraphs = article.paragraphs or segment_body(article.body)
    if unit is UnitKind.PARAGRAPH:
        return [Span(p.start, p.end) for p in paragraphs]
    return [s for p in paragraphs for s in p.sentences]


def coverage(
    spans: Iterable[tuple[int, int]], units: Sequence[Span], body_length: int, unit: UnitKind
) -> np.ndarray:
    """0/1 per unit: whether any of `spans` covers it (characters) or overlaps it."""
    if unit is UnitKind.CHARACTER:
        covered = np.zeros(body_length, dtype=np.int8)
        for start, end in spans:
            covered[max(start, 0) : max(end, 0)] = 1
        return covered
    starts = np.fromiter((u.start for u in units), dtype=np.int64, count=len(units))
    ends = np.fromiter((u.end for u in units), dtype=np.int64, count=len(units))
    covered = np.zeros(len(units), dtype=np.int8)
    for start, end in spans:
        covered |= ((starts < end) & (ends > start)).astype(np.int8)
    return covered


def _label(unit: UnitKind, index: int, span: Span) -> str:
    if unit is UnitKind.CHARACTER:
        return f"characters {span.start}–{span.end}"
    return f"{unit} {index + 1}"


def _coded_units(
    article_id: str,
    matrix: np.ndarray,
    chosen: np.ndarray,
    units: Sequence[Span],
    unit: UnitKind,
    coders: Sequence[str],
) -> list[CodedUnit]:
    """The `chosen` units, each with the coders who coded it; consecutive characters with
    the same pattern of who coded them make one run."""
    found: list[CodedUnit] = []
    index = 0
    total = len(units)
    while index < total:
        if not chosen[index]:
            index += 1
            continue
        pattern = tuple(matrix[:, index])
        end = index + 1
        if unit is UnitKind.CHARACTER:
            while end < total and chosen[end] and tuple(matrix[:, end]) == pattern:
                end += 1
        span = Span(units[index].start, units[end - 1].end)
        coded_by = tuple(c for c, value in zip(coders, pattern, strict=True) if value)
        found.append(
            CodedUnit(article_id, span.start, span.end, _label(unit, index, span), coded_by)
        )
        index = end
    return found


# The report -------------------------------------------------------------------------------


def _resolve_coders(annotations: Sequence[Annotation], coders: Sequence[str]) -> list[str]:
    """The coders as spelled in the data (case-insensitively), in the order given."""
    spellings: dict[str, Counter[str]] = {}
    for annotation in annotations:
        if annotation.coder:
            spellings.setdefault(coder_key(annotation.coder), Counter())[annotation.coder] += 1
    resolved: list[str] = []
    for name in coders:
        key = coder_key(name)
        if key in {coder_key(r) for r in resolved}:
            raise AgreementError(f"the coder “{name}” is listed twice")
        if key not in spellings:
            raise AgreementError(f"no annotations by a coder named “{name}”")
        resolved.append(spellings[key].most_common(1)[0][0])
    if len(resolved) < 2:
        raise AgreementError("agreement needs at least two coders")
    return resolved


def compute_agreement(
    annotations: Iterable[Annotation],
    coders: Sequence[str],
    load_article: Callable[[str], Article],
    *,
    tags: Sequence[str] = (),
    articles: Sequence[str] = (),
    all_article_ids: Sequence[str] = (),
    unit: UnitKind | str = UnitKind.SENTENCE,
    all_articles: bool = False,
) -> AgreementReport:
    """Agreement of `coders` on `annotations` (everyone's; only theirs are used).

    `tags`: the tags to compare (default: every tag these coders used in the articles
    compared). `articles`: article ids to compare (default: every article one of them
    coded, or with `all_articles` every id of `all_article_ids`). Without `all_articles`
    only articles every coder has coded count. `load_article` gives an article's body.
    """
    unit = UnitKind(unit)
    annotations = list(annotations)
    names = _resolve_coders(annotations, coders)
    keys = [coder_key(name) for name in names]
    mine = [a for a in annotations if a.coder and coder_key(a.coder) in keys]
    tags = _asked_tags(mine, tags)
    _check_tags(mine, tags, names)
    coded_articles: dict[str, set[str]] = {}
    for a in mine:
        coded_articles.setdefault(a.article, set()).add(coder_key(a.coder or ""))
    if articles:
        chosen = list(dict.fromkeys(articles))
    elif all_articles:
        chosen = list(all_article_ids) or sorted(coded_articles)
    else:
        chosen = sorted(coded_articles)
    if not all_articles:
        chosen = [aid for aid in chosen if coded_articles.get(aid, set()) >= set(keys)]
    chosen_set = set(chosen)
    anchored = [a for a in mine if a.article in chosen_set and a.anchor != Anchor.ORPHANED]
    tag_names = _tag_names(anchored, tags)
    per_tag: dict[str, list[np.ndarray]] = {tag: [] for tag in tag_names}
    disagreements: dict[str, list[CodedUnit]] = {tag: [] for tag in tag_names}
    agreements: dict[str, list[CodedUnit]] = {tag: [] for tag in tag_names}
    total_units = 0
    for article_id in chosen:
        article = load_article(article_id)
        units = article_units(article, unit)
        total_units += len(units)
        here = [a for a in anchored if a.article == article_id]
        for tag in tag_names:
            wanted = tag_key(tag)
            rows = [
                coverage(
                    (
                        (a.start, a.end)
                        for a in here
                        if coder_key(a.coder or "") == key
                        and any(tag_key(t) == wanted for t in a.tags)
                    ),
                    units,
                    len(article.body),
                    unit,
                )
                for key in keys
            ]
            matrix = np.vstack(rows) if rows else np.zeros((len(keys), 0), dtype=np.int8)
            per_tag[tag].append(matrix)
            differ = ~np.all(matrix == matrix[0], axis=0)  # some coded it, not all
            every = np.all(matrix == 1, axis=0)
            disagreements[tag] += _coded_units(article_id, matrix, differ, units, unit, names)
            agreements[tag] += _coded_units(article_id, matrix, every, units, unit, names)
    empty = np.zeros((len(names), 0), dtype=np.int8)
    matrices = {tag: np.hstack(parts) if parts else empty for tag, parts in per_tag.items()}
    pooled = np.hstack(list(matrices.values())) if matrices else empty
    return AgreementReport(
        coders=tuple(names),
        unit=unit,
        articles=tuple(chosen),
        units=total_units,
        tags={tag: scores(matrix, names) for tag, matrix in matrices.items()},
        overall=scores(pooled, names),
        disagreements=disagreements,
        agreements=agreements,
    )


def _asked_tags(annotations: Sequence[Annotation], tags: Sequence[str]) -> list[str]:
    """The tags asked for, each as the annotations carry it: as given (a tag an earlier
    version stored as `a//b`), else as it would be typed now (`a//b` is `a/b`, as in every
    command); AgreementError for one that names no tag (`/`)."""
    used = {tag_key(tag) for a in annotations for tag in a.tags}
    asked: list[str] = []
    for tag in tags:
        if tag_key(tag) in used:
            asked.append(tag)
            continue
        cleaned = normalise_tag(tag)
        if not cleaned:
            raise AgreementError(f"“{tag}” names no tag")
        asked.append(cleaned)
    return asked


def _check_tags(
    annotations: Sequence[Annotation], tags: Sequence[str], coders: Sequence[str]
) -> None:
    """AgreementError for asked-for tags that no annotation of the coders carries (a
    misspelt tag would otherwise be perfect agreement: nobody coded it)."""
    used = {tag_key(tag) for a in annotations for tag in a.tags}
    unknown = [tag for tag in dict.fromkeys(tags) if tag_key(tag) not in used]
    if unknown:
        listed = ", ".join(f"“{tag}”" for tag in unknown)
        raise AgreementError(
            f"no annotation by {' or '.join(coders)} has the tag"
            f"{'s' if len(unknown) > 1 else ''} {listed}"
        )


def _tag_names(annotations: Sequence[Annotation], tags: Sequence[str]) -> list[str]:
    """The tags to compare, spelled as most often in the data, sorted case-insensitively
    (the asked-for ones in the order given)."""
    spellings: dict[str, Counter[str]] = {}
    for a in annotations:
        for tag in a.tags:
            spellings.setdefault(tag_key(tag), Counter())[tag] += 1
    if tags:
        keys = list(dict.fromkeys(tag_key(t) for t in tags))
        given = {tag_key(t): t for t in tags}
        return [spellings[k].most_common(1)[0][0] if k in spellings else given[k] for k in keys]
    return [spellings[k].most_common(1)[0][0] for k in sorted(spellings)]
