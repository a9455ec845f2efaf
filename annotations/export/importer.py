"""Reading native json and W3C exports back, and merging them into the store.

`read_export` only parses (it raises `ImportFormatError` before anything is written);
`import_annotations` merges by annotation id: unknown ids are added, known ones are
replaced when the file's copy was updated later, and everything else is left alone. Every
imported annotation is re-anchored against the current article text; one whose article is
not in the collection is kept as orphaned. A native export's codebook descriptions are
added for tags the store has none for (a description the store has is kept), and its
memos merged like annotations (new ones added, a later `updated` wins), in the same write.

Imported files are untrusted: quotes, notes and context are passed through
`normalise_text`, ids, article ids and tags holding control characters are refused and
invisible format characters (bidi overrides, zero-width ones) are stripped from them, and
every size is bounded (`annotations.limits`). Whatever the file holds, reading it
either succeeds or raises `ImportFormatError`/`ImportFileError` with one line.
A file with a missing timestamp never counts as newer than the store's copy.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from annotations.anchoring import current_article, place
from annotations.coder import coder_or_none
from annotations.errors import ImportFormatError, NewsmarkError
from annotations.export.native import NATIVE_FORMAT_VERSION
from annotations.export.w3c import annotation_id_from_iri, parse_article_urn
from annotations.limits import (
    MAX_ARTICLE_CHARS,
    MAX_CONTEXT_CHARS,
    MAX_FILE_BYTES,
    MAX_ID_CHARS,
    MAX_ITEMS,
    MAX_NOTE_CHARS,
    MAX_OFFSET,
    MAX_QUOTE_CHARS,
    MAX_TAG_RECORDS,
)
from annotations.model import RECORD_SCHEMA, Anchor, Annotation
from annotations.regular_file import FileTooLargeError, NotRegularFileError, read_regular_file
from annotations.tags import (
    InvalidTagError,
    normalise_tag,
    normalise_tags,
    tag_key,
    validate_colour,
)
from annotations.text import normalise_text, strip_format_characters
from annotations.wording import count_noun

if TYPE_CHECKING:
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore

ArticleForUrl = Callable[[str], str | None]
_W3C_TYPES = frozenset({"Annotation", "AnnotationPage", "AnnotationCollection"})


class ImportFileError(NewsmarkError):
    """A file given to `newsmark import` cannot be read."""


@dataclass(frozen=True)
class ParsedImport:
    """The annotations read from one export file, not yet merged."""

    source_name: str
    format: Literal["json", "w3c", "qdpx"]
    annotations: tuple[Annotation, ...]
    tag_colours: Mapping[str, str] = field(default_factory=dict)
    duplicates: int = 0
    # A native export's codebook (tag -> description) and memos (kind/target/text/updated).
    descriptions: Mapping[str, str] = field(default_factory=dict)
    memos: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What `import_annotations` did; `orphaned` counts added/updated ones left orphaned,
    `skipped` repeated ids within the file (the first copy wins), `elsewhere` added/updated
    ones whose article is not in the collection (kept as they came)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    skipped: int = 0
    # Codebook descriptions: set (the store had none) and kept (the store's differs).
    descriptions_added: int = 0
    descriptions_kept: int = 0
    memos: Counter[str] = field(default_factory=Counter)  # added / updated / unchanged
    elsewhere: int = 0

    def summary(self) -> str:
        """`3 added, 1 updated, 0 unchanged, 1 orphaned` (`, N skipped` when any were),
        then what became of the codebook descriptions and memos, when the file had any."""
        text = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.orphaned} orphaned"
        )
        text += f", {self.skipped} skipped" if self.skipped else ""
        if self.elsewhere:
            text += (
                f", {self.elsewhere} of articles not in this collection (kept as they came, "
                "placed when their collection is opened)"
            )
        if self.descriptions_added or self.descriptions_kept:
            text += f"; descriptions: {self.descriptions_added} added"
            if self.descriptions_kept:
                text += f", {self.descriptions_kept} kept as the database has them"
        if self.memos:
            text += (
                f"; memos: {self.memos['added']} added, {self.memos['updated']} updated, "
                f"{self.memos['unchanged']} unchanged"
            )
        return text


# ---------------------------------------------------------------------------- reading


def read_export(
    text: str, *, source_name: str, article_for_url: ArticleForUrl | None = None
) -> ParsedImport:
    """Parse a native json or W3C export; `ImportFormatError` names the file and the fault.

    `article_for_url` maps a W3C target URL to an article id of the collection; a target
    it cannot map keeps the URL as its article id (and will be orphaned on import).
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"{source_name}: not valid JSON (line {error.lineno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ImportFormatError(f"{source_name}: JSON nested too deeply") from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise ImportFormatError(f"{source_name}: not valid JSON ({error})") from None
    if isinstance(document, dict) and "newsmark" in document:
        return _read_native(document, source_name)
    if isinstance(document, dict) and _W3C_TYPES & _strings(document.get("type")):
        return _read_w3c(document, source_name, article_for_url or (lambda _url: None))
    raise ImportFormatError(f"{source_name}: not a newsmark json or W3C annotation export")


def read_export_file(path: Path, *, article_for_url: ArticleForUrl | None = None) -> ParsedImport:
    """`read_export` of a UTF-8 file (a byte-order mark is allowed), named by its file name.

    Raises `ImportFileError` when the file cannot be read as UTF-8 text, or is not a
    regular file (a FIFO is refused, never waited on), and `ImportFormatError` when it is
    larger than `MAX_FILE_BYTES`.
    """
    path = Path(path)
    try:
        data = read_regular_file(path, max_bytes=MAX_FILE_BYTES)
        text = data.decode("utf-8-sig")
    except FileTooLargeError:
        raise ImportFormatError(
            f"{path.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
        ) from None
    except NotRegularFileError as error:
        raise ImportFileError(f"cannot read {path}: {error.reason}") from None
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path.name}: not UTF-8 text") from None
    return read_export(text, source_name=path.name, article_for_url=article_for_url)


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> set[str]:
    """The strings among a JSON-LD value or list of values (`type`, `purpose`, ...)."""
    return {item for item in _values(value) if isinstance(item, str)}


def _bounded(value: str, limit: int, where: str, key: str) -> str:
    """`value`, unless it is longer than `limit` characters."""
    if len(value) > limit:
        raise ImportFormatError(
            f"{where}: '{key}' is {len(value):,} characters long (at most {limit:,})"
        )
    return value


def _identifier(value: str, where: str, key: str, limit: int = MAX_ID_CHARS) -> str:
    """`value` as an id: invisible format characters stripped, then non-empty, at most
    `limit` characters and free of control characters."""
    value = strip_format_characters(_bounded(value, limit * 4, where, key))
    if not value.strip():
        raise ImportFormatError(f"{where}: '{key}' is empty")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise ImportFormatError(f"{where}: '{key}' contains a control character")
    return _bounded(value, limit, where, key)


def _offset(value: Any) -> TypeGuard[int]:
    """Whether `value` can be a start/end offset: an integer (not a bool) in range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_OFFSET


def _items(items: list[Any], name: str) -> list[Any]:
    """`items`, unless the file holds more than `MAX_ITEMS` annotations."""
    if len(items) > MAX_ITEMS:
        raise ImportFormatError(
            f"{name}: {len(items):,} annotations (at most {MAX_ITEMS:,} in one file)"
        )
    return items


def _quote(value: str, where: str) -> str:
    """The quoted text, normalised; it must not be blank."""
    quote = normalise_text(_bounded(value, MAX_QUOTE_CHARS, where, "quote"))
    if not quote.strip():
        raise ImportFormatError(f"{where}: the quote is empty")
    return quote


def _timestamp(value: Any, where: str, key: str) -> str:
    """An ISO 8601 timestamp, or "" when missing (never newer than anything)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: '{key}' is not a string")
    _bounded(value, 64, where, key)
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ImportFormatError(f"{where}: '{key}' is not an ISO 8601 time") from None
    return value


def _unique(
    source_name: str,
    fmt: Literal["json", "w3c"],
    annotations: Iterable[Annotation],
    tag_colours: Mapping[str, str] | None = None,
) -> ParsedImport:
    seen: dict[str, Annotation] = {}
    duplicates = 0
    for annotation in annotations:
        if annotation.id in seen:
            duplicates += 1
        else:
            seen[annotation.id] = annotation
    return ParsedImport(source_name, fmt, tuple(seen.values()), dict(tag_colours or {}), duplicates)


def _read_native(document: dict[str, Any], name: str) -> ParsedImport:
    version = document.get("newsmark")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFormatError(f"{name}: 'newsmark' format version is not a positive integer")
    if version > NATIVE_FORMAT_VERSION:
        raise ImportFormatError(
            f"{name}: written by a newer newsmark (format {version}); upgrade newsmark to import it"
        )
    schema = document.get("schema", RECORD_SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ImportFormatError(f"{name}: 'schema' is not a positive integer")
    if schema > RECORD_SCHEMA:
        raise ImportFormatError(
            f"{name}: written by a newer newsmark (schema {schema}); upgrade newsmark to import it"
        )
    records = document.get("annotations")
    if not isinstance(records, list):
        raise ImportFormatError(f"{name}: 'annotations' is not a list")
    annotations = [
        _native_annotation(record, index, name)
        for index, record in enumerate(_items(records, name), start=1)
    ]
    parsed = _unique(name, "json", annotations, _native_tag_colours(document.get("tags"), name))
    return replace(
        parsed,
        descriptions=_native_codebook(document.get("codebook"), name),
        memos=_native_memos(document.get("memos"), name),
    )


def _native_codebook(entries: Any, name: str) -> dict[str, str]:
    """A native export's `codebook`: [{"name", "description"}] as tag -> description."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ImportFormatError(f"{name}: 'codebook' is not a list")
    if len(entries) > MAX_TAG_RECORDS:
        raise ImportFormatError(
            f"{name}: {len(entries):,} codebook entries (at most {MAX_TAG_RECORDS:,})"
        )
    descriptions: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"{name}: codebook entry {index}"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or not isinstance(entry.get("description"), str)
        ):
            raise ImportFormatError(f"{where} is not a name with a description")
        try:
            tag = normalise_tag(_bounded(entry["name"], MAX_CONTEXT_CHARS, where, "name"))
        except InvalidTagError as error:
            raise ImportFormatError(f"{where}: {error}") from None
        text = normalise_text(
            _bounded(entry["description"], MAX_NOTE_CHARS, where, "description")
        ).strip()
        if text:
            descriptions[tag] = text
    return descriptions


def _native_memos(memos: Any, name: str) -> tuple[dict[str, str], ...]:
    """A native export's `memos`: [{"kind": "article"|"tag", "target", "text", "updated"}],
    checked and cleaned (memos with no text are left out)."""
    if memos is None:
        return ()
    if not isinstance(memos, list):
        raise ImportFormatError(f"{name}: 'memos' is not a list")
    if len(memos) > MAX_ITEMS:
        raise ImportFormatError(f"{name}: {len(memos):,} memos (at most {MAX_ITEMS:,})")
    cleaned: list[dict[str, str]] = []
    for index, memo in enumerate(memos, start=1):
        where = f"{name}: memo {index}"
        if (
            not isinstance(memo, dict)
            or memo.get("kind") not in ("article", "tag")
            or not isinstance(memo.get("target"), str)
            or not isinstance(memo.get("text"), str)
        ):
            raise ImportFormatError(f"{where} is not an article or tag memo with a text")
        if memo["kind"] == "tag":
            try:
                target = normalise_tag(_bounded(memo["target"], MAX_CONTEXT_CHARS, where, "target"))
            except InvalidTagError as error:
                raise ImportFormatError(f"{where}: {error}") from None
        else:
            target = _identifier(memo["target"], where, "target", MAX_ARTICLE_CHARS)
        text = normalise_text(_bounded(memo["text"], MAX_NOTE_CHARS, where, "text")).strip()
        if text:
            cleaned.append(
                {
                    "kind": memo["kind"],
                    "target": target,
                    "text": text,
                    "updated": _timestamp(memo.get("updated"), where, "updated"),
                }
            )
    return tuple(cleaned)


def _native_annotation(record: Any, index: int, name: str) -> Annotation:
    where = f"{name}: annotation {index}"
    if not isinstance(record, dict):
        raise ImportFormatError(f"{where} is not an object")
    for key, kind, what in (
        ("id", str, "a string"),
        ("article", str, "a string"),
        ("quote", str, "a string"),
        ("start", int, "an integer"),
        ("end", int, "an integer"),
    ):
        if key not in record:
            raise ImportFormatError(f"{where} has no '{key}'")
        if not isinstance(record[key], kind) or isinstance(record[key], bool):
            raise ImportFormatError(f"{where}: '{key}' is not {what}")
    if not (
        _offset(record["start"]) and _offset(record["end"]) and record["start"] < record["end"]
    ):
        raise ImportFormatError(f"{where}: start/end are not a valid range")
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ImportFormatError(f"{where}: 'tags' is not a list of strings")
    text = {
        key: _optional_text(record, key, where)
        for key in ("prefix", "suffix", "body_hash", "note", "colour", "coder")
    }
    try:
        colour = validate_colour(text["colour"]) if text["colour"] is not None else None
        cleaned_tags = normalise_tags(tags)
    except InvalidTagError as error:
        raise ImportFormatError(f"{where}: {error}") from None
    anchor = record.get("anchor", Anchor.EXACT)
    if anchor not in tuple(Anchor):
        raise ImportFormatError(f"{where}: 'anchor' is not one of exact, fuzzy, orphaned")
    return Annotation(
        id=_identifier(record["id"], where, "id"),
        article=_identifier(record["article"], where, "article", MAX_ARTICLE_CHARS),
        quote=_quote(record["quote"], where),
        start=record["start"],
        end=record["end"],
        prefix=normalise_text(text["prefix"] or ""),
        suffix=normalise_text(text["suffix"] or ""),
        body_hash=text["body_hash"] or "",
        tags=cleaned_tags,
        note=normalise_text(text["note"]) if text["note"] is not None else None,
        colour=colour,
        anchor=Anchor(anchor),
        created=_timestamp(record.get("created"), where, "created"),
        updated=_timestamp(record.get("updated"), where, "updated"),
        coder=coder_or_none(text["coder"]),
    )


def _optional_text(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: '{key}' is not a string or null")
    return _bounded(value, MAX_NOTE_CHARS if key == "note" else MAX_CONTEXT_CHARS, where, key)


def _native_tag_colours(tags: Any, name: str) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, list):
        raise ImportFormatError(f"{name}: 'tags' is not a list")
    if len(tags) > MAX_TAG_RECORDS:
        raise ImportFormatError(f"{name}: {len(tags):,} tags (at most {MAX_TAG_RECORDS:,})")
    colours: dict[str, str] = {}
    for index, tag in enumerate(tags, start=1):
        if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
            raise ImportFormatError(f"{name}: tag {index} has no name")
        colour = tag.get("colour")
        if colour:
            if not isinstance(colour, str) or len(colour) > MAX_CONTEXT_CHARS:
                raise ImportFormatError(f"{name}: tag {index}: 'colour' is not a colour")
            try:
                colours[normalise_tag(tag["name"])] = validate_colour(colour)
            except InvalidTagError as error:
                raise ImportFormatError(f"{name}: tag {index}: {error}") from None
    return colours


def _read_w3c(document: dict[str, Any], name: str, article_for_url: ArticleForUrl) -> ParsedImport:
    types = _strings(document.get("type"))
    fallback_time = _timestamp(document.get("generated"), name, "generated")
    if "AnnotationCollection" in types:
        first = document.get("first")
        if first is None:
            items: list[Any] = []
        elif isinstance(first, dict):
            items = _page_items(first, name)
        else:
            raise ImportFormatError(f"{name}: the collection's first page is not embedded")
    elif "AnnotationPage" in types:
        items = _page_items(document, name)
    else:
        items = [document]
    annotations = [
        _w3c_annotation(item, index, name, article_for_url, fallback_time)
        for index, item in enumerate(_items(items, name), start=1)
    ]
    return _unique(name, "w3c", annotations)


def _page_items(page: dict[str, Any], name: str) -> list[Any]:
    items = page.get("items")
    if not isinstance(items, list):
        raise ImportFormatError(f"{name}: the annotation page has no items list")
    return items


def _w3c_annotation(
    item: Any, index: int, name: str, article_for_url: ArticleForUrl, fallback_time: str
) -> Annotation:
    where = f"{name}: item {index}"
    if not isinstance(item, dict):
        raise ImportFormatError(f"{where} is not an embedded annotation")
    iri = item.get("id")
    if not isinstance(iri, str) or not iri:
        raise ImportFormatError(f"{where} has no id")
    _bounded(iri, MAX_ARTICLE_CHARS, where, "id")
    source, quote_selector, position = _w3c_target(item, where)
    exact = quote_selector.get("exact")
    if not isinstance(exact, str):
        raise ImportFormatError(f"{where}: TextQuoteSelector has no exact text")
    quote = _quote(exact, where)
    start, end = 0, len(quote)
    if position is not None:
        given_start, given_end = position.get("start"), position.get("end")
        if not (_offset(given_start) and _offset(given_end) and given_start < given_end):
            raise ImportFormatError(f"{where}: TextPositionSelector start/end are not valid")
        start, end = given_start, given_end
    tags, note = _w3c_bodies(item, where)
    urn = parse_article_urn(source)
    article = urn[1] if urn else (article_for_url(source) or source)
    modified = _timestamp(item.get("modified"), where, "modified")
    created = _timestamp(item.get("created"), where, "created") or modified or fallback_time
    return Annotation(
        id=_identifier(annotation_id_from_iri(iri) or iri, where, "id"),
        article=_identifier(article, where, "target source", MAX_ARTICLE_CHARS),
        quote=quote,
        start=start,
        end=end,
        prefix=normalise_text(_context(quote_selector.get("prefix"), where, "prefix")),
        suffix=normalise_text(_context(quote_selector.get("suffix"), where, "suffix")),
        body_hash="",
        tags=tuple(tags),
        note=note,
        created=created,
        updated=modified or created,
        coder=_w3c_creator(item.get("creator"), where),
    )


def _w3c_creator(value: Any, where: str) -> str | None:
    """The coder named by a W3C `creator`: an Agent's `name` (else `nickname`, else `id`),
    or an IRI string; the first of a list. None when there is none."""
    for agent in _values(value):
        if isinstance(agent, dict):
            agent = next(
                (
                    agent[key]
                    for key in ("name", "nickname", "id")
                    if isinstance(agent.get(key), str) and agent[key].strip()
                ),
                None,
            )
        if isinstance(agent, str):
            return coder_or_none(_bounded(agent, MAX_CONTEXT_CHARS, where, "creator"))
    return None


def _context(value: Any, where: str, key: str) -> str:
    """A TextQuoteSelector's prefix or suffix: "" unless it is a string."""
    return _bounded(value, MAX_CONTEXT_CHARS, where, key) if isinstance(value, str) else ""


def _w3c_target(
    item: dict[str, Any], where: str
) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    targets = [t for t in _values(item.get("target")) if isinstance(t, dict)]
    if not targets:
        raise ImportFormatError(f"{where} has no target with a source and selectors")
    for target in targets:
        selectors = [s for s in _values(target.get("selector")) if isinstance(s, dict)]
        quote = next((s for s in selectors if "TextQuoteSelector" in _strings(s.get("type"))), None)
        if quote is None:
            continue
        source = target.get("source")
        if not isinstance(source, str) or not source:
            raise ImportFormatError(f"{where}: target has no source")
        position = next(
            (s for s in selectors if "TextPositionSelector" in _strings(s.get("type"))), None
        )
        return source, quote, position
    raise ImportFormatError(f"{where} has no TextQuoteSelector")


def _w3c_bodies(item: dict[str, Any], where: str) -> tuple[list[str], str | None]:
    tags: list[str] = []
    notes: list[str] = []
    default_purpose = _strings(item.get("motivation"))
    for body in _values(item.get("body")):
        if not isinstance(body, dict) or "value" not in body:
            continue
        value = body["value"]
        if not isinstance(value, str):
            raise ImportFormatError(f"{where}: a TextualBody value is not a string")
        value = normalise_text(_bounded(value, MAX_NOTE_CHARS, where, "body value"))
        purposes = _strings(body.get("purpose")) or default_purpose
        if "tagging" in purposes:
            tags.append(value)
        elif value.strip():
            notes.append(value)
    try:
        cleaned = normalise_tags(tags)
    except InvalidTagError as error:
        raise ImportFormatError(f"{where}: {error}") from None
    note = "\n\n".join(notes) if notes else None
    if note is not None:
        _bounded(note, MAX_NOTE_CHARS, where, "note")
    return list(cleaned), note


# ---------------------------------------------------------------------------- merging


def _is_newer(incoming: str, current: str) -> bool:
    """Whether the file's `updated` is later than the store's; a missing one never is."""
    if not incoming:
        return False
    try:
        return datetime.fromisoformat(incoming) > datetime.fromisoformat(current)
    except (TypeError, ValueError):
        return incoming > current


def import_annotations(
    parsed: ParsedImport, store: AnnotationStore, corpus: Corpus
) -> ImportReport:
    """Merge `parsed` into `store` in one write (one undo step) and say what changed.

    Each annotation is placed on its article first (the slow part, done before taking the
    lock); whether it is new, newer than the stored one, or older is decided under the
    store's write lock, against the annotation as it is then ("newer wins" by `updated`).
    Tag colours carried by a native export are applied, in the same write, to the tags this
    import introduces (tags the store already had keep their colour).
    """
    placed = [
        place(incoming, current_article(corpus, incoming.article))
        for incoming in parsed.annotations
    ]
    counts = Counter[str]()

    def choose(current: Annotation | None, new: Annotation) -> Annotation | None:
        if current is not None and not _is_newer(new.updated, current.updated):
            counts["unchanged"] += 1
            return None
        counts["added" if current is None else "updated"] += 1
        counts["orphaned"] += new.anchor is Anchor.ORPHANED
        counts["elsewhere"] += new.article not in corpus
        return new

    def colours(known_tags: set[str]) -> dict[str, str]:
        incoming_tags = {tag_key(tag) for a in placed for tag in a.tags}
        return {
            tag: colour
            for tag, colour in parsed.tag_colours.items()
            if tag_key(tag) in incoming_tags - known_tags
        }

    def choose_description(current: str | None, new: str) -> str | None:
        if current is None:
            counts["descriptions added"] += 1
            return new
        counts["descriptions kept"] += current != new
        return None

    memos = Counter[str]()

    def choose_memo(
        current: Mapping[str, str] | None, new: Mapping[str, str]
    ) -> Mapping[str, str] | None:
        if current is None:
            memos["added"] += 1
            return new
        if current["text"] != new["text"] and _is_newer(new["updated"], current.get("updated", "")):
            memos["updated"] += 1
            return new
        memos["unchanged"] += 1
        return None

    store.merge_many(
        placed,
        choose,
        tag_colours=colours,
        descriptions=parsed.descriptions,
        choose_description=choose_description,
        memos=parsed.memos,
        choose_memo=choose_memo,
        description=f"import {count_noun(len(placed), 'annotation')}",
    )
    return ImportReport(
        counts["added"],
        counts["updated"],
        counts["unchanged"],
        counts["orphaned"],
        parsed.duplicates,
        counts["descriptions added"],
        counts["descriptions kept"],
        memos,
        counts["elsewhere"],
    )
