"""Messages the app broadcasts to its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Annotations or tags changed on disk; screens showing them refresh."""

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description


class WorkspaceReady(Message):
    """The collection and the DB finished opening."""
