"""Helpers for work in a thread beside the event loop (`tui.threads`)."""

from __future__ import annotations

import gc
import random

import pytest

from tui import threads
from tui.threads import long_lived_objects, sorted_in_steps


@pytest.mark.parametrize("size", [0, 1, 7, 100, 1_003])
def test_sorted_in_steps_is_sorted_and_stable(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "SORT_STEP", 10)
    rng = random.Random(size)
    items = [(rng.randint(0, 20), number) for number in range(size)]  # many equal keys
    for reverse in (False, True):
        expected = sorted(items, key=lambda item: item[0], reverse=reverse)
        assert sorted_in_steps(items, lambda item: item[0], reverse=reverse) == expected


def test_long_lived_objects_are_frozen_and_the_collector_restored() -> None:
    frozen_before = gc.get_freeze_count()
    try:
        with long_lived_objects():
            assert not gc.isenabled()
            built = [[number] for number in range(1_000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(built)
        gc.disable()
        with long_lived_objects():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_collector_stays_paused_until_the_last_thread_building_is_done() -> None:
    import threading

    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with long_lived_objects():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with long_lived_objects():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first is done; this one still builds

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False]
    assert gc.isenabled()
    gc.unfreeze()
