"""Run one measurement in this (fresh) process: `python -m bench.worker TASK PARAMS_JSON`.

Prints the task's result as one JSON line, with the process's peak memory added.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module

from bench.measure import peak_rss_kib

TASKS = {
    "load": "bench.corpus_bench:measure_load",
    "first_search": "bench.corpus_bench:measure_first_search",
    "queries": "bench.corpus_bench:measure_queries",
    "prepare_store": "bench.store_bench:prepare_store",
    "store_add": "bench.store_bench:measure_store_add",
    "tinydb_add": "bench.store_bench:measure_tinydb_add",
    "history": "bench.history_bench:measure_history",
    "reader": "bench.reader_bench:measure_reader",
    "tui_save": "bench.tui_save_bench:measure_tui_save",
    "anchor": "bench.anchor_bench:measure_anchor",
    "annotation_browser": "bench.annotation_browser_bench:measure_annotation_browser",
    "scale_library": "bench.scale_workers:measure_library",
    "scale_export": "bench.scale_workers:measure_export",
    "store_open": "bench.store_scale_bench:measure_store_open",
}


def main(argv: list[str]) -> int:
    """Run TASK with the JSON keyword arguments and print its JSON result."""
    task, params = argv[0], json.loads(argv[1])
    module_name, function_name = TASKS[task].split(":")
    result = getattr(import_module(module_name), function_name)(**params)
    result["peak_rss_kib"] = peak_rss_kib()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
