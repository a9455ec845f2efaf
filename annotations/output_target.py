"""Files the user names as an output (`export -o PATH`): what may be written, and writing it.

The rules: the parent directory must already exist (nothing is created silently); an
existing regular file is only replaced when the caller says so (`force`); anything that is
not a regular file (a symbolic link, a directory, a FIFO, a device, a socket) is refused,
with or without `force`. The target is checked with `os.lstat` before anything is written
and again just before the finished file is moved into place. Without `force` the move is a
hard link, which fails if anything appeared at the path meanwhile, so nothing is ever
replaced that was not checked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from annotations.atomic import atomic_write_bytes
from annotations.errors import NewsmarkError
from annotations.regular_file import describe_file_type
from annotations.text import safe_name

# Filesystems without hard links (FAT, some network and FUSE mounts) say so with these.
_NO_HARD_LINKS = {
    errno.EPERM,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.EXDEV,
    errno.ENOSYS,
    errno.EMLINK,
}


class OutputTargetError(NewsmarkError):
    """The path given for an output file cannot or may not be written."""


class OutputExistsError(OutputTargetError):
    """The output path is an existing regular file and overwriting was not allowed."""


def check_output_target(path: Path, *, force: bool = False, make_parents: bool = False) -> None:
    """Raise `OutputTargetError` unless `path` may be written under the rules above.

    `OutputExistsError` (a subclass) when `path` is an existing regular file and `force` is
    false. With `make_parents` a missing parent directory is allowed (it will be created);
    that is for newsmark's own files, never for paths the user typed.
    """
    shown = safe_name(str(path))
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        _check_parent(path, make_parents=make_parents)
        return
    except OSError as error:
        raise OutputTargetError(f"cannot write {shown}: {error.strerror or error}") from None
    kind = describe_file_type(mode)
    if kind is not None:
        raise OutputTargetError(
            f"{shown} is {kind}, not a regular file; newsmark only writes regular files"
        )
    if not force:
        raise OutputExistsError(f"{shown} already exists; use --force to overwrite it")


def _check_parent(path: Path, *, make_parents: bool) -> None:
    parent = path.parent
    try:
        parent_mode = os.stat(parent).st_mode  # a link to a directory is fine here
    except FileNotFoundError:
        if make_parents:
            return
        raise OutputTargetError(
            f"cannot write {safe_name(str(path))}: directory {safe_name(str(parent))} "
            "does not exist"
        ) from None
    except OSError as error:
        raise OutputTargetError(
            f"cannot write {safe_name(str(path))}: {error.strerror or error}"
        ) from None
    if not stat.S_ISDIR(parent_mode):
        raise OutputTargetError(
            f"cannot write {safe_name(str(path))}: {safe_name(str(parent))} is not a directory"
        )


def write_output_file(
    path: Path, data: bytes | Iterable[bytes], *, force: bool = False, make_parents: bool = False
) -> None:
    """Write `data` (bytes, or pieces of them) to `path` atomically and durably, if the
    rules above allow it.

    Raises `OutputTargetError` (nothing written) when they do not, also when the target
    changed into something not allowed while the data was being written; `OSError` when the
    write itself fails (the old file, if any, is then left as it was).
    """
    path = Path(path)
    check_output_target(path, force=force, make_parents=make_parents)

    def commit(temporary: Path) -> None:
        check_output_target(path, force=force, make_parents=make_parents)
        if force:
            os.replace(temporary, path)
            return
        try:
            os.link(temporary, path)  # fails if anything is at `path` by now
        except FileExistsError:
            check_output_target(path, force=False)  # says what appeared there
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            os.replace(temporary, path)  # no hard links here: the check above must do
            return
        os.unlink(temporary)

    atomic_write_bytes(path, data, make_parents=make_parents, commit=commit)
