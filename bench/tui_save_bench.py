"""Saving a highlight in the TUI while the database holds 100,000 annotations.

The real app runs headless (`App.run_test`) on the 1,000-article collection the store
benchmark annotates, with a copy of its 100k-annotation database (about 100 on the article
measured), and for comparison with a database holding only that article's annotations, so
the two differ in database size alone. In the reader, a sentence
is selected (`v`) and tagged through the tag dialog (`t`, a tag, enter, enter), as a user
would. Measured per save: *latency*, from the final enter until the store holds the new
annotation and the reader shows it; and, in as many further saves with a 5 ms timer
ticking (which itself slows the event loop, so these saves give no latency), the longest
*stall* of the event loop (the largest gap between ticks) from the enter until 200 ms after
the highlight appeared (the annotation panel is rebuilt just after), which a user feels as
a freeze.
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
SETTLE_S = 0.2


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
        ticker = None
        for number in range(2 * saves):
            if number == saves:
                # Second half: a 5 ms ticker watches for stalls. It loads the event loop
                # itself, so latencies are taken from the first half only.
                ticker = app.set_interval(TICK_S, lambda: ticks.append(time.perf_counter()))
            before = len(store.for_article(article_id))
            await pilot.press("j", "v", "t")
            while app.screen is not None and type(app.screen).__name__ != "TagDialog":
                await pilot.pause(0.005)
            await pilot.press(*"bench", "enter")
            ticks.clear()
            start = time.perf_counter()
            # Not awaited yet: Pilot.press also waits for the screen to settle afterwards.
            pressing = asyncio.ensure_future(pilot.press("enter"))
            while len(view.highlights) <= before or len(store.for_article(article_id)) <= before:
                await asyncio.sleep(0.001)
            done = time.perf_counter()
            await pressing
            if ticker is None:
                latencies.append(done - start)
            else:
                # Work left for later (the annotation panel) stalls the loop too: keep
                # watching until SETTLE_S after the highlight appeared.
                await asyncio.sleep(SETTLE_S)
                until = done + SETTLE_S
                marks = [start, *[t for t in ticks if start <= t <= until], until]
                stalls.append(max(b - a for a, b in pairwise(marks)))
            await pilot.pause(0.05)
        total = len(store.all())
    return {"latency": latencies, "stall": stalls, "total": total}


def measure_tui_save(
    library: str, directory: str, saves: int, copy_article_from: str | None = None
) -> dict[str, Any]:
    """Latency and longest event-loop stall of each of `saves` highlight saves in the TUI.

    With `copy_article_from` (another database directory), the measured article's
    annotations are first copied from there, so it looks the same as in that database.
    """
    db_path = Path(directory) / DB_NAME
    if copy_article_from is not None:
        _copy_measured_article(Path(library), Path(copy_article_from) / DB_NAME, db_path)
    return asyncio.run(_measure(Path(library), db_path, saves))


def _copy_measured_article(library: Path, source: Path, target: Path) -> None:
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore

    article_id = next(iter(Corpus.open(library))).id  # the article `_measure` opens
    AnnotationStore.open(target).put_many(AnnotationStore.open(source).for_article(article_id))


def tui_save_section(config: Config) -> Section:
    """Tagging a passage in the reader with 0 and with 100k annotations in the database."""
    library = cached_collection(ANNOTATED_COLLECTION, SEED)
    saves = 10 if config.quick else 30
    section = Section(
        name="tui_save",
        title=f"Saving a highlight in the TUI with {EXISTING:,} annotations",
        method=__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        columns=["existing annotations", "save latency, ms", "longest stall, ms", "peak memory"],
    )
    results = {}
    big = _prepared("newsmark", EXISTING, config)
    for existing in (0, EXISTING):
        database = big if existing else _prepared("newsmark", 0, config)
        result = run_worker(
            "tui_save",
            {
                "library": str(library),
                "directory": str(database),
                "saves": saves,
                "copy_article_from": None if existing else str(big),
            },
            env=config.cache_env("tui-save"),
        )
        latency, stall = Timing(tuple(result["latency"])), Timing(tuple(result["stall"]))
        results[existing] = (latency, stall)
        label = f"{existing:,}" if existing else "only the article's own"
        section.rows.append(
            [label, latency.summary(), stall.summary(), mib(result["peak_rss_kib"])]
        )
    stall0 = results[0][1]
    latency, stall = results[EXISTING]
    ratio = stall.median / stall0.median
    section.checks.append(
        Check(
            "UI stall while saving at 100k vs with only the article's own annotations (median)",
            f"{ratio:.2f}× ({stall.median * 1000:.0f} vs {stall0.median * 1000:.0f} ms)",
            f"≤ {STALL_GROWTH_TARGET}×",
            ratio <= STALL_GROWTH_TARGET,
        )
    )
    section.checks.append(
        Check(
            "save latency at 100k, enter → highlight on screen (median)",
            f"{latency.median * 1000:.0f} ms",
            f"< {SAVE_TARGET_S * 1000:.0f} ms",
            latency.median < SAVE_TARGET_S,
        )
    )
    section.notes.append(
        f"{saves} saves per database for latency, {saves} more for stalls. The write itself "
        "takes well under a millisecond (see the store benchmark) and runs in a worker "
        "thread; most of the latency is Textual closing the tag dialog and repainting the "
        "reader, which costs the same with an empty database."
    )
    return section
