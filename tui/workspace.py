"""The open collection and annotation store that every screen shares.

The workspace is glue, not logic: it opens `annotations.corpus.Corpus` and
`annotations.store.AnnotationStore` and hands out what the screens ask for. Writes go
through `NewsmarkApp.perform`, which runs them in a thread one at a time so the UI never
waits for the disk.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.coder import tags_seen_in, visible_to
from annotations.errors import StoreError
from annotations.tags import tag_key
from tui.threads import long_lived_objects
from tui.wording import reanchor_not_saved

if TYPE_CHECKING:
    from collections.abc import Callable

    from annotations.article import Article
    from annotations.corpus import Corpus
    from annotations.library_listing import EarlyListing
    from annotations.model import Annotation, TagInfo
    from annotations.store import AnnotationStore


@dataclass
class Workspace:
    """The collection at `library` and the annotation DB at `db_path`, once opened."""

    library: Path
    db_path: Path
    # Who codes in this window (given to new annotations); None: `default_coder()`.
    coder: str | None = None
    # Blind coding: every screen shows only this coder's annotations.
    blind: bool = False
    corpus: Corpus | None = None
    store: AnnotationStore | None = None
    notices: list[str] = field(default_factory=list)
    # While a cold collection is indexed, `corpus` holds the articles indexed so far.
    indexing: bool = False
    # Before `corpus` is set: what the index lists, newest first (see `Corpus.open`).
    early: EarlyListing | None = None
    # Who writes: this window. Its undo and redo take back only its own changes.
    origin: str = field(default_factory=lambda: f"tui:{uuid.uuid4().hex[:12]}")
    label: str = field(
        default_factory=lambda: (
            f"a newsmark window (pid {os.getpid()}, started {datetime.now().strftime('%H:%M')})"
        )
    )

    def open(
        self,
        progress: Callable[[int, int], None] | None = None,
        grew: Callable[[Corpus], None] | None = None,
        listed_early: Callable[[EarlyListing], None] | None = None,
    ) -> None:
        """Open the DB and the collection index, then re-anchor changed articles (blocking).

        Re-anchoring that cannot be saved becomes a notice, not an error. `progress(done,
        total)` is called while changed files are parsed, and `grew(corpus)` with the
        articles indexed so far while many are (see `Corpus.open`): the DB is open by then
        (`store`), so the caller can set `corpus` and let the user read them; before that,
        `listed_early(articles)` with what the index lists, for the library to show.
        """
        from annotations.corpus import Corpus
        from annotations.store import AnnotationStore

        with long_lived_objects():
            store = AnnotationStore.open(
                self.db_path,
                origin=self.origin,
                label=self.label,
                sync_reads=False,
                coder=self.coder,
            )
        self.store = store
        with long_lived_objects():
            corpus = Corpus.open(
                self.library, progress=progress, grew=grew, listed_early=listed_early
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

    def reload_articles(self, article_ids: Iterable[str]) -> tuple[list[str], str | None]:
        """Read again the files of these articles that changed on disk (`Corpus.reload`) and
        re-anchor the annotations of the articles whose text changed. Returns the ids of the
        articles that changed and a notice when there is something to say (quotes moved or
        lost, or the re-anchoring could not be saved). Blocking: call it in a thread."""
        corpus = self.require_corpus()
        changed: list[str] = []
        for article_id in article_ids:
            changed.extend(i for i in corpus.reload(article_id) if i not in changed)
        if not changed:
            return [], None
        try:
            report = self.require_store().reanchor_all(corpus, set(changed))
        except StoreError as error:
            return changed, reanchor_not_saved(error)
        return changed, report.describe() if report.needs_notice else None

    @property
    def is_open(self) -> bool:
        """Whether articles can be read: `open` has completed, or has given the articles
        indexed so far (then `indexing` is still True)."""
        return self.corpus is not None and self.store is not None

    @property
    def can_list(self) -> bool:
        """Whether the library can list articles: the DB is open, and the collection or
        its early listing (`early`) is there."""
        return self.store is not None and (self.corpus is not None or self.early is not None)

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

    @property
    def current_coder(self) -> str:
        """The coder of this window (the store's coder once open)."""
        if self.store is not None:
            return self.store.coder
        from annotations.coder import default_coder

        return self.coder or default_coder()

    def visible(self, annotations: list[Annotation]) -> list[Annotation]:
        """`annotations` as this window shows them: in blind mode only this coder's."""
        return visible_to(annotations, self.current_coder, blind=self.blind)

    def visible_annotations(self) -> list[Annotation]:
        """Every annotation this window shows (in blind mode only this coder's), by article
        then position."""
        return self.visible(self.require_store().all())

    def annotations_for(self, article_id: str) -> list[Annotation]:
        """The article's annotations in body order (in blind mode only this coder's)."""
        return self.visible(self.require_store().for_article(article_id))

    def tag_infos(self) -> list[TagInfo]:
        """The codebook's tags with their counts; in blind mode counted over this coder's
        annotations, without the tags only other coders use."""
        infos = self.require_store().tags()
        if not self.blind:
            return infos
        return tags_seen_in(infos, self.visible_annotations())

    def annotation_counts(self) -> dict[str, int]:
        """How many annotations each article has (from the store's index: no full scan;
        in blind mode only this coder's are counted)."""
        store = self.require_store()
        if not self.blind:
            return store.article_counts()
        return dict(
            Counter(a.article for a in visible_to(store.all(), self.current_coder, blind=True))
        )

    def tag_colours(self) -> dict[str, str]:
        """Every tag's colour, keyed by the tag's casefolded name."""
        return {tag_key(info.name): info.colour for info in self.require_store().tags()}

    def tag_descriptions(self) -> dict[str, str]:
        """The codebook description of every described tag, by name."""
        return {
            info.name: info.description for info in self.require_store().tags() if info.description
        }

    def tag_names(self) -> list[str]:
        """Every tag name (in blind mode those of `tag_infos`), sorted."""
        return [info.name for info in self.tag_infos()]
