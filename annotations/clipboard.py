"""Copying text to the system clipboard, with a file fallback on machines that have none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyperclip

from annotations.errors import NewsmarkError
from annotations.output_target import OutputTargetError, write_output_file

FALLBACK_FILENAME = "clipboard.txt"


class ClipboardError(NewsmarkError):
    """Neither the system clipboard nor the fallback file could take the text."""


@dataclass(frozen=True, slots=True)
class CopyResult:
    """Where copied text went: the system clipboard, or a file (`path`) when there is none."""

    method: Literal["system", "file"]
    path: Path | None
    message: str


def copy_text(text: str, *, fallback_dir: Path) -> CopyResult:
    """Copy `text` with pyperclip; without a usable clipboard (e.g. headless Linux lacking
    xclip/xsel/wl-copy) write it atomically to `fallback_dir/clipboard.txt` instead (an
    earlier one is replaced; a symbolic link, FIFO or anything else there is refused).

    Raises `ClipboardError` when the fallback file cannot be written either.
    """
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        path = Path(fallback_dir) / FALLBACK_FILENAME
        try:
            write_output_file(path, text.encode("utf-8"), force=True, make_parents=True)
        except OutputTargetError as error:
            raise ClipboardError(f"no system clipboard available and {error}") from error
        except OSError as error:
            raise ClipboardError(
                f"no system clipboard available and cannot write {path}: {error.strerror}"
            ) from error
        return CopyResult("file", path, f"no system clipboard available; saved to {path}")
    return CopyResult("system", None, "copied to the system clipboard")
