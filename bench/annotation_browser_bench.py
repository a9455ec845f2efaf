"""Filtering 100,000 annotations in the annotation browser, keystroke by keystroke.

The real app runs headless (`App.run_test`) on the 1,000-article collection the store
benchmark annotates, with a copy of its 100k-annotation database (1–3 tags per annotation,
titles and outlets from the collection). The annotation browser is opened (`a`) and a query
is typed into its filter one key at a time, then erased with backspace: words, a phrase and
facets (`tag:`, `outlet:`, `after:`, `has:`, `-` negation). Measured per keystroke: from the
key press until the table holds the filtered rows (parsing the query, filtering every
annotation, handing the result to the Line-API table, which draws only the visible rows),
and separately, outside the UI, the query language alone (`parse_query(...).filter(rows)`
over the 100k precomputed rows).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from bench.config import SEED, Config
from bench.generate import cached_collection
from bench.measure import Timing, mib, run_worker
from bench.report import Check, Section
from bench.store_bench import ANNOTATED_COLLECTION, DB_NAME, _prepared

EXISTING = 100_000
KEYSTROKE_TARGET_S = 0.100
QUERIES = ("security trade", '"the "', "tag:economy outlet:a", "after:2020 -has:note")


async def _measure(library: Path, db_path: Path) -> dict[str, Any]:
    from tui.app import NewsmarkApp
    from tui.screens.annotation_browser import AnnotationBrowserScreen
    from tui.widgets.annotation_table import AnnotationTable
    from tui.workspace import Workspace

    app = NewsmarkApp(Workspace(library=library, db_path=db_path))
    keystrokes: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        while not (app.workspace.is_open and app.screen.query("#articles")):
            await pilot.pause(0.05)
        opened = time.perf_counter()
        await pilot.press("a")
        while not isinstance(app.screen, AnnotationBrowserScreen):
            await pilot.pause(0.01)
        table = app.screen.query_one(AnnotationTable)
        while len(table.rows) < EXISTING:
            await pilot.pause(0.01)
        load = time.perf_counter() - opened
        screen = app.screen
        filtered: list[float] = []
        apply_filter = screen.apply_filter

        def timed_filter() -> None:
            apply_filter()
            filtered.append(time.perf_counter())

        screen.apply_filter = timed_filter  # type: ignore[method-assign]
        await pilot.press("f")
        for query in QUERIES:
            for key in [*query, *["backspace"] * len(query)]:
                count = len(filtered)
                start = time.perf_counter()
                # Not awaited yet: Pilot.press also waits for the screen to settle afterwards.
                pressing = asyncio.ensure_future(pilot.press(key))
                while len(filtered) == count:
                    await asyncio.sleep(0.0005)
                keystrokes.append(filtered[-1] - start)
                await pressing
        total = len(table.rows)
    return {"keystrokes": keystrokes, "load": load, "total": total}


def _pure_filter(library: Path, db_path: Path) -> list[float]:
    from annotations.corpus import Corpus
    from annotations.errors import InvalidQueryError
    from annotations.query import annotation_rows, parse_query
    from annotations.store import AnnotationStore

    corpus = Corpus.open(library)
    annotations = AnnotationStore.open(db_path).all()
    metas = {a.article: corpus.meta(a.article) for a in annotations if a.article in corpus}
    rows = annotation_rows(annotations, metas)
    times = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            start = time.perf_counter()
            with contextlib.suppress(InvalidQueryError):  # a half-typed facet value
                parse_query(query[:end], strict=False).filter(rows)
            times.append(time.perf_counter() - start)
    return times


def measure_annotation_browser(library: str, directory: str) -> dict[str, Any]:
    """Per-keystroke filter latency in the TUI, and the query language alone."""
    db_path = Path(directory) / DB_NAME
    result = asyncio.run(_measure(Path(library), db_path))
    result["pure"] = _pure_filter(Path(library), db_path)
    return result


def annotation_browser_section(config: Config) -> Section:
    """Typing a filter into the annotation browser over 100k annotations."""
    library = cached_collection(ANNOTATED_COLLECTION, SEED)
    section = Section(
        name="annotation_browser",
        title=f"Filtering {EXISTING:,} annotations in the annotation browser",
        method=__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        columns=["annotations", "what", "per keystroke, ms", "peak memory"],
    )
    database = _prepared("newsmark", EXISTING, config)
    result = run_worker(
        "annotation_browser",
        {"library": str(library), "directory": str(database)},
        env=config.cache_env("annotation-browser"),
    )
    keystrokes = Timing(tuple(result["keystrokes"]))
    pure = Timing(tuple(result["pure"]))
    memory = mib(result["peak_rss_kib"])
    section.rows.append(
        [f"{EXISTING:,}", "key → filtered rows in the table (TUI)", keystrokes.summary(), memory]
    )
    section.rows.append(
        [f"{EXISTING:,}", "query language alone (parse + filter)", pure.summary(), ""]
    )
    section.checks.append(
        Check(
            "annotation browser: key → filtered rows at 100k annotations (slowest keystroke)",
            f"{keystrokes.high * 1000:.0f} ms (median {keystrokes.median * 1000:.0f} ms)",
            f"< {KEYSTROKE_TARGET_S * 1000:.0f} ms",
            keystrokes.high < KEYSTROKE_TARGET_S,
        )
    )
    section.notes.append(
        f"{len(keystrokes.samples)} keystrokes typing and erasing {', '.join(QUERIES)}. "
        f"Opening the browser (building the rows of every annotation once, in a thread) took "
        f"{result['load']:.1f} s. Each query word narrows the rows the next one tests, so "
        "longer queries are not slower; the slowest keystrokes are the first letters, which "
        "keep most rows."
    )
    return section
