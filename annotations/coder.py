"""Who codes: the coder's name, where it comes from, and filtering annotations by coder.

The current coder is `--coder NAME`, else `$NEWSMARK_CODER`, else the `coder` saved in
the settings file (`settings.json` in the user config directory), else the login name,
which is then saved there (first use). The *default* coder (given to annotations made
before newsmark knew its coders, see the schema 3 migration) is the saved setting, else
the login name: never a one-off `--coder`.

The coder is kept in the settings file (`annotations.settings`) under `coder`, a key the
TUI's `Settings` keeps as it is.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from annotations.errors import NewsmarkError
from annotations.settings import (
    Settings,
    SettingsError,
    read_settings_object,
    settings_path,
    update_settings_file,
)
from annotations.tags import tag_ancestors, tag_key
from annotations.text import strip_control, strip_format_characters

if TYPE_CHECKING:
    from annotations.model import Annotation, TagInfo

CODER_ENV = "NEWSMARK_CODER"
CONSENSUS = "consensus"  # the coder of adjudicated (consensus) annotations
FALLBACK_CODER = "newsmark"  # when not even a login name is known
MAX_CODER_CHARS = 64
_WHITESPACE = re.compile(r"\s+")


class SavedCoder(NamedTuple):
    """What `save_coder` saved, and where it set a damaged settings file aside, if it did."""

    name: str
    damaged_file_kept: Path | None


class InvalidCoderError(NewsmarkError):
    """A coder name that is empty or too long."""


def clean_coder(name: str) -> str:
    """A coder name cleaned like a tag (no control or invisible format characters, inner
    whitespace collapsed); InvalidCoderError if nothing is left or it is too long."""
    cleaned = _WHITESPACE.sub(" ", strip_format_characters(strip_control(name))).strip()
    if not cleaned:
        raise InvalidCoderError("the coder name is empty")
    if len(cleaned) > MAX_CODER_CHARS:
        raise InvalidCoderError(f"a coder name has at most {MAX_CODER_CHARS} characters")
    return cleaned


def coder_or_none(name: object) -> str | None:
    """An imported coder name, cleaned; None when it is not a usable name (the store then
    gives the annotation its own coder)."""
    if not isinstance(name, str):
        return None
    try:
        return clean_coder(name)
    except InvalidCoderError:
        return None


def coder_key(name: str) -> str:
    """The identity of a coder name: case and surrounding whitespace do not matter."""
    return " ".join(name.split()).casefold()


def saved_coder() -> str | None:
    """The coder saved in the settings file, if any (an unusable value, or a settings
    file that cannot be read, counts as none)."""
    try:
        data = read_settings_object(settings_path())
    except SettingsError:
        return None
    return _usable_coder(data or {})


def _usable_coder(settings: Mapping[str, object]) -> str | None:
    """The `coder` of a settings object, cleaned; None when it has none usable."""
    value = settings.get("coder")
    if not isinstance(value, str):
        return None
    try:
        return clean_coder(value)
    except InvalidCoderError:
        return None


def save_coder(name: str) -> SavedCoder:
    """Save `name` (cleaned) as the coder in the settings file, keeping its other keys
    (`update_settings_file`: under the settings' lock, a damaged file renamed first, never
    overwritten). SettingsError if it cannot be written."""
    cleaned = clean_coder(name)

    def with_coder(settings: Settings) -> Settings:
        return replace(settings, extra={**settings.extra, "coder": cleaned})

    _, kept = update_settings_file(settings_path(), with_coder)
    return SavedCoder(cleaned, kept)


def login_coder() -> str:
    """The login name as a coder name ("newsmark" if there is none)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError, ImportError):
        name = ""
    try:
        return clean_coder(name)
    except InvalidCoderError:
        return FALLBACK_CODER


def default_coder() -> str:
    """The saved coder, else the login name (nothing is saved)."""
    return saved_coder() or login_coder()


def current_coder(cli_value: str | None = None, *, notices: list[str] | None = None) -> str:
    """The coder of this session: `cli_value` (`--coder`), `$NEWSMARK_CODER`, the saved
    setting, else the login name, saved as the setting on this first use (if it can be).
    A settings file that cannot be read is left as it is (the login name is used, not
    saved), and said in `notices`."""
    if cli_value is not None:
        return clean_coder(cli_value)
    from_env = os.environ.get(CODER_ENV)
    if from_env:
        return clean_coder(from_env)
    name = login_coder()
    try:
        saved = read_settings_object(settings_path())
    except SettingsError as error:
        if notices is not None:
            notices.append(f"warning: {error}; coding as {name} (the login name)")
        return name
    if (coder := _usable_coder(saved or {})) is not None:
        return coder
    if saved is not None and "coder" in saved:  # left for the user to mend
        if notices is not None:
            notices.append(
                f"warning: the coder saved in {settings_path()} is not a usable name; coding "
                f"as {name} (the login name)"
            )
        return name
    with contextlib.suppress(NewsmarkError):  # read-only config: the login name each time
        save_coder(name)
    return name


_A = TypeVar("_A")


def by_coders(annotations: Iterable[_A], coders: Collection[str]) -> list[_A]:
    """The annotations (anything with a `coder` attribute) made by one of `coders`
    (case-insensitively); all of them when `coders` is empty."""
    if not coders:
        return list(annotations)
    wanted = {coder_key(name) for name in coders}
    return [a for a in annotations if coder_key(getattr(a, "coder", None) or "") in wanted]


def visible_to(annotations: Iterable[_A], coder: str, *, blind: bool) -> list[_A]:
    """What a coder sees: in blind mode only their own annotations, else all of them.

    For the reader, its annotation panel and the annotation browser.
    """
    return by_coders(annotations, [coder]) if blind else list(annotations)


def tags_seen_in(infos: Sequence[TagInfo], annotations: Iterable[Annotation]) -> list[TagInfo]:
    """The codebook as a blind coder sees it: `infos` (the store's tags) recounted over
    `annotations` (their own), keeping the tags they use, the described ones (the codebook
    is shared) and the tags above those; tags only someone else uses are left out."""
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for annotation in annotations:
        counts.update({tag_key(tag) for tag in annotation.tags})
        totals.update(
            {tag_key(path) for tag in annotation.tags for path in (*tag_ancestors(tag), tag)}
        )
    kept = {tag_key(info.name) for info in infos if totals[tag_key(info.name)] or info.description}
    kept |= {
        tag_key(ancestor)
        for info in infos
        if tag_key(info.name) in kept
        for ancestor in tag_ancestors(info.name)
    }
    return [
        replace(info, count=counts[tag_key(info.name)], total=totals[tag_key(info.name)])
        for info in infos
        if tag_key(info.name) in kept
    ]
