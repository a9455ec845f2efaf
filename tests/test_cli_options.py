"""The options every command shares (`--library`, `--db`) and `newsmark --version`."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, RunCli
from tui.cli import build_parser, main


def option_helps(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    """The help text of `--library` and `--db` in `parser`."""
    return {
        option: action.help
        for action in parser._actions
        for option in action.option_strings
        if option in ("--library", "--db")
    }


def test_library_and_db_read_the_same_before_and_after_every_command() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    global_helps = option_helps(parser)
    assert set(global_helps) == {"--library", "--db"}
    assert all(global_helps.values())
    for name, command in commands.choices.items():
        assert option_helps(command) == global_helps, name


def test_an_option_before_the_command_is_not_reset_by_the_command(
    run_cli: RunCli, samples_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "before.json"
    result = run_cli(
        "--db",
        str(db),
        "--library",
        str(samples_dir),
        "annotate",
        "001",
        "--start",
        "0",
        "--end",
        "16",
        "--tag",
        "caption",
    )
    assert result.code == 0
    assert db.exists()  # the annotation went to --db, given before the command


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert capsys.readouterr().out == f"newsmark {declared}\n"
