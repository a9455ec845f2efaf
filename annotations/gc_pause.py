"""Pausing the cyclic garbage collector while large acyclic data is built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Building 100,000s of objects that hold no cycles (a collection's metadata, a database's
    documents) otherwise triggers collections that scan all of them again and again: about
    twice as slow, and most of the time of opening a large collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
