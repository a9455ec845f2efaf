"""The annotation store at 100k and a million annotations: what a one-annotation command
costs, opening the store, its memory per annotation, and exporting everything.

Databases are prepared once (`put_many` of generated annotations, see `store_bench`) and
cached; each measurement works on a fresh copy. Set `NEWSMARK_STORE_SCALE` (e.g.
`100000,1000000`) to choose the sizes; the full run measures 100k and 1M, `--quick` 10k.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotations.paths import bundled_samples_dir
from bench.config import SEED, Config
from bench.generate import cached_collection
from bench.measure import BenchmarkError, run_worker
from bench.report import Check, Section
from bench.scale_bench import EXPORT_LIBRARY, EXPORT_RATE, ONE_ARTICLE_FACTOR, Run, _median, _run
from bench.store_bench import DB_NAME, _prepared

RUNS = 5
RAM_FACTOR = 1.5
# modify_at / delete_at read one annotation more than add_new: at most this factor slower
# (fsync times swing; a search of the table at 100k took 17× add_new, at 1M 45×).
FOUND_FACTOR = 3
# A sentence of the first sample article (by id), annotated by every `annotate` run.
SAMPLE_ARTICLE = "000_e730ce0a32d34978"
SAMPLE_QUOTE = "Xi Jinping"


def _sizes(config: Config) -> list[int]:
    given = os.environ.get("NEWSMARK_STORE_SCALE")
    if given:
        return [int(size) for size in given.split(",")]
    return [10_000] if config.quick else [100_000, 1_000_000]


def _rss_kib() -> int:
    """This process's resident memory now, in KiB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * (resource.getpagesize() // 1024)


# Worker task ------------------------------------------------------------------------------


def snapshot_ids(db: Path, count: int) -> list[str]:
    """Ids of `count` annotations of the snapshot at `db`, taken from the start and the end
    of its annotations table in turn (a search of the table would find the first soon and
    the last late)."""
    from annotations.store.head import read_head

    with db.open("rb") as file:
        head = read_head(file)
        assert head is not None, "the database was written with a head"
        file.seek(head.annotations_at)
        first = file.read(min(64 * 1024, head.annotations_end - head.annotations_at))
        last_at = max(head.annotations_at, head.annotations_end - 64 * 1024)
        file.seek(last_at)
        last = file.read(head.annotations_end - last_at)
    pattern = rb'"id":"([0-9a-f-]{36})"'
    early, late = re.findall(pattern, first), re.findall(pattern, last)[::-1]
    ids = [found.decode() for pair in zip(early, late, strict=False) for found in pair]
    return list(dict.fromkeys(ids))[:count]


def measure_store_open(db: str, runs: int) -> dict[str, Any]:
    """Seconds of `runs` `add_new`, `modify_at` and `delete_at` calls (the writes of
    `annotate`, `edit`, `delete`; the last two by full id, on annotations of the snapshot
    from the start and the end of its table), then of opening the store whole, and the
    memory that opening took (RSS delta)."""
    from annotations.anchoring import new_annotation
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore, add_new, delete_at, modify_at
    from annotations.store.head import read_head
    from annotations.store.store import edit_change

    article = Corpus.open(bundled_samples_dir()).article(SAMPLE_ARTICLE)
    path = Path(db)
    ids = snapshot_ids(path, runs)
    timings: dict[str, list[float]] = {"add_new": [], "modify_at": [], "delete_at": []}

    def timed(name: str, call: Callable[..., object], *args: object) -> None:
        start = time.perf_counter()
        call(*args)
        timings[name].append(time.perf_counter() - start)

    for n, annotation_id in enumerate(ids):
        timed("add_new", add_new, path, new_annotation(article, n, n + 10, tags=["b"]))
        timed("modify_at", modify_at, path, annotation_id, edit_change(note=f"b{n}"))
        timed("delete_at", delete_at, path, annotation_id)
    before = _rss_kib()
    start, cpu = time.perf_counter(), time.process_time()
    store = AnnotationStore.open(path)
    opened = (time.perf_counter() - start, time.process_time() - cpu)
    grown = _rss_kib() - before
    # The undo history's strings (an import's entry holds every annotation it added) are
    # not the annotations' memory: left out, as their bytes on disk are.
    history = store._storage.read().get("history", {}).values()
    history_bytes = sum(sys.getsizeof(value) for entry in history for value in entry.values())
    with path.open("rb") as file:
        head = read_head(file)
    assert head is not None, "the database was just written with a head"
    return {
        "writes": timings,
        "open": opened,
        "rss_kib": grown,
        "history_bytes": history_bytes,
        "annotations_bytes": head.annotations_end - head.annotations_at,
        "count": sum(store.article_counts().values()),
    }


# Section ----------------------------------------------------------------------------------


def store_scale_section(config: Config) -> Section:
    """`annotate` / `edit` / `delete` at each size vs an empty DB, store open, memory, export."""
    section = Section(
        name="store_scale",
        title="The annotation store at 100k and 1M annotations",
        method=(
            f"`newsmark annotate {SAMPLE_ARTICLE[:8]}… --quote '{SAMPLE_QUOTE}' --tag x` on the "
            f"bundled samples, as a process (interpreter start-up included), with an empty "
            f"database and with M annotations (prepared with `put_many`, copied fresh; one "
            f"untimed run first), then `edit` and `delete` of the annotations it added: "
            f"median of {RUNS} runs, wall and CPU seconds (user + system), peak memory. "
            "The commands' writes never open the database whole (`store.single`); "
            "`edit` and `delete` find an annotation added since the snapshot in the journal, "
            "and one of the snapshot with its key index (`annotations.json.keys`, a binary "
            f"search): *of the snapshot* rows edit and delete {RUNS} annotations of the prepared "
            "snapshot, from the start and the end of its table. "
            "In process: `add_new`, `modify_at` and `delete_at` (on annotations of the "
            "snapshot, from the start and the end of its table), and `AnnotationStore.open` "
            "(what the TUI and other commands do), with "
            "the memory opening takes (RSS before and after) per annotation vs the database's "
            "bytes on disk per annotation; then `export` of all M (the command as a process, "
            "start to file written; CPU includes its worker processes, peak memory is the largest "
            "process's)."
        ),
        columns=["annotations", "what", "wall, s", "CPU, s", "peak memory"],
    )
    env = {**os.environ, **config.cache_env("store-scale")}
    empty = config.workdir / "store-scale-empty" / DB_NAME
    base = _commands(section, "empty", empty, env)
    for size in _sizes(config):
        directory = _prepared("newsmark", size, config)
        database = directory / DB_NAME
        disk = sum(f.stat().st_size for f in directory.iterdir() if f.is_file())
        runs = _commands(section, f"{size:,}", database, env)
        ratio = runs["annotate"].wall / base["annotate"].wall
        section.checks.append(
            Check(
                f"`annotate` at {size:,} annotations vs an empty DB (wall, median)",
                f"{ratio:.2f}× ({runs['annotate'].wall:.2f} vs {base['annotate'].wall:.2f} s; "
                f"CPU {runs['annotate'].cpu:.2f} vs {base['annotate'].cpu:.2f} s)",
                f"≤ {ONE_ARTICLE_FACTOR}×",
                ratio <= ONE_ARTICLE_FACTOR,
            )
        )
        for command in ("edit", "delete"):
            ratio = runs[command].wall / base[command].wall
            section.checks.append(
                Check(
                    f"`{command}` at {size:,} annotations vs an empty DB (wall, median)",
                    f"{ratio:.2f}× ({runs[command].wall:.2f} vs {base[command].wall:.2f} s; "
                    f"CPU {runs[command].cpu:.2f} vs {base[command].cpu:.2f} s)",
                    f"≤ {ONE_ARTICLE_FACTOR}×",
                    ratio <= ONE_ARTICLE_FACTOR,
                )
            )
        for command in ("edit", "delete"):
            row = f"{command} of the snapshot"
            ratio = runs[row].wall / base[command].wall
            section.checks.append(
                Check(
                    f"`{command}` of an annotation of the snapshot at {size:,} vs an empty DB "
                    "(wall, median)",
                    f"{ratio:.2f}× ({runs[row].wall:.2f} vs {base[command].wall:.2f} s; "
                    f"CPU {runs[row].cpu:.2f} vs {base[command].cpu:.2f} s)",
                    f"≤ {ONE_ARTICLE_FACTOR}×",
                    ratio <= ONE_ARTICLE_FACTOR,
                )
            )
        _in_process(section, size, database, disk, config)
        # A fresh copy: the annotations `annotate` added are on a sample article, which is
        # not in the export's collection (the export would re-anchor them first, once).
        _export(section, size, _prepared("newsmark", size, config) / DB_NAME, config)
        shutil.rmtree(directory)
    return section


def _commands(section: Section, label: str, database: Path, env: dict[str, str]) -> dict[str, Run]:
    """`annotate`, then `edit` and `delete` of what it added: RUNS each (after one untimed
    `annotate`), one row per command; with annotations in the snapshot (not `empty`), also
    `edit` and `delete` of RUNS of them. Their median runs by command."""
    # Not those the in-process writes change later (the first RUNS).
    in_snapshot = [] if label == "empty" else snapshot_ids(database, 2 * RUNS)[RUNS:]
    common = ["--library", str(bundled_samples_dir()), "--db", str(database)]
    annotate = [*common, "annotate", SAMPLE_ARTICLE, "--quote", SAMPLE_QUOTE, "--tag", "x"]
    _run(annotate, env)
    added: list[str] = []
    runs: dict[str, list[Run]] = {"annotate": [], "edit": [], "delete": []}
    for _ in range(RUNS):
        run, output = _run_capturing(annotate, env)
        runs["annotate"].append(run)
        added.append(output.strip())
    for annotation_id in added:
        runs["edit"].append(_run([*common, "edit", annotation_id, "--add-tag", "y"], env))
    for annotation_id in added:
        runs["delete"].append(_run([*common, "delete", annotation_id], env))
    for annotation_id in in_snapshot:
        edit = [*common, "edit", annotation_id, "--add-tag", "y"]
        runs.setdefault("edit of the snapshot", []).append(_run(edit, env))
    for annotation_id in in_snapshot:
        delete = [*common, "delete", annotation_id]
        runs.setdefault("delete of the snapshot", []).append(_run(delete, env))
    medians = {command: _median(found) for command, found in runs.items()}
    for command, run in medians.items():
        verb, _, rest = command.partition(" ")
        what = f"`{verb}` {rest}".strip()
        row = [label, what, f"{run.wall:.2f}", f"{run.cpu:.2f}", f"{run.mib:.0f} MiB"]
        section.rows.append(row)
    return medians


def _run_capturing(args: list[str], env: dict[str, str]) -> tuple[Run, str]:
    """Run `newsmark ARGS` and measure it (`scale_bench._run`); also its output."""
    output = bytearray()
    run = _run(args, env, output)
    if run.status != 0:
        raise BenchmarkError(f"newsmark {' '.join(args[4:6])} failed (status {run.status})")
    return run, output.decode()


def _in_process(section: Section, size: int, database: Path, disk: int, config: Config) -> None:
    result = run_worker(
        "store_open", {"db": str(database), "runs": RUNS}, env=config.cache_env("store-scale")
    )
    writes = {name: statistics.median(times) for name, times in result["writes"].items()}
    append = writes["add_new"]
    opened_wall, opened_cpu = result["open"]
    for name, median in writes.items():
        section.rows.append([f"{size:,}", f"`store.{name}` (median)", f"{median:.3f}", "", ""])
    section.rows.append(
        [
            f"{size:,}",
            "`AnnotationStore.open` (whole)",
            f"{opened_wall:.2f}",
            f"{opened_cpu:.2f}",
            f"{result['peak_rss_kib'] / 1024:.0f} MiB",
        ]
    )
    found = max(writes["modify_at"], writes["delete_at"])
    section.checks.append(
        Check(
            f"`modify_at` / `delete_at` of an annotation of the snapshot at {size:,} vs "
            "`add_new` (median; a write that reads no annotation)",
            f"{found / append:.2f}× ({writes['modify_at'] * 1000:.1f} / "
            f"{writes['delete_at'] * 1000:.1f} vs {append * 1000:.1f} ms)",
            f"≤ {FOUND_FACTOR}× (no search of the table)",
            found <= FOUND_FACTOR * append,
        )
    )
    rss = result["rss_kib"] * 1024
    ram = (rss - result["history_bytes"]) / result["count"]
    on_disk = result["annotations_bytes"] / result["count"]
    section.checks.append(
        Check(
            f"store opened for a write at {size:,} (`add_new`, median)",
            f"{append * 1000:.0f} ms (`modify_at` {writes['modify_at'] * 1000:.0f} ms, "
            f"`delete_at` {writes['delete_at'] * 1000:.0f} ms; a whole open: "
            f"{opened_wall:.2f} s)",
            "does not parse the snapshot",
            append < opened_wall / 10,
        )
    )
    section.checks.append(
        Check(
            f"RAM per annotation after a whole open at {size:,}, vs its bytes on disk "
            "(the annotations table; undo history left out of both)",
            f"{ram:.0f} B vs {on_disk:.0f} B ({ram / on_disk:.2f}×; the whole file: "
            f"{disk / result['count']:.0f} B, RSS {rss / result['count']:.0f} B)",
            f"≤ {RAM_FACTOR}×",
            ram / on_disk <= RAM_FACTOR,
        )
    )


def _export(section: Section, size: int, database: Path, config: Config) -> None:
    """`export --format w3c -o FILE` of all `size` annotations: the command as a process,
    from its start to the file written."""
    library = cached_collection(EXPORT_LIBRARY, SEED)
    output = config.workdir / "store-scale-export.w3c"
    env = {**os.environ, **config.cache_env("store-scale")}
    _run(["--library", str(library), "list"], env)  # untimed: the collection's index built
    args = ["--library", str(library), "--db", str(database), "export", "--format", "w3c"]
    run = _run([*args, "-o", str(output), "--force"], env)
    output.unlink(missing_ok=True)
    if run.status:
        raise BenchmarkError(f"export of {size:,} annotations failed (status {run.status})")
    rate = size / run.wall
    section.rows.append(
        [
            f"{size:,}",
            f"`export --format w3c -o FILE`, the command end to end ({rate / 1000:.0f}k/s)",
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            f"{run.mib:.0f} MiB",
        ]
    )
    section.checks.append(
        Check(
            f"export of {size:,} annotations (w3c): the command end to end (wall)",
            f"{rate / 1000:.0f}k/s (per CPU second: {size / run.cpu / 1000:.0f}k/s)",
            f"≥ {EXPORT_RATE // 1000}k/s",
            rate >= EXPORT_RATE,
        )
    )
