"""Saving a highlight in the TUI while the database holds 100,000 annotations.

The real app runs headless (`App.run_test`) on the 1,000-article collection the store
benchmark annotates, with a copy of its 100k-annotation database. In the reader, a sentence
is selected (`v`) and tagged through the tag dialog (`t`, a tag, enter, enter), as a user
would. Measured per save: *latency*, from the final enter until the store holds the new
annotation and the reader shows it; and the longest *stall* of the event loop meanwhile
(the largest gap between ticks of a 5 ms timer), which is what a user feels as a freeze.
"""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.config import SEED, Config
from bench.generate import cached_collection
from bench.measure import Timing, mib, run_worker
from bench.report import Check, Section
from bench.store_bench import ANNOTATED_COLLECTION, DB_NAME, _prepared

EXISTING = 100_000
SAVE_TARGET_S = 0.050
STALL_GROWTH_TARGET = 1.5
TICK_S = 0.005


async def _measure(library: Path, db_path: Path, saves: int) -> dict[str, Any]:
    from tui.app import NewsmarkApp
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article_view import ArticleView
    from tui.workspace import Workspace

    app = NewsmarkApp(Workspace(library=library, db_path=db_path))
    ticks: list[float] = []
    latencies: list[float] = []
    stalls: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.workspace.is_open:
            await pilot.pause(0.05)
        store = app.workspace.require_store()
        article_id = next(iter(app.workspace.require_corpus())).id
        app.open_reader(article_id)
        while not (isinstance(app.screen, ReaderScreen) and app.screen.query(ArticleView)):
            await pilot.pause(0.01)
        view = app.screen.query_one(ArticleView)
        while view.article_layout is None:
            await pilot.pause(0.01)
        app.set_interval(TICK_S, lambda: ticks.append(time.perf_counter()))
        for _ in range(saves):
            before = len(store.for_article(article_id))
            await pilot.press("j", "v", "t")
            while app.screen is not None and type(app.screen).__name__ != "TagDialog":
                await pilot.pause(0.005)
            await pilot.press(*"bench", "enter")
            ticks.clear()
            start = time.perf_counter()
            # Not awaited yet: Pilot.press also waits for the screen to settle afterwards.
            pressing = asyncio.ensure_future(pilot.press("enter"))
            while len(view.highlights) <= before:
                await asyncio.sleep(0.001)
            done = time.perf_counter()
            await pressing
            latencies.append(done - start)
            marks = [start, *[t for t in ticks if start <= t <= done], done]
            stalls.append(max(b - a for a, b in pairwise(marks)))
            await pilot.pause(0.05)
        total = len(store.all())
    return {"latency": latencies, "stall": stalls, "total": total}


def measure_tui_save(library: str, directory: str, saves: int) -> dict[str, Any]:
    """Latency and longest event-loop stall of each of `saves` highlight saves in the TUI."""
    return asyncio.run(_measure(Path(library), Path(directory) / DB_NAME, saves))


def tui_save_section(config: Config) -> Section:
    """Tagging a passage in the reader with 0 and with 100k annotations in the database."""
    library = cached_collection(ANNOTATED_COLLECTION, SEED)
    saves = 10 if config.quick else 30
    section = Section(
        name="tui_save",
        title=f"Saving a highlight in the TUI with {EXISTING:,} annotations",
        method=__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        columns=["existing annotations", "save latency, ms", "longest stall, ms",
                 "peak memory"],
    )
    results = {}
    for existing in (0, EXISTING):
        database = _prepared("newsmark", existing, config)
        result = run_worker("tui_save", {"library": str(library), "directory": str(database),
                                         "saves": saves}, env=config.cache_env("tui-save"))
        latency, stall = Timing(tuple(result["latency"])), Timing(tuple(result["stall"]))
        results[existing] = (latency, stall)
        section.rows.append([f"{existing:,}", latency.summary(), stall.summary(),
                             mib(result["peak_rss_kib"])])
    stall0 = results[0][1]
    latency, stall = results[EXISTING]
    ratio = stall.median / stall0.median
    section.checks.append(Check(
        "UI stall while saving at 100k vs at 0 annotations (median)",
        f"{ratio:.2f}× ({stall.median * 1000:.0f} vs {stall0.median * 1000:.0f} ms)",
        f"≤ {STALL_GROWTH_TARGET}×", ratio <= STALL_GROWTH_TARGET))
    section.checks.append(Check(
        "save latency at 100k, enter → highlight on screen (median)",
        f"{latency.median * 1000:.0f} ms", f"< {SAVE_TARGET_S * 1000:.0f} ms",
        latency.median < SAVE_TARGET_S))
    section.notes.append(
        f"{saves} saves per database. The write itself takes well under a millisecond (see "
        "the store benchmark) and runs in a worker thread; the latency is the TUI closing "
        "the tag dialog and repainting the reader, and is the same with an empty database."
    )
    return section
