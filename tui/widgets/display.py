"""Text as it is drawn on a terminal's cell grid (no dependencies: cheap to import)."""

from __future__ import annotations

# Tabs, newlines and other control characters are shown as one space.
_CONTROL_TO_SPACE = dict.fromkeys((*range(0x20), 0x7F), " ")


def display_text(text: str) -> str:
    """`text` as drawn: same length, control characters (tabs, newlines) as spaces."""
    return text.translate(_CONTROL_TO_SPACE)
