"""The base of newsmark's full screens: typed access to the app and its workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import NewsmarkApp


class NewsmarkScreen(Screen[None]):
    """A full screen of the newsmark app."""

    @property
    def newsmark(self) -> NewsmarkApp:
        """The app, typed."""
        # Textual types `app` as App[Any]; a newsmark screen only ever runs in NewsmarkApp
        # (importing it here for an isinstance check would be circular).
        return self.app  # type: ignore[return-value]
