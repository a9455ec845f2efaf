"""Child process for tests/test_store_processes.py: replace one annotation COUNT times with
`replace_many` (the old one deleted, a new one added, as one write), printing each new id.

Usage: python -m tests.helpers.replace_writer DB COUNT
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotations.anchoring import new_annotation
from annotations.store import AnnotationStore
from tests.helpers.store_writer import BODY, fox_article


def main(argv: list[str]) -> None:
    """Replace the previous annotation by a new one, COUNT times."""
    db, count = Path(argv[0]), int(argv[1])
    article = fox_article()
    store = AnnotationStore.open(db, coder="consensus")
    previous: list[str] = []
    for n in range(count):
        start = n % (len(BODY) - 10)
        annotation = new_annotation(article, start, start + 5, tags=["settled"])
        store.replace_many(previous, [annotation], description=f"settle {n}")
        previous = [annotation.id]
        print(annotation.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
