"""The annotation record, as stored, listed and exported."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, Protocol, TypeVar


class Anchor(StrEnum):
    """How an annotation is attached to the current article body."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    ORPHANED = "orphaned"


# The version of the annotation record (`Annotation.to_dict`), the "schema" of native json
# exports. (Database schema 2 changed only the undo history; schema 3 gave every stored
# annotation a `coder`, a key older readers ignore.)
RECORD_SCHEMA = 1

# The keys of `newsmark annotations --json`, in order.
PUBLIC_KEYS = (
    "id",
    "article",
    "quote",
    "start",
    "end",
    "prefix",
    "suffix",
    "tags",
    "note",
    "colour",
    "anchor",
    "created",
    "updated",
    "coder",
)


def utc_now() -> str:
    """The current time as ISO 8601 UTC, millisecond precision: 2026-11-24T10:00:00.123Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Annotation:
    """A highlighted passage of one article with its tags and optional note.

    `start`/`end` are character offsets into the article body the annotation is anchored
    to; `body_hash` is `Article.content_hash` of that body. `prefix`/`suffix` are up to
    32 characters of context on each side, used to re-anchor after the article changes.
    `anchor_score` is how well quote and context matched (0–1) when it was last re-anchored
    FUZZY, else None. `coder` is who made it (W3C `creator`, REFI-QDA `User`): every stored
    annotation has one (the store fills in its coder when None).
    """

    id: str
    article: str
    quote: str
    start: int
    end: int
    prefix: str
    suffix: str
    body_hash: str
    tags: tuple[str, ...] = ()
    note: str | None = None
    colour: str | None = None
    anchor: Anchor = Anchor.EXACT
    created: str = ""
    updated: str = ""
    anchor_score: float | None = None
    coder: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (all public keys plus `body_hash`, and `anchor_score` if set)."""
        # Built by hand: `dataclasses.asdict` deep-copies every field (a quarter of an
        # export's time at 100,000 annotations). The keys are the fields, in order.
        data = {
            "id": self.id,
            "article": self.article,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "body_hash": self.body_hash,
            "tags": list(self.tags),
            "note": self.note,
            "colour": self.colour,
            "anchor": self.anchor.value,
            "created": self.created,
            "updated": self.updated,
            "anchor_score": self.anchor_score,
            "coder": self.coder,
        }
        if self.anchor_score is None:
            del data["anchor_score"]
        return data

    def to_public_dict(self) -> dict[str, Any]:
        """The documented keys of `newsmark annotations --json`, in order."""
        data = self.to_dict()
        return {key: data[key] for key in PUBLIC_KEYS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        """Rebuild an annotation from `to_dict` output (unknown keys are ignored)."""
        # Positional, in the order of the fields: twice as fast as keywords (an export of a
        # million annotations makes a million of them).
        get = data.get
        coder = get("coder")
        return cls(
            str(data["id"]),
            str(data["article"]),
            str(data["quote"]),
            int(data["start"]),
            int(data["end"]),
            str(get("prefix", "")),
            str(get("suffix", "")),
            str(get("body_hash", "")),
            tuple(get("tags", ())),
            get("note"),
            get("colour"),
            _anchor(get("anchor", Anchor.EXACT)),
            str(get("created", "")),
            str(get("updated", "")),
            _optional_score(get("anchor_score")),
            coder if isinstance(coder, str) else None,
        )

    def with_changes(self, **changes: Any) -> Annotation:
        """A copy with the given fields changed and `updated` set to now."""
        changes.setdefault("updated", utc_now())
        return replace(self, **changes)


def _anchor(value: Any) -> Anchor:
    """`Anchor(value)` without the enum call (a dict lookup; a tenth of the time of
    loading 100,000 annotations went to `Enum.__new__`). ValueError for an unknown one."""
    try:
        return _ANCHORS[value]
    except (KeyError, TypeError):
        return Anchor(value)


_ANCHORS = {anchor.value: anchor for anchor in Anchor}


def _optional_score(value: Any) -> float | None:
    """A stored `anchor_score`: a number in 0..1, else (absent, from an old DB, bad) None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


class Placed(Protocol):
    """What selecting, sorting, counting and checking annotations reads of one: an
    `Annotation`, or a stand-in for one not parsed whole (`store.scan.Stored`)."""

    @property
    def id(self) -> str: ...
    @property
    def article(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def body_hash(self) -> str: ...
    @property
    def anchor(self) -> str: ...  # an `Anchor`, or its value
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def coder(self) -> str | None: ...


_P = TypeVar("_P", bound=Placed)


# Sort key: by article, then position in the body (ties broken by id): the tuple
# (article, start, end, id) of an annotation, made in C (a Python function made a fifth of
# an export's time at 100,000 annotations, sorted twice).
document_order: Callable[[Annotation], tuple[str, int, int, str]] = attrgetter(
    "article", "start", "end", "id"
)


def by_article(annotations: Iterable[_P]) -> dict[str, list[_P]]:
    """`annotations` grouped by article id, each group in the order given (the articles in
    the order first met)."""
    groups: dict[str, list[_P]] = {}
    for annotation in annotations:
        group = groups.get(annotation.article)
        if group is None:
            groups[annotation.article] = [annotation]
        else:
            group.append(annotation)
    return groups


def in_document_order(annotations: Iterable[_P]) -> list[_P]:
    """`annotations` sorted by `document_order`: grouped by article, the articles sorted,
    then each group by position (small sorts of int-led keys: half the time of one sort of
    the tuples at 100,000 annotations, less at a million)."""
    groups = by_article(annotations)
    ordered: list[_P] = []
    for article in sorted(groups):
        group = groups[article]
        group.sort(key=_position)
        ordered += group
    return ordered


_position = attrgetter("start", "end", "id")


@dataclass(frozen=True, slots=True)
class TagInfo:
    """A tag as listed by `newsmark tags`: its name, colour and how many annotations carry it.

    The codebook adds its `description`, its `parent` (the tag path above it,
    `security` for `security/maritime`, or None) and `total`: the annotations carrying it
    or any tag below it, each counted once.
    """

    name: str
    colour: str
    count: int
    description: str = ""
    parent: str | None = None
    total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The keys of `newsmark tags --json`."""
        return {
            "name": self.name,
            "colour": self.colour,
            "count": self.count,
            "description": self.description,
            "parent": self.parent,
            "total": self.total,
        }
