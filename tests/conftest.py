"""Shared fixtures: an isolated environment per test, the samples, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tmux_terminal import terminal  # noqa: F401  (the fixture, for the tmux tests)
from tui.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "samples"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's real data, cache and clipboard settings."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("NEWSMARK_DB", raising=False)
    monkeypatch.delenv("NEWSMARK_LIBRARY", raising=False)
    monkeypatch.delenv("NEWSMARK_CODER", raising=False)


@pytest.fixture
def samples_dir() -> Path:
    """The bundled sample collection (read-only: copy it before changing files)."""
    return SAMPLES_DIR


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the samples, for tests that edit or add article files."""
    target = tmp_path / "library"
    shutil.copytree(SAMPLES_DIR, target)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh annotation DB path (the file does not exist yet)."""
    return tmp_path / "db" / "annotations.json"


@dataclass
class CliResult:
    """What one `newsmark` invocation printed and returned."""

    code: int
    out: str
    err: str


RunCli = Callable[..., CliResult]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `newsmark ARGS...` in-process and capture its output."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run
