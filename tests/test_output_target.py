"""Writing files the user names: no silent overwrite, no symlinks/FIFOs/devices, no mkdir."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from annotations.output_target import (
    OutputExistsError,
    OutputTargetError,
    check_output_target,
    write_output_file,
)


def test_new_file_is_written(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    write_output_file(path, b"quotes")
    assert path.read_bytes() == b"quotes"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temporary left


def test_existing_file_needs_force(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError) as raised:
        write_output_file(path, b"new")
    assert str(raised.value) == f"{path} already exists; use --force to overwrite it"
    assert path.read_bytes() == b"old"
    write_output_file(path, b"new", force=True)
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_missing_directory_is_an_error_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "out.md"
    with pytest.raises(OutputTargetError) as raised:
        write_output_file(path, b"x", force=True)
    assert str(raised.value) == f"cannot write {path}: directory {path.parent} does not exist"
    assert not path.parent.exists()
    write_output_file(path, b"x", make_parents=True)  # newsmark's own files (clipboard.txt)
    assert path.read_bytes() == b"x"


def test_parent_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputTargetError, match="file is not a directory"):
        check_output_target(tmp_path / "file" / "out.md")


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _symlink_to_file(path: Path) -> Path:
    target = path.parent / "real.md"
    target.write_text("precious")
    path.symlink_to(target)
    return path


def _dangling_symlink(path: Path) -> Path:
    path.symlink_to(path.parent / "nowhere.md")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_fifo, "a named pipe (FIFO)"),
        (_symlink_to_file, "a symbolic link"),
        (_dangling_symlink, "a symbolic link"),
        (_directory, "a directory"),
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_non_regular_targets_are_refused_even_with_force(
    tmp_path: Path, make, kind: str, force: bool
) -> None:
    path = make(tmp_path / "out.md")
    before = sorted((p.name, p.is_symlink()) for p in tmp_path.iterdir())
    with pytest.raises(OutputTargetError) as raised:
        write_output_file(path, b"new", force=force)
    assert str(raised.value) == (
        f"{path} is {kind}, not a regular file; newsmark only writes regular files"
    )
    assert sorted((p.name, p.is_symlink()) for p in tmp_path.iterdir()) == before
    if (tmp_path / "real.md").exists():
        assert (tmp_path / "real.md").read_text() == "precious"


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputTargetError, match="is a socket"):
            write_output_file(path, b"x", force=True)


def test_a_symlink_to_a_directory_as_parent_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    write_output_file(tmp_path / "link" / "out.md", b"x")
    assert (tmp_path / "real" / "out.md").read_bytes() == b"x"


@pytest.mark.parametrize("force", [False, True])
def test_target_turned_into_a_symlink_while_writing_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """The race window: the target is checked again just before the file is moved in."""
    path = tmp_path / "out.md"
    secret = tmp_path / "secret"
    secret.write_text("keep")
    real_fsync = os.fsync

    def fsync_then_swap(fd: int) -> None:
        real_fsync(fd)
        if not path.is_symlink():
            path.unlink(missing_ok=True)
            path.symlink_to(secret)

    monkeypatch.setattr(os, "fsync", fsync_then_swap)
    with pytest.raises(OutputTargetError, match="is a symbolic link"):
        write_output_file(path, b"new", force=force)
    assert path.is_symlink() and secret.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "secret"]


def test_file_created_while_writing_is_not_replaced_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.md"
    real_fsync = os.fsync

    def fsync_then_create(fd: int) -> None:
        real_fsync(fd)
        if not path.exists():
            path.write_text("someone else's")

    monkeypatch.setattr(os, "fsync", fsync_then_create)
    with pytest.raises(OutputExistsError):
        write_output_file(path, b"new")
    assert path.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
