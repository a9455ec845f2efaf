"""Reading a REFI-QDA project (`.qdpx`) completely into memory, checking everything.

Nothing here writes: `read_qdpx` returns the text sources with their selections, or
raises `ImportFormatError` (one line, naming the file) for a file that is not a zip, has
no `project.qde`, holds XML that is not well-formed or does not follow the REFI-QDA
project schema, or a selection outside its source's text. Sources that are not text
(PDF, pictures, audio, video) and text kept outside the archive are skipped with a notice.
The notes a text source or a code refers to (`NoteRef`) are read as memos.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotations.errors import ImportFormatError
from annotations.export.importer import ImportFileError
from annotations.export.refi import PROJECT_NS, parse_xml
from annotations.export.refi.codebook import CodebookEntry, read_codes
from annotations.export.refi.project import (
    INTERNAL_PREFIX,
    PROJECT_FILE,
    SOURCE_VARIABLES,
    SOURCES_FOLDER,
)
from annotations.loader import MAX_FILE_BYTES
from annotations.text import normalise_text, safe_name

MAX_PROJECT_BYTES = 100 * 1024 * 1024
_OTHER_SOURCES = {
    "PDFSource": "PDF",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}


@dataclass(frozen=True, slots=True)
class ParsedSelection:
    """One coded passage: source-text offsets, code names, note, coder and times."""

    guid: str
    start: int
    end: int
    tags: tuple[str, ...]
    note: str | None
    user: str | None
    created: str
    updated: str


@dataclass(frozen=True, slots=True)
class ParsedMemo:
    """The text of the notes something refers to (joined by blank lines), and when the
    last of them was written ("" when unknown)."""

    text: str
    updated: str


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """A text source: its name, plain text as stored, metadata variables and selections,
    and the memo of the notes it refers to."""

    name: str
    text: str
    metadata: dict[str, str]
    selections: tuple[ParsedSelection, ...]
    memo: ParsedMemo | None = None


@dataclass(frozen=True)
class ParsedProject:
    """Everything newsmark takes from a `.qdpx` file; `code_memos` maps a code's name to
    the memo of the notes it refers to."""

    file_name: str
    name: str
    sources: tuple[ParsedSource, ...]
    codebook: tuple[CodebookEntry, ...]
    notices: list[str] = field(default_factory=list)
    code_memos: dict[str, ParsedMemo] = field(default_factory=dict)


def _q(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _member(archive: zipfile.ZipFile, path: str, where: str) -> bytes:
    info = archive.getinfo(path)
    if info.file_size > MAX_PROJECT_BYTES:
        raise ImportFormatError(f"{where}: {path} is too large ({info.file_size} bytes)")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
        raise ImportFormatError(f"{where}: cannot read {path} from the archive ({error})") from None


def _find(archive: zipfile.ZipFile, wanted: str) -> str | None:
    """The archive member named `wanted` (a case-insensitive match of the full path)."""
    lowered = wanted.lower()
    return next((n for n in archive.namelist() if n.lower() == lowered), None)


def _timestamp(value: str | None) -> str:
    if not value:
        return ""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return ""
    return value


def read_qdpx(path: Path) -> ParsedProject:
    """Read and check a `.qdpx` file; see the module docstring for what is refused."""
    path = Path(path)
    where = safe_name(path.name)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImportFileError(f"cannot read {path}: no such file") from None
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from None
    except zipfile.BadZipFile:
        raise ImportFormatError(f"{where}: not a REFI-QDA project (not a zip archive)") from None
    with archive:
        project_path = _find(archive, PROJECT_FILE)
        if project_path is None:
            raise ImportFormatError(
                f"{where}: not a REFI-QDA project (no {PROJECT_FILE} in the archive)"
            )
        root = parse_xml(_member(archive, project_path, where), "project", where)
        return _Reader(archive, root, where).project()


class _Reader:
    """One pass over a validated `Project` element."""

    def __init__(self, archive: zipfile.ZipFile, root: ET.Element, where: str) -> None:
        self.archive = archive
        self.root = root
        self.where = where
        self.notices: list[str] = []
        self.users = {
            u.get("guid", ""): u.get("name") or u.get("id") or ""
            for u in root.iterfind(f"{_q('Users')}/{_q('User')}")
        }
        try:
            self.codes = read_codes(root.find(f"{_q('CodeBook')}/{_q('Codes')}"), PROJECT_NS)
        except ImportFormatError as error:
            raise ImportFormatError(f"{where}: {error}") from None
        self.variables = {
            v.get("guid", ""): v.get("name", "")
            for v in root.iterfind(f"{_q('Variables')}/{_q('Variable')}")
        }
        self.notes = {
            note.get("guid", ""): note for note in root.iterfind(f"{_q('Notes')}/{_q('Note')}")
        }

    def project(self) -> ParsedProject:
        sources: list[ParsedSource] = []
        container = self.root.find(_q("Sources"))
        for element in container if container is not None else ():
            kind = element.tag.rsplit("}", 1)[-1]
            name = element.get("name") or element.get("guid") or ""
            if kind != "TextSource":
                self.notices.append(
                    f"skipped {_OTHER_SOURCES.get(kind, kind)} source "
                    f"{safe_name(name)!r}: newsmark imports text sources only"
                )
                continue
            source = self._text_source(element, name)
            if source is not None:
                sources.append(source)
        code_memos: dict[str, ParsedMemo] = {}
        for code in self.root.iter(_q("Code")):
            entry = self.codes.get(code.get("guid", ""))
            memo = self._memo(code)
            if entry is not None and memo is not None:
                code_memos[entry.name] = memo
        return ParsedProject(
            self.where,
            self.root.get("name", ""),
            tuple(sources),
            tuple(self.codes.values()),
            self.notices,
            code_memos,
        )

    def _note_texts(self, element: ET.Element) -> list[tuple[str, str]]:
        """(text, time) of each note `element` refers to by its own `NoteRef`s."""
        found = []
        for ref in element.iterfind(_q("NoteRef")):
            note = self.notes.get(ref.get("targetGUID", ""))
            if note is not None:
                text = (self._text(note, note.get("name", "note")) or "").strip()
                when = _timestamp(note.get("modifiedDateTime") or note.get("creationDateTime"))
                if text:
                    found.append((text, when))
        return found

    def _memo(self, element: ET.Element) -> ParsedMemo | None:
        """The memo of the notes `element` refers to, or None."""
        texts = self._note_texts(element)
        if not texts:
            return None
        return ParsedMemo(
            normalise_text("\n\n".join(text for text, _ in texts)).strip(),
            max(when for _, when in texts),
        )

    def _text(self, element: ET.Element, name: str) -> str | None:
        """A text source's or note's plain text: inline, or a file inside the archive."""
        content = element.find(_q("PlainTextContent"))
        if content is not None:
            return content.text or ""
        location = element.get("plainTextPath") or ""
        if not location.startswith(INTERNAL_PREFIX):
            self.notices.append(
                f"skipped source {safe_name(name)!r}: its text is not inside "
                f"the project file ({safe_name(location) or 'no path'})"
            )
            return None
        member = _find(self.archive, f"{SOURCES_FOLDER}/{location[len(INTERNAL_PREFIX) :]}")
        if member is None:
            raise ImportFormatError(
                f"{self.where}: the text of source {safe_name(name)!r} "
                f"({safe_name(location)}) is missing from the archive"
            )
        data = _member(self.archive, member, self.where)
        if len(data) > MAX_FILE_BYTES:
            raise ImportFormatError(
                f"{self.where}: source {safe_name(name)!r} is over the "
                f"{MAX_FILE_BYTES // 1_048_576} MB limit"
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFormatError(
                f"{self.where}: the text of source {safe_name(name)!r} is not UTF-8"
            ) from None

    def _text_source(self, element: ET.Element, name: str) -> ParsedSource | None:
        text = self._text(element, name)
        if text is None:
            return None
        if element.find(_q("Coding")) is not None:
            self.notices.append(
                f"source {safe_name(name)!r}: codings of the whole source "
                "were not imported (newsmark codes passages)"
            )
        selections = tuple(
            self._selection(s, name, len(text)) for s in element.iterfind(_q("PlainTextSelection"))
        )
        metadata: dict[str, str] = {}
        labels = {label.lower(): attribute for label, attribute in SOURCE_VARIABLES}
        for value in element.iterfind(_q("VariableValue")):
            ref = value.find(_q("VariableRef"))
            label = self.variables.get(ref.get("targetGUID", "") if ref is not None else "")
            attribute = labels.get((label or "").lower())
            text_value = value.findtext(_q("TextValue"))
            if attribute and text_value and text_value.strip():
                metadata[attribute] = normalise_text(text_value).strip()
        return ParsedSource(name, text, metadata, selections, self._memo(element))

    def _selection(self, element: ET.Element, source: str, length: int) -> ParsedSelection:
        guid = element.get("guid", "")
        start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
        if not 0 <= start < end <= length:
            raise ImportFormatError(
                f"{self.where}: selection {guid} of source {safe_name(source)!r} runs from "
                f"{start} to {end}, outside its text of {length} characters"
            )
        tags: list[str] = []
        for coding in element.iterfind(_q("Coding")):
            target = coding.find(_q("CodeRef"))
            code = self.codes.get(target.get("targetGUID", "") if target is not None else "")
            if code is None:
                raise ImportFormatError(
                    f"{self.where}: selection {guid} is coded with a code "
                    "that is not in the codebook"
                )
            tags.append(code.name)
        notes = [element.findtext(_q("Description")) or ""]
        notes += [text for text, _ in self._note_texts(element)]
        note = "\n\n".join(n.strip() for n in notes if n and n.strip()) or None
        return ParsedSelection(
            guid=guid,
            start=start,
            end=end,
            tags=tuple(tags),
            note=note,
            user=self.users.get(element.get("creatingUser", "")),
            created=_timestamp(element.get("creationDateTime")),
            updated=_timestamp(element.get("modifiedDateTime") or element.get("creationDateTime")),
        )
