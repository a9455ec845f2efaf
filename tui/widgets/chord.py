"""`g g` goes to the top, as in vim, where `g` alone opens the tag browser.

A view binds `g` to its `action_tag_browser` and calls `TopChord.press` from it: a second
`g` within `CHORD_SECONDS` runs the view's "top" instead; after the pause, a single `g`
opens the tag browser as everywhere else (so the footer and help keep "g Tags").
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

CHORD_SECONDS = 0.5
TOP_CHORD_HELP = "The tag browser (g g here goes to the top)"
"""The tooltip of a view's `g`."""


class TopChord:
    """The pending first `g` of a view."""

    def __init__(self, view: Widget, top: Callable[[], None]) -> None:
        self._view = view
        self._top = top
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        """A first `g` waits for a second one."""
        return self._timer is not None

    def press(self) -> None:
        """A `g`: the first waits for a second (top); alone, it opens the tag browser."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self._top()
            return
        self._timer = self._view.set_timer(CHORD_SECONDS, self._alone)

    async def _alone(self) -> None:
        self._timer = None
        if self._view.app.screen is self._view.screen:  # nothing opened over the view since
            await self._view.run_action("app.tag_browser")
