"""Background work that gives way to what a user waits for.

Threads share one interpreter: while the TUI builds a million articles' metadata in one
thread, the library's filter in another got a third of it, and took seconds. Work the user
waits for runs `in_foreground()`; long loops in the background call `give_way()` now and
then, which waits while any foreground work runs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_condition = threading.Condition()
_running = 0  # foreground blocks that have not finished


@contextlib.contextmanager
def in_foreground() -> Iterator[None]:
    """Run the block ahead of background work (which waits in `give_way`)."""
    global _running
    with _condition:
        _running += 1
    try:
        yield
    finally:
        with _condition:
            _running -= 1
            if _running == 0:
                _condition.notify_all()


def give_way(limit: float = 5.0) -> None:
    """Wait while foreground work runs (at most `limit` seconds, so that background work
    always ends)."""
    with _condition:
        if _running:
            _condition.wait_for(lambda: _running == 0, timeout=limit)
