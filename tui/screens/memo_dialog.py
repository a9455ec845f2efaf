"""A dialog for a longer text: a memo (on an article or a tag) or a tag's description."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

HINT = "ctrl+s saves (an empty text removes it) · esc cancels"


class TextDialog(ModalScreen[str | None]):
    """Edit a text of several lines; ctrl+s returns it, escape returns None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="text-dialog.cancel"),
        Binding("ctrl+s", "save", "Save", id="text-dialog.save"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog text-dialog"):
            yield Static(Text(self._title, style="bold"))
            yield TextArea(self._text, id="text-dialog-area", soft_wrap=True)
            yield Static(Text(HINT, style="dim"))

    def on_mount(self) -> None:
        """Focus the text, its cursor at the end."""
        area = self.query_one("#text-dialog-area", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Close with the text."""
        self.dismiss(self.query_one("#text-dialog-area", TextArea).text)

    def action_cancel(self) -> None:
        """Close without changes."""
        self.dismiss(None)
