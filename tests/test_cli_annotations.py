"""`newsmark annotate`, `annotations`, `edit`, `delete`, `undo` and `tags`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.corpus import Corpus
from tests.conftest import RunCli

QUOTE = "make the pie of common interests even bigger"


@pytest.fixture
def cli(run_cli: RunCli, samples_dir: Path, db_path: Path) -> RunCli:
    """`newsmark --library samples --db tmp ARGS...`."""
    return lambda *args: run_cli("--library", str(samples_dir), "--db", str(db_path), *args)


def listed(cli: RunCli, *args: str) -> list[dict]:
    result = cli("annotations", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_annotate_by_quote_prints_id_and_lists_it(cli: RunCli, samples_dir: Path) -> None:
    result = cli(
        "annotate",
        "000",
        "--quote",
        QUOTE,
        "--tag",
        "economy",
        "--tag",
        "Metaphor",
        "--note",
        "pie image",
    )
    assert result.code == 0, result.err
    new_id = result.out.strip()
    [annotation] = listed(cli)
    assert list(annotation) == [
        "id",
        "article",
        "quote",
        "start",
        "end",
        "prefix",
        "suffix",
        "tags",
        "note",
        "colour",
        "anchor",
        "created",
        "updated",
        "coder",
    ]
    body = Corpus.open(samples_dir).article("000").body
    assert annotation["id"] == new_id
    assert body[annotation["start"] : annotation["end"]] == QUOTE
    assert annotation["prefix"] == body[annotation["start"] - 32 : annotation["start"]]
    assert annotation["suffix"] == body[annotation["end"] : annotation["end"] + 32]
    assert (annotation["tags"], annotation["note"], annotation["anchor"]) == (
        ["economy", "Metaphor"],
        "pie image",
        "exact",
    )
    assert annotation["created"].endswith("Z")


def test_annotate_by_offsets_and_occurrence(cli: RunCli, samples_dir: Path) -> None:
    body = Corpus.open(samples_dir).article("001").body
    second = body.index("Xi said", body.index("Xi said") + 1)
    assert (
        cli("annotate", "001", "--quote", "Xi said", "--occurrence", "2", "--tag", "speech").code
        == 0
    )
    assert cli("annotate", "001", "--start", "0", "--end", "16", "--tag", "caption").code == 0
    by_tag = {a["tags"][0]: a for a in listed(cli)}
    assert by_tag["speech"]["start"] == second
    assert by_tag["caption"]["quote"] == body[:16]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quote", "not in this article at all"), "quote not found in article 000_"),
        (("--quote", "Xi Jinping", "--occurrence", "99"), "no occurrence 99"),
        (("--start", "10", "--end", "999999"), "outside article"),
        (("--tag", "x"), "give --quote TEXT, or both --start and --end"),
        (("--quote", QUOTE, "--tag", "a" * 65), "at most 64"),
        (("--quote", QUOTE, "--colour", "blurple"), "invalid colour"),
    ],
)
def test_annotate_errors_write_nothing(
    cli: RunCli, db_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("annotate", "000", *args)
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    assert not db_path.exists()


def test_filter_by_tag_and_article(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "Economy")
    cli("annotate", "001", "--quote", "maritime issues", "--tag", "sea")
    cli("annotate", "001", "--quote", "practical cooperation", "--tag", "economy,ties")
    assert {a["article"][:3] for a in listed(cli, "--tag", "ECONOMY")} == {"000", "001"}
    assert [a["tags"] for a in listed(cli, "--article", "001", "--tag", "sea")] == [["sea"]]
    assert len(listed(cli, "--tag", "sea", "--tag", "ties")) == 2
    text = cli("annotations")
    assert len(text.out.splitlines()) == 3 and "3 annotations" in text.err


def test_edit_delete_and_undo(cli: RunCli) -> None:
    annotation_id = cli("annotate", "000", "--quote", QUOTE, "--tag", "economy").out.strip()
    assert cli("edit", annotation_id[:8], "--add-tag", "metaphor", "--note", "nice").code == 0
    [edited] = listed(cli)
    assert edited["tags"] == ["economy", "metaphor"] and edited["note"] == "nice"
    assert cli("edit", annotation_id, "--remove-tag", "ECONOMY").code == 0
    assert listed(cli)[0]["tags"] == ["metaphor"]

    deleted = cli("delete", annotation_id[:8])
    assert deleted.code == 0 and "undo" in deleted.out
    assert listed(cli) == []
    undone = cli("undo")
    assert undone.code == 0 and "delete" in undone.out
    assert listed(cli)[0]["tags"] == ["metaphor"]
    cli("undo")  # the remove-tag edit
    assert listed(cli)[0]["tags"] == ["economy", "metaphor"]


def test_undo_with_nothing_to_undo(cli: RunCli) -> None:
    result = cli("undo")
    assert result.code == 1 and "nothing to undo" in result.err


def test_unknown_annotation_is_an_error(cli: RunCli) -> None:
    result = cli("delete", "ffffffff")
    assert result.code == 1 and "ffffffff" in result.err


def test_tags_list_rename_merge_colour_delete(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy")
    cli("annotate", "001", "--quote", "practical cooperation", "--tag", "Economics")
    cli("annotate", "001", "--quote", "maritime issues", "--tag", "sea")
    tags = json.loads(cli("tags", "--json").out)
    assert [(t["name"], t["count"]) for t in tags] == [("Economics", 1), ("economy", 1), ("sea", 1)]
    assert all(t["colour"].startswith("#") for t in tags)

    assert "1 annotation" in cli("tags", "rename", "sea", "South China Sea").out
    assert cli("tags", "merge", "economics", "economy").code == 0
    assert cli("tags", "colour", "economy", "#ff8800").out.strip() == "economy: #ff8800"
    tags = {t["name"]: t for t in json.loads(cli("tags", "--json").out)}
    assert set(tags) == {"economy", "South China Sea"}
    assert tags["economy"]["count"] == 2 and tags["economy"]["colour"] == "#ff8800"

    assert "annotations kept" in cli("tags", "delete", "economy").out
    assert len(listed(cli)) == 3
    missing = cli("tags", "rename", "nope", "x")
    assert missing.code == 1 and "nope" in missing.err


def test_corrupt_database_is_reported_and_untouched(cli: RunCli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b'{"truncated": ')
    result = cli("annotations")
    assert result.code == 1 and str(db_path) in result.err
    assert db_path.read_bytes() == b'{"truncated": '


def test_db_location_from_environment(
    run_cli: RunCli, samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env-db" / "notes.json"
    monkeypatch.setenv("NEWSMARK_DB", str(target))
    assert run_cli("--library", str(samples_dir), "annotate", "000", "--quote", QUOTE).code == 0
    assert target.exists()


def test_default_db_lives_in_user_data_dir(run_cli: RunCli, samples_dir: Path) -> None:
    import platformdirs

    assert run_cli("--library", str(samples_dir), "annotate", "000", "--quote", QUOTE).code == 0
    assert (platformdirs.user_data_path("newsmark") / "annotations.json").exists()


def test_commas_separate_tags_in_every_tag_option(cli: RunCli) -> None:
    annotation_id = cli("annotate", "000", "--quote", QUOTE, "--tag", "economy, metaphor").out
    assert listed(cli, "--tag", "nothing,METAPHOR")[0]["tags"] == ["economy", "metaphor"]
    assert (
        cli(
            "edit", annotation_id.strip(), "--add-tag", "a,b", "--remove-tag", "economy, metaphor"
        ).code
        == 0
    )
    assert listed(cli)[0]["tags"] == ["a", "b"]
    exported = json.loads(cli("export", "--format", "json", "--tag", "zzz,b").out)
    assert len(exported["annotations"]) == 1


def test_limit_must_be_positive(cli: RunCli) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("search", "Xi", "--limit", "0")
    assert exit_info.value.code == 2


def test_listing_never_prints_control_sequences(cli: RunCli, db_path: Path) -> None:
    from dataclasses import replace

    from annotations.store import AnnotationStore

    annotation_id = cli("annotate", "000", "--quote", QUOTE, "--tag", "economy").out.strip()
    store = AnnotationStore.open(db_path)
    # As if an old import or a hand edit had put escape sequences into the database.
    hostile = replace(store.get(annotation_id), quote="pie\x1b]52;c;aGk=\x07 \x1b[2Jbigger")
    store.put_many([hostile])
    out = cli("annotations").out + cli("tags").out
    assert "\x1b" not in out and "\x07" not in out


def test_notes_are_stored_without_control_sequences(cli: RunCli) -> None:
    annotation_id = cli(
        "annotate", "000", "--quote", QUOTE, "--note", "first\x1b[2J line\x1b]52;c;aGk=\x07"
    ).out.strip()
    assert listed(cli)[0]["note"] == "first line"
    cli("edit", annotation_id, "--note", "\x1b]0;title\x07  ")
    assert listed(cli)[0]["note"] is None


def test_search_and_filter_options_combine(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy", "--note", "pie image")
    cli("annotate", "000", "--quote", "practical security cooperation", "--tag", "security")
    cli("annotate", "001", "--quote", "maritime issues", "--tag", "security/maritime")

    def quotes(*args: str) -> list[str]:
        return sorted(a["quote"] for a in listed(cli, *args))

    assert quotes("--search", "pie") == [QUOTE]
    assert quotes("--search", "tag:security") == [
        "maritime issues",
        "practical security cooperation",
    ]
    assert quotes("--search", "tag:security", "--outlet", "xinhua") == ["maritime issues"]
    assert quotes("--tag", "security", "--outlet", "china daily") == [
        "practical security cooperation"
    ]
    assert quotes("--after", "2023-12-15") == ["maritime issues"]
    assert quotes("--before", "2023-12-14", "--has-note") == [QUOTE]
    assert quotes("--article", "001", "--search", "tag:economy OR tag:security") == [
        "maritime issues"
    ]
    assert quotes("--search", '"security cooperation" -has:note') == [
        "practical security cooperation"
    ]
    assert quotes("--orphaned") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--after", "2023-13-01"), "after: takes a date like 2023, 2023-12 or 2023-12-01"),
        (("--before", "soon"), "before: takes a date"),
        (("--search", "has:memo"), "has: takes note or tag"),
        (("--search", "OR x"), "OR needs a term before it"),
        (("--outlet", ""), "outlet: needs a value"),
    ],
)
def test_bad_search_options_are_one_line_errors(
    cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    result = cli("annotations", *args)
    assert result.code == 1
    assert result.err == f"newsmark: error: {message}" + result.err.split(message, 1)[1]
    assert result.err.count("\n") == 1


def test_tags_describe_move_and_json_codebook(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy/trade", "--tag", "economy")
    cli("annotate", "001", "--quote", "maritime issues", "--tag", "maritime")
    result = cli("tags", "describe", "economy", "Money matters; e.g. “trade deals”")
    assert result.code == 0 and "described 'economy'" in result.out
    result = cli("tags", "move", "maritime", "security")
    assert result.code == 0 and "moved 'maritime' under 'security' on 1 annotation" in result.out
    tags = {t["name"]: t for t in json.loads(cli("tags", "--json").out)}
    assert list(tags) == ["economy", "economy/trade", "security", "security/maritime"]
    assert list(tags["economy"]) == ["name", "colour", "count", "description", "parent", "total"]
    assert (
        tags["economy"]["description"],
        tags["economy"]["parent"],
        tags["economy"]["count"],
        tags["economy"]["total"],
    ) == ("Money matters; e.g. “trade deals”", None, 1, 1)
    assert (
        tags["economy/trade"]["parent"],
        tags["security"]["count"],
        tags["security"]["total"],
    ) == ("economy", 0, 1)
    assert "\t1\t1\tMoney matters" in cli("tags").out
    assert cli("tags", "rename", "security", "defence/sea").code == 0
    assert [a["tags"] for a in listed(cli, "--search", "tag:defence")] == [["defence/sea/maritime"]]
    assert cli("undo").code == 0
    assert [a["tags"] for a in listed(cli, "--search", "tag:security")] == [["security/maritime"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tags", "move", "nothing", "x"), "no annotation has the tag “nothing”"),
        (("tags", "move", "economy", "economy/sub"), "cannot move the tag “economy” below itself"),
        (("tags", "describe", "a,b", "x"), "contains a comma"),
        (("memo", "tag", "a,b", "x"), "contains a comma"),
        (("memo", "article", "zzz", "x"), "no article with id 'zzz'"),
    ],
)
def test_codebook_and_memo_errors_are_one_line(
    cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy")
    result = cli(*args)
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1


def test_memos_on_articles_and_tags(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy")
    assert cli("memo", "article", "000", "Frames the visit\nas economic").code == 0
    assert cli("memo", "tag", "Economy", "China Daily: pie metaphors").code == 0
    assert cli("memo", "article", "000").out == "Frames the visit\nas economic\n"
    memos = json.loads(cli("memo", "--json").out)
    assert [(m["kind"], m["target"], m["text"]) for m in memos] == [
        ("article", "000_e730ce0a32d34978", "Frames the visit\nas economic"),
        ("tag", "economy", "China Daily: pie metaphors"),
    ]
    assert cli("memo", "article", "000", "").code == 0
    assert cli("memo", "article", "000").out == ""
    assert cli("undo").code == 0
    assert cli("memo", "article", "000").out.startswith("Frames")


def test_exports_carry_descriptions_and_memos(cli: RunCli) -> None:
    cli("annotate", "000", "--quote", QUOTE, "--tag", "economy/trade")
    cli("annotate", "001", "--quote", "maritime issues", "--tag", "sea")
    cli("tags", "describe", "economy", "Money matters")
    cli("memo", "article", "000", "Pie metaphors throughout")
    cli("memo", "article", "001", "Not exported with --tag economy")
    cli("memo", "tag", "economy/trade", "Trade framed as shared")
    doc = json.loads(cli("export", "--format", "json", "--tag", "economy/trade").out)
    assert doc["codebook"] == [{"name": "economy", "description": "Money matters"}]
    assert [(m["kind"], m["target"], m["text"]) for m in doc["memos"]] == [
        ("article", "000_e730ce0a32d34978", "Pie metaphors throughout"),
        ("tag", "economy/trade", "Trade framed as shared"),
    ]
    markdown = cli("export", "--format", "markdown").out
    assert "## Codebook\n\n**economy**: Money matters" in markdown
    assert (
        "### Article “Presidents vow to advance solidarity, cooperation” "
        "(000_e730ce0a32d34978)\n\nPie metaphors throughout"
    ) in markdown
    assert "### Tag economy/trade\n\nTrade framed as shared" in markdown
    csv_codebook = cli("export", "--format", "codebook-csv").out.splitlines()
    assert csv_codebook[:2] == ["name,description", "economy,Money matters"]


def test_removing_a_tag_the_annotation_lacks_warns(cli: RunCli) -> None:
    created = cli("annotate", "000", "--quote", "six major goals", "--tag", "security")
    key = created.out.strip()[:8]
    result = cli("edit", key, "--remove-tag", "nosuch", "--remove-tag", "Security")
    assert result.code == 0
    assert result.err == (
        f"newsmark: warning: annotation {key} has no tag 'nosuch'; nothing removed\n"
    )
    assert "\tsecurity\t" not in result.out


def test_memo_on_a_tag_works_whenever_describe_does(cli: RunCli) -> None:
    assert cli("memo", "tag", "never-used", "why we might need it").code == 0
    assert cli("memo", "tag", "never-used").out == "why we might need it\n"
    assert cli("tags").out.startswith("never-used\t")
    assert cli("tags", "describe", "never-used", "a code").code == 0
    empty = cli("memo", "tag", " ", "x")
    assert (empty.code, empty.err) == (1, "newsmark: error: the tag name is empty\n")


def test_start_after_end_and_an_empty_tag_are_refused(cli: RunCli, db_path: Path) -> None:
    backwards = cli("annotate", "000", "--start", "5", "--end", "2", "--tag", "x")
    assert (backwards.code, backwards.err) == (
        1,
        "newsmark: error: --start (5) must be before --end (2)\n",
    )
    for empty in ("", "/", " , // "):  # ("/": a tag path with no name in it)
        with pytest.raises(SystemExit) as exit_info:
            cli("annotate", "000", "--quote", "six major goals", "--tag", empty)
        assert exit_info.value.code == 2
    assert not db_path.exists() or cli("annotations", "--json").out.strip() == "[]"
    # `edit --tag ''` still means: no tags
    key = cli("annotate", "000", "--quote", "six major goals", "--tag", "x").out.strip()
    assert cli("edit", key, "--tag", "").code == 0
    assert json.loads(cli("annotations", "--json").out)[0]["tags"] == []


def test_tag_commands_find_a_tag_named_as_it_would_be_typed(cli: RunCli) -> None:
    """(Found by a tester.) `a//b` is stored as `a/b`: the tag commands that look a tag up
    said "no annotation has the tag" when given it the way it was typed."""
    assert cli("annotate", "000", "--quote", "six major goals", "--tag", "a//b").code == 0
    assert cli("tags", "colour", "/a//b", "#ff0000").code == 0
    assert cli("tags", "rename", "a//b/", "c/d").code == 0
    assert cli("tags", "merge", "//c/d", "c").code == 0
    result = cli("tags", "delete", "c/")
    assert result.code == 0, result.err
    assert json.loads(cli("annotations", "--json").out)[0]["tags"] == []


def test_a_search_starting_with_a_minus_is_a_search_not_an_option(cli: RunCli) -> None:
    """(Found by a tester.) `--search '-has:note'` (the README's excluding form) was read as
    the option `-h`."""
    noted = cli("annotate", "000", "--quote", "six major goals", "--tag", "x", "--note", "-why")
    assert noted.code == 0, noted.err
    plain = cli("annotate", "001", "--quote", "Vietnam", "--occurrence", "1", "--tag", "x")
    assert plain.code == 0, plain.err
    result = cli("annotations", "--search", "-has:note tag:x", "--json")
    assert result.code == 0, result.err
    assert [a["id"] for a in json.loads(result.out)] == [plain.out.strip()]
    listed = json.loads(cli("annotations", "--search", "has:note", "--json").out)
    assert [a["note"] for a in listed] == ["-why"]
