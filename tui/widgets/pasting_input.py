"""An input box that keeps every line of a paste.

Textual's `Input` keeps only the first line of pasted text, dropping the rest without a
word: a list of codes copied one per line lost all but the first, a note of paragraphs
all but its first line. `PastingInput` keeps them all, joined by its `line_separator`.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class PastingInput(Input):
    """An `Input` whose paste keeps every non-empty line, joined by `line_separator`."""

    line_separator = "\n"

    def _on_paste(self, event: events.Paste) -> None:
        lines = [line for line in event.text.splitlines() if line.strip()]
        if lines:
            text = self.line_separator.join(lines)
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.prevent_default()  # (not `Input`'s own paste as well)
        event.stop()
