"""The Markdown export: tagged quotes grouped under one heading per tag."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotations.article import ArticleMeta
from annotations.export.citation import tag_quotes_markdown
from annotations.export.markdown_escape import inline
from annotations.model import Annotation


def render_markdown(
    annotations: Sequence[Annotation],
    metas: Mapping[str, ArticleMeta],
    *,
    collection: str,
    generated: str,
    tags: Sequence[str] = (),
    article: str | None = None,
) -> str:
    """`# Tagged quotes`, a short header, then a `## <tag>` section per tag.

    Without a tag filter every tag carried by `annotations` gets a section (sorted
    case-insensitively) and untagged quotes close the document under `## Untagged`; with
    `tags` only those sections are written. `article` only appears in the header. Every
    user-supplied string is escaped (see `annotations.export.markdown_escape`).
    """
    header = [f"- Collection: {inline(collection)}"]
    if tags:
        header.append("- Tags: " + ", ".join(inline(tag) for tag in tags))
    if article:
        header.append(f"- Article: {inline(article)}")
    header.append(f"- Quotes: {len(annotations)}")
    header.append(f"- Generated: {generated}")
    if tags:
        sections = tag_quotes_markdown(annotations, metas, tags)
    else:
        every_tag = [tag for a in sorted(annotations, key=lambda a: a.id) for tag in a.tags]
        sections = tag_quotes_markdown(annotations, metas, every_tag, include_untagged=True)
    parts = ["# Tagged quotes", "\n".join(header)]
    if sections:
        parts.append(sections)
    return "\n\n".join(parts) + "\n"
