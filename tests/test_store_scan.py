"""An annotation read back from where the scan of a snapshot found it (store/scan.py): the
record an export writes is always `Annotation.from_dict(document).to_dict()`, byte for
byte, whether the document is taken as stored or made again."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from annotations.anchoring import new_annotation
from annotations.errors import StoreError
from annotations.model import Annotation
from annotations.store import scan
from annotations.store.scan import Stored, load, record
from annotations.store.schema import looks_like_annotation
from tests.helpers.store_writer import fox_article


def _written() -> dict[str, Any]:
    annotation = new_annotation(fox_article(), 4, 9, tags=["a", "B"], note="n")
    return annotation.to_dict()


def _reordered(document: dict[str, Any]) -> dict[str, Any]:
    return dict(reversed(document.items()))


def _scored(score: object) -> Any:
    """The document with an `anchor_score` where `to_dict` puts it (before the coder)."""

    def scored(document: dict[str, Any]) -> dict[str, Any]:
        coder = document.pop("coder")
        return {**document, "anchor_score": score, "coder": coder}

    return scored


VARIANTS = {
    "as written": lambda d: d,
    "scored": _scored(0.5),
    "score an int": _scored(1),
    "score a bool": _scored(True),
    "score too high": _scored(1.5),
    "no prefix": lambda d: {k: v for k, v in d.items() if k != "prefix"},
    "a key more": lambda d: {**d, "extra": 1},
    "keys reordered": _reordered,
    "hash a number": lambda d: {**d, "body_hash": 12},
    "created null": lambda d: {**d, "created": None},
    "no coder": lambda d: {k: v for k, v in d.items() if k != "coder"},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_record_is_the_annotation_made_again(variant: str) -> None:
    document = VARIANTS[variant](_written())
    assert looks_like_annotation(document)
    raw = b"xx" + orjson.dumps(document) + b"yy"  # found inside a file
    annotation = Annotation.from_dict(document)
    stored = Stored(
        document["id"], annotation.id, annotation.article, annotation.start, annotation.end,
        annotation.body_hash, annotation.anchor.value, annotation.tags, annotation.coder,
        2, len(raw) - 2,
    )  # fmt: skip
    assert load(raw, stored) == annotation
    assert orjson.dumps(record(raw, stored)) == orjson.dumps(annotation.to_dict())
    taken_as_stored = variant in ("as written", "scored")
    assert scan._as_written(document) is taken_as_stored


def test_an_annotation_the_journal_changed_is_held_whole() -> None:
    annotation = Annotation.from_dict(_written())
    stored = Stored.of("key", annotation)
    assert (stored.key, stored.id, stored.anchor) == ("key", annotation.id, "exact")
    assert load(b"", stored) is annotation
    assert record(b"", stored) == annotation.to_dict()


def test_a_table_is_cut_only_before_its_members(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes ending in `},` (a `},"` inside a document) and a key holding `\\":{`: every
    range starts at a member's key, and the table is read as it is."""
    article = fox_article()
    documents = {}
    for number in range(40):
        annotation = new_annotation(article, number, number + 5, note=f"note {number}}},")
        documents[f'id-{number}":{{' if number == 7 else f"id-{number}"] = annotation.to_dict()
    table = orjson.dumps(documents)
    assert table.count(b'},"') == 2 * len(documents) - 1  # as many inside documents as between
    monkeypatch.setattr(scan, "RANGE_BYTES", 30)
    ranges = scan._ranges(table, 1, len(table) - 1)
    assert len(ranges) > 30
    for first, stop in ranges:
        assert table[first : first + 4] == b'"id-' and table[stop - 1 : stop] == b"}"
    stored = scan.scan_table(table, 0, len(table))
    assert [item.key for item in stored] == list(documents)
    assert [load(table, item).to_dict() for item in stored] == list(documents.values())


def test_a_document_that_is_not_the_one_scanned_is_an_error() -> None:
    """The bytes where an annotation was scanned hold another one (the file replaced in
    place during the export): an error, never the other annotation's record."""
    document = orjson.dumps({"id": "someone-else", "article": "a", "quote": "q"})
    stored = scan.Stored("mine", "mine", "a", 0, 1, "h", "exact", (), None, 0, len(document))
    for read in (scan.load, scan.record):
        with pytest.raises(StoreError, match="changed under the export"):
            read(document, stored)
