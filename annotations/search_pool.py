"""Running the units of a long search on every core, their results handed back in order.

A search that has to read tens of thousands of articles spends its time in work that
needs the interpreter (reading bodies, folding them, building hits and their output), so it
is split into units of articles, each searched and rendered by a worker process. The
workers are forked: this is for the command line, which runs no threads of its own (with
threads running, or where fork is not available, the caller searches on its own). At most
two units per worker are under way or waiting to be printed, so memory stays bounded
however slowly the output is read.

A worker that dies (killed, or by the kernel's out-of-memory killer) stops the whole map
with `WorkerDiedError` at once, rather than leaving it waiting forever for the unit it had.

Each unit allocates and frees some megabytes (bodies, hits, their output); glibc would give
them back to the system at once and take them again for the next unit (page faults cost a
fifth of the workers' time at a million hits), so workers keep up to `KEEP_FREED_BYTES`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from annotations.errors import NewsmarkError

KEEP_FREED_BYTES = 256 << 20
# Blocks up to this size come from the heap (and are kept), not from their own mapping.
HEAP_BLOCK_BYTES = 32 << 20  # glibc's largest
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)
Unit = TypeVar("Unit")
Result = TypeVar("Result")


class WorkerDiedError(NewsmarkError):
    """A worker process stopped before it finished its unit."""


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
    by `initializer(*initargs)`), yielded in the order of `units` as each is ready.
    `WorkerDiedError` if a worker process dies. (The executor forks every worker before it
    starts its own thread: no thread runs at a fork.)"""
    context = multiprocessing.get_context("fork")
    start = (initializer, initargs)
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=start
    )
    try:
        pending: deque[Future[Result]] = deque()
        for unit in units:
            pending.append(pool.submit(function, unit))
            if len(pending) >= 2 * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:  # also when the output stops early: the units not started are dropped, the
        # running ones end, and so does the executor's thread (for the next fork)
        pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[Result]) -> Result:
    """The unit's result; `WorkerDiedError` when its worker (or another) died."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerDiedError(
            "a worker process stopped before it finished (killed, or out of memory?); "
            "nothing after what was written came from it"
        ) from None


def _start_worker(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """In a new worker: leave ctrl-C to the parent (which stops the pool), keep freed
    memory for the next unit, then `initializer(*initargs)`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCK_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)
    except (OSError, AttributeError):  # not glibc: its defaults
        pass
    initializer(*initargs)
