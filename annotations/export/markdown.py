"""The Markdown export: tagged quotes grouped under one heading per tag."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from annotations.article import ArticleMeta
from annotations.export.citation import tag_quotes_markdown
from annotations.export.markdown_escape import inline
from annotations.export.styles import DEFAULT_STYLE
from annotations.model import Annotation


def render_markdown(
    annotations: Sequence[Annotation],
    metas: Mapping[str, ArticleMeta],
    *,
    collection: str,
    generated: str,
    tags: Sequence[str] = (),
    article: str | None = None,
    style: str = DEFAULT_STYLE,
    pandoc: bool = False,
    bibliography: str | None = None,
) -> str:
    """`# Tagged quotes`, a short header, then a `## <tag>` section per tag.

    Without a tag filter every tag carried by `annotations` gets a section (sorted
    case-insensitively) and untagged quotes close the document under `## Untagged`; with
    `tags` only those sections are written. `article` only appears in the header.
    Quotes are cited in the CSL `style`, or with `pandoc` as `[@key, chars S–E]` (the
    bibliography is the CSL-JSON export of `metas`, written beside the file). A
    `bibliography` file name goes into YAML front matter, where Pandoc's citeproc reads it. Every
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
        sections = tag_quotes_markdown(annotations, metas, tags, style=style,
                                       accessed=generated[:10], pandoc=pandoc)
    else:
        every_tag = [tag for a in sorted(annotations, key=lambda a: a.id) for tag in a.tags]
        sections = tag_quotes_markdown(annotations, metas, every_tag, include_untagged=True,
                                       style=style, accessed=generated[:10], pandoc=pandoc)
    parts = ["# Tagged quotes", "\n".join(header)]
    if bibliography:
        parts.insert(0, f"---\nbibliography: {json.dumps(bibliography, ensure_ascii=False)}\n---")
    if sections:
        parts.append(sections)
    return "\n\n".join(parts) + "\n"
