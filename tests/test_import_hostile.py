"""Hostile files given to `newsmark import`: each gets one line of error, never a traceback,
and nothing is written; invisible format characters are stripped from ids and tags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import ImportFormatError
from annotations.export import ExportFormat, render_export
from annotations.export.importer import read_export
from annotations.limits import MAX_ID_CHARS, MAX_NOTE_CHARS, MAX_QUOTE_CHARS
from annotations.tags import MAX_TAGS_PER_ANNOTATION
from tests.conftest import REPO_ROOT, SAMPLES_DIR
from tests.test_export_golden import GENERATED, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests

ARTICLE = "000_e730ce0a32d34978"


def _record(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "hostile-1",
        "article": ARTICLE,
        "quote": "President Xi Jinping",
        "start": 200,
        "end": 220,
        "tags": ["economy"],
    }
    record.update(changes)
    return record


def _native(*records: dict[str, Any]) -> str:
    return json.dumps({"newsmark": 1, "annotations": list(records)})


HOSTILE_FILES: dict[str, str] = {
    "nested_5000": '{"newsmark": 1, "annotations": ' + "[" * 5000 + "]" * 5000 + "}",
    "integer_4301_digits": _native(_record(start=0)).replace(
        '"start": 0', '"start": ' + "9" * 4301
    ),
    "start_10_to_30": _native(_record(start=10**30, end=10**30 + 5)),
    "start_is_bool": _native(_record(start=False, end=True)),
    "float_offsets": _native(_record(start=1.5)),
    "id_too_long": _native(_record(id="x" * (MAX_ID_CHARS + 1))),
    "id_only_bidi": _native(_record(id="\u202e\u2066")),
    "too_many_tags": _native(_record(tags=[f"t{i}" for i in range(MAX_TAGS_PER_ANNOTATION + 1)])),
    "tag_not_string": _native(_record(tags=["a", {"b": 1}])),
    "note_too_long": _native(_record(note="n" * (MAX_NOTE_CHARS + 1))),
    "quote_too_long": _native(_record(quote="q" * (MAX_QUOTE_CHARS + 1))),
    "prefix_is_list": _native(_record(prefix=["x"])),
    "anchor_is_object": _native(_record(anchor={"exact": 1})),
    "colour_is_list": json.dumps(
        {
            "newsmark": 1,
            "annotations": [_record()],
            "tags": [{"name": "economy", "colour": ["#fff"]}],
        }
    ),
    "w3c_type_is_object": json.dumps({"type": [{}], "items": []}),
    "w3c_selector_type_object": json.dumps(
        {
            "type": "AnnotationPage",
            "items": [
                {
                    "id": "urn:x:1",
                    "type": "Annotation",
                    "target": {
                        "source": "urn:newsmark:samples:000",
                        "selector": [{"type": [{}], "exact": "x"}],
                    },
                }
            ],
        }
    ),
    "w3c_start_huge": json.dumps(
        {
            "type": "Annotation",
            "id": "urn:x:1",
            "body": [{"type": "TextualBody", "purpose": [{"a": 1}, "tagging"], "value": "t"}],
            "target": {
                "source": "urn:newsmark:samples:000",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "x"},
                    {"type": "TextPositionSelector", "start": 10**30, "end": 10**30 + 1},
                ],
            },
        }
    ),
    "w3c_note_too_long": json.dumps(
        {
            "type": "Annotation",
            "id": "urn:x:1",
            "body": [{"type": "TextualBody", "value": "n" * (MAX_NOTE_CHARS + 1)}],
            "target": {
                "source": "urn:newsmark:samples:000",
                "selector": {"type": "TextQuoteSelector", "exact": "x"},
            },
        }
    ),
    "top_level_string": json.dumps("newsmark"),
}


def _db_is_empty(run_cli, db: Path) -> bool:
    result = run_cli("annotations", "--json", "--library", str(SAMPLES_DIR), "--db", str(db))
    return result.code == 0 and json.loads(result.out) == []


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_file_gets_one_line_and_nothing_is_written(name, tmp_path, run_cli) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(HOSTILE_FILES[name], encoding="utf-8")
    db = tmp_path / "db.json"
    result = run_cli("import", str(path), "--library", str(SAMPLES_DIR), "--db", str(db))
    assert result.code == 1, result
    assert result.err.startswith(f"newsmark: error: {name}.json")
    assert result.err.count("\n") == 1 and len(result.err) < 300
    assert _db_is_empty(run_cli, db)


def test_limits_on_file_size_and_item_count(tmp_path, run_cli, monkeypatch) -> None:
    import annotations.export.importer as importer

    path = tmp_path / "two.json"
    path.write_text(_native(_record(), _record(id="hostile-2")), encoding="utf-8")
    db = str(tmp_path / "db.json")
    monkeypatch.setattr(importer, "MAX_ITEMS", 1)
    result = run_cli("import", str(path), "--library", str(SAMPLES_DIR), "--db", db)
    assert (result.code, result.err) == (
        1,
        "newsmark: error: two.json: 2 annotations (at most 1 in one file)\n",
    )
    monkeypatch.setattr(importer, "MAX_ITEMS", 10)
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    result = run_cli("import", str(path), "--library", str(SAMPLES_DIR), "--db", db)
    assert result.code == 1 and "two.json: larger than" in result.err


def test_format_characters_are_stripped_from_ids_and_tags(tmp_path, run_cli) -> None:
    path = tmp_path / "bidi.json"
    record = _record(
        id="hostile\u202e-1\u200b",
        article=ARTICLE[:5] + "\u2066" + ARTICLE[5:],
        tags=["eco\u200bnomy", "\u202egro\u200fwth", "👨\u200d👩\u200d👧"],
    )
    path.write_text(_native(record), encoding="utf-8")
    db = str(tmp_path / "db.json")
    result = run_cli("import", str(path), "--library", str(SAMPLES_DIR), "--db", db)
    assert result.code == 0, result
    assert "0 orphaned" in result.out  # the article id matched once cleaned
    [stored] = json.loads(
        run_cli("annotations", "--json", "--library", str(SAMPLES_DIR), "--db", db).out
    )
    assert stored["id"] == "hostile-1"
    assert stored["article"] == ARTICLE
    assert stored["tags"] == ["economy", "growth", "👨\u200d👩\u200d👧"]  # emoji ZWJ kept


def test_hostile_file_through_the_real_command(tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(HOSTILE_FILES["nested_5000"], encoding="utf-8")
    env = {
        **os.environ,
        "NEWSMARK_DB": str(tmp_path / "db.json"),
        "NEWSMARK_LIBRARY": str(SAMPLES_DIR),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == "newsmark: error: deep.json: JSON nested too deeply\n"


# ---------------------------------------------------------------------------- fuzzing

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[path[0]] = _replaced(document[path[0]], path[1:], value)
    return copy


@pytest.fixture(scope="module")
def valid_exports(corpus, metas) -> list[Any]:
    fixture = build_fixture(corpus)[:2]
    return [
        json.loads(
            render_export(
                fmt, fixture, metas, {"Xi": "#ff0000"}, collection="samples", generated=GENERATED
            )
        )
        for fmt in (ExportFormat.JSON, ExportFormat.W3C)
    ]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_value_anywhere_is_read_or_refused_in_one_line(valid_exports, data) -> None:
    document = data.draw(st.sampled_from(valid_exports))
    path = data.draw(st.sampled_from(_paths(document)))
    hostile = _replaced(document, path, data.draw(_JSON))
    try:
        read_export(json.dumps(hostile), source_name="f.json")
    except ImportFormatError as error:
        assert "\n" not in str(error) and str(error).startswith("f.json")
