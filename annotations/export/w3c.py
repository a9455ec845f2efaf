"""The W3C Web Annotation export (JSON-LD) and a checker for the model's MUST rules.

The export is an `AnnotationCollection` whose embedded `first` page holds every
annotation, using only the standard vocabulary of https://www.w3.org/TR/annotation-model/
so any Web Annotation tool can read it:

- tags are `TextualBody`s with purpose `tagging`, the note one with purpose `commenting`;
- `motivation` is `commenting` with a note, else `tagging` with tags, else `highlighting`;
- the target's `source` is the article URL when known, else
  `urn:newsmark:<collection>:<article id>`; it carries a `TextQuoteSelector` (quote and
  context) and a `TextPositionSelector` (offsets into the article body), which an orphaned
  annotation has not: its passage is gone, and its old offsets point at other text (a
  reader anchors it by its quote, or shows it as an orphan, as Hypothesis does);
- an annotation id that is a UUID becomes `urn:uuid:<id>`, any other `urn:newsmark:id:<id>`.

The coder is the annotation's `creator` (a `Person` with a `name`).

newsmark-only data (highlight colours, anchor state, tag colours) is not in this format;
the native json export keeps everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeGuard, TypeVar
from urllib.parse import quote, unquote

from annotations.article import ArticleMeta
from annotations.export.json_stream import Streamed
from annotations.model import Anchor, Placed

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NEWSMARK_URN = "urn:newsmark:"
ID_URN = "urn:newsmark:id:"
UUID_URN = "urn:uuid:"
MOTIVATIONS = frozenset(
    {
        "assessing",
        "bookmarking",
        "classifying",
        "commenting",
        "describing",
        "editing",
        "highlighting",
        "identifying",
        "linking",
        "moderating",
        "questioning",
        "replying",
        "tagging",
    }
)
_P = TypeVar("_P", bound=Placed)
_ORPHANED = Anchor.ORPHANED.value  # (a str compares with a str in a tenth of the time)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_DATETIME = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)


def collection_urn(collection: str) -> str:
    """The IRI naming a collection: `urn:newsmark:<collection>` (percent-encoded)."""
    return NEWSMARK_URN + quote(collection, safe="")


@lru_cache(maxsize=4096)  # an export names each article once per annotation on it
def article_urn(collection: str, article_id: str) -> str:
    """The IRI naming an article without a URL: `urn:newsmark:<collection>:<id>`."""
    return f"{collection_urn(collection)}:{quote(article_id, safe='')}"


def parse_article_urn(iri: str) -> tuple[str, str] | None:
    """`(collection, article id)` from an `article_urn`, or None for any other IRI."""
    if not iri.startswith(NEWSMARK_URN) or iri.startswith(ID_URN):
        return None
    collection, sep, article_id = iri[len(NEWSMARK_URN) :].partition(":")
    if not sep or not collection or not article_id:
        return None
    return unquote(collection), unquote(article_id)


def annotation_iri(annotation_id: str) -> str:
    """`urn:uuid:<id>` for a UUID id (kept exactly as stored), else `urn:newsmark:id:<id>`."""
    if _CANONICAL_UUID.match(annotation_id):  # what `str(uuid.UUID(...))` gives
        return UUID_URN + annotation_id
    return ID_URN + quote(annotation_id, safe="")


def annotation_id_from_iri(iri: str) -> str | None:
    """The newsmark annotation id behind an `annotation_iri`, or None for other IRIs."""
    if iri.startswith(UUID_URN):
        return iri[len(UUID_URN) :] or None
    if iri.startswith(ID_URN):
        return unquote(iri[len(ID_URN) :]) or None
    return None


def motivation(record: Mapping[str, Any]) -> str:
    """`commenting` with a note, else `tagging` with tags, else `highlighting` (of an
    annotation's record, `Annotation.to_dict`)."""
    if record["note"]:
        return "commenting"
    return "tagging" if record["tags"] else "highlighting"


def annotation_to_w3c(
    record: Mapping[str, Any], meta: ArticleMeta | None, collection: str
) -> dict[str, Any]:
    """One annotation, given as its record (`Annotation.to_dict`), as an embedded W3C
    `Annotation` (no `@context` of its own)."""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in record["tags"]
    ]
    note = record["note"]
    if note:
        bodies.append(
            {"type": "TextualBody", "purpose": "commenting", "value": note, "format": "text/plain"}
        )
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": record["quote"]}
    if record["prefix"]:
        quote_selector["prefix"] = record["prefix"]
    if record["suffix"]:
        quote_selector["suffix"] = record["suffix"]
    source = (
        meta.url if meta is not None and meta.url else article_urn(collection, record["article"])
    )
    item: dict[str, Any] = {
        "id": annotation_iri(record["id"]),
        "type": "Annotation",
        "motivation": motivation(record),
    }
    if record["coder"]:
        item["creator"] = {"type": "Person", "name": record["coder"]}
    if record["created"]:
        item["created"] = record["created"]
    if record["updated"]:
        item["modified"] = record["updated"]
    if bodies:
        item["body"] = bodies
    item["target"] = {
        "type": "SpecificResource",
        "source": source,
        "selector": [
            quote_selector,
            {"type": "TextPositionSelector", "start": record["start"], "end": record["end"]},
        ]
        if record["anchor"] != _ORPHANED
        else [quote_selector],  # an orphan's offsets point at other text now
    }
    return item


def render_w3c(
    annotations: Sequence[_P],
    metas: Mapping[str, ArticleMeta],
    *,
    collection: str,
    generated: str,
    record: Callable[[_P], dict[str, Any]],
) -> dict[str, Any]:
    """The whole export as an `AnnotationCollection` document for `json_chunks` (its
    items are read whole, as their `record` (`Annotation.to_dict`), and converted as they
    are written)."""
    document: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": collection_urn(collection),
        "type": "AnnotationCollection",
        "label": f"newsmark annotations: {collection}",
        "generator": {"type": "Software", "name": "newsmark"},
        "generated": generated,
        "total": len(annotations),
    }
    if annotations:
        document["first"] = {
            "id": collection_urn(collection) + "#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": Streamed(
                annotations,
                lambda a: annotation_to_w3c(record(a), metas.get(a.article), collection),
            ),
        }
    return document


# ---------------------------------------------------------------------------- validation


def validate_w3c(document: Any) -> list[str]:
    """Every MUST rule of the Web Annotation Data Model that `document` breaks.

    Accepts an `Annotation`, an `AnnotationPage` or an `AnnotationCollection` (with an
    embedded first page); an empty list means valid.
    """
    problems: list[str] = []
    if not isinstance(document, dict):
        return ["document: is not a JSON object"]
    types = _values(document.get("type"))
    _check_context(document, "document", problems, required=True)
    if "AnnotationCollection" in types:
        _check_collection(document, problems)
    elif "AnnotationPage" in types:
        _check_page(document, "document", problems)
    elif "Annotation" in types:
        _check_annotation(document, "document", problems)
    else:
        problems.append("document: type is not Annotation, AnnotationPage or AnnotationCollection")
    return problems


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_context(
    node: dict[str, Any], where: str, problems: list[str], *, required: bool
) -> None:
    if "@context" not in node:
        if required:
            problems.append(f"{where}: has no @context")
        return
    context = node["@context"]
    if isinstance(context, list):
        if len(context) == 1:
            problems.append(f"{where}: a single @context value must be a string")
        if ANNO_CONTEXT not in context:
            problems.append(f"{where}: @context does not include {ANNO_CONTEXT}")
    elif context != ANNO_CONTEXT:
        problems.append(f"{where}: @context does not include {ANNO_CONTEXT}")


def _check_id(node: dict[str, Any], where: str, problems: list[str]) -> None:
    if "id" not in node:
        problems.append(f"{where}: has no id")
    elif not _is_iri(node["id"]):
        problems.append(f"{where}: id is not a single IRI")


def _check_datetimes(node: dict[str, Any], where: str, problems: list[str]) -> None:
    for key in ("created", "modified", "generated"):
        if key in node and not (isinstance(node[key], str) and _DATETIME.match(node[key])):
            problems.append(f"{where}: {key} is not an xsd:dateTime with a timezone")


def _check_collection(node: dict[str, Any], problems: list[str]) -> None:
    where = "collection"
    _check_id(node, where, problems)
    _check_datetimes(node, where, problems)
    if "label" in node and not isinstance(node["label"], str):
        problems.append(f"{where}: label is not a string")
    total = node.get("total")
    if "total" in node and not _is_count(total):
        problems.append(f"{where}: total is not a non-negative integer")
    first = node.get("first")
    if first is None:
        if _is_count(total) and total > 0:
            problems.append(f"{where}: has annotations (total) but no first page")
        return
    if isinstance(first, dict):
        _check_page(first, "first", problems)
    elif not _is_iri(first):
        problems.append(f"{where}: first is neither a page nor an IRI")


def _check_page(node: dict[str, Any], where: str, problems: list[str]) -> None:
    if "AnnotationPage" not in _values(node.get("type")):
        problems.append(f"{where}: type does not include AnnotationPage")
    _check_id(node, where, problems)
    if "startIndex" in node and not _is_count(node["startIndex"]):
        problems.append(f"{where}: startIndex is not a non-negative integer")
    items = node.get("items")
    if not isinstance(items, list) or not items:
        problems.append(f"{where}: items is not a non-empty list")
        return
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            _check_context(item, f"item {index}", problems, required=False)
            _check_annotation(item, f"item {index}", problems)
        elif not _is_iri(item):
            problems.append(f"item {index}: is neither an annotation nor an IRI")


def _check_annotation(node: dict[str, Any], where: str, problems: list[str]) -> None:
    _check_id(node, where, problems)
    if "Annotation" not in _values(node.get("type")):
        problems.append(f"{where}: type does not include Annotation")
    _check_datetimes(node, where, problems)
    for value in _values(node.get("motivation")):
        if value not in MOTIVATIONS:
            problems.append(f"{where}: motivation {value!r} is not a defined motivation")
    for body in _values(node.get("body")):
        _check_body(body, where, problems)
    targets = _values(node.get("target"))
    if not targets:
        problems.append(f"{where}: has no target")
    for target in targets:
        _check_target(target, where, problems)


def _check_body(body: Any, where: str, problems: list[str]) -> None:
    if isinstance(body, str):
        if not _is_iri(body):
            problems.append(f"{where}: body {body!r} is not an IRI")
        return
    if not isinstance(body, dict):
        problems.append(f"{where}: body is neither an object nor an IRI")
        return
    if "TextualBody" in _values(body.get("type")) and not isinstance(body.get("value"), str):
        problems.append(f"{where}: TextualBody has no single string value")
    for value in _values(body.get("purpose")):
        if value not in MOTIVATIONS:
            problems.append(f"{where}: body purpose {value!r} is not a defined motivation")


def _check_target(target: Any, where: str, problems: list[str]) -> None:
    if isinstance(target, str):
        if not _is_iri(target):
            problems.append(f"{where}: target {target!r} is not an IRI")
        return
    if not isinstance(target, dict):
        problems.append(f"{where}: target is neither an object nor an IRI")
        return
    if "source" in target:
        if not _is_iri(target["source"]):
            problems.append(f"{where}: target source is not a single IRI")
    elif "SpecificResource" in _values(target.get("type")) or "selector" in target:
        problems.append(f"{where}: SpecificResource target has no source")
    elif "id" not in target:
        problems.append(f"{where}: target has neither id nor source")
    for selector in _values(target.get("selector")):
        _check_selector(selector, where, problems)


def _check_selector(selector: Any, where: str, problems: list[str]) -> None:
    if not isinstance(selector, dict):
        problems.append(f"{where}: selector is not an object")
        return
    kinds = _values(selector.get("type"))
    if not kinds:
        problems.append(f"{where}: selector has no type")
    if "TextQuoteSelector" in kinds:
        if not isinstance(selector.get("exact"), str):
            problems.append(f"{where}: TextQuoteSelector has no single exact string")
        for key in ("prefix", "suffix"):
            if key in selector and not isinstance(selector[key], str):
                problems.append(f"{where}: TextQuoteSelector {key} is not a single string")
    if "TextPositionSelector" in kinds:
        start, end = selector.get("start"), selector.get("end")
        if not (_is_count(start) and _is_count(end)):
            problems.append(
                f"{where}: TextPositionSelector start/end are not non-negative integers"
            )
        elif start > end:
            problems.append(f"{where}: TextPositionSelector start is after end")
    if "refinedBy" in selector:
        for refinement in _values(selector["refinedBy"]):
            _check_selector(refinement, where, problems)
