"""TUI time to first paint: a bare Textual app vs newsmark on the samples and on 10k articles.

Every run is a fresh process in a 120x40 pseudo-terminal (see `bench.first_paint`). For
newsmark, *first paint* is when both the library screen's header (the app title) and its
footer (the key bindings) are on the terminal; *table filled* is when the status line
reads "N of N articles".
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.config import SEED, Config
from bench.first_paint import (
    PaintTimes,
    bare_textual_command,
    newsmark_command,
    time_until_text,
)
from bench.generate import cached_collection
from bench.measure import Timing, mib
from bench.report import Check, Section

HELLO_MARKER = "Hello, first paint"
HEADER_MARKER = "newsmark"
FOOTER_MARKER = "Quit"
SAMPLES_TARGET = 1.3
BIG_TARGET = 2.0
TIMEOUT_S = 180.0
SMALL_CASE_FACTOR = 3
REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("annotations", "tui")


@dataclass
class Case:
    """One way of starting a TUI, measured several times."""

    label: str
    runs: list[PaintTimes]

    def timing(self, index: int) -> Timing:
        """The times of marker `index` over all runs."""
        return Timing(tuple(run.seconds[index] for run in self.runs))

    def first_paint(self) -> Timing:
        """Header and footer both shown (the later of the two), or the hello marker."""
        return Timing(tuple(max(run.seconds[:2]) for run in self.runs))

    def peak(self) -> str:
        """The largest peak memory over the runs."""
        return mib(max(run.peak_rss_kib for run in self.runs))


def paired_ratio(case: Case, bare: Case) -> float:
    """Median over attempts of (this case's first paint / the bare app's, same attempt).

    Runs of one attempt are back to back, so each pair shares the machine's state.
    """
    ratios = [
        mine / theirs
        for mine, theirs in zip(
            case.first_paint().samples, bare.first_paint().samples, strict=False
        )
    ]
    return statistics.median(ratios)


def _newsmark_run(
    library: Path, articles: int, config: Config, cache: str, *, cold: bool, attempt: int
) -> PaintTimes:
    env = config.cache_env(cache)
    if cold:
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
    db = config.workdir / "tui-db" / f"{cache}-{attempt}.json"
    markers = [HEADER_MARKER, FOOTER_MARKER, f"{articles:,} of {articles:,} articles"]
    return time_until_text(newsmark_command(library, db), markers, env=env, timeout=TIMEOUT_S)


def startup_section(config: Config, samples: Path) -> Section:
    """Bare Textual vs newsmark (samples; big collection cold and warm)."""
    size = config.big_collection
    big = cached_collection(size, SEED)
    hello = bare_textual_command(config.workdir)
    bare = Case("bare Textual hello-world", [])
    cases = [
        Case("newsmark, 5 samples (warm index)", []),
        Case(f"newsmark, {size:,} articles, cold index", []),
        Case(f"newsmark, {size:,} articles, warm index", []),
    ]
    # Byte-code as an installed package has it (pip compiles on install; an editable
    # install only caches it on first use, never under PYTHONDONTWRITEBYTECODE).
    subprocess.run([sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=REPO, check=True)
    # Warm-up (page caches; fills the warm index caches), then interleave the runs so that
    # load from other processes affects every case alike.
    time_until_text(hello, [HELLO_MARKER])
    _newsmark_run(samples, 5, config, "tui-samples", cold=True, attempt=0)
    _newsmark_run(big, size, config, f"tui-{size}-warm", cold=True, attempt=0)
    # Start-up times swing with the machine's load by ±30%: the quick cases (bare and
    # samples, about half a second each) get SMALL_CASE_FACTOR times the runs.
    for attempt in range(config.repeats * SMALL_CASE_FACTOR):
        bare.runs.append(time_until_text(hello, [HELLO_MARKER]))
        cases[0].runs.append(
            _newsmark_run(samples, 5, config, "tui-samples", cold=False, attempt=attempt)
        )
        if attempt < config.repeats:
            cases[2].runs.append(
                _newsmark_run(big, size, config, f"tui-{size}-warm", cold=False, attempt=attempt)
            )
        if attempt < config.slow_repeats:
            cases[1].runs.append(
                _newsmark_run(big, size, config, f"tui-{size}-cold", cold=True, attempt=attempt)
            )
    section = Section(
        name="startup",
        title="TUI time to first paint",
        method=(
            "Each run starts a fresh process in a 120x40 pseudo-terminal (`TERM=xterm-256color`)"
            " and reads what it writes until the markers appear (escape sequences stripped), "
            "then kills it. *First paint*: for the bare app its text; for newsmark the library "
            "screen's header and footer both on screen. *Table filled*: the status line shows "
            '"N of N articles". *Cold index*: the collection\'s index cache is deleted before '
            "each run. The packages are byte-compiled first (as an installed package is), "
            "and one untimed warm-up run fills the page caches; then the "
            "cases are interleaved run by run so background load hits them alike; the bare "
            f"app and the samples get {SMALL_CASE_FACTOR}× the runs, as start-up times swing "
            "with the machine's load. *× bare* is the median of the ratios of each run to the "
            "bare run just before it (pairs share the machine's state, which medians of each "
            "case alone do not). Peak memory is the started process's own (`wait4`), up "
            "to the table being filled."
        ),
        columns=[
            "app",
            "first paint, ms",
            "× bare (paired)",
            "header, ms",
            "footer, ms",
            "table filled, ms",
            "peak memory",
        ],
    )
    section.rows.append([bare.label, bare.first_paint().summary(), "1.00", "", "", "", bare.peak()])
    for case in cases:
        section.rows.append(
            [
                case.label,
                case.first_paint().summary(),
                f"{paired_ratio(case, bare):.2f}",
                case.timing(0).summary(),
                case.timing(1).summary(),
                case.timing(2).summary(),
                case.peak(),
            ]
        )
    samples_ratio = paired_ratio(cases[0], bare)
    section.checks.append(
        Check(
            "first paint, samples vs bare Textual",
            f"{samples_ratio:.2f}×",
            f"≤ {SAMPLES_TARGET}×",
            samples_ratio <= SAMPLES_TARGET,
        )
    )
    for case in cases[1:]:
        ratio = paired_ratio(case, bare)
        section.checks.append(
            Check(
                f"first paint, {case.label.removeprefix('newsmark, ')} vs bare",
                f"{ratio:.2f}×" + ("" if size >= 10_000 else f" at {size:,}"),
                f"≤ {BIG_TARGET}×",
                ratio <= BIG_TARGET if size >= 10_000 else None,
            )
        )
    cold, warm = cases[1].timing(2).median, cases[2].timing(2).median
    section.notes.append(
        f"Table filled for {size:,} articles: {cold:.1f} s with a cold index, {warm:.2f} s "
        f"warm; with 5 samples {cases[0].timing(2).median:.2f} s. Filling grows with the "
        "collection (index load + one table row per article); first paint should not."
    )
    return section
