"""A collection read from its index alone, for commands that go through every article once
(`newsmark list`, `newsmark search`) and need no metadata objects in memory.

The index can be trusted without looking at each file when no directory of the collection
changed since the last full look (`Corpus.open`): adding, deleting or renaming a file
changes its directory's modification time, and those are checked with one `stat` per
directory instead of one per file. A file rewritten in place leaves its directory as it
was, so the files a search reads are still checked one by one (their size and modification
time), and a changed one is read from the file; such a change shows in listings once the
collection is next opened in full (any other command, or the TUI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotations.corpus import (
    FULL_TEXT_MIN_ARTICLES,
    index_cache_path,
    meta_of_row,
    parse_article,
    unresolved_id,
)
from annotations.corpus_index import CollectionScan, CorpusIndex, split_authors
from annotations.errors import UnknownArticleError
from annotations.search import SearchIndex, SearchResults, search_in_batches
from annotations.search_prefilter import search_trigrams

# A directory modified this close to (or after) the start of the scan that recorded it may
# have changed again within the same tick of the file system's clock: not trusted.
RACY_NS = 2_000_000_000
BODY_CHUNK = 500


class IndexedCollection:
    """The articles of a collection whose index is current, read from the index."""

    def __init__(self, root: Path, index: CorpusIndex, scan: CollectionScan) -> None:
        self.root = root
        self.notices = list(scan.notices)
        self._index = index

    @classmethod
    def open(cls, root: Path) -> IndexedCollection | None:
        """The collection at `root` read from its index, or None when there is no index or
        it may be out of date (then open the collection with `Corpus.open`)."""
        root = Path(root)
        cache_path = index_cache_path(root)
        if not root.is_dir() or not cache_path.is_file():
            return None
        index = CorpusIndex(cache_path)
        scan = index.scan()
        if scan is None or not _unchanged(str(root), scan) or not index.complete():
            index.close()
            return None
        return cls(root, index, scan)

    def close(self) -> None:
        """Close the index."""
        self._index.close()

    def listing(self) -> Iterator[dict[str, Any]]:
        """Every article's `ArticleMeta.to_listing()`, by id, without building the objects."""
        for article_id, title, source, date, authors, words in self._index.listing():
            yield {
                "id": article_id,
                "title": title,
                "source": source,
                "date": date,
                "author": ", ".join(split_authors(authors)) or None,
                "words": words,
            }

    def resolve(self, id_or_prefix: str) -> str:
        """The exact id, or the one id starting with the prefix (as `Corpus.resolve`)."""
        found = [row.id for row in self._index.lookup(id_or_prefix) if row.id is not None]
        if len(found) == 1:
            return found[0]
        raise unresolved_id(id_or_prefix, found, self.root)

    def search_batches(
        self,
        query: str,
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        article_ids: Iterable[str] | None = None,
        limit: int | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> Iterator[SearchResults]:
        """As `Corpus.search_batches`: the matches a batch of articles at a time, in id
        order, reading only the articles the full-text index cannot rule out."""
        SearchIndex([]).search(query, regex=regex, case_sensitive=case_sensitive)
        trigrams = search_trigrams(query, regex=regex, case_sensitive=case_sensitive)
        if article_ids is not None:
            rows: Iterable[tuple[str, int, bytes, int, int]] = self._rows_of(article_ids)
        else:
            if (
                trigrams
                and not self._index.fts_ready()
                and self._index.article_count() >= FULL_TEXT_MIN_ARTICLES
            ):
                if prepare is not None:
                    prepare()
                self._index.ensure_fts()
            rows = self._index.matching(trigrams)
        return search_in_batches(
            self._bodies(rows),
            self._body_from_file,
            query,
            regex=regex,
            case_sensitive=case_sensitive,
            limit=limit,
        )

    def _rows_of(self, article_ids: Iterable[str]) -> list[tuple[str, int, bytes, int, int]]:
        """The rows of `matching` for the given ids (or prefixes), by id."""
        wanted = sorted({self.resolve(article_id) for article_id in article_ids})
        rows = []
        for article_id in wanted:
            row = self._index.lookup(article_id, limit=1)[0]
            state = self._index.file_state(row.path) or (-1, -1)
            rows.append((article_id, row.rowid, os.fsencode(row.path), *state))
        return rows

    def _bodies(
        self, rows: Iterable[tuple[str, int, bytes, int, int]]
    ) -> Iterator[tuple[str, str | None]]:
        """(id, body) of each row; None for an article whose file changed since it was
        indexed (`search_in_batches` then reads it from the file)."""
        chunk: list[tuple[str, int, bytes, int, int]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == BODY_CHUNK:
                yield from self._chunk_bodies(chunk)
                chunk = []
        yield from self._chunk_bodies(chunk)

    def _chunk_bodies(
        self, chunk: list[tuple[str, int, bytes, int, int]]
    ) -> Iterator[tuple[str, str | None]]:
        root = os.fsencode(self.root)
        current = [
            rowid
            for _, rowid, path, size, mtime_ns in chunk
            if _file_state(os.path.join(root, path)) == (size, mtime_ns)
        ]
        found = dict(self._index.bodies(current))
        for article_id, rowid, *_ in chunk:
            yield article_id, found.get(rowid)

    def _body_from_file(self, article_id: str) -> str:
        """The body of an article as its file holds it now ("" when it no longer does)."""
        found = self._index.lookup(article_id, limit=1)
        if not found or found[0].id != article_id:
            return ""
        try:
            return parse_article(meta_of_row(self.root, found[0], article_id)).body
        except UnknownArticleError:
            return ""


def _unchanged(root: str, scan: CollectionScan) -> bool:
    """Whether every directory of the scan still has the modification time recorded (and
    that time was safely older than the scan)."""
    if not scan.dirs:
        return False
    for relative, mtime_ns in scan.dirs:
        if mtime_ns > scan.started_ns - RACY_NS:
            return False
        try:
            if os.stat(os.path.join(root, relative)).st_mtime_ns != mtime_ns:
                return False
        except OSError:
            return False
    return True


def _file_state(path: bytes) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
