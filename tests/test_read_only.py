"""A read-only database: read commands and the TUI work; unsaved re-anchoring is a notice.

Running as root, `chmod a-w` does not stop writes, so this simulates a read-only file
system in-process: every `os.open` for writing, rename, unlink or mkdir under the database
directory fails with EROFS (newsmark's own writes, the journal, the snapshot and the lock
file, all go through these). `test_files_processes.py` repeats the CLI part on a real
read-only mount where that is possible.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.tui_support import make_orphan, notifications, running_app, wait_until

ARTICLE = "000_e730ce0a32d34978"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
READ_COMMANDS = [
    ["annotations"],
    ["annotations", "--json"],
    ["export", "--format", "markdown"],
    ["list"],
    ["show", ARTICLE],
    ["search", "Vietnam"],
    ["tags"],
    ["stats"],
]


def make_read_only(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Make writes under `directory` fail as on a read-only file system."""
    root = os.path.realpath(directory)

    def inside(path: object) -> bool:
        full = os.path.realpath(os.fspath(path))  # type: ignore[arg-type]
        return full == root or full.startswith(root + os.sep)

    def refuse(path: object) -> OSError:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))  # type: ignore[arg-type]

    real_open, real_replace, real_unlink, real_mkdir = os.open, os.replace, os.unlink, os.mkdir

    def guarded_open(path, flags, *args, **kwargs):
        if flags & WRITE_FLAGS and inside(path):
            raise refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def guarded_replace(src, dst, *args, **kwargs):
        if inside(src) or inside(dst):
            raise refuse(dst)
        return real_replace(src, dst, *args, **kwargs)

    def guarded_unlink(path, *args, **kwargs):
        if inside(path):
            raise refuse(path)
        return real_unlink(path, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path):
            if os.path.isdir(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path))
            raise refuse(path)
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "replace", guarded_replace)
    monkeypatch.setattr(os, "rename", guarded_replace)
    monkeypatch.setattr(os, "unlink", guarded_unlink)
    monkeypatch.setattr(os, "remove", guarded_unlink)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("with_lock_file", [True, False])
def test_read_commands_work_and_report_unsaved_reanchoring(
    run_cli: RunCli,
    library_copy: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_lock_file: bool,
) -> None:
    make_orphan(library_copy, db_path, ARTICLE)  # re-anchoring now has something to save
    lock = Path(f"{db_path}.lock")
    if not with_lock_file:
        lock.unlink(missing_ok=True)
    assert lock.exists() == with_lock_file
    before = _snapshot(db_path.parent)
    make_read_only(monkeypatch, db_path.parent)
    for command in READ_COMMANDS:
        result = run_cli("--library", str(library_copy), "--db", str(db_path), *command)
        assert result.code == 0, (command, result.err)
        assert result.out
        assert "error" not in result.err and "Traceback" not in result.err, command
    export = run_cli("--library", str(library_copy), "--db", str(db_path), "export")
    assert export.err == (
        "newsmark: re-anchoring after article changes was not saved: could not save to "
        f"{db_path}: Read-only file system; the change was not saved\n"
    )
    assert _snapshot(db_path.parent) == before


def test_a_write_on_a_read_only_database_is_a_one_line_error(
    run_cli: RunCli, library_copy: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_orphan(library_copy, db_path, ARTICLE)
    before = _snapshot(db_path.parent)
    make_read_only(monkeypatch, db_path.parent)
    result = run_cli(
        "--library",
        str(library_copy),
        "--db",
        str(db_path),
        "annotate",
        ARTICLE,
        "--quote",
        "Vietnam",
        "--tag",
        "x",
    )
    assert result.code == 1
    assert result.err.count("\n") == 1 and result.err.startswith("newsmark: error: could not save")
    assert _snapshot(db_path.parent) == before


async def test_tui_opens_a_read_only_database_with_a_notice(
    library_copy: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_orphan(library_copy, db_path, ARTICLE)
    before = _snapshot(db_path.parent)
    make_read_only(monkeypatch, db_path.parent)
    async with running_app(library_copy, db_path) as (app, pilot):
        await wait_until(
            pilot,
            lambda: any(
                "re-anchoring after article changes was not saved" in m for m in notifications(app)
            ),
        )
        assert len(app.workspace.require_store().all()) == 1
        await pilot.press("g")  # the tag browser reads the store
        await pilot.pause()
        assert app.is_running
    assert _snapshot(db_path.parent) == before
