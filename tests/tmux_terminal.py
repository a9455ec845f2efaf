"""A real terminal for end-to-end tests: one tmux session running newsmark.

The terminal is made deterministic before the program starts: the tmux window is created
with a placeholder process, fixed at its final size (`window-size manual`), checked, and
only then is the placeholder replaced by `newsmark` (`respawn-pane`), so the program reads
the final size at start and never depends on a resize signal arriving in time. Every step
waits for something on screen, never for a fixed time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

NEWSMARK = Path(sys.executable).with_name("newsmark")
WIDTH, HEIGHT = 120, 40


class Terminal:
    """One tmux session on a private server socket, running a single command."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env
        self.width, self.height = WIDTH, HEIGHT

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this session's server and return its output."""
        result = subprocess.run(
            ["tmux", "-f", os.devnull, "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
            timeout=20,
        )
        return result.stdout

    def start(self, command: list[str], width: int = WIDTH, height: int = HEIGHT) -> None:
        """Start `command` in a `width` x `height` terminal that already has that size."""
        self.width, self.height = width, height
        self.tmux(
            "new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height), "sleep 600"
        )
        self.tmux("set-option", "-w", "-t", "e2e", "window-size", "manual")
        self.tmux("resize-window", "-t", "e2e", "-x", str(width), "-y", str(height))
        size = self.tmux(
            "display-message", "-p", "-t", "e2e", "#{pane_width}x#{pane_height}"
        ).strip()
        assert size == f"{width}x{height}", f"tmux pane is {size}, not {width}x{height}"
        self.tmux("respawn-pane", "-k", "-t", "e2e", *command)
        # The footer on the last row proves the program laid itself out at full size.
        self.wait_until(
            lambda screen: len(screen) == height and "^p palette" in screen[-1],
            f"the program drawing its footer on row {height}",
        )

    def send(self, *keys: str) -> None:
        """Send keys (tmux key names or literal text) to the session."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def screen(self) -> str:
        """What the terminal shows now."""
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_until(
        self, ready: Callable[[list[str]], bool], what: str, timeout: float = 30.0
    ) -> list[str]:
        """Wait until `ready(screen lines)` holds; fail with the screen if it never does."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while time.monotonic() < deadline:
            lines = self.screen().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            if ready(lines):
                return lines
            time.sleep(0.05)
        screen = "\n".join(lines)
        pytest.fail(f"waited {timeout:.0f} s for {what}; last screen:\n{screen}")

    def wait_for(self, text: str, timeout: float = 30.0) -> list[str]:
        """Wait until `text` is on screen."""
        return self.wait_until(
            lambda lines: any(text in line for line in lines), repr(text), timeout
        )

    def footer(self) -> str:
        """The bottom row: the key footer."""
        return self.screen().rstrip("\n").split("\n")[-1]

    def wait_for_footer(self, *keys: str, absent: tuple[str, ...] = ()) -> None:
        """Wait until the footer shows every key label in `keys` and none in `absent`."""
        self.wait_until(
            lambda lines: (
                bool(lines)
                and all(key in lines[-1] for key in keys)
                and not any(key in lines[-1] for key in absent)
            ),
            f"a footer with {keys} and without {absent}",
        )

    def is_running(self) -> bool:
        """Whether the session (and so the program) is still alive."""
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), "has-session", "-t", "e2e"],
            capture_output=True,
            env=self.env,
            check=False,
        )
        return result.returncode == 0

    def wait_for_exit(self, timeout: float = 20.0) -> None:
        """Wait until the program has exited (and with it the session)."""
        deadline = time.monotonic() + timeout
        while self.is_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.is_running(), self.screen()


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
    for variable in ("TMUX", "COLUMNS", "LINES"):
        env.pop(variable, None)
    session = Terminal(tmp_path / "tmux.sock", env)
    yield session
    subprocess.run(
        ["tmux", "-S", str(session.socket), "kill-server"],
        capture_output=True,
        env=env,
        check=False,
    )
