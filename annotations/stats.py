"""Tag statistics: how often each tag is used, where, and which tags go together.

Tags are compared case-insensitively and shown in their most common spelling (ties: the
one seen first). Co-occurrence counts, for each unordered pair of distinct tags:

* `overlap`: each annotation carrying both tags, plus each pair of distinct annotations of
  one article whose spans overlap and that carry one tag each;
* `same_paragraph`: the paragraphs that contain (overlap) annotations carrying both tags,
  counted once per paragraph. It needs the articles' paragraphs, so it is None when no
  `articles` loader is given.

Orphaned annotations count in the per-tag, per-article and per-outlet tables but not in
co-occurrence, since their offsets no longer point at their text. Only pairs of tags that
co-occur at least once are listed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotations.article import Article, ArticleMeta
from annotations.errors import NewsmarkError
from annotations.model import Anchor, Annotation
from annotations.tags import natural_key, tag_key

UNKNOWN_OUTLET = "Unknown"


@dataclass(frozen=True, slots=True)
class TagPair:
    """How often two tags (display names, sorted case-insensitively) occur together."""

    tags: tuple[str, str]
    overlap: int
    same_paragraph: int | None

    def to_dict(self) -> dict[str, Any]:
        """The keys of a co-occurrence entry in `newsmark stats --json`."""
        return {
            "tags": list(self.tags),
            "overlap": self.overlap,
            "same_paragraph": self.same_paragraph,
        }


@dataclass(frozen=True)
class TagStats:
    """The result of `tag_stats`. Tag tables are sorted by count (descending), then name."""

    annotations: int
    per_tag: dict[str, int]
    per_article: dict[str, dict[str, int]]
    per_outlet: dict[str, dict[str, int]]
    cooccurrence: list[TagPair]

    def to_dict(self) -> dict[str, Any]:
        """The structure of `newsmark stats --json`."""
        return {
            "annotations": self.annotations,
            "per_tag": self.per_tag,
            "per_article": self.per_article,
            "per_outlet": self.per_outlet,
            "cooccurrence": [pair.to_dict() for pair in self.cooccurrence],
        }


def _keys(annotation: Annotation) -> set[str]:
    return {tag_key(tag) for tag in annotation.tags}


def _pairs(first: Iterable[str], second: Iterable[str]) -> set[tuple[str, str]]:
    """Unordered pairs (sorted tuples) of distinct tags, one from each collection."""
    return {(min(a, b), max(a, b)) for a in first for b in second if a != b}


def _overlapping(annotations: list[Annotation]) -> Iterable[tuple[Annotation, Annotation]]:
    """Every pair of annotations (of one article) whose spans overlap."""
    ordered = sorted(annotations, key=lambda a: a.start)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            yield first, second


def _table(counts: Counter[str], names: Mapping[str, str]) -> dict[str, int]:
    """Tag key counts as display name → count, most used first."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], natural_key(item[0]), item[0]))
    return {names[key]: count for key, count in ranked}


def tag_stats(
    annotations: Iterable[Annotation],
    metas: Mapping[str, ArticleMeta],
    articles: Callable[[str], Article] | None = None,
) -> TagStats:
    """Statistics over `annotations` (see the module docstring).

    `metas` maps article ids to their metadata (for the outlet, `meta.source`, "Unknown" when
    missing); `articles` loads an article for paragraph co-occurrence. Articles that cannot
    be loaded any more are left out of `same_paragraph`.
    """
    annotations = list(annotations)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    per_tag: Counter[str] = Counter()
    per_article: dict[str, Counter[str]] = defaultdict(Counter)
    per_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    by_article: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        for tag in annotation.tags:
            spellings[tag_key(tag)][tag] += 1
        keys = _keys(annotation)
        meta = metas.get(annotation.article)
        outlet = (meta.source if meta else None) or UNKNOWN_OUTLET
        for key in keys:
            per_tag[key] += 1
            per_article[annotation.article][key] += 1
            per_outlet[outlet][key] += 1
        if keys and annotation.anchor != Anchor.ORPHANED:
            by_article[annotation.article].append(annotation)
    names = {key: counter.most_common(1)[0][0] for key, counter in spellings.items()}

    overlap: Counter[tuple[str, str]] = Counter()
    same_paragraph: Counter[tuple[str, str]] = Counter()
    for article_id, tagged in by_article.items():
        for annotation in tagged:
            overlap.update(_pairs(_keys(annotation), _keys(annotation)))
        for first, second in _overlapping(tagged):
            overlap.update(_pairs(_keys(first), _keys(second)))
        if articles is not None:
            same_paragraph.update(_paragraph_pairs(article_id, tagged, articles))

    cooccurrence = [
        TagPair(
            tags=(names[a], names[b]),
            overlap=overlap[(a, b)],
            same_paragraph=same_paragraph[(a, b)] if articles is not None else None,
        )
        for a, b in sorted(
            set(overlap) | set(same_paragraph), key=lambda p: (-overlap[p], -same_paragraph[p], p)
        )
    ]
    return TagStats(
        annotations=len(annotations),
        per_tag=_table(per_tag, names),
        per_article={a: _table(c, names) for a, c in sorted(per_article.items())},
        per_outlet={o: _table(c, names) for o, c in sorted(per_outlet.items())},
        cooccurrence=cooccurrence,
    )


def _paragraph_pairs(
    article_id: str, tagged: list[Annotation], articles: Callable[[str], Article]
) -> Counter[tuple[str, str]]:
    """For each pair of tags, the paragraphs of one article holding annotations with both."""
    try:
        article = articles(article_id)
    except NewsmarkError:
        return Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for paragraph in article.paragraphs:
        keys: set[str] = set()
        for annotation in tagged:
            if annotation.start < paragraph.end and paragraph.start < annotation.end:
                keys |= _keys(annotation)
        counts.update(_pairs(keys, keys))
    return counts
