"""End to end in tmux at 80x24: a phrase with the word cursor, a Chinese word, and a phrase
in the aligned view (its punctuation only when selected).

Select "more practical security cooperation" with `/`, `v` and three `w`, tag it, and check
the stored quote (no trailing comma); in a Chinese article select 南海 alone (not the clause
维护南海和平稳定) and tag it. Every step waits for screen state (tests/tmux_terminal.py).
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

PHRASE = "more practical security cooperation"


def _annotations(terminal: Terminal, library: Path, db: Path) -> list[dict]:
    listed = subprocess.run(
        [str(NEWSMARK), "--db", str(db), "--library", str(library), "annotations", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=terminal.env,
        timeout=30,
    )
    return json.loads(listed.stdout)


def _tag_and_quit(terminal: Terminal, tag: str, leave: tuple[str, ...] = ()) -> None:
    """Tag the selection, then press `leave` and q twice (back to the library, quit)."""
    terminal.send("t")
    terminal.wait_for("Tag passage")
    terminal.send("-l", tag)
    terminal.send("Enter")
    terminal.wait_for(f"Tags:  {tag}")
    terminal.send("Enter")
    terminal.wait_for("Saved")
    if leave:
        terminal.send(*leave)
    terminal.send("q")
    terminal.wait_for_footer("q Quit")
    terminal.send("q")
    terminal.wait_for_exit()


def test_a_phrase_with_the_word_cursor(
    terminal: Terminal, samples_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "annotations.json"
    terminal.start([str(NEWSMARK), "--library", str(samples_dir), "--db", str(db)], 80, 24)
    terminal.wait_for("5 of 5 articles")
    terminal.send("f")
    terminal.wait_for_footer("esc Back", absent=("⏎ Open",))  # the filter box has focus
    terminal.send("-l", "Presidents vow")
    terminal.wait_for("1 of 5 articles")
    terminal.send("Enter")  # leave the filter for the table
    terminal.wait_for_footer("⏎ Open")
    terminal.send("Enter")
    terminal.wait_for("Annotations (0)")
    terminal.send("/")
    terminal.wait_for("Find in article")  # the find box is open (and focused)
    terminal.send("-l", "more practical")
    terminal.send("Enter")
    terminal.wait_for("n / N to move")
    terminal.send("v", "w", "w", "w")
    terminal.wait_for(f"Selection: {len(PHRASE)} characters")
    _tag_and_quit(terminal, "security")
    [annotation] = _annotations(terminal, samples_dir, db)
    assert annotation["quote"] == PHRASE


def test_a_chinese_word_by_keyboard(terminal: Terminal, tmp_path: Path) -> None:
    pytest.importorskip("jieba")
    library = tmp_path / "zh"
    library.mkdir()
    (library / "zh1.md").write_text(
        "---\ntitle: 中越关系\nsource: 新华社\ndate: 2023-12-13\n---\n\n"
        "中越双方要维护南海和平稳定，加强安全合作。\n",
        encoding="utf-8",
    )
    db = tmp_path / "annotations.json"
    terminal.start([str(NEWSMARK), "--library", str(library), "--db", str(db)], 80, 24)
    terminal.wait_for("1 of 1 article")
    terminal.wait_for_footer("⏎ Open")
    terminal.send("Enter")
    terminal.wait_for("Annotations (0)")
    terminal.send("/")
    terminal.wait_for("Find in article")  # the find box is open (and focused)
    terminal.send("-l", "南海")
    terminal.send("Enter")
    terminal.wait_for("n / N to move")
    terminal.send("v")
    terminal.wait_for("Selection: 2 characters")
    terminal.send("w", "w")  # 和平, 稳定: jieba's words, the comma left out
    terminal.wait_for("Selection: 6 characters")
    _tag_and_quit(terminal, "maritime")
    [annotation] = _annotations(terminal, library, db)
    assert annotation["quote"] == "南海和平稳定"


def test_a_phrase_in_the_aligned_view(
    terminal: Terminal, samples_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "annotations.json"
    terminal.start([str(NEWSMARK), "--library", str(samples_dir), "--db", str(db)], 80, 24)
    terminal.wait_for("5 of 5 articles")
    terminal.wait_for_footer("⏎ Open")
    terminal.send("Space")  # the two newest articles (Xinhua, China Daily) side by side
    terminal.wait_for("marked:")
    terminal.send("Down", "Space")
    terminal.wait_for("● Presidents vow")
    terminal.send("b")
    terminal.wait_for("Xi Jinping, general secretary")
    terminal.send("A")
    terminal.wait_for("matched")
    terminal.send("Tab")  # the right cell: "Xi Jinping, general secretary of …"
    terminal.wait_for("Passage: 198 characters")  # the whole passage, until v
    terminal.send("v", "w")
    terminal.wait_for("Selection: 10 characters")
    terminal.send("e", "l")
    terminal.wait_for("Selection: 11 characters")
    _tag_and_quit(terminal, "leaders", leave=("q",))
    [annotation] = _annotations(terminal, samples_dir, db)
    assert annotation["quote"] == "Xi Jinping,"
