"""Small helpers for the words the UI shows."""

from __future__ import annotations


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """'1 quote', '2 quotes', '1,200 articles'."""
    word = singular if count == 1 else plural or singular + "s"
    return f"{count:,} {word}"


def reanchor_not_saved(error: Exception) -> str:
    """The notice when annotations re-anchored to changed articles could not be saved (a
    read-only database): reading goes on with the offsets last saved."""
    return f"re-anchoring after article changes was not saved: {error}"
