"""Writing a large JSON document a piece at a time: the one long list in it (100,000
annotations) is converted and dumped a chunk of items at a time, so the whole text is
never in memory at once. The bytes are exactly those of one
`orjson.dumps(document, option=OPT_INDENT_2)` with the list in place, plus a newline.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import orjson

CHUNK_ITEMS = 2_000


class Streamed:
    """The place of a list in a document given to `json_chunks`: its items are produced
    (and converted) only as they are written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def json_chunks(document: Any) -> Iterator[bytes]:
    """`document` (holding at most one `Streamed`) as indented JSON and a final newline,
    in pieces of about `CHUNK_ITEMS` items of the streamed list."""
    marker = "newsmark-streamed-" + secrets.token_hex(8)
    frame, items = _with_marker(document, marker)
    dumped = orjson.dumps(frame, option=orjson.OPT_INDENT_2)
    if items is None:
        yield dumped + b"\n"
        return
    quoted = orjson.dumps(marker)
    at = dumped.index(quoted)
    line_start = dumped.rindex(b"\n", 0, at) + 1
    pad = at - line_start  # the items' indent; `orjson` indents a top-level list by 2
    head, tail = dumped[:line_start], dumped[at + len(quoted) :]
    # A chunk is dumped inside lists nested so deep that its items are indented by `pad`
    # (orjson indents by 2 a level), then cut out of them: no pass re-indenting it.
    depth = pad // 2 - 1
    written = False
    source = iter(items)
    while True:
        # The cyclic GC paused while a chunk is built: its thousands of new (acyclic) dicts
        # set off collections that took two thirds of the time of a W3C export.
        enabled = gc.isenabled()
        gc.disable()
        try:
            chunk: Any = list(islice(source, CHUNK_ITEMS))
            count = len(chunk)
            for _level in range(depth):
                chunk = [chunk]
            nested = orjson.dumps(chunk, option=orjson.OPT_INDENT_2)
        finally:
            if enabled:
                gc.enable()
        if not count:
            break
        # "[\n", "  [\n", … before the items; "\n", …, "  ]\n", "]" after them.
        cut = sum(2 * level + 2 for level in range(depth + 1))
        yield (b",\n" if written else head) + nested[cut : len(nested) - cut]
        written = True
    if written:
        yield tail + b"\n"
    else:  # `[]`, as for an empty list
        yield head[:-1] + tail[1 + pad - 2 :] + b"\n"


def _with_marker(node: Any, marker: str) -> tuple[Any, Iterable[Any] | None]:
    """A copy of the containers of `node` with its `Streamed` list replaced by [marker],
    and that list's items (None when there is none)."""
    if isinstance(node, Streamed):
        return [marker], node.items
    if isinstance(node, dict):
        found: Iterable[Any] | None = None
        copy = {}
        for key, value in node.items():
            copy[key], items = _with_marker(value, marker)
            found = items if items is not None else found
        return copy, found
    if isinstance(node, list):
        pairs = [_with_marker(value, marker) for value in node]
        found = next((items for _, items in pairs if items is not None), None)
        return [value for value, _ in pairs], found
    return node, None
