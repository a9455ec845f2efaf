"""The article collection: a metadata index over a directory, bodies loaded on demand.

Opening a collection stats every supported file and parses only those that changed since
the cached index was written (keyed by size and modification time), so a 10,000-article
collection opens quickly after the first time. Bodies are parsed when an article is read
and kept in a small LRU cache; full-text search builds its own index on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

from annotations.article import Article, ArticleMeta
from annotations.atomic import atomic_write_bytes
from annotations.errors import LibraryNotFoundError, UnknownArticleError
from annotations.loader import LoadedFile, load_file
from annotations.parsers import SUPPORTED_SUFFIXES
from annotations.paths import cache_dir
from annotations.regular_file import non_regular_reason
from annotations.search import SearchIndex, SearchResults
from annotations.text import safe_name

# Bump when parsing changes, so cached metadata from older rules is rebuilt.
INDEX_VERSION = 2  # 2: HTML metadata from JSON-LD/Open Graph, cleaned bylines
ARTICLE_CACHE_SIZE = 64
PROGRESS_SECONDS = 0.2  # how often `Corpus.open` reports its progress
META_FIELDS = tuple(f.name for f in fields(ArticleMeta))


@dataclass
class IndexedFile:
    """What the index remembers about one file."""

    size: int
    mtime_ns: int
    metas: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)


class Corpus:
    """The articles of one collection directory, sorted by id."""

    def __init__(
        self,
        root: Path,
        metas: Iterable[ArticleMeta],
        notices: list[str],
        bodies: dict[str, str] | None = None,
    ) -> None:
        self.root = root
        self.name = root.resolve().name or "library"
        self.notices = notices
        self._metas = {meta.id: meta for meta in sorted(metas, key=lambda m: m.id)}
        self._sorted_ids = list(self._metas)
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._bodies = bodies or {}
        self._search_index: SearchIndex | None = None
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, root: Path, *, use_cache: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> Corpus:
        """Index the collection at `root`; `LibraryNotFoundError` if it is not a directory.

        `progress(done, total)` is called now and then while files are read (not for the
        files whose metadata comes from the cache), and once at the end.
        """
        root = Path(root)
        if not root.is_dir():
            raise LibraryNotFoundError(f"article collection not found: {root}")
        cache_path = _index_cache_path(root) if use_cache else None
        cached = _read_index_cache(cache_path) if cache_path else {}
        files: dict[str, IndexedFile] = {}
        unreadable: list[str] = []
        changed = False
        listed = list(_collection_files(root))
        reported = time.monotonic()
        for done, (path, relative) in enumerate(listed):
            if progress is not None and time.monotonic() - reported >= PROGRESS_SECONDS:
                progress(done, len(listed))
                reported = time.monotonic()
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
            entry = cached.get(relative)
            if entry is None or (entry.size, entry.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                entry = _index_file(Path(path), relative, stat)
                changed = True
            files[relative] = entry
        if progress is not None:
            progress(len(listed), len(listed))
        if cache_path and (changed or files.keys() != cached.keys()):
            _write_index_cache(cache_path, files)
        metas, notices = _unique_metas(root, files)
        notices = unreadable + notices
        bodies = {i: body for entry in files.values() for i, body in entry.bodies.items()}
        return cls(root, metas, notices, bodies)

    def __len__(self) -> int:
        return len(self._metas)

    def __iter__(self) -> Iterator[ArticleMeta]:
        return iter(self._metas.values())

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._metas

    def resolve(self, id_or_prefix: str) -> str:
        """The exact id, or the one id starting with the prefix; `UnknownArticleError` otherwise."""
        if id_or_prefix in self._metas:
            return id_or_prefix
        matches = [i for i in self._sorted_ids if id_or_prefix and i.startswith(id_or_prefix)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UnknownArticleError(f"no article with id {id_or_prefix!r} in {self.root}")
        shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise UnknownArticleError(f"article id {id_or_prefix!r} is ambiguous: {shown}")

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
        meta = self._metas[resolved]
        base_id = resolved if meta.record is None else resolved.rsplit("-", 1)[0]
        loaded = load_file(meta.path, base_id)
        article = next((a for a in loaded.articles if a.meta.record == meta.record), None)
        if article is None:
            raise UnknownArticleError(f"article {resolved} can no longer be read from {meta.path}")
        article = Article(meta=meta, body=article.body, paragraphs=article.paragraphs)
        with self._lock:
            self._articles[resolved] = article
            while len(self._articles) > ARTICLE_CACHE_SIZE:
                self._articles.popitem(last=False)
        return article

    def body(self, article_id: str) -> str:
        """An article's body text (from the index cache when possible)."""
        body = self._bodies.get(article_id)
        return body if body is not None else self.article(article_id).body

    def content_hash(self, article_id: str) -> str:
        """`Article.content_hash` of an article, from the cached body when possible."""
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
        """Matches of `query` across the collection, in id then offset order."""
        with self._lock:
            if self._search_index is None:
                self._search_index = SearchIndex(
                    (article_id, self._bodies.get(article_id)) for article_id in self._sorted_ids
                )
        index = self._search_index
        index.fill_missing(self.body)
        wanted = None if article_ids is None else {self.resolve(i) for i in article_ids}
        return index.search(
            query, regex=regex, case_sensitive=case_sensitive, article_ids=wanted, limit=limit
        )


def _collection_files(root: Path) -> Iterator[tuple[str, str]]:
    """Supported files under `root` (hidden files and directories skipped), sorted.

    Each as (path, path relative to `root` with `/` separators). Plain strings: at 10,000
    files, building `Path` objects took most of the time of opening a cached collection.
    """
    found: list[tuple[str, str]] = []
    for directory, subdirectories, filenames in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        prefix = os.path.relpath(directory, root)
        prefix = "" if prefix == os.curdir else prefix.replace(os.sep, "/") + "/"
        for filename in filenames:
            if filename.startswith("."):
                continue
            if os.path.splitext(filename)[1].lower() not in SUPPORTED_SUFFIXES:
                continue
            found.append((os.path.join(directory, filename), prefix + filename))
    return iter(sorted(found, key=lambda item: item[1]))


def _index_file(path: Path, relative: str, stat: os.stat_result) -> IndexedFile:
    base_id = safe_name(relative.rsplit(".", 1)[0])
    loaded: LoadedFile = load_file(path, base_id, segment=False)
    entry = IndexedFile(size=stat.st_size, mtime_ns=stat.st_mtime_ns, notices=loaded.notices)
    for article in loaded.articles:
        meta = {name: getattr(article.meta, name) for name in META_FIELDS}
        meta["path"] = relative
        entry.metas.append(meta)
        entry.bodies[article.id] = article.body
    return entry


def _unique_metas(root: Path, files: dict[str, IndexedFile]) -> tuple[list[ArticleMeta], list[str]]:
    """Metadata of every article; a duplicate id (a.txt and a.md) gets its format appended."""
    metas: dict[str, ArticleMeta] = {}
    notices: list[str] = []
    for relative, entry in files.items():
        notices.extend(entry.notices)
        for data in entry.metas:
            fields = {**data, "path": root / relative, "authors": tuple(data["authors"])}
            meta = ArticleMeta(**fields)
            if meta.id in metas:
                new_id = f"{meta.id}-{meta.format}"
                entry.bodies[new_id] = entry.bodies.pop(meta.id, "")
                meta = ArticleMeta(**{**asdict(meta), "id": new_id})
            metas[meta.id] = meta
    return list(metas.values()), notices


def _index_cache_path(root: Path) -> Path:
    key = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "index" / f"{key}.json"


def _read_index_cache(path: Path) -> dict[str, IndexedFile]:
    """The cached index, or {} when missing, unreadable, corrupt or from another version."""
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("version") != INDEX_VERSION:
            return {}
        return {relative: IndexedFile(**entry) for relative, entry in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_index_cache(path: Path, files: dict[str, IndexedFile]) -> None:
    """Write the index atomically; a cache that cannot be written is simply not used."""
    try:
        payload = orjson.dumps(
            {"version": INDEX_VERSION,
             "files": {rel: asdict(entry) for rel, entry in files.items()}}
        )
    except orjson.JSONEncodeError:  # e.g. a file name that is not valid UTF-8
        return
    with contextlib.suppress(OSError):
        atomic_write_bytes(path, payload)
