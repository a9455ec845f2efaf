"""Files the user points at, through real `newsmark` processes (each under a timeout).

FIFOs used to hang `list` and `import` forever and `export -o` replaced whatever was at the
path; a read-only database made read commands fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.tui_support import make_orphan

TIMEOUT = 30
ARTICLE = "000_e730ce0a32d34978"


def newsmark(library: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `newsmark --library L --db D ARGS` in a fresh process; fail if it hangs."""
    command = [sys.executable, "-m", "tui.cli", "--library", str(library), "--db", str(db), *args]
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_list_skips_a_fifo_in_the_library(library_copy: Path, db_path: Path) -> None:
    os.mkfifo(library_copy / "pipe.txt")
    (library_copy / "zero.md").symlink_to("/dev/zero")
    result = newsmark(library_copy, db_path, "list")
    assert result.returncode == 0
    assert result.stdout.count("\n") == 5
    assert result.stderr.splitlines() == [
        "newsmark: skipped pipe.txt: it is a named pipe (FIFO), not a regular file",
        "newsmark: skipped zero.md: it links to a character device, not a regular file",
        f"5 articles in {library_copy}",
    ]


@pytest.mark.parametrize("kind", ["fifo", "directory", "link to a device"])
def test_import_of_a_non_regular_file_is_an_error(
    samples_dir: Path, db_path: Path, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "shared.json"
    if kind == "fifo":
        os.mkfifo(path)
        what = "it is a named pipe (FIFO)"
    elif kind == "directory":
        path.mkdir()
        what = "it is a directory"
    else:
        path.symlink_to("/dev/zero")
        what = "it links to a character device"
    result = newsmark(samples_dir, db_path, "import", str(path))
    assert result.returncode == 1
    assert result.stderr == f"newsmark: error: cannot read {path}: {what}, not a regular file\n"
    assert not db_path.exists()


@pytest.fixture
def annotated(library_copy: Path, db_path: Path) -> tuple[Path, Path]:
    result = newsmark(
        library_copy, db_path, "annotate", ARTICLE, "--quote", "six major goals", "--tag", "goals"
    )
    assert result.returncode == 0, result.stderr
    return library_copy, db_path


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory"])
@pytest.mark.parametrize("force", [False, True])
def test_export_refuses_non_regular_targets(
    annotated: tuple[Path, Path], tmp_path: Path, kind: str, force: bool
) -> None:
    library, db = annotated
    target = tmp_path / "out" / "quotes.md"
    target.parent.mkdir()
    real = tmp_path / "real.md"
    real.write_text("keep")
    if kind == "fifo":
        os.mkfifo(target)
        check = stat.S_ISFIFO
    elif kind == "symlink":
        target.symlink_to(real)
        check = stat.S_ISLNK
    else:
        target.mkdir()
        check = stat.S_ISDIR
    result = newsmark(library, db, "export", "-o", str(target), *(["--force"] if force else []))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"newsmark: error: {target} is a ")
    assert result.stderr.endswith(", not a regular file; newsmark only writes regular files\n")
    assert check(os.lstat(target).st_mode)
    assert real.read_text() == "keep"
    assert sorted(p.name for p in target.parent.iterdir()) == ["quotes.md"]


def test_export_needs_force_to_overwrite_and_a_directory_that_exists(
    annotated: tuple[Path, Path], tmp_path: Path
) -> None:
    library, db = annotated
    target = tmp_path / "quotes.md"
    target.write_text("my draft")
    refused = newsmark(library, db, "export", "--format", "markdown", "-o", str(target))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"newsmark: error: {target} already exists; use --force to overwrite it\n"
    )
    assert target.read_text() == "my draft"
    forced = newsmark(library, db, "export", "--format", "markdown", "-o", str(target), "--force")
    assert forced.returncode == 0 and "> six major goals" in target.read_text()

    missing = tmp_path / "no" / "such" / "quotes.md"
    result = newsmark(library, db, "export", "-o", str(missing))
    assert result.returncode == 1
    assert result.stderr == (
        f"newsmark: error: cannot write {missing}: directory {missing.parent} does not exist\n"
    )
    assert not (tmp_path / "no").exists()

    empty = newsmark(library, db, "export", "--tag", "nosuch", "-o", str(tmp_path / "e.json"))
    assert empty.returncode == 1 and not (tmp_path / "e.json").exists()


@contextlib.contextmanager
def read_only_mount(directory: Path, files_from: Path) -> Iterator[Path]:
    """`directory` as a tmpfs holding a copy of `files_from`, remounted read-only."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a read-only file system needs root")
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(directory)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        for path in files_from.iterdir():
            shutil.copy2(path, directory / path.name)
        subprocess.run(["mount", "-o", "remount,ro", str(directory)], check=True)
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=False)


def test_read_commands_on_a_read_only_mount(
    library_copy: Path, db_path: Path, tmp_path: Path
) -> None:
    make_orphan(library_copy, db_path, ARTICLE)  # re-anchoring has something to save
    with read_only_mount(tmp_path / "ro", db_path.parent) as directory:
        db = directory / db_path.name
        with pytest.raises(OSError):
            (directory / "probe").write_text("x")  # really read-only
        for command in (
            ["annotations"],
            ["export", "--format", "csv"],
            ["list"],
            ["tags"],
            ["stats"],
            ["search", "Vietnam"],
            ["show", ARTICLE],
        ):
            result = newsmark(library_copy, db, *command)
            assert result.returncode == 0, (command, result.stderr)
            assert "Traceback" not in result.stderr and "error" not in result.stderr
        result = newsmark(library_copy, db, "export")
        assert result.stderr == (
            "newsmark: re-anchoring after article changes was not saved: could not save to "
            f"{db}: Read-only file system; the change was not saved\n"
        )
        wrote = newsmark(library_copy, db, "annotate", ARTICLE, "--quote", "Vietnam", "--tag", "x")
        assert wrote.returncode == 1 and wrote.stderr.startswith("newsmark: error: could not save")
