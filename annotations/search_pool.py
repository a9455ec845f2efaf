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
A pool closed before its units are done (ctrl-C, an error, `head` closing the output)
kills its workers rather than waiting for them, and workers end with their parent process
(killed, it cannot close the pool).

Each unit allocates and frees some megabytes (bodies, hits, their output); glibc would give
them back to the system at once and take them again for the next unit (page faults cost a
fifth of the workers' time at a million hits), so workers keep up to `KEEP_FREED_BYTES`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
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
_PR_SET_PDEATHSIG = 1  # prctl's option (linux/prctl.h): a signal when the parent dies
WORKER_DIED = (
    "a worker process stopped before it finished (killed, or out of memory?); "
    "nothing after what was written came from it"
)
Unit = TypeVar("Unit")
Result = TypeVar("Result")


class WorkerDiedError(NewsmarkError):
    """A worker process stopped before it finished its unit."""


def can_fork() -> bool:
    """Whether worker processes may be forked now (fork exists, no other thread runs)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class WorkerPool:
    """`workers` forked processes (each set up by `initializer(*initargs)`) that run units
    of work handed to them, until `close` (or the end of a `with` block). The executor forks
    every worker at the first `submit`, before it starts its own thread: no thread runs at
    a fork."""

    def __init__(
        self, workers: int, *, initializer: Callable[..., None], initargs: tuple[Any, ...]
    ) -> None:
        self._executor = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(), initializer, initargs),
        )
        self._workers = workers
        self._outstanding: set[Future[Any]] = set()  # submitted, not done

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def submit(self, function: Callable[[Unit], Result], unit: Unit) -> Future[Result]:
        """Start `function(unit)` in a worker; its result with `result_of`.
        `WorkerDiedError` if a worker process died already."""
        try:
            future = self._executor.submit(function, unit)
        except BrokenProcessPool:
            raise WorkerDiedError(WORKER_DIED) from None
        self._outstanding.add(future)
        future.add_done_callback(self._outstanding.discard)
        return future

    def ordered(
        self, function: Callable[[Unit], Result], units: Iterable[Unit]
    ) -> Iterator[Result]:
        """`function(unit)` for each unit, yielded in the order of `units` as each is ready,
        at most two units per worker under way or waiting. `WorkerDiedError` if a worker
        process dies."""
        pending: deque[Future[Result]] = deque()
        for unit in units:
            pending.append(self.submit(function, unit))
            if len(pending) >= 2 * self._workers:
                yield result_of(pending.popleft())
        while pending:
            yield result_of(pending.popleft())

    def close(self) -> None:
        """Stop the workers, and the executor's thread (for the next fork). Closed before
        its units are done (ctrl-C, an error, the output closed by `head`), the pool drops
        the units not started and kills the workers: a unit may take long (a regular
        expression that backtracks), and nobody waits for its result."""
        if self._outstanding:  # (no public way before Python 3.14's `terminate_workers`)
            for worker in list((getattr(self._executor, "_processes", None) or {}).values()):
                worker.kill()  # (the executor's thread then finds the pool broken, and ends)
        self._executor.shutdown(wait=True, cancel_futures=True)


def ordered_map(
    function: Callable[[Unit], Result],
    units: Iterable[Unit],
    workers: int,
    *,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[Result]:
    """`WorkerPool.ordered` of a pool started for these units and closed after them (also
    when the output stops early)."""
    with WorkerPool(workers, initializer=initializer, initargs=initargs) as pool:
        yield from pool.ordered(function, units)


def result_of(future: Future[Result]) -> Result:
    """The unit's result; `WorkerDiedError` when its worker (or another) died."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerDiedError(WORKER_DIED) from None


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """In a new worker: leave ctrl-C to the parent (which stops the pool), end with the
    parent process (killed, it cannot stop the pool), keep freed memory for the next unit,
    then `initializer(*initargs)`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        libc.mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCK_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)
    except (OSError, AttributeError):  # not Linux and glibc: their defaults
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    initializer(*initargs)
