"""Time to first paint: start a TUI in a pseudo-terminal and wait for text to appear.

Both newsmark and a bare Textual hello-world app are started the same way (a fresh
Python process in an 120x40 pty) and timed until a marker string shows up in what they
write to the terminal. This measures import, start-up and the first frame, as a user
waiting at a prompt experiences it.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b.")

HELLO_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, first paint")

Hello().run()
"""


@dataclass(frozen=True)
class PaintTimes:
    """When each marker appeared (seconds from start) and the process's peak memory."""

    seconds: tuple[float, ...]
    peak_rss_kib: int


def visible_text(raw: str) -> str:
    """Terminal output with escape sequences removed (cursor moves become nothing)."""
    return ESCAPE_SEQUENCE.sub("", raw)


def time_until_text(
    command: Sequence[str],
    markers: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    size: tuple[int, int] = (40, 120),
) -> PaintTimes:
    """Seconds from process start until each marker first appears on the terminal.

    The process is killed once every marker has appeared; its peak memory up to then is
    read from `wait4`, so it covers that process alone.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", **(env or {})},
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    found: dict[str, float] = {}
    output = ""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    peak_rss_kib = 0
    try:
        while len(found) < len(markers):
            remaining = timeout - (time.perf_counter() - start)
            if remaining <= 0:
                raise TimeoutError(f"never saw {set(markers) - set(found)} from {command}")
            ready, _, _ = select.select([master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += decoder.decode(chunk)
            text = visible_text(output)
            now = time.perf_counter() - start
            for marker in markers:
                if marker not in found and marker in text:
                    found[marker] = now
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_rss_kib = usage.ru_maxrss
        os.close(master)
    if len(found) < len(markers):
        tail = visible_text(output)[-300:].strip()
        raise RuntimeError(f"{command} exited before showing {set(markers) - set(found)}: {tail}")
    return PaintTimes(tuple(found[marker] for marker in markers), peak_rss_kib)


def bare_textual_command(workdir: Path) -> list[str]:
    """A command running the hello-world app, started like newsmark (a script file)."""
    script = workdir / "hello_app.py"
    script.write_text(HELLO_APP, encoding="utf-8")
    return [sys.executable, str(script)]


def newsmark_command(library: Path, db: Path) -> list[str]:
    """The installed `newsmark` console script on a library and DB."""
    return [
        str(Path(sys.executable).with_name("newsmark")),
        "--library",
        str(library),
        "--db",
        str(db),
    ]
