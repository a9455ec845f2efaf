"""Writing a large JSON document a piece at a time: the one long list in it (100,000
annotations) is converted and dumped a chunk of items at a time, so the whole text is
never in memory at once. The bytes are exactly those of one
`orjson.dumps(document, option=OPT_INDENT_2)` with the list in place, plus a newline.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import orjson

from annotations.gc_pause import gc_paused
from annotations.search_pool import can_fork, ordered_map

CHUNK_ITEMS = 2_000
# A streamed list this long is converted and dumped on every core (up to MAX_PROCESSES).
PARALLEL_ITEMS = 20_000
MAX_PROCESSES = 4
_SPOOL = "/dev/shm"  # where the workers leave their chunks, when there is one
SPOOL_PREFIX = "newsmark-export-"
SPOOL_LOCK = ".lock"  # held by the exporting process (`flock`) while it runs


class Streamed:
    """The place of a list in a document given to `json_chunks`: its items, each turned
    into JSON-ready data by `convert` (if given) only as they are written."""

    def __init__(self, items: Iterable[Any], convert: Callable[[Any], Any] | None = None) -> None:
        self.items = items
        self.convert = convert


def json_chunks(document: Any) -> Iterator[bytes]:
    """`document` (holding at most one `Streamed`) as indented JSON and a final newline,
    in pieces of about `CHUNK_ITEMS` items of the streamed list.

    A streamed list of at least `PARALLEL_ITEMS` items with a `convert` (a sequence) is
    converted and dumped by worker processes, a chunk each, when they can be forked (the
    command line; see `search_pool.ordered_map`), in order."""
    marker = "newsmark-streamed-" + secrets.token_hex(8)
    frame, streamed = _with_marker(document, marker)
    dumped = orjson.dumps(frame, option=orjson.OPT_INDENT_2)
    if streamed is None:
        yield dumped + b"\n"
        return
    quoted = orjson.dumps(marker)
    at = dumped.index(quoted)
    line_start = dumped.rindex(b"\n", 0, at) + 1
    pad = at - line_start  # the items' indent; `orjson` indents a top-level list by 2
    head, tail = dumped[:line_start], dumped[at + len(quoted) :]
    written = False
    for piece in _pieces(streamed, pad // 2 - 1):
        yield (b",\n" if written else head) + piece
        written = True
    if written:
        yield tail + b"\n"
    else:  # `[]`, as for an empty list
        yield head[:-1] + tail[1 + pad - 2 :] + b"\n"


def _pieces(streamed: Streamed, depth: int) -> Iterator[bytes]:
    """The streamed items' JSON, a chunk at a time, each item indented for `depth` lists
    around the list (see `_dump`)."""
    items, convert = streamed.items, streamed.convert
    if (
        convert is not None
        and isinstance(items, Sequence)
        and len(items) >= PARALLEL_ITEMS
        and can_fork()
    ):
        workers = min(len(os.sched_getaffinity(0)), MAX_PROCESSES)
        if workers > 1:
            yield from _shared_pieces(items, convert, depth, workers)
            return
    source = iter(items) if convert is None else map(convert, items)
    while True:
        # The cyclic GC paused: the thousands of new (acyclic) dicts of a chunk set off
        # collections that took two thirds of the time of a W3C export.
        with gc_paused():
            chunk = list(islice(source, CHUNK_ITEMS))
            if not chunk:
                return
            piece = _dump(chunk, depth)
        yield piece


def _dump(chunk: list[Any], depth: int) -> bytes:
    """The items of `chunk` as indented JSON at `depth`: dumped inside lists nested so deep
    that they are indented as in the document (orjson indents by 2 a level), then cut out
    of them, without the line ends around them (no pass re-indenting the text)."""
    nested: Any = chunk
    for _level in range(depth):
        nested = [nested]
    text = orjson.dumps(nested, option=orjson.OPT_INDENT_2)
    # "[\n", "  [\n", … before the items; "\n", …, "  ]\n", "]" after them.
    cut = sum(2 * level + 2 for level in range(depth + 1))
    return text[cut : len(text) - cut]


def _shared_pieces(
    items: Sequence[Any], convert: Callable[[Any], Any], depth: int, workers: int
) -> Iterator[bytes]:
    """`_pieces` of a long list, its chunks converted and dumped by `workers` forked
    processes, in order; this process only writes them (which keeps up with them: with a
    share of the chunks besides, it held every worker up at each of its turns).

    Each chunk comes back in a file of a private spool directory (in memory: /dev/shm),
    read at once and removed: a worker never waits for this process to read a pipe (a
    megabyte through a pipe is sixteen waits and wakes), and no chunk is pickled."""
    bounds = ((at, at + CHUNK_ITEMS) for at in range(0, len(items), CHUNK_ITEMS))
    spool, lock = _spool_directory()
    theirs = ordered_map(
        _dump_range, bounds, workers, initializer=_set_job, initargs=(items, convert, depth, spool)
    )
    try:
        for piece in theirs:
            yield piece if isinstance(piece, bytes) else _taken(piece)
    finally:  # the workers stopped, also when the output stops early (it is a generator)
        close = getattr(theirs, "close", None)
        if close is not None:
            close()
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)
        if lock is not None:
            os.close(lock)


def _spool_directory() -> tuple[str | None, int | None]:
    """A new private directory for the workers' chunks (in memory where /dev/shm is), and
    the descriptor of its lock, held (`flock`) until the export ends; (None, None) if none
    can be made (the chunks then come back through the pipe). Directories left by exports
    that were killed (their lock free) are removed first."""
    for place in (_SPOOL, None):  # None: the temporary directory
        try:
            _remove_stale_spools(place or tempfile.gettempdir())
            directory = tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=place)
        except OSError:
            continue
        lock = _locked(directory, create=True)
        if lock is not None:
            return directory, lock
        shutil.rmtree(directory, ignore_errors=True)
    return None, None


def _locked(directory: str, *, create: bool = False) -> int | None:
    """The descriptor of the spool `directory`'s lock file, locked by this process; None
    if another process holds it (a running export), or it cannot be opened."""
    flags = os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        descriptor = os.open(os.path.join(directory, SPOOL_LOCK), flags, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _remove_stale_spools(place: str) -> None:
    """Remove this user's spool directories in `place` whose lock no process holds (their
    export was killed before it could clean up); a running export's stays."""
    with contextlib.suppress(OSError), os.scandir(place) as entries:
        for entry in entries:
            if not entry.name.startswith(SPOOL_PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            if entry.stat().st_uid != os.getuid():
                continue
            lock = _locked(entry.path)
            if lock is not None:
                shutil.rmtree(entry.path, ignore_errors=True)
                os.close(lock)


def _taken(name: str) -> bytes:
    """The bytes a worker left in the spool file `name`, which is removed."""
    with open(name, "rb") as file:
        data = file.read()
    os.unlink(name)
    return data


# What a worker process converts and dumps, and where it leaves the result (set when it
# starts, by fork: never pickled).
_job: tuple[Sequence[Any], Callable[[Any], Any], int, str | None] | None = None


def _set_job(
    items: Sequence[Any], convert: Callable[[Any], Any], depth: int, spool: str | None
) -> None:
    global _job
    _job = (items, convert, depth, spool)


def _dump_range(bounds: tuple[int, int]) -> bytes | str:
    """In a worker: `_convert_and_dump` of its job's items in `bounds`, left in a file of
    the spool directory (its name returned), or returned itself if that cannot be written
    (a full /dev/shm)."""
    assert _job is not None, "a worker started without its job"
    items, convert, depth, spool = _job
    data = _convert_and_dump(items, convert, depth, bounds)
    if spool is None:
        return data
    name = os.path.join(spool, str(bounds[0]))
    try:
        with open(name, "xb") as file:
            file.write(data)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)
        return data
    return name


def _convert_and_dump(
    items: Sequence[Any], convert: Callable[[Any], Any], depth: int, bounds: tuple[int, int]
) -> bytes:
    """`_dump` of `items[start:stop]`, each converted."""
    start, stop = bounds
    with gc_paused():
        return _dump([convert(item) for item in items[start:stop]], depth)


def _with_marker(node: Any, marker: str) -> tuple[Any, Streamed | None]:
    """A copy of the containers of `node` with its `Streamed` list replaced by [marker],
    and that `Streamed` (None when there is none)."""
    if isinstance(node, Streamed):
        return [marker], node
    if isinstance(node, dict):
        found: Streamed | None = None
        copy = {}
        for key, value in node.items():
            copy[key], streamed = _with_marker(value, marker)
            found = streamed if streamed is not None else found
        return copy, found
    if isinstance(node, list):
        pairs = [_with_marker(value, marker) for value in node]
        found = next((streamed for _, streamed in pairs if streamed is not None), None)
        return [value for value, _ in pairs], found
    return node, None
