"""One call that the CLI and the TUI share: pick annotations from the store and render them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from annotations.export import (
    EmptyExportError,
    ExportFormat,
    export_chunks,
    render_export,
    select_annotations,
)
from annotations.export.csl import citation_keys
from annotations.export.refi.codebook import CodebookEntry
from annotations.export.styles import DEFAULT_STYLE
from annotations.gc_pause import gc_paused
from annotations.model import Anchor, Annotation, Placed, TagInfo, utc_now
from annotations.store.codebook_view import sorted_memos, tag_infos, tag_usage
from annotations.store.current import read_current
from annotations.store.reanchor import ReanchorReport, check_anchors
from annotations.store.schema import CODEBOOK_TABLE, MEMOS_TABLE, TAG_COLOURS_TABLE
from annotations.tags import subtree_filter, tag_ancestors, tag_key
from annotations.text import safe_name
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore


_P = TypeVar("_P", bound=Placed)


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """Which annotations an export holds and how it cites them: those carrying any of
    `tags` (all if empty), on `article`, made by one of `coders` (anyone's if empty), and,
    given `annotation_ids`, only those of them still stored; cited in the CSL `style`. The
    articles cited are those of the chosen annotations, or with `all_articles` every
    article of the collection (what CSL-JSON and BibTeX list). With `pandoc_bibliography`
    (a file name) Markdown cites as Pandoc does, and `RenderedExport.bibliography` holds
    the CSL-JSON to write to that file."""

    tags: Sequence[str] = ()
    article: str | None = None
    style: str = DEFAULT_STYLE
    all_articles: bool = False
    pandoc_bibliography: str | None = None
    annotation_ids: Collection[str] | None = None
    coders: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class RenderedExport:
    """An export, how many annotations it holds, and requested tags nobody carries.

    `render()` gives its UTF-8 text in pieces, each rendered as it is read (written to a
    file or stdout one after the other, a long export is never whole in memory)."""

    render: Callable[[], Iterator[bytes]]
    count: int
    unused_tags: tuple[str, ...]
    articles: int = 0
    bibliography: str | None = None
    # Chosen annotations left out: their article is not in the collection.
    elsewhere: int = 0

    @property
    def text(self) -> str:
        """The whole export text."""
        return b"".join(self.render()).decode("utf-8")

    def what(self, fmt: ExportFormat) -> str:
        """What the export holds, for a message: `6 annotations`, `2 articles` (a
        bibliography) or `the codebook`."""
        if fmt.is_codebook:
            return "the codebook"
        if fmt.is_bibliography:
            return count_noun(self.articles, "article")
        return count_noun(self.count, "annotation")


def export_annotations(
    store: AnnotationStore,
    corpus: Corpus,
    fmt: ExportFormat | str,
    choice: ExportChoice = ExportChoice(),
) -> RenderedExport:
    """Render the store's annotations that `choice` picks, as it says.

    Raises `EmptyExportError` when no annotation matches: an empty export is a mistake
    (a misspelt tag, the wrong article), not something to write over a file; the whole
    codebook (`qdc`, `codebook-csv`, unfiltered) is exported even before any annotation.
    """
    return export_chosen(
        store.all(), store.tags(), store.memos(), corpus, fmt, choice, _itself, _record
    )


def _itself(annotation: Annotation) -> Annotation:
    return annotation


_record = Annotation.to_dict


def export_current(
    db_path: Path, corpus: Corpus, fmt: ExportFormat | str, choice: ExportChoice = ExportChoice()
) -> tuple[RenderedExport, ReanchorReport] | None:
    """`export_annotations` (same `choice`) of the database at `db_path` as it is now,
    read without opening the store (`store.current`: no undo history, no indexes), and
    what re-anchoring would report. None when the store must be opened and re-anchored
    first (its reading is not possible, or an annotation's article changed so that
    re-anchoring would change it: the export must not hold its old quote or offsets).
    """
    current = read_current(db_path)
    if current is None:
        return None
    with gc_paused():  # many objects, no cycles
        if ExportFormat(fmt).renders_whole:  # their stand-ins let go as they are made
            whole = current.take_whole()
            return _export_read(whole, current.tables, corpus, fmt, _itself, _record, choice)
        return _export_read(
            current.annotations,
            current.tables,
            corpus,
            fmt,
            current.annotation,
            current.record,
            choice,
        )


def _export_read(
    annotations: Sequence[_P],
    tables: Mapping[str, Mapping[str, Any]],
    corpus: Corpus,
    fmt: ExportFormat | str,
    load: Callable[[_P], Annotation],
    record: Callable[[_P], dict[str, Any]],
    choice: ExportChoice,
) -> tuple[RenderedExport, ReanchorReport] | None:
    """`export_current` of the annotations read and the small `tables`."""
    report, changed = check_anchors(annotations, corpus, load)
    if changed:
        return None
    spellings, totals = tag_usage(annotations)
    infos = tag_infos(
        spellings, totals, tables.get(CODEBOOK_TABLE, {}), tables.get(TAG_COLOURS_TABLE, {})
    )
    memos = sorted_memos(tables.get(MEMOS_TABLE, {}))
    rendered = export_chosen(annotations, infos, memos, corpus, fmt, choice, load, record)
    return rendered, report


def export_chosen(
    stored: Sequence[_P],
    infos: Sequence[TagInfo],
    all_memos: Sequence[dict[str, str]],
    corpus: Corpus,
    fmt: ExportFormat | str,
    choice: ExportChoice,
    load: Callable[[_P], Annotation],
    record: Callable[[_P], dict[str, Any]],
) -> RenderedExport:
    """`export_annotations` of the store's annotations `stored` (each read whole when it
    is written: by `load`, or as its `Annotation.to_dict` by `record`), its codebook
    `infos` (`AnnotationStore.tags`) and its memos `all_memos` (`AnnotationStore.memos`)."""
    tags, coders = choice.tags, choice.coders
    article_id = corpus.resolve(choice.article) if choice.article else None
    if choice.annotation_ids is not None:
        wanted = set(choice.annotation_ids)
        stored = [a for a in stored if a.id in wanted]
    chosen = select_annotations(stored, tags=tags, article=article_id, coders=coders)
    # One database may serve several collections: the export is this collection's (its
    # codebook and memos too), but for the complete dump (`json`), which keeps them all.
    elsewhere = 0
    if ExportFormat(fmt) is not ExportFormat.JSON:
        elsewhere = sum(1 for a in chosen if a.article not in corpus)
    if elsewhere:
        chosen = [a for a in chosen if a.article in corpus]
    whole = not tags and article_id is None and choice.annotation_ids is None and not elsewhere
    if (
        not chosen
        and not (choice.all_articles and ExportFormat(fmt).is_bibliography)
        and not (ExportFormat(fmt).is_codebook and whole and not coders and infos)
    ):
        message = empty_export_message(tags, article_id, coders)
        if elsewhere:
            message += f" ({left_out_elsewhere(elsewhere)})"
        raise EmptyExportError(message)
    unused = tuple(tag for tag in tags if not any(subtree_filter([tag])(a.tags) for a in chosen))
    if choice.all_articles:
        metas = {meta.id: meta for meta in corpus}
    else:
        cited = dict.fromkeys(map(_article, chosen))  # each once, in order
        metas = {article: corpus.meta(article) for article in cited if article in corpus}
    colours = {info.name: info.colour for info in infos if info.count}
    generated = utc_now()
    pandoc = choice.pandoc_bibliography is not None
    codebook = store_codebook(infos, chosen, whole=whole)
    keys = citation_keys(corpus)  # over the collection: the same key whatever is exported
    memos = export_memos(all_memos, chosen, codebook, whole=whole)
    render = partial(
        export_chunks,
        fmt,
        chosen,
        metas,
        colours,
        collection=corpus.name,
        generated=generated,
        tags=tags,
        article=article_id,
        style=choice.style,
        pandoc=pandoc,
        bibliography=choice.pandoc_bibliography,
        codebook=codebook,
        memos=memos,
        keys=keys,
        presorted=True,
        load=load,
        record=record,
    )
    bibliography = None
    if pandoc:
        bibliography = render_export(
            ExportFormat.CSL_JSON,
            [],
            metas,
            colours,
            collection=corpus.name,
            generated=generated,
            keys=keys,
        )
    return RenderedExport(render, len(chosen), unused, len(metas), bibliography, elsewhere)


def left_out_elsewhere(count: int) -> str:
    """What an export says of the annotations it left out as another collection's."""
    return (
        f"left out {count_noun(count, 'annotation')} of articles not in this collection "
        "(another collection's, or their file was removed)"
    )


def store_codebook(
    infos: Sequence[TagInfo], annotations: Sequence[Placed], *, whole: bool
) -> list[CodebookEntry]:
    """The codebook of an export: the tags `annotations` carry and the tags above them, with
    their colours and descriptions; with `whole` (nothing filtered out), every tag of the
    store's codebook, also those only described."""
    entries = [CodebookEntry(info.name, info.colour, info.description or None) for info in infos]
    if whole:
        return entries
    carried = {tag for tags in set(map(_tags, annotations)) for tag in tags}
    wanted = {tag_key(path) for tag in carried for path in (*tag_ancestors(tag), tag)}
    return [entry for entry in entries if tag_key(entry.name) in wanted]


_tags = attrgetter("tags")
_article = attrgetter("article")


def export_memos(
    memos: Sequence[dict[str, str]],
    annotations: Sequence[Placed],
    codebook: Sequence[CodebookEntry],
    *,
    whole: bool,
) -> list[dict[str, str]]:
    """The memos an export carries: on the articles of `annotations` and the tags of
    `codebook` (every memo with `whole`)."""
    if whole:
        return list(memos)
    articles = set(map(_article, annotations))
    tags = {tag_key(entry.name) for entry in codebook}
    return [
        memo
        for memo in memos
        if (
            memo["target"] in articles
            if memo["kind"] == "article"
            else tag_key(memo["target"]) in tags
        )
    ]


def empty_export_message(
    tags: Sequence[str], article: str | None, coders: Sequence[str] = ()
) -> str:
    """Why an export is empty, naming the filters: "no annotations tagged x on article y"."""
    if not tags and article is None and not coders:
        return "there are no annotations to export"
    words = ["no annotations"]
    if tags:
        words.append("tagged " + " or ".join(safe_name(tag) for tag in tags))
    if article is not None:
        words.append(f"on article {article}")
    if coders:
        words.append("by " + " or ".join(safe_name(coder) for coder in coders))
    return " ".join(words) + "; nothing was exported"


@dataclass(frozen=True, slots=True)
class QdpxExport:
    """A `.qdpx` archive, how many annotations it holds, and why others were left out."""

    data: bytes
    count: int
    unused_tags: tuple[str, ...]
    left_out: tuple[str, ...]


def export_qdpx(
    store: AnnotationStore,
    corpus: Corpus,
    *,
    tags: Sequence[str] = (),
    article: str | None = None,
    coders: Sequence[str] = (),
) -> QdpxExport:
    """The selected annotations as a REFI-QDA project: their articles as text sources,
    their tags as codes, their coders as users.

    Orphaned annotations (their passage is gone) and those whose article is not in the
    collection cannot point into a text and are left out, one line each in `left_out`.
    """
    from annotations.export.refi.project import render_qdpx

    article_id = corpus.resolve(article) if article else None
    chosen = select_annotations(store.all(), tags=tags, article=article_id, coders=coders)
    unused = tuple(tag for tag in tags if not any(subtree_filter([tag])(a.tags) for a in chosen))
    left_out: list[str] = []
    kept: list[Annotation] = []
    for annotation in chosen:
        if annotation.article not in corpus:
            left_out.append(
                f"left out annotation {annotation.id}: article "
                f"{annotation.article} is not in the collection"
            )
        elif annotation.anchor is Anchor.ORPHANED:
            left_out.append(
                f"left out annotation {annotation.id}: it is orphaned (its "
                "passage is no longer in the article)"
            )
        else:
            kept.append(annotation)
    articles = {aid: corpus.article(aid) for aid in sorted({a.article for a in kept})}
    whole = not tags and article_id is None
    codebook = store_codebook(store.tags(), kept, whole=whole)
    data = render_qdpx(
        kept,
        articles,
        codebook,
        name=corpus.name,
        user=store.coder,
        generated=utc_now(),
        memos=export_memos(store.memos(), kept, codebook, whole=whole),
    )
    return QdpxExport(data, len(kept), unused, tuple(left_out))
