"""The codebook as listed (`AnnotationStore.tags`) and the memos, from the tables and the
tags in use: one rule for the store and for an export read without opening it
(store/current.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any

from annotations.model import Placed, TagInfo
from annotations.tags import default_colour, natural_key, tag_ancestors, tag_key, tag_parent

Table = Mapping[str, Mapping[str, Any]]
_tags = attrgetter("tags")


def tag_usage(annotations: Iterable[Placed]) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """The tags in use by `annotations` (in the store's table order), as the store's index
    has them: tag key -> how often each spelling is used (in order of first use), and tag
    key -> annotations carrying it or a tag below it (each counted once)."""
    sets = Counter(filter(None, map(_tags, annotations)))  # in order of first occurrence
    uses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for tags, count in sets.items():
        for tag in tags:
            uses[tag] += count
        for key in {tag_key(path) for tag in tags for path in (*tag_ancestors(tag), tag)}:
            totals[key] += count
    spellings: dict[str, Counter[str]] = {}
    for spelling, count in uses.items():
        spellings.setdefault(tag_key(spelling), Counter())[spelling] = count
    return spellings, totals


def known_tags(spellings: Mapping[str, Counter[str]], codebook: Table) -> dict[str, str]:
    """Tag key → usual spelling of every tag in the codebook: tags in use, the tags above
    them (`security` for `security/maritime`), and the codebook table's tags (described
    or imported, used or not)."""
    names = {key: counter.most_common(1)[0][0] for key, counter in spellings.items()}
    for key, entry in codebook.items():
        names.setdefault(key, entry["name"])
    for name in list(names.values()):
        for ancestor in tag_ancestors(name):
            names.setdefault(tag_key(ancestor), ancestor)
    return names


def colour_of(colours: Table, key: str) -> str:
    """The colour of the tag with this key: the one set, else its default."""
    doc = colours.get(key)
    return str(doc["colour"]) if doc else default_colour(key)


def tag_infos(
    spellings: Mapping[str, Counter[str]],
    totals: Mapping[str, int],
    codebook: Table,
    colours: Table,
) -> list[TagInfo]:
    """Every tag of the codebook, sorted naturally, with its colour, count, description,
    parent and total (what `AnnotationStore.tags` lists)."""
    names = known_tags(spellings, codebook)
    infos = []
    for key in sorted(names, key=lambda key: (natural_key(key), key)):
        counter = spellings.get(key)
        parent = tag_parent(names[key])
        entry = codebook.get(key)
        infos.append(
            TagInfo(
                name=names[key],
                colour=colour_of(colours, key),
                count=counter.total() if counter is not None else 0,
                description=entry["description"] if entry else "",
                parent=names[tag_key(parent)] if parent is not None else None,
                total=totals.get(key, 0),
            )
        )
    return infos


def sorted_memos(memos: Table) -> list[dict[str, str]]:
    """Every memo of the memos table: {"kind", "target", "text", "updated"}, articles then
    tags."""
    return sorted(
        (dict(doc) for doc in memos.values()),
        key=lambda doc: (doc["kind"], tag_key(doc["target"])),
    )
