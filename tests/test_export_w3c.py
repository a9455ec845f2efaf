"""The W3C Web Annotation export and its MUST-rule checker."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from annotations.export import ExportFormat, render_export
from annotations.export.w3c import (
    ANNO_CONTEXT,
    annotation_id_from_iri,
    annotation_iri,
    article_urn,
    parse_article_urn,
    validate_w3c,
)
from tests.test_export_golden import GENERATED, TAG_COLOURS, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


@pytest.fixture(scope="module")
def document(corpus, metas) -> dict[str, Any]:
    text = render_export(
        ExportFormat.W3C,
        build_fixture(corpus),
        metas,
        TAG_COLOURS,
        collection="samples",
        generated=GENERATED,
    )
    return json.loads(text)


def _items(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["first"]["items"]


def test_export_of_realistic_set_is_valid(document) -> None:
    assert validate_w3c(document) == []
    assert document["@context"] == ANNO_CONTEXT
    assert document["type"] == "AnnotationCollection"
    assert document["total"] == len(_items(document)) == 6


def test_item_maps_tags_note_and_selectors(document, corpus) -> None:
    item = next(i for i in _items(document) if i["id"].endswith("000000000002"))
    assert item["id"] == "urn:uuid:00000000-0000-4000-8000-000000000002"
    assert item["motivation"] == "commenting"
    assert item["created"] == "2026-01-02T10:00:00.000Z"
    assert item["modified"] == "2026-01-02T11:30:00.000Z"
    assert item["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "cooperation"},
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "format": "text/plain",
            "value": 'Concrete areas: "digital economy", green development.',
        },
    ]
    target = item["target"]
    assert target["source"] == "urn:newsmark:samples:000_e730ce0a32d34978"
    quote, position = target["selector"]
    body = corpus.article("000_e730ce0a32d34978").body
    assert body[position["start"] : position["end"]] == quote["exact"]
    assert body[: position["start"]].endswith(quote["prefix"])
    assert body[position["end"] :].startswith(quote["suffix"])


def test_motivation_and_body_follow_tags_and_note(corpus, metas) -> None:
    base = build_fixture(corpus)[4]  # untagged, no note
    variants = {
        "highlighting": base,
        "tagging": replace(base, tags=("trade",)),
        "commenting": replace(base, note="why?"),
    }
    for expected, annotation in variants.items():
        doc = json.loads(
            render_export("w3c", [annotation], metas, {}, collection="c", generated=GENERATED)
        )
        item = doc["first"]["items"][0]
        assert item["motivation"] == expected
        assert ("body" in item) is (expected != "highlighting")


def test_target_source_is_the_article_url_when_known(corpus, metas) -> None:
    annotation = build_fixture(corpus)[0]
    with_url = dict(metas)
    with_url[annotation.article] = replace(
        metas[annotation.article], url="https://example.com/news/1"
    )
    doc = json.loads(
        render_export("w3c", [annotation], with_url, {}, collection="samples", generated=GENERATED)
    )
    assert doc["first"]["items"][0]["target"]["source"] == "https://example.com/news/1"


def test_empty_export_is_a_valid_collection_without_pages() -> None:
    doc = json.loads(render_export("w3c", [], {}, {}, collection="my notes", generated=GENERATED))
    assert doc["total"] == 0 and "first" not in doc
    assert doc["id"] == "urn:newsmark:my%20notes"
    assert validate_w3c(doc) == []


def test_iris_round_trip() -> None:
    assert parse_article_urn(article_urn("my lib", "a:b/c")) == ("my lib", "a:b/c")
    assert parse_article_urn("https://example.com/a") is None
    uid = "0b7f6a4e-3f0c-4b9e-9a59-1f6f3c1c2d3e"
    assert annotation_iri(uid) == f"urn:uuid:{uid}"
    assert annotation_id_from_iri(annotation_iri(uid)) == uid
    assert annotation_iri("legacy id") == "urn:newsmark:id:legacy%20id"
    assert annotation_id_from_iri(annotation_iri("legacy id")) == "legacy id"
    assert annotation_id_from_iri("https://example.com/anno/1") is None


def _first_item(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["first"]["items"][0]


def _selector(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in _first_item(doc)["target"]["selector"] if s["type"] == kind)


BREAKAGES: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "no context": (lambda d: d.pop("@context"), "has no @context"),
    "wrong context": (
        lambda d: d.update({"@context": "http://example.com/ctx"}),
        "does not include",
    ),
    "single-item context list": (
        lambda d: d.update({"@context": [ANNO_CONTEXT]}),
        "must be a string",
    ),
    "context list without anno": (
        lambda d: d.update({"@context": ["http://example.com/a", "http://example.com/b"]}),
        "does not include",
    ),
    "item context wrong": (
        lambda d: _first_item(d).update({"@context": "http://x.org/c"}),
        "item 1: @context",
    ),
    "collection without id": (lambda d: d.pop("id"), "collection: has no id"),
    "collection type": (lambda d: d.update({"type": "Collection"}), "type is not"),
    "negative total": (lambda d: d.update({"total": -1}), "total is not"),
    "total without first": (lambda d: d.pop("first"), "no first page"),
    "page type": (lambda d: d["first"].update({"type": "Page"}), "AnnotationPage"),
    "page without id": (lambda d: d["first"].pop("id"), "first: has no id"),
    "page without items": (lambda d: d["first"].pop("items"), "items is not"),
    "annotation without id": (lambda d: _first_item(d).pop("id"), "item 1: has no id"),
    "annotation id not an IRI": (
        lambda d: _first_item(d).update({"id": "just words"}),
        "id is not a single IRI",
    ),
    "annotation type": (
        lambda d: _first_item(d).update({"type": "Note"}),
        "type does not include Annotation",
    ),
    "no target": (lambda d: _first_item(d).pop("target"), "has no target"),
    "target without source": (lambda d: _first_item(d)["target"].pop("source"), "has no source"),
    "textual body without value": (
        lambda d: _first_item(d)["body"][0].pop("value"),
        "TextualBody has no single string value",
    ),
    "unknown purpose": (
        lambda d: _first_item(d)["body"][0].update({"purpose": "liking"}),
        "purpose 'liking'",
    ),
    "unknown motivation": (
        lambda d: _first_item(d).update({"motivation": "liking"}),
        "motivation 'liking'",
    ),
    "quote selector without exact": (
        lambda d: _selector(d, "TextQuoteSelector").pop("exact"),
        "TextQuoteSelector has no single exact",
    ),
    "negative position": (
        lambda d: _selector(d, "TextPositionSelector").update({"start": -1}),
        "non-negative",
    ),
    "non-integer position": (
        lambda d: _selector(d, "TextPositionSelector").update({"end": "12"}),
        "non-negative",
    ),
    "start after end": (
        lambda d: _selector(d, "TextPositionSelector").update({"start": 10**6}),
        "after end",
    ),
    "created without timezone": (
        lambda d: _first_item(d).update({"created": "2026-01-01T10:00:00"}),
        "created is not",
    ),
    "modified not a datetime": (
        lambda d: _first_item(d).update({"modified": "yesterday"}),
        "modified is not",
    ),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_validator_catches_broken_document(document, name) -> None:
    broken = copy.deepcopy(document)
    mutate, expected = BREAKAGES[name]
    mutate(broken)
    problems = validate_w3c(broken)
    assert any(expected in problem for problem in problems), problems


def test_validator_accepts_a_single_annotation_and_rejects_other_json(document) -> None:
    single = {"@context": ANNO_CONTEXT, **_first_item(document)}
    assert validate_w3c(single) == []
    assert validate_w3c([1, 2]) == ["document: is not a JSON object"]
    assert validate_w3c({"@context": ANNO_CONTEXT, "type": "Thing"})


def test_an_orphan_has_no_position_selector_and_comes_back_by_its_quote(corpus, metas) -> None:
    """An orphan's old offsets point at other text: only its quote (with its context) is
    exported, and importing it anchors it by that quote, or keeps it orphaned."""
    from annotations.anchoring import place
    from annotations.export.importer import read_export
    from annotations.model import Anchor

    fixture = build_fixture(corpus)
    gone = replace(fixture[0], anchor=Anchor.ORPHANED, quote="a passage no longer there")
    back = replace(fixture[1], anchor=Anchor.ORPHANED)  # its quote is still in the text
    text = render_export(
        ExportFormat.W3C,
        [gone, back, fixture[2]],
        metas,
        {},
        collection="samples",
        generated=GENERATED,
    )
    document = json.loads(text)
    assert validate_w3c(document) == []
    selectors = [[s["type"] for s in i["target"]["selector"]] for i in _items(document)]
    assert selectors == [
        ["TextQuoteSelector"],
        ["TextQuoteSelector"],
        ["TextQuoteSelector", "TextPositionSelector"],
    ]
    parsed = read_export(text, source_name="orphans.json")
    placed = [place(a, corpus.article(a.article)) for a in parsed.annotations]
    assert [a.anchor for a in placed] == [Anchor.ORPHANED, Anchor.EXACT, Anchor.EXACT]
    assert (placed[1].start, placed[1].end) == (fixture[1].start, fixture[1].end)
