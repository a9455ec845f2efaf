"""Tag statistics (annotations/stats.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.article import Article, ArticleMeta
from annotations.corpus import Corpus
from annotations.errors import UnknownArticleError
from annotations.model import Anchor, Annotation
from annotations.stats import TagPair, tag_stats


@pytest.fixture
def corpus(samples_dir: Path) -> Corpus:
    return Corpus.open(samples_dir)


@pytest.fixture
def metas(corpus: Corpus) -> dict[str, ArticleMeta]:
    return {meta.id: meta for meta in corpus}


def _annotate(corpus: Corpus, article_id: str, quote: str, *tags: str) -> Annotation:
    article = corpus.article(article_id)
    span = locate_quote(article.body, quote)
    return new_annotation(article, span.start, span.end, tags=tags)


@pytest.fixture
def annotations(corpus: Corpus) -> list[Annotation]:
    return [
        # 001, paragraph "Xi also called on the two countries to manage differences on ...".
        _annotate(corpus, "001", "manage differences on maritime issues", "Maritime", "Security"),
        _annotate(corpus, "001", "maritime issues.", "maritime"),
        # 001, the next paragraph.
        _annotate(corpus, "001", "more maritime cooperation projects", "security"),
        # 000, one paragraph: "China and Vietnam are both key countries along the South ...".
        _annotate(corpus, "000", "South China Sea, with", "maritime"),
        _annotate(corpus, "000", "peace and stability in the region", "Peace"),
        # 003 (CGTN).
        _annotate(corpus, "003", "China-Vietnam community with a shared future", "Community"),
    ]


def test_counts_per_tag_article_and_outlet(
    corpus: Corpus, metas: dict[str, ArticleMeta], annotations: list[Annotation]
) -> None:
    stats = tag_stats(annotations, metas, corpus.article)
    assert stats.annotations == 6
    # Most common spelling wins; a tie goes to the spelling seen first.
    assert stats.per_tag == {"maritime": 3, "Security": 2, "Community": 1, "Peace": 1}
    assert list(stats.per_tag) == ["maritime", "Security", "Community", "Peace"]
    assert stats.per_article == {
        "000_e730ce0a32d34978": {"maritime": 1, "Peace": 1},
        "001_cd3da7863ef62599": {"maritime": 2, "Security": 2},
        "003_4a3f0146945ab2e7": {"Community": 1},
    }
    assert stats.per_outlet == {
        "CGTN": {"Community": 1},
        "China Daily": {"maritime": 1, "Peace": 1},
        "Xinhua": {"maritime": 2, "Security": 2},
    }


def test_cooccurrence(
    corpus: Corpus, metas: dict[str, ArticleMeta], annotations: list[Annotation]
) -> None:
    stats = tag_stats(annotations, metas, corpus.article)
    assert stats.cooccurrence == [
        # One annotation with both tags, plus the overlapping "maritime issues.".
        TagPair(("maritime", "Security"), overlap=2, same_paragraph=1),
        # Apart in one paragraph of 000.
        TagPair(("maritime", "Peace"), overlap=0, same_paragraph=1),
    ]


def test_overlap_of_two_annotations_counts_once(
    corpus: Corpus, metas: dict[str, ArticleMeta]
) -> None:
    annotations = [
        _annotate(corpus, "000", "South China Sea", "sea", "region"),
        _annotate(corpus, "000", "China Sea", "region"),
        _annotate(corpus, "000", "Sea, with shared", "sea"),
    ]
    stats = tag_stats(annotations, metas, corpus.article)
    # 1 (the first) + 1 (first/second) + 1 (first/third) + 1 (second/third).
    assert stats.cooccurrence == [TagPair(("region", "sea"), overlap=4, same_paragraph=1)]


def test_without_articles_only_overlap_is_counted(
    metas: dict[str, ArticleMeta], annotations: list[Annotation]
) -> None:
    stats = tag_stats(annotations, metas, None)
    assert stats.cooccurrence == [TagPair(("maritime", "Security"), 2, None)]


def test_orphans_and_unknown_articles(
    corpus: Corpus, metas: dict[str, ArticleMeta], annotations: list[Annotation]
) -> None:
    orphan = replace(
        annotations[0], id="orphan", tags=("Peace", "Community"), anchor=Anchor.ORPHANED
    )
    gone = replace(annotations[4], id="gone", article="999_deleted", tags=("Community",))

    def load(article_id: str) -> Article:
        if article_id == "999_deleted":
            raise UnknownArticleError("no article with id '999_deleted'")
        return corpus.article(article_id)

    stats = tag_stats([*annotations, orphan, gone], metas, load)
    assert stats.per_tag["Community"] == 3
    assert stats.per_outlet["Unknown"] == {"Community": 1}
    assert stats.per_article["999_deleted"] == {"Community": 1}
    assert all(set(pair.tags) != {"Community", "Peace"} for pair in stats.cooccurrence)


def test_empty_and_to_dict(
    corpus: Corpus, metas: dict[str, ArticleMeta], annotations: list[Annotation]
) -> None:
    empty = tag_stats([], metas, corpus.article)
    assert empty.to_dict() == {
        "annotations": 0,
        "per_tag": {},
        "per_article": {},
        "per_outlet": {},
        "cooccurrence": [],
    }
    data = orjson.loads(orjson.dumps(tag_stats(annotations, metas, corpus.article).to_dict()))
    assert data["per_tag"]["maritime"] == 3
    assert data["cooccurrence"][0] == {
        "tags": ["maritime", "Security"],
        "overlap": 2,
        "same_paragraph": 1,
    }
