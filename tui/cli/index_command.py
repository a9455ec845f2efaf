"""`newsmark index`: index the collection now, and say how commands check it."""

from __future__ import annotations

import argparse
import sys

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

    parsing = ProgressLine("files parsed")
    with parsing:
        corpus = Corpus.open(ctx.library, progress=parsing.report)
    for notice in corpus.notices:
        print(f"newsmark: {notice}", file=sys.stderr)
    with ProgressLine("full-text index") as building:
        state = corpus.prepare_index(append_only=args.append_only, progress=building.report)
    print(f"{count_noun(len(corpus), 'article')} in {safe_name(str(ctx.library))}")
    print(f"files parsed: {parsing.total:,} (new or changed since the last look)")
    print(f"index: {safe_name(str(state.path))}")
    print(f"full-text index: {'built now' if state.full_text_built else 'ready'}")
    if state.append_only:
        print(
            "files: append-only, only the directories are checked "
            "(after rewriting a file in place, run `newsmark index`)"
        )
    else:
        print("files: each file is checked before the index is trusted")
    return 0


class ProgressLine:
    """`report(done, total)` as one line on stderr, rewritten in place when stderr is a
    terminal; the line is cleared at the end, and kept (ended) if the work is stopped.
    `total`: the largest total reported (0 if none was)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.total = 0
        self._shown = False

    def report(self, done: int, total: int) -> None:
        """Show how far the work got."""
        self.total = max(self.total, total)
        if sys.stderr.isatty():
            self._shown = True
            print(f"\r{self.what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._shown:  # cleared when done; ended with a newline when stopped (ctrl+c)
            print("\r\033[K" if kind is None else "\n", end="", file=sys.stderr, flush=True)
