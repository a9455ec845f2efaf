"""Limits on what an imported file may hold.

Imported files are untrusted. These bounds are far above anything newsmark writes or a
person makes (a quote is at most an article, an article at most 20 MB), and low enough
that a hostile file cannot exhaust memory or make the reader slow. A file over any of
them is refused with a one-line error and nothing is written.
"""

from __future__ import annotations

from annotations.tags import MAX_TAG_LENGTH, MAX_TAGS_PER_ANNOTATION

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ITEMS = 1_000_000  # annotations (or W3C items) in one file
MAX_TAG_RECORDS = 100_000  # entries of a native export's "tags" list
MAX_ID_CHARS = 200  # an annotation id (newsmark writes 36-character UUIDs)
MAX_ARTICLE_CHARS = 2_048  # an article id, or a W3C target URL kept as one
MAX_QUOTE_CHARS = 1_000_000
MAX_NOTE_CHARS = 100_000
MAX_CONTEXT_CHARS = 10_000  # prefix, suffix, body hash, timestamps, colours
MAX_OFFSET = 1_000_000_000  # start/end: beyond any article newsmark can load

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_CONTEXT_CHARS",
    "MAX_FILE_BYTES",
    "MAX_ID_CHARS",
    "MAX_ITEMS",
    "MAX_NOTE_CHARS",
    "MAX_OFFSET",
    "MAX_QUOTE_CHARS",
    "MAX_TAGS_PER_ANNOTATION",
    "MAX_TAG_LENGTH",
    "MAX_TAG_RECORDS",
]
