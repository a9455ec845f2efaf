"""Child process for tests/test_store_current.py: annotation N added and the sentinel's note
set to N in one write, for N = 1..COUNT; snapshots compacted often.

Usage: python -m tests.helpers.batch_writer DB COUNT SENTINEL_ID
Prints "ready" once the DB is open, then waits for a line on stdin before writing.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from annotations.anchoring import new_annotation
from annotations.store import AnnotationStore
from tests.helpers.store_writer import fox_article


def main(argv: list[str]) -> None:
    """Write COUNT batches to the DB at argv[0] (see the module docstring)."""
    db, count, sentinel_id = Path(argv[0]), int(argv[1]), argv[2]
    store = AnnotationStore.open(db, compact_bytes=20_000)
    article = fox_article()
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(1, count + 1):
        added = replace(new_annotation(article, n % 40, n % 40 + 5, tags=["w"]), id=f"w{n:05d}")
        sentinel = replace(store.get(sentinel_id), note=str(n))
        store.put_many([added, sentinel], description=f"batch {n}")
        time.sleep(0.002)  # readers get the file between writes too


if __name__ == "__main__":
    main(sys.argv[1:])
