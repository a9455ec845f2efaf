"""Importing a REFI-QDA project into the library and the annotation store.

Each text source becomes a `.json` article record in a folder of the library named after
the project; its text is first made into the body newsmark would load from it
(`canonical_text`), and the record is checked to load back to exactly that body before
anything is written. Selections become annotations on those articles (tags = code names,
`/` for nested codes), merged through `import_annotations` like any other import, with
the codes' descriptions and the memos (the notes a source or a code refers to).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.anchoring import new_annotation
from annotations.atomic import atomic_write_text
from annotations.coder import coder_or_none
from annotations.errors import ImportFormatError, NewsmarkError, QuoteNotFoundError
from annotations.export.importer import (
    ImportFileError,
    ImportReport,
    ParsedImport,
    import_annotations,
)
from annotations.export.refi.codebook import CodebookEntry, read_codebook_csv, read_qdc
from annotations.export.refi.reader import ParsedProject, ParsedSource
from annotations.export.refi.sourcetext import canonical_text
from annotations.loader import build_article
from annotations.model import Annotation
from annotations.parsers import parse_text
from annotations.tags import normalise_tag, tag_key, validate_colour
from annotations.text import normalise_text
from annotations.text import safe_name as printable_name
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.article import Article
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore

_UNSAFE_FILE_CHARS = re.compile(r"[^\w.-]+")
RECORD_SUFFIX = ".json"


class LibraryConflictError(NewsmarkError):
    """Importing would overwrite a different file of the library."""


@dataclass(frozen=True, slots=True)
class PlannedSource:
    """A source ready to write: its record file, the text of it, and the loaded article."""

    path: Path
    record: str
    article: Article


@dataclass(frozen=True)
class ProjectImportReport:
    """What a project import wrote and merged, and what it skipped."""

    folder: Path
    written: int
    unchanged: int
    merge: ImportReport
    notices: tuple[str, ...]
    # Sources whose text an article of the library already had: their codings went there.
    matched: int = 0

    def summary(self) -> str:
        """`2 articles written to LIB/project (0 already there); 5 added, …`, or how many
        sources were found in the library by their text, when any were."""
        parts = []
        if self.written or self.unchanged or not self.matched:
            parts.append(
                f"{count_noun(self.written, 'article')} written to {self.folder} "
                f"({self.unchanged} already there)"
            )
        if self.matched:
            parts.append(
                f"{count_noun(self.matched, 'source')} matched by their text to articles of "
                "the library"
            )
        return "; ".join([*parts, self.merge.summary()])


def file_stem(name: str) -> str:
    """A file-name-safe form of a source or project name (never empty, no `/`)."""
    stem = _UNSAFE_FILE_CHARS.sub("-", name).strip("-.")
    return stem[:80] or "source"


def _record(source: ParsedSource, body: str) -> str:
    record = {
        "title": source.metadata.get("title") or normalise_text(source.name).strip(),
        "text": body,
    }
    for key in ("source", "date", "author", "url"):
        if source.metadata.get(key):
            record[key] = source.metadata[key]
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def _loaded(record: str, path: Path, article_id: str) -> Article:
    """The article newsmark will load from `record` written at `path`."""
    (parsed,) = parse_text(normalise_text(record), path)
    return build_article(parsed, article_id, path, "utf-8")


def plan_sources(
    project: ParsedProject, library: Path
) -> tuple[Path, list[PlannedSource], list[list[tuple[int, int]]]]:
    """The folder, the record of every source, and each selection's body offsets.

    Raises `LibraryConflictError` if a file to write exists with other content, and
    `NewsmarkError` if a record would not load back to the exact body (a bug).
    """
    folder_name = file_stem(project.name or Path(project.file_name).stem)
    folder = library / folder_name
    planned: list[PlannedSource] = []
    offsets: list[list[tuple[int, int]]] = []
    used: set[str] = set()
    for source in project.sources:
        stem = base = file_stem(source.name)
        number = 1
        while stem.casefold() in used:
            number += 1
            stem = f"{base}-{number}"
        used.add(stem.casefold())
        canonical = canonical_text(source.text)
        path = folder / f"{stem}{RECORD_SUFFIX}"
        record = _record(source, canonical.body)
        article = _loaded(record, path, printable_name(f"{folder_name}/{stem}"))
        if article.body != canonical.body:
            raise NewsmarkError(
                f"internal error: source {printable_name(source.name)!r} "
                "would not load back unchanged"
            )
        if path.exists() and path.read_text(encoding="utf-8", errors="replace") != record:
            raise LibraryConflictError(
                f"{path} already exists with different content; move it away or rename the project"
            )
        planned.append(PlannedSource(path, record, article))
        offsets.append(
            [(canonical.start(s.start), canonical.end(s.end)) for s in source.selections]
        )
    return folder, planned, offsets


def _annotations(
    project: ParsedProject,
    planned: list[PlannedSource],
    offsets: list[list[tuple[int, int]]],
    notices: list[str],
) -> list[Annotation]:
    result: list[Annotation] = []
    for source, plan, spans in zip(project.sources, planned, offsets, strict=True):
        for selection, (start, end) in zip(source.selections, spans, strict=True):
            try:
                annotation = new_annotation(
                    plan.article, start, end, tags=selection.tags, note=selection.note
                )
            except QuoteNotFoundError:
                notices.append(
                    f"skipped selection {selection.guid} of "
                    f"{printable_name(source.name)!r}: it holds only whitespace"
                )
                continue
            result.append(
                replace(
                    annotation,
                    id=selection.guid,
                    coder=coder_or_none(selection.user),
                    created=selection.created or annotation.created,
                    updated=selection.updated or annotation.updated,
                )
            )
    return result


def import_project(
    project: ParsedProject, store: AnnotationStore, library: Path
) -> ProjectImportReport:
    """Write the project's text sources into the library, then merge its annotations.

    A source whose text an article of the library already has (a project exported from
    this library, imported back) is not written again: its codings and memo go to that
    article. Everything is checked before the first write; if the merge fails, the
    article files this call created are removed again.
    """
    from annotations.corpus import Corpus

    notices = list(project.notices)
    folder, planned, offsets = plan_sources(project, library)
    annotations = _annotations(project, planned, offsets, notices)
    colours = {entry.name: entry.colour for entry in project.codebook if entry.colour}
    created: list[Path] = []
    unchanged = 0
    corpus = Corpus.open(library)
    by_text = _articles_by_text(corpus)
    matched: dict[Path, str] = {}  # a source's record path -> the article with its text
    try:
        for source, plan in zip(project.sources, planned, strict=True):
            same = by_text.get(plan.article.content_hash, [])
            if plan.path.exists():
                unchanged += 1
            elif (article_id := _same_article(source, same, notices)) is not None:
                matched[plan.path] = article_id  # (its own export, read back: no copy)
            else:
                atomic_write_text(plan.path, plan.record)
                created.append(plan.path)
        if created:
            corpus = Corpus.open(library)
        ids = {meta.path.resolve(): meta.id for meta in corpus}
        ids.update((path.resolve(), article_id) for path, article_id in matched.items())
        placed: list[Annotation] = []
        memos = [
            {"kind": "tag", "target": tag, "text": memo.text, "updated": memo.updated}
            for tag, memo in project.code_memos.items()
        ]
        for source, plan in zip(project.sources, planned, strict=True):
            article_id = ids.get(plan.path.resolve())
            if article_id is None:
                raise NewsmarkError(f"{plan.path} was written but the library does not load it")
            placed += [
                replace(a, article=article_id) for a in annotations if a.article == plan.article.id
            ]
            if source.memo is not None:
                memos.append(
                    {
                        "kind": "article",
                        "target": article_id,
                        "text": source.memo.text,
                        "updated": source.memo.updated,
                    }
                )
        descriptions = {
            entry.name: entry.description for entry in project.codebook if entry.description
        }
        parsed = ParsedImport(
            project.file_name,
            "qdpx",
            tuple(placed),
            colours,
            descriptions=descriptions,
            memos=tuple(memos),
        )
        merge = import_annotations(parsed, store, corpus)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    return ProjectImportReport(
        folder, len(created), unchanged, merge, tuple(notices), matched=len(matched)
    )


def _articles_by_text(corpus: Corpus) -> dict[str, list[str]]:
    """The articles (by id) with each body of the library, by content hash."""
    found: dict[str, list[str]] = {}
    for meta in corpus:
        found.setdefault(corpus.content_hash(meta.id), []).append(meta.id)
    return found


def _same_article(source: ParsedSource, same_text: list[str], notices: list[str]) -> str | None:
    """The article of the library that `source` is, of those with its text: the only one,
    or the one it is named after (newsmark's export names a source by its article's id:
    syndicated copies of one wire story have the same text). None when none is, or it
    cannot be told which (then the source is written as an article of its own, and a
    notice says why)."""
    if source.name in same_text:
        return source.name
    if len(same_text) == 1:
        return same_text[0]
    if same_text:
        notices.append(
            f"source {printable_name(source.name)!r} has the text of "
            f"{count_noun(len(same_text), 'article')} of the library "
            f"({', '.join(same_text[:3])}{', …' if len(same_text) > 3 else ''}) and is named "
            "after none of them: imported as an article of its own"
        )
    return None


@dataclass(frozen=True, slots=True)
class CodebookImportReport:
    """What importing a codebook did."""

    codes: int
    coloured: int  # colours set (another than the tag had)
    in_use: int
    descriptions: int
    kept: int = 0
    known: int = 0  # codes the codebook had already

    def summary(self) -> str:
        """`4 codes (1 already in the codebook, 2 in use as tags), 3 colours set,
        1 description set, 1 kept as the database has it`."""
        text = (
            f"{count_noun(self.codes, 'code')} ({self.known} already in the codebook, "
            f"{self.in_use} in use as tags), "
            f"{count_noun(self.coloured, 'colour')} set, "
            f"{count_noun(self.descriptions, 'description')} set"
        )
        if self.kept:
            text += f", {self.kept} kept as the database has {'it' if self.kept == 1 else 'them'}"
        return text


def read_codebook_file(path: Path) -> list[CodebookEntry]:
    """The codes of a `.qdc` or CSV codebook file (by suffix); `ImportFileError` if it
    cannot be read, `ImportFormatError` if it is not a codebook."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from None
    name = printable_name(path.name)
    if path.suffix.lower() == ".qdc":
        return read_qdc(data, source_name=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(f"{name}: not UTF-8 text") from None
    return read_codebook_csv(text, source_name=name)


def import_codebook(entries: list[CodebookEntry], store: AnnotationStore) -> CodebookImportReport:
    """Put every code into the codebook, used or not, with its colour, and its description
    where the codebook has none (a description the database has is kept, as a json import
    does): one write, one undo step."""
    colours = {entry.name: entry.colour for entry in entries if entry.colour}
    codes: dict[str, str] = {}
    for entry in entries:
        codes[entry.name] = codes.get(entry.name) or entry.description or ""
    before = {tag_key(info.name): info.colour for info in store.tags()}
    recoloured = sum(
        before.get(tag_key(normalise_tag(tag))) != validate_colour(colour)
        for tag, colour in colours.items()
    )
    added, kept = store.add_codes(
        codes,
        colours=colours,
        description=f"import the codebook of {count_noun(len(entries), 'code')}",
    )
    in_use = {tag_key(info.name) for info in store.tags() if info.count}
    return CodebookImportReport(
        codes=len(entries),
        coloured=recoloured,
        in_use=sum(tag_key(entry.name) in in_use for entry in entries),
        descriptions=added,
        kept=kept,
        known=sum(tag_key(entry.name) in before for entry in entries),
    )
