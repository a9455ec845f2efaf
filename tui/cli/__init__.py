"""The `newsmark` command line.

`newsmark` alone launches the TUI; subcommands script everything the TUI does to data.
Each command group lives in its own module exposing `register(subparsers)`; a command's
handler takes `(args, ctx)` and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from annotations.errors import NewsmarkError
from tui.cli.context import CliContext, VersionAction, common_options

COMMAND_MODULES = (
    "tui.cli.read_commands",
    "tui.cli.annotation_commands",
    "tui.cli.export_commands",
    "tui.cli.analysis_commands",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        import_module(module_name).register(subparsers)
    return parser


def _global_parser() -> argparse.ArgumentParser:
    """The options that come before any command (`--library`, `--db`, `--version`)."""
    parser = argparse.ArgumentParser(
        prog="newsmark",
        description="Read, highlight, tag and export quotes from a collection of news articles.",
        epilog="Run without a command to open the terminal reader.",
        parents=[common_options()],
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--blind",
        action="store_true",
        help="blind coding: the TUI shows only the current coder's annotations",
    )
    parser.set_defaults(command=None, library=None, db=None, coder=None)
    return parser


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; without a command, skip loading the command modules.

    Launching the TUI is the common case and its start-up time is what users feel, so the
    command modules (and the libraries they import) are only loaded when a command or
    `--help` is given.
    """
    if not {"-h", "--help"} & set(argv):
        args, rest = _global_parser().parse_known_args(argv)
        if not rest:
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsmark` console script; returns the process exit code."""
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    ctx = CliContext.from_args(args)
    try:
        if args.command is None:
            from tui.app import run_app

            return run_app(ctx)
        code = int(args.handler(args, ctx) or 0)
        ctx.report_new_database()
        return code
    except NewsmarkError as error:
        print(f"newsmark: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `newsmark list | head`).
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
