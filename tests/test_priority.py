"""Background work gives way to foreground work (`annotations.priority`)."""

from __future__ import annotations

import threading
import time

from annotations.priority import give_way, in_foreground


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
