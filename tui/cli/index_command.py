"""`newsmark index`: index the collection now, and say how commands check it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from annotations.text import safe_name
from tui.cli.context import CliContext, common_options
from tui.wording import count_noun


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `index` to the command line."""
    index = subparsers.add_parser(
        "index",
        parents=[common_options()],
        help="index the collection now (and declare it append-only)",
        description="Index what changed in the collection and build its full-text index, so "
        "that the next command need not. Before trusting the index, `list` and `search` "
        "check every file's size and modification time (about 1 s per 500,000 files on two "
        "cores). With --append-only you declare that the collection's files are never "
        "rewritten in place (articles are added as new files; a changed article replaces "
        "its file): then only the directories are checked. A word written in place into a "
        "file is then not found until `newsmark index` runs again.",
    )
    mode = index.add_mutually_exclusive_group()
    mode.add_argument(
        "--append-only",
        dest="append_only",
        action="store_const",
        const=True,
        help="declare the files are never rewritten in place: check only the directories",
    )
    mode.add_argument(
        "--check-every-file",
        dest="append_only",
        action="store_const",
        const=False,
        help="check every file before trusting the index (the default)",
    )
    index.set_defaults(handler=index_collection, append_only=None)


def index_collection(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark index [--append-only | --check-every-file]`."""
    from annotations.corpus import Corpus

    corpus = Corpus.open(ctx.library, progress=_progress("files parsed"))
    _progress_done()
    for notice in corpus.notices:
        print(f"newsmark: {notice}", file=sys.stderr)
    path, append_only = corpus.prepare_index(
        append_only=args.append_only, progress=_progress("full-text index")
    )
    _progress_done()
    print(f"{count_noun(len(corpus), 'article')} in {safe_name(str(ctx.library))}")
    print(f"index: {safe_name(str(path))}")
    if append_only:
        print(
            "files: append-only, only the directories are checked "
            "(after rewriting a file in place, run `newsmark index`)"
        )
    else:
        print("files: each file is checked before the index is trusted")
    return 0


def _progress(what: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        print(f"\r{what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return report


def _progress_done() -> None:
    """End the progress line (if one was shown)."""
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
