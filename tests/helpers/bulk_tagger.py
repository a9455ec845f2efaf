"""Child process for tests/test_store_processes.py: bulk-tag every annotation, many times.

Usage: python -m tests.helpers.bulk_tagger DB PREFIX COUNT
(waits for a line on stdin, then adds the tags PREFIX0 … PREFIX<COUNT-1> to every annotation,
one `edit_many` and one description of the tag per step, printing each tag once saved).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotations.store import AnnotationStore


def main(argv: list[str]) -> None:
    """Tag every annotation of the DB at argv[0] COUNT times."""
    db, prefix, count = Path(argv[0]), argv[1], int(argv[2])
    store = AnnotationStore.open(db)
    sys.stdin.readline()
    for n in range(count):
        tag = f"{prefix}{n}"
        store.edit_many([a.id for a in store.all()], add_tags=[tag], description=f"add {tag}")
        store.describe_tag(f"{prefix}/{n}", f"step {n}")
        print(tag, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
