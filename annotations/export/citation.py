"""Citation lines and quote blocks shared by the Markdown export and the clipboard.

A citation line is the article's reference in a CSL citation style (formatted by
citeproc-py, see `styles`), followed by where the quote is: `(article <id>, chars S–E)`.

Everything here is Markdown, and every user-supplied string in it (quotes, notes, tags,
titles, outlets, ids) is escaped with `annotations.export.markdown_escape`, so it reads as
text and cannot forge headings, block quotes, citation lines, links or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from annotations.article import ArticleMeta
from annotations.export.csl import citation_keys, csl_item
from annotations.export.markdown_escape import (
    escape_heading,
    escape_inline,
    escape_line,
    inline,
)
from annotations.export.styles import DEFAULT_STYLE, format_references
from annotations.model import Anchor, Annotation, document_order
from annotations.tags import tag_key

_WHITESPACE = re.compile(r"\s+")
# "[1]" or "1." before an entry of a numbered style: meaningless for a single quote.
_ENTRY_NUMBER = re.compile(r"^(?:\[\d+\]|\d+\.)\s*")
UNTAGGED_HEADING = "Untagged"
NOTE_INDENT = "  "


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def article_references(
    metas: Mapping[str, ArticleMeta], *, style: str = DEFAULT_STYLE, accessed: str | None = None
) -> dict[str, str]:
    """Each article's reference in `style` (plain text, one line), by article id.

    `accessed` (an ISO date) is the access date styles such as Harvard print with a URL.
    """
    keys = citation_keys(metas.values())
    items = [csl_item(metas[i], keys[i], accessed=accessed) for i in sorted(metas)]
    by_key = format_references(items, style)
    return {i: _ENTRY_NUMBER.sub("", by_key[keys[i]]) for i in metas if keys[i] in by_key}


def citation_line(
    annotation: Annotation,
    meta: ArticleMeta | None,
    *,
    style: str = DEFAULT_STYLE,
    reference: str | None = None,
    accessed: str | None = None,
) -> str:
    """`— <reference in the style> (article <id>, chars <start>–<end>)`.

    `reference` saves formatting it again when the caller has it (`article_references`).
    Without metadata only the location is given. An orphaned annotation's offsets no
    longer point at its quote, so they are replaced by a warning.
    """
    if reference is None and meta is not None:
        reference = article_references({meta.id: meta}, style=style, accessed=accessed).get(meta.id)
    article = inline(annotation.article)
    if annotation.anchor == Anchor.ORPHANED:
        where = f"(article {article}; quote no longer found in the article)"
    else:
        where = f"(article {article}, chars {annotation.start}–{annotation.end})"
    return f"— {inline(_one_line(reference))} {where}" if reference else f"— {where}"


def block_quote(text: str) -> str:
    """`text` as a Markdown block quote: `> ` before every line, `>` on blank lines.

    Every line is escaped (`escape_line`), so it stays plain text inside the quote.
    """
    return "\n".join(f"> {escape_line(line)}" if line.strip() else ">" for line in text.split("\n"))


def note_item(note: str) -> str:
    """A note as one Markdown list item, `- Note: ` then its first line.

    Further lines (blank ones too) are indented into the item and escaped, so a note can
    hold paragraphs but never start a heading, a quote or a citation line of its own.
    """
    lines = note.strip().split("\n")
    rest = [NOTE_INDENT + escape_line(line) if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"- Note: {escape_inline(lines[0])}", *rest])


def quote_with_citation(
    annotation: Annotation,
    meta: ArticleMeta | None,
    *,
    style: str = DEFAULT_STYLE,
    accessed: str | None = None,
) -> str:
    """One quote for the clipboard: `“quote”` on one line (escaped), then its citation line."""
    line = citation_line(annotation, meta, style=style, accessed=accessed)
    return f"“{inline(annotation.quote)}”\n{line}"


def quote_entry_markdown(annotation: Annotation, citation: str) -> str:
    """One annotation as Markdown: its block quote, the citation given and its note (if any).

    `citation` is a `citation_line` or, for Pandoc, a `[@key, chars S–E]` citation.
    """
    blocks = [block_quote(annotation.quote), citation]
    if annotation.note and annotation.note.strip():
        blocks.append(note_item(annotation.note))
    return "\n\n".join(blocks)


def tag_quotes_markdown(
    annotations: Iterable[Annotation],
    metas: Mapping[str, ArticleMeta],
    tags: Iterable[str],
    *,
    include_untagged: bool = False,
    style: str = DEFAULT_STYLE,
    accessed: str | None = None,
    pandoc: bool = False,
    keys: Mapping[str, str] | None = None,
) -> str:
    """`## <tag>` sections (sorted case-insensitively) with every quote carrying that tag.

    Tags match by `tag_key` (case and whitespace do not matter); an annotation with two of
    the tags appears in both sections. With `include_untagged`, annotations without tags
    follow in `## Untagged`. Quotes are cited in `style`, or with `pandoc` as Pandoc
    citations `[@key, chars S–E]` (`keys`, article id -> key; default:
    `csl.citation_keys(metas)`).
    """
    ordered = sorted(annotations, key=document_order)
    cite = _pandoc_citer(metas, keys) if pandoc else _style_citer(metas, style, accessed)
    wanted: dict[str, str] = {}
    for tag in tags:
        wanted.setdefault(tag_key(tag), tag)
    sections: list[str] = []
    for key in sorted(wanted, key=lambda k: (k, wanted[k])):
        members = [a for a in ordered if key in {tag_key(t) for t in a.tags}]
        # The heading spells the tag as the annotations store it, not as it was asked for.
        stored = (tag for a in members for tag in a.tags if tag_key(tag) == key)
        sections.append(_section(next(stored, wanted[key]), members, cite))
    if include_untagged:
        untagged = [a for a in ordered if not a.tags]
        if untagged:
            sections.append(_section(UNTAGGED_HEADING, untagged, cite))
    return "\n\n".join(sections)


def pandoc_citation(annotation: Annotation, key: str) -> str:
    """`[@key, chars S–E]`: a Pandoc citation with the quote's offsets as the locator."""
    if annotation.anchor == Anchor.ORPHANED:
        return f"[@{key}, quote no longer found in the article]"
    return f"[@{key}, chars {annotation.start}–{annotation.end}]"


def _style_citer(
    metas: Mapping[str, ArticleMeta], style: str, accessed: str | None
) -> Callable[[Annotation], str]:
    references = article_references(metas, style=style, accessed=accessed)

    def cite(annotation: Annotation) -> str:
        reference = references.get(annotation.article)
        return citation_line(annotation, None, reference=reference)

    return cite


def _pandoc_citer(
    metas: Mapping[str, ArticleMeta], keys: Mapping[str, str] | None
) -> Callable[[Annotation], str]:
    keys = {i: k for i, k in (keys or citation_keys(metas.values())).items() if i in metas}

    def cite(annotation: Annotation) -> str:
        key = keys.get(annotation.article)
        if key is None:  # an article no longer in the collection: no reference to cite
            return citation_line(annotation, None)
        return pandoc_citation(annotation, key)

    return cite


def _section(heading: str, members: list[Annotation], cite: Callable[[Annotation], str]) -> str:
    entries = [quote_entry_markdown(a, cite(a)) for a in members]
    body = "\n\n".join(entries) if entries else "_No quotes._"
    return f"## {escape_heading(heading)}\n\n{body}"
