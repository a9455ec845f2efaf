"""The open collection and annotation store that every screen shares.

The workspace is glue, not logic: it opens `annotations.corpus.Corpus` and
`annotations.store.AnnotationStore` and hands out what the screens ask for. Writes go
through `NewsmarkApp.perform`, which runs them in a thread one at a time so the UI never
waits for the disk.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.errors import StoreError
from annotations.tags import tag_key
from tui.wording import reanchor_not_saved

if TYPE_CHECKING:
    from collections.abc import Callable

    from annotations.article import Article
    from annotations.corpus import Corpus
    from annotations.model import Annotation
    from annotations.store import AnnotationStore


@dataclass
class Workspace:
    """The collection at `library` and the annotation DB at `db_path`, once opened."""

    library: Path
    db_path: Path
    corpus: Corpus | None = None
    store: AnnotationStore | None = None
    notices: list[str] = field(default_factory=list)
    # Who writes: this window. Its undo and redo take back only its own changes.
    origin: str = field(default_factory=lambda: f"tui:{uuid.uuid4().hex[:12]}")
    label: str = field(
        default_factory=lambda: f"a newsmark window (pid {os.getpid()}, "
        f"started {datetime.now().strftime('%H:%M')})"
    )

    def open(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Load the collection index and the DB, then re-anchor changed articles (blocking).

        Re-anchoring that cannot be saved becomes a notice, not an error. `progress(done,
        total)` is told how many of the collection's files have been read.
        """
        from annotations.corpus import Corpus
        from annotations.store import AnnotationStore

        corpus = Corpus.open(self.library, progress=progress)
        store = AnnotationStore.open(
            self.db_path, origin=self.origin, label=self.label, sync_reads=False
        )
        self.notices = list(corpus.notices)
        try:
            report = store.reanchor_all(corpus)
        except StoreError as error:  # e.g. a read-only database: reading still works
            self.notices.append(reanchor_not_saved(error))
        else:
            if report.needs_notice:
                self.notices.append(report.describe())
        self.corpus, self.store = corpus, store

    @property
    def is_open(self) -> bool:
        """Whether `open` has completed."""
        return self.corpus is not None and self.store is not None

    def require_corpus(self) -> Corpus:
        """The opened collection."""
        if self.corpus is None:
            raise RuntimeError("workspace is not open yet")
        return self.corpus

    def require_store(self) -> AnnotationStore:
        """The opened annotation store."""
        if self.store is None:
            raise RuntimeError("workspace is not open yet")
        return self.store

    def article(self, article_id: str) -> Article:
        """The full article (body parsed on demand and cached by the corpus)."""
        return self.require_corpus().article(article_id)

    def annotations_for(self, article_id: str) -> list[Annotation]:
        """The article's annotations, in body order."""
        return self.require_store().for_article(article_id)

    def annotation_counts(self) -> dict[str, int]:
        """How many annotations each article has (from the store's index: no full scan)."""
        return self.require_store().article_counts()

    def tag_colours(self) -> dict[str, str]:
        """Every tag's colour, keyed by the tag's casefolded name."""
        return {tag_key(info.name): info.colour for info in self.require_store().tags()}

    def tag_names(self) -> list[str]:
        """Every tag name, sorted."""
        return [info.name for info in self.require_store().tags()]
