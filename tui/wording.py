"""Small helpers for the words the UI shows."""

from __future__ import annotations

from annotations.wording import count_noun

__all__ = ["collection_notice", "count_noun", "reanchor_not_saved"]

# A start-up notice lists this many of the collection's notices (skipped files etc.).
NOTICES_SHOWN = 3


def reanchor_not_saved(error: Exception) -> str:
    """The notice when annotations re-anchored to changed articles could not be saved (a
    read-only database): reading goes on with the offsets last saved."""
    return f"re-anchoring after article changes was not saved: {error}"


def collection_notice(notices: list[str]) -> str:
    """The collection's notices (files skipped, or read with a fallback) as one message:
    each on a line when few, else the first `NOTICES_SHOWN` and how many more (a toast
    each would cover the screen)."""
    if len(notices) <= NOTICES_SHOWN:
        return "\n".join(notices)
    more = len(notices) - NOTICES_SHOWN
    return "\n".join(
        [
            f"{count_noun(len(notices), 'notice')} about the collection's files (skipped, or "
            "read with a fallback):",
            *notices[:NOTICES_SHOWN],
            f"… and {more} more (`newsmark list` prints every one).",
        ]
    )
