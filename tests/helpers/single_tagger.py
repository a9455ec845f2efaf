"""Child process for tests/test_store_single.py: tag one annotation many times, each time
with `modify_at` (as `newsmark edit --add-tag` does: the DB is never opened whole).

Usage: python -m tests.helpers.single_tagger DB ANNOTATION_ID PREFIX COUNT
(adds the tags PREFIX0 … PREFIX<COUNT-1>, one write each, printing each tag once saved).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotations.store import modify_at
from annotations.store.store import edit_change


def main(argv: list[str]) -> None:
    """Add COUNT tags, one at a time, to the annotation argv[1] of the DB at argv[0]."""
    db, annotation_id, prefix, count = Path(argv[0]), argv[1], argv[2], int(argv[3])
    for n in range(count):
        tag = f"{prefix}{n}"
        modify_at(db, annotation_id, edit_change(add_tags=[tag]))
        print(tag, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
