"""Reading exports back (`read_export`) and merging them into a store (`import_annotations`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotations.errors import ImportFormatError
from annotations.export import ExportFormat, render_export
from annotations.export.collect import export_annotations
from annotations.export.importer import (
    ImportFileError,
    import_annotations,
    read_export,
    read_export_file,
)
from annotations.model import Anchor
from annotations.store import AnnotationStore
from tests.test_export_golden import GENERATED, TAG_COLOURS, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


def _export(fmt: ExportFormat, annotations, metas, colours=TAG_COLOURS) -> str:
    return render_export(
        fmt, annotations, metas, colours, collection="samples", generated=GENERATED
    )


# ---------------------------------------------------------------------------- reading


def test_native_export_reads_back_losslessly(corpus, metas) -> None:
    fixture = build_fixture(corpus)
    parsed = read_export(_export(ExportFormat.JSON, fixture, metas), source_name="a.json")
    assert parsed.format == "json"
    assert sorted(parsed.annotations, key=lambda a: a.id) == fixture
    assert parsed.tag_colours == TAG_COLOURS


def test_w3c_export_reads_back_ids_quotes_tags_notes_and_offsets(corpus, metas) -> None:
    fixture = build_fixture(corpus)
    parsed = read_export(_export(ExportFormat.W3C, fixture, metas), source_name="w.jsonld")
    assert parsed.format == "w3c"
    restored = {a.id: a for a in parsed.annotations}
    for original in fixture:
        back = restored[original.id]
        assert (back.article, back.quote, back.start, back.end) == (
            original.article,
            original.quote,
            original.start,
            original.end,
        )
        assert (back.prefix, back.suffix) == (original.prefix, original.suffix)
        assert (back.tags, back.note) == (original.tags, original.note)
        assert (back.created, back.updated) == (original.created, original.updated)


def test_w3c_source_url_is_mapped_to_an_article(corpus, metas) -> None:
    annotation = build_fixture(corpus)[0]
    with_url = {annotation.article: replace(metas[annotation.article], url="https://example.com/a")}
    text = _export(ExportFormat.W3C, [annotation], with_url)
    lookup = {"https://example.com/a": "local-id"}.get
    parsed = read_export(text, source_name="w.json", article_for_url=lookup)
    assert parsed.annotations[0].article == "local-id"
    unmapped = read_export(text, source_name="w.json")
    assert unmapped.annotations[0].article == "https://example.com/a"


def test_foreign_w3c_annotation_is_accepted() -> None:
    single = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://example.org/anno/7",
        "type": "Annotation",
        "motivation": "tagging",
        "body": {"type": "TextualBody", "value": "  Trade  "},
        "target": {
            "source": "urn:newsmark:other:art-1",
            "selector": {"type": "TextQuoteSelector", "exact": "tariffs"},
        },
    }
    (annotation,) = read_export(json.dumps(single), source_name="x.json").annotations
    assert annotation.id == "https://example.org/anno/7"
    assert (annotation.article, annotation.quote, annotation.tags) == (
        "art-1",
        "tariffs",
        ("Trade",),
    )
    assert (annotation.start, annotation.end, annotation.note) == (0, 7, None)


def _w3c_with_item(corpus, metas, change) -> str:
    doc = json.loads(_export(ExportFormat.W3C, build_fixture(corpus), metas))
    change(doc["first"]["items"][2])
    return json.dumps(doc)


def _drop_quote_selector(item: dict[str, Any]) -> None:
    item["target"]["selector"] = item["target"]["selector"][1:]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "colleague.json: not valid JSON (line 1"),
        ("[1, 2]", "colleague.json: not a newsmark json or W3C annotation export"),
        ('{"newsmark": 99, "annotations": []}', "colleague.json: written by a newer newsmark"),
        ('{"newsmark": 1, "annotations": {}}', "colleague.json: 'annotations' is not a list"),
        (
            '{"newsmark": 1, "annotations": [{"id": "a", "article": "b", "start": 0, "end": 1}]}',
            "colleague.json: annotation 1 has no 'quote'",
        ),
        (
            '{"newsmark": 1, "annotations": [{"id": "a", "article": "b", "quote": "q", '
            '"start": 5, "end": 1}]}',
            "colleague.json: annotation 1: start/end are not a valid range",
        ),
        (
            '{"newsmark": 1, "annotations": [], "tags": [{"name": "x", "colour": "plaid"}]}',
            "colleague.json: tag 1: invalid colour",
        ),
        (
            '{"type": "AnnotationCollection", "first": "https://example.org/page/1"}',
            "colleague.json: the collection's first page is not embedded",
        ),
    ],
)
def test_invalid_files_are_rejected_with_the_file_name(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_export(text, source_name="colleague.json")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_w3c_item_faults_name_the_item(corpus, metas) -> None:
    with pytest.raises(ImportFormatError, match=r"^c\.json: item 3 has no TextQuoteSelector$"):
        read_export(_w3c_with_item(corpus, metas, _drop_quote_selector), source_name="c.json")
    with pytest.raises(ImportFormatError, match=r"^c\.json: item 3 has no id$"):
        read_export(
            _w3c_with_item(corpus, metas, lambda item: item.pop("id")), source_name="c.json"
        )
    with pytest.raises(ImportFormatError, match="item 3: target has no source"):
        read_export(
            _w3c_with_item(corpus, metas, lambda item: item["target"].pop("source")),
            source_name="c.json",
        )


def test_duplicate_ids_in_a_file_are_counted(corpus, metas) -> None:
    doc = json.loads(_export(ExportFormat.JSON, build_fixture(corpus)[:2], metas))
    doc["annotations"].append(dict(doc["annotations"][0], note="second copy"))
    parsed = read_export(json.dumps(doc), source_name="d.json")
    assert len(parsed.annotations) == 2 and parsed.duplicates == 1
    assert all(a.note != "second copy" for a in parsed.annotations)


def test_read_export_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"cannot read .*missing\.json"):
        read_export_file(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"newsmark": 1, "note": "caf\xe9"}')
    with pytest.raises(ImportFormatError, match=r"^latin\.json: not UTF-8 text$"):
        read_export_file(latin)
    bom = tmp_path / "bom.json"
    bom.write_bytes(b'\xef\xbb\xbf{"newsmark": 1, "annotations": []}')
    assert read_export_file(bom).annotations == ()


# ---------------------------------------------------------------------------- merging


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    return AnnotationStore.open(tmp_path / "db.json")


def test_merge_adds_updates_and_keeps_unchanged(corpus, metas, store) -> None:
    fixture = build_fixture(corpus)
    store.put_many(fixture[:3])
    newer = replace(fixture[0], note="edited by a colleague", updated="2026-02-01T00:00:00.000Z")
    older = replace(fixture[1], note="stale copy", updated="2025-01-01T00:00:00.000Z")
    text = _export(ExportFormat.JSON, [newer, older, fixture[2], *fixture[3:]], metas)
    report = import_annotations(read_export(text, source_name="c.json"), store, corpus)
    assert (report.added, report.updated, report.unchanged, report.orphaned) == (3, 1, 2, 0)
    assert report.summary() == "3 added, 1 updated, 2 unchanged, 0 orphaned"
    by_id = {a.id: a for a in store.all()}
    assert by_id[newer.id].note == "edited by a colleague"
    assert by_id[older.id].note == fixture[1].note
    assert len(by_id) == 6


def test_import_is_one_undo_step(corpus, metas, store) -> None:
    text = _export(ExportFormat.JSON, build_fixture(corpus), metas)
    import_annotations(read_export(text, source_name="c.json"), store, corpus)
    assert len(store.all()) == 6
    assert {info.name: info.colour for info in store.tags()}.items() >= {
        tag: colour
        for tag, colour in TAG_COLOURS.items()
        if any(tag in a.tags for a in store.all())
    }.items()
    store.undo()
    assert store.all() == []
    assert store.undo() is None  # annotations and colours were one step


def test_annotations_of_articles_not_in_the_collection_are_kept_as_they_came(
    corpus, metas, store
) -> None:
    """Another collection's annotations (one database may serve several) are not marked
    orphaned on import: opening their collection would flip them back (found by a
    reviewer); the report says how many there were."""
    fixture = build_fixture(corpus)
    elsewhere = replace(fixture[0], article="999_not_in_collection")
    text = _export(ExportFormat.JSON, [elsewhere, fixture[1]], metas)
    report = import_annotations(read_export(text, source_name="c.json"), store, corpus)
    assert (report.added, report.orphaned, report.elsewhere) == (2, 0, 1)
    assert "1 of articles not in this collection" in report.summary()
    kept = store.get(elsewhere.id)
    assert (kept.anchor, kept.start, kept.quote) == (Anchor.EXACT, elsewhere.start, elsewhere.quote)
    assert store.get(fixture[1].id).anchor is Anchor.EXACT


def test_w3c_import_is_reanchored_against_the_article(corpus, metas, store) -> None:
    annotation = build_fixture(corpus)[1]
    doc = json.loads(_export(ExportFormat.W3C, [annotation], metas))
    position = doc["first"]["items"][0]["target"]["selector"][1]
    position["start"] += 5  # a colleague's copy of the article was slightly different
    position["end"] += 5
    import_annotations(read_export(json.dumps(doc), source_name="w.json"), store, corpus)
    stored = store.get(annotation.id)
    assert (stored.start, stored.end, stored.anchor) == (
        annotation.start,
        annotation.end,
        Anchor.EXACT,
    )
    assert stored.body_hash == corpus.article(annotation.article).content_hash


def test_tag_colours_apply_only_to_tags_the_store_lacks(corpus, metas, store) -> None:
    fixture = build_fixture(corpus)
    store.put_many([fixture[0]])  # tags cooperation, Xi
    store.set_tag_colour("Xi", "#000000")
    text = _export(
        ExportFormat.JSON,
        fixture,
        metas,
        {"Xi": "#ffffff", "solidarity": "#123456", "cooperation": "#654321"},
    )
    import_annotations(read_export(text, source_name="c.json"), store, corpus)
    assert store.tag_colour("Xi") == "#000000"
    assert store.tag_colour("solidarity") == "#123456"


def _codebook_and_memos(store: AnnotationStore) -> tuple[list[tuple[str, str]], list[Any]]:
    return (
        [(info.name, info.description) for info in store.tags() if info.description],
        [(m["kind"], m["target"], m["text"], m["updated"]) for m in store.memos()],
    )


def test_native_round_trip_keeps_the_codebook_and_memos(corpus, store, tmp_path) -> None:
    fixture = build_fixture(corpus)
    store.put_many(fixture)
    store.describe_tag("cooperation", "Working together.\n\nExample: win-win")
    store.describe_tag("framing/conflict", "Described, not used yet")
    store.set_memo("article", fixture[0].article, "Frames the visit as a milestone")
    store.set_memo("tag", "COOPERATION", "Xinhua says it more often")
    store.set_memo("tag", "m/n", "A code with a memo and nothing else")  # (tester)
    text = export_annotations(store, corpus, ExportFormat.JSON).text
    empty = AnnotationStore.open(tmp_path / "empty.json")
    report = import_annotations(read_export(text, source_name="c.json"), empty, corpus)
    assert _codebook_and_memos(empty) == _codebook_and_memos(store)
    assert [(i.name, i.parent) for i in empty.tags() if i.name.startswith("framing")] == [
        ("framing", None),
        ("framing/conflict", "framing"),
    ]
    assert {"m", "m/n"} <= {info.name for info in empty.tags()}
    assert report.summary() == (
        "6 added, 0 updated, 0 unchanged, 0 orphaned; descriptions: "
        "2 added; memos: 3 added, 0 updated, 0 unchanged"
    )
    again = import_annotations(read_export(text, source_name="c.json"), empty, corpus)
    assert again.summary().endswith("; memos: 0 added, 0 updated, 3 unchanged")
    assert again.descriptions_added == 0
    empty.undo()  # the second import changed nothing; this takes back the first
    assert empty.all() == [] and _codebook_and_memos(empty) == ([], [])


def test_imported_descriptions_never_replace_the_stores_and_newer_memos_win(
    corpus, metas, store
) -> None:
    fixture = build_fixture(corpus)
    store.put_many(fixture[:1])
    store.describe_tag("cooperation", "Our definition")
    store.set_memo("tag", "cooperation", "our memo")
    store.set_memo("article", fixture[0].article, "our article memo")
    doc = json.loads(_export(ExportFormat.JSON, fixture[:1], metas))
    doc["codebook"] = [
        {"name": "Cooperation", "description": "Their definition"},
        {"name": "Xi", "description": "The president"},
    ]
    doc["memos"] = [
        {
            "kind": "tag",
            "target": "COOPERATION",
            "text": "their newer memo",
            "updated": "2999-01-01T00:00:00.000Z",
        },
        {
            "kind": "article",
            "target": fixture[0].article,
            "text": "their older memo",
            "updated": "2000-01-01T00:00:00.000Z",
        },
        {"kind": "article", "target": "999_elsewhere", "text": "memo\x1b[31m on another"},
    ]
    report = import_annotations(read_export(json.dumps(doc), source_name="c.json"), store, corpus)
    assert (report.descriptions_added, report.descriptions_kept) == (1, 1)
    assert report.memos == {"added": 1, "updated": 1, "unchanged": 1}
    assert {i.name: i.description for i in store.tags()}["cooperation"] == "Our definition"
    assert {i.name: i.description for i in store.tags()}["Xi"] == "The president"
    assert store.memo("tag", "cooperation") == "their newer memo"
    assert store.memo("article", fixture[0].article) == "our article memo"
    assert store.memo("article", "999_elsewhere") == "memo on another"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"codebook": {"a": "b"}}, "c.json: 'codebook' is not a list"),
        (
            {"codebook": [{"name": "a"}]},
            "c.json: codebook entry 1 is not a name with a description",
        ),
        ({"codebook": [{"name": "a,b", "description": "x"}]}, "c.json: codebook entry 1: "),
        (
            {"memos": [{"kind": "page", "target": "a", "text": "x"}]},
            "c.json: memo 1 is not an article or tag memo with a text",
        ),
        (
            {"memos": [{"kind": "article", "target": "a", "text": "x", "updated": "soon"}]},
            "c.json: memo 1: 'updated' is not an ISO 8601 time",
        ),
        (
            {"memos": [{"kind": "article", "target": "a\x00", "text": "x"}]},
            "c.json: memo 1: 'target' contains a control character",
        ),
    ],
)
def test_malformed_codebook_or_memos_are_refused_and_nothing_is_written(
    corpus, metas, store, changes, message
) -> None:
    doc = json.loads(_export(ExportFormat.JSON, build_fixture(corpus), metas))
    doc.update(changes)
    with pytest.raises(ImportFormatError) as raised:
        import_annotations(read_export(json.dumps(doc), source_name="c.json"), store, corpus)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
    assert store.all() == [] and store.memos() == []


# ---------------------------------------------------------------------------- untrusted input

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
CLEAR = "\x1b[2J"


def _native_with(corpus, metas, **changes: Any) -> str:
    doc = json.loads(_export(ExportFormat.JSON, build_fixture(corpus)[:1], metas))
    doc["annotations"][0].update(changes)
    return json.dumps(doc)


def test_native_text_fields_are_normalised(corpus, metas) -> None:
    original = build_fixture(corpus)[0]
    text = _native_with(
        corpus,
        metas,
        quote=f"{original.quote}{OSC52}",
        note=f"note {CLEAR}end",
        prefix=f"{OSC52}p",
        suffix=f"s{CLEAR}",
    )
    (annotation,) = read_export(text, source_name="n.json").annotations
    assert annotation.quote == original.quote
    assert (annotation.note, annotation.prefix, annotation.suffix) == ("note end", "p", "s")


def test_w3c_text_fields_are_normalised(corpus, metas) -> None:
    clean: dict[str, Any] = {}

    def poison(item: dict[str, Any]) -> None:
        quote = item["target"]["selector"][0]
        clean.update(quote)
        quote.update(
            exact=quote["exact"] + CLEAR,
            prefix=OSC52 + quote["prefix"],
            suffix=quote["suffix"] + OSC52,
        )
        item["body"].append(
            {"type": "TextualBody", "purpose": "commenting", "value": f"look {OSC52}here"}
        )

    parsed = read_export(_w3c_with_item(corpus, metas, poison), source_name="w.json")
    (annotation,) = [a for a in parsed.annotations if a.note and "look" in a.note]
    assert (annotation.quote, annotation.prefix, annotation.suffix) == (
        clean["exact"],
        clean["prefix"],
        clean["suffix"],
    )
    assert annotation.note.endswith("look here")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"article": f"art{OSC52}"}, "'article' contains a control character"),
        ({"id": f"id{CLEAR}"}, "'id' contains a control character"),
        ({"tags": [f"tag{CLEAR}"]}, "tag 'tag\\x1b[2J' contains a control character"),
        ({"quote": "   "}, "the quote is empty"),
        ({"start": 7, "end": 7}, "start/end are not a valid range"),
        ({"id": ""}, "'id' is empty"),
        ({"colour": "not a colour"}, "invalid colour 'not a colour'"),
        ({"created": 5}, "'created' is not a string"),
        ({"updated": [1]}, "'updated' is not a string"),
        ({"updated": "yesterday"}, "'updated' is not an ISO 8601 time"),
        ({"suffix": 7}, "'suffix' is not a string or null"),
        ({"body_hash": {}}, "'body_hash' is not a string or null"),
        ({"note": 3}, "'note' is not a string or null"),
        ({"anchor": "weird"}, "'anchor' is not one of exact, fuzzy, orphaned"),
    ],
)
def test_malformed_native_fields_are_rejected(corpus, metas, changes, message) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_export(_native_with(corpus, metas, **changes), source_name="n.json")
    assert str(caught.value).startswith(f"n.json: annotation 1: {message}")
    assert "\n" not in str(caught.value)


def test_null_context_is_empty_and_a_valid_colour_is_kept(corpus, metas) -> None:
    text = _native_with(corpus, metas, prefix=None, suffix=None, body_hash=None, colour="Red")
    (annotation,) = read_export(text, source_name="n.json").annotations
    assert (annotation.prefix, annotation.suffix, annotation.body_hash) == ("", "", "")
    assert annotation.colour == "#e06c75"


def test_newer_record_schema_is_rejected(corpus, metas) -> None:
    doc = json.loads(_native_with(corpus, metas))
    doc["schema"] = 99
    with pytest.raises(
        ImportFormatError, match=r"^n\.json: written by a newer newsmark \(schema 99\)"
    ):
        read_export(json.dumps(doc), source_name="n.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda item: item["target"].update(source=f"urn:newsmark:x:a{OSC52}"),
            "item 3: 'target source' contains a control character",
        ),
        (lambda item: item.update(id=f"urn:uuid:{CLEAR}"), "item 3: 'id' contains a control"),
        (lambda item: item["target"]["selector"][0].update(exact=""), "item 3: the quote is empty"),
        (
            lambda item: item["target"]["selector"][0].update(exact=f" {CLEAR} "),
            "item 3: the quote is empty",
        ),
        (
            lambda item: item["target"]["selector"][1].update(
                end=item["target"]["selector"][1]["start"]
            ),
            "item 3: TextPositionSelector start/end are not valid",
        ),
        (lambda item: item.update(modified="last week"), "item 3: 'modified' is not an ISO 8601"),
    ],
)
def test_malformed_w3c_items_are_rejected(corpus, metas, change, message) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_export(_w3c_with_item(corpus, metas, change), source_name="c.json")
    assert str(caught.value).startswith(f"c.json: {message}")


def test_w3c_without_timestamps_never_overwrites_local_edits(corpus, metas, store) -> None:
    def untimed(item: dict[str, Any]) -> None:
        item.pop("created", None)
        item.pop("modified", None)

    doc = json.loads(_w3c_with_item(corpus, metas, untimed))
    doc.pop("generated", None)
    doc["first"]["items"] = doc["first"]["items"][2:3]
    text = json.dumps(doc)
    first = import_annotations(read_export(text, source_name="w.json"), store, corpus)
    assert (first.added, first.updated) == (1, 0)
    (stored,) = store.all()
    store.put_many([stored.with_changes(note="my local edit")])
    again = import_annotations(read_export(text, source_name="w.json"), store, corpus)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert store.get(stored.id).note == "my local edit"
