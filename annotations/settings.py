"""The user's settings: a small JSON file under the user config directory.

`Settings` is the typed, documented set of keys, each with its default. The file is read
once at start-up and written atomically whenever a setting changes. A missing file means
the defaults; an unreadable or corrupt file, or a key of the wrong type, is ignored with a
notice (never an error: the settings only remember choices). Keys this version does not
know are kept as they are, so an older newsmark does not drop a newer one's settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
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


class SettingsError(NewsmarkError):
    """The settings file could not be written."""


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
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), []
    except OSError as error:
        return Settings(), [f"ignored the settings file {path}: {error.strerror or error}"]
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Settings(), [f"ignored the settings file {path}: not valid JSON ({error})"]
    if not isinstance(data, dict):
        return Settings(), [f"ignored the settings file {path}: not a JSON object"]
    return settings_from_json(data, path)


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


def save_settings(settings: Settings, path: Path) -> None:
    """Write `settings` to `path` atomically (SettingsError if it cannot be written)."""
    from annotations.atomic import atomic_write_text  # not needed to start up

    text = json.dumps(settings_to_json(settings), indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    except OSError as error:
        raise SettingsError(
            f"could not save settings to {path}: {error.strerror or error}"
        ) from error
