"""A command loads only its own command module: the map of commands to modules is whole,
and a search never imports what only the analysis commands need."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT
from tui.cli import COMMAND_MODULES, build_parser


def registered_commands(parser: argparse.ArgumentParser) -> list[str]:
    """The command names `parser` accepts, in the order its usage lists them."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    everything = registered_commands(build_parser())
    mapped = [command for commands in COMMAND_MODULES.values() for command in commands]
    assert sorted(everything) == sorted(mapped)
    for commands in COMMAND_MODULES.values():
        for command in commands:
            assert set(commands) <= set(registered_commands(build_parser(command))), command


def test_a_search_loads_neither_the_analysis_nor_the_export_modules(samples_dir: Path) -> None:
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        f"main(['--library', {str(samples_dir)!r}, 'search', 'Xi', '--count'])\n"
        "loaded = [m for m in ('numpy', 'tui.cli.analysis_commands', "
        "'tui.cli.export_commands', 'rich.console') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
