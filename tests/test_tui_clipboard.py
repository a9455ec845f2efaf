"""Copying inside tmux: the notice says OSC 52 needs `set-clipboard on`."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest

from tests.tui_support import notifications, open_reader, running_app, wait_until

ARTICLE = "000_e730ce0a32d34978"


def _no_clipboard(_: str) -> None:
    raise pyperclip.PyperclipException("no xclip")


@pytest.mark.parametrize("in_tmux", [True, False])
async def test_the_copy_notice_mentions_set_clipboard_only_in_tmux(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, in_tmux: bool
) -> None:
    monkeypatch.setattr(pyperclip, "copy", _no_clipboard)
    if in_tmux:
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    else:
        monkeypatch.delenv("TMUX", raising=False)
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, ARTICLE)
        await pilot.press("J", "v", "c")
        await wait_until(pilot, lambda: any("Copied" in m for m in notifications(app)))
        message = next(m for m in notifications(app) if "Copied" in m)
        assert ("set-clipboard on" in message) is in_tmux
