"""`annotations.anchoring.reattach`: an orphan attached by hand to the passage chosen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.anchoring import CONTEXT_CHARS, reanchor, reattach
from annotations.errors import QuoteNotFoundError
from annotations.model import Anchor
from annotations.store import AnnotationStore
from tests.test_anchoring import BODY, QUOTE, annotate, article

# The article after an edit that removed the quote: its annotation is orphaned.
REWRITTEN = BODY.replace("agreed to freeze parking charges", "voted to keep the parking fees")
NEW_PASSAGE = "voted to keep the parking fees"


def orphan():
    """An annotation with tags, note and colour, orphaned by REWRITTEN."""
    made = replace(annotate(), note="cost of living", colour="#ff8800")
    orphaned = reanchor(made, article(REWRITTEN))
    assert orphaned.anchor == Anchor.ORPHANED
    return orphaned


def test_reattach_takes_the_new_passage_and_keeps_everything_else() -> None:
    old = orphan()
    new_body = article(REWRITTEN)
    start = REWRITTEN.index(NEW_PASSAGE)
    end = start + len(NEW_PASSAGE)
    result = reattach(old, new_body, start, end)
    assert (result.quote, result.start, result.end) == (NEW_PASSAGE, start, end)
    assert result.prefix == REWRITTEN[start - CONTEXT_CHARS : start]
    assert result.suffix == REWRITTEN[end : end + CONTEXT_CHARS]
    assert result.body_hash == new_body.content_hash != old.body_hash
    assert (result.anchor, result.anchor_score) == (Anchor.EXACT, None)
    assert (result.id, result.article, result.tags, result.note, result.colour, result.created) == (
        old.id,
        old.article,
        old.tags,
        old.note,
        old.colour,
        old.created,
    )
    assert result.updated >= old.updated
    # Attached where the text is: re-anchoring against the same body leaves it alone.
    assert reanchor(result, new_body) is result


def test_reattach_trims_whitespace_around_the_selection() -> None:
    start = REWRITTEN.index(NEW_PASSAGE)
    result = reattach(orphan(), article(REWRITTEN), start - 1, start + len(NEW_PASSAGE) + 1)
    assert result.quote == NEW_PASSAGE and result.start == start


def test_reattach_clears_the_score_of_a_fuzzy_annotation() -> None:
    fuzzy = reanchor(annotate(), article(BODY.replace("parking", "parkign")))
    assert fuzzy.anchor == Anchor.FUZZY and fuzzy.anchor_score is not None
    start = BODY.index("freeze")
    result = reattach(fuzzy, article(BODY.replace("parking", "parkign")), start, start + 6)
    assert (result.quote, result.anchor, result.anchor_score) == ("freeze", Anchor.EXACT, None)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 5, "outside article"),
        (10, 10, "outside article"),
        (0, len(REWRITTEN) + 1, "outside article"),
        (REWRITTEN.index("\n\n"), REWRITTEN.index("\n\n") + 2, "only whitespace"),
    ],
)
def test_reattach_rejects_offsets_that_select_nothing(start: int, end: int, message: str) -> None:
    with pytest.raises(QuoteNotFoundError, match=message):
        reattach(orphan(), article(REWRITTEN), start, end)


def test_reattach_refuses_another_article() -> None:
    with pytest.raises(QuoteNotFoundError, match="belongs to article 000_council, not 001_other"):
        reattach(orphan(), article(REWRITTEN, "001_other"), 0, 5)


def test_reattach_through_the_store_keeps_a_concurrent_edit_and_is_one_undo_step(
    tmp_path: Path,
) -> None:
    store = AnnotationStore.open(tmp_path / "annotations.json")
    old = store.add(orphan())
    other = AnnotationStore.open(tmp_path / "annotations.json")
    other.edit(old.id, add_tags=["housing"])  # made meanwhile in another process
    start = REWRITTEN.index(NEW_PASSAGE)
    result = store.modify(
        old.id,
        lambda current: reattach(current, article(REWRITTEN), start, start + len(NEW_PASSAGE)),
    )
    assert store.get(old.id) == result
    assert (result.quote, result.anchor) == (NEW_PASSAGE, Anchor.EXACT)
    assert result.tags == ("Budget", "housing")
    store.undo()
    restored = store.get(old.id)
    assert (restored.quote, restored.anchor, restored.tags) == (
        QUOTE,
        Anchor.ORPHANED,
        ("Budget", "housing"),
    )
