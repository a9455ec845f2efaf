"""The base of newsmark's screens and dialogs: typed access to the app and its workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import NewsmarkApp
    from tui.workspace import Workspace


class NewsmarkAccess:
    """For screens and dialogs: `newsmark` (the app, typed) and `workspace` (its data)."""

    app: Any  # provided by Textual's Screen

    @property
    def newsmark(self) -> NewsmarkApp:
        """The app, typed."""
        # Textual types `app` as App[Any]; a newsmark screen only ever runs in NewsmarkApp
        # (importing it here for an isinstance check would be circular).
        app: NewsmarkApp = self.app
        return app

    @property
    def workspace(self) -> Workspace:
        """The open collection and annotation store the screens share."""
        return self.newsmark.workspace


class NewsmarkScreen(NewsmarkAccess, Screen[None]):
    """A full screen of the newsmark app."""
