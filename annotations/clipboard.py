"""Copying text to the system clipboard, with a file fallback on machines that have none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyperclip

from annotations.atomic import atomic_write_text
from annotations.errors import NewsmarkError

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
    xclip/xsel/wl-copy) write it atomically to `fallback_dir/clipboard.txt` instead.

    Raises `ClipboardError` when the fallback file cannot be written either.
    """
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        path = Path(fallback_dir) / FALLBACK_FILENAME
        try:
            atomic_write_text(path, text)
        except OSError as error:
            raise ClipboardError(
                f"no system clipboard available and cannot write {path}: {error.strerror}"
            ) from error
        return CopyResult("file", path, f"no system clipboard available; saved to {path}")
    return CopyResult("system", None, "copied to the system clipboard")
