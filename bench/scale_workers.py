"""Measurements of `bench.scale_bench` that run inside one fresh process (`bench.worker`):
the TUI's library on a large collection, and an export's phases."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any

FILL_TIMEOUT_S = 600.0
TICK_S = 0.005
TYPING_S = 0.08  # between keys typed into the filter (a fast typist)


def measure_library(library: str, db: str) -> dict[str, Any]:
    """Open the TUI headless on `library`: seconds until the library table has rows (and
    until the collection is open in full: every file checked), the
    longest gap between ticks of a 5 ms timer on the event loop from start until a second
    after, the cyclic GC's pauses over 10 ms (`gc.callbacks`), and the time for a typed
    filter to narrow the table."""
    pauses: list[float] = []
    started_gc = [0.0]

    def on_gc(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started_gc[0] = time.perf_counter()
        elif (pause := time.perf_counter() - started_gc[0]) > 0.01:
            pauses.append(pause)

    gc.callbacks.append(on_gc)
    try:
        return asyncio.run(_library(Path(library), Path(db), pauses))
    finally:
        gc.callbacks.remove(on_gc)


async def _library(library: Path, db: Path, pauses: list[float]) -> dict[str, Any]:
    from tui.app import NewsmarkApp
    from tui.widgets.article_table import ArticleTable
    from tui.workspace import Workspace

    app = NewsmarkApp(Workspace(library, db))
    started = time.perf_counter()
    cpu = time.process_time()
    longest = 0.0
    filled: float | None = None
    opened: float | None = None  # every file checked, annotations re-anchored
    async with app.run_test(size=(120, 40)) as pilot:
        last = time.perf_counter()
        stop_at = started + FILL_TIMEOUT_S
        while time.perf_counter() < stop_at:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
            table = next(app.screen.query("#articles").results(ArticleTable), None)
            if opened is None and app.workspace.is_open and not app.workspace.indexing:
                opened = now - started
            if filled is None and table is not None and table.row_count > 0:
                filled, filled_cpu = now - started, time.process_time() - cpu
                stop_at = now + 1.0
        if filled is None or table is None:
            raise RuntimeError("the library table was not filled")
        total = table.row_count
        typed = time.perf_counter()
        await _type(app, "fxinhua")
        while table.row_count == total and time.perf_counter() - typed < 60:
            await pilot.pause(0.01)
        filtered = time.perf_counter() - typed
        filtered_rows = table.row_count
        while opened is None and time.perf_counter() < started + FILL_TIMEOUT_S:
            await pilot.pause(0.01)
            if not app.workspace.indexing:
                opened = time.perf_counter() - started
    return {
        "filter_rows": filtered_rows,
        "opened": opened,
        "filled": filled,
        "filled_cpu": filled_cpu,
        "longest_stall": longest,
        "gc_pauses": sorted(pauses, reverse=True)[:5],
        "filter": filtered,
        "rows": total,
    }


async def _type(app: Any, keys: str) -> None:
    """Send `keys` as a terminal does, `TYPING_S` apart. (Pilot's `press` waits for the
    process to be idle after each key: up to 2 s a key while a thread works, which
    measured the test harness, not the app.)"""
    from textual import events

    for key in keys:
        event = events.Key(key, key)
        event.set_sender(app)
        app._driver.send_message(event)
        await asyncio.sleep(TYPING_S)


def measure_export(library: str, db: str, fmt: str, output: str) -> dict[str, Any]:
    """An export's phases in seconds (wall, CPU), as the command runs them: opening the
    collection; reading the annotations (snapshot and journal, `store.current`), the
    re-anchor check and choosing them (`export_current`); rendering and writing the file
    (CPU: this process's only, not its workers')."""
    from annotations.corpus import Corpus
    from annotations.export import write_export
    from annotations.export.collect import export_current

    phases: dict[str, tuple[float, float]] = {}
    clock = [time.perf_counter(), time.process_time()]

    def mark(name: str) -> None:
        now = [time.perf_counter(), time.process_time()]
        phases[name] = (now[0] - clock[0], now[1] - clock[1])
        clock[:] = now

    corpus = Corpus.open(Path(library))
    mark("open")
    streamed = export_current(Path(db), corpus, fmt)
    assert streamed is not None, "no annotation of the benchmark needs re-anchoring"
    rendered = streamed[0]
    gc.freeze()  # as the command line does (`run_export`)
    mark("select")
    write_export(Path(output), rendered.render(), fmt, force=True)
    mark("render")
    return {"phases": phases, "count": rendered.count}
