"""The native newsmark json export."""

from __future__ import annotations

import json
from dataclasses import replace

from annotations.export import ExportFormat, render_export, select_annotations
from annotations.export.native import NATIVE_FORMAT_VERSION, tag_summary
from annotations.model import RECORD_SCHEMA, Annotation
from tests.test_export_golden import GENERATED, TAG_COLOURS, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


def test_native_document_keeps_everything(corpus, metas) -> None:
    fixture = build_fixture(corpus)
    doc = json.loads(
        render_export(
            ExportFormat.JSON,
            fixture,
            metas,
            TAG_COLOURS,
            collection="samples",
            generated=GENERATED,
        )
    )
    assert (doc["newsmark"], doc["schema"]) == (NATIVE_FORMAT_VERSION, RECORD_SCHEMA)
    assert (doc["generated"], doc["collection"]) == (GENERATED, "samples")
    restored = [Annotation.from_dict(record) for record in doc["annotations"]]
    assert restored == select_annotations(fixture)
    assert doc["tags"] == [
        {"name": "cooperation", "colour": "#4e79a7", "count": 3},
        {"name": "solidarity", "colour": "#e15759", "count": 2},
        {"name": "Xi", "colour": "#f28e2b", "count": 2},
    ]
    assert sorted(doc["articles"]) == sorted({a.article for a in fixture})
    assert doc["articles"]["000_e730ce0a32d34978"] == {
        "title": "Presidents vow to advance solidarity, cooperation",
        "source": "China Daily",
        "date": "2023-12-14T08:35",
        "author": "Xu Wei",
        "url": None,
        "words": 616,
    }


def test_generated_defaults_to_now(corpus, metas) -> None:
    doc = json.loads(render_export("json", [], metas, {}, collection="samples"))
    assert doc["generated"].endswith("Z") and doc["annotations"] == []


def test_tag_summary_is_case_insensitive(corpus) -> None:
    first, second = build_fixture(corpus)[:2]
    infos = tag_summary(
        [replace(first, tags=("Trade",)), replace(second, tags=("trade", "b"))],
        {"TRADE": "#111111"},
    )
    assert [(i.name, i.colour, i.count) for i in infos] == [("b", "", 1), ("Trade", "#111111", 2)]


def test_select_annotations_filters_by_tag_and_article(corpus) -> None:
    fixture = build_fixture(corpus)
    chosen = select_annotations(reversed(fixture), tags=["XI", "nothing"])
    assert [a.id[-1] for a in chosen] == ["1", "3"]
    on_article = select_annotations(fixture, article="000_e730ce0a32d34978")
    assert [a.start for a in on_article] == sorted(a.start for a in on_article)
    assert {a.article for a in on_article} == {"000_e730ce0a32d34978"} and len(on_article) == 3
    assert select_annotations(fixture, tags=["solidarity"], article="003_4a3f0146945ab2e7") == []


def test_select_annotations_matches_tags_by_tag_key(corpus) -> None:
    first, second = build_fixture(corpus)[:2]
    marked = [replace(first, tags=("South China Sea",)), replace(second, tags=("other",))]
    chosen = select_annotations(marked, tags=["  south  china\tSEA "])
    assert [a.id for a in chosen] == [first.id]
