"""Adding one annotation, durably, to databases that already hold 0 … 100k annotations.

Our `AnnotationStore` (snapshot + fsync'd journal) is compared with TinyDB's default
`JSONStorage` (`TinyDB(path).insert(doc)`, which rewrites the whole file on every insert and
never fsyncs) on the same documents.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from bench.config import SEED, Config
from bench.generate import bench_cache_dir, cached_collection, generate_annotations
from bench.measure import Timing, mib, run_worker
from bench.report import Check, Section

ANNOTATED_COLLECTION = 1_000
DB_NAME = "annotations.json"
# Databases prepared before snapshots recorded the length of their small tables (head.py)
# are prepared again: an export reads those tables alone.
DB_LAYOUT = 4  # 4: with the key index (annotations.json.keys), version 2 (its CRC-32)
ADDS = 100
GROWTH_TARGET = 1.5
ADD_TARGET_S = 0.050


def _annotations(m: int, seed: int) -> list[Any]:
    from annotations.corpus import Corpus

    corpus = Corpus.open(cached_collection(ANNOTATED_COLLECTION, SEED))
    return generate_annotations(corpus, m, seed)


# Worker tasks ------------------------------------------------------------------------------


def prepare_store(kind: str, m: int, directory: str) -> dict[str, Any]:
    """Create a `kind` ("newsmark" or "tinydb") database of `m` annotations in `directory`."""
    annotations = _annotations(m, SEED)
    path = Path(directory) / DB_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if kind == "newsmark":
        from annotations.store import AnnotationStore

        store = AnnotationStore.open(path)
        if annotations:
            store.put_many(annotations)
    else:
        from tinydb import TinyDB

        with TinyDB(path) as db:
            db.insert_multiple(a.to_dict() for a in annotations)
    return {"seconds": time.perf_counter() - start}


def measure_store_add(directory: str, adds: int) -> dict[str, Any]:
    """Seconds of each of `adds` `AnnotationStore.add` calls on the database in `directory`."""
    from annotations.store import AnnotationStore

    new = _annotations(adds, SEED + 1)
    start = time.perf_counter()
    store = AnnotationStore.open(Path(directory) / DB_NAME)
    opened = time.perf_counter() - start
    times = []
    for annotation in new:
        start = time.perf_counter()
        store.add(annotation)
        times.append(time.perf_counter() - start)
    return {"times": times, "open": opened}


def measure_tinydb_add(directory: str, adds: int) -> dict[str, Any]:
    """Seconds of each of `adds` `TinyDB(path).insert(doc)` calls (default JSONStorage)."""
    from tinydb import TinyDB

    new = [a.to_dict() for a in _annotations(adds, SEED + 1)]
    start = time.perf_counter()
    db = TinyDB(Path(directory) / DB_NAME)
    opened = time.perf_counter() - start
    times = []
    with db:
        for document in new:
            start = time.perf_counter()
            db.insert(document)
            times.append(time.perf_counter() - start)
    return {"times": times, "open": opened}


# Section -----------------------------------------------------------------------------------


def _prepared(kind: str, m: int, config: Config) -> Path:
    """A fresh copy of the prepared `kind` database of `m` annotations (built once, cached)."""
    layout = f"-l{DB_LAYOUT}" if kind == "newsmark" else ""
    cached = bench_cache_dir() / "databases" / f"{kind}-m{m}-s{SEED}{layout}"
    if not cached.is_dir():
        scratch = cached.with_name(cached.name + ".tmp")
        shutil.rmtree(scratch, ignore_errors=True)
        run_worker(
            "prepare_store",
            {"kind": kind, "m": m, "directory": str(scratch)},
            env=config.cache_env("store"),
        )
        scratch.rename(cached)
    copy = config.workdir / "databases" / cached.name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(cached, copy)
    return copy


def store_section(config: Config) -> Section:
    """One durable add at each database size, ours vs TinyDB's default storage."""
    section = Section(
        name="store",
        title="Add one annotation (durable write)",
        method=(
            f"A database is prepared with M annotations (`put_many`/`insert_multiple`, not "
            f"timed), copied fresh, opened, then {ADDS} new annotations are added one at a "
            "time and each call is timed. *newsmark*: `AnnotationStore.add` (file lock, "
            "journal append + fsync, undo entry). *TinyDB default*: `TinyDB(path).insert(doc)` "
            "with `JSONStorage`, which re-reads and rewrites the whole JSON file per insert "
            "and does not fsync (so it is not durable). Peak memory is the worker's, "
            "including opening the database. Open time is `AnnotationStore.open`/`TinyDB()`."
        ),
        columns=["storage", "existing M", "add, ms", "open, ms", "DB size", "peak memory"],
    )
    medians: dict[int, float] = {}
    tinydb: dict[int, float] = {}
    for kind, sizes in (("newsmark", config.store_sizes), ("tinydb", config.tinydb_sizes)):
        for m in sizes:
            directory = _prepared(kind, m, config)
            adds = ADDS if kind == "newsmark" else 20 if m <= 10_000 else 3
            task = "store_add" if kind == "newsmark" else "tinydb_add"
            result = run_worker(
                task, {"directory": str(directory), "adds": adds}, env=config.cache_env("store")
            )
            timing = Timing(tuple(result["times"]))
            (medians if kind == "newsmark" else tinydb)[m] = timing.median
            size = sum(f.stat().st_size for f in directory.iterdir() if f.is_file())
            section.rows.append(
                [
                    "newsmark" if kind == "newsmark" else "TinyDB default",
                    f"{m:,}",
                    timing.summary(digits=2),
                    f"{result['open'] * 1000:.0f}",
                    f"{size / 1024 / 1024:.1f} MiB",
                    mib(result["peak_rss_kib"]),
                ]
            )
            shutil.rmtree(directory)
    _store_checks(section, medians)
    shared = sorted(set(medians) & set(tinydb) - {0})
    if shared:
        section.notes.append(
            "TinyDB default vs newsmark per add — "
            + ", ".join(f"{m:,}: {tinydb[m] / medians[m]:.0f}× slower" for m in shared)
            + "; the default storage grows linearly with M (whole file rewritten per insert)."
        )
    return section


def _store_checks(section: Section, medians: dict[int, float]) -> None:
    base = medians.get(0)
    at_10k = medians.get(10_000)
    growth = at_10k / base if base and at_10k else None
    section.checks.append(
        Check(
            "add at 10k existing vs at 0 (median)",
            "—"
            if growth is None
            else f"{growth:.2f}× ({at_10k * 1000:.2f} vs {base * 1000:.2f} ms)",
            f"≤ {GROWTH_TARGET}×",
            None if growth is None else growth <= GROWTH_TARGET,
        )
    )
    at_100k = medians.get(100_000)
    section.checks.append(
        Check(
            "add at 100k existing (median)",
            "—" if at_100k is None else f"{at_100k * 1000:.1f} ms",
            f"< {ADD_TARGET_S * 1000:.0f} ms",
            None if at_100k is None else at_100k < ADD_TARGET_S,
        )
    )
    if base:
        steps = ", ".join(f"{m:,}: {t / base:.2f}×" for m, t in sorted(medians.items()))
        section.notes.append(f"newsmark add time relative to an empty DB — {steps}.")
