"""Auto-suggesting places to tag (annotations/suggest.py)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.corpus import Corpus
from annotations.model import Anchor, Annotation
from annotations.suggest import (
    SuggestError,
    Suggestion,
    accept,
    suggest,
    suggest_for_tag,
    suggest_phrases,
)

SHARED_FUTURE = "community with a shared future"
# Occurrences of SHARED_FUTURE per article, counted with grep.
SHARED_FUTURE_COUNTS = {"000": 2, "001": 9, "002": 2, "003": 1, "004": 4}


@pytest.fixture
def corpus(samples_dir: Path) -> Corpus:
    return Corpus.open(samples_dir)


def _per_article(suggestions: list[Suggestion]) -> dict[str, int]:
    return dict(Counter(s.article[:3] for s in suggestions))


def _annotate(
    corpus: Corpus, article_id: str, quote: str, tags: tuple[str, ...], occurrence: int = 1
) -> Annotation:
    article = corpus.article(article_id)
    span = locate_quote(article.body, quote, occurrence)
    return new_annotation(article, span.start, span.end, tags=tags)


def _assert_valid(corpus: Corpus, suggestions: list[Suggestion]) -> None:
    keys = [(s.article, s.start) for s in suggestions]
    assert keys == sorted(keys)
    for s in suggestions:
        assert corpus.article(s.article).body[s.start : s.end] == s.quote
        assert s.quote in s.context
    for a, b in itertools.pairwise(suggestions):
        assert a.article != b.article or a.end <= b.start


def test_exact_matches_everywhere(corpus: Corpus) -> None:
    found = suggest(corpus, SHARED_FUTURE, tags=["community"])
    assert _per_article(found) == SHARED_FUTURE_COUNTS
    assert {(s.kind, s.score, s.quote) for s in found} == {("exact", 100.0, SHARED_FUTURE)}
    _assert_valid(corpus, found)


def test_case_insensitive_matches_are_marked(corpus: Corpus) -> None:
    found = suggest(corpus, "china-vietnam Community", tags=["x"], fuzzy=False)
    assert _per_article(found) == {"000": 2, "001": 5, "003": 1, "004": 1}
    assert {(s.kind, s.quote) for s in found} == {("case-insensitive", "China-Vietnam community")}


def test_near_matches_differ_by_a_word(corpus: Corpus) -> None:
    found = suggest(corpus, "community of shared future", tags=["x"])
    assert _per_article(found) == SHARED_FUTURE_COUNTS
    assert {(s.kind, s.quote) for s in found} == {("near", SHARED_FUTURE)}
    assert all(85 <= s.score < 100 for s in found)
    _assert_valid(corpus, found)
    assert suggest(corpus, "community of shared future", tags=["x"], fuzzy=False) == []
    assert suggest(corpus, "community of shared future", tags=["x"], min_score=90) == []


def test_near_matches_snap_to_whole_words(corpus: Corpus) -> None:
    (found,) = suggest(corpus, "manage difference on maritime issue", tags=["sea"])
    assert found.kind == "near"
    assert found.quote == "manage differences on maritime issues"
    assert found.article.startswith("001")


def test_matches_do_not_cut_words(corpus: Corpus) -> None:
    found = suggest(corpus, "Xi", tags=["xi"], fuzzy=False)
    expected = sum(
        len(re.findall(r"(?<!\w)Xi(?!\w)", corpus.article(meta.id).body)) for meta in corpus
    )
    assert len(found) == expected
    assert "004" not in _per_article(found)  # it mentions Xinhua, never Xi
    assert suggest(corpus, "Xinhu", tags=["x"], fuzzy=False) == []


def test_annotated_places_are_left_out(corpus: Corpus) -> None:
    tagged = _annotate(corpus, "000", SHARED_FUTURE, ("Community", "China"))
    wider = _annotate(corpus, "001", "build a community with a shared future", ("community",))
    found = suggest(corpus, SHARED_FUTURE, tags=["community"], existing=[tagged, wider])
    assert len(found) == sum(SHARED_FUTURE_COUNTS.values()) - 2
    assert all(s.start != tagged.start for s in found if s.article == tagged.article)
    # An annotation without all of the tags does not count as done.
    found = suggest(corpus, SHARED_FUTURE, tags=["community", "future"], existing=[tagged])
    assert len(found) == sum(SHARED_FUTURE_COUNTS.values())


def test_orphaned_annotations_do_not_hide_matches(corpus: Corpus) -> None:
    tagged = _annotate(corpus, "000", SHARED_FUTURE, ("community",))
    orphan = replace(tagged, anchor=Anchor.ORPHANED)  # its offsets are stale
    found = suggest(corpus, SHARED_FUTURE, tags=["community"], existing=[orphan])
    assert len(found) == sum(SHARED_FUTURE_COUNTS.values())
    assert any(s.article == tagged.article and s.start == tagged.start for s in found)


def test_overlapping_suggestions_keep_the_best(corpus: Corpus) -> None:
    found = suggest_phrases(
        corpus, [SHARED_FUTURE, "a shared future that carries"], tags=["x"], fuzzy=False
    )
    _assert_valid(corpus, found)
    assert {s.quote for s in found} == {SHARED_FUTURE}


def test_limit_and_empty_phrase(corpus: Corpus) -> None:
    found = suggest(corpus, SHARED_FUTURE, tags=["x"], limit=3)
    assert found == suggest(corpus, SHARED_FUTURE, tags=["x"])[:3]
    with pytest.raises(SuggestError, match="empty"):
        suggest(corpus, "   ", tags=["x"])


def test_suggest_for_tag_learns_from_tagged_quotes(corpus: Corpus) -> None:
    tagged = [
        _annotate(corpus, "000", SHARED_FUTURE, ("Community",)),
        _annotate(corpus, "001", "manage differences on maritime issues", ("sea",)),
    ]
    found = suggest_for_tag(corpus, tagged, "community")
    assert len(found) == sum(SHARED_FUTURE_COUNTS.values()) - 1
    assert {s.quote for s in found} == {SHARED_FUTURE}
    assert suggest_for_tag(corpus, tagged, "sea") == []
    by_phrase = suggest_for_tag(corpus, tagged, "sea", phrase="South China Sea")
    assert _per_article(by_phrase) == {"000": 2}


def test_suggest_for_tag_needs_examples_or_a_phrase(corpus: Corpus) -> None:
    with pytest.raises(SuggestError) as raised:
        suggest_for_tag(corpus, [], "security")
    assert str(raised.value) == "no annotations tagged security to learn from; give --phrase"
    with pytest.raises(SuggestError):
        suggest_for_tag(corpus, [], [])


def test_accept_builds_annotations(corpus: Corpus) -> None:
    found = suggest(corpus, SHARED_FUTURE, tags=["x"], limit=2)
    created = accept(found, corpus, tags=[" Community ", "community", "Diplomacy"], note="auto")
    assert len(created) == 2
    for suggestion, annotation in zip(found, created, strict=True):
        body = corpus.article(annotation.article).body
        assert annotation.quote == body[annotation.start : annotation.end] == SHARED_FUTURE
        assert (annotation.article, annotation.start) == (suggestion.article, suggestion.start)
        assert annotation.tags == ("Community", "Diplomacy")
        assert annotation.note == "auto"
    assert created[0].id != created[1].id


def test_accept_refuses_stale_suggestions(corpus: Corpus) -> None:
    (found, *_) = suggest(corpus, SHARED_FUTURE, tags=["x"])
    stale = Suggestion(
        found.article,
        found.start + 1,
        found.end + 1,
        found.quote,
        found.context,
        found.kind,
        found.score,
    )
    with pytest.raises(SuggestError, match="changed"):
        accept([stale], corpus, tags=["x"])


def test_to_dict(corpus: Corpus) -> None:
    (found, *_) = suggest(corpus, "community of shared future", tags=["x"])
    data = found.to_dict()
    assert set(data) == {"article", "start", "end", "quote", "context", "kind", "score"}
    assert data["kind"] == "near"
    assert data["score"] == round(found.score, 1)


def test_accepting_refuses_an_article_whose_file_changed_on_disk(
    library_copy: Path, tmp_path: Path
) -> None:
    from annotations.errors import StaleArticleError

    corpus = Corpus.open(library_copy)
    article_id = next(meta.id for meta in corpus)
    body = corpus.article(article_id).body
    phrase = body.split(".")[0][:20]
    start = body.index(phrase)
    suggestion = Suggestion(article_id, start, start + len(phrase), phrase, phrase, "exact", 100.0)
    path = corpus.meta(article_id).path
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA new paragraph.\n", encoding="utf-8")
    with pytest.raises(StaleArticleError, match="changed on disk"):
        accept([suggestion], corpus, tags=["x"])


def test_near_matches_do_not_cross_a_sentence_end(tmp_path: Path) -> None:
    """(Found by a tester.) `security. Cooperation`, the end of one sentence and the start
    of the next, was suggested for "security cooperation" at 98."""
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.txt").write_text(
        "Talks\n\nThey spoke of security. Cooperation grew after that. Security talks and "
        "security cooperations went on.\n",
        encoding="utf-8",
    )
    found = suggest(Corpus.open(library, use_cache=False), "security cooperation", tags=["x"])
    assert [s.quote for s in found] == ["security cooperations"]
