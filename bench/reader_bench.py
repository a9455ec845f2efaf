"""Opening a 300 KiB article with 500 highlights in the reader's `ArticleView`.

Measured headless (`App.run_test`, 120x40) from mounting the view until every visible row
has been drawn by `render_line`, then again after adding one highlight; and the wrapping
layout (`ArticleLayout`) alone.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from bench.config import SEED, Config
from bench.generate import cached_big_article
from bench.measure import Timing, mib, run_worker
from bench.report import Check, Section

HIGHLIGHTS = 500
SIZE = (120, 40)
WRAP_WIDTH = 88
PAINT_TARGET_S = 0.250
COLOURS = ("#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2")
PAINT_TIMEOUT_S = 30.0


def _article_and_highlights() -> tuple[Any, list[Any]]:
    from annotations.corpus import Corpus
    from tui.widgets.article_render import Highlight

    corpus = Corpus.open(cached_big_article(SEED), use_cache=False)
    article = corpus.article(next(iter(corpus)).id)
    rng = random.Random(SEED)
    spans = rng.sample(list(article.sentences), HIGHLIGHTS + 1)
    highlights = [
        Highlight(span.start, span.end, rng.choice(COLOURS), f"h{index}")
        for index, span in enumerate(spans)
    ]
    return article, highlights


async def _measure_view(article: Any, highlights: list[Any], repeats: int) -> dict[str, Any]:
    from textual.app import App

    from tui.widgets.article_view import ArticleView

    class TimedView(ArticleView):
        """An ArticleView that notes when a full screen of laid-out rows has been drawn."""

        drawn = 0
        painted_at: float | None = None

        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            strip = super().render_line(y)
            if self.article_layout is None:
                return strip  # not laid out yet: a blank row, not the article
            self.drawn += 1
            if self.painted_at is None and self.drawn >= self.size.height > 0:
                self.painted_at = time.perf_counter()
            return strip

        def expect_paint(self) -> None:
            self.drawn, self.painted_at = 0, None

    async def painted(view: TimedView, pilot: Any) -> float:
        deadline = time.perf_counter() + PAINT_TIMEOUT_S
        while view.painted_at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the article view never painted")
            await pilot.pause()
        return view.painted_at

    first: list[float] = []
    again: list[float] = []
    base, extra = highlights[:-1], highlights[-1]
    app = App[None]()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(repeats):
            start = time.perf_counter()
            view = TimedView(article, base)
            await app.screen.mount(view)
            first.append(await painted(view, pilot) - start)
            view.expect_paint()
            start = time.perf_counter()
            view.set_highlights([*base, extra])
            again.append(await painted(view, pilot) - start)
            await view.remove()
    return {"first": first, "again": again}


def measure_reader(repeats: int) -> dict[str, Any]:
    """Seconds to first paint, to repaint after one more highlight, and to lay out alone."""
    from tui.widgets.article_render import ArticleLayout, bucket_by_line

    article, highlights = _article_and_highlights()
    layouts, buckets = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        layout = ArticleLayout(article, WRAP_WIDTH)
        layouts.append(time.perf_counter() - start)
        start = time.perf_counter()
        bucket_by_line(layout, [(h.start, h.end) for h in highlights])
        buckets.append(time.perf_counter() - start)
    result = asyncio.run(_measure_view(article, highlights, repeats))
    return {
        **result,
        "layout": layouts,
        "buckets": buckets,
        "chars": len(article.body),
        "bytes": len(article.body.encode("utf-8")),
        "lines": layout.height,
    }


def reader_section(config: Config) -> Section:
    """The big article in the reader: first paint, repaint, layout alone."""
    result = run_worker("reader", {"repeats": config.repeats})
    section = Section(
        name="reader",
        title="Reader: 300 KiB article with 500 highlights",
        method=(
            f"One article of {result['bytes'] / 1024:.0f} KiB ({result['chars']:,} characters, "
            f"{result['lines']:,} wrapped lines at {WRAP_WIDTH} columns) with {HIGHLIGHTS} "
            "highlights on random sentences. *First paint*: an `ArticleView` is mounted in a "
            f"headless `App.run_test()` at {SIZE[0]}x{SIZE[1]}; timed from before the widget "
            "is created until `render_line` has drawn every visible row. *Repaint*: "
            "`set_highlights` with one more highlight until the visible rows are redrawn. "
            "*Layout alone*: `ArticleLayout(article, 88)`; *highlight bucketing*: "
            "`bucket_by_line` for the 500 highlights. Peak memory is the worker's."
        ),
        columns=["step", "time, ms", "peak memory"],
    )
    memory = mib(result["peak_rss_kib"])
    rows = (
        ("first paint (mount → visible rows drawn)", "first"),
        ("repaint after adding one highlight", "again"),
        ("layout alone (`ArticleLayout`)", "layout"),
        ("highlight bucketing (`bucket_by_line`)", "buckets"),
    )
    for label, key in rows:
        section.rows.append([label, Timing(tuple(result[key])).summary(), memory])
    paint = Timing(tuple(result["first"])).median
    section.checks.append(
        Check(
            "first paint of the article (median)",
            f"{paint * 1000:.0f} ms",
            f"< {PAINT_TARGET_S * 1000:.0f} ms",
            paint < PAINT_TARGET_S,
        )
    )
    section.notes.append(
        "The layout is linear in the article length and built once per width; a repaint "
        "only re-buckets the highlights and redraws the visible rows."
    )
    return section
