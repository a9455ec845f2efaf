"""Parsing files for the collection index: metadata, body and content hash, on every core.

Only the files that changed since the index was written are parsed. Many of them (a first
index of a large collection) are parsed by a pool of processes, one per core; a few are
parsed in the calling process, where starting a pool would cost more than it saves.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from annotations.loader import load_file
from annotations.text import safe_name

# Fewer changed files than this are parsed in this process (a pool takes ~0.3 s to start).
POOL_THRESHOLD = 400
CHUNK_FILES = 64
Progress = Callable[[int, int], None]


class IndexedArticle(NamedTuple):
    """One article of a file as the index keeps it (`base_id` before duplicate ids are
    told apart by their format).

    A named tuple, not a dataclass: every article crosses from a worker process to the
    parent, and a tuple is pickled and unpickled in C (a frozen dataclass field by field in
    Python, several times slower)."""

    base_id: str
    title: str
    source: str | None
    date: str | None
    authors: tuple[str, ...]
    url: str | None
    words: int
    format: str
    encoding: str
    record: int | None
    content_hash: str
    body: str


@dataclass(frozen=True, slots=True)
class FileJob:
    """A file to parse: absolute path, path relative to the collection, size and mtime."""

    path: str
    relative: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class IndexedFile:
    """What the index remembers about one file."""

    relative: str
    size: int
    mtime_ns: int
    notices: list[str] = field(default_factory=list)
    articles: list[IndexedArticle] = field(default_factory=list)

    def __reduce__(self) -> tuple[type[IndexedFile], tuple[object, ...]]:
        # Pickled as its constructor's arguments: a third of the cost of the slots state
        # (each file crosses from a worker process to the parent).
        return IndexedFile, (self.relative, self.size, self.mtime_ns, self.notices, self.articles)


def body_hash(body: str) -> str:
    """`Article.content_hash` of a body."""
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def index_file(job: FileJob) -> IndexedFile:
    """Parse one file (never raises for bad content: notices instead)."""
    base_id = safe_name(job.relative.rsplit(".", 1)[0])
    loaded = load_file(Path(job.path), base_id, segment=False)
    entry = IndexedFile(job.relative, job.size, job.mtime_ns, notices=loaded.notices)
    for article in loaded.articles:
        meta = article.meta
        entry.articles.append(
            IndexedArticle(
                base_id=meta.id,
                title=meta.title,
                source=meta.source,
                date=meta.date,
                authors=meta.authors,
                url=meta.url,
                words=meta.words,
                format=meta.format,
                encoding=meta.encoding,
                record=meta.record,
                content_hash=body_hash(article.body),
                body=article.body,
            )
        )
    return entry


def _index_chunk(jobs: Sequence[FileJob]) -> list[IndexedFile]:
    return [index_file(job) for job in jobs]


def index_files(jobs: Sequence[FileJob], progress: Progress | None = None) -> Iterator[IndexedFile]:
    """Every job parsed, in order; `progress(done, total)` after each chunk of files."""
    total = len(jobs)
    chunks = [jobs[i : i + CHUNK_FILES] for i in range(0, total, CHUNK_FILES)]
    pool = _pool_for(total)
    done = 0
    with pool if pool is not None else nullcontext():
        parsed_chunks = (
            map(_index_chunk, chunks) if pool is None else pool.map(_index_chunk, chunks)
        )
        for parsed in parsed_chunks:
            yield from parsed
            done += len(parsed)
            if progress is not None:
                progress(done, total)


def _pool_for(total: int) -> ProcessPoolExecutor | None:
    """A process pool for parsing `total` files, or None to parse them in this process:
    few files, one core, or no processes to be had here."""
    workers = min(os.cpu_count() or 1, 8)
    if total < POOL_THRESHOLD or workers < 2:
        return None
    try:
        return _process_pool(workers)
    except (OSError, ValueError):
        return None


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes, started now.

    "spawn": forking a process that runs threads (the TUI) can deadlock the child. Its
    helper processes are given the real standard error: inside the TUI `sys.stderr` is a
    capture object whose file descriptor cannot be passed on ("bad value(s) in
    fds_to_keep"), and starting them would fail.
    """
    context = multiprocessing.get_context("spawn")
    saved = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        return ProcessPoolExecutor(max_workers=workers, mp_context=context)
    finally:
        sys.stderr = saved
