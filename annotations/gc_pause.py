"""Pausing the cyclic garbage collector while large acyclic data is built."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_holders_lock = threading.Lock()
_holders = 0  # blocks that paused the collector and have not finished
_enabled_before = False  # whether it ran before the first of them


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Building 100,000s of objects that hold no cycles (a collection's metadata, a database's
    documents) otherwise triggers collections that scan all of them again and again: about
    twice as slow, and most of the time of opening a large collection.

    Threads may pause it at the same time (the TUI opens its data in one and sorts the
    library in another): it runs again when the last of them is done, never while one
    still builds (had each remembered its own state, the first to finish would re-enable
    it under the others, and a full collection scan their new objects).
    """
    global _holders, _enabled_before
    with _holders_lock:
        if _holders == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _holders_lock:
            _holders -= 1
            if _holders == 0 and _enabled_before:
                gc.enable()
