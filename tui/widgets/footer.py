"""A Footer that shows its keys in the screen's first frame.

Textual's Footer composes its keys only after the screen's first "bindings updated"
signal, one refresh later, so at start-up the keys appear a frame after everything else
(and after whatever work that frame competes with). The screen's bindings are already
known when the footer is composed, so this one composes them at once; later changes
recompose it as usual.
"""

from __future__ import annotations

from textual.widgets import Footer


class ReadyFooter(Footer):
    """A Footer whose keys are in the first frame."""

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)
