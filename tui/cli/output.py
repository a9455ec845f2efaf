"""Printing helpers shared by the commands."""

from __future__ import annotations

import sys
from typing import Any

import orjson


def print_json(data: Any) -> None:
    """Print `data` as indented UTF-8 JSON on stdout."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")


class JsonArrayWriter:
    """Writes a JSON array item by item, as `print_json` would print the whole list (so a
    long result is streamed instead of built in memory first)."""

    def __init__(self) -> None:
        self._count = 0

    def write(self, item: Any) -> None:
        """Print one more item of the array."""
        self.write_many([item])

    def write_many(self, items: list[Any]) -> None:
        """Print more items of the array (one `orjson` call for all of them: a call per
        item cost more than building the items at a million search hits)."""
        self.write_fragment(json_items(items), len(items))

    def write_fragment(self, fragment: bytes, count: int) -> None:
        """Print `count` more items given as `json_items` made them."""
        if not count:
            return
        write_bytes(b"[\n" if not self._count else b",\n")  # not joined: a fragment is long
        write_bytes(fragment)
        self._count += count

    def close(self) -> None:
        """End the array (an empty one prints `[]`)."""
        sys.stdout.write("\n]\n" if self._count else "[]\n")


def json_items(items: list[Any]) -> bytes:
    """The items as `JsonArrayWriter` prints them (UTF-8), without the brackets and the
    separator before the first one (b"" for none)."""
    if not items:
        return b""
    # `[\n  item,\n  item\n]`: the items are indented as in the whole array.
    return orjson.dumps(items, option=orjson.OPT_INDENT_2)[2:-2]


def write_bytes(data: bytes) -> None:
    """Print UTF-8 text given as bytes (no decoding, for long output), after what was
    printed as text."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
