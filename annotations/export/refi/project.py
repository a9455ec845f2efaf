"""Writing a REFI-QDA project (`.qdpx`): coder, codebook, articles as text sources,
every annotation as a `PlainTextSelection` with its codings and note, and memos as
project `Note`s (an article's memo referenced by its `TextSource`, a tag's by its `Code`).

The archive holds `project.qde` (QDA-XML, validated against the project schema before it
is written) and `sources/<guid>.txt`, each article's body as UTF-8 plain text, so the
selections' `startPosition`/`endPosition` are exactly newsmark's offsets (characters of
the body). Article metadata travels as source variables (Title, Outlet, Date, Author, URL).
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime

from annotations.article import Article
from annotations.export.refi import (
    PROJECT_NS,
    NothingToExportError,
    check_own_output,
    stable_guid,
)
from annotations.export.refi.codebook import CodebookEntry, add_codes, code_guid
from annotations.model import Annotation, document_order
from annotations.tags import tag_key

PROJECT_FILE = "project.qde"
SOURCES_FOLDER = "sources"
INTERNAL_PREFIX = "internal://"
ORIGIN = "newsmark"
# Source variables carrying article metadata: (variable name, ArticleMeta attribute).
SOURCE_VARIABLES = (
    ("Title", "title"),
    ("Outlet", "source"),
    ("Date", "date"),
    ("Author", "author"),
    ("URL", "url"),
)
_SELECTION_NAME_LENGTH = 60


def _q(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def annotation_guid(annotation_id: str) -> str:
    """The annotation's own id when it is a GUID (newsmark's are), else a stable one."""
    try:
        return str(uuid.UUID(annotation_id))
    except ValueError:
        return stable_guid("annotation", annotation_id)


def _when(timestamp: str) -> str | None:
    """`timestamp` if it is a valid ISO 8601 date-time (xsd:dateTime), else None."""
    try:
        datetime.fromisoformat(timestamp)
    except ValueError:
        return None
    return timestamp if "T" in timestamp else None


def _stamped(attributes: dict[str, str], key: str, timestamp: str) -> dict[str, str]:
    when = _when(timestamp)
    if when:
        attributes[key] = when
    return attributes


def _selection(parent: ET.Element, annotation: Annotation, user: str) -> None:
    flat = " ".join(annotation.quote.split())
    attributes = {
        "guid": annotation_guid(annotation.id),
        "name": flat
        if len(flat) <= _SELECTION_NAME_LENGTH
        else flat[: _SELECTION_NAME_LENGTH - 1] + "…",
        "startPosition": str(annotation.start),
        "endPosition": str(annotation.end),
        "creatingUser": user,
    }
    _stamped(attributes, "creationDateTime", annotation.created)
    if _when(annotation.updated):
        attributes["modifyingUser"] = user
        attributes["modifiedDateTime"] = annotation.updated
    selection = ET.SubElement(parent, _q("PlainTextSelection"), attributes)
    if annotation.note:
        ET.SubElement(selection, _q("Description")).text = annotation.note
    for tag in annotation.tags:
        coding = ET.SubElement(
            selection,
            _q("Coding"),
            _stamped(
                {
                    "guid": stable_guid("coding", f"{annotation.id}:{tag_key(tag)}"),
                    "creatingUser": user,
                },
                "creationDateTime",
                annotation.created,
            ),
        )
        ET.SubElement(coding, _q("CodeRef"), {"targetGUID": code_guid(tag)})


def note_guid(kind: str, target: str) -> str:
    """The GUID of the `Note` holding the memo on an article or a tag."""
    return stable_guid("note", f"{kind}:{tag_key(target) if kind == 'tag' else target}")


def _memo_notes(
    memos: Sequence[Mapping[str, str]],
    articles: Mapping[str, Article],
    codebook: Sequence[CodebookEntry],
) -> list[Mapping[str, str]]:
    """The memos a project can carry: on its articles and on its codes."""
    codes = {tag_key(entry.name) for entry in codebook}
    return [
        memo
        for memo in memos
        if memo.get("text")
        and (
            memo["target"] in articles
            if memo["kind"] == "article"
            else tag_key(memo["target"]) in codes
        )
    ]


def _add_notes(
    root: ET.Element,
    memos: Sequence[Mapping[str, str]],
    articles: Mapping[str, Article],
    user_guid: str,
) -> None:
    notes = ET.SubElement(root, _q("Notes"))
    for memo in memos:
        kind, target = memo["kind"], memo["target"]
        about = articles[target].meta.title or target if kind == "article" else target
        attributes = {
            "guid": note_guid(kind, target),
            "name": f"Memo on {about}",
            "creatingUser": user_guid,
        }
        _stamped(attributes, "creationDateTime", memo.get("updated", ""))
        note = ET.SubElement(notes, _q("Note"), attributes)
        ET.SubElement(note, _q("PlainTextContent")).text = memo["text"]


def build_project(
    annotations: Sequence[Annotation],
    articles: Mapping[str, Article],
    codebook: Sequence[CodebookEntry],
    *,
    name: str,
    user: str,
    generated: str,
    memos: Sequence[Mapping[str, str]] = (),
) -> tuple[ET.Element, dict[str, str]]:
    """The `Project` element and the source texts by archive path.

    `annotations` must be anchored to `articles` (exact offsets into their bodies); those
    whose article is missing are left out by the caller. `user` is who exports (the
    project's creating user); every annotation's coder (`user` when it has none) is a
    `User` too, and the creating user of its selection and codings. `memos`
    ({"kind", "target", "text", "updated"}) on those articles and codes become `Note`s.
    """
    if not codebook:
        raise NothingToExportError("there are no tagged annotations to export")
    ET.register_namespace("", PROJECT_NS)
    user_guid = stable_guid("user", user)
    root = ET.Element(
        _q("Project"),
        _stamped(
            {"name": name, "origin": ORIGIN, "creatingUserGUID": user_guid},
            "creationDateTime",
            generated,
        ),
    )
    users = ET.SubElement(root, _q("Users"))
    coders = {user, *(a.coder or user for a in annotations)}
    for coder in sorted(coders, key=lambda c: (c.casefold(), c)):
        ET.SubElement(users, _q("User"), {"guid": stable_guid("user", coder), "name": coder})
    memos = _memo_notes(memos, articles, codebook)
    add_codes(
        ET.SubElement(root, _q("CodeBook")),
        codebook,
        PROJECT_NS,
        {tag_key(m["target"]): note_guid("tag", m["target"]) for m in memos if m["kind"] == "tag"},
    )
    variables = ET.SubElement(root, _q("Variables"))
    for label, _attribute in SOURCE_VARIABLES:
        ET.SubElement(
            variables,
            _q("Variable"),
            {"guid": stable_guid("variable", label), "name": label, "typeOfVariable": "Text"},
        )
    by_article: dict[str, list[Annotation]] = {}
    for annotation in sorted(annotations, key=document_order):
        by_article.setdefault(annotation.article, []).append(annotation)
    sources = ET.SubElement(root, _q("Sources"))
    texts: dict[str, str] = {}
    for article_id in sorted(by_article):
        article = articles[article_id]
        guid = stable_guid("source", f"{name}:{article_id}")
        texts[f"{SOURCES_FOLDER}/{guid}.txt"] = article.body
        source = ET.SubElement(
            sources,
            _q("TextSource"),
            {
                "guid": guid,
                "name": article_id,
                "plainTextPath": f"{INTERNAL_PREFIX}{guid}.txt",
                "creatingUser": user_guid,
            },
        )
        for annotation in by_article[article_id]:
            _selection(source, annotation, stable_guid("user", annotation.coder or user))
        if any(m["kind"] == "article" and m["target"] == article_id for m in memos):
            ET.SubElement(source, _q("NoteRef"), {"targetGUID": note_guid("article", article_id)})
        for label, attribute in SOURCE_VARIABLES:
            value = getattr(article.meta, attribute)
            if value:
                variable_value = ET.SubElement(source, _q("VariableValue"))
                ET.SubElement(
                    variable_value,
                    _q("VariableRef"),
                    {"targetGUID": stable_guid("variable", label)},
                )
                ET.SubElement(variable_value, _q("TextValue")).text = value
    if memos:
        _add_notes(root, memos, articles, user_guid)
    check_own_output(root, "project")
    return root, texts


def render_qdpx(
    annotations: Sequence[Annotation],
    articles: Mapping[str, Article],
    codebook: Sequence[CodebookEntry],
    *,
    name: str,
    user: str,
    generated: str,
    memos: Sequence[Mapping[str, str]] = (),
) -> bytes:
    """The `.qdpx` archive (zip) of `build_project`'s project and source texts."""
    root, texts = build_project(
        annotations, articles, codebook, name=name, user=user, generated=generated, memos=memos
    )
    try:  # members dated `generated`, so the same export gives the same bytes
        stamp = datetime.fromisoformat(generated).timetuple()[:6]
    except ValueError:
        stamp = (1980, 1, 1, 0, 0, 0)
    members = {
        PROJECT_FILE: ET.tostring(root, encoding="UTF-8", xml_declaration=True),
        **{path: text.encode("utf-8") for path, text in texts.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in members.items():
            info = zipfile.ZipInfo(path, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
