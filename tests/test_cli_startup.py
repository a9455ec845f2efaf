"""What a command-line command loads: `newsmark list` never imports textual.

Start-up time is what a script calling `newsmark` feels; textual costs far more to import
than everything `list` needs. import-linter checks the static imports (`make lint`); this
checks what a real process has loaded when it exits, lazy imports included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

# Runs `python -m tui.cli ARGS` as the console script would, and at exit writes the names
# of every loaded module to the file named by the first argument.
LOADED_MODULES_WRAPPER = """
import atexit, json, runpy, sys
report = sys.argv.pop(1)
atexit.register(lambda: open(report, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "newsmark"
runpy.run_module("tui.cli", run_name="__main__", alter_sys=True)
"""


def loaded_modules(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `newsmark ARGS` in a fresh process; its result and the modules it had loaded."""
    report = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES_WRAPPER, str(report), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return result, set(json.loads(report.read_text()))


def test_list_loads_no_textual_module(tmp_path: Path, samples_dir: Path) -> None:
    result, modules = loaded_modules(
        tmp_path, "--library", str(samples_dir), "--db", str(tmp_path / "db.json"), "list"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 5
    assert "tui.cli.read_commands" in modules  # the report is of the command that ran
    assert sorted(m for m in modules if m == "textual" or m.startswith("textual.")) == []
