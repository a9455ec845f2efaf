"""Undo history at scale: six tag renames of every annotation of a large database.

Before the history stored what changed, each rename kept a whole copy of every renamed
annotation: six renames of 100k annotations grew the database from 33 MB to 360 MB and its
open time from 1.4 s to 6.7 s. Now an entry holds the changed fields only and the history
is capped in bytes (the newest entry always stays, so the rename can still be undone).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.config import Config
from bench.measure import mib, run_worker
from bench.report import Check, Section

RENAMES = 6
GROWTH_TARGET = 1.5


def _size(db: Path) -> int:
    return sum(path.stat().st_size for path in db.parent.glob(db.name + "*") if path.is_file())


def _open_seconds(db: Path) -> float:
    from annotations.store import AnnotationStore

    start = time.perf_counter()
    AnnotationStore.open(db)
    return time.perf_counter() - start


def measure_history(directory: str, m: int) -> dict[str, Any]:
    """Build `m` annotations tagged t0, rename t0 → t1 → … six times, undo the last."""
    from annotations.anchoring import new_annotation
    from annotations.article import Article, ArticleMeta
    from annotations.store import AnnotationStore
    from annotations.store.ops import put_op
    from annotations.store.schema import ANNOTATIONS_TABLE

    body = "The quick brown fox jumps over the lazy dog.\n\nA second paragraph of plain words."
    meta = ArticleMeta(
        id="000_fox",
        title="Fox",
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path("fox.txt"),
        words=15,
        format="txt",
    )
    article = Article(meta=meta, body=body)
    db = Path(directory) / "annotations.json"
    store = AnnotationStore.open(db)
    annotations = [
        replace(
            new_annotation(article, n % 40, n % 40 + 5, tags=["t0", "other"]),
            id=str(uuid.UUID(int=n)),
        )
        for n in range(m)
    ]
    with store._writing():  # the starting database holds no history (bench set-up only)
        store._commit(
            "", [put_op(ANNOTATIONS_TABLE, a.id, a.to_dict()) for a in annotations], undoable=False
        )
    store._storage.snapshot()
    before = {"size": _size(db), "open": _open_seconds(db)}
    renames = []
    for n in range(RENAMES):
        start = time.perf_counter()
        changed = store.rename_tag(f"t{n}", f"t{n + 1}")
        renames.append(
            {"seconds": time.perf_counter() - start, "changed": changed, "size": _size(db)}
        )
    store._storage.snapshot()
    after = {"size": _size(db), "open": _open_seconds(db)}
    reopened = AnnotationStore.open(db)
    start = time.perf_counter()
    undone = reopened.undo()
    undo_seconds = time.perf_counter() - start
    tags = {tag.name for tag in reopened.tags()}
    return {
        "before": before,
        "after": after,
        "renames": renames,
        "undo": {
            "seconds": undo_seconds,
            "description": undone.description if undone else None,
            "ok": tags == {f"t{RENAMES - 1}", "other"},
        },
    }


def history_section(config: Config) -> Section:
    """Six renames of every annotation; database size and open time before and after."""
    m = 10_000 if config.quick else 100_000
    section = Section(
        name="history",
        title="Undo history at scale: six renames of every annotation",
        method=(
            f"A database of {m:,} annotations (tagged t0 and other, no history) is renamed "
            f"t0 → t1 → … → t{RENAMES}, each an undoable change of every annotation, then "
            "snapshotted; the size is of the snapshot plus journal; open is "
            "`AnnotationStore.open` in the same process. Then the last rename is undone from "
            "a freshly opened store. Before the history recorded only changed fields (and had "
            "a byte cap), six renames of 100k grew the database 33 → 360 MB and its open time "
            "1.4 → 6.7 s (measured when issue 11 was filed)."
        ),
        columns=["step", "annotations changed", "seconds", "DB size"],
    )
    directory = config.workdir / "history"
    directory.mkdir(parents=True, exist_ok=True)
    result = run_worker(
        "history",
        {"directory": str(directory), "m": m},
        env=config.cache_env("history"),
        timeout=1800,
    )
    before, after = result["before"], result["after"]
    section.rows.append(
        ["start", "", f"open {before['open']:.2f}", f"{before['size'] / 1e6:.1f} MB"]
    )
    for n, rename in enumerate(result["renames"], 1):
        section.rows.append(
            [
                f"rename {n}",
                f"{rename['changed']:,}",
                f"{rename['seconds']:.2f}",
                f"{rename['size'] / 1e6:.1f} MB",
            ]
        )
    section.rows.append(
        ["after (snapshot)", "", f"open {after['open']:.2f}", f"{after['size'] / 1e6:.1f} MB"]
    )
    section.rows.append(["undo the last rename", f"{m:,}", f"{result['undo']['seconds']:.2f}", ""])
    from annotations.store.store import HISTORY_BYTES

    growth = after["size"] - before["size"]
    slower = after["open"] / before["open"]
    section.checks += [
        Check(
            f"DB growth after {RENAMES} renames of {m:,} (the history)",
            f"{growth / 2**20:.1f} MiB ({after['size'] / before['size']:.2f}× the start)",
            f"≤ the history cap, {HISTORY_BYTES / 2**20:.0f} MiB",
            growth <= HISTORY_BYTES,
        ),
        Check(
            f"open time after {RENAMES} renames of {m:,} vs before",
            f"{slower:.2f}×",
            f"≤ {GROWTH_TARGET}×",
            slower <= GROWTH_TARGET,
        ),
        Check(
            "the last rename can still be undone",
            str(result["undo"]["description"]),
            "undone, tags back",
            bool(result["undo"]["ok"]),
        ),
    ]
    section.notes.append(f"Peak memory of the worker: {mib(result['peak_rss_kib'])}.")
    return section
