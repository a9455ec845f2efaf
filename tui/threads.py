"""Work done in a thread beside the event loop, written so that the loop keeps running.

A thread shares the interpreter with the event loop: a long call into C that holds it (a
sort of 100,000 tuples) or a garbage collection that scans every new object freezes the
UI just as if the work ran on the loop.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from annotations.gc_pause import gc_paused

T = TypeVar("T")
SORT_STEP = 5_000


@contextlib.contextmanager
def long_lived_objects() -> Iterator[None]:
    """Build data that lives as long as the window (the collection's metadata, the
    annotations) with the cyclic garbage collector paused, then move everything built so
    far out of its reach (`gc.freeze`). Re-enabled without the freeze, its first
    collections scanned every new object three times over (0.1-0.3 s each at 100,000
    articles), stalling the event loop though the work ran in a thread."""
    with gc_paused():
        try:
            yield
        finally:
            gc.freeze()


def sorted_in_steps(items: list[T], key: Callable[[T], Any], *, reverse: bool = False) -> list[T]:
    """`sorted(items, key=key, reverse=reverse)` (stable too), done in steps of
    `SORT_STEP` items merged in Python: one `sorted` of 100,000 tuple keys holds the
    interpreter for 150 ms or more, which stalls the event loop beside it."""
    if len(items) <= SORT_STEP:
        return sorted(items, key=key, reverse=reverse)
    steps = [
        sorted(items[start : start + SORT_STEP], key=key, reverse=reverse)
        for start in range(0, len(items), SORT_STEP)
    ]
    return list(heapq.merge(*steps, key=key, reverse=reverse))
