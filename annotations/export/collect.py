"""One call that the CLI and the TUI share: pick annotations from the store and render them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.export import ExportFormat, render_export, select_annotations
from annotations.export.styles import DEFAULT_STYLE
from annotations.model import utc_now
from annotations.tags import tag_key

if TYPE_CHECKING:
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore


@dataclass(frozen=True, slots=True)
class RenderedExport:
    """Export text, how many annotations it holds, and requested tags nobody carries."""

    text: str
    count: int
    unused_tags: tuple[str, ...]
    articles: int = 0
    bibliography: str | None = None


def export_annotations(
    store: AnnotationStore,
    corpus: Corpus,
    fmt: ExportFormat | str,
    *,
    tags: Sequence[str] = (),
    article: str | None = None,
    style: str = DEFAULT_STYLE,
    all_articles: bool = False,
    pandoc_bibliography: str | None = None,
) -> RenderedExport:
    """Render the store's annotations carrying any of `tags` (all if empty) on `article`.

    The articles cited are those of the chosen annotations, or with `all_articles` every
    article of the collection (what CSL-JSON and BibTeX list). With `pandoc_bibliography`
    (a file name) Markdown cites as Pandoc does and `bibliography` holds the CSL-JSON to
    write to that file.
    """
    article_id = corpus.resolve(article) if article else None
    chosen = select_annotations(store.all(), tags=tags, article=article_id)
    carried = {tag_key(t) for a in chosen for t in a.tags}
    unused = tuple(tag for tag in tags if tag_key(tag) not in carried)
    if all_articles:
        metas = {meta.id: meta for meta in corpus}
    else:
        metas = {a.article: corpus.meta(a.article) for a in chosen if a.article in corpus}
    colours = {info.name: info.colour for info in store.tags()}
    generated = utc_now()
    pandoc = pandoc_bibliography is not None
    text = render_export(fmt, chosen, metas, colours, collection=corpus.name,
                         generated=generated, tags=tags, article=article_id, style=style,
                         pandoc=pandoc, bibliography=pandoc_bibliography)
    bibliography = None
    if pandoc:
        bibliography = render_export(ExportFormat.CSL_JSON, chosen, metas, colours,
                                     collection=corpus.name, generated=generated)
    return RenderedExport(text, len(chosen), unused, len(metas), bibliography)
