"""The screens' header: Textual's, safe when a title is set while it is still composed.

Textual's `Header` shows the title through watchers it sets up when mounted; on a busy
machine a screen's `sub_title` can be set (the reader shows its article's title) before the
header's parts are mounted, and Textual's watcher then raised `NoMatches` and stopped the
app. Here the title is shown once they are.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.events import Mount
from textual.widgets import Header as TextualHeader
from textual.widgets._header import HeaderTitle


class Header(TextualHeader):
    """A `Header` whose title may change before its parts are mounted."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Textual's `Header._on_mount`, not as well

        async def set_title() -> None:
            if not self.is_attached:
                return
            try:
                title = self.query_one(HeaderTitle)
            except NoMatches:  # not composed yet: shown after the next refresh
                self.call_after_refresh(set_title)
                return
            title.update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
