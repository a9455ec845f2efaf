"""Words in messages: counts with the noun in the right number."""

from __future__ import annotations


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """'1 quote', '2 quotes', '1,200 articles'."""
    word = singular if count == 1 else plural or singular + "s"
    return f"{count:,} {word}"
