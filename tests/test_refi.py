"""REFI-QDA exchange: `.qdpx` projects and codebooks (`.qdc`, CSV), through the command line."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.corpus import Corpus
from annotations.export.refi import PROJECT_NS
from annotations.export.refi.codebook import CodebookEntry
from annotations.export.refi.project import render_qdpx
from annotations.export.refi.sourcetext import canonical_text
from annotations.loader import load_file
from annotations.store import AnnotationStore
from tests.test_export_golden import build_fixture

REFI_DIR = Path(__file__).resolve().parent.parent / "annotations" / "export" / "refi"
USER = "0b4c6a8e-1f2d-4e3a-9b5c-7d6e5f4a3b2c"
CODE_A = "11111111-2222-4333-8444-555555555555"
CODE_B = "11111111-2222-4333-8444-666666666666"


@pytest.fixture
def store_a(tmp_path: Path, samples_dir: Path) -> AnnotationStore:
    """The golden fixture annotations, one tag nested (`security/maritime`), one recoloured."""
    store = AnnotationStore.open(tmp_path / "a" / "annotations.json")
    annotations = build_fixture(Corpus.open(samples_dir))
    first = annotations[0]
    annotations[0] = first.with_changes(tags=(*first.tags, "security/maritime"))
    store.put_many(annotations)
    store.set_tag_colour("solidarity", "#123456")
    return store


def _cli(run_cli, library: Path, db: Path, *args: str):
    return run_cli("--library", str(library), "--db", str(db), *args)


def _state(library: Path, db: Path) -> tuple[dict[str, bytes], bytes | None]:
    """Every file of the library with its content, and the DB's bytes (None if absent)."""
    files = {
        str(p.relative_to(library)): p.read_bytes()
        for p in sorted(library.rglob("*"))
        if p.is_file()
    }
    return files, db.read_bytes() if db.exists() else None


def _project_xml(sources: str, codes: str = "") -> str:
    codes = codes or (
        f'<Code guid="{CODE_A}" name="economy" isCodable="true" color="#AA0000">'
        f"<Description>Money matters</Description>"
        f'<Code guid="{CODE_B}" name="trade" isCodable="true"/></Code>'
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="{PROJECT_NS}" name="Field study">'
        f'<Users><User guid="{USER}" name="alice"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f"<Sources>{sources}</Sources></Project>"
    )


def _qdpx(path: Path, project: str | bytes | None, files: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        if project is not None:
            archive.writestr("project.qde", project)
        for name, text in (files or {}).items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def _selection(guid: str, start: int, end: int, *codes: str, note: str | None = None) -> str:
    codings = "".join(
        f'<Coding guid="{guid[:-4]}{index:04d}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding>'
        for index, code in enumerate(codes)
    )
    description = f"<Description>{note}</Description>" if note else ""
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{USER}" creationDateTime="2024-03-01T10:00:00Z">'
        f"{description}{codings}</PlainTextSelection>"
    )


# ---------------------------------------------------------------------------- export


def test_qdpx_export_validates_and_its_selections_index_the_source_text(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    out = tmp_path / "project.qdpx"
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "qdpx", "-o", str(out))
    assert result.code == 0, result.err
    assert "exported 6 annotations" in result.err
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
        schema = xmlschema.XMLSchema(REFI_DIR / "Project-mrt2019.xsd")
        schema.validate(io.BytesIO(qde))
        root = schema.to_etree(schema.decode(io.BytesIO(qde)))
        ns = {"q": PROJECT_NS}
        codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", ns)}
        maritime = root.find(".//q:Code[@name='security']/q:Code[@name='maritime']", ns)
        assert maritime is not None  # the hierarchy of `security/maritime` is kept
        stored = {a.id: a for a in store_a.all()}
        seen = set()
        for source in root.iterfind(".//q:TextSource", ns):
            text = archive.read(
                "sources/" + source.get("plainTextPath").removeprefix("internal://")
            ).decode("utf-8")
            for selection in source.iterfind("q:PlainTextSelection", ns):
                annotation = stored[selection.get("guid")]
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end] == annotation.quote
                assert (start, end) == (annotation.start, annotation.end)
                assert selection.findtext("q:Description", None, ns) == annotation.note
                tags = [
                    codes[c.get("targetGUID")] for c in selection.iterfind("q:Coding/q:CodeRef", ns)
                ]
                assert [t.rsplit("/", 1)[-1] for t in annotation.tags] == tags
                seen.add(annotation.id)
    assert seen == set(stored)
    assert root.find(".//q:User", ns).get("name")


def test_qdpx_is_refused_on_stdout(run_cli, samples_dir, store_a) -> None:
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "qdpx")
    assert result.code == 1
    assert result.err.startswith("newsmark: error: a qdpx project is a zip archive")
    assert result.out == ""


def test_qdc_export_validates_and_csv_codebook_lists_every_tag(
    run_cli, samples_dir, store_a
) -> None:
    result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "qdc")
    assert result.code == 0
    xmlschema.XMLSchema(REFI_DIR / "Codebook-mrt2019.xsd").validate(result.out)
    assert 'color="#123456"' in result.out
    csv_result = _cli(run_cli, samples_dir, store_a.path, "export", "--format", "codebook-csv")
    lines = csv_result.out.splitlines()
    assert lines[0] == "name,description"
    assert sorted(line.rstrip(",") for line in lines[1:]) == sorted(
        info.name for info in store_a.tags()
    )


# ---------------------------------------------------------------------------- round trip


def test_round_trip_gives_the_same_quotes_tags_notes_and_offsets(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    out = tmp_path / "project.qdpx"
    assert (
        _cli(run_cli, samples_dir, store_a.path, "export", "--format", "qdpx", "-o", str(out)).code
        == 0
    )
    library, db = tmp_path / "empty-library", tmp_path / "b" / "annotations.json"
    library.mkdir()
    result = _cli(run_cli, library, db, "import", str(out))
    assert result.code == 0, result.err
    assert "6 added" in result.out
    original_corpus = Corpus.open(samples_dir)
    imported_corpus = Corpus.open(library)
    imported = {a.id: a for a in AnnotationStore.open(db).all()}
    originals = store_a.all()
    assert set(imported) == {a.id for a in originals}
    for original in originals:
        copy = imported[original.id]
        assert copy.article == f"samples/{original.article}"
        assert (copy.quote, copy.start, copy.end, copy.tags, copy.note, copy.anchor) == (
            original.quote,
            original.start,
            original.end,
            original.tags,
            original.note,
            original.anchor,
        )
        assert imported_corpus.body(copy.article) == original_corpus.body(original.article)
        meta, original_meta = (
            imported_corpus.meta(copy.article),
            original_corpus.meta(original.article),
        )
        assert (meta.title, meta.source, meta.author) == (
            original_meta.title,
            original_meta.source,
            original_meta.author,
        )
    colours = {info.name: info.colour for info in AnnotationStore.open(db).tags()}
    assert colours["solidarity"] == "#123456"
    again = _cli(run_cli, library, db, "import", str(out))  # importing twice changes nothing
    assert again.code == 0 and "0 added" in again.out and "(4 already there)" in again.out


def test_a_project_exported_from_this_library_comes_back_onto_its_articles(
    run_cli, library_copy, store_a, tmp_path
) -> None:
    """(Found by a tester.) Imported back into the library it came from, a project wrote a
    copy of every article beside the original, the codings stayed on the originals and the
    memos went to the copies. Sources whose text the library has are those articles."""
    article = store_a.all()[0].article
    store_a.set_memo("article", article, "Frames the visit as a milestone")
    out = tmp_path / "project.qdpx"
    exported = _cli(
        run_cli, library_copy, store_a.path, "export", "--format", "qdpx", "-o", str(out)
    )
    assert exported.code == 0, exported.err
    before = _state(library_copy, tmp_path / "none.json")[0]
    again = _cli(run_cli, library_copy, store_a.path, "import", str(out))
    assert again.code == 0, again.err
    assert "4 sources matched by their text to articles of the library" in again.out
    assert "written" not in again.out
    assert "0 added, 0 updated, 6 unchanged" in again.out
    assert _state(library_copy, tmp_path / "none.json")[0] == before  # no copy written
    fresh_db = tmp_path / "c" / "annotations.json"  # another coder's empty database
    result = _cli(run_cli, library_copy, fresh_db, "import", str(out))
    assert result.code == 0, result.err
    imported = AnnotationStore.open(fresh_db)
    assert sorted((a.id, a.article, a.start, a.end) for a in imported.all()) == sorted(
        (a.id, a.article, a.start, a.end) for a in store_a.all()
    )
    assert [(m["target"], m["text"]) for m in imported.memos()] == [
        (article, "Frames the visit as a milestone")
    ]


def test_a_source_goes_to_the_article_it_is_named_after_among_copies_of_its_text(
    run_cli, library_copy, tmp_path
) -> None:
    """(Found by a reviewer.) Syndicated copies of one story have the same text: a source
    goes to the article it is named after, not to the first of them; a source named after
    none of several copies is written as an article of its own, with a notice."""
    article = "000_e730ce0a32d34978"
    (library_copy / "zzz_syndicated.txt").write_bytes(
        (library_copy / f"{article}.txt").read_bytes()
    )
    db = tmp_path / "a" / "annotations.json"
    quote = "deepen win-win cooperation"
    made = _cli(
        run_cli, library_copy, db, "annotate", "zzz_syndicated", "--quote", quote, "--tag", "x"
    )
    assert made.code == 0, made.err
    out = tmp_path / "project.qdpx"
    assert _cli(run_cli, library_copy, db, "export", "--format", "qdpx", "-o", str(out)).code == 0
    fresh = tmp_path / "b" / "annotations.json"
    result = _cli(run_cli, library_copy, fresh, "import", str(out))
    assert result.code == 0, result.err
    assert [a.article for a in AnnotationStore.open(fresh).all()] == ["zzz_syndicated"]
    assert "1 source matched by their text" in result.out
    (library_copy / "yyy_copy.txt").write_bytes((library_copy / f"{article}.txt").read_bytes())
    renamed = tmp_path / "renamed.qdpx"
    with zipfile.ZipFile(out) as old, zipfile.ZipFile(renamed, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "project.qde":
                data = data.replace(b'name="zzz_syndicated"', b'name="wire story"')
            new.writestr(item, data)
    other = tmp_path / "c" / "annotations.json"
    result = _cli(run_cli, library_copy, other, "import", str(renamed))
    assert result.code == 0, result.err
    assert "has the text of 3 articles of the library" in result.err + result.out
    [imported] = AnnotationStore.open(other).all()
    assert imported.article.endswith("/wire-story")


def test_memos_travel_as_notes_and_descriptions_come_back(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    article = store_a.all()[0].article
    store_a.describe_tag("security/maritime", "At sea")
    store_a.set_memo("article", article, "Frames the visit as a milestone")
    store_a.set_memo("tag", "security/maritime", "Only China Daily uses it")
    store_a.set_memo("article", "999_not_exported", "left out: not in the project")
    out = tmp_path / "project.qdpx"
    assert (
        _cli(run_cli, samples_dir, store_a.path, "export", "--format", "qdpx", "-o", str(out)).code
        == 0
    )
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
    schema = xmlschema.XMLSchema(REFI_DIR / "Project-mrt2019.xsd")
    schema.validate(io.BytesIO(qde))
    root = schema.to_etree(schema.decode(io.BytesIO(qde)))
    ns = {"q": PROJECT_NS}
    notes = {
        n.get("guid"): n.findtext("q:PlainTextContent", None, ns)
        for n in root.iterfind("q:Notes/q:Note", ns)
    }
    assert sorted(notes.values()) == ["Frames the visit as a milestone", "Only China Daily uses it"]
    source = root.find(f".//q:TextSource[@name='{article}']", ns)
    maritime = root.find(".//q:Code[@name='security']/q:Code[@name='maritime']", ns)
    assert notes[source.find("q:NoteRef", ns).get("targetGUID")].startswith("Frames")
    assert notes[maritime.find("q:NoteRef", ns).get("targetGUID")].startswith("Only")

    library, db = tmp_path / "empty-library", tmp_path / "b" / "annotations.json"
    library.mkdir()
    result = _cli(run_cli, library, db, "import", str(out))
    assert result.code == 0, result.err
    assert "memos: 2 added" in result.out
    imported = AnnotationStore.open(db)
    assert {(m["kind"], m["target"], m["text"]) for m in imported.memos()} == {
        ("article", f"samples/{article}", "Frames the visit as a milestone"),
        ("tag", "security/maritime", "Only China Daily uses it"),
    }
    assert {i.name: i.description for i in imported.tags() if i.description} == {
        i.name: i.description for i in store_a.tags() if i.description
    }


# ---------------------------------------------------------------------------- foreign files


def test_foreign_text_with_crlf_tabs_and_cjk_is_anchored_exactly(run_cli, tmp_path) -> None:
    text = "  第一段：经济合作。\r\n\r\n第二段\t\t中文　测试 trade deal.\r\nLast  line\x07 here\r\n"
    picks = [
        ("经济合作", CODE_A),
        ("中文　测试 trade", CODE_B),
        ("trade deal.\r\nLast  line", CODE_A),
    ]
    selections = "".join(
        _selection(
            f"aaaaaaaa-0000-4000-8000-00000000000{i}",
            text.index(q),
            text.index(q) + len(q),
            code,
            note="why" if i == 0 else None,
        )
        for i, (q, code) in enumerate(picks)
    )
    source = (
        f'<TextSource guid="bbbbbbbb-0000-4000-8000-000000000001" name="Interview 1" '
        f'plainTextPath="internal://bbbbbbbb.txt">{selections}</TextSource>'
    )
    path = _qdpx(tmp_path / "field.qdpx", _project_xml(source), {"sources/bbbbbbbb.txt": text})
    library, db = tmp_path / "lib", tmp_path / "db.json"
    library.mkdir()
    result = _cli(run_cli, library, db, "import", str(path))
    assert result.code == 0, result.err
    corpus = Corpus.open(library)
    body = corpus.body("Field-study/Interview-1")
    assert body == "第一段：经济合作。\n\n第二段 中文 测试 trade deal.\n\nLast line here"
    annotations = sorted(AnnotationStore.open(db).all(), key=lambda a: a.id)
    assert [a.quote for a in annotations] == [
        "经济合作",
        "中文 测试 trade",
        "trade deal.\n\nLast line",
    ]
    assert [a.tags for a in annotations] == [("economy",), ("economy/trade",), ("economy",)]
    assert annotations[0].note == "why"
    for annotation in annotations:
        assert body[annotation.start : annotation.end] == annotation.quote
        assert annotation.created == "2024-03-01T10:00:00Z"


def test_foreign_notes_of_sources_and_codes_become_memos(run_cli, tmp_path) -> None:
    note = "22222222-3333-4444-8555-666666666666"
    code_note = "22222222-3333-4444-8555-777777777777"
    codes = (
        f'<Code guid="{CODE_A}" name="economy" isCodable="true">'
        f'<Description>Money matters</Description><NoteRef targetGUID="{code_note}"/>'
        f"</Code>"
    )
    source = (
        f'<TextSource guid="{USER[:-1]}d" name="Interview 1"><PlainTextContent>'
        f"Prices rose again.</PlainTextContent>{_selection(CODE_B, 0, 6, CODE_A)}"
        f'<NoteRef targetGUID="{note}"/></TextSource>'
    )
    project = _project_xml(source, codes).replace(
        "</Sources>",
        f'</Sources><Notes><Note guid="{note}" name="n" modifiedDateTime="2024-03-02T10:00:00Z">'
        f"<PlainTextContent>  About the interview\n</PlainTextContent></Note>"
        f'<Note guid="{code_note}" name="m"><PlainTextContent>Analytic memo'
        f"</PlainTextContent></Note></Notes>",
    )
    path = _qdpx(tmp_path / "field.qdpx", project)
    library, db = tmp_path / "library", tmp_path / "db.json"
    library.mkdir()
    result = _cli(run_cli, library, db, "import", str(path))
    assert result.code == 0, result.err
    store = AnnotationStore.open(db)
    article_memo, tag_memo = store.memos()  # articles first
    assert (article_memo["text"], article_memo["updated"]) == (
        "About the interview",
        "2024-03-02T10:00:00Z",
    )
    assert article_memo["target"] in Corpus.open(library)
    assert (tag_memo["target"], tag_memo["text"]) == ("economy", "Analytic memo")
    assert tag_memo["updated"]  # the note had no time: the import's
    assert {i.name: i.description for i in store.tags()} == {"economy": "Money matters"}


def test_pdf_and_audio_sources_are_skipped_with_a_notice(run_cli, tmp_path) -> None:
    sources = (
        '<PDFSource guid="cccccccc-0000-4000-8000-000000000001" name="scan.pdf" '
        'path="internal://scan.pdf"/>'
        '<AudioSource guid="cccccccc-0000-4000-8000-000000000002" name="talk.mp3" '
        'path="internal://talk.mp3"/>'
        '<TextSource guid="cccccccc-0000-4000-8000-000000000003" name="notes">'
        "<PlainTextContent>Plain words here.</PlainTextContent>"
        + _selection("dddddddd-0000-4000-8000-000000000001", 6, 11, CODE_A)
        + "</TextSource>"
    )
    path = _qdpx(tmp_path / "mixed.qdpx", _project_xml(sources))
    library, db = tmp_path / "lib", tmp_path / "db.json"
    library.mkdir()
    result = _cli(run_cli, library, db, "import", str(path))
    assert result.code == 0, result.err
    assert "skipped PDF source 'scan.pdf'" in result.err
    assert "skipped audio source 'talk.mp3'" in result.err
    assert [a.quote for a in AnnotationStore.open(db).all()] == ["words"]


BAD_PROJECTS = {
    "not a zip": (None, "not a zip archive"),
    "no project.qde": ({"sources/a.txt": "text"}, "no project.qde"),
    "invalid xml": ("<Project", "not well-formed XML"),
    "wrong root": ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "root element"),
    "schema": (
        f'<Project xmlns="{PROJECT_NS}" name="x"><Users><User guid="nope"/></Users></Project>',
        "does not follow the REFI-QDA project schema",
    ),
    "out of range": (
        _project_xml(
            '<TextSource guid="eeeeeeee-0000-4000-8000-000000000001" name="s">'
            "<PlainTextContent>short</PlainTextContent>"
            + _selection("eeeeeeee-0000-4000-8000-000000000002", 2, 40, CODE_A)
            + "</TextSource>"
        ),
        "outside its text of 5 characters",
    ),
    "missing text": (
        _project_xml(
            '<TextSource guid="eeeeeeee-0000-4000-8000-000000000001" name="s" '
            'plainTextPath="internal://gone.txt"/>'
        ),
        "missing from the archive",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PROJECTS))
def test_bad_project_files_are_refused_and_nothing_is_written(
    run_cli, library_copy, tmp_path, case
) -> None:
    content, message = BAD_PROJECTS[case]
    path = tmp_path / "bad.qdpx"
    if content is None:
        path.write_bytes(b"PK but not really a zip archive")
    elif isinstance(content, dict):
        _qdpx(path, None, content)
    else:
        _qdpx(path, content)
    db = tmp_path / "db.json"
    before = _state(library_copy, db)
    result = _cli(run_cli, library_copy, db, "import", str(path))
    assert result.code == 1
    assert message in result.err
    assert result.err.startswith("newsmark: error: bad.qdpx: ")
    assert result.err.count("\n") == 1
    assert _state(library_copy, db) == before


def test_a_different_file_in_the_way_is_not_overwritten(run_cli, tmp_path) -> None:
    source = (
        '<TextSource guid="ffffffff-0000-4000-8000-000000000001" name="one">'
        "<PlainTextContent>Some text.</PlainTextContent></TextSource>"
    )
    path = _qdpx(tmp_path / "p.qdpx", _project_xml(source))
    library, db = tmp_path / "lib", tmp_path / "db.json"
    (library / "Field-study").mkdir(parents=True)
    (library / "Field-study" / "one.json").write_text('{"title": "mine", "text": "Mine."}')
    before = _state(library, db)
    result = _cli(run_cli, library, db, "import", str(path))
    assert result.code == 1 and "already exists with different content" in result.err
    assert _state(library, db) == before


# ---------------------------------------------------------------------------- codebooks


def test_qdc_import_sets_colours_and_reads_nested_codes(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        f'<Codes><Code guid="{CODE_A}" name="Security" isCodable="true" color="#00FF00">'
        f'<Description>threats</Description><Code guid="{CODE_B}" name="maritime" '
        'isCodable="true" color="#0000FF"/></Code></Codes></CodeBook>',
        encoding="utf-8",
    )
    result = _cli(run_cli, samples_dir, store_a.path, "import", str(qdc))
    assert result.code == 0, result.err
    assert (
        "2 codes (2 already in the codebook, 1 in use as tags), 2 colours set, 1 description set"
        in result.out
    )
    store = AnnotationStore.open(store_a.path)
    assert {info.name: info.description for info in store.tags()}["Security"] == "threats"
    assert store.tag_colour("security/maritime") == "#0000ff"
    assert store.tag_colour("security") == "#00ff00"


def test_taguette_csv_codebook_is_read_and_annotation_csv_refused(
    run_cli, samples_dir, store_a, tmp_path
) -> None:
    taguette = tmp_path / "codebook.csv"
    taguette.write_text(
        "tag,description,number of highlights\nsolidarity,Unity,3\nplace,,0\n", encoding="utf-8"
    )
    result = _cli(run_cli, samples_dir, store_a.path, "import", str(taguette))
    assert (
        result.code == 0
        and "2 codes (1 already in the codebook, 1 in use as tags), 0 colours set" in result.out
    )
    exported = tmp_path / "annotations.csv"
    assert (
        _cli(
            run_cli, samples_dir, store_a.path, "export", "--format", "csv", "-o", str(exported)
        ).code
        == 0
    )
    before = store_a.path.read_bytes()
    refused = _cli(run_cli, samples_dir, store_a.path, "import", str(exported))
    assert refused.code == 1 and "annotation CSV export, not a codebook" in refused.err
    assert store_a.path.read_bytes() == before


# ---------------------------------------------------------------------------- source text

_TEXT = st.lists(
    st.sampled_from([*"ab .\t\r\n\u3000\u00a0\x07\x1b中文，。", "\r\n", "\u2028"]), max_size=40
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_canonical_text_loads_unchanged_and_maps_every_kept_character(text: str) -> None:
    canonical = canonical_text(text)
    path = Path(os.devnull).with_name("record.json")
    if canonical.body:
        from annotations.loader import build_article
        from annotations.parsers import parse_text
        from annotations.text import normalise_text

        record = json.dumps({"title": "t", "text": canonical.body}, ensure_ascii=False)
        (parsed,) = parse_text(normalise_text(record), path)
        assert build_article(parsed, "x", path, "utf-8").body == canonical.body
    for index, ch in enumerate(text):
        if not ch.isspace() and ch.isprintable():
            start, end = canonical.start(index), canonical.end(index + 1)
            assert canonical.body[start:end] == ch


def test_loader_reads_an_imported_record_file_unchanged(tmp_path) -> None:
    body = canonical_text("第一\r\n第二  段\n").body
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "t", "text": body}, ensure_ascii=False), encoding="utf-8")
    assert load_file(path, "a").articles[0].body == body == "第一\n\n第二 段"


def test_qdpx_export_is_deterministic(samples_dir) -> None:
    corpus = Corpus.open(samples_dir)
    annotations = build_fixture(corpus)
    articles = {a.article: corpus.article(a.article) for a in annotations}
    codebook = [CodebookEntry("solidarity", "#123456"), CodebookEntry("cooperation")]
    first, again = (
        render_qdpx(
            order,
            articles,
            codebook,
            name="samples",
            user="ann",
            generated="2026-01-15T09:30:00.000Z",
        )
        for order in (annotations, list(reversed(annotations)))
    )
    assert first == again
