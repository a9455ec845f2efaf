"""Citation lines and quote blocks shared by the Markdown export and the clipboard."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from annotations.article import ArticleMeta
from annotations.model import Anchor, Annotation, document_order
from annotations.tags import tag_key

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHITESPACE = re.compile(r"\s+")
UNTAGGED_HEADING = "Untagged"


def format_date(value: str | None) -> str | None:
    """An article date as YYYY-MM-DD when it starts with an ISO date, else the text as given."""
    if not value or not value.strip():
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0) if match else value.strip()


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def citation_line(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """`— <outlet>, “<title>”, <YYYY-MM-DD> (article <id>, chars <start>–<end>)`.

    Unknown parts (no outlet, no date, no metadata at all) are left out. An orphaned
    annotation's offsets no longer point at its quote, so they are replaced by a warning.
    """
    parts: list[str] = []
    if meta is not None:
        if meta.source and meta.source.strip():
            parts.append(_one_line(meta.source))
        if meta.title and meta.title.strip():
            parts.append(f"“{_one_line(meta.title)}”")
        day = format_date(meta.date)
        if day:
            parts.append(_one_line(day))
    if annotation.anchor == Anchor.ORPHANED:
        where = f"(article {annotation.article}; quote no longer found in the article)"
    else:
        where = f"(article {annotation.article}, chars {annotation.start}–{annotation.end})"
    return f"— {', '.join(parts)} {where}" if parts else f"— {where}"


def block_quote(text: str) -> str:
    """`text` as a Markdown block quote: `> ` before every line, `>` on blank lines.

    Nothing else is escaped: every line stays inside the quote whatever it holds.
    """
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def quote_with_citation(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """One quote for the clipboard: `“quote”`, a newline, then its citation line."""
    return f"“{annotation.quote}”\n{citation_line(annotation, meta)}"


def quote_entry_markdown(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """One annotation as Markdown: its block quote, citation line and note (if any)."""
    blocks = [block_quote(annotation.quote), citation_line(annotation, meta)]
    if annotation.note and annotation.note.strip():
        blocks.append(f"Note: {annotation.note.strip()}")
    return "\n\n".join(blocks)



def tag_quotes_markdown(
    annotations: Iterable[Annotation],
    metas: Mapping[str, ArticleMeta],
    tags: Iterable[str],
    *,
    include_untagged: bool = False,
) -> str:
    """`## <tag>` sections (sorted case-insensitively) with every quote carrying that tag.

    Tags match by `tag_key` (case and whitespace do not matter); an annotation with two of
    the tags appears in both sections. With `include_untagged`, annotations without tags
    follow in `## Untagged`.
    """
    ordered = sorted(annotations, key=document_order)
    wanted: dict[str, str] = {}
    for tag in tags:
        wanted.setdefault(tag_key(tag), tag)
    sections: list[str] = []
    for key in sorted(wanted, key=lambda k: (k, wanted[k])):
        members = [a for a in ordered if key in {tag_key(t) for t in a.tags}]
        # The heading spells the tag as the annotations store it, not as it was asked for.
        stored = (tag for a in members for tag in a.tags if tag_key(tag) == key)
        sections.append(_section(next(stored, wanted[key]), members, metas))
    if include_untagged:
        untagged = [a for a in ordered if not a.tags]
        if untagged:
            sections.append(_section(UNTAGGED_HEADING, untagged, metas))
    return "\n\n".join(sections)


def _section(heading: str, members: list[Annotation], metas: Mapping[str, ArticleMeta]) -> str:
    entries = [quote_entry_markdown(a, metas.get(a.article)) for a in members]
    body = "\n\n".join(entries) if entries else "_No quotes._"
    return f"## {_one_line(heading)}\n\n{body}"

