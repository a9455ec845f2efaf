"""Chinese word segmentation with jieba, loaded lazily.

Importing jieba and loading its dictionary takes about a second, so nothing here happens at
import time: `load_segmenter()` does it (call it in a thread), and `segmenter()` returns the
loaded segmenter or None until then. Callers fall back to one character per word meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

Segmenter = Callable[[str], Iterable[tuple[int, int]]]
"""Splits a run of Chinese characters into words: (start, end) offsets into the run."""

_lock = threading.Lock()
_segmenter: Segmenter | None = None
_unavailable = False


def segmenter() -> Segmenter | None:
    """The loaded Chinese segmenter, or None while it is not loaded (or jieba is missing)."""
    return _segmenter


def load_segmenter() -> Segmenter | None:
    """Load jieba and its dictionary (about a second, once); None if jieba is not installed.

    Safe to call from any thread and more than once: later calls return at once.
    """
    global _segmenter, _unavailable
    with _lock:
        if _segmenter is not None or _unavailable:
            return _segmenter
        try:
            import jieba  # type: ignore[import-untyped]  # ships no type information
        except ImportError:
            _unavailable = True
            return None
        # jieba logs its dictionary loading to stderr, which would draw over the terminal UI.
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()

        def segment(run: str) -> Iterable[tuple[int, int]]:
            return ((start, end) for _word, start, end in tokenizer.tokenize(run, HMM=True))

        _segmenter = segment
        return _segmenter
