"""Child process for tests/test_isolation.py: one kind of writer under a mixed load.

Usage: python -m tests.helpers.load_worker DB ROLE SECONDS SEED [ARGS...]

Roles (each prints one JSON line per change, after the store call returned, i.e. once the
change is acknowledged):
  adder               add new annotations                    {"add": id}
  tagger IDS          add a unique tag to one of IDS         {"tag": [id, tag]}
  noter IDS           set a unique note on one of IDS        {"note": [id, note]}
  renamer             rename tag ren-a <-> ren-b, back and forth  {"rename": [old, new]}
  importer FILE       import FILE (older copies) repeatedly  {"import": n}
  holder              take the write lock, say so, and keep it until killed
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from annotations.anchoring import new_annotation
from annotations.errors import UnknownTagError
from annotations.store import AnnotationStore
from tests.helpers.store_writer import fox_article


def say(record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)


def main(argv: list[str]) -> None:
    """Run one role until SECONDS have passed."""
    db, role, seconds, seed = Path(argv[0]), argv[1], float(argv[2]), int(argv[3])
    rest = argv[4:]
    rng = random.Random(seed)
    store = AnnotationStore.open(db, compact_bytes=20_000)
    deadline = time.monotonic() + seconds
    n = 0
    if role == "holder":
        with store._writing():
            say({"locked": True})
            time.sleep(3600)
    while time.monotonic() < deadline:
        n += 1
        if role == "adder":
            start = rng.randrange(40)
            annotation = new_annotation(fox_article(), start, start + 5, tags=[f"add-{seed}"])
            store.add(annotation)
            say({"add": annotation.id})
        elif role == "tagger":
            target = rng.choice(rest)
            tag = f"t{seed}-{n}"
            store.edit(target, add_tags=[tag])
            say({"tag": [target, tag]})
        elif role == "noter":
            target = rest[seed % len(rest)]  # one noter per annotation: its last note wins
            note = f"note {seed}-{n}"
            store.edit(target, note=note)
            say({"note": [target, note]})
        elif role == "renamer":
            for old, new in (("ren-a", "ren-b"), ("ren-b", "ren-a")):
                try:
                    store.rename_tag(old, new)
                except UnknownTagError:
                    continue
                say({"rename": [old, new]})
        elif role == "importer":
            from annotations.corpus import Corpus
            from annotations.export.importer import import_annotations, read_export_file

            corpus = Corpus.open(Path(rest[1]))
            report = import_annotations(read_export_file(Path(rest[0])), store, corpus)
            say({"import": report.updated})
        else:
            raise SystemExit(f"unknown role {role}")


if __name__ == "__main__":
    main(sys.argv[1:])
