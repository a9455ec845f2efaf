"""What every command needs: the resolved library and DB paths, opened on first use."""

from __future__ import annotations

import argparse
import gc
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.paths import resolve_db_path, resolve_library
from tui.wording import reanchor_not_saved

if TYPE_CHECKING:
    from annotations.article import Article
    from annotations.corpus import Corpus
    from annotations.indexed_collection import IndexedCollection
    from annotations.model import Annotation
    from annotations.store import AnnotationStore


_NOT_A_NAME = re.compile(r"[\s,/]+")  # what leaves a list option's value empty


class TagListAction(argparse.Action):
    """A repeatable list option (tags, article ids) where commas also separate values:
    `--tag a --tag "b, c"`; with `nargs="+"` also `--tag a "b, c" d`. An empty value
    (`--tag ''`, or a tag path with no name in it, `--tag /`) is a mistake in the command
    line (it would silently mean no tag at all)."""

    allow_empty = False

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        tags = list(getattr(namespace, self.dest, None) or [])
        given = values if isinstance(values, list) else [values]
        if not self.allow_empty and any(not _NOT_A_NAME.sub("", str(v)) for v in given):
            raise argparse.ArgumentError(self, "an empty value; give a name")
        tags.extend(
            part.strip() for value in given for part in str(value).split(",") if part.strip()
        )
        setattr(namespace, self.dest, tags)


class ClearingTagListAction(TagListAction):
    """A `TagListAction` where `''` means an empty list (`edit --tag ''`: no tags)."""

    allow_empty = True


def positive_int(value: str) -> int:
    """An argparse type for counts that must be 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def common_options() -> argparse.ArgumentParser:
    """The one declaration of `--library`/`--db`: a parent parser for the global options
    and for every command, so they also work after the command name.

    No default here (an option given before the command would be overwritten by the
    command's default); the global parser sets them (`None`: see `CliContext.from_args`).
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--library",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="article collection directory (default: $NEWSMARK_LIBRARY or the bundled samples)",
    )
    parent.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="annotation database file (default: $NEWSMARK_DB or the user data directory)",
    )
    parent.add_argument(
        "--coder",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who is coding (default: $NEWSMARK_CODER, else the saved coder, else the login "
        "name); annotations, export and stats then show only this coder's annotations",
    )
    return parent


class VersionAction(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked for (the
    metadata lookup would otherwise slow every start-up)."""

    def __init__(
        self,
        option_strings: list[str],
        dest: str = argparse.SUPPRESS,
        help: str = "print newsmark's version and exit",
    ) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("newsmark")
        except PackageNotFoundError:
            found = "unknown (not installed as a package)"
        print(f"newsmark {found}")
        parser.exit()


def print_notices(notices: list[str]) -> None:
    """A collection's notices (skipped files etc.) on stderr, a line each."""
    for notice in notices:
        print(f"newsmark: {notice}", file=sys.stderr)


@dataclass
class CliContext:
    """Resolved paths plus the corpus and store, each opened lazily and at most once."""

    library: Path
    db_path: Path
    coder_option: str | None = None  # `--coder` as given (None: not on the command line)
    blind: bool = False  # `--blind`: the TUI starts in blind coding mode
    _coder: str | None = field(default=None, repr=False)
    _corpus: Corpus | None = field(default=None, repr=False)
    _store: AnnotationStore | None = field(default=None, repr=False)
    _db_existed: bool = field(default=True, repr=False)
    _db_written: bool = field(default=False, repr=False)  # by `add_annotation`

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        """Resolve `--library`/`--db` against the environment and defaults."""
        return cls(
            library=resolve_library(args.library),
            db_path=resolve_db_path(args.db),
            coder_option=getattr(args, "coder", None),
            blind=bool(getattr(args, "blind", False)),
        )

    @property
    def coder(self) -> str:
        """The current coder: `--coder`, `$NEWSMARK_CODER`, the saved one, the login name."""
        if self._coder is None:
            from annotations.coder import current_coder

            notices: list[str] = []
            self._coder = current_coder(self.coder_option, notices=notices)
            print_notices(notices)
        return self._coder

    @property
    def coder_filter(self) -> list[str]:
        """The coders whose annotations read commands show: the one given with `--coder`,
        else everyone (an empty list)."""
        return [self.coder] if self.coder_option is not None else []

    @property
    def corpus(self) -> Corpus:
        """The article collection; load notices (skipped files etc.) go to stderr."""
        if self._corpus is None:
            from annotations.corpus import Corpus

            self._corpus = Corpus.open(self.library)
            # Its (possibly millions of) long-lived objects need no more scans by the cyclic
            # garbage collector, which otherwise re-scans them while the command runs.
            gc.freeze()
            print_notices(self._corpus.notices)
        return self._corpus

    def collection(self, *, defer_file_check: bool = False) -> Corpus | IndexedCollection:
        """For commands that go through the articles once (`list`, `search`): the
        collection read from its index when that is current (no metadata objects built,
        no file looked at), else the opened collection. Notices go to stderr.
        `defer_file_check`: see `IndexedCollection.open`; the caller handles
        `FilesChangedError` by using `corpus` instead, and prints the notices of the
        collection read from its index (`print_notices`) once its files are checked."""
        if self._corpus is None:
            from annotations.indexed_collection import IndexedCollection

            indexed = IndexedCollection.open(self.library, defer_file_check=defer_file_check)
            if indexed is not None:
                if not defer_file_check:
                    print_notices(indexed.notices)
                return indexed
        return self.corpus

    def article(self, id_or_prefix: str) -> Article:
        """One article: from the collection's index alone when it knows the id and the
        article's file is unchanged (a command on one article does not look at the whole
        collection), else from the opened collection."""
        if self._corpus is None:
            from annotations.corpus import Corpus

            found = Corpus.indexed_article(self.library, id_or_prefix)
            if found is not None:
                return found
        return self.corpus.article(id_or_prefix)

    def reanchored_store(self) -> AnnotationStore:
        """The store after re-anchoring annotations of changed articles (reported on stderr).

        Re-anchoring that cannot be saved (a read-only database) is reported, not fatal:
        read commands still work, with the offsets last saved.
        """
        from annotations.errors import StoreError

        store = self.store
        try:
            report = store.reanchor_all(self.corpus)
        except StoreError as error:
            print(f"newsmark: {reanchor_not_saved(error)}", file=sys.stderr)
            return store
        if report.needs_notice:
            print(f"newsmark: {report.describe()}", file=sys.stderr)
        return store

    @property
    def store(self) -> AnnotationStore:
        """The annotation store at `db_path`."""
        if self._store is None:
            from annotations.store import AnnotationStore

            self._db_existed = self.db_path.exists()
            self._store = AnnotationStore.open(self.db_path, coder=self.coder)
            gc.freeze()  # long-lived, like the corpus's objects (see `corpus`)
        return self._store

    def add_annotation(self, annotation: Annotation) -> Annotation:
        """Store a new annotation (made by `new_annotation`): through the store if this
        command opened it, else without reading the whole database (`store.add_new`).
        Returns it as stored."""
        if self._store is not None:
            return self._store.add(annotation)
        from annotations.store import add_new

        self._db_existed = self.db_path.exists()
        self._db_written = True
        return add_new(self.db_path, annotation, coder=self.coder)

    def modify_annotation(
        self, annotation_id: str, change: Callable[[Annotation], Annotation]
    ) -> Annotation:
        """`AnnotationStore.modify` (id or unique prefix), without reading the whole
        database unless this command opened it (`store.modify_at`)."""
        if self._store is not None:
            return self._store.modify(annotation_id, change)
        from annotations.store import modify_at

        return modify_at(self.db_path, annotation_id, change, coder=self.coder)

    def delete_annotation(self, annotation_id: str) -> Annotation:
        """`AnnotationStore.delete` (id or unique prefix), without reading the whole
        database unless this command opened it (`store.delete_at`)."""
        if self._store is not None:
            return self._store.delete(annotation_id)
        from annotations.store import delete_at

        return delete_at(self.db_path, annotation_id, coder=self.coder)

    def report_new_database(self) -> None:
        """Say so on stderr when this command started a new database: a mistyped `--db`
        would otherwise send work to a new file without a word."""
        opened = self._store is not None or self._db_written
        if opened and not self._db_existed and self.db_path.exists():
            print(f"newsmark: started a new annotation database at {self.db_path}", file=sys.stderr)
