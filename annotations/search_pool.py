"""Running the units of a long search on every core, their results handed back in order.

A search that has to read tens of thousands of articles spends its time in work that
needs the interpreter (reading bodies, folding them, building hits and their output), so it
is split into units of articles, each searched and rendered by a worker process. The
workers are forked: this is for the command line, which runs no threads of its own (with
threads running, or where fork is not available, the caller searches on its own). At most
two units per worker are under way or waiting to be printed, so memory stays bounded
however slowly the output is read.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

Unit = TypeVar("Unit")
Result = TypeVar("Result")


def can_fork() -> bool:
    """Whether worker processes may be forked now (fork exists, no other thread runs)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def ordered_map(
    function: Callable[[Unit], Result],
    units: Iterable[Unit],
    workers: int,
    *,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[Result]:
    """`function(unit)` for each unit, computed by `workers` forked processes (each set up
    by `initializer(*initargs)`), yielded in the order of `units` as each is ready."""
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        pending: deque[AsyncResult[Result]] = deque()
        for unit in units:
            pending.append(pool.apply_async(function, (unit,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
