"""The native newsmark json export: everything `newsmark import` needs to restore losslessly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from annotations.article import ArticleMeta
from annotations.export.json_stream import Streamed
from annotations.model import Placed, TagInfo

NATIVE_FORMAT_VERSION = 1
_P = TypeVar("_P", bound=Placed)
_tags = attrgetter("tags")


def tag_summary(annotations: Sequence[Placed], tag_colours: Mapping[str, str]) -> list[TagInfo]:
    """Each tag of `annotations` (case-insensitive identity) with its colour and count.

    A tag keeps the spelling it first has in `annotations`; its colour is looked up in
    `tag_colours` by that spelling, then case-insensitively ("" when absent). Sorted by
    name, case-insensitively.
    """
    colours = {name.casefold(): colour for name, colour in tag_colours.items()}
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    # Each set of tags once (in order of first use: the same first spellings), with how
    # many annotations carry it (a million annotations carry a few hundred sets).
    for tags, carried in Counter(map(_tags, annotations)).items():
        for tag in {t.casefold(): t for t in tags}.values():
            key = tag.casefold()
            names.setdefault(key, tag)
            counts[key] = counts.get(key, 0) + carried
    return [
        TagInfo(
            name=names[key],
            colour=tag_colours.get(names[key]) or colours.get(key, ""),
            count=counts[key],
        )
        for key in sorted(names, key=lambda k: (k, names[k]))
    ]


def article_summary(meta: ArticleMeta) -> dict[str, Any]:
    """The article metadata kept in the export (enough to cite the article)."""
    return {
        "title": meta.title,
        "source": meta.source,
        "date": meta.date,
        "author": meta.author,
        "url": meta.url,
        "words": meta.words,
    }


def render_native(
    annotations: Sequence[_P],
    metas: Mapping[str, ArticleMeta],
    tag_colours: Mapping[str, str],
    *,
    collection: str,
    generated: str,
    schema: int,
    descriptions: Sequence[tuple[str, str]] = (),
    memos: Sequence[Mapping[str, str]] = (),
    record: Callable[[_P], dict[str, Any]],
) -> dict[str, Any]:
    """The native document for `json_chunks` (the annotations are read whole, as their
    `record` (`Annotation.to_dict`), as they are written).

    Keys: `newsmark` (this format's version), `schema` (the store's record schema),
    `generated`, `collection`, `annotations` (`Annotation.to_dict()` each), `tags`
    (name/colour/count of the exported tags) and `articles` (metadata of every article
    the annotations point at that the collection knows); when there are any, `codebook`
    (name/description of the exported tags that have one) and `memos`
    (kind/target/text/updated).
    """
    article_ids = sorted({a.article for a in annotations if a.article in metas})
    document: dict[str, Any] = {
        "newsmark": NATIVE_FORMAT_VERSION,
        "schema": schema,
        "generated": generated,
        "collection": collection,
        "annotations": Streamed(annotations, record),
        "tags": [
            {"name": info.name, "colour": info.colour, "count": info.count}
            for info in tag_summary(annotations, tag_colours)
        ],
        "articles": {aid: article_summary(metas[aid]) for aid in article_ids},
    }
    if descriptions:
        document["codebook"] = [{"name": tag, "description": text} for tag, text in descriptions]
    if memos:
        document["memos"] = [
            {key: memo[key] for key in ("kind", "target", "text", "updated") if key in memo}
            for memo in memos
        ]
    return document
