"""The user's settings: a small JSON file under the user config directory.

`Settings` is the typed, documented set of keys, each with its default. The file is read
once at start-up and written atomically whenever a setting changes. A missing file means
the defaults; an unreadable or corrupt file, or a key of the wrong type, is ignored with a
notice (never an error: the settings only remember choices). A corrupt file is never
overwritten: it is left as it is, and renamed to `settings.json.damaged` when new settings
are saved. Keys this version does not know are kept as they are, so an older newsmark does
not drop a newer one's settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from annotations.errors import NewsmarkError
from annotations.paths import APP_NAME

SETTINGS_FILENAME = "settings.json"
SETTINGS_ENV = "NEWSMARK_SETTINGS"
MAX_REMEMBERED_LIBRARIES = 20
EXPORT_DESTINATIONS = ("clipboard", "file")
SETTINGS_LOCK_S = 1.0  # how long a save waits while another newsmark saves
_ABSENT = object()  # a key a JSON object does not have
DAMAGED_SUFFIX = ".damaged"  # added to the name of a settings file that holds no JSON object


class SettingsError(NewsmarkError):
    """The settings file could not be read or written."""


@dataclass(frozen=True)
class ReadingPosition:
    """Where the user was reading in one collection."""

    article: str
    """The article's id."""
    offset: int
    """The body offset of the cursor."""
    open: bool = False
    """Whether newsmark was left with the reader open (then it reopens there)."""


@dataclass(frozen=True)
class Settings:
    """Every setting newsmark remembers, with its default."""

    theme: str | None = None
    """The Textual theme's name (`ctrl+p` → themes); None: Textual's default."""
    annotation_panel: bool = True
    """Whether the reader shows its annotation panel (`a`)."""
    citation_style: str | None = None
    """The CSL style of copied quotes and Markdown exports; None: the default (apa)."""
    export_format: str = "markdown"
    """The export dialog's format (an `ExportFormat` value)."""
    export_destination: str = "clipboard"
    """The export dialog's destination: "clipboard" or "file"."""
    export_directory: str | None = None
    """The directory of the last export to a file; None: the current directory."""
    reading: Mapping[str, ReadingPosition] = field(default_factory=dict)
    """The last reading position per collection (keyed by the collection's absolute path)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys of the file this version does not know, written back unchanged."""

    def position(self, library: Path) -> ReadingPosition | None:
        """The last reading position in `library`, if any."""
        return self.reading.get(str(library.resolve()))

    def with_position(self, library: Path, position: ReadingPosition) -> Settings:
        """A copy remembering `position` for `library` (the oldest collections are dropped)."""
        key = str(library.resolve())
        reading = {k: v for k, v in self.reading.items() if k != key}
        reading[key] = position
        kept = dict(list(reading.items())[-MAX_REMEMBERED_LIBRARIES:])
        return replace(self, reading=kept)


_OPTIONAL_STR = (str, type(None))
_TYPES: dict[str, tuple[type, ...]] = {
    "theme": _OPTIONAL_STR,
    "annotation_panel": (bool,),
    "citation_style": _OPTIONAL_STR,
    "export_format": (str,),
    "export_destination": (str,),
    "export_directory": _OPTIONAL_STR,
    "reading": (dict,),
}


def settings_path() -> Path:
    """`$NEWSMARK_SETTINGS`, else `settings.json` in the user config directory."""
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / SETTINGS_FILENAME


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """The settings in `path` and notices about anything ignored (never raises)."""
    try:
        data = read_settings_object(path)
    except SettingsError as error:
        return Settings(), [str(error)]
    return (Settings(), []) if data is None else settings_from_json(data, path)


def read_settings_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the settings file `path`; None when there is no file.
    `SettingsError` when it cannot be read or holds no JSON object: the file is then left
    as it is (`update_settings_file` sets a damaged one aside before writing a new one)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SettingsError(
            f"ignored the settings file {path}: {error.strerror or error}"
        ) from None
    data = _json_object(raw)
    if data is None:
        raise SettingsError(
            f"ignored the settings file {path}: it holds no valid JSON object; it is left as it is"
        )
    return data


def _json_object(raw: bytes) -> dict[str, Any] | None:
    """The JSON object `raw` holds, or None when it holds anything else."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def settings_from_json(data: Mapping[str, Any], path: Path) -> tuple[Settings, list[str]]:
    """Settings from a decoded JSON object; keys of the wrong type keep their default."""
    notices: list[str] = []
    values: dict[str, Any] = {}
    for name, kinds in _TYPES.items():
        if name not in data:
            continue
        value = data[name]
        # bool is an int: never accept true where a number or string is expected, and back.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            notices.append(f"ignored the setting {name!r} in {path}: not a valid value")
            continue
        values[name] = value
    if values.get("export_destination", "clipboard") not in EXPORT_DESTINATIONS:
        notices.append(f"ignored the setting 'export_destination' in {path}: not a valid value")
        values.pop("export_destination")
    if "reading" in values:
        values["reading"] = _positions(values["reading"])
    known = {f.name for f in fields(Settings)}
    extra = {k: v for k, v in data.items() if k not in known}
    return Settings(**values, extra=extra), notices


def _positions(raw: Mapping[str, Any]) -> dict[str, ReadingPosition]:
    positions: dict[str, ReadingPosition] = {}
    for library, entry in raw.items():
        if not isinstance(entry, dict):
            continue
        article, offset = entry.get("article"), entry.get("offset")
        is_open = entry.get("open", False)
        if (
            isinstance(article, str)
            and isinstance(offset, int)
            and not isinstance(offset, bool)
            and offset >= 0
            and isinstance(is_open, bool)
        ):
            positions[library] = ReadingPosition(article, offset, is_open)
    return positions


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """The JSON object written to the settings file."""
    data: dict[str, Any] = dict(settings.extra)
    for name in _TYPES:
        data[name] = getattr(settings, name)
    data["reading"] = {
        library: {"article": p.article, "offset": p.offset, "open": p.open}
        for library, p in settings.reading.items()
    }
    return data


def update_settings_file(
    path: Path, change: Callable[[Settings], Settings]
) -> tuple[Settings, Path | None]:
    """Apply `change` to the settings as the file holds them now, and write them, under
    the settings' lock: another newsmark (a second window, `newsmark coder NAME`) may have
    saved since this one read them, and a user may have mended a damaged file by hand;
    only the keys (and the collections' reading positions) that `change` changes are
    written, every other value stays as the file has it, even one this version ignores.
    Returns the settings the file then holds and where a damaged file was set aside
    (`set_aside_damaged`). SettingsError if the file cannot be written, or the lock is
    held for `SETTINGS_LOCK_S` seconds."""
    import filelock

    try:
        with filelock.FileLock(f"{path}.lock", timeout=SETTINGS_LOCK_S):
            try:
                data = read_settings_object(path) or {}
            except SettingsError:
                data = {}  # (damaged: set aside before the write)
            current = settings_from_json(data, path)[0]
            written = _with_changes(data, settings_to_json(current), change(current))
            text = json.dumps(written, indent=2, ensure_ascii=False) + "\n"
            kept = _write_settings_text(path, text)
            return settings_from_json(written, path)[0], kept
    except filelock.Timeout:
        raise SettingsError(
            f"could not save settings to {path}: another newsmark is writing them"
        ) from None
    except OSError as error:  # (the lock file: a read-only directory)
        raise SettingsError(
            f"could not save settings to {path}: {error.strerror or error}"
        ) from None


def _with_changes(
    data: dict[str, Any], before: dict[str, Any], changed: Settings
) -> dict[str, Any]:
    """The file's JSON object `data` with what `changed` changes of `before` (the settings
    read from it, as `settings_to_json` gives them): keys set or removed, and each
    collection's reading position set or removed, the rest of `data` as it is."""
    after = settings_to_json(changed)
    written = dict(data)
    for key in before.keys() - after.keys():
        written.pop(key, None)
    for key, value in after.items():
        if key == "reading" and isinstance(data.get("reading"), dict):
            reading = dict(data["reading"])
            for library in before["reading"].keys() - value.keys():
                reading.pop(library, None)
            reading.update(
                (library, position)
                for library, position in value.items()
                if before["reading"].get(library) != position
            )
            written["reading"] = reading
        elif before.get(key, _ABSENT) != value:
            written[key] = value
    return written


def _write_settings_text(path: Path, text: str) -> Path | None:
    """Write the settings file's `text` atomically, a damaged file there set aside first
    (`set_aside_damaged`): its new path, or None. SettingsError if it cannot be written."""
    from annotations.atomic import atomic_write_text  # not needed to start up

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = set_aside_damaged(path)
        atomic_write_text(path, text)
    except OSError as error:
        raise SettingsError(
            f"could not save settings to {path}: {error.strerror or error}"
        ) from error
    return kept


def set_aside_damaged(path: Path) -> Path | None:
    """Rename the settings file to `settings.json.damaged` (`.damaged-2`, … when taken)
    when it holds no JSON object, so that writing new settings loses none of what the
    user wrote in it; its new path, or None when it is fine or missing. OSError when it
    cannot be read (then it is not replaced either)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if _json_object(raw) is not None:
        return None
    kept, number = path.with_name(path.name + DAMAGED_SUFFIX), 1
    while kept.exists() or kept.is_symlink():
        number += 1
        kept = path.with_name(f"{path.name}{DAMAGED_SUFFIX}-{number}")
    os.replace(path, kept)
    return kept


def damaged_settings_notice(kept: Path) -> str:
    """What to tell the user when `set_aside_damaged` renamed their settings file."""
    return f"the settings file held no valid JSON object: it was kept as {kept}, to mend"
