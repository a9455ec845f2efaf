"""The annotation database.

| module | job |
|---|---|
| `store.py` | `AnnotationStore`: reads, isolated read-modify-writes, undo/redo, re-anchoring |
| `single.py` | `add_new`, `modify_at`, `delete_at`: one annotation written, DB not opened whole |
| `journal.py` | `DurableStorage`: the TinyDB storage (atomic snapshot + fsync'd journal) |
| `head.py` | a snapshot's head: `_newsmark` record, history index, where the annotations lie |
| `append.py` | one journal line written on the head and the journal alone, under the lock |
| `lookup.py` | finding annotations in a snapshot by id prefix with a byte search |
| `history.py` | undo entries: what changed, and taking it back without reverting others' work |
| `index.py` | in-memory indexes (annotations per article, tags in use) |
| `schema.py` | tables, document shapes checked at load, schema migrations |
| `ops.py` | `Op`, the unit of every change |
| `current.py` | every annotation as it is now, read without opening the store (an export) |
| `codebook_view.py` | the codebook listing and memos, from the tables |
| `reanchor.py` | the re-anchoring rule per article, its report, and a check that changes nothing |
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotations.store.reanchor import ReanchorReport
    from annotations.store.single import add_new, delete_at, modify_at
    from annotations.store.store import (
        CLI_LABEL,
        CLI_ORIGIN,
        UNCHANGED,
        AnnotationStore,
        DuplicateAnnotationError,
        HistoryItem,
    )

__all__ = [
    "CLI_LABEL",
    "CLI_ORIGIN",
    "UNCHANGED",
    "AnnotationStore",
    "DuplicateAnnotationError",
    "HistoryItem",
    "ReanchorReport",
    "add_new",
    "delete_at",
    "modify_at",
]

# Loaded when first asked for: a reader of one module of the package (an export reading
# the annotations, `current.py`) does not load the store, TinyDB and the file lock.
_HOMES = {
    "ReanchorReport": "reanchor",
    "add_new": "single",
    "delete_at": "single",
    "modify_at": "single",
    **dict.fromkeys(
        (
            "CLI_LABEL",
            "CLI_ORIGIN",
            "UNCHANGED",
            "AnnotationStore",
            "DuplicateAnnotationError",
            "HistoryItem",
        ),
        "store",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
