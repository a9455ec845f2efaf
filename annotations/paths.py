"""Where newsmark finds its article collection and keeps its annotation database."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

from annotations.errors import LibraryNotFoundError

APP_NAME = "newsmark"
DB_FILENAME = "annotations.json"
LIBRARY_ENV = "NEWSMARK_LIBRARY"
DB_ENV = "NEWSMARK_DB"


def bundled_samples_dir() -> Path:
    """The sample collection shipped beside the package (the default library)."""
    return Path(__file__).resolve().parent.parent / "samples"


def resolve_library(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The collection directory: `--library`, else `$NEWSMARK_LIBRARY`, else the bundled samples."""
    if cli_value:
        return Path(cli_value).expanduser()
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return bundled_samples_dir()


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The annotation DB file: `--db`, else `$NEWSMARK_DB`, else the user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_data_path(APP_NAME) / DB_FILENAME


def cache_dir() -> Path:
    """Directory for rebuildable caches (the collection's metadata index)."""
    return platformdirs.user_cache_path(APP_NAME)


def library_not_found(root: Path) -> LibraryNotFoundError:
    """The error for a collection directory that is missing, or is not a directory."""
    if root.exists():
        return LibraryNotFoundError(f"article collection is not a directory: {root}")
    return LibraryNotFoundError(f"article collection not found: {root}")


def index_cache_path(root: Path) -> Path:
    """Where the index of the collection at `root` is kept."""
    key = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "index" / f"{key}.sqlite"
