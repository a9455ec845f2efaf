"""What every command needs: the resolved library and DB paths, opened on first use."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.paths import resolve_db_path, resolve_library

if TYPE_CHECKING:
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore


def common_options() -> argparse.ArgumentParser:
    """A parent parser so `--library`/`--db` also work after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS,
                        help="article collection directory")
    parent.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="annotation database file")
    return parent


@dataclass
class CliContext:
    """Resolved paths plus the corpus and store, each opened lazily and at most once."""

    library: Path
    db_path: Path
    _corpus: Corpus | None = field(default=None, repr=False)
    _store: AnnotationStore | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        """Resolve `--library`/`--db` against the environment and defaults."""
        return cls(library=resolve_library(args.library), db_path=resolve_db_path(args.db))

    @property
    def corpus(self) -> Corpus:
        """The article collection; load notices (skipped files etc.) go to stderr."""
        if self._corpus is None:
            from annotations.corpus import Corpus

            self._corpus = Corpus.open(self.library)
            for notice in self._corpus.notices:
                print(f"newsmark: {notice}", file=sys.stderr)
        return self._corpus

    def reanchored_store(self) -> AnnotationStore:
        """The store after re-anchoring annotations of changed articles (reported on stderr)."""
        store = self.store
        report = store.reanchor_all(self.corpus)
        if report.fuzzy or report.orphaned:
            print(
                f"newsmark: articles changed: {report.fuzzy} annotations re-anchored by fuzzy "
                f"match, {report.orphaned} orphaned (kept, with their quotes)",
                file=sys.stderr,
            )
        return store

    @property
    def store(self) -> AnnotationStore:
        """The annotation store at `db_path`."""
        if self._store is None:
            from annotations.store import AnnotationStore

            self._store = AnnotationStore.open(self.db_path)
        return self._store
