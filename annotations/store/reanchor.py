"""The rule of re-anchoring an article's annotations, and its report: one rule for the
store (`AnnotationStore.reanchor_all`) and for an export read without opening it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from annotations.anchoring import current_article, place
from annotations.article import Article
from annotations.model import Anchor, Annotation, Placed, by_article
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.corpus import Corpus

_P = TypeVar("_P", bound=Placed)


@dataclass(frozen=True, slots=True)
class ReanchorReport:
    """What `reanchor_all` did.

    `exact`, `fuzzy`: annotations moved, refreshed or recovered to that anchor; `orphaned`:
    annotations whose quote is not in their article (including ones that already were);
    `unchanged`: still exactly where they were; `missing`: their article is not in the
    collection (one database may serve several collections, and a file may have been
    removed): they are left as they are, to be placed when their article is there.
    """

    exact: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    unchanged: int = 0
    missing: int = 0
    newly_orphaned: int = 0

    @property
    def needs_notice(self) -> bool:
        """Whether the user should hear about it: quotes moved by fuzzy match or lost."""
        return bool(self.fuzzy or self.newly_orphaned)

    def describe(self) -> str:
        """One line for the user, e.g. 'articles changed: 2 annotations re-anchored by ...'."""
        return (
            f"articles changed: {count_noun(self.fuzzy, 'annotation')} re-anchored by fuzzy "
            "match, "
            f"{self.newly_orphaned} newly orphaned (kept with their quotes; "
            f"{self.orphaned} orphaned in all, see Orphans)"
        )


def unchanged_article(content_hash: str, anchors: Iterable[tuple[object, object]]) -> bool:
    """Whether every annotation of an article, given as its (body_hash, anchor), is
    anchored on the article's current text (`content_hash`): then nothing can have moved.

    Never true while one is orphaned: its quote may be back (the article was missing, or
    edited and then restored), so orphans are always looked for again.
    """
    return all(
        body_hash == content_hash and anchor != Anchor.ORPHANED for body_hash, anchor in anchors
    )


def reanchor_article(
    annotations: Sequence[Annotation], article: Article | None, counts: Counter[str]
) -> list[tuple[int, Annotation]]:
    """Every annotation of one article placed on its current text (`anchoring.place`):
    (index, new annotation) of those that changed, each counted in `counts` by the keys of
    `ReanchorReport`. None: the article is not in the collection, and nothing changes."""
    if article is None:
        counts["missing"] += len(annotations)
        return []
    changed = []
    for index, old in enumerate(annotations):
        new = place(old, article)
        unchanged = new == old and new.anchor != Anchor.ORPHANED
        counts["unchanged" if unchanged else str(new.anchor)] += 1
        if new != old:
            changed.append((index, new))
        if new.anchor == Anchor.ORPHANED and old.anchor != Anchor.ORPHANED:
            counts["newly_orphaned"] += 1
    return changed


_body_hash = attrgetter("body_hash")
_anchor = attrgetter("anchor")


def check_anchors(
    annotations: Sequence[_P], corpus: Corpus, load: Callable[[_P], Annotation]
) -> tuple[ReanchorReport, int]:
    """What `reanchor_all` would report for `annotations` (all of the store's), and how
    many of them it would change (and save); nothing is changed. Each article is looked at
    once: its content hash, and its text only when an annotation is not anchored on it
    (then its annotations are read whole, by `load`)."""
    counts = Counter[str]()
    changed = 0
    for article_id, group in by_article(annotations).items():
        # Each body hash and anchor once (an article's annotations share one or two), in
        # every pairing: the rule holds for all of those exactly when it does for each
        # annotation's own pair (it asks the hash and the anchor one thing each).
        pairs = product(set(map(_body_hash, group)), set(map(_anchor, group)))
        if article_id in corpus and unchanged_article(corpus.content_hash(article_id), pairs):
            counts["unchanged"] += len(group)
            continue
        whole = [load(annotation) for annotation in group]
        changed += len(reanchor_article(whole, current_article(corpus, article_id), counts))
    return ReanchorReport(**counts), changed
