"""REFI-QDA exchange: `.qdpx` projects and `.qdc` codebooks (QDA-XML 1.0), CSV codebooks.

The standard's XML schemas ship beside this module (see README.md there); every file
newsmark writes is validated against them, and every file it reads must validate.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from annotations.errors import ImportFormatError, NewsmarkError

if TYPE_CHECKING:
    import xmlschema

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SchemaKind = Literal["project", "codebook"]
_SCHEMA_FILES = {"project": "Project-mrt2019.xsd", "codebook": "Codebook-mrt2019.xsd"}
# Deterministic GUIDs (uuid5) for things newsmark has no GUID of its own for.
_GUID_NAMESPACE = uuid.UUID("5b1d7c4e-8f0a-4c43-9a55-6e6577736d6b")


class NothingToExportError(NewsmarkError):
    """The selection holds nothing a REFI-QDA file can carry (the schema needs a code)."""


class RefiSchemaError(NewsmarkError):
    """newsmark produced REFI-QDA XML that its schema rejects (a bug in newsmark)."""


def stable_guid(kind: str, key: str) -> str:
    """A GUID that is the same for the same (kind, key) in every export."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{kind}:{key}"))


@cache
def schema(kind: SchemaKind) -> xmlschema.XMLSchema:
    """The parsed XSD of a REFI-QDA project or codebook (loaded once)."""
    import xmlschema

    return xmlschema.XMLSchema(Path(__file__).with_name(_SCHEMA_FILES[kind]))


def schema_error(root: ET.Element, kind: SchemaKind) -> str | None:
    """Why `root` does not validate against the `kind` schema, as one line; None if valid."""
    error = next(schema(kind).iter_errors(root), None)
    if error is None:
        return None
    reason = " ".join((error.reason or str(error.message)).split())
    where = f" at {re.sub(r'{[^}]*}', '', error.path)}" if error.path else ""
    return f"{reason}{where}"


def check_own_output(root: ET.Element, kind: SchemaKind) -> None:
    """Raise `RefiSchemaError` if XML newsmark built does not validate."""
    problem = schema_error(root, kind)
    if problem:
        raise RefiSchemaError(
            f"internal error: the {kind} XML newsmark wrote is invalid: {problem}"
        )


def parse_xml(data: bytes, kind: SchemaKind, where: str) -> ET.Element:
    """Parse untrusted REFI-QDA XML and validate it; `ImportFormatError` on any fault."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ImportFormatError(f"{where}: not well-formed XML ({error})") from None
    namespace = PROJECT_NS if kind == "project" else CODEBOOK_NS
    expected = "Project" if kind == "project" else "CodeBook"
    if root.tag != f"{{{namespace}}}{expected}":
        raise ImportFormatError(
            f"{where}: not a REFI-QDA {kind} (the root element is not "
            f"{expected} in namespace {namespace})"
        )
    problem = schema_error(root, kind)
    if problem:
        raise ImportFormatError(f"{where}: does not follow the REFI-QDA {kind} schema: {problem}")
    return root
