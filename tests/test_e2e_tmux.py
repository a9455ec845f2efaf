"""End to end in a real terminal: drive the installed `newsmark` in tmux like a user would.

Open the first article from the library, select two sentences with the keyboard, tag them,
quit, and check the annotation through `newsmark annotations --json`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

NEWSMARK = Path(sys.executable).with_name("newsmark")


class Terminal:
    """One tmux session on a private server socket, running a single command."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this session's server and return its output."""
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True, text=True, env=self.env, check=True, timeout=20,
        )
        return result.stdout

    def start(self, command: list[str]) -> None:
        """Start `command` in a 120x40 terminal."""
        self.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", *command)

    def send(self, *keys: str) -> None:
        """Send keys (tmux key names or literal text) to the session."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def screen(self) -> str:
        """What the terminal shows now."""
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait until `text` is on screen; fail with the screen contents if it never is."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        pytest.fail(f"{text!r} never appeared on screen; last screen:\n{screen}")

    def is_running(self) -> bool:
        """Whether the session (and so the program) is still alive."""
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), "has-session", "-t", "e2e"],
            capture_output=True, env=self.env, check=False,
        )
        return result.returncode == 0


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A tmux server of its own, killed afterwards."""
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("TMUX", None)
    session = Terminal(tmp_path / "tmux.sock", env)
    yield session
    subprocess.run(
        ["tmux", "-S", str(session.socket), "kill-server"],
        capture_output=True, env=env, check=False,
    )


def test_keyboard_tagging_in_a_real_terminal(
    terminal: Terminal, samples_dir: Path, tmp_path: Path
) -> None:
    """Tag two sentences of the first article in the real TUI; the CLI then lists them."""
    db = tmp_path / "annotations.json"
    terminal.start([str(NEWSMARK), "--library", str(samples_dir), "--db", str(db)])
    terminal.wait_for("5 of 5 articles")

    terminal.send("f")
    time.sleep(0.3)  # keys sent in one burst would reach the table before focus moves
    terminal.send("-l", "Presidents vow")
    terminal.wait_for("1 of 5 articles")
    terminal.send("Enter")  # leave the filter for the table
    terminal.send("Enter")  # open the article
    terminal.wait_for("Annotations (0)")  # the reader's side panel: the article is open

    terminal.send("J")  # from the photo caption to the first paragraph of text
    terminal.send("v", "j")  # select its sentence and extend by one
    terminal.send("t")
    terminal.wait_for("Tag passage")
    terminal.send("-l", "solidarity")
    terminal.send("Enter")  # add the tag
    terminal.send("Enter")  # empty box: save
    terminal.wait_for("Saved")

    terminal.send("q")
    deadline = time.monotonic() + 10
    while terminal.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.is_running(), terminal.screen()

    listed = subprocess.run(
        [str(NEWSMARK), "--db", str(db), "--library", str(samples_dir),
         "annotations", "--json"],
        capture_output=True, text=True, check=True, env=terminal.env, timeout=30,
    )
    annotations = json.loads(listed.stdout)
    assert len(annotations) == 1
    annotation = annotations[0]
    assert annotation["article"] == "000_e730ce0a32d34978"
    assert annotation["tags"] == ["solidarity"]
    assert annotation["anchor"] == "exact"
    shown = subprocess.run(
        [str(NEWSMARK), "--library", str(samples_dir), "show", "000", "--body-only"],
        capture_output=True, text=True, check=True, env=terminal.env, timeout=30,
    )
    body = shown.stdout
    assert body[annotation["start"]:annotation["end"]] == annotation["quote"]
    assert annotation["quote"].count(".") >= 2, "two sentences were selected"
