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

# Each command group's module and the commands it registers, in the order `--help` lists
# them: a command loads only its own module (and the libraries that module imports).
COMMAND_MODULES = {
    "tui.cli.read_commands": ("list", "show", "search"),
    "tui.cli.index_command": ("index",),
    "tui.cli.annotation_commands": (
        "annotate",
        "annotations",
        "edit",
        "reattach",
        "delete",
        "undo",
        "redo",
        "history",
        "coder",
        "tags",
        "memo",
    ),
    "tui.cli.export_commands": ("export", "import"),
    "tui.cli.analysis_commands": ("compare", "suggest", "stats", "agreement"),
}
_MODULE_OF_COMMAND = {
    command: module for module, commands in COMMAND_MODULES.items() for command in commands
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every command group registered, or only the group of
    `command` (a command it declares)."""
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [_MODULE_OF_COMMAND[command]] if command in _MODULE_OF_COMMAND else COMMAND_MODULES
    for module_name in modules:
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


# Options whose value is free text: a value starting with "-" (`--search '-has:note'`,
# excluding) is taken as the value, not as another option (argparse's reading).
TEXT_OPTIONS = frozenset({"--search", "--quote", "--note"})


def _joined_text_values(argv: list[str]) -> list[str]:
    """`argv` with each text option followed by a value starting with a single "-" written
    as `--option=value`, the form argparse reads as a value."""
    joined: list[str] = []
    values = iter(argv)
    for arg in values:
        if arg in TEXT_OPTIONS:
            value = next(values, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                joined.append(f"{arg}={value}")
                continue
            joined.append(arg)
            if value is not None:
                joined.append(value)
            continue
        joined.append(arg)
    return joined


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse the command line, loading only the command module it needs.

    Launching the TUI is the common case and its start-up time is what users feel, so
    without a command no command module is loaded; with one, only its own module (a
    search need not import the agreement statistics). An unknown command, or `--help`
    without one, loads them all, so the usage lists every command.
    """
    argv = _joined_text_values(argv)
    asks_help = bool({"-h", "--help"} & set(argv))
    args, rest = _global_parser().parse_known_args(
        [arg for arg in argv if arg not in ("-h", "--help")]
    )
    if not rest and not asks_help:
        return args
    command = rest[0] if rest else None
    return build_parser(command).parse_args(argv)


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
