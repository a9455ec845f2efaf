"""Passage alignment between two articles (annotations/align.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from annotations.align import (
    DEFAULT_MIN_SCORE,
    NEAR_BEST_RATIO,
    Alignment,
    Unit,
    align_articles,
    term_weights,
    units_of,
)
from annotations.article import Article, ArticleMeta
from annotations.corpus import Corpus
from annotations.segment import segment_body


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.open(Path(__file__).resolve().parent.parent / "samples", use_cache=False)


@pytest.fixture(scope="module")
def alignment(corpus: Corpus) -> Alignment:
    return align_articles(corpus.article("000"), corpus.article("001"))


def _article(article_id: str, body: str) -> Article:
    meta = ArticleMeta(
        id=article_id,
        title=article_id,
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path(f"{article_id}.txt"),
        words=len(body.split()),
        format="txt",
    )
    return Article(meta=meta, body=body, paragraphs=segment_body(body))


def _unit(units: tuple[Unit, ...], needle: str) -> Unit:
    (found,) = [u for u in units if needle in u.text]
    return found


def _paired(alignment: Alignment, left: str, right: str) -> float | None:
    """The score of the pair of units containing these texts, None if they are not paired."""
    left_unit = _unit(alignment.left_units, left)
    right_unit = _unit(alignment.right_units, right)
    scores = [p.score for p in alignment.pairs if (p.left, p.right) == (left_unit, right_unit)]
    return scores[0] if scores else None


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # The maritime statement: "properly manage differences" / "manage differences on
        # maritime issues".
        ("should properly manage differences", "manage differences on maritime issues"),
        # The six goals restated as the six features of the new stage of ties.
        ("six major goals", "greater political mutual trust, more solid security"),
        # "community with a shared future that carries strategic significance".
        (
            "forge ahead with the building of a China-Vietnam community",
            "on Tuesday agreed to build a community with a shared future",
        ),
        (
            "digital economy and green development, and explore",
            "emerging areas as digital economy and green development",
        ),
        (
            "top priority and strategic choice for Hanoi",
            "developing relations with China as a top priority and strategic choice",
        ),
        # A paraphrase sharing few words, met by the stems "nation", "polit", "secur" and
        # "social": a weak match.
        (
            "safeguard the security of their political systems",
            "prioritize national political security",
        ),
    ],
)
def test_restated_passages_pair_up(alignment: Alignment, left: str, right: str) -> None:
    score = _paired(alignment, left, right)
    assert score is not None
    assert DEFAULT_MIN_SCORE <= score <= 1


def test_unrelated_passages_do_not_pair(alignment: Alignment) -> None:
    assert (
        _paired(
            alignment, "building a cultural center in Vietnam", "attends a welcome ceremony held by"
        )
        is None
    )
    assert _unit(alignment.left_units, "cultural center in Vietnam") in alignment.unmatched_left
    # The Taiwan statement of 001 has no counterpart in 000.
    assert _unit(alignment.right_units, "recognizes Taiwan") in alignment.unmatched_right


def test_units_are_body_slices_in_order(corpus: Corpus, alignment: Alignment) -> None:
    for article, units in (
        (corpus.article("000"), alignment.left_units),
        (corpus.article("001"), alignment.right_units),
    ):
        assert [u.index for u in units] == list(range(len(article.sentences)))
        assert all(u.text == article.body[u.start : u.end] for u in units)
        assert all(a.end <= b.start for a, b in itertools.pairwise(units))


def test_pairs_are_sorted_scored_and_unmatched_is_the_rest(alignment: Alignment) -> None:
    keys = [(p.left.index, p.right.index) for p in alignment.pairs]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    matched_left = {p.left for p in alignment.pairs}
    matched_right = {p.right for p in alignment.pairs}
    assert set(alignment.unmatched_left) == set(alignment.left_units) - matched_left
    assert set(alignment.unmatched_right) == set(alignment.right_units) - matched_right


def test_one_left_unit_may_have_several_counterparts(alignment: Alignment) -> None:
    unit = _unit(alignment.left_units, "forge ahead with the building")
    pairs = alignment.counterparts_of("left", unit.start + 5)
    assert len(pairs) >= 2
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    assert all(p.left == unit for p in pairs)
    # Each is near the best of its left unit, or of its right unit (the same relation
    # seen from either side).
    for pair in pairs:
        best_of_right = max(p.score for p in alignment.pairs if p.right == pair.right)
        assert pair.score >= NEAR_BEST_RATIO * min(pairs[0].score, best_of_right)


def test_counterparts_of_an_offset_from_either_side(alignment: Alignment) -> None:
    left = _unit(alignment.left_units, "should properly manage differences")
    (best, *_) = alignment.counterparts_of("left", left.end - 1)
    assert "manage differences on maritime issues" in best.right.text
    right_pairs = alignment.counterparts_of("right", best.right.start)
    assert best in right_pairs
    # Between two units (the blank line between paragraphs) there is nothing.
    assert alignment.unit_at("left", left.end) is None
    assert alignment.counterparts_of("left", left.end) == []
    assert alignment.counterparts_of("left", -1) == []
    unmatched = alignment.unmatched_left[0]
    assert alignment.counterparts_of("left", unmatched.start) == []
    with pytest.raises(ValueError):
        alignment.counterparts_of("middle", 0)  # type: ignore[arg-type]


def test_rows_show_every_unit_once_in_order(alignment: Alignment) -> None:
    rows = alignment.rows()
    left = [r.left.index for r in rows if r.left is not None]
    right = [r.right.index for r in rows if r.right is not None]
    assert left == list(range(len(alignment.left_units)))
    assert right == list(range(len(alignment.right_units)))
    matched = [r for r in rows if r.left is not None and r.right is not None]
    assert matched
    pairs = {(p.left, p.right): p.score for p in alignment.pairs}
    assert all(pairs[(r.left, r.right)] == r.score for r in matched)
    assert all(r.score is None for r in rows if r.left is None or r.right is None)


def test_rows_keep_the_best_monotonic_chain() -> None:
    left = _article(
        "left",
        "Apples grow on tall green trees in the orchard.\n\n"
        "Bananas ripen quickly in the warm tropical sun.\n\n"
        "Cherries make a sweet red summer pie.",
    )
    right = _article(
        "right",
        "Cherries make a sweet red summer pie.\n\n"
        "Apples grow on tall green trees in the orchard.\n\n"
        "Bananas ripen quickly in the warm tropical sun.",
    )
    alignment = align_articles(left, right)
    assert {(p.left.index, p.right.index) for p in alignment.pairs} == {(0, 1), (1, 2), (2, 0)}
    layout = [(r.left and r.left.index, r.right and r.right.index) for r in alignment.rows()]
    # Two matches in order beat the one crossing them; the cherries get rows of their own,
    # each saying where its counterpart is.
    assert layout == [(None, 0), (0, 1), (1, 2), (2, None)]
    rows = alignment.rows()
    assert [
        (r.elsewhere.left.index, r.elsewhere.right.index) for r in (rows[0], rows[3]) if r.elsewhere
    ] == [(2, 0), (2, 0)]
    assert rows[1].elsewhere is None  # a matched row needs none


def test_an_article_aligns_with_itself_on_the_diagonal(corpus: Corpus) -> None:
    article = corpus.article("004")
    alignment = align_articles(article, article, unit="paragraph")
    assert len(alignment.left_units) == len(article.paragraphs)
    rows = alignment.rows()
    # Paragraphs 0 and 15 are the same caption, so they pair with each other too.
    assert [(r.left.index, r.right.index) for r in rows if r.left and r.right] == [
        (i, i) for i in range(len(article.paragraphs))
    ]
    assert all(r.score == pytest.approx(1.0) for r in rows)


def test_paragraph_units(corpus: Corpus) -> None:
    alignment = align_articles(corpus.article("000"), corpus.article("001"), unit="paragraph")
    assert len(alignment.left_units) == len(corpus.article("000").paragraphs)
    assert (
        _paired(alignment, "properly manage differences", "manage differences on maritime issues")
        is not None
    )


def test_min_score_filters_pairs(corpus: Corpus, alignment: Alignment) -> None:
    strict = align_articles(corpus.article("000"), corpus.article("001"), min_score=0.35)
    assert strict.pairs
    assert set(strict.pairs) < set(alignment.pairs)
    assert all(p.score >= 0.35 for p in strict.pairs)
    assert align_articles(corpus.article("000"), corpus.article("001"), min_score=1.01).pairs == ()


def test_to_dict(alignment: Alignment) -> None:
    data = alignment.to_dict()
    assert data["left"] == "000_e730ce0a32d34978"
    assert data["unit"] == "sentence"
    assert data["min_score"] == DEFAULT_MIN_SCORE
    assert len(data["pairs"]) == len(alignment.pairs)
    first = data["pairs"][0]
    assert set(first) == {"left", "right", "score"}
    assert set(first["left"]) == {"index", "start", "end", "text"}
    assert len(data["unmatched_right"]) == len(alignment.unmatched_right)


def test_terms_drop_stopwords_and_stem() -> None:
    weights = term_weights("The sides are managing the differences")
    assert set(weights) == {"side", "manag", "differ", "side manag", "manag differ"}
    assert weights["side"] == 1.0
    assert weights["side manag"] == 0.25
    assert set(term_weights("manage a difference")) == {"manag", "differ", "manag differ"}
    # Snowball meets what the light stemmer missed.
    assert "nation" in term_weights("national") and "nation" in term_weights("nations")


def test_empty_articles_align_to_nothing() -> None:
    empty = _article("empty", "")
    other = _article("other", "One sentence here.")
    alignment = align_articles(empty, other)
    assert alignment.pairs == ()
    assert [r.right.index for r in alignment.rows() if r.right] == [0]
    assert units_of(empty) == ()
    with pytest.raises(ValueError):
        units_of(other, "word")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "shown"),
    [(0.249, "0.24"), (0.2449, "0.24"), (0.25, "0.25"), (0.2996, "0.30"), (0.57, "0.57")],
)
def test_a_weak_score_never_shows_as_strong(score: float, shown: str) -> None:
    """(Found by a tester.) 0.249 showed as "0.25 weak", under a README saying only
    scores under 0.25 are weak."""
    from annotations.align import STRONG_SCORE, shown_score

    assert shown_score(score) == shown
    assert (float(shown_score(score)) < STRONG_SCORE) == (score < STRONG_SCORE)
