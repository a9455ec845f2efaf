"""The article collection: a metadata index over a directory, bodies loaded on demand.

Opening a collection stats every supported file and parses only those that changed since
the index was written (keyed by size and modification time), on every core when there are
many. The index (`annotations.corpus_index`, SQLite in the cache directory) keeps metadata,
content hashes and bodies; the opened collection holds only the metadata in memory. Bodies
are read when needed (whole articles are parsed from their file and kept in a small LRU
cache), and full-text search reads only the articles that can match (see `search`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path
from typing import Any, NamedTuple

from annotations.article import Article, ArticleMeta
from annotations.corpus_index import (
    FULL_TEXT_MIN_ARTICLES,
    ArticleRow,
    CollectionScan,
    CorpusIndex,
    split_authors,
)
from annotations.errors import IndexNotWritableError, UnknownArticleError
from annotations.file_states import UNRECORDED, changed_files
from annotations.gc_pause import gc_paused
from annotations.indexing import (
    FileJob,
    IndexedArticle,
    IndexedFile,
    Progress,
    index_file,
    index_files,
)
from annotations.library_listing import EarlyListing, early_listing
from annotations.loader import load_file
from annotations.parsers import SUPPORTED_SUFFIXES
from annotations.paths import cache_dir, index_cache_path, library_not_found
from annotations.priority import give_way
from annotations.regular_file import non_regular_reason
from annotations.search import SearchIndex, SearchResults, search_in_batches
from annotations.search_prefilter import trigram_groups
from annotations.text import safe_name

ARTICLE_CACHE_SIZE = 64
# Up to this many words in all (about 120 MB of text) the TUI's searches share one
# in-memory index of every body; above it each search reads only its candidate articles.
IN_MEMORY_SEARCH_WORDS = 20_000_000
# While many files are indexed, what is indexed so far is shown after a first batch of this
# many files, then after batches as large as everything indexed before (so showing the
# articles indexed so far costs at most the articles once more in all).
FIRST_BATCH_FILES = 256
# Long loops of opening a collection give way to the interface (`give_way`) this often.
GIVE_WAY_EVERY = 8_192


class IndexState(NamedTuple):
    """What `Corpus.prepare_index` left: the index's file, whether the collection is
    declared append-only, and whether the full-text index was built just now."""

    path: Path
    append_only: bool
    full_text_built: bool


class Corpus:
    """The articles of one collection directory, sorted by id."""

    def __init__(
        self,
        root: Path,
        metas: Iterable[ArticleMeta],
        notices: list[str],
        index: CorpusIndex | None = None,
        rows: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        self.root = root
        self.name = root.resolve().name or "library"
        self.notices = notices
        # Whether these are the articles `open` gave `listed_early`, each with the same
        # id, title, outlet, date, author and word count.
        self.as_listed_early = False
        self._metas = {meta.id: meta for meta in sorted(metas, key=lambda m: m.id)}
        self._sorted_ids = list(self._metas)
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._index = index if index is not None else CorpusIndex(None)
        # Per article id: (rowid in the index, content hash).
        self._rows = rows or {}
        self._search_index: SearchIndex | None = None
        # `others_removed()` when it was built: another process indexing articles again
        # (the files they changed) makes it out of date.
        self._search_index_stamp: int | None = None
        # Rowids of `_rows` another process's re-indexing removed, as of the count of
        # removals `_replaced_stamp` (looked up again only when that count changes).
        self._replaced_rowids: set[int] = set()
        self._replaced_stamp: int | None = None
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        # Files read again by `reload`: (size, mtime_ns) as read (the index may be shared
        # with other processes, or not writable).
        self._read_states: dict[str, tuple[int, int]] = {}
        # Articles `reload` found gone, with their file (to say so when they are asked for).
        self._gone: dict[str, Path] = {}

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        use_cache: bool = True,
        progress: Progress | None = None,
        grew: Callable[[Corpus], None] | None = None,
        listed_early: Callable[[EarlyListing], None] | None = None,
    ) -> Corpus:
        """Index the collection at `root`; `LibraryNotFoundError` if it is not a directory.

        `progress(done, total)` is called while changed files are parsed. `grew(corpus)`
        (only with the index on disk) is called with the articles the index lists before
        the files are checked, then, while many files are parsed, after each batch with the
        articles indexed so far: each `corpus` has a read-only connection of its own to the
        index, so it can be read while indexing goes on. Before the first `grew`,
        `listed_early(listing)` (with `grew` only) is given what the index lists, and the
        same newest first (`early_listing`: seconds sooner than the metadata at a million
        articles)."""
        root = Path(root)
        if not root.is_dir():
            raise library_not_found(root)
        index = CorpusIndex(index_cache_path(root) if use_cache else None)
        listed = None
        if grew is not None and index.path is not None:
            # What the index lists, shown before every file is checked (a stat each: a
            # second at 100,000 files); kept as the collection if no file changed.
            version = index.data_version()
            if listed_early is not None:
                with gc_paused():
                    early_rows = early_listing(index)
                if early_rows.articles:
                    listed_early(early_rows)
                del early_rows
            with gc_paused():
                listed = _unique_metas(root, index.article_tuples())
            early = cls._indexed_so_far(root, index.path, (listed, index)) if listed[0] else None
            if early is not None:
                # The articles the early listing had (no other process wrote the index in
                # between, no id was renamed), with the same values: what the library
                # worked out of those holds (see `as_listed_early`).
                unchanged = not listed[2] and index.data_version() == version
                early.as_listed_early = listed_early is not None and unchanged
                grew(early)
        known = index.files()
        jobs: list[FileJob] = []
        every_file: list[tuple[str, str, int, int]] = []
        unreadable: list[str] = []
        seen: set[str] = set()
        dirs: list[tuple[str, int]] = []
        started_ns = time.time_ns()
        for path, relative in _collection_files(root, dirs):
            if not len(every_file) % GIVE_WAY_EVERY:
                give_way()
            try:
                stat = os.stat(path)
            except OSError as error:  # a broken link, or deleted while we were looking
                unreadable.append(
                    f"skipped {safe_name(relative)}: cannot read it ({error.strerror})"
                )
                continue
            reason = non_regular_reason(path, stat.st_mode)
            if reason is not None:  # a FIFO would hang the read, /dev/zero never ends
                unreadable.append(f"skipped {safe_name(relative)}: {reason}")
                continue
            seen.add(relative)
            state = (stat.st_size, stat.st_mtime_ns)
            every_file.append((path, relative, *state))
            if known.get(relative) != state:
                jobs.append(FileJob(path, relative, *state))
        removed = [relative for relative in known if relative not in seen]
        # In path order (the order of ids): the index then holds the bodies of neighbouring
        # articles next to each other, and a search reads a batch of them at once.
        jobs.sort(key=lambda job: job.relative)
        parsed = index_files(jobs, progress)
        if grew is not None and index.path is not None and len(jobs) > FIRST_BATCH_FILES:
            index_path = index.path

            def indexed_so_far() -> None:
                corpus = cls._indexed_so_far(root, index_path)
                if corpus is not None:
                    grew(corpus)

            updated = _update_in_batches(index, parsed, removed, indexed_so_far)
        else:
            updated = not (jobs or removed) or index.update(parsed, removed)
        if not updated:
            # The index cannot be written (e.g. a read-only cache): keep one in memory.
            index.close()
            index = CorpusIndex(None)
            index.update(index_files([FileJob(*f) for f in every_file], progress), ())
        if listed is None or jobs or removed or not updated:
            with gc_paused():
                listed = _unique_metas(root, index.article_tuples())
        metas, rows, renamed = listed
        if renamed:
            index.set_ids(renamed)
        notices = sorted(unreadable) + index.notices()
        if index.path is not None:  # so that `IndexedCollection` can trust the index
            index.record_scan(CollectionScan(started_ns, tuple(dirs), tuple(notices)))
        return cls(root, metas, notices, index, rows)

    def prepare_index(
        self,
        *,
        append_only: bool | None = None,
        progress: Progress | None = None,
    ) -> IndexState:
        """Build the full-text index if it never was (`progress(done, total)` meanwhile)
        and, unless `append_only` is None, record whether the collection is append-only
        (`CorpusIndex.set_append_only`); `IndexNotWritableError` when the index is not on
        disk."""
        index = self._index
        if index.path is None:
            raise IndexNotWritableError(
                f"the index of {self.root} cannot be kept in {cache_dir()}: that directory "
                "cannot be written, or the index there could not be opened (busy with another "
                "newsmark for 30 s, or a disk error)"
            )
        try:
            built = not index.fts_ready()
            index.ensure_fts(progress)
            if append_only is not None:
                index.set_append_only(append_only)
            return IndexState(index.path, index.append_only(), built)
        except sqlite3.Error as error:
            raise IndexNotWritableError(
                f"the index of {self.root} could not be written ({index.path}): {error}"
            ) from error

    @classmethod
    def _indexed_so_far(
        cls,
        root: Path,
        path: Path,
        listed: tuple[UniqueMetas, CorpusIndex] | None = None,
    ) -> Corpus | None:
        """The articles the index at `path` holds now, through a connection of its own
        (read-only: the index is being written by another); None when that cannot be
        opened. `listed`: what the given connection read already, used only if the index
        is still the one it reads (rowids of a rebuilt index name other articles)."""
        index = CorpusIndex.reader(path, like=None if listed is None else listed[1])
        if index is None:
            return None
        if listed is None:
            with gc_paused():
                read = _unique_metas(root, index.article_tuples())
        else:
            read = listed[0]
        metas, rows, _renamed = read
        return cls(root, metas, [], index, rows)

    @classmethod
    def indexed_article(cls, root: Path, id_or_prefix: str) -> Article | None:
        """One article found through the index alone, without looking at the rest of the
        collection: None when the index does not know the id (or prefix) unambiguously or
        the article's file changed since it was indexed (then open the collection)."""
        cache_path = index_cache_path(Path(root))
        if not cache_path.is_file():
            return None
        index = CorpusIndex(cache_path)
        try:
            found = index.lookup(id_or_prefix, limit=2)
            if len(found) != 1 or found[0].id is None:
                return None
            row = found[0]
            article_id = row.id
            if article_id is None:
                return None
            path = os.path.join(root, row.path)
            try:
                stat = os.stat(path)
            except OSError:
                return None
            if index.file_state(row.path) != (stat.st_size, stat.st_mtime_ns):
                return None
            try:
                return parse_article(meta_of_row(Path(root), row, article_id))
            except UnknownArticleError:
                return None
        finally:
            index.close()

    def __len__(self) -> int:
        return len(self._metas)

    def __iter__(self) -> Iterator[ArticleMeta]:
        return iter(self._metas.values())

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._metas

    def listing(self) -> Iterator[dict[str, Any]]:
        """Every article's `ArticleMeta.to_listing()`, by id."""
        return (meta.to_listing() for meta in self._metas.values())

    def resolve(self, id_or_prefix: str) -> str:
        """The exact id, or the one id starting with the prefix; `UnknownArticleError` otherwise."""
        if id_or_prefix in self._metas:
            return id_or_prefix
        matches = [i for i in self._sorted_ids if id_or_prefix and i.startswith(id_or_prefix)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            gone = self._gone.get(id_or_prefix)
            if gone is not None:
                raise UnknownArticleError(
                    f"article {id_or_prefix} can no longer be read: {gone} is gone"
                )
        raise unresolved_id(id_or_prefix, matches, self.root)

    def meta(self, article_id: str) -> ArticleMeta:
        """An article's metadata (an id prefix is accepted)."""
        return self._metas[self.resolve(article_id)]

    def article(self, article_id: str) -> Article:
        """The full article, parsed from its file on first use and then cached."""
        resolved = self.resolve(article_id)
        with self._lock:
            cached = self._articles.get(resolved)
            if cached is not None:
                self._articles.move_to_end(resolved)
                return cached
        article = parse_article(self._metas[resolved])
        with self._lock:
            self._articles[resolved] = article
            while len(self._articles) > ARTICLE_CACHE_SIZE:
                self._articles.popitem(last=False)
        return article

    def file_changed(self, article_id: str) -> bool:
        """Whether the article's file changed (size or modification time) or went away since
        this collection read it, or was read again by another process (which gave it new
        entries in the shared index): one stat and two index look-ups, cheap enough to ask
        every few seconds. False for an id the collection does not hold."""
        meta = self._metas.get(article_id)
        if meta is None:
            return False
        try:
            stat = os.stat(meta.path)
        except OSError:
            return True
        relative = self._relative(meta)
        read = self._read_states.get(relative) or self._index.file_state(relative)
        if read != (stat.st_size, stat.st_mtime_ns):
            return True
        row = self._rows.get(article_id)
        return row is not None and not self._index.has_article(row[0])

    def changed_since_read(self) -> list[str]:
        """`file_changed` of every article at once, in id order: a `stat` per file against
        the states the index (or `reload`) recorded, and one look-up of the rowids another
        process's indexing removed. For a search to read what the files hold now."""
        if not self.root.is_dir():  # the collection's directory went away: nothing to read
            return []
        with self._lock:
            metas = list(self._metas.values())
            rows = dict(self._rows)
        recorded = {
            os.fsdecode(path): (size, mtime_ns)
            for path, size, mtime_ns in self._index.file_states(0, self._index.file_rowid_bound())
        }
        recorded.update(self._read_states)
        gone: set[int] = set()
        if self._index.others_removed() is not None:
            gone = self._index.gone_rowids([row[0] for row in rows.values()])
        root = os.path.join(str(self.root), "")
        relatives: dict[str, str] = {}  # each file's path: relative to the root
        for meta in metas:
            path = str(meta.path)
            if path not in relatives:  # (`_relative` without Path objects, for 100,000s)
                relatives[path] = (
                    path[len(root) :] if path.startswith(root) else self._relative(meta)
                )
        states = [
            (relative, *recorded.get(relative.replace(os.sep, "/"), UNRECORDED))
            for relative in relatives.values()
        ]
        changed = {
            path
            for path, file_changed in zip(
                relatives, changed_files(str(self.root), states), strict=True
            )
            if file_changed
        }
        return [
            meta.id
            for meta in metas
            if str(meta.path) in changed
            or ((row := rows.get(meta.id)) is not None and row[0] in gone)
        ]

    def reload(self, article_id: str) -> list[str]:
        """Read the article's file again if it changed since the collection read it (see
        `file_changed`): its metadata, body and content hash are replaced (and the index
        updated), the cached parse dropped; an article whose file is gone leaves the
        collection. Returns the ids of the articles whose text or metadata changed (a file
        of records holds several), empty when nothing did."""
        with self._reload_lock:
            if not self.file_changed(article_id):
                return []
            meta = self._metas[article_id]
            relative = self._relative(meta)
            try:
                stat = os.stat(meta.path)
            except OSError:
                stat = None
            if stat is None:
                self._read_states.pop(relative, None)
                self._index.update((), [relative])
                return self._replace_file(meta.path, [])
            state = (stat.st_size, stat.st_mtime_ns)
            self._read_states[relative] = state
            if self._index.file_state(relative) != state:
                entry = index_file(FileJob(str(meta.path), relative, *state))
                if not self._index.update([entry], ()):
                    # The index cannot be written: these articles are parsed when read.
                    return self._replace_file(
                        meta.path,
                        [(_indexed_meta(meta.path, article), None) for article in entry.articles],
                    )
            # (Else another process indexed the file already: take in its entries.)
            return self._replace_file(
                meta.path,
                [
                    (meta_of_row(self.root, row, row.base_id), (row.rowid, row.content_hash))
                    for row in self._index.articles_of(relative)
                ],
            )

    def _replace_file(
        self, path: Path, articles: list[tuple[ArticleMeta, tuple[int, str] | None]]
    ) -> list[str]:
        """Put `articles` (metadata with its id before duplicates are told apart, and the
        index's (rowid, content hash) or None) in place of the articles read from `path`;
        the ids whose metadata or content hash changed."""
        with self._lock:
            old = {i: (m, self._rows.get(i)) for i, m in self._metas.items() if m.path == path}
            for article_id in old:
                del self._metas[article_id]
                self._rows.pop(article_id, None)
            new: dict[str, tuple[ArticleMeta, tuple[int, str] | None]] = {}
            for meta, row in articles:
                article_id = meta.id
                if article_id in self._metas or article_id in new:
                    article_id = f"{article_id}-{meta.format}"
                new[article_id] = (replace(meta, id=article_id), row)
            for article_id in old.keys() - new.keys():
                self._gone[article_id] = path
            for article_id, (meta, row) in new.items():
                self._gone.pop(article_id, None)
                self._metas[article_id] = meta
                if row is not None:
                    self._rows[article_id] = row
            if old.keys() != new.keys():
                self._metas = dict(sorted(self._metas.items()))
                self._sorted_ids = list(self._metas)
            for article_id in old.keys() | new.keys():
                self._articles.pop(article_id, None)
                self._hashes.pop(article_id, None)
            self._search_index = None
        self._index.set_ids((row[0], i) for i, (_, row) in new.items() if row is not None)
        changed = [
            article_id
            for article_id in sorted(old.keys() | new.keys())
            if article_id not in old
            or article_id not in new
            or _state(*old[article_id]) != _state(*new[article_id])
        ]
        return changed

    def _relative(self, meta: ArticleMeta) -> str:
        """The article's file as the index names it: relative to the root, `/` separators."""
        return meta.path.relative_to(self.root).as_posix()

    def body(self, article_id: str) -> str:
        """An article's body text (from the index when possible)."""
        row = self._rows.get(article_id)
        body = None if row is None else self._index.body(row[0])
        return body if body is not None else self.article(article_id).body

    def _searched_body(self, article_id: str) -> str:
        """What a search reads of an article whose body the index lacks: its file's text, or
        "" when the file no longer holds it (emptied, or rewritten without it, since the
        collection was opened: another process may have indexed that meanwhile). One such
        article must not stop every search."""
        try:
            return self.body(article_id)
        except UnknownArticleError:
            return ""

    def content_hash(self, article_id: str) -> str:
        """`Article.content_hash` of an article, from the index when possible."""
        row = self._rows.get(article_id)
        if row is not None:
            return row[1]
        cached = self._hashes.get(article_id)
        if cached is None:
            body = self.body(article_id).encode("utf-8")
            cached = self._hashes[article_id] = "sha256:" + hashlib.sha256(body).hexdigest()
        return cached

    def search(
        self,
        query: str,
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        article_ids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> SearchResults:
        """Matches of `query` across the collection, in id then offset order.

        A collection of up to `IN_MEMORY_SEARCH_WORDS` words keeps every body in memory
        for its searches (the TUI searches as you type), read again once another process
        has indexed articles again (their files changed); a larger one reads the bodies of
        the articles the full-text index cannot rule out."""
        wanted = None if article_ids is None else {self.resolve(i) for i in article_ids}
        if self._total_words() <= IN_MEMORY_SEARCH_WORDS:  # `wanted` narrows the search
            with self._lock:
                stamp = self._index.others_removed()
                if self._search_index is None or stamp != self._search_index_stamp:
                    self._search_index = SearchIndex(self._all_bodies())
                    self._search_index_stamp = stamp
            index = self._search_index
        else:
            ids = self._candidate_ids(query, regex, case_sensitive, wanted)
            index = SearchIndex(self._bodies_of(ids))
        index.fill_missing(self._searched_body)
        return index.search(
            query, regex=regex, case_sensitive=case_sensitive, article_ids=wanted, limit=limit
        )

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
        """The matches of `query` as a series of results, one per batch of articles read
        (in id order), so the first hits come before the search ends and memory stays
        bounded. Literal queries count every hit; a regex search stops at `limit`.

        `InvalidQueryError` (a bad query) is raised before anything is read. `prepare` is
        called before the full-text index is built (the first search of a collection)."""
        SearchIndex([]).search(query, regex=regex, case_sensitive=case_sensitive)
        wanted = None if article_ids is None else {self.resolve(i) for i in article_ids}
        ids = self._candidate_ids(query, regex, case_sensitive, wanted, prepare)
        return search_in_batches(
            self._bodies_of(ids),
            self._searched_body,
            query,
            regex=regex,
            case_sensitive=case_sensitive,
            limit=limit,
        )

    def _total_words(self) -> int:
        return sum(meta.words for meta in self._metas.values())

    def _all_bodies(self) -> Iterator[tuple[str, str | None]]:
        return self._bodies_of(self._sorted_ids)

    def _candidate_ids(
        self,
        query: str,
        regex: bool,
        case_sensitive: bool,
        wanted: set[str] | None,
        prepare: Callable[[], None] | None = None,
    ) -> list[str]:
        """The ids (in id order) of the articles that can match, from the full-text index
        (built first if it never was, after calling `prepare`)."""
        ids = self._sorted_ids if wanted is None else [i for i in self._sorted_ids if i in wanted]
        groups = trigram_groups(query, regex=regex, case_sensitive=case_sensitive)
        if not groups or len(ids) < FULL_TEXT_MIN_ARTICLES:
            return ids
        if prepare is not None and not self._index.fts_ready():
            prepare()
        self._index.ensure_fts()
        found = self._index.candidates(groups)
        if found is None:
            return ids
        rows = self._rows
        stamp = self._index.others_removed()
        if stamp is not None:  # an article another process indexed again has a new rowid:
            if stamp != self._replaced_stamp:  # it cannot be ruled out by its old one
                rowids = [row[0] for row in rows.values()]
                self._replaced_rowids = self._index.gone_rowids(rowids)
                self._replaced_stamp = stamp
            found |= self._replaced_rowids
        return [i for i in ids if i in rows and rows[i][0] in found]

    def _bodies_of(self, ids: list[str]) -> Iterator[tuple[str, str | None]]:
        """(id, body) in the order given; None for a body the index does not have."""
        rows = self._rows
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = dict(self._index.bodies(rows[i][0] for i in chunk if i in rows))
            for article_id in chunk:
                row = rows.get(article_id)
                yield article_id, None if row is None else found.get(row[0])


def _update_in_batches(
    index: CorpusIndex,
    parsed: Iterable[IndexedFile],
    removed: list[str],
    grew: Callable[[], None],
) -> bool:
    """`index.update` with the parsed files a batch at a time (see `FIRST_BATCH_FILES`),
    calling `grew()` after each batch but the last; False as soon as one cannot be written."""
    entries = iter(parsed)
    done = 0
    batch = FIRST_BATCH_FILES
    while True:
        taken = [0]
        if not index.update(_counted(islice(entries, batch), taken), removed):
            return False
        removed = []
        done += taken[0]
        following = next(entries, None) if taken[0] == batch else None
        if following is None:
            return True
        entries = chain([following], entries)
        grew()
        batch = max(FIRST_BATCH_FILES, done)


def _counted(entries: Iterable[IndexedFile], count: list[int]) -> Iterator[IndexedFile]:
    """`entries` as they come (not held in memory), counted in `count[0]`."""
    for entry in entries:
        count[0] += 1
        yield entry


def unresolved_id(id_or_prefix: str, matches: list[str], root: Path) -> UnknownArticleError:
    """The error for an id (or prefix) that matches no article, or several (`matches`)."""
    if not matches:
        return UnknownArticleError(f"no article with id {id_or_prefix!r} in {root}")
    shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
    return UnknownArticleError(f"article id {id_or_prefix!r} is ambiguous: {shown}")


def parse_article(meta: ArticleMeta) -> Article:
    """The article of `meta` parsed (and segmented) from its file; `UnknownArticleError`
    when the file no longer holds it."""
    base_id = meta.id if meta.record is None else meta.id.rsplit("-", 1)[0]
    loaded = load_file(meta.path, base_id)
    article = next((a for a in loaded.articles if a.meta.record == meta.record), None)
    if article is None:
        raise UnknownArticleError(f"article {meta.id} can no longer be read from {meta.path}")
    return Article(meta=meta, body=article.body, paragraphs=article.paragraphs)


def _collection_files(root: Path, dirs: list[tuple[str, int]]) -> Iterator[tuple[str, str]]:
    """Supported files under `root` (hidden files and directories skipped; links to
    directories are not followed).

    Each as (path, path relative to `root` with `/` separators). Plain strings and one
    `scandir` per directory: at 100,000 files, `Path` objects and `os.walk`'s joins took
    most of the time of opening a cached collection. Each directory walked is appended to
    `dirs` as (relative path with a final `/`, `""` for `root`; its modification time,
    taken before its entries are listed).
    """
    pending = [(str(root), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            dirs.append((prefix, os.stat(directory).st_mtime_ns))
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_directory = entry.is_dir()
            except OSError:
                is_directory = False
            if is_directory:
                if not entry.is_symlink():
                    pending.append((entry.path, f"{prefix}{name}/"))
                continue
            dot = name.rfind(".")
            if dot > 0 and name[dot:].lower() in SUPPORTED_SUFFIXES:
                yield entry.path, prefix + name


def _state(meta: ArticleMeta, row: tuple[int, str] | None) -> tuple[ArticleMeta, str | None]:
    """What a reload compares of an article: its metadata (path and all) and content hash."""
    return meta, None if row is None else row[1]


def _indexed_meta(path: Path, article: IndexedArticle) -> ArticleMeta:
    return ArticleMeta(
        id=article.base_id,
        title=article.title,
        source=article.source,
        date=article.date,
        authors=article.authors,
        url=article.url,
        path=path,
        words=article.words,
        format=article.format,
        encoding=article.encoding,
        record=article.record,
    )


def meta_of_row(root: Path, row: ArticleRow, article_id: str) -> ArticleMeta:
    """The metadata of an article listed by the index, under the id it was given."""
    return ArticleMeta(
        id=article_id,
        title=row.title,
        source=row.source,
        date=row.date,
        authors=row.authors,
        url=row.url,
        path=root / row.path,
        words=row.words,
        format=row.format,
        encoding=row.encoding,
        record=row.record,
    )


UniqueMetas = tuple[list[ArticleMeta], dict[str, tuple[int, str]], list[tuple[int, str]]]


def _unique_metas(root: Path, rows: list[tuple[Any, ...]]) -> UniqueMetas:
    """Metadata of every article (rows of `CorpusIndex.article_tuples`; a duplicate id, as
    of a.txt and a.md, gets its format appended), each id's (rowid, content hash), and the
    (rowid, id) pairs whose id is not the one the index has."""
    metas: list[ArticleMeta] = []
    ids: dict[str, tuple[int, str]] = {}
    renamed: list[tuple[int, str]] = []
    child = _child_path_maker(root)
    for (
        rowid,
        path,
        old_id,
        base_id,
        title,
        source,
        date,
        authors,
        url,
        words,
        fmt,
        encoding,
        record,
        content_hash,
        _seq,
    ) in rows:
        if not len(metas) % GIVE_WAY_EVERY:
            give_way()
        article_id = base_id
        if article_id in ids:
            article_id = f"{article_id}-{fmt}"
        metas.append(
            ArticleMeta(
                article_id,
                title,
                source,
                date,
                split_authors(authors),
                url,
                child(os.fsdecode(path)),
                words,
                fmt,
                encoding,
                record,
            )
        )
        ids[article_id] = (rowid, content_hash)
        if old_id != article_id:
            renamed.append((rowid, article_id))
    return metas, ids, renamed


def _child_path_maker(root: Path) -> Callable[[str], Path]:
    """A fast `root / relative`: at 100,000 articles, pathlib's parsing of every path took
    most of the time of opening a collection. A file directly in `root` (the usual case) is
    joined without parsing (`_make_child_relpath`, pathlib's own shortcut)."""
    make_child = getattr(root, "_make_child_relpath", None)
    if make_child is None:
        return root.joinpath

    def child(relative: str) -> Path:
        return make_child(relative) if "/" not in relative else root / relative

    return child
