"""The annotation database.

| module | job |
|---|---|
| `store.py` | `AnnotationStore`: reads, isolated read-modify-writes, undo/redo, re-anchoring |
| `journal.py` | `DurableStorage`: the TinyDB storage (atomic snapshot + fsync'd journal) |
| `history.py` | undo entries: what changed, and taking it back without reverting others' work |
| `index.py` | in-memory indexes (annotations per article, tags in use) |
| `schema.py` | tables, document shapes checked at load, schema migrations |
| `ops.py` | `Op`, the unit of every change |
"""

from annotations.store.store import (
    CLI_LABEL,
    CLI_ORIGIN,
    UNCHANGED,
    AnnotationStore,
    DuplicateAnnotationError,
    HistoryItem,
    ReanchorReport,
)

__all__ = [
    "CLI_LABEL",
    "CLI_ORIGIN",
    "UNCHANGED",
    "AnnotationStore",
    "DuplicateAnnotationError",
    "HistoryItem",
    "ReanchorReport",
]
