"""Run the benchmarks: `python -m bench [--quick] [NAME ...]`.

Without names every benchmark runs and docs/benchmarks.md is rewritten; with names only
those run and the report is printed (and written only if `--output` is given).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from annotations.paths import bundled_samples_dir
from bench.anchor_bench import anchor_section
from bench.annotation_browser_bench import annotation_browser_section
from bench.config import Config
from bench.corpus_bench import load_section, search_section
from bench.history_bench import history_section
from bench.reader_bench import reader_section
from bench.report import REPORT_PATH, Machine, Section, render
from bench.scale_bench import scale_section
from bench.startup_bench import startup_section
from bench.store_bench import store_section
from bench.store_scale_bench import store_scale_section
from bench.tui_save_bench import tui_save_section

BENCHMARKS: dict[str, Callable[[Config], Section]] = {
    "startup": lambda config: startup_section(config, bundled_samples_dir()),
    "load": load_section,
    "search": search_section,
    "store": store_section,
    "history": history_section,
    "reader": reader_section,
    "tui_save": tui_save_section,
    "anchor": anchor_section,
    "annotation_browser": annotation_browser_section,
    "scale": scale_section,
    "store_scale": store_scale_section,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: benchmark names, --quick, --output."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and smaller sizes (about a minute)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the report (default: {REPORT_PATH} for a full run)",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and write or print the report."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    names = args.names or list(BENCHMARKS)
    workdir = Path(tempfile.mkdtemp(prefix="newsmark-bench-run-"))
    config = Config.make(quick=args.quick, workdir=workdir)
    os.environ.update(config.cache_env("main"))  # never touch the user's real data or cache
    sections: list[Section] = []
    try:
        for name in names:
            started = time.perf_counter()
            print(f"[bench] {name} …", file=sys.stderr, flush=True)
            sections.append(BENCHMARKS[name](config))
            print(
                f"[bench] {name} done in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    command = (
        "python -m bench"
        + (" --quick" if args.quick else "")
        + "".join(f" {name}" for name in args.names)
    )
    report = render(sections, Machine.current(workdir), quick=args.quick, command=command)
    output = args.output or (None if args.names else REPORT_PATH)
    if output is None:
        print(report)
    else:
        output.write_text(report, encoding="utf-8")
        print(f"[bench] wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
