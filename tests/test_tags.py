"""Tag names (case-insensitive identity) and colours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotations.errors import NewsmarkError
from annotations.tags import (
    PALETTE,
    InvalidTagError,
    default_colour,
    normalise_tags,
    tag_key,
    validate_colour,
)


def test_normalise_strips_collapses_and_dedupes_keeping_first_spelling() -> None:
    tags = ["  Politics ", "economy\t policy", "", "   ", "politics", "ECONOMY POLICY", "Law"]
    assert normalise_tags(tags) == ("Politics", "economy policy", "Law")


def test_normalise_treats_a_single_string_as_one_tag() -> None:
    assert normalise_tags("Climate") == ("Climate",)


@pytest.mark.parametrize(
    ("tag", "reason"),
    [("a,b", "comma"), ("bad\x1btag", "control character"), ("x" * 65, "at most 64")],
)
def test_invalid_tags_are_rejected_with_a_clear_message(tag: str, reason: str) -> None:
    with pytest.raises(InvalidTagError, match=reason) as caught:
        normalise_tags(["ok", tag])
    assert isinstance(caught.value, NewsmarkError)
    assert "\n" not in str(caught.value)


def test_a_64_character_tag_is_allowed() -> None:
    assert normalise_tags(["x" * 64]) == ("x" * 64,)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/lead", ("lead",)),
        ("trail/", ("trail",)),
        ("a//b", ("a/b",)),
        ("a/ /b", ("a/b",)),
        ("/", ()),
        (" / / ", ()),
        ("security/maritime", ("security/maritime",)),
    ],
)
def test_a_tag_path_has_no_empty_level(given: str, expected: tuple[str, ...]) -> None:
    """(Found by a tester.) `/lead` was stored as it was, then no filter found it."""
    assert normalise_tags([given]) == expected


def test_tag_key_is_casefolded_and_whitespace_normalised() -> None:
    assert tag_key("  Straße  Policy ") == tag_key("STRASSE policy") == "strasse policy"


def test_default_colour_is_from_the_palette_and_case_insensitive() -> None:
    assert default_colour("Politics") in PALETTE
    assert default_colour("Politics") == default_colour(" politics ")
    assert len({default_colour(f"tag {i}") for i in range(200)}) == len(PALETTE)


def test_default_colour_is_the_same_in_another_process() -> None:
    names = ["politics", "economy", "climate", "law", "sport"]
    code = (
        "from annotations.tags import default_colour; "
        f"print(','.join(default_colour(n) for n in {names!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert result.stdout.strip() == ",".join(default_colour(n) for n in names)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("#ABC", "#aabbcc"), ("#E5C07B", "#e5c07b"), (" red ", "#e06c75"), ("Grey", "#abb2bf")],
)
def test_validate_colour_normalises(given: str, expected: str) -> None:
    assert validate_colour(given) == expected


@pytest.mark.parametrize("colour", ["#abcd", "e5c07b", "#ggg", "chartreuse-ish", ""])
def test_validate_colour_rejects_anything_else(colour: str) -> None:
    with pytest.raises(InvalidTagError, match="invalid colour"):
        validate_colour(colour)


def test_format_characters_are_stripped_but_emoji_joiners_kept() -> None:
    from annotations.tags import normalise_tag

    assert normalise_tag("\u202eeco\u200bno\u2066my\u2069\ufeff\u200e") == "economy"
    assert normalise_tag("a\u200db") == "ab"  # a joiner between letters hides a difference
    family = "👨\u200d👩\u200d👧"
    assert normalise_tag(family) == family
    assert normalise_tag("\u200b\u200c") == ""


def test_at_most_max_tags_per_annotation() -> None:
    from annotations.tags import MAX_TAGS_PER_ANNOTATION, InvalidTagError, normalise_tags

    enough = [f"t{i}" for i in range(MAX_TAGS_PER_ANNOTATION)]
    assert len(normalise_tags([*enough, "T0"])) == MAX_TAGS_PER_ANNOTATION  # a duplicate
    with pytest.raises(InvalidTagError, match="more than 100 tags"):
        normalise_tags([*enough, "one more"])


def test_natural_key_orders_numbers_by_value_and_paths_before_siblings() -> None:
    from annotations.tags import natural_key

    tags = ["e10", "E2", "e1", "a b", "a/b", "a", "a/b2", "a/b10", "x²"]
    assert sorted(tags, key=natural_key) == [
        "a",
        "a/b",
        "a/b2",
        "a/b10",
        "a b",
        "e1",
        "E2",
        "e10",
        "x²",
    ]


def test_store_tags_and_the_cli_list_tags_naturally(run_cli, samples_dir, db_path) -> None:
    for tag in ("e10", "e2", "e1"):
        assert (
            run_cli(
                "--library",
                str(samples_dir),
                "--db",
                str(db_path),
                "tags",
                "describe",
                tag,
                "a code",
            ).code
            == 0
        )
    listed = run_cli("--library", str(samples_dir), "--db", str(db_path), "tags").out
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["e1", "e2", "e10"]
