"""Citation lines and quote blocks shared by the Markdown export and the clipboard.

Everything here is Markdown, and every user-supplied string in it (quotes, notes, tags,
titles, outlets, ids) is escaped with `annotations.export.markdown_escape`, so it reads as
text and cannot forge headings, block quotes, citation lines, links or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from annotations.article import ArticleMeta
from annotations.export.markdown_escape import (
    escape_heading,
    escape_inline,
    escape_line,
    inline,
)
from annotations.model import Anchor, Annotation, document_order
from annotations.tags import tag_key

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UNTAGGED_HEADING = "Untagged"
NOTE_INDENT = "  "


def format_date(value: str | None) -> str | None:
    """An article date as YYYY-MM-DD when it starts with an ISO date, else the text as given."""
    if not value or not value.strip():
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0) if match else value.strip()


def citation_line(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """`— <outlet>, “<title>”, <YYYY-MM-DD> (article <id>, chars <start>–<end>)`.

    Unknown parts (no outlet, no date, no metadata at all) are left out. An orphaned
    annotation's offsets no longer point at its quote, so they are replaced by a warning.
    """
    parts: list[str] = []
    if meta is not None:
        if meta.source and meta.source.strip():
            parts.append(inline(meta.source))
        if meta.title and meta.title.strip():
            parts.append(f"“{inline(meta.title)}”")
        day = format_date(meta.date)
        if day:
            parts.append(inline(day))
    article = inline(annotation.article)
    if annotation.anchor == Anchor.ORPHANED:
        where = f"(article {article}; quote no longer found in the article)"
    else:
        where = f"(article {article}, chars {annotation.start}–{annotation.end})"
    return f"— {', '.join(parts)} {where}" if parts else f"— {where}"


def block_quote(text: str) -> str:
    """`text` as a Markdown block quote: `> ` before every line, `>` on blank lines.

    Every line is escaped (`escape_line`), so it stays plain text inside the quote.
    """
    return "\n".join(f"> {escape_line(line)}" if line.strip() else ">"
                      for line in text.split("\n"))


def note_item(note: str) -> str:
    """A note as one Markdown list item, `- Note: ` then its first line.

    Further lines (blank ones too) are indented into the item and escaped, so a note can
    hold paragraphs but never start a heading, a quote or a citation line of its own.
    """
    lines = note.strip().split("\n")
    rest = [NOTE_INDENT + escape_line(line) if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"- Note: {escape_inline(lines[0])}", *rest])


def quote_with_citation(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """One quote for the clipboard: `“quote”` on one line (escaped), then its citation line."""
    return f"“{inline(annotation.quote)}”\n{citation_line(annotation, meta)}"


def quote_entry_markdown(annotation: Annotation, meta: ArticleMeta | None) -> str:
    """One annotation as Markdown: its block quote, citation line and note (if any)."""
    blocks = [block_quote(annotation.quote), citation_line(annotation, meta)]
    if annotation.note and annotation.note.strip():
        blocks.append(note_item(annotation.note))
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
    return f"## {escape_heading(heading)}\n\n{body}"

