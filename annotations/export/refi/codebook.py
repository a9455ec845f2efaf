"""The codebook: tags as REFI-QDA codes (`.qdc`, or inside a `.qdpx`) and as a CSV codebook.

A tag whose name contains `/` (`security/maritime`) is a code nested under its parent
(`security`), the planned syntax for tag hierarchies; reading a codebook joins nested code
names with `/` again. newsmark has no tag descriptions yet: `CodebookEntry.description` is
written when present and read back, and the caller decides what to keep.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotations.errors import ImportFormatError
from annotations.export.refi import (
    CODEBOOK_NS,
    NothingToExportError,
    check_own_output,
    parse_xml,
    stable_guid,
)
from annotations.tags import InvalidTagError, normalise_tag, tag_key, validate_colour

HIERARCHY_SEPARATOR = "/"
CSV_COLUMNS = ("name", "description")


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    """One code: its full name (`parent/child`), colour (`#rrggbb`) and description."""

    name: str
    colour: str | None = None
    description: str | None = None


@dataclass
class _Node:
    path: str
    entry: CodebookEntry | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def code_guid(name: str) -> str:
    """The GUID of the code for tag `name` (case and spacing do not matter)."""
    return stable_guid("code", tag_key(name))


def _tree(entries: Iterable[CodebookEntry]) -> dict[str, _Node]:
    roots: dict[str, _Node] = {}
    for entry in entries:
        parts = [part.strip() for part in entry.name.split(HIERARCHY_SEPARATOR)]
        parts = [part for part in parts if part] or [entry.name]
        level, path = roots, ""
        for part in parts:
            path = f"{path}{HIERARCHY_SEPARATOR}{part}" if path else part
            node = level.setdefault(tag_key(part), _Node(path))
            level = node.children
        node.entry = entry
    return roots


def add_codes(
    parent: ET.Element,
    entries: Sequence[CodebookEntry],
    namespace: str,
    note_refs: Mapping[str, str] | None = None,
) -> None:
    """Append a `Codes` element for `entries` (nested by `/`) to `parent`.

    Intermediate codes that are not tags themselves (`security` for `security/maritime`
    alone) are written too, so the hierarchy is kept. `note_refs` (tag key -> the GUID of
    a project `Note`, the tag's memo) adds a `NoteRef` to those codes (projects only: the
    codebook schema has none).
    """
    codes = ET.SubElement(parent, f"{{{namespace}}}Codes")

    def add(container: ET.Element, node: _Node) -> None:
        attributes = {
            "guid": code_guid(node.path),
            "name": node.path.rsplit(HIERARCHY_SEPARATOR, 1)[-1],
            "isCodable": "true",
        }
        if node.entry is not None and node.entry.colour:
            attributes["color"] = node.entry.colour.upper()
        element = ET.SubElement(container, f"{{{namespace}}}Code", attributes)
        if node.entry is not None and node.entry.description:
            ET.SubElement(element, f"{{{namespace}}}Description").text = node.entry.description
        note = (note_refs or {}).get(tag_key(node.path))
        if note is not None:
            ET.SubElement(element, f"{{{namespace}}}NoteRef", {"targetGUID": note})
        for child in node.children.values():
            add(element, child)

    for root in _tree(entries).values():
        add(codes, root)


def read_codes(codes: ET.Element | None, namespace: str) -> dict[str, CodebookEntry]:
    """Every code under a `Codes` element, by GUID; nested names are joined with `/`.

    Code names are cleaned to valid tags (a comma, which separates tags in newsmark,
    becomes `;`); `ImportFormatError` if a name still cannot be a tag (too long).
    """
    found: dict[str, CodebookEntry] = {}

    def visit(element: ET.Element, parent: str) -> None:
        for code in element.findall(f"{{{namespace}}}Code"):
            part = (code.get("name") or "").replace(",", ";").replace(HIERARCHY_SEPARATOR, "-")
            name = f"{parent}{HIERARCHY_SEPARATOR}{part}" if parent else part
            try:
                name = normalise_tag(name)
                colour_attribute = code.get("color")
                colour = validate_colour(colour_attribute) if colour_attribute else None
            except InvalidTagError as error:
                raise ImportFormatError(f"code {code.get('name')!r}: {error}") from None
            description = code.findtext(f"{{{namespace}}}Description")
            found[code.get("guid", "")] = CodebookEntry(
                name, colour, description.strip() or None if description else None
            )
            visit(code, name)

    if codes is not None:
        visit(codes, "")
    return {guid: entry for guid, entry in found.items() if entry.name}


def render_qdc(entries: Sequence[CodebookEntry], *, origin: str) -> bytes:
    """A REFI-QDA codebook (`.qdc`) document, validated against the codebook schema."""
    if not entries:
        raise NothingToExportError("there are no tags to write to a codebook")
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    add_codes(root, entries, CODEBOOK_NS)
    check_own_output(root, "codebook")
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return document


def read_qdc(data: bytes, *, source_name: str) -> list[CodebookEntry]:
    """The codes of a `.qdc` file; `ImportFormatError` (naming the file) if it is not one."""
    root = parse_xml(data, "codebook", source_name)
    try:
        return list(read_codes(root.find(f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS).values())
    except ImportFormatError as error:
        raise ImportFormatError(f"{source_name}: {error}") from None


def render_codebook_csv(entries: Sequence[CodebookEntry]) -> str:
    """A CSV codebook with the columns `name,description`, one row per code."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([entry.name, entry.description or ""])
    return buffer.getvalue()


def read_codebook_csv(text: str, *, source_name: str) -> list[CodebookEntry]:
    """Codes from a CSV codebook as Taguette reads them: the name in a `tag`, `name` or
    `path` column (exactly one of them), an optional `description` and `parent` column.

    `ImportFormatError` (naming the file and row) for anything else.
    """
    rows = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip().lower() for cell in next(rows, [])]
        if "annotation_id" in header:
            raise ImportFormatError(
                f"{source_name}: this is newsmark's annotation CSV export, "
                "not a codebook; move annotations with --format json"
            )
        name_columns = [header.index(c) for c in ("tag", "name", "path") if c in header]
        if len(name_columns) != 1:
            raise ImportFormatError(
                f"{source_name}: not a codebook CSV (it needs exactly one "
                "of the columns tag, name or path)"
            )
        column = name_columns[0]
        described = header.index("description") if "description" in header else None
        parent_column = header.index("parent") if "parent" in header else None
        entries: list[CodebookEntry] = []
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = row + [""] * (len(header) - len(row))
            name = cells[column].strip()
            parent = cells[parent_column].strip() if parent_column is not None else ""
            if parent:
                name = f"{parent}{HIERARCHY_SEPARATOR}{name}"
            try:
                name = normalise_tag(name.replace(",", ";"))
            except InvalidTagError as error:
                raise ImportFormatError(f"{source_name}: row {number}: {error}") from None
            if not name:
                raise ImportFormatError(f"{source_name}: row {number}: the code name is empty")
            description = cells[described].strip() if described is not None else ""
            if tag_key(name) not in seen:
                seen.add(tag_key(name))
                entries.append(CodebookEntry(name, None, description or None))
    except csv.Error as error:
        raise ImportFormatError(f"{source_name}: not valid CSV ({error})") from None
    return entries
