"""A collection read from its index alone, for commands that go through every article once
(`newsmark list`, `newsmark search`) and need no metadata objects in memory.

The index is trusted when no directory of the collection changed since the last full look
(`Corpus.open`: adding, deleting or renaming a file changes its directory's modification
time) and no file has another size or modification time than the index recorded (a file
rewritten in place leaves its directory as it was). That is one `stat` per file, on every
core for a large collection (about 2.5 µs a file): a search must not miss a word added
to a file the full-text index has not seen. When anything changed, the collection is
opened in full instead (`Corpus.open`), which indexes what changed.

A collection the user declared append-only (`newsmark index --append-only`: files are
added, removed or replaced, never rewritten in place) is trusted when its directories are
unchanged, without that check. Only the files whose bodies a search reads are checked
then (a file changed anyway is read from the file itself, so no hit is printed from an
old body); a word written in place into a file the search rules out is not found.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from annotations.body_file import decoded
from annotations.corpus import (
    FULL_TEXT_MIN_ARTICLES,
    index_cache_path,
    meta_of_row,
    parse_article,
    unresolved_id,
)
from annotations.corpus_index import BodyRow, CollectionScan, CorpusIndex, split_authors
from annotations.errors import LibraryNotFoundError, UnknownArticleError
from annotations.search import (
    SearchIndex,
    SearchResults,
    count_literal,
    countable_in_utf8,
    search_in_batches,
)
from annotations.search_pool import can_fork, ordered_map
from annotations.search_prefilter import trigram_groups
from annotations.search_query import is_boolean

# A directory modified this close to (or after) the start of the scan that recorded it may
# have changed again within the same tick of the file system's clock: not trusted.
RACY_NS = 2_000_000_000
BODY_CHUNK = 1_000
# A search with at least this many candidate articles runs on every core (`search_map`),
# in units of `UNIT_ARTICLES` articles (about 3.4 MB of text in a news collection).
POOL_MIN_ARTICLES = 4_000
UNIT_ARTICLES = 1_000
Rendered = TypeVar("Rendered")
# The collection a worker process searches (`_start_worker`).
_worker_collection: IndexedCollection | None = None
# Files are checked a chunk at a time, on every core from this many (`_files_unchanged`).
STAT_CHUNK = 10_000
POOL_MIN_FILES = 20_000
# A worker's connection to the index whose files it checks (`_files_unchanged`).
_checked_index: CorpusIndex | None = None


class IndexedCollection:
    """The articles of a collection whose index is current, read from the index."""

    def __init__(
        self, root: Path, index: CorpusIndex, scan: CollectionScan, *, check_read: bool = False
    ) -> None:
        self.root = root
        self.notices = list(scan.notices)
        self._index = index
        # Whether the file of each body read is checked (the files were not, at `open`).
        self._check_read = check_read

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
        append_only = index.append_only()
        if (
            scan is None
            or not _unchanged(str(root), scan)
            or not index.complete()
            or not (append_only or _files_unchanged(str(root), index))
        ):
            index.close()
            return None
        return cls(root, index, scan, check_read=append_only)

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
        rows = self._candidate_rows(query, regex, case_sensitive, article_ids, prepare)
        return search_in_batches(
            self._bodies(rows),
            self._body_from_file,
            query,
            regex=regex,
            case_sensitive=case_sensitive,
            limit=limit,
        )

    def search_map(
        self,
        query: str,
        render: Callable[[Any], Rendered],
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        article_ids: Iterable[str] | None = None,
        prepare: Callable[[], None] | None = None,
        counts_only: bool = False,
        workers: int | None = None,
    ) -> Iterator[Rendered]:
        """`render(results)` of each batch of the search (every hit counted), in id order.
        `results` is a `SearchResults`, or with `counts_only` what its counting needs (a
        `SearchCounts`, or the `SearchResults` of a query not counted body by body).

        When `POOL_MIN_ARTICLES` or more articles can match, batches of `UNIT_ARTICLES`
        are searched and rendered by `workers` processes (default: one per core), so
        `render` must be picklable (a module's function, or a `functools.partial` of
        one), and so must its result."""
        rows = self._candidate_rows(query, regex, case_sensitive, article_ids, prepare)
        units = iter(lambda: list(islice(rows, UNIT_ARTICLES)), [])
        first = list(islice(units, -(-POOL_MIN_ARTICLES // UNIT_ARTICLES)))
        counts_only = counts_only and not regex and not is_boolean(query)
        search = partial(_search_unit, query, regex, case_sensitive, counts_only, render)
        workers = workers or os.cpu_count() or 1
        if sum(map(len, first)) < POOL_MIN_ARTICLES or workers < 2 or not can_fork():
            yield from (search(self, unit) for unit in chain(first, units))
            return
        yield from ordered_map(
            partial(_worker_unit, search),
            chain(first, units),
            workers,
            initializer=_start_worker,
            initargs=(self,),  # forked: the collection is the parent's, not a copy made
        )

    def _candidate_rows(
        self,
        query: str,
        regex: bool,
        case_sensitive: bool,
        article_ids: Iterable[str] | None,
        prepare: Callable[[], None] | None,
    ) -> Iterator[BodyRow]:
        """The rows (see `CorpusIndex.matching`) of the articles that can match, by id
        (`InvalidQueryError` for a bad query, before anything is read)."""
        SearchIndex([]).search(query, regex=regex, case_sensitive=case_sensitive)
        if article_ids is not None:
            return iter(self._rows_of(article_ids))
        groups = trigram_groups(query, regex=regex, case_sensitive=case_sensitive)
        if (
            groups
            and not self._index.fts_ready()
            and self._index.article_count() >= FULL_TEXT_MIN_ARTICLES
        ):
            if prepare is not None:
                prepare()
            self._index.ensure_fts()
        return self._index.matching(groups)

    def _rows_bodies(self, rows: list[BodyRow], *, utf8: bool = False) -> list[tuple[str, Any]]:
        """(id, body) of the articles of `rows`, each as its file holds it now (`utf8`: as
        UTF-8 bytes)."""
        found = self._chunk_bodies(rows, utf8=utf8)
        for number, (article, body) in enumerate(found):
            if body is None:
                text = self._body_from_file(article)
                found[number] = (article, text.encode("utf-8") if utf8 else text)
        return found

    def _rows_of(self, article_ids: Iterable[str]) -> list[BodyRow]:
        """The rows of `matching` for the given ids (or prefixes), by id."""
        return self._index.body_rows(sorted({self.resolve(i) for i in article_ids}))

    def _bodies(self, rows: Iterable[BodyRow]) -> Iterator[tuple[str, str | None]]:
        """(id, body) of each row; None for an article whose file changed since it was
        indexed (`search_in_batches` then reads it from the file)."""
        rows = iter(rows)
        for chunk in iter(lambda: list(islice(rows, BODY_CHUNK)), []):
            yield from self._chunk_bodies(chunk)

    def _chunk_bodies(self, chunk: list[BodyRow], *, utf8: bool = False) -> list[tuple[str, Any]]:
        """(id, body) of each row, the body None when the index cannot give it (then it is
        read from the file; `utf8`: the bodies as UTF-8 bytes). Every file was checked
        when the collection was opened (`open`), or is checked here (`check_read`)."""
        bodies = self._index.read_bodies([(row[3], row[4]) for row in chunk])
        if self._check_read:
            changed = _changed_rows(str(self.root), chunk)
            bodies = [None if n in changed else b for n, b in enumerate(bodies)]
        return [
            (row[0], body if utf8 else decoded(body))
            for row, body in zip(chunk, bodies, strict=True)
        ]

    def _body_from_file(self, article_id: str) -> str:
        """The body of an article as its file holds it now ("" when it no longer does)."""
        found = self._index.lookup(article_id, limit=1)
        if not found or found[0].id != article_id:
            return ""
        try:
            return parse_article(meta_of_row(self.root, found[0], article_id)).body
        except UnknownArticleError:
            return ""


def _files_unchanged(root: str, index: CorpusIndex) -> bool:
    """Whether every file the index lists has the (size, mtime_ns) it recorded, checked a
    range of rowids at a time: on every core when there are many (forked processes, each
    reading its ranges through a connection of its own: for the command line, see
    `can_fork`)."""
    bound = index.file_rowid_bound()
    spans = [(low, low + STAT_CHUNK) for low in range(0, bound, STAT_CHUNK)]
    workers = os.cpu_count() or 1
    if bound < POOL_MIN_FILES or workers < 2 or not can_fork() or index.path is None:
        return all(_states_unchanged(root, index.file_states(*span)) for span in spans)
    checked = ordered_map(
        partial(_span_unchanged, root),
        spans,
        workers,
        initializer=_open_for_check,
        initargs=(index.path,),
    )
    return all(checked)


def _open_for_check(path: Path) -> None:
    """Set up a worker of `_files_unchanged`: a read-only connection to the index."""
    global _checked_index
    _checked_index = CorpusIndex.reader(path)


def _span_unchanged(root: str, span: tuple[int, int]) -> bool:
    """In a worker: `_states_unchanged` of the files in a range of rowids (False when the
    index cannot be read: then it is not trusted)."""
    if _checked_index is None:
        return False
    return _states_unchanged(root, _checked_index.file_states(*span))


def _states_unchanged(root: str, states: list[tuple[bytes, int, int]]) -> bool:
    """Whether each file (path relative to `root`) has the recorded (size, mtime_ns)."""
    return not any(_changed(root, states))


def _changed_rows(root: str, rows: list[BodyRow]) -> set[int]:
    """The positions in `rows` of the articles whose file no longer has the size and
    modification time the index recorded (or cannot be looked at)."""
    states = ((path, size, mtime_ns) for _id, _rowid, path, _at, _len, size, mtime_ns in rows)
    return {number for number, changed in enumerate(_changed(root, states)) if changed}


def _changed(root: str, states: Iterable[tuple[bytes, int, int]]) -> Iterator[bool]:
    """For each (path relative to `root`, size, mtime_ns) in turn, whether its file has
    another size or modification time, or cannot be looked at (a `stat` each, the path
    looked up from the collection's directory, not from /)."""
    try:
        directory = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield from (True for _ in states)
        return
    stat = os.stat
    try:
        for path, size, mtime_ns in states:
            try:
                found = stat(path, dir_fd=directory)
            except OSError:
                yield True
                continue
            yield found.st_size != size or found.st_mtime_ns != mtime_ns
    finally:
        os.close(directory)


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


def _start_worker(parent: IndexedCollection) -> None:
    """Set up a worker process of `search_map` (forked from the parent): a connection of
    its own to the index, reading bodies from the parent's body file, where the spans the
    parent sends point."""
    global _worker_collection
    index = parent._index.in_child()  # None: each unit says so (`_worker_unit`)
    if index is not None:
        _worker_collection = IndexedCollection(
            parent.root, index, CollectionScan(0, (), ()), check_read=parent._check_read
        )


def _worker_unit(search: Callable[[IndexedCollection, Any], Rendered], rows: Any) -> Rendered:
    """In a worker: `search` over the collection the worker was started with."""
    if _worker_collection is None:  # (an error in the set-up would start workers forever)
        raise LibraryNotFoundError("the collection's index went away during the search")
    return search(_worker_collection, rows)


def _search_unit(
    query: str,
    regex: bool,
    case_sensitive: bool,
    counts_only: bool,
    render: Callable[[Any], Rendered],
    collection: IndexedCollection,
    rows: list[BodyRow],
) -> Rendered:
    """The hits of `query` in the articles of `rows` (or only their counts), rendered."""
    if counts_only:
        utf8 = countable_in_utf8(query, case_sensitive=case_sensitive)
        bodies = collection._rows_bodies(rows, utf8=utf8)
        return render(count_literal(bodies, query, case_sensitive=case_sensitive))
    index = SearchIndex(collection._rows_bodies(rows))
    index.fill_missing(collection._body_from_file)
    return render(index.search(query, regex=regex, case_sensitive=case_sensitive))
