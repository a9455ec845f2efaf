"""Messages the app broadcasts to its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Annotations or tags changed on disk; screens showing them refresh."""


class WorkspaceReady(Message):
    """The collection and the DB finished opening."""


class IndexProgress(Message):
    """Opening the collection: `done` of `total` changed files parsed so far."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ArticlesReloaded(Message):
    """Article files that changed on disk were read again (`checked`: the articles looked
    at; `changed`: those whose text or metadata changed), their annotations re-anchored."""

    def __init__(self, checked: tuple[str, ...], changed: tuple[str, ...]) -> None:
        super().__init__()
        self.checked = checked
        self.changed = changed


class CollectionGrew(Message):
    """While a collection is indexed: more of its articles can be listed and read."""
