"""Child process for tests/test_store_processes.py: add annotations, print each id once saved.

Usage: python -m tests.helpers.store_writer DB COUNT COMPACT_BYTES [wait] [append]
(COUNT 0 = keep adding until killed; "wait": open the DB, then wait for a line on stdin;
"append": add each with `AnnotationStore.add_new`, never opening the DB whole, as
`newsmark annotate` does).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from annotations.anchoring import new_annotation
from annotations.article import Article, ArticleMeta
from annotations.store import AnnotationStore, add_new

BODY = "The quick brown fox jumps over the lazy dog.\n\nA second paragraph of plain words."


def fox_article() -> Article:
    """The article every writer annotates."""
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
    return Article(meta=meta, body=BODY)


def main(argv: list[str]) -> None:
    """Add annotations to the DB at argv[0], printing each id after `add` returns."""
    db, count = Path(argv[0]), int(argv[1])
    compact_bytes = int(argv[2])
    article = fox_article()
    flags = set(argv[3:])
    store = None if "append" in flags else AnnotationStore.open(db, compact_bytes=compact_bytes)
    if "wait" in flags:
        sys.stdin.readline()
    numbers = range(count) if count else itertools.count()
    for n in numbers:
        start = n % 40
        annotation = new_annotation(article, start, start + 5, tags=[f"tag{n % 7}"])
        if store is None:
            add_new(db, annotation, compact_bytes=compact_bytes)
        else:
            store.add(annotation)
        print(annotation.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
