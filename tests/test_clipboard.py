"""Copying to the clipboard, and the file fallback on machines without one."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest

from annotations.clipboard import ClipboardError, copy_text


def test_copies_to_the_system_clipboard(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    result = copy_text("“quote”\n— Source", fallback_dir=tmp_path / "cache")
    assert copied == ["“quote”\n— Source"]
    assert (result.method, result.path) == ("system", None)
    assert result.message == "copied to the system clipboard"
    assert not (tmp_path / "cache").exists()


def _no_clipboard(text: str) -> None:
    raise pyperclip.PyperclipException("could not find a copy/paste mechanism")


def test_falls_back_to_a_file_without_a_clipboard(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pyperclip, "copy", _no_clipboard)
    target = tmp_path / "cache" / "newsmark"
    result = copy_text("first line\r\nsecond “line”", fallback_dir=target)
    assert result.method == "file"
    assert result.path == target / "clipboard.txt"
    assert result.path.read_bytes().decode("utf-8") == "first line\r\nsecond “line”"
    assert result.message == f"no system clipboard available; saved to {result.path}"


def test_fallback_replaces_the_previous_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pyperclip, "copy", _no_clipboard)
    copy_text("a much longer first text", fallback_dir=tmp_path)
    result = copy_text("short", fallback_dir=tmp_path)
    assert result.path is not None and result.path.read_text(encoding="utf-8") == "short"
    assert [p.name for p in tmp_path.iterdir()] == ["clipboard.txt"]


def test_unwritable_fallback_is_a_user_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pyperclip, "copy", _no_clipboard)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ClipboardError, match="no system clipboard available and cannot write"):
        copy_text("text", fallback_dir=blocker)
