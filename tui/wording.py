"""Small helpers for the words the UI shows."""

from __future__ import annotations

from annotations.wording import count_noun

__all__ = ["count_noun", "reanchor_not_saved"]


def reanchor_not_saved(error: Exception) -> str:
    """The notice when annotations re-anchored to changed articles could not be saved (a
    read-only database): reading goes on with the offsets last saved."""
    return f"re-anchoring after article changes was not saved: {error}"
