"""What a user waits for on a large collection: `newsmark` commands run as separate
processes (interpreter start-up included) on generated collections, the TUI's library, and
exporting 100,000 annotations.

The sizes are 10,000 and 100,000 articles in the full run and 2,000 with `--quick`; set
`NEWSMARK_SCALE_ARTICLES` to measure others (e.g. `1000000`; collections are generated once
and cached, see `bench.generate`). `NEWSMARK_SCALE_INDEX_CACHE=DIR` reuses the index cache
in DIR (an `XDG_CACHE_HOME`) instead of indexing from scratch: indexing a million articles
takes a quarter of an hour on 2 cores, and the cold row is then left out.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from annotations.paths import bundled_samples_dir
from bench.config import SEED, Config
from bench.generate import cached_collection
from bench.measure import REPO_ROOT, run_worker
from bench.report import Check, Section
from bench.store_bench import _prepared

LIST_TARGET_S = 1.5
LIST_TARGET_MIB = 300
COLD_TARGET_S = 30.0
ONE_ARTICLE_FACTOR = 1.5
MILLION_SEARCH_S = 1.0
LIBRARY_FILL_S = 2.0
LIBRARY_STALL_S = 0.05
MILLION_LIBRARY_S = 5.0
MILLION_LIBRARY_MIB = 4096
EXPORT_RATE = 50_000
EXPORT_LIBRARY = 1_000  # the collection the 100k-annotation database points into
# A word in nearly every article (about 11 hits each), a phrase in a tenth (113,000 hits at
# a million articles), and nothing.
SEARCHES = ("Vietnam", "pie of common interests", "zzzz not present")
SELECTIVE = SEARCHES[1:]


@dataclass(frozen=True)
class Run:
    """One `newsmark` process: wall seconds, CPU seconds (user + system), seconds until
    its first byte of output, peak MiB."""

    wall: float
    cpu: float
    first: float | None
    mib: float
    status: int = 0  # as `os.wait4` gives it

    def cells(self) -> list[str]:
        """Table cells: wall, CPU, first output, peak memory."""
        first = "" if self.first is None else f"{self.first:.2f}"
        return [f"{self.wall:.2f}", f"{self.cpu:.2f}", first, f"{self.mib:.0f} MiB"]


def _run(args: list[str], env: dict[str, str], output: bytearray | None = None) -> Run:
    """Run `newsmark ARGS` and measure it (its own rusage, via wait4); what it prints is
    added to `output` if given."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    first = None
    while chunk := os.read(process.stdout.fileno(), 1 << 16):
        if first is None:
            first = time.perf_counter() - started
        if output is not None:
            output += chunk
    _, status, usage = os.wait4(process.pid, 0)
    process.stdout.close()
    return Run(
        time.perf_counter() - started,
        usage.ru_utime + usage.ru_stime,
        first,
        usage.ru_maxrss / 1024,
        status,
    )


def _median(runs: list[Run]) -> Run:
    firsts = [r.first for r in runs if r.first is not None]
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(firsts) if firsts else None,
        max(r.mib for r in runs),
    )


def _grep(pattern: str, library: Path, flags: str = "-rci") -> Run:
    """`grep FLAGS PATTERN LIBRARY`, its output read (and dropped) as `_run` reads ours."""
    started = time.perf_counter()
    process = subprocess.Popen(["grep", flags, pattern, str(library)], stdout=subprocess.PIPE)
    assert process.stdout is not None
    while os.read(process.stdout.fileno(), 1 << 16):
        pass
    _, _, usage = os.wait4(process.pid, 0)
    process.stdout.close()
    return Run(
        time.perf_counter() - started, usage.ru_utime + usage.ru_stime, None, usage.ru_maxrss / 1024
    )


def _sizes(config: Config) -> list[int]:
    given = os.environ.get("NEWSMARK_SCALE_ARTICLES")
    if given:
        return [int(size) for size in given.split(",")]
    return [2_000] if config.quick else [10_000, 100_000]


def scale_section(config: Config) -> Section:
    """CLI commands at each size (list, search vs grep, one-article commands, cold index),
    the TUI's library, and an export of 100k annotations."""
    sizes = _sizes(config)
    section = Section(
        name="scale",
        title=f"Large collections: {' and '.join(f'{s:,}' for s in sizes)} articles (issue 18)",
        method=(
            "`newsmark` commands run as processes (start-up included; median of "
            f"{config.slow_repeats}) on generated collections (`python -m bench.generate "
            "--articles N DIR`, 3.4 KB per article). *CPU* is user + system time of the "
            "process (the machine is shared: wall time swings with its load, CPU time much "
            "less); *first output* is when its first byte reached the pipe. *Cold*: no index "
            "yet (every file parsed, on every core). *Warm*: the index exists and no file "
            "changed. `grep -rci` over the same files is the yardstick for search "
            "(`search --count` prints what it prints: matches per file); for printing every "
            "hit of a word in nearly every article, `grep -rin` too (it prints every "
            "matching line, as `search` prints every hit with its context). One-article "
            "commands are compared with the same command on the five bundled samples. "
            "*TUI library*: the app headless (`run_test`), until the table has rows (from a "
            "warm index they are listed before every file is checked; *every file checked*: "
            "the collection open in full, annotations re-anchored); the longest stall is the "
            "largest gap between ticks of a 5 ms timer on the event "
            "loop until a second after; *filter*: typing `xinhua` into the filter until the "
            "table changes."
        ),
        columns=["articles", "what", "seconds", "CPU s", "first output, s", "peak memory"],
    )
    for size in sizes:
        _measure_size(section, size, config)
    _measure_export(section, config)
    section.notes.append(
        f"Machine load (1-minute average) at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    return section


def _measure_size(section: Section, size: int, config: Config) -> None:
    library = cached_collection(size, SEED)
    base = config.workdir / f"scale-{size}"
    reused = os.environ.get("NEWSMARK_SCALE_INDEX_CACHE")
    cache = Path(reused) if reused else base / "cache"
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(cache),
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CONFIG_HOME": str(base / "config"),
    }
    repeats = config.slow_repeats
    lib = ["--library", str(library), "--db", str(base / "x.json")]
    label = f"{size:,}"

    def row(what: str, run: Run) -> None:
        section.rows.append([label, what, *run.cells()])

    cold = None
    if not reused:
        cold = _run([*lib, "list", "--json"], env)
        row("`list --json`, cold (indexes the collection)", cold)
    _run([*lib, "list"], env)  # a full open: records the directories the index trusts
    listing = _median([_run([*lib, "list", "--json"], env) for _ in range(repeats)])
    row("`list --json`, warm", listing)
    row(
        "first `search` (builds the full-text index, once)",
        _run([*lib, "search", "zzzz not present"], env),
    )
    searches: dict[str, tuple[Run, Run, Run]] = {}
    broad = SEARCHES[0]
    printed = _median([_run([*lib, "search", broad], env) for _ in range(repeats)])
    lines = _median([_grep(broad, library, "-rin") for _ in range(repeats)])
    row(f"`search {broad!r}` (every hit, a line each)", printed)
    row(f"`grep -rin {broad!r}` (every matching line)", lines)
    for query in SEARCHES:
        found = _median([_run([*lib, "search", query, "--json"], env) for _ in range(repeats)])
        counted = _median([_run([*lib, "search", query, "--count"], env) for _ in range(repeats)])
        grep = _median([_grep(query, library) for _ in range(repeats)])
        searches[query] = (found, counted, grep)
        row(f"`search {query!r} --json`", found)
        row(f"`search {query!r} --count`", counted)
        row(f"`grep -rci {query!r}`", grep)
    one_article: list[float] = []
    samples = ["--library", str(bundled_samples_dir())]
    for name, args in (
        ("annotate", ["annotate", "00042", "--quote", "the", "--tag", "bench"]),
        ("show", ["show", "00042"]),
    ):
        big = _median(
            [
                _run(["--library", str(library), "--db", str(base / f"{name}.json"), *args], env)
                for _ in range(repeats)
            ]
        )
        small_args = [args[0], "003", *args[2:]]
        small = _median(
            [
                _run([*samples, "--db", str(base / f"s{name}.json"), *small_args], env)
                for _ in range(repeats)
            ]
        )
        one_article.append(big.wall / small.wall)
        row(f"`{name}` one article, empty DB (samples: {small.wall:.2f} s)", big)
    tui = run_worker(
        "scale_library",
        {"library": str(library), "db": str(base / "tui.json")},
        env={"XDG_CACHE_HOME": str(cache)},
        timeout=1800,
    )
    stall = tui["longest_stall"]
    pauses = ", ".join(f"{p * 1000:.0f}" for p in tui["gc_pauses"]) or "none"
    section.rows.append(
        [
            label,
            f"TUI library filled (longest event-loop stall {stall * 1000:.0f}"
            f" ms; GC pauses over 10 ms: {pauses}; filter {tui['filter']:.2f} s;"
            f" every file checked at {tui['opened']:.2f} s)",
            f"{tui['filled']:.2f}",
            f"{tui['filled_cpu']:.2f}",
            "",
            f"{tui['peak_rss_kib'] / 1024:.0f} MiB",
        ]
    )
    if not reused:
        shutil.rmtree(base, ignore_errors=True)
    _size_checks(section, size, listing, cold, searches, (printed, lines), one_article, tui)
    if size == 1_000_000:
        _measure_append_only(section, lib, env, repeats)


def _measure_append_only(
    section: Section, lib: list[str], env: dict[str, str], repeats: int
) -> None:
    """The selective searches again with the collection declared append-only (`newsmark
    index --append-only`: only its directories are checked, not every file), then the
    declaration taken back."""
    at = "at 1,000,000"
    _run([*lib, "index", "--append-only"], env)
    try:
        for query in SELECTIVE:
            found = _median([_run([*lib, "search", query, "--json"], env) for _ in range(repeats)])
            section.rows.append(
                ["1,000,000", f"`search {query!r} --json`, declared append-only", *found.cells()]
            )
            section.checks.append(
                Check(
                    f"literal `search {query!r} --json` {at}, collection declared append-only",
                    f"{found.wall:.2f} s",
                    f"< {MILLION_SEARCH_S:.0f} s",
                    found.wall < MILLION_SEARCH_S,
                )
            )
    finally:
        _run([*lib, "index", "--check-every-file"], env)


def _size_checks(
    section: Section,
    size: int,
    listing: Run,
    cold: Run | None,
    searches: dict[str, tuple[Run, Run, Run]],
    every_hit: tuple[Run, Run],
    one_article: list[float],
    tui: dict[str, float],
) -> None:
    at = f"at {size:,}"
    if size == 100_000:
        counted = max(searches.values(), key=lambda s: s[1].wall / s[2].wall)
        listed = max((searches[q] for q in SELECTIVE), key=lambda s: s[0].wall / s[2].wall)
        broad = searches[SEARCHES[0]]
        section.checks += [
            Check(
                f"`list --json` {at}, warm",
                f"{listing.wall:.2f} s, {listing.mib:.0f} MiB",
                f"< {LIST_TARGET_S} s, < {LIST_TARGET_MIB} MiB",
                listing.wall < LIST_TARGET_S and listing.mib < LIST_TARGET_MIB,
            ),
            Check(
                f"`search --count` {at} vs `grep -rci` (slowest query)",
                f"{counted[1].wall / counted[2].wall:.2f}× grep",
                "< 1×",
                counted[1].wall < counted[2].wall,
            ),
            Check(
                f"`search --json` {at} vs `grep -rci`, selective queries (slowest)",
                f"{listed[0].wall / listed[2].wall:.2f}× grep",
                "< 1×",
                listed[0].wall < listed[2].wall,
            ),
            Check(
                f"`search --json` {at} vs `grep -rci`, `{SEARCHES[0]}` (every hit printed)",
                f"{broad[0].wall / broad[2].wall:.2f}× grep",
                "< 1×",
                broad[0].wall < broad[2].wall,
            ),
            Check(
                f"`search {SEARCHES[0]}` {at} (every hit printed) vs `grep -rin` (every "
                "matching line printed)",
                f"{every_hit[0].wall / every_hit[1].wall:.2f}× grep",
                "< 1×",
                every_hit[0].wall < every_hit[1].wall,
            ),
            Check(
                f"one-article commands {at} vs the samples (worst)",
                f"{max(one_article):.2f}×",
                f"≤ {ONE_ARTICLE_FACTOR}×",
                max(one_article) <= ONE_ARTICLE_FACTOR,
            ),
            Check(
                f"TUI library filled {at}, warm",
                f"{tui['filled']:.2f} s",
                f"< {LIBRARY_FILL_S:.0f} s",
                tui["filled"] < LIBRARY_FILL_S,
            ),
            Check(
                f"TUI library {at}: longest event-loop stall while it opens",
                f"{tui['longest_stall'] * 1000:.0f} ms",
                f"≤ {LIBRARY_STALL_S * 1000:.0f} ms",
                tui["longest_stall"] <= LIBRARY_STALL_S,
            ),
        ]
        if cold is not None:
            section.checks.append(
                Check(
                    f"cold index {at} on {os.cpu_count()} cores",
                    f"{cold.wall:.1f} s",
                    f"< {COLD_TARGET_S:.0f} s",
                    cold.wall < COLD_TARGET_S,
                )
            )
    if size == 1_000_000:
        first = searches[SEARCHES[0]][0]
        usable = tui["filled"] + tui["filter"]
        section.checks += [
            Check(
                f"literal `search {query!r} --json` {at}",
                f"{searches[query][0].wall:.2f} s",
                f"< {MILLION_SEARCH_S:.0f} s",
                searches[query][0].wall < MILLION_SEARCH_S,
            )
            for query in SELECTIVE
        ]
        section.checks += [
            Check(
                f"`search {SEARCHES[0]}` {at}: first hit printed before the end",
                f"{first.first or 0:.2f} of {first.wall:.2f} s",
                "streamed",
                first.first is not None and first.first < first.wall / 2,
            ),
            Check(
                f"TUI library {at}, warm: first rows + a filter",
                f"{usable:.1f} s, {tui['peak_rss_kib'] / 1024:.0f} MiB",
                f"< {MILLION_LIBRARY_S:.0f} s, < {MILLION_LIBRARY_MIB // 1024} GiB",
                usable < MILLION_LIBRARY_S and tui["peak_rss_kib"] / 1024 < MILLION_LIBRARY_MIB,
            ),
        ]


def _measure_export(section: Section, config: Config) -> None:
    """`export` of 100k annotations (w3c, json): the command, and its phases in process."""
    count = 10_000 if config.quick else 100_000
    library = cached_collection(EXPORT_LIBRARY, SEED)
    database = _prepared("newsmark", count, config) / "annotations.json"
    env = {**os.environ, **config.cache_env("scale-export")}
    label = f"{EXPORT_LIBRARY:,} ({count // 1000}k annotations)"
    rates = []
    commands: list[tuple[str, float, float]] = []  # format, annotations per second, per CPU s
    _run(["--library", str(library), "list"], env)  # untimed: the collection's index built
    for fmt in ("w3c", "json"):
        output = config.workdir / f"export.{fmt}"
        command = _run(
            [
                "--library",
                str(library),
                "--db",
                str(database),
                "export",
                "--format",
                fmt,
                "-o",
                str(output),
                "--force",
            ],
            env,
        )
        section.rows.append([label, f"`export --format {fmt} -o FILE`", *command.cells()])
        commands.append((fmt, count / command.wall, count / command.cpu))
        phases = run_worker(
            "scale_export",
            {"library": str(library), "db": str(database), "fmt": fmt, "output": str(output)},
            env=config.cache_env("scale-export"),
        )
        opened, chosen, written = (phases["phases"][k] for k in ("open", "select", "render"))
        rate = phases["count"] / written[0]
        rates.append((fmt, rate))
        section.rows.append(
            [
                label,
                f"… {fmt}: collection open {opened[0]:.2f} s; annotations read, "
                f"re-anchor check and selection {chosen[0]:.2f} s; rendered and written "
                f"({rate / 1000:.0f}k annotations/s)",
                f"{written[0]:.2f}",
                f"{written[1]:.2f}",
                "",
                f"{phases['peak_rss_kib'] / 1024:.0f} MiB",
            ]
        )
        output.unlink(missing_ok=True)
    slowest = min(rates, key=lambda r: r[1])
    section.checks.append(
        Check(
            f"export of {count // 1000}k annotations: rendered and written (slowest format)",
            f"{slowest[1] / 1000:.0f}k/s ({slowest[0]})",
            f"≥ {EXPORT_RATE // 1000}k/s",
            slowest[1] >= EXPORT_RATE if not config.quick else None,
        )
    )
    fmt, whole, per_cpu = min(commands, key=lambda c: c[1])
    section.checks.append(
        Check(
            f"export of {count // 1000}k annotations: the command end to end (slowest format)",
            f"{whole / 1000:.0f}k/s ({fmt}; per CPU second: {per_cpu / 1000:.0f}k/s)",
            f"≥ {EXPORT_RATE // 1000}k/s",
            whole >= EXPORT_RATE if not config.quick else None,
        )
    )
