"""Collections made for tests: articles of random words, and a collection dated back as if
nobody had touched it for an hour (so an index of it may be trusted)."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from pathlib import Path

AN_HOUR_AGO = time.time() - 3600


def age_collection(library: Path) -> None:
    """Date every file and directory an hour back, as a collection untouched for a while."""
    for directory, _, files in os.walk(library):
        for name in files:
            os.utime(os.path.join(directory, name), (AN_HOUR_AGO, AN_HOUR_AGO))
        os.utime(directory, (AN_HOUR_AGO, AN_HOUR_AGO))


def write_word_articles(
    root: Path, words: Sequence[str], count: int, *, seed: int, lengths: tuple[int, int]
) -> None:
    """`count` articles `a000.txt`… in `root`: "Title N", then a body of random `words`
    (between `lengths` words, from `seed`)."""
    rng = random.Random(seed)
    for number in range(count):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(*lengths)))
        (root / f"a{number:03d}.txt").write_text(f"Title {number}\n\n{body}\n", "utf-8")
