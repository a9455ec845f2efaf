"""A collection read from its index alone, for commands that go through every article once
(`newsmark list`, `newsmark search`) and need no metadata objects in memory.

The index is trusted when no directory of the collection changed since the last full look
(`Corpus.open`: adding, deleting or renaming a file changes its directory's modification
time) and no file has another size or modification time than the index recorded (a file
rewritten in place leaves its directory as it was). That is one `stat` per file, on every
core for a large collection (about 2.5 µs a file): a search must not miss a word added
to a file the full-text index has not seen. When anything changed, the collection is
opened in full instead (`Corpus.open`), which indexes what changed.

A search may have that check made by its own worker processes while it asks the index for
the articles that can match (`open(…, defer_file_check=True)`): no result is given before
the check is done, and a collection found changed raises `FilesChangedError`. The check
is against the index the search asked: a worker finding that another process replaced
articles in it since (or rebuilt it) does not trust it either.

A collection the user declared append-only (`newsmark index --append-only`: files are
added, removed or replaced, never rewritten in place) is trusted when its directories are
unchanged, without that check. Only the files whose bodies a search reads are checked
then (a file changed anyway is read from the file itself, so no hit is printed from an
old body); a word written in place into a file the search rules out is not found.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from annotations.body_file import decoded, utf8_or_none
from annotations.corpus_index import (
    FULL_TEXT_MIN_ARTICLES,
    ArticleKey,
    BodyRow,
    CollectionScan,
    CorpusIndex,
    split_authors,
)
from annotations.errors import LibraryNotFoundError, NewsmarkError, UnknownArticleError
from annotations.file_states import changed_files
from annotations.literal_search import find_in_bodies, searchable_body_by_body
from annotations.paths import index_cache_path
from annotations.search import (
    SearchCounts,
    SearchIndex,
    SearchResults,
    count_literal,
    count_literal_in_block,
    countable_in_utf8,
    search_in_batches,
)
from annotations.search_pool import WorkerPool, can_fork, ordered_map, result_of
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
# A unit's bodies are counted in one block of the body file up to this size (`_counted`).
MAX_BLOCK = 64 << 20
Rendered = TypeVar("Rendered")
# The collection a worker process searches (`_start_worker`), and whether its index is the
# one its parent read (not rebuilt since).
_worker_collection: IndexedCollection | None = None
_worker_reads_parents_index = False
# Files are checked a chunk at a time, on every core from this many (`_files_unchanged`).
STAT_CHUNK = 10_000
POOL_MIN_FILES = 20_000
# A worker's connection to the index whose files it checks (`_files_unchanged`).
_checked_index: CorpusIndex | None = None


class FilesChangedError(NewsmarkError):
    """A file of the collection changed since it was indexed (found by a deferred check)."""


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
        # Whether every file is still to be checked before anything is read (`open`).
        self._files_unchecked = False

    @classmethod
    def open(cls, root: Path, *, defer_file_check: bool = False) -> IndexedCollection | None:
        """The collection at `root` read from its index, or None when there is no index or
        it may be out of date (then open the collection with `Corpus.open`).

        With `defer_file_check`, a collection with so many files that they are checked on
        every core is checked by the first read instead (`search_map` checks them in its
        worker processes while it queries the index), which raises `FilesChangedError`
        when one changed."""
        root = Path(root)
        cache_path = index_cache_path(root)
        if not root.is_dir() or not cache_path.is_file():
            return None
        index = CorpusIndex(cache_path)
        scan = index.scan()
        append_only = index.append_only()
        deferred = defer_file_check and not append_only and _checked_in_pool(index)
        if (
            scan is None
            or not _unchanged(str(root), scan)
            or not index.complete()
            or not (append_only or deferred or _files_unchanged(str(root), index))
        ):
            index.close()
            return None
        collection = cls(root, index, scan, check_read=append_only)
        collection._files_unchecked = deferred
        return collection

    def close(self) -> None:
        """Close the index."""
        self._index.close()

    def listing(self) -> Iterator[dict[str, Any]]:
        """Every article's `ArticleMeta.to_listing()`, by id, without building the objects."""
        self._check_files()
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
        from annotations.corpus import unresolved_id  # (loads the parsers: only here)

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
        self._check_files()
        keys = self._candidate_keys(query, regex, case_sensitive, article_ids, prepare)
        return search_in_batches(
            self._bodies(keys),
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
        `results` is a `search_context.PrintableHits` (a `SearchResults`, or the `BodyHits`
        of a literal searched body by body), or with `counts_only` what its counting needs
        (a `SearchCounts`, or the `SearchResults` of a query not counted body by body).

        When `POOL_MIN_ARTICLES` or more articles can match, batches of `UNIT_ARTICLES`
        are searched and rendered by `workers` processes (default: one per core), so
        `render` must be picklable (a module's function, or a `functools.partial` of
        one), and so must its result.

        Files not checked yet (`open`) are checked by the workers while this process
        queries the index: `FilesChangedError`, before anything is yielded, when one
        changed."""
        workers = workers or os.cpu_count() or 1
        pool = None
        if self._files_unchecked and workers >= 2 and can_fork():
            pool = self._worker_pool(workers)
        try:
            checks = None
            if pool is not None:
                checks = [pool.submit(_worker_check, span) for span in _check_spans(self._index)]
            if article_ids is not None:  # (the index may lack an id a changed file has)
                self._check_files(checks)
            keys = self._candidate_keys(query, regex, case_sensitive, article_ids, prepare)
            units = iter(lambda: list(islice(keys, UNIT_ARTICLES)), [])
            first = list(islice(units, -(-POOL_MIN_ARTICLES // UNIT_ARTICLES)))
            self._check_files(checks)
            counts_only = counts_only and not regex and not is_boolean(query)
            search = partial(_search_unit, query, regex, case_sensitive, counts_only, render)
            if sum(map(len, first)) < POOL_MIN_ARTICLES or (
                pool is None and (workers < 2 or not can_fork())
            ):
                if pool is not None:
                    pool.close()  # (before the serial search: no idle workers kept)
                yield from (search(self, unit) for unit in chain(first, units))
                return
            pool = pool or self._worker_pool(workers)
            yield from pool.ordered(partial(_worker_unit, search), chain(first, units))
        finally:
            if pool is not None:
                pool.close()

    def _worker_pool(self, workers: int) -> WorkerPool:
        """Worker processes for `search_map`, each with a connection of its own to the
        index (forked: the collection is the parent's, not a copy made)."""
        return WorkerPool(workers, initializer=_start_worker, initargs=(self,))

    def _check_files(self, checks: list[Future[bool]] | None = None) -> None:
        """Check every file now if `open` left that to the first read (`checks`: the
        results of `_worker_check` of each span of `_check_spans`, when the workers of a
        search made it): `FilesChangedError` when one changed."""
        if not self._files_unchecked:
            return
        if checks is not None:
            unchanged = all([result_of(check) for check in checks])
        else:
            unchanged = _files_unchanged(str(self.root), self._index)
        if not unchanged:
            raise FilesChangedError(f"a file of {self.root} changed since it was indexed")
        self._files_unchecked = False

    def _candidate_keys(
        self,
        query: str,
        regex: bool,
        case_sensitive: bool,
        article_ids: Iterable[str] | None,
        prepare: Callable[[], None] | None,
    ) -> Iterator[ArticleKey]:
        """The keys (see `CorpusIndex.matching`) of the articles that can match, by id
        (`InvalidQueryError` for a bad query, before anything is read)."""
        SearchIndex([]).search(query, regex=regex, case_sensitive=case_sensitive)
        if article_ids is not None:
            return iter(self._keys_of(article_ids))
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

    def _counted(self, rows: list[BodyRow], query: str, case_sensitive: bool) -> SearchCounts:
        """`count_literal` of the bodies of `rows`: counted in one block read from the body
        file when they lie close together there (`count_literal_in_block`), as a first
        index writes neighbouring articles, else body by body."""
        if rows:
            low = min(row[3] for row in rows)
            high = max(row[3] + row[4] for row in rows)
            if high - low <= min(2 * sum(row[4] for row in rows), MAX_BLOCK):
                counted = self._counted_in_block(rows, low, high, query, case_sensitive)
                if counted is not None:
                    return counted
        utf8 = countable_in_utf8(query, case_sensitive=case_sensitive)
        bodies = self._rows_bodies(rows, utf8=utf8)
        return count_literal(bodies, query, case_sensitive=case_sensitive)

    def _counted_in_block(
        self, rows: list[BodyRow], low: int, high: int, query: str, case_sensitive: bool
    ) -> SearchCounts | None:
        """`_counted` from the bytes [low, high) of the body file, which hold the bodies of
        `rows` (None when the block cannot be read, or needs counting body by body). The
        body of a file that changed (`check_read`) is read from the file."""
        block = self._index.read_bodies([(low, high - low)])[0]
        if block is None:
            return None
        spans = [(row[3] - low, row[4]) for row in rows]
        found = count_literal_in_block(block, spans, query, case_sensitive=case_sensitive)
        if found is None:
            return None
        if self._check_read:
            for number in _changed_rows(str(self.root), rows):
                body = [(rows[number][0], self._body_from_file(rows[number][0]))]
                found[number] = count_literal(body, query, case_sensitive=case_sensitive).total
        return SearchCounts({row[0]: n for row, n in zip(rows, found, strict=True) if n})

    def _rows_bodies(self, rows: list[BodyRow], *, utf8: bool = False) -> list[tuple[str, Any]]:
        """(id, body) of the articles of `rows`, each as its file holds it now (`utf8`: as
        UTF-8 bytes)."""
        found = self._chunk_bodies(rows, utf8=utf8)
        for number, (article, body) in enumerate(found):
            if body is None:
                text = self._body_from_file(article)
                found[number] = (article, text.encode("utf-8") if utf8 else text)
        return found

    def _keys_of(self, article_ids: Iterable[str]) -> list[ArticleKey]:
        """The keys of `matching` for the given ids (or prefixes), by id."""
        rows = self._index.body_rows(sorted({self.resolve(i) for i in article_ids}))
        return [(row[1], row[0]) for row in rows]

    def _bodies(self, keys: Iterable[ArticleKey]) -> Iterator[tuple[str, str | None]]:
        """(id, body) of each article; None for an article whose file changed since it was
        indexed (`search_in_batches` then reads it from the file)."""
        keys = iter(keys)
        for chunk in iter(lambda: list(islice(keys, BODY_CHUNK)), []):
            yield from self._chunk_bodies(self._index.rows_of(chunk))

    def _chunk_bodies(self, chunk: list[BodyRow], *, utf8: bool = False) -> list[tuple[str, Any]]:
        """(id, body) of each row, the body None when the index cannot give it (then it is
        read from the file; `utf8`: the bodies as UTF-8 bytes). Every file was checked
        when the collection was opened (`open`), or is checked here (`check_read`)."""
        bodies = self._index.read_bodies([(row[3], row[4]) for row in chunk])
        if self._check_read:
            changed = _changed_rows(str(self.root), chunk)
            bodies = [None if n in changed else b for n, b in enumerate(bodies)]
        return [
            (row[0], utf8_or_none(body) if utf8 else decoded(body))
            for row, body in zip(chunk, bodies, strict=True)
        ]

    def _body_from_file(self, article_id: str) -> str:
        """The body of an article as its file holds it now ("" when it no longer does)."""
        found = self._index.lookup(article_id, limit=1)
        if not found or found[0].id != article_id:
            return ""
        try:
            from annotations.corpus import meta_of_row, parse_article  # (loads the parsers)

            return parse_article(meta_of_row(self.root, found[0], article_id)).body
        except UnknownArticleError:
            return ""


def _files_unchanged(root: str, index: CorpusIndex) -> bool:
    """Whether every file the index lists has the (size, mtime_ns) it recorded, checked a
    range of rowids at a time: on every core when there are many (forked processes, each
    reading its ranges through a connection of its own: for the command line, see
    `can_fork`)."""
    spans = _check_spans(index)
    if not _checked_in_pool(index):  # (which needs an index on disk)
        return all(_states_unchanged(root, index.file_states(*span)) for span in spans)
    checked = ordered_map(
        partial(_span_unchanged, root),
        spans,
        os.cpu_count() or 1,
        initializer=_open_for_check,
        initargs=(index.path,),
    )
    return all(checked)


def _check_spans(index: CorpusIndex) -> list[tuple[int, int]]:
    """The ranges of file rowids that `_files_unchanged` checks one at a time."""
    bound = index.file_rowid_bound()
    return [(low, low + STAT_CHUNK) for low in range(0, bound, STAT_CHUNK)]


def _checked_in_pool(index: CorpusIndex) -> bool:
    """Whether the files of the index are checked by worker processes (there are many,
    and processes can be forked)."""
    many = index.file_rowid_bound() >= POOL_MIN_FILES and index.path is not None
    return many and (os.cpu_count() or 1) >= 2 and can_fork()


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
    return not any(changed_files(root, states))


def _changed_rows(root: str, rows: list[BodyRow]) -> set[int]:
    """The positions in `rows` of the articles whose file no longer has the size and
    modification time the index recorded (or cannot be looked at)."""
    states = ((path, size, mtime_ns) for _id, _rowid, path, _at, _len, size, mtime_ns in rows)
    return {number for number, changed in enumerate(changed_files(root, states)) if changed}


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
    its own to the index the parent read, or to the index that replaced it (rebuilt
    meanwhile: the rows of the parent's keys are then looked up by id there)."""
    global _worker_collection, _worker_reads_parents_index
    index = parent._index.in_child()
    _worker_reads_parents_index = index is not None
    if index is None and parent._index.path is not None:
        index = CorpusIndex.reader(parent._index.path)
    if index is not None:  # (else each unit says so: `_worker_unit`)
        _worker_collection = IndexedCollection(
            parent.root, index, CollectionScan(0, (), ()), check_read=parent._check_read
        )


def _worker_check(span: tuple[int, int]) -> bool:
    """In a worker of `search_map`: `_states_unchanged` of the files in a range of rowids,
    as the index the parent read records them. False when that cannot be told: the index
    cannot be read, was rebuilt, or another process replaced articles in it since the
    parent opened it (the files would be checked against entries the parent's query did
    not see: a word added to a file before the search, indexed by another process while
    the parent queried the old full-text index, would be missed)."""
    if _worker_collection is None or not _worker_reads_parents_index:
        return False
    index = _worker_collection._index
    unchanged = _states_unchanged(str(_worker_collection.root), index.file_states(*span))
    return unchanged and index.others_removed() is None


def _worker_unit(search: Callable[[IndexedCollection, Any], Rendered], keys: Any) -> Rendered:
    """In a worker: `search` over the collection the worker was started with."""
    if _worker_collection is None:  # (an error in the set-up would start workers forever)
        raise LibraryNotFoundError("the collection's index went away during the search")
    return search(_worker_collection, keys)


def _search_unit(
    query: str,
    regex: bool,
    case_sensitive: bool,
    counts_only: bool,
    render: Callable[[Any], Rendered],
    collection: IndexedCollection,
    keys: list[ArticleKey],
) -> Rendered:
    """The hits of `query` in the articles of `keys` (or only their counts), rendered."""
    rows = collection._index.rows_of(keys)
    if counts_only:
        return render(collection._counted(rows, query, case_sensitive))
    if searchable_body_by_body(query, regex=regex, case_sensitive=case_sensitive):
        bodies = collection._rows_bodies(rows, utf8=True)
        return render(find_in_bodies(bodies, query, case_sensitive=case_sensitive))
    index = SearchIndex(collection._rows_bodies(rows))
    index.fill_missing(collection._body_from_file)
    return render(index.search(query, regex=regex, case_sensitive=case_sensitive))
