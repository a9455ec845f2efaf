"""The atomic file write used for exports and the clipboard fallback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations.atomic import atomic_write_bytes, atomic_write_text


def test_writes_exact_text_and_creates_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "out.csv"
    atomic_write_text(path, "x,y\r\n“z”\n", encoding="utf-8-sig")
    assert path.read_bytes() == "\ufeffx,y\r\n“z”\n".encode()
    assert list(path.parent.iterdir()) == [path]


def test_replaces_existing_file_with_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old")
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_bytes(path, b"new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
