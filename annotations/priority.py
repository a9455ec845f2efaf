"""Background work that gives way to what a user waits for.

Threads share one interpreter: while the TUI builds a million articles' metadata in one
thread, the library's filter in another got a third of it, and took seconds. Work the user
waits for runs `in_foreground()`; long loops in the background call `give_way()` now and
then, which waits while any foreground work runs.

The interface comes first of all: while its event loop handles events (see
`watch_event_loop`), `give_way()` and `let_interface_run()` (for foreground work) wait for
it to be done, up to `INTERFACE_WAIT_S` once each time it gets busy. Beside two busy
threads, the event loop otherwise got a third of the interpreter, and a 20 ms frame took
60 ms.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

_condition = threading.Condition()
_running = 0  # foreground blocks that have not finished

INTERFACE_WAIT_S = 0.03
_interface_idle = threading.Event()
_interface_idle.set()  # no interface watched: never waited for
_watched: asyncio.AbstractEventLoop | None = None
_interface_thread: int | None = None
_busy_spells = 0  # how many times the interface got busy (a thread waits once each)
_waited = threading.local()  # the spell a thread last waited for


def watch_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Have other threads give way to `loop` (running in this thread) while it handles
    events: it is idle while its selector waits for events with a timeout (a `select(0)`
    only looks between callbacks), busy otherwise. A loop without a selector is not
    watched. The last loop watched replaces the one before."""
    global _watched, _interface_thread, _busy_spells
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return
    waits_for_events = selector.select

    def select(timeout: float | None = None) -> Any:
        global _busy_spells
        if timeout is not None and timeout <= 0:
            return waits_for_events(timeout)
        _interface_idle.set()
        try:
            return waits_for_events(timeout)
        finally:
            _busy_spells += 1
            _interface_idle.clear()

    selector.select = select
    _watched, _interface_thread = loop, threading.get_ident()
    _busy_spells += 1
    _interface_idle.clear()


def let_interface_run() -> None:
    """Wait while the watched event loop handles events: at most `INTERFACE_WAIT_S`, once
    each time it gets busy (it may be waiting on something else than the interpreter).
    Returns at once in the loop's own thread, or when no running loop is watched."""
    loop, spell = _watched, _busy_spells
    if (
        loop is None
        or _interface_idle.is_set()
        or threading.get_ident() == _interface_thread
        or getattr(_waited, "spell", None) == spell
        or not loop.is_running()
    ):
        return
    _waited.spell = spell
    _interface_idle.wait(INTERFACE_WAIT_S)


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
    always ends), and while the interface is busy (`let_interface_run`)."""
    let_interface_run()
    if _running:
        with _condition:
            _condition.wait_for(lambda: _running == 0, timeout=limit)
