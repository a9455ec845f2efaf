"""Messages the app broadcasts to its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Annotations or tags changed on disk; screens showing them refresh."""


class WorkspaceReady(Message):
    """The collection and the DB finished opening."""
