"""Tag names and colours.

A tag's identity is its case-folded name ("Politics" and "politics" are the same tag); the
spelling is kept as typed. Every tag has a stable default colour from a fixed palette,
chosen by a hash of its identity, so it is the same in every process and on every run.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from annotations.errors import NewsmarkError
from annotations.text import strip_format_characters

MAX_TAG_LENGTH = 64
MAX_TAGS_PER_ANNOTATION = 100

# Distinct colours that stay readable as highlight backgrounds and as text on dark themes.
PALETTE = (
    "#e5c07b",  # yellow
    "#61afef",  # blue
    "#98c379",  # green
    "#c678dd",  # purple
    "#e06c75",  # red
    "#56b6c2",  # cyan
    "#d19a66",  # orange
    "#f0a6ca",  # pink
    "#a3be8c",  # sage
    "#7aa2f7",  # periwinkle
    "#ff9e64",  # tangerine
    "#b4befe",  # lavender
)

NAMED_COLOURS = {
    "yellow": "#e5c07b",
    "blue": "#61afef",
    "green": "#98c379",
    "purple": "#c678dd",
    "red": "#e06c75",
    "cyan": "#56b6c2",
    "orange": "#d19a66",
    "pink": "#f0a6ca",
    "magenta": "#c678dd",
    "teal": "#56b6c2",
    "grey": "#abb2bf",
    "gray": "#abb2bf",
    "white": "#ffffff",
}

_WHITESPACE = re.compile(r"\s+")
_HEX_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")


class InvalidTagError(NewsmarkError):
    """A tag name or colour cannot be used."""


@lru_cache(maxsize=4096)
def tag_key(tag: str) -> str:
    """The identity of a tag: its case-folded, whitespace-normalised name."""
    return _WHITESPACE.sub(" ", tag).strip().casefold()


def normalise_tag(tag: str) -> str:
    """One tag, cleaned: invisible format characters (bidi overrides, zero-width ones; see
    `strip_format_characters`) removed, surrounding whitespace stripped, inner runs
    collapsed to a space, and empty levels of a tag path left out (`/lead`, `trail/` and
    `a//b` are `lead`, `trail` and `a/b`: a path is names joined by "/").

    Returns "" for a blank tag. Raises InvalidTagError for a tag that is too long or
    contains a comma or a control character.
    """
    cleaned = _WHITESPACE.sub(" ", strip_format_characters(tag)).strip()
    if "/" in cleaned:
        cleaned = "/".join(level for level in cleaned.split("/") if level.strip()).strip()
    if "," in cleaned:
        raise InvalidTagError(f"tag {cleaned!r} contains a comma (commas separate tags)")
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidTagError(f"tag {cleaned!r} contains a control character")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise InvalidTagError(
            f"tag {cleaned[:20]!r}… is {len(cleaned)} characters long (at most {MAX_TAG_LENGTH})"
        )
    return cleaned


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Clean a list of tags: normalise each, drop blanks, drop case-insensitive duplicates.

    The first spelling of each tag is kept, in the given order. A single string is taken
    as one tag, not as a sequence of characters. More than `MAX_TAGS_PER_ANNOTATION`
    different tags raise InvalidTagError.
    """
    if isinstance(tags, str):
        tags = (tags,)
    result: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        cleaned = normalise_tag(tag)
        key = cleaned.casefold()
        if cleaned and key not in seen:
            if len(result) == MAX_TAGS_PER_ANNOTATION:
                raise InvalidTagError(f"more than {MAX_TAGS_PER_ANNOTATION} tags on one annotation")
            seen.add(key)
            result.append(cleaned)
    return tuple(result)


_NUMBER = re.compile(r"(\d+)")


@lru_cache(maxsize=4096)  # (the annotation browser sorts 100,000 rows by their tags)
def natural_key(tag: str) -> tuple[tuple[str | int, ...], ...]:
    """The order of tags in lists: case-insensitive, numbers by value (`e1, e2, e10`), and
    path by path, so that a tag comes just before the tags below it (`a`, `a/b`, `a b`)."""
    return tuple(
        tuple(
            int(chunk) if odd else chunk
            for odd, chunk in zip(itertools.cycle((False, True)), _NUMBER.split(part))
        )
        for part in tag_key(tag).split("/")
    )


def tag_parent(tag: str) -> str | None:
    """The tag path above `tag` (`security` for `security/maritime`), or None at the top."""
    parent, slash, leaf = tag.rpartition("/")
    return parent.strip() or None if slash and leaf.strip() else None


def tag_ancestors(tag: str) -> list[str]:
    """Every tag path above `tag`, nearest last (`a`, `a/b` for `a/b/c`)."""
    result: list[str] = []
    parent = tag_parent(tag)
    while parent is not None:
        result.append(parent)
        parent = tag_parent(parent)
    return result[::-1]


def in_subtree(tag: str, root: str) -> bool:
    """Whether `tag` is `root` or below it (compared by identity)."""
    key, root_key = tag_key(tag), tag_key(root)
    return key == root_key or key.startswith(root_key + "/")


@lru_cache(maxsize=8192)
def path_keys(tag: str) -> frozenset[str]:
    """The identities of `tag` and of every tag path above it (`a`, `a/b`, `a/b/c`)."""
    return frozenset(tag_key(path) for path in (*tag_ancestors(tag), tag))


def subtree_filter(roots: Iterable[str]) -> Callable[[Iterable[str]], bool]:
    """The one rule of every tag filter (`--tag`, the export dialog, `with_tags`): a test of
    an annotation's tags, true when one of them is one of `roots` or below one
    (`security` takes `security/maritime`), compared by identity."""
    keys = frozenset(tag_key(root).strip("/") for root in normalise_tags(roots))
    return lambda tags: any(not keys.isdisjoint(path_keys(tag)) for tag in tags)


def with_subtree(roots: Sequence[str], carried: Iterable[str]) -> list[str]:
    """`roots`, then the tags of `carried` below one of them (each once, in the order first
    carried): the headings of a filtered Markdown export or copy, so that the quotes
    `subtree_filter(roots)` takes each sit under the tag they carry."""
    result = list(roots)
    seen = {tag_key(tag) for tag in roots}
    carries = subtree_filter(roots)
    for tag in carried:
        key = tag_key(tag)
        if key not in seen and carries((tag,)):
            seen.add(key)
            result.append(tag)
    return result


def move_subtree(tag: str, root: str, new_root: str) -> str:
    """`tag` (in `root`'s subtree) with `root` replaced by `new_root`, the rest as spelt."""
    depth = tag_key(root).count("/") + 1
    rest = tag.split("/")[depth:]
    return "/".join([new_root, *rest])


def default_colour(tag: str) -> str:
    """The palette colour of a tag, stable across processes (hashlib, not `hash()`)."""
    digest = hashlib.sha256(tag_key(tag).encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def validate_colour(colour: str) -> str:
    """A colour as lowercase "#rrggbb", from "#rgb", "#rrggbb" or a colour name."""
    value = colour.strip().lower()
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    if _HEX_COLOUR.fullmatch(value):
        if len(value) == 4:
            value = "#" + "".join(ch * 2 for ch in value[1:])
        return value
    names = ", ".join(sorted(NAMED_COLOURS))
    raise InvalidTagError(f"invalid colour {colour!r}: use #rgb, #rrggbb or one of {names}")
