"""Exporting annotations: format selection, filtering and the writers' common entry point.

Writers are pure functions of (annotations, article metadata, tag colours); pass
`generated` explicitly for reproducible output.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar, cast

from annotations.article import ArticleMeta
from annotations.coder import by_coders
from annotations.errors import NewsmarkError
from annotations.export.bibtex import render_bibtex
from annotations.export.csl import csl_items
from annotations.export.csv_format import CSV_FILE_ENCODING, render_csv
from annotations.export.json_stream import json_chunks
from annotations.export.markdown import render_markdown
from annotations.export.native import render_native, tag_summary
from annotations.export.refi.codebook import (
    CodebookEntry,
    render_codebook_csv,
    render_qdc,
)
from annotations.export.styles import DEFAULT_STYLE
from annotations.export.w3c import render_w3c
from annotations.model import RECORD_SCHEMA, Annotation, Placed, in_document_order, utc_now
from annotations.output_target import write_output_file
from annotations.tags import subtree_filter

_P = TypeVar("_P", bound=Placed)


class ExportWriteError(NewsmarkError):
    """An export file could not be written."""


class EmptyExportError(NewsmarkError):
    """No annotation matches what was asked to be exported; nothing was written."""


class ExportFormat(StrEnum):
    """The formats `newsmark export --format` writes."""

    W3C = "w3c"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    CSL_JSON = "csl-json"
    BIBTEX = "bibtex"
    QDPX = "qdpx"
    QDC = "qdc"
    CODEBOOK_CSV = "codebook-csv"

    @property
    def is_bibliography(self) -> bool:
        """Whether the format lists articles (references) rather than annotations."""
        return self in (ExportFormat.CSL_JSON, ExportFormat.BIBTEX)

    @property
    def renders_whole(self) -> bool:
        """Whether the format's writer takes every annotation whole at once (the JSON
        formats take them a chunk at a time; the others need their articles and tags)."""
        return self in (ExportFormat.CSV, ExportFormat.MARKDOWN)

    @property
    def is_codebook(self) -> bool:
        """Whether the format holds the codebook only (no annotations)."""
        return self in (ExportFormat.QDC, ExportFormat.CODEBOOK_CSV)


# The formats `render_export` returns as text (a qdpx project is a zip: `export_qdpx`).
TEXT_FORMATS = tuple(f for f in ExportFormat if f is not ExportFormat.QDPX)


def select_annotations(
    annotations: Iterable[_P],
    *,
    tags: Iterable[str] = (),
    article: str | None = None,
    coders: Collection[str] = (),
) -> list[_P]:
    """The annotations carrying any of `tags` or a tag below one (`tags.subtree_filter`:
    case and whitespace do not matter; all when empty) on `article` (any when None) made by
    one of `coders` (any when empty), sorted by article id then start offset."""
    tags = tuple(tags)
    if not tags and article is None and not coders:
        return in_document_order(annotations)
    carries = subtree_filter(tags)
    chosen = [
        a
        for a in by_coders(annotations, coders)
        if (article is None or a.article == article) and (not tags or carries(a.tags))
    ]
    return in_document_order(chosen)


def render_export(
    fmt: ExportFormat | str,
    annotations: Sequence[Annotation],
    metas: Mapping[str, ArticleMeta],
    tag_colours: Mapping[str, str],
    **options: Any,
) -> str:
    """The export of `annotations` as text: `export_chunks` joined (see there)."""
    return b"".join(export_chunks(fmt, annotations, metas, tag_colours, **options)).decode("utf-8")


def export_chunks(
    fmt: ExportFormat | str,
    annotations: Sequence[_P],
    metas: Mapping[str, ArticleMeta],
    tag_colours: Mapping[str, str],
    *,
    collection: str,
    generated: str | None = None,
    tags: Sequence[str] = (),
    article: str | None = None,
    style: str = DEFAULT_STYLE,
    pandoc: bool = False,
    bibliography: str | None = None,
    codebook: Sequence[CodebookEntry] | None = None,
    memos: Sequence[Mapping[str, str]] = (),
    keys: Mapping[str, str] | None = None,
    presorted: bool = False,
    load: Callable[[_P], Annotation] | None = None,
    record: Callable[[_P], dict[str, Any]] | None = None,
) -> Iterator[bytes]:
    """The export of `annotations` (written in article/offset order) as UTF-8 text, in
    pieces: the JSON formats (`w3c`, `json`) convert and write their annotations a chunk
    at a time (indented by orjson: the same text as the standard library's
    `json.dumps(indent=2, ensure_ascii=False)`, 20 times faster); the others in one piece.

    `metas` maps article ids to metadata (articles missing from it are cited by id only);
    `tag_colours` maps tag names to colours (json export); `generated` defaults to now and
    its date is the access date of URLs in references. `tags`/`article` describe the filter
    used: the Markdown header names them and, with `tags`, Markdown only writes those tags'
    sections. Markdown cites in `style`, or with `pandoc` as `[@key, chars S–E]` (naming the
    `bibliography` file in front matter). CSL-JSON
    and BibTeX list the articles of `metas`. `keys` (article id -> citation key) are
    those of the whole collection (`csl.citation_keys`), so that a key does not change with
    what else is exported; by default they are computed over `metas`. CSV text has no
    byte-order mark. The codebook formats write `codebook` (colours and descriptions from
    the store) when given, else the tags of `annotations` with their colours. The json and
    Markdown exports add the descriptions of `codebook` and the `memos`. With `presorted`,
    `annotations` are in that order already (`select_annotations`). With `load` and
    `record`, they stand for annotations (`store.scan.Stored`) read whole only as they are
    written: `load` gives the `Annotation`, `record` its `to_dict()` (without them they are
    `Annotation`s).
    """
    fmt = ExportFormat(fmt)
    ordered = annotations if presorted else in_document_order(annotations)
    whole = cast("Callable[[_P], Annotation]", _itself) if load is None else load
    as_dict = (
        cast("Callable[[_P], dict[str, Any]]", Annotation.to_dict) if record is None else record
    )
    descriptions = [
        (entry.name, entry.description) for entry in codebook or () if entry.description
    ]
    stamp = generated or utc_now()
    if fmt is ExportFormat.CSL_JSON:
        return json_chunks(csl_items(metas, accessed=stamp[:10], keys=keys))
    if fmt is ExportFormat.W3C:
        return json_chunks(
            render_w3c(ordered, metas, collection=collection, generated=stamp, record=as_dict)
        )
    if fmt is ExportFormat.JSON:
        return json_chunks(
            render_native(
                ordered,
                metas,
                tag_colours,
                collection=collection,
                generated=stamp,
                schema=RECORD_SCHEMA,
                descriptions=descriptions,
                memos=memos,
                record=as_dict,
            )
        )
    if fmt is ExportFormat.BIBTEX:
        text = render_bibtex(metas, accessed=stamp[:10], keys=keys)
    elif fmt is ExportFormat.MARKDOWN:
        text = render_markdown(
            list(map(whole, ordered)),
            metas,
            collection=collection,
            generated=stamp,
            tags=tags,
            article=article,
            style=style,
            pandoc=pandoc,
            bibliography=bibliography,
            descriptions=descriptions,
            memos=memos,
            keys=keys,
        )
    elif fmt is ExportFormat.QDPX:
        raise ValueError("qdpx is an archive: use export_qdpx")
    elif fmt is ExportFormat.CSV:
        text = render_csv(list(map(whole, ordered)), metas)
    else:
        entries = list(codebook) if codebook is not None else codebook_entries(ordered, tag_colours)
        text = (
            render_qdc(entries, origin="newsmark").decode("utf-8") + "\n"
            if fmt is ExportFormat.QDC
            else render_codebook_csv(entries)
        )
    return iter([text.encode("utf-8")])


def _itself(annotation: Annotation) -> Annotation:
    return annotation


def codebook_entries(
    annotations: Sequence[Placed], tag_colours: Mapping[str, str]
) -> list[CodebookEntry]:
    """The codebook of the tags `annotations` carry, with their colours (no descriptions:
    see `collect.store_codebook` for the store's)."""
    return [
        CodebookEntry(info.name, info.colour or None)
        for info in tag_summary(annotations, tag_colours)
    ]


def write_export_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write a binary export (a `.qdpx` archive) to `path` atomically, by the same rules as
    `write_export` (`OutputTargetError`, `ExportWriteError`)."""
    try:
        write_output_file(Path(path), data, force=force)
    except OSError as error:
        raise ExportWriteError(f"cannot write {path}: {error.strerror or error}") from None


def write_export(
    path: Path, text: str | Iterable[bytes], fmt: ExportFormat | str, *, force: bool = False
) -> None:
    """Write rendered export text (or its UTF-8 pieces, `export_chunks`) to `path`
    atomically.

    CSV files get a UTF-8 byte-order mark so spreadsheet programs (Excel) detect the
    encoding; other formats are plain UTF-8. The target follows the rules of
    `annotations.output_target`: an existing file is only replaced with `force`, anything
    but a regular file is refused, the directory must exist (`OutputTargetError`). Raises
    `ExportWriteError` when the write itself fails.
    """
    data = [text.encode("utf-8")] if isinstance(text, str) else text
    if ExportFormat(fmt) is ExportFormat.CSV:  # UTF-8 with a byte-order mark
        data = chain(["".encode(CSV_FILE_ENCODING)], data)
    try:
        write_output_file(Path(path), data, force=force)
    except OSError as error:
        raise ExportWriteError(f"cannot write {path}: {error.strerror or error}") from None
