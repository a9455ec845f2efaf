"""`newsmark export` and `newsmark import` end to end, through the command line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pyperclip
import pytest

from annotations.corpus import Corpus
from annotations.export.w3c import validate_w3c
from annotations.store import AnnotationStore
from tests.test_export_golden import build_fixture


@pytest.fixture
def store_a(tmp_path: Path, samples_dir: Path) -> AnnotationStore:
    """A store holding the golden fixture annotations (one of them edited with a colour)."""
    store = AnnotationStore.open(tmp_path / "a" / "annotations.json")
    store.put_many(build_fixture(Corpus.open(samples_dir)))
    store.set_tag_colour("solidarity", "#123456")
    return store


def _cli(run_cli, samples_dir: Path, db: Path, *args: str):
    return run_cli("--library", str(samples_dir), "--db", str(db), *args)


def test_json_round_trip_restores_every_annotation(run_cli, samples_dir, store_a, tmp_path) -> None:
    out = tmp_path / "colleague.json"
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "json", "-o", str(out))
    assert result.code == 0 and result.out == ""
    assert "exported 6 annotations" in result.err
    db_b = tmp_path / "b" / "annotations.json"
    result = _cli(run_cli, samples_dir, db_b, "import", str(out))
    assert result.code == 0
    assert result.err == f"newsmark: started a new annotation database at {db_b}\n"
    assert result.out == "imported colleague.json: 6 added, 0 updated, 0 unchanged, 0 orphaned\n"
    store_b = AnnotationStore.open(db_b)
    assert store_b.all() == store_a.all()
    assert store_b.tag_colour("solidarity") == "#123456"

    again = _cli(run_cli, samples_dir, db_b, "import", str(out))
    assert again.out == "imported colleague.json: 0 added, 0 updated, 6 unchanged, 0 orphaned\n"


def test_w3c_round_trip_restores_ids_quotes_tags_and_notes(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "w3c")
    assert result.code == 0
    assert validate_w3c(json.loads(result.out)) == []
    exported = tmp_path / "shared.jsonld"
    exported.write_text(result.out, encoding="utf-8")
    db_c = tmp_path / "c" / "annotations.json"
    assert _cli(run_cli, samples_dir, db_c, "import", str(exported)).code == 0

    def essentials(store: AnnotationStore) -> list[tuple]:
        return [
            (a.id, a.article, a.quote, a.start, a.end, a.tags, a.note, a.anchor)
            for a in store.all()
        ]

    assert essentials(AnnotationStore.open(db_c)) == essentials(store_a)


def test_import_of_missing_or_invalid_file_changes_nothing(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    missing = _cli(
        run_cli, samples_dir, tmp_path / "new" / "db.json", "import", str(tmp_path / "nope.json")
    )
    assert missing.code == 1
    assert missing.err.startswith("newsmark: error: cannot read ") and missing.err.count("\n") == 1
    assert not (tmp_path / "new" / "db.json").exists()

    before = store_a.path.read_bytes()
    bad = tmp_path / "colleague.json"
    bad.write_text('{"newsmark": 1, "annotations": [{"id": "x"}]}', encoding="utf-8")
    result = _cli(run_cli, samples_dir, store_a.path, "import", str(bad))
    assert result.code == 1
    assert result.err == "newsmark: error: colleague.json: annotation 1 has no 'article'\n"
    assert store_a.path.read_bytes() == before


def test_csv_file_has_a_bom_and_stdout_has_none(run_cli, samples_dir, store_a, tmp_path) -> None:
    out = tmp_path / "quotes.csv"
    assert (
        _cli(run_cli, samples_dir, store_a.path, "export", "--format", "csv", "-o", str(out)).code
        == 0
    )
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfannotation_id,tag,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 8
    printed = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "csv").out
    assert printed.startswith("annotation_id,") and printed == data.decode("utf-8-sig")


def test_tag_and_article_filters(run_cli, samples_dir, store_a) -> None:
    result = _cli(
        run_cli,
        samples_dir,
        store_a.path,
        "export",
        "--format",
        "markdown",
        "--tag",
        "XI",
        "--article",
        "000_e7",
    )
    assert result.code == 0 and result.err == ""
    assert "- Tags: XI\n- Article: 000_e730ce0a32d34978\n- Quotes: 1\n" in result.out
    assert "## Xi\n" in result.out and "## cooperation" not in result.out  # stored spelling


def test_export_matching_nothing_is_an_error_and_writes_nothing(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    out = tmp_path / "quotes.json"
    result = _cli(
        run_cli, samples_dir, store_a.path, "export", "--tag", "nosuchtag", "-o", str(out)
    )
    assert (result.code, result.out) == (1, "")
    assert result.err == "newsmark: error: no annotations tagged nosuchtag; nothing was exported\n"
    assert not out.exists()
    printed = _cli(run_cli, samples_dir, store_a.path, "export", "--tag", "nosuchtag")
    assert (printed.code, printed.out) == (1, "")


def test_export_of_an_article_without_annotations_is_an_error(
    run_cli, samples_dir, store_a
) -> None:
    annotated = {a.article for a in store_a.all()}
    bare = next(m.id for m in Corpus.open(samples_dir) if m.id not in annotated)
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--article", bare, "--tag", "Xi")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"newsmark: error: no annotations tagged Xi on article {bare}; nothing was exported\n"
    )


def test_export_of_an_empty_database_is_an_error(run_cli, samples_dir, db_path) -> None:
    result = _cli(run_cli, samples_dir, db_path, "export", "--clipboard")
    assert result.code == 1
    assert result.err == "newsmark: error: there are no annotations to export\n"


def test_one_unknown_tag_among_known_ones_is_a_warning(run_cli, samples_dir, store_a) -> None:
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--tag", "Xi", "--tag", "nosuch")
    assert result.code == 0
    assert result.err == "newsmark: warning: no annotations tagged nosuch\n"
    exported = {a["id"] for a in json.loads(result.out)["annotations"]}
    assert exported == {a.id for a in store_a.with_tags(["Xi"])} and exported


def test_unknown_article_is_an_error(run_cli, samples_dir, store_a) -> None:
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--article", "zzz")
    assert result.code == 1 and result.err.startswith("newsmark: error: no article")


def test_clipboard_falls_back_to_the_cache_file(
    run_cli, samples_dir, store_a, tmp_path, monkeypatch
) -> None:
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    result = _cli(
        run_cli, samples_dir, store_a.path, "export", "--format", "markdown", "--clipboard"
    )
    saved = tmp_path / "xdg-cache" / "newsmark" / "clipboard.txt"
    assert result.code == 0 and result.out == ""
    assert result.err == f"newsmark: no system clipboard available; saved to {saved}\n"
    assert saved.read_text(encoding="utf-8").startswith("# Tagged quotes")


def test_export_to_unwritable_path_is_a_one_line_error(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _cli(run_cli, samples_dir, store_a.path, "export", "-o", str(blocker / "out.json"))
    assert result.code == 1
    assert result.err.startswith("newsmark: error: cannot write ") and result.err.count("\n") == 1


def test_export_offsets_follow_an_edited_article(run_cli, library_copy, tmp_path) -> None:
    store = AnnotationStore.open(tmp_path / "edited" / "annotations.json")
    store.put_many(build_fixture(Corpus.open(library_copy)))
    path = library_copy / "003_4a3f0146945ab2e7.txt"
    title, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"{title}\n\nA new first paragraph.\n{rest}", encoding="utf-8")
    result = _cli(run_cli, library_copy, store.path, "export", "--article", "003")
    (exported,) = json.loads(result.out)["annotations"]
    body = Corpus.open(library_copy).article("003_4a3f0146945ab2e7").body
    assert body[exported["start"] : exported["end"]] == exported["quote"]
    assert exported["start"] > 363


def test_export_tag_filter_ignores_case_and_spacing(run_cli, samples_dir, tmp_path) -> None:
    store = AnnotationStore.open(tmp_path / "scs" / "annotations.json")
    first = build_fixture(Corpus.open(samples_dir))[0]
    store.put_many([replace(first, tags=("South China Sea",))])
    result = _cli(
        run_cli, samples_dir, store.path, "export", "--format", "json", "--tag", "south  china sea"
    )
    assert result.code == 0 and result.err == ""
    assert [a["id"] for a in json.loads(result.out)["annotations"]] == [first.id]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "not a colour"}, "invalid colour 'not a colour'"),
        ({"quote": "", "start": 0, "end": 0}, "start/end are not a valid range"),
        ({"article": "a\x1b]0;t\x07b"}, "'article' contains a control character"),
    ],
)
def test_malformed_import_is_one_line_and_writes_nothing(
    run_cli, samples_dir, store_a, tmp_path, change, message
) -> None:
    exported = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "json").out
    doc = json.loads(exported)
    doc["annotations"].append(dict(doc["annotations"][0], id="new-one", **change))
    bad = tmp_path / "colleague.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = store_a.path.read_bytes()
    result = _cli(run_cli, samples_dir, store_a.path, "import", str(bad))
    assert result.code == 1
    assert result.err.startswith(f"newsmark: error: colleague.json: annotation 7: {message}")
    assert result.err.count("\n") == 1
    assert store_a.path.read_bytes() == before


def test_messages_count_one_thing_in_the_singular(run_cli, samples_dir, store_a, tmp_path) -> None:
    out = tmp_path / "one.bib"
    result = _cli(
        run_cli,
        samples_dir,
        store_a.path,
        "export",
        "--format",
        "bibtex",
        "--article",
        "003",
        "-o",
        str(out),
    )
    assert result.code == 0 and "exported 1 article to" in result.err
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"newsmark": 1, "annotations": [{"id": "x", "article": "a", "quote": "q",'
        ' "start": "0", "end": 1}]}',
        encoding="utf-8",
    )
    refused = _cli(run_cli, samples_dir, store_a.path, "import", str(bad))
    assert refused.code == 1 and "'start' is not an integer" in refused.err
