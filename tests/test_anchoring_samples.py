"""Re-anchoring every paragraph and many sentences of the samples after one word of each
changed: the annotation must mark exactly the edited passage, never text of a neighbour."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from annotations.anchoring import locate_quote, new_annotation, reanchor
from annotations.article import Article, Span
from annotations.corpus import Corpus
from annotations.model import Anchor
from tests.conftest import SAMPLES_DIR

REPLACEMENT = "altered"
# Which word of the passage is changed: a third, half and two thirds of the way in.
WORD_POSITIONS = (1 / 3, 1 / 2, 2 / 3)
MIN_WORDS = 6  # shorter passages may rightly be orphaned by a one-word change
EVERY_NTH_SENTENCE = 3


def _passages(article: Article) -> list[Span]:
    """Every paragraph and every third sentence of at least MIN_WORDS words that occur
    once in the body (a repeated caption has another, unchanged copy to go to)."""
    body = article.body
    spans = [Span(p.start, p.end) for p in article.paragraphs]
    spans += list(article.sentences[::EVERY_NTH_SENTENCE])
    return [
        span
        for span in dict.fromkeys(spans)
        if len(body[span.start : span.end].split()) >= MIN_WORDS
        and body.count(body[span.start : span.end]) == 1
    ]


def _cases() -> list[tuple[str, int, int, float]]:
    corpus = Corpus.open(SAMPLES_DIR, use_cache=False)
    cases = []
    for meta in corpus:
        article = corpus.article(meta.id)
        for span in _passages(article):
            cases += [(meta.id, span.start, span.end, where) for where in WORD_POSITIONS]
    return cases


CASES = _cases()


def test_the_samples_give_many_passages() -> None:
    assert len({(a, s) for a, s, _, _ in CASES}) > 100
    assert {a for a, _, _, _ in CASES} == {m.id for m in Corpus.open(SAMPLES_DIR, use_cache=False)}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.open(SAMPLES_DIR, use_cache=False)


@pytest.mark.parametrize(("article_id", "start", "end", "where"), CASES)
def test_one_changed_word_keeps_the_passage_and_only_it(
    corpus: Corpus, article_id: str, start: int, end: int, where: float
) -> None:
    article = corpus.article(article_id)
    body = article.body
    annotation = new_annotation(article, start, end, tags=["t"])
    words = [m.span() for m in re.finditer(r"[^\W\d_]{2,}", body[start:end])]
    word_start, word_end = words[min(len(words) - 1, int(len(words) * where))]
    word_start, word_end = start + word_start, start + word_end
    edited = body[:word_start] + REPLACEMENT + body[word_end:]
    new_end = end + len(REPLACEMENT) - (word_end - word_start)
    result = reanchor(annotation, replace(article, body=edited))
    assert result.anchor == Anchor.FUZZY
    assert (result.start, result.end) == (start, new_end), (
        f"expected {edited[start:new_end]!r}, got {result.quote!r}"
    )
    assert result.quote == edited[start:new_end]


def test_the_tester_case_does_not_take_in_the_previous_paragraph(corpus: Corpus) -> None:
    article = corpus.article("000")
    quote = (
        "China and Vietnam are both key countries along the South China Sea, with shared "
        "interests and responsibilities in maintaining peace and stability in the region, "
        "Xi pointed out."
    )
    span = locate_quote(article.body, quote)
    annotation = new_annotation(article, span.start, span.end, tags=["t1"])
    for old, new in (
        ("shared interests", "common interests"),
        ("maintaining", "keeping"),
        ("stability", "calm"),
    ):
        edited = article.body.replace(old, new)
        result = reanchor(annotation, replace(article, body=edited))
        assert result.anchor == Anchor.FUZZY
        assert result.quote == quote.replace(old, new)
        assert result.start == span.start


def test_a_paragraph_break_put_inside_the_quote_is_still_spanned() -> None:
    """The rule against running into a neighbouring paragraph does not cut a quote whose
    own text was split into two paragraphs."""
    corpus = Corpus.open(SAMPLES_DIR, use_cache=False)
    article = corpus.article("000")
    quote = (
        "China and Vietnam are both key countries along the South China Sea, with shared "
        "interests and responsibilities in maintaining peace and stability in the region"
    )
    span = locate_quote(article.body, quote)
    annotation = new_annotation(article, span.start, span.end, tags=["t1"])
    split = quote.replace("Sea, with shared", "Sea.\n\nWith shared")
    edited = article.body.replace(quote, split)
    result = reanchor(annotation, replace(article, body=edited))
    assert result.anchor == Anchor.FUZZY
    assert result.quote == split
