"""The Markdown export: tagged quotes grouped under one heading per tag."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from annotations.article import ArticleMeta
from annotations.export.citation import tag_quotes_markdown
from annotations.export.markdown_escape import inline
from annotations.export.styles import DEFAULT_STYLE
from annotations.model import Annotation
from annotations.tags import with_subtree


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
    descriptions: Sequence[tuple[str, str]] = (),
    memos: Sequence[Mapping[str, str]] = (),
    keys: Mapping[str, str] | None = None,
) -> str:
    """`# Tagged quotes`, a short header, then a `## <tag>` section per tag.

    Without a tag filter every tag carried by `annotations` gets a section (sorted
    case-insensitively) and untagged quotes close the document under `## Untagged`; with
    `tags` only those sections and those of the tags below them that the quotes carry are
    written. `article` only appears in the header.
    Quotes are cited in the CSL `style`, or with `pandoc` as `[@key, chars S–E]` (`keys`:
    article id -> key, default `csl.citation_keys(metas)`; the
    bibliography is the CSL-JSON export of `metas`, written beside the file). A
    `bibliography` file name goes into YAML front matter, where Pandoc's citeproc reads it.
    `descriptions` ((tag, description) pairs) close the document under `## Codebook`, then
    `memos` (kind, target, text; article targets named by their title) under `## Memos`.
    Every user-supplied string is escaped (see `annotations.export.markdown_escape`).
    """
    header = [f"- Collection: {inline(collection)}"]
    if tags:
        header.append("- Tags: " + ", ".join(inline(tag) for tag in tags))
    if article:
        header.append(f"- Article: {inline(article)}")
    header.append(f"- Quotes: {len(annotations)}")
    header.append(f"- Generated: {generated}")
    if tags:
        carried = (tag for a in sorted(annotations, key=lambda a: a.id) for tag in a.tags)
        sections = tag_quotes_markdown(
            annotations,
            metas,
            with_subtree(tags, carried),
            style=style,
            accessed=generated[:10],
            pandoc=pandoc,
            keys=keys,
        )
    else:
        every_tag = [tag for a in sorted(annotations, key=lambda a: a.id) for tag in a.tags]
        sections = tag_quotes_markdown(
            annotations,
            metas,
            every_tag,
            include_untagged=True,
            style=style,
            accessed=generated[:10],
            pandoc=pandoc,
            keys=keys,
        )
    parts = ["# Tagged quotes", "\n".join(header)]
    if bibliography:
        parts.insert(0, f"---\nbibliography: {json.dumps(bibliography, ensure_ascii=False)}\n---")
    if sections:
        parts.append(sections)
    if descriptions:
        parts.append(
            "## Codebook\n\n"
            + "\n\n".join(f"**{_one_line(tag)}**: {text}" for tag, text in descriptions)
        )
    if memos:
        parts.append(
            "## Memos\n\n"
            + "\n\n".join(f"### {_memo_heading(memo, metas)}\n\n{memo['text']}" for memo in memos)
        )
    return "\n\n".join(parts) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _memo_heading(memo: Mapping[str, str], metas: Mapping[str, ArticleMeta]) -> str:
    """`Tag security` or `Article “<title>” (<id>)`."""
    target = memo["target"]
    if memo["kind"] == "tag":
        return f"Tag {_one_line(target)}"
    meta = metas.get(target)
    return f"Article “{_one_line(meta.title)}” ({target})" if meta else f"Article {target}"
