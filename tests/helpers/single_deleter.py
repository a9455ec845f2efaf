"""Child process for tests/test_store_key_index.py: delete annotations one at a time with
`delete_at` (as `newsmark delete` does: the DB is never opened whole).

Usage: python -m tests.helpers.single_deleter DB ID... (prints each id once deleted).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotations.store import delete_at


def main(argv: list[str]) -> None:
    """Delete the annotations argv[1:] of the DB at argv[0], one write each."""
    db = Path(argv[0])
    for annotation_id in argv[1:]:
        print(delete_at(db, annotation_id).id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
