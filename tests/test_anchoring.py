"""Locating quotes, creating annotations and re-anchoring them after the article changes."""

from __future__ import annotations

import random
import string
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotations.anchoring import (
    CONTEXT_CHARS,
    current_article,
    locate_quote,
    new_annotation,
    place,
    reanchor,
)
from annotations.article import Article, ArticleMeta, Span
from annotations.corpus import Corpus
from annotations.errors import QuoteNotFoundError
from annotations.model import Anchor, Annotation
from annotations.tags import InvalidTagError
from annotations.textfold import fold_text

BODY = (
    "The council met on Tuesday evening to discuss the budget.\n\n"
    "After a long debate the councillors agreed to freeze parking charges for a year, "
    "a decision welcomed by local shop owners.\n\n"
    "The next meeting is planned for March."
)
QUOTE = "agreed to freeze parking charges"


def article(body: str, article_id: str = "000_council") -> Article:
    meta = ArticleMeta(
        id=article_id,
        title="Council",
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path("council.txt"),
        words=len(body.split()),
        format="txt",
    )
    return Article(meta=meta, body=body)


def annotate(body: str = BODY, quote: str = QUOTE):
    span = locate_quote(body, quote)
    return new_annotation(article(body), span.start, span.end, tags=["Budget"])


# locate_quote ------------------------------------------------------------------------


def test_locate_quote_finds_the_requested_occurrence() -> None:
    body = "one fish, two fish, red fish"
    assert locate_quote(body, "fish") == Span(4, 8)
    assert locate_quote(body, "fish", 3) == Span(24, 28)


def test_locate_quote_names_the_article_when_absent() -> None:
    with pytest.raises(QuoteNotFoundError, match="quote not found in article 000_council"):
        locate_quote(BODY, "no such words", article_id="000_council")


def test_locate_quote_says_how_many_occurrences_there_are() -> None:
    with pytest.raises(QuoteNotFoundError, match="only 2 times"):
        locate_quote("a fish and a fish", "fish", 3)


@pytest.mark.parametrize("quote", ["", "   ", "\n\n"])
def test_locate_quote_rejects_an_empty_quote(quote: str) -> None:
    with pytest.raises(QuoteNotFoundError, match="empty"):
        locate_quote(BODY, quote)


def test_locate_quote_rejects_occurrence_zero() -> None:
    with pytest.raises(QuoteNotFoundError, match="occurrence"):
        locate_quote(BODY, "the", 0)


# new_annotation ----------------------------------------------------------------------


def test_new_annotation_records_quote_context_hash_and_tags() -> None:
    art = article(BODY)
    span = locate_quote(BODY, QUOTE)
    ann = new_annotation(
        art,
        span.start,
        span.end,
        tags=[" Budget ", "budget", "Parking"],
        note="key point",
        colour="#ABC",
    )
    assert (ann.quote, ann.start, ann.end) == (QUOTE, span.start, span.end)
    assert ann.prefix == BODY[span.start - CONTEXT_CHARS : span.start]
    assert ann.suffix == BODY[span.end : span.end + CONTEXT_CHARS]
    assert ann.body_hash == art.content_hash
    assert ann.tags == ("Budget", "Parking")
    assert (ann.note, ann.colour, ann.anchor) == ("key point", "#aabbcc", Anchor.EXACT)
    assert ann.created == ann.updated and ann.created.endswith("Z")
    assert ann.article == "000_council"


def test_new_annotation_trims_whitespace_and_keeps_short_context_at_the_edges() -> None:
    body = "  Hello world.  \n\nBye."
    ann = new_annotation(article(body), 0, 17)
    assert (ann.quote, ann.start, ann.end) == ("Hello world.", 2, 14)
    assert ann.prefix == "  "
    assert ann.suffix == "  \n\nBye."


def test_new_annotation_ids_are_unique() -> None:
    assert annotate().id != annotate().id


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (6, 5), (0, len(BODY) + 1)])
def test_new_annotation_rejects_offsets_outside_the_body(start: int, end: int) -> None:
    with pytest.raises(QuoteNotFoundError, match="outside article 000_council"):
        new_annotation(article(BODY), start, end)


def test_new_annotation_rejects_a_whitespace_only_range() -> None:
    start = BODY.index("\n\n")
    with pytest.raises(QuoteNotFoundError, match="only whitespace"):
        new_annotation(article(BODY), start, start + 2)


def test_new_annotation_rejects_bad_tags_and_colours() -> None:
    with pytest.raises(InvalidTagError):
        new_annotation(article(BODY), 0, 3, tags=["a,b"])
    with pytest.raises(InvalidTagError):
        new_annotation(article(BODY), 0, 3, colour="#12")


# reanchor ----------------------------------------------------------------------------


def test_same_body_returns_the_same_object() -> None:
    ann = annotate()
    assert reanchor(ann, article(BODY)) is ann


def test_paragraph_inserted_before_gives_exact_with_shifted_offsets() -> None:
    ann = annotate()
    inserted = "Breaking: the mayor resigned this morning.\n\n"
    result = reanchor(ann, article(inserted + BODY))
    assert result.anchor == Anchor.EXACT
    assert (result.start, result.end) == (ann.start + len(inserted), ann.end + len(inserted))
    assert result.quote == QUOTE
    assert result.body_hash == article(inserted + BODY).content_hash


def test_typo_fixed_inside_the_quote_gives_fuzzy_with_the_new_text() -> None:
    body = BODY.replace("parking", "parkng")
    ann = annotate(body, "agreed to freeze parkng charges")
    result = reanchor(ann, article(BODY))
    assert result.anchor == Anchor.FUZZY
    assert result.quote == QUOTE
    assert BODY[result.start : result.end] == QUOTE
    assert result.prefix == BODY[result.start - CONTEXT_CHARS : result.start]


def test_word_changed_in_the_context_gives_exact_with_new_context() -> None:
    ann = annotate()
    body = BODY.replace("long debate", "short debate")
    result = reanchor(ann, article(body))
    assert result.anchor == Anchor.EXACT
    assert body[result.start : result.end] == QUOTE
    assert "short debate" in result.prefix


def test_quote_duplicated_elsewhere_keeps_the_original_occurrence() -> None:
    ann = annotate()
    copy = "Opinion: nobody has agreed to freeze parking charges yet, says a reader.\n\n"
    body = copy + BODY
    result = reanchor(ann, article(body))
    assert result.anchor == Anchor.EXACT
    assert result.start == ann.start + len(copy)
    assert result.prefix == ann.prefix


def test_quote_deleted_entirely_gives_orphaned_with_the_quote_kept() -> None:
    ann = annotate()
    body = BODY.replace(
        "After a long debate the councillors agreed to freeze parking charges for a year, "
        "a decision welcomed by local shop owners.\n\n",
        "",
    )
    result = reanchor(ann, article(body))
    assert result.anchor == Anchor.ORPHANED
    assert (result.quote, result.start, result.end) == (ann.quote, ann.start, ann.end)
    assert result.tags == ann.tags


def test_orphaned_annotation_becomes_exact_when_the_quote_returns() -> None:
    ann = annotate()
    orphan = reanchor(ann, article("Completely different text.\n\nNothing about it."))
    assert orphan.anchor == Anchor.ORPHANED
    assert reanchor(orphan, article("Completely different text.")) is orphan
    body = "New intro.\n\n" + BODY
    result = reanchor(orphan, article(body))
    assert result.anchor == Anchor.EXACT
    assert body[result.start : result.end] == QUOTE


def test_reanchor_is_fast_on_a_300_kib_body() -> None:
    rng = random.Random(7)
    vocabulary = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(3000)
    ]
    words = rng.choices(vocabulary, k=60_000)
    body = " ".join(words)[: 300 * 1024]
    start = body.index(" ", 150_000) + 1
    ann = new_annotation(article(body), start, start + 120)
    typo = body[: start + 60] + "#" + body[start + 61 :]
    gone = body[: start - 200] + body[start + 400 :]
    began = time.perf_counter()
    assert reanchor(ann, article(typo)).anchor == Anchor.FUZZY
    assert reanchor(ann, article(gone)).anchor == Anchor.ORPHANED
    assert time.perf_counter() - began < 1.0


# properties --------------------------------------------------------------------------

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300
)


@settings(max_examples=150, deadline=None)
@given(body=text, data=st.data())
def test_reanchor_against_the_same_text_is_exact_and_unmoved(body: str, data) -> None:
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    assume(body[start:end].strip())
    # A different stored hash forces the full search (exact position, then occurrences
    # ranked by context) instead of the unchanged-text shortcut; repeated quotes included.
    ann = replace(new_annotation(article(body), start, end), body_hash="sha256:other")
    result = reanchor(ann, article(body))
    assert result.anchor == Anchor.EXACT
    assert (result.start, result.end) == (ann.start, ann.end)


@settings(max_examples=150, deadline=None)
@given(body=text, inserted=st.text(max_size=200), data=st.data())
def test_text_inserted_before_a_unique_quote_keeps_it_exact(body: str, inserted: str, data) -> None:
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    assume(body[start:end].strip())
    ann = new_annotation(article(body), start, end)
    # Inserted words, not characters glued onto the quote's first word: that changes the
    # word, and a FUZZY match of the new word can be as right as the EXACT old characters.
    new_body = body[: ann.start] + inserted + " " + body[ann.start :]
    # Unique also once typographic variants are equal ("-" and "‐" are the same dash).
    assume(fold_text(new_body).count(fold_text(ann.quote)) == 1)
    result = reanchor(ann, article(new_body))
    assert result.anchor == Anchor.EXACT
    assert result.quote == ann.quote
    assert new_body[result.start : result.end] == ann.quote


@settings(max_examples=200, deadline=None)
@given(body=text, replacement=st.text(max_size=100), data=st.data())
def test_an_exact_quote_with_its_context_stays_exact_whatever_changes_elsewhere(
    body: str, replacement: str, data
) -> None:
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    assume(body[start:end].strip())
    ann = new_annotation(article(body), start, end)
    # Replace any stretch of text wholly before the prefix or wholly after the suffix.
    before = ann.start - len(ann.prefix)
    after = ann.end + len(ann.suffix)
    if data.draw(st.booleans()) and before > 0:
        cut_start = data.draw(st.integers(0, before))
        cut_end = data.draw(st.integers(cut_start, before))
    else:
        cut_start = data.draw(st.integers(after, len(body)))
        cut_end = data.draw(st.integers(cut_start, len(body)))
    # In words of their own (see the test above).
    replacement = f" {replacement} "
    new_body = body[:cut_start] + replacement + body[cut_end:]
    shift = len(replacement) - (cut_end - cut_start) if cut_end <= ann.start else 0
    result = reanchor(ann, article(new_body))
    assert result.anchor == Anchor.EXACT
    assert result.quote == ann.quote
    if new_body.count(ann.prefix + ann.quote + ann.suffix) == 1:
        assert (result.start, result.end) == (ann.start + shift, ann.end + shift)


def test_orphan_on_the_text_it_was_made_on_becomes_exact_again() -> None:
    # Orphaned while its article was missing: the hash is still that of the original text.
    orphan = replace(annotate(), anchor=Anchor.ORPHANED)
    result = reanchor(orphan, article(BODY))
    assert result.anchor == Anchor.EXACT
    assert (result.start, result.end, result.quote) == (orphan.start, orphan.end, QUOTE)


# the five failure shapes of issue 12 ---------------------------------------------------

NEWS = (
    "Police said a woman had been detained near the border on Friday night.\n\n"
    '"She was found hiding in a lorry," the spokesman said. "She is in custody; we have '
    'her." Officers declined to say how she had crossed.\n\n'
    "The ministry will publish its figures on Monday."
)


def annotate_in(body: str, quote: str, occurrence: int = 1):
    span = locate_quote(body, quote, occurrence)
    return new_annotation(article(body), span.start, span.end, tags=["Quote"])


def test_short_quote_with_one_word_changed_is_fuzzy_not_orphaned() -> None:
    ann = annotate_in(NEWS, 'in custody; we have her."')
    body = NEWS.replace("in custody;", "in confirmed;")
    result = reanchor(ann, article(body))
    assert result.anchor == Anchor.FUZZY
    assert result.quote == 'in confirmed; we have her."'
    assert body[result.start : result.end] == result.quote
    assert result.anchor_score is not None and 0 < result.anchor_score < 1


CAPTION = "Xi Jinping meets Vo Van Thuong in Hanoi on Wednesday. [FENG YONGBIN/CHINA DAILY]"
# The caption block appears twice, with the same paragraphs around it.
CAPTION_BLOCK = (
    "Photo gallery of the state visit to Vietnam, December 2023.\n\n"
    f"{CAPTION}\n\nPresident Xi emphasised the need to deepen cooperation."
)
CAPTIONED = (
    f"{CAPTION_BLOCK}\n\nThe two sides signed 36 documents on rail links and trade.\n\n"
    f"{CAPTION_BLOCK}\n\nAnalysts called the visit a milestone."
)


@pytest.mark.parametrize("fixed_in_both", [True, False])
def test_fuzzy_match_of_a_repeated_caption_stays_on_the_annotated_copy(
    fixed_in_both: bool,
) -> None:
    typo = CAPTIONED.replace("Thuong", "Thoung")
    ann = annotate_in(typo, CAPTION.replace("Thuong", "Thoung"), occurrence=2)
    # The typo fixed in the annotated (second) copy, or in both.
    fixed = CAPTIONED if fixed_in_both else typo[: ann.start] + CAPTIONED[ann.start :]
    result = reanchor(ann, article(fixed))
    assert result.anchor == Anchor.FUZZY
    assert (result.start, result.quote) == (CAPTIONED.rindex(CAPTION), CAPTION)


def test_a_changed_word_next_to_the_quote_does_not_send_it_to_another_occurrence() -> None:
    body = (
        "Xi, general secretary of the Communist Party of China Central Committee, said the "
        "two sides should deepen trust.\n\n"
        "Later the new provincial party secretary of the Communist Party of China Central "
        "Committee, said the two sides should deepen trade."
    )
    ann = annotate_in(body, "of the Communist Party of China Central Committee")
    edited = body.replace("general secretary ", "general concrete ")
    result = reanchor(ann, article(edited))
    assert result.anchor == Anchor.EXACT
    assert result.start == edited.index("of the Communist Party")


@pytest.mark.parametrize(
    ("quote", "now"),
    [
        (
            "deepen cooperation. The two sides signed 36 documents",
            "deepen cooperation.\n\nThe two sides signed 36 documents",
        ),
        ('"She was found hiding in a lorry,"', "\u201cShe was found hiding in a lorry,\u201d"),
        (
            "deepen cooperation. The two sides signed 36 documents",
            "deepen cooperation \u2014 the two sides signed 36 documents",
        ),
    ],
    ids=["paragraph break inside", "straight to curly quotes", "full stop to dash"],
)
def test_a_near_match_in_the_original_context_beats_an_exact_copy_elsewhere(
    quote: str, now: str
) -> None:
    body = (
        'Pull quote: "She was found hiding in a lorry," said the spokesman who would '
        "deepen cooperation. The two sides signed 36 documents in all, he said.\n\n"
        "The leaders met in Hanoi to deepen cooperation. The two sides signed 36 documents "
        "on rail links and trade.\n\n"
        '"She was found hiding in a lorry," the spokesman said of the woman.'
    )
    ann = annotate_in(body, quote, occurrence=2)
    edited = body[: ann.start] + now + body[ann.end :]
    assert edited.count(quote) == 1  # the intact copy elsewhere
    result = reanchor(ann, article(edited))
    assert result.anchor == Anchor.FUZZY
    assert (result.start, result.quote) == (ann.start, now)


@pytest.mark.parametrize("occurrence", [1, 2, 3])
def test_repeated_passages_keep_their_own_occurrence(occurrence: int) -> None:
    byline = "By Xu Wei and Cao Desheng in Hanoi"
    reports = [
        "The first report covers the talks.",
        "The second report covers the banquet.",
        "The third report covers the press conference.",
    ]
    body = "\n\n".join(f"{byline}\n\n{report}" for report in reports)
    ann = annotate_in(body, byline, occurrence)
    # Punctuation and wording fixed right next to this copy only (its nearest context).
    edited_reports = list(reports)
    if occurrence > 1:
        edited_reports[occurrence - 2] = reports[occurrence - 2].replace(".", "!")
    edited_reports[occurrence - 1] = reports[occurrence - 1].replace("The ", "A ", 1)
    edited = "Updated at 10:00.\n\n" + "\n\n".join(
        f"{byline}\n\n{report}" for report in edited_reports
    )
    result = reanchor(ann, article(edited))
    assert result.anchor == Anchor.EXACT
    assert result.start == locate_quote(edited, byline, occurrence).start


def test_a_rewritten_quote_is_orphaned_not_attached_to_the_least_bad_passage() -> None:
    ann = annotate_in(NEWS, "Officers declined to say how she had crossed.")
    body = NEWS.replace(
        "Officers declined to say how she had crossed.",
        "The border agency is now reviewing its lorry checks.",
    )
    assert reanchor(ann, article(body)).anchor == Anchor.ORPHANED


def test_anchor_score_survives_to_dict_and_is_optional_for_old_records() -> None:
    ann = reanchor(
        annotate_in(NEWS, 'in custody; we have her."'),
        article(NEWS.replace("custody", "confirmed")),
    )
    data = ann.to_dict()
    assert Annotation.from_dict(data).anchor_score == ann.anchor_score
    del data["anchor_score"]
    assert Annotation.from_dict(data).anchor_score is None
    assert "anchor_score" not in annotate().to_dict()


# place: one rule for the store and for imports ---------------------------------------


def test_place_leaves_an_annotation_whose_article_is_missing_as_it_is() -> None:
    """Its article is not in the collection (another collection's): not orphaned."""
    fuzzy = replace(annotate(), anchor=Anchor.FUZZY, anchor_score=0.9)
    assert place(fuzzy, None) is fuzzy
    orphan = replace(annotate(), anchor=Anchor.ORPHANED)
    assert place(orphan, None) is orphan


def test_place_reanchors_on_the_current_article() -> None:
    annotation = annotate()
    moved = article("A new first paragraph.\n\n" + BODY)
    placed = place(annotation, moved)
    assert placed == reanchor(annotation, moved)
    assert placed.anchor == Anchor.EXACT and placed.start == annotation.start + 24
    assert place(annotation, article(BODY)) is annotation


def test_current_article_is_none_when_the_article_is_missing(tmp_path: Path) -> None:
    (tmp_path / "council.txt").write_text("Council\n\n" + BODY, encoding="utf-8")
    (tmp_path / "other.txt").write_text("Other\n\nAnother article entirely.", encoding="utf-8")
    corpus = Corpus.open(tmp_path, use_cache=False)
    council = next(meta.id for meta in corpus if meta.path.name == "council.txt")
    found = current_article(corpus, council)
    assert found is not None and QUOTE in found.body
    assert current_article(corpus, "no-such-article") is None
    other = next(meta.id for meta in corpus if meta.path.name == "other.txt")
    (tmp_path / "other.txt").unlink()  # gone since the collection was indexed
    assert current_article(corpus, other) is None
