"""Background work gives way to foreground work (`annotations.priority`)."""

from __future__ import annotations

import asyncio
import threading
import time

from annotations.priority import (
    INTERFACE_WAIT_S,
    give_way,
    in_foreground,
    let_interface_run,
    watch_event_loop,
)


def test_give_way_waits_until_the_foreground_work_is_done() -> None:
    started, finished = threading.Event(), threading.Event()
    waited: list[tuple[float, bool]] = []

    def background() -> None:
        started.wait(5)
        before = time.monotonic()
        give_way()
        waited.append((time.monotonic() - before, finished.is_set()))

    thread = threading.Thread(target=background)
    thread.start()
    with in_foreground():
        started.set()
        time.sleep(0.2)
        finished.set()
    thread.join(5)
    [(seconds, after_the_block)] = waited
    assert seconds >= 0.15 and after_the_block


def test_give_way_returns_at_once_without_foreground_work_and_after_its_limit() -> None:
    before = time.monotonic()
    give_way()
    assert time.monotonic() - before < 0.05
    with in_foreground():
        before = time.monotonic()
        give_way(limit=0.1)  # (in the same thread: it would otherwise wait for itself)
        assert 0.09 <= time.monotonic() - before < 1


def test_threads_give_way_while_the_watched_event_loop_is_busy() -> None:
    """While the interface's event loop handles events, a thread's `let_interface_run`
    (and `give_way`) waits until it waits for events again, at most `INTERFACE_WAIT_S`
    each time it gets busy; the loop's own thread never waits."""
    waits: dict[str, float] = {}

    def timed(name: str) -> None:
        before = time.monotonic()
        let_interface_run()
        waits[name] = time.monotonic() - before

    async def scenario() -> None:
        watch_event_loop(asyncio.get_running_loop())
        await asyncio.to_thread(timed, "idle")  # the loop waiting for events meanwhile
        started = threading.Event()
        busy = threading.Thread(target=lambda: (started.set(), timed("busy")))
        busy.start()
        started.wait(5)
        time.sleep(0.015)  # the loop busy (not waiting for events) for 15 ms …
        timed("in the loop")
        await asyncio.sleep(0.05)  # … then idle: the thread went on
        busy.join()
        twice = threading.Thread(target=lambda: (timed("long"), timed("again")))
        twice.start()
        time.sleep(0.3)  # busy for longer than a thread waits
        await asyncio.sleep(0.01)
        twice.join()

    asyncio.run(scenario())
    assert waits["idle"] < 0.01
    assert waits["in the loop"] < 0.01
    assert 0.005 <= waits["busy"] < INTERFACE_WAIT_S * 0.9  # until the loop was idle
    assert INTERFACE_WAIT_S * 0.8 <= waits["long"] < 0.2
    assert waits["again"] < 0.01  # once each time the loop gets busy
    before = time.monotonic()
    let_interface_run()  # the loop watched has stopped: nothing to wait for
    assert time.monotonic() - before < 0.01
