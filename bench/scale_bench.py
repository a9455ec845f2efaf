"""What a user waits for at the command line on a large collection: `newsmark` commands run
as separate processes (interpreter start-up included) on a generated collection.

The size is 100,000 articles in the full run and 2,000 with `--quick`; set
`NEWSMARK_SCALE_ARTICLES` to measure another size (e.g. 1000000; the collection is generated
once and cached, see `bench.generate`).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from annotations.paths import bundled_samples_dir
from bench.config import SEED, Config
from bench.generate import cached_collection
from bench.measure import REPO_ROOT
from bench.report import Check, Section

LIST_TARGET_S = 1.5
LIST_TARGET_MIB = 300
COLD_TARGET_S = 30.0
ONE_ARTICLE_FACTOR = 1.5
SEARCHES = ("Vietnam", "pie of common interests", "zzzz not present")


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MiB of one `newsmark` process (its own rusage, via wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], cwd=REPO_ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def _grep(pattern: str, library: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["grep", "-rci", pattern, str(library)], stdout=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - started


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def scale_section(config: Config) -> Section:
    """CLI commands at one large size: list, search vs grep, one-article commands, cold index."""
    size = int(os.environ.get("NEWSMARK_SCALE_ARTICLES") or (2_000 if config.quick else 100_000))
    library = cached_collection(size, SEED)
    base = config.workdir / "scale"
    env = {**os.environ, "XDG_CACHE_HOME": str(base / "cache"),
           "XDG_DATA_HOME": str(base / "data"), "XDG_CONFIG_HOME": str(base / "config")}
    repeats = config.slow_repeats
    lib = ["--library", str(library)]
    section = Section(
        name="scale", title=f"Command line at {size:,} articles",
        method=(
            f"`newsmark` commands run as processes (start-up included; median of {repeats}, "
            "peak memory of the process) on a generated collection "
            f"(`python -m bench.generate --articles {size}`). *Cold*: no index yet (every "
            "file parsed, on every core). *Warm*: the index exists and no file changed. "
            "`grep -rci` over the same files is the yardstick for search. One-article "
            "commands are compared with the same command on the five bundled samples."
        ),
        columns=["command", "seconds", "peak memory"],
    )
    cold = _run([*lib, "--db", str(base / "cold.json"), "list", "--json"], env)
    section.rows.append(["`list --json`, cold (indexes the collection)", f"{cold[0]:.2f}",
                         f"{cold[1]:.0f} MiB"])
    listing = _median([_run([*lib, "--db", str(base / "x.json"), "list", "--json"], env)
                       for _ in range(repeats)])
    section.rows.append(["`list --json`, warm", f"{listing[0]:.2f}", f"{listing[1]:.0f} MiB"])
    first = _run([*lib, "--db", str(base / "x.json"), "search", "zzzz not present"], env)
    section.rows.append(["first `search` (builds the full-text index, once)",
                         f"{first[0]:.2f}", f"{first[1]:.0f} MiB"])
    slowest_ratio = 0.0
    for query in SEARCHES:
        found = _median([_run([*lib, "--db", str(base / "x.json"), "search", query, "--json"],
                              env) for _ in range(repeats)])
        grep = statistics.median(_grep(query, library) for _ in range(repeats))
        slowest_ratio = max(slowest_ratio, found[0] / grep)
        section.rows.append([f"`search {query!r} --json` (grep -rci: {grep:.2f} s)",
                             f"{found[0]:.2f}", f"{found[1]:.0f} MiB"])
    one_article: list[float] = []
    samples = ["--library", str(bundled_samples_dir())]
    for name, args in (("annotate", ["annotate", "00042", "--quote", "the", "--tag", "bench"]),
                       ("show", ["show", "00042"])):
        big = _median([_run([*lib, "--db", str(base / f"{name}.json"), *args], env)
                       for _ in range(repeats)])
        small_args = [args[0], "003", *args[2:]]
        small = _median([_run([*samples, "--db", str(base / f"s{name}.json"), *small_args],
                              env) for _ in range(repeats)])
        one_article.append(big[0] / small[0])
        section.rows.append([f"`{name}` one article, empty DB (samples: {small[0]:.2f} s)",
                             f"{big[0]:.2f}", f"{big[1]:.0f} MiB"])
    shutil.rmtree(base, ignore_errors=True)
    measured = size >= 100_000
    section.checks += [
        Check(f"`list --json` at {size:,}, warm", f"{listing[0]:.2f} s, {listing[1]:.0f} MiB",
              f"< {LIST_TARGET_S} s, < {LIST_TARGET_MIB} MiB",
              listing[0] < LIST_TARGET_S and listing[1] < LIST_TARGET_MIB if measured else None),
        Check(f"`search --json` at {size:,} vs `grep -rci` (slowest query)",
              f"{slowest_ratio:.2f}× grep", "< 1×", slowest_ratio < 1 if measured else None),
        Check(f"one-article commands at {size:,} vs the samples (worst)",
              f"{max(one_article):.2f}×", f"≤ {ONE_ARTICLE_FACTOR}×",
              max(one_article) <= ONE_ARTICLE_FACTOR if measured else None),
        Check(f"cold index at {size:,} on {os.cpu_count()} cores", f"{cold[0]:.1f} s",
              f"< {COLD_TARGET_S:.0f} s", cold[0] < COLD_TARGET_S if measured else None),
    ]
    return section
