"""In-memory indexes over the annotations table, kept up to date with every operation.

They make the reads the UI does often cheap at 100k annotations: the annotations of one
article, how many each article has, and the tags in use with their counts and spellings.
Article ids and tags are interned: one string each, however many annotations name it (the
table's documents are decoded anew at every read, each time with new strings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from sys import intern
from typing import Any

from annotations.store.ops import Op
from annotations.store.schema import ANNOTATIONS_TABLE
from annotations.tags import tag_ancestors, tag_key


class AnnotationIndex:
    """Article → annotation ids, and tag identity → spellings in use with their counts."""

    def __init__(self) -> None:
        self.by_article: dict[str, set[str]] = {}
        self.article_of: dict[str, str] = {}
        # Tag key -> how often each spelling is used (in order of first use).
        self.spellings: dict[str, Counter[str]] = {}
        # Tag key -> the annotations carrying it (a rename touches only those).
        self.tagged: dict[str, set[str]] = {}
        self._tags_of: dict[str, tuple[str, ...]] = {}
        # Tag key -> annotations carrying it or a tag below it (each counted once).
        self.totals: Counter[str] = Counter()

    @classmethod
    def build(cls, table: Mapping[str, Any]) -> AnnotationIndex:
        """An index of every document of an annotations table.

        The same result as applying a put of each document, computed in bulk: tag keys and
        the closures of tags above them are worked out once per distinct set of tags.
        """
        index = cls()
        by_article, article_of, tags_of = index.by_article, index.article_of, index._tags_of
        uses: Counter[str] = Counter()
        carriers: dict[str, list[str]] = {}
        closures: dict[tuple[str, ...], frozenset[str]] = {}
        totals: Counter[str] = Counter()
        for doc_id, doc in table.items():
            article = intern(doc["article"])
            article_of[doc_id] = article
            ids = by_article.get(article)
            if ids is None:
                by_article[article] = {doc_id}
            else:
                ids.add(doc_id)
            raw = doc.get("tags")
            if not raw:
                continue
            tags = tuple(map(intern, raw))
            tags_of[doc_id] = tags
            uses.update(tags)
            for tag in tags:
                carriers.setdefault(tag, []).append(doc_id)
            closure = closures.get(tags)
            if closure is None:
                closure = closures[tags] = frozenset(
                    tag_key(path) for tag in tags for path in (*tag_ancestors(tag), tag)
                )
            totals.update(closure)
        for spelling, count in uses.items():  # in order of first use, as `apply` counts
            key = tag_key(spelling)
            index.spellings.setdefault(key, Counter())[spelling] = count
            index.tagged.setdefault(key, set()).update(carriers[spelling])
        index.totals = totals
        return index

    def apply(self, ops: Iterable[Op]) -> int:
        """Update the index for operations just applied; returns how many touched annotations."""
        touched = 0
        for op in ops:
            if op.table != ANNOTATIONS_TABLE:
                continue
            touched += 1
            doc_id = op.doc_id
            if op.kind == "put" and op.document is not None:
                old_tags = self._tags_of.get(doc_id)
                if (
                    self.article_of.get(doc_id) == op.document["article"] and old_tags is not None
                ):  # the same article, new tags (a tag rename): only the tags move
                    self._count_tags(doc_id, old_tags, -1)
                    tags = tuple(map(intern, op.document.get("tags", ())))
                    if tags:
                        self._tags_of[doc_id] = tags
                        self._count_tags(doc_id, tags, 1)
                    else:
                        del self._tags_of[doc_id]
                    continue
            old_article = self.article_of.pop(doc_id, None)
            if old_article is not None:
                ids = self.by_article[old_article]
                ids.discard(doc_id)
                if not ids:
                    del self.by_article[old_article]
            old_tags = self._tags_of.pop(doc_id, None)
            if old_tags:
                self._count_tags(doc_id, old_tags, -1)
            if op.kind == "put" and op.document is not None:
                article = intern(op.document["article"])
                self.article_of[doc_id] = article
                self.by_article.setdefault(article, set()).add(doc_id)
                tags = tuple(map(intern, op.document.get("tags", ())))
                if tags:
                    self._tags_of[doc_id] = tags
                    self._count_tags(doc_id, tags, 1)
        return touched

    def _count_tags(self, doc_id: str, tags: Iterable[str], change: int) -> None:
        tags = tuple(tags)
        closure = {tag_key(path) for tag in tags for path in (*tag_ancestors(tag), tag)}
        for key in closure:
            self.totals[key] += change
            if self.totals[key] <= 0:
                del self.totals[key]
        for tag in tags:
            key = tag_key(tag)
            counter = self.spellings.get(key)
            if counter is None:
                counter = self.spellings[key] = Counter()
                self.tagged[key] = set()
            counter[tag] += change
            if change > 0:
                self.tagged[key].add(doc_id)
            else:
                self.tagged[key].discard(doc_id)
            if counter[tag] <= 0:
                del counter[tag]
                if not counter:
                    del self.spellings[key]
                    del self.tagged[key]
