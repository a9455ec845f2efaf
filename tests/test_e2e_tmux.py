"""End to end in a real terminal: drive the installed `newsmark` in tmux like a user would.

Open the first article from the library, select two sentences with the keyboard, tag them,
quit, and check the annotation through `newsmark annotations --json`.

The terminal helper (tests/tmux_terminal.py) fixes the pane size before the program starts
and waits for screen state, never for time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.tmux_terminal import NEWSMARK, Terminal

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_keyboard_tagging_in_a_real_terminal(
    terminal: Terminal, samples_dir: Path, tmp_path: Path
) -> None:
    """Tag two sentences of the first article in the real TUI; the CLI then lists them."""
    db = tmp_path / "annotations.json"
    terminal.start([str(NEWSMARK), "--library", str(samples_dir), "--db", str(db)])
    terminal.wait_for("5 of 5 articles")

    terminal.send("f")
    terminal.wait_for_footer("esc Back", absent=("⏎ Open",))  # the filter box has focus
    terminal.send("-l", "Presidents vow")
    terminal.wait_for("1 of 5 articles")
    terminal.send("Enter")  # leave the filter for the table
    terminal.wait_for_footer("⏎ Open")
    terminal.send("Enter")  # open the article
    terminal.wait_for("Annotations (0)")  # the reader's side panel: the article is open

    terminal.send("J")  # from the photo caption to the first paragraph of text
    terminal.send("v", "j")  # select its sentence and extend by one
    terminal.wait_for("Selection:")
    terminal.send("t")
    terminal.wait_for("Tag passage")
    terminal.send("-l", "solidarity")
    terminal.send("Enter")  # add the tag
    terminal.wait_for("Tags:  solidarity")  # the tag is added and the box is empty again
    terminal.send("Enter")  # empty box: save
    terminal.wait_for("Saved")

    terminal.send("q")  # back to the library (still filtered)
    terminal.wait_for("1 of 5 articles")
    terminal.send("q")  # and quit
    terminal.wait_for_exit()

    listed = subprocess.run(
        [str(NEWSMARK), "--db", str(db), "--library", str(samples_dir), "annotations", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=terminal.env,
        timeout=30,
    )
    annotations = json.loads(listed.stdout)
    assert len(annotations) == 1
    annotation = annotations[0]
    assert annotation["article"] == "000_e730ce0a32d34978"
    assert annotation["tags"] == ["solidarity"]
    assert annotation["anchor"] == "exact"
    shown = subprocess.run(
        [str(NEWSMARK), "--library", str(samples_dir), "show", "000", "--body-only"],
        capture_output=True,
        text=True,
        check=True,
        env=terminal.env,
        timeout=30,
    )
    body = shown.stdout
    assert body[annotation["start"] : annotation["end"]] == annotation["quote"]
    assert annotation["quote"].count(".") >= 2, "two sentences were selected"
