"""Coder identity: where the current coder comes from, the schema 3 migration, coders in the
store, the command line, exports and imports, and the blind-coding filter."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import orjson
import pytest

from annotations import coder as coder_module
from annotations.anchoring import locate_quote, new_annotation
from annotations.coder import (
    CODER_ENV,
    InvalidCoderError,
    by_coders,
    clean_coder,
    current_coder,
    default_coder,
    save_coder,
    saved_coder,
    settings_path,
    tags_seen_in,
    visible_to,
)
from annotations.corpus import Corpus
from annotations.errors import CorruptDatabaseError
from annotations.export.refi import PROJECT_NS
from annotations.model import Annotation, TagInfo
from annotations.store import AnnotationStore
from annotations.store.journal import journal_path
from annotations.store.schema import META_TABLE, SCHEMA_VERSION
from tests.conftest import RunCli

QUOTE = "make the pie of common interests even bigger"
OTHER = "six major goals"


@pytest.fixture
def cli(run_cli: RunCli, samples_dir: Path, db_path: Path) -> RunCli:
    return lambda *args: run_cli("--library", str(samples_dir), "--db", str(db_path), *args)


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> str:
    """The login name, fixed for the test."""
    monkeypatch.setattr(coder_module.getpass, "getuser", lambda: "lee")
    return "lee"


def listed(cli: RunCli, *args: str) -> list[dict]:
    result = cli(*args, "annotations", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# where the coder comes from ------------------------------------------------------------


def test_current_coder_is_option_then_environment_then_setting_then_login(
    login: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not settings_path().exists()
    assert current_coder() == login
    assert saved_coder() == login  # saved on first use
    save_coder("  Ana\u200b  Silva ")
    assert saved_coder() == "Ana Silva"
    assert current_coder() == "Ana Silva"
    monkeypatch.setenv(CODER_ENV, "ben")
    assert current_coder() == "ben"
    assert current_coder("cleo") == "cleo"
    assert default_coder() == "Ana Silva"  # neither the option nor the environment


def test_saving_the_coder_keeps_other_settings(login: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"theme": "nord", "coder": 5}')
    assert saved_coder() is None  # not a usable name
    assert current_coder() == login
    save_coder("ana")
    saved = orjson.loads(path.read_bytes())
    assert (saved["theme"], saved["coder"]) == ("nord", "ana")


def test_a_damaged_settings_file_is_left_as_it_is_and_said(login: str) -> None:
    """A settings file broken by hand is not replaced by {"coder": login} on first use:
    the login name codes this time, with a warning, until the user mends it."""
    path = settings_path()
    path.parent.mkdir(parents=True)
    damaged = b'{"coder": "ana", "theme": "nord"'
    path.write_bytes(damaged)
    notices: list[str] = []
    assert current_coder(notices=notices) == login
    assert path.read_bytes() == damaged
    assert len(notices) == 1 and str(path) in notices[0] and f"coding as {login}" in notices[0]
    assert saved_coder() is None and default_coder() == login
    saved = save_coder("ana")  # saying who codes sets the damaged file aside
    assert saved.damaged_file_kept is not None
    assert saved.damaged_file_kept.read_bytes() == damaged
    assert orjson.loads(path.read_bytes())["coder"] == "ana"
    assert current_coder() == "ana"


def test_an_unusable_saved_coder_is_not_overwritten(login: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"theme": "nord", "coder": ""}')
    notices: list[str] = []
    assert current_coder(notices=notices) == login
    assert orjson.loads(path.read_bytes()) == {"theme": "nord", "coder": ""}
    assert len(notices) == 1 and "not a usable name" in notices[0]


def test_the_command_line_warns_and_keeps_a_damaged_settings_file(cli: RunCli, login: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"coder": "ana"')
    result = cli("annotate", "000", "--quote", QUOTE, "--tag", "x")
    assert result.code == 0, result.err
    assert "warning: ignored the settings file" in result.err and f"coding as {login}" in result.err
    assert path.read_bytes() == b'{"coder": "ana"'
    result = cli("coder", "ana")
    assert result.out == "coder: ana (saved)\n"
    assert "settings.json.damaged" in result.err
    assert path.with_name("settings.json.damaged").read_bytes() == b'{"coder": "ana"'


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u202e", "x" * 65])
def test_bad_coder_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidCoderError):
        clean_coder(name)


def test_bad_coder_on_the_command_line_is_one_line_error(cli: RunCli) -> None:
    result = cli("--coder", " ", "annotate", "000", "--quote", QUOTE, "--tag", "x")
    assert result.code == 1
    assert result.err == "newsmark: error: the coder name is empty\n"


# the store -------------------------------------------------------------------------------


def highlight(corpus: Corpus, quote: str, *tags: str, coder: str | None = None) -> Annotation:
    article = corpus.article("000")
    span = locate_quote(article.body, quote)
    made = new_annotation(article, span.start, span.end, tags=tags)
    return made if coder is None else made.with_changes(coder=coder)


def test_store_gives_its_coder_to_annotations_without_one(db_path: Path, samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    store = AnnotationStore.open(db_path, coder="ana")
    mine = store.add(highlight(corpus, QUOTE, "economy"))
    theirs = store.add(highlight(corpus, OTHER, "security", coder="ben"))
    assert (mine.coder, theirs.coder) == ("ana", "ben")
    edited = AnnotationStore.open(db_path, coder="cleo").edit(theirs.id, add_tags=["x"])
    assert edited.coder == "ben"  # editing someone's annotation keeps their name on it
    assert store.coders() == {"ana": 1, "ben": 1}


def test_replace_many_is_one_undo_step(db_path: Path, samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    store = AnnotationStore.open(db_path, coder="ana")
    old = store.add(highlight(corpus, QUOTE, "economy"))
    new = highlight(corpus, OTHER, "economy", coder="consensus")
    assert store.replace_many([old.id, "no-such-id"], [new], description="settle") == 1
    assert [a.id for a in store.all()] == [new.id]
    assert store.undo().description == "settle"
    assert [a.id for a in store.all()] == [old.id]


def schema2_database(db_path: Path) -> dict:
    """A database as newsmark wrote it before coders: an annotation, and an undo entry
    that deleted another one (whole document, no coder)."""
    annotation = {
        "id": "a-1",
        "article": "000_e730ce0a32d34978",
        "quote": "six major goals",
        "start": 661,
        "end": 676,
        "prefix": "",
        "suffix": "",
        "body_hash": "",
        "tags": ["security"],
        "note": None,
        "colour": None,
        "anchor": "exact",
        "created": "2026-01-01T10:00:00.000Z",
        "updated": "2026-01-01T10:00:00.000Z",
    }
    deleted = {**annotation, "id": "a-0", "tags": ["economy"]}
    entry = {
        "description": "delete highlight",
        "time": "2026-01-01T11:00:00.000Z",
        "origin": "cli",
        "label": "the command line",
        "user": "lee",
        "state": "done",
        "size": 100,
        "changes": [["annotations", "a-0", deleted, None]],
    }
    data = {
        META_TABLE: {"1": {"schema": 2, "generation": 3, "app": "newsmark", "lineage": "abc"}},
        "annotations": {"a-1": annotation},
        "history": {"000000000001": entry},
    }
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps(data))
    return data


def test_schema_2_database_migrates_to_the_default_coder(db_path: Path, login: str) -> None:
    save_coder("Ana")
    schema2_database(db_path)
    original = db_path.read_bytes()
    store = AnnotationStore.open(db_path, coder="somebody else")
    [annotation] = store.all()
    assert annotation.coder == "Ana"  # the saved coder, not this session's --coder
    assert db_path.read_bytes() == original  # nothing written until a change
    assert store.undo().description == "delete highlight"  # the old deletion, undone
    assert {a.id: a.coder for a in store.all()} == {"a-0": "Ana", "a-1": "Ana"}
    stored = orjson.loads(db_path.read_bytes())
    assert stored[META_TABLE]["1"]["schema"] == SCHEMA_VERSION == 3
    assert db_path.with_name(db_path.name + ".schema2.bak").read_bytes() == original
    assert all(doc["coder"] == "Ana" for doc in stored["annotations"].values())


def test_schema_2_database_without_a_setting_migrates_to_the_login_name(
    db_path: Path, login: str
) -> None:
    schema2_database(db_path)
    assert [a.coder for a in AnnotationStore.open(db_path).all()] == [login]
    assert saved_coder() is None  # opening a database saves no setting


def test_a_coder_of_the_wrong_type_is_refused_at_open(db_path: Path) -> None:
    data = schema2_database(db_path)
    data[META_TABLE]["1"]["schema"] = 3
    data["annotations"]["a-1"]["coder"] = 7
    db_path.write_bytes(orjson.dumps(data))
    journal_path(db_path).unlink(missing_ok=True)
    with pytest.raises(CorruptDatabaseError, match="table 'annotations' is malformed"):
        AnnotationStore.open(db_path)


# the command line --------------------------------------------------------------------------


def test_annotate_records_the_coder_and_coder_filters(
    cli: RunCli, monkeypatch: pytest.MonkeyPatch, login: str
) -> None:
    assert cli("--coder", "ana", "annotate", "000", "--quote", QUOTE, "--tag", "economy").code == 0
    monkeypatch.setenv(CODER_ENV, "ben")
    assert cli("annotate", "000", "--quote", OTHER, "--tag", "security").code == 0
    monkeypatch.delenv(CODER_ENV)
    assert cli("annotate", "000", "--quote", "win-win cooperation", "--tag", "x").code == 0
    assert sorted(a["coder"] for a in listed(cli)) == ["ana", "ben", login]
    assert [a["quote"] for a in listed(cli, "--coder", "BEN")] == [OTHER]
    # after the command name too, and on export and stats
    export = cli("export", "--format", "json", "--coder", "ana")
    assert [a["coder"] for a in json.loads(export.out)["annotations"]] == ["ana"]
    stats = json.loads(cli("stats", "--json", "--coder", "ben").out)
    assert stats["annotations"] == 1
    empty = cli("export", "--coder", "nobody")
    assert (empty.code, empty.err) == (
        1,
        "newsmark: error: no annotations by nobody; nothing was exported\n",
    )
    assert cli("coder", "--list").out == f"ana\t1\nben\t1\n{login}\t1\n"


def test_coder_command_shows_and_saves(cli: RunCli, login: str) -> None:
    assert cli("coder").out == f"{login}\n"
    assert cli("coder", "Dana").out == "coder: Dana (saved)\n"
    assert cli("coder").out == "Dana\n"
    assert cli("--coder", "eve", "coder").out == "eve\n"


# exports and imports ----------------------------------------------------------------------


@pytest.fixture
def two_coders(cli: RunCli) -> RunCli:
    assert cli("--coder", "ana", "annotate", "000", "--quote", QUOTE, "--tag", "economy").code == 0
    assert cli("--coder", "ben", "annotate", "000", "--quote", OTHER, "--tag", "security").code == 0
    return cli


def test_w3c_export_names_the_creator_and_import_keeps_it(
    two_coders: RunCli, tmp_path: Path, run_cli: RunCli, samples_dir: Path
) -> None:
    document = json.loads(two_coders("export", "--format", "w3c").out)
    creators = {
        item["target"]["selector"][0]["exact"]: item["creator"]
        for item in document["first"]["items"]
    }
    assert creators == {
        QUOTE: {"type": "Person", "name": "ana"},
        OTHER: {"type": "Person", "name": "ben"},
    }
    # a string creator (Hypothesis writes acct: IRIs) and a missing one
    items = document["first"]["items"]
    items[0]["creator"] = "acct:cleo@hypothes.is"
    del items[1]["creator"]
    path = tmp_path / "w3c.json"
    path.write_text(json.dumps(document))
    other_db = tmp_path / "other.json"
    result = run_cli(
        "--library", str(samples_dir), "--db", str(other_db), "--coder", "me", "import", str(path)
    )
    assert result.code == 0, result.err
    store = AnnotationStore.open(other_db)
    assert sorted(a.coder or "" for a in store.all()) == ["acct:cleo@hypothes.is", "me"]


def test_native_json_and_csv_carry_the_coder(
    two_coders: RunCli, tmp_path: Path, run_cli: RunCli, samples_dir: Path
) -> None:
    exported = two_coders("export", "--format", "json").out
    path = tmp_path / "native.json"
    path.write_text(exported)
    other_db = tmp_path / "other.json"
    assert (
        run_cli(
            "--library",
            str(samples_dir),
            "--db",
            str(other_db),
            "--coder",
            "me",
            "import",
            str(path),
        ).code
        == 0
    )
    assert sorted(a.coder or "" for a in AnnotationStore.open(other_db).all()) == ["ana", "ben"]
    rows = list(csv.DictReader(io.StringIO(two_coders("export", "--format", "csv").out)))
    assert sorted(row["coder"] for row in rows) == ["ana", "ben"]


def test_qdpx_has_a_user_per_coder_and_import_keeps_them(
    login: str, two_coders: RunCli, tmp_path: Path, run_cli: RunCli, library_copy: Path
) -> None:
    target = tmp_path / "project.qdpx"
    result = two_coders("--coder", "lead", "export", "--format", "qdpx", "-o", str(target))
    assert result.code == 1  # --coder filters exports: the lead coded nothing
    assert not target.exists()
    result = two_coders("--coder", "ana", "export", "--format", "qdpx", "-o", str(target))
    assert result.code == 0, result.err
    assert 'name="ben"' not in zipfile.ZipFile(target).read("project.qde").decode()
    result = two_coders("export", "--format", "qdpx", "-o", str(target), "--force")
    assert result.code == 0, result.err
    root = ET.fromstring(zipfile.ZipFile(target).read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{PROJECT_NS}}}User")}
    assert sorted(users.values()) == ["ana", "ben", "lee"]  # lee: who exported
    selections = {
        s.get("name"): users[s.get("creatingUser")]
        for s in root.iter(f"{{{PROJECT_NS}}}PlainTextSelection")
    }
    assert selections == {QUOTE: "ana", OTHER: "ben"}
    other_db = tmp_path / "other.json"
    result = run_cli("--library", str(library_copy), "--db", str(other_db), "import", str(target))
    assert result.code == 0, result.err
    assert sorted(a.coder or "" for a in AnnotationStore.open(other_db).all()) == ["ana", "ben"]


# blind coding -------------------------------------------------------------------------------


def test_blind_view_shows_only_the_coders_own_annotations(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    mine = highlight(corpus, QUOTE, "economy", coder="Ana")
    theirs = highlight(corpus, OTHER, "security", coder="ben")
    assert visible_to([mine, theirs], "ana", blind=True) == [mine]
    assert visible_to([mine, theirs], "ana", blind=False) == [mine, theirs]
    assert by_coders([mine, theirs], []) == [mine, theirs]
    assert by_coders([mine, theirs], ["BEN", "nobody"]) == [theirs]


def test_a_blind_coder_sees_the_codebook_counted_over_their_own_annotations(
    samples_dir: Path,
) -> None:
    corpus = Corpus.open(samples_dir)
    mine = highlight(corpus, QUOTE, "security/maritime", coder="ana")
    theirs = [
        highlight(corpus, OTHER, "security", coder="ben"),
        highlight(corpus, OTHER, "economy", coder="ben"),
    ]
    infos = [
        TagInfo("defined", "red", 0, description="in the codebook, unused"),
        TagInfo("economy", "blue", 1, total=1),
        TagInfo("security", "green", 1, total=2),
        TagInfo("security/maritime", "teal", 1, parent="security", total=1),
    ]
    # `infos` is the store's view, counting everyone: ben's economy and security too.
    seen = tags_seen_in(infos, [mine])
    assert [(i.name, i.count, i.total) for i in seen] == [
        ("defined", 0, 0),
        ("security", 0, 1),
        ("security/maritime", 1, 1),
    ]
    assert [i.colour for i in seen] == ["red", "green", "teal"]
    assert [i.name for i in tags_seen_in(infos, theirs)] == ["defined", "economy", "security"]


def test_a_number_too_big_for_orjson_in_the_settings_is_kept(login: str) -> None:
    """(Found by a reviewer.) Saving the coder crashed every command needing it."""
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"big": 1234567890123456789012345678901}', encoding="utf-8")
    assert current_coder() == login
    assert '"big": 1234567890123456789012345678901' in path.read_text(encoding="utf-8")
    assert saved_coder() == login


def test_the_undo_history_names_the_coder_who_made_a_change(
    cli: RunCli, login: str, tmp_path: Path
) -> None:
    """(Found by a tester.) It named the login, so coders sharing an account could not tell
    whose change they were undoing."""
    made = cli("--coder", "ana", "annotate", "000", "--quote", QUOTE, "--tag", "x")
    assert made.code == 0, made.err
    undone = cli("--coder", "cleo", "undo")
    assert undone.code == 0, undone.err
    assert "by ana in the command line" in undone.out and login not in undone.out
    store = AnnotationStore.open(tmp_path / "other.json", coder="ben")  # (as the TUI opens it)
    assert store.user == "ben"
