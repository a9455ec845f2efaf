"""Decoding and normalising untrusted article text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text import (
    UndecodableError,
    decode_bytes,
    normalise_newlines,
    normalise_text,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b", "a\nb"),
        ("a\u2029b", "a\nb"),
        ("a\x85b", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
    ],
)
def test_line_endings_become_newlines(raw: str, expected: str) -> None:
    assert normalise_newlines(raw) == expected
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("safe\x1b]52;c;aGFja2Vk\x07text", "safetext"),  # OSC 52 clipboard write
        ("x\x1b]52;c;aGFja2Vk\x1b\\y", "xy"),  # OSC terminated by ST
        ("clear\x1b[2J\x1b[Hscreen", "clearscreen"),  # CSI clear + home
        ("red \x1b[31mtext\x1b[0m", "red text"),
        ("\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "link"),  # OSC 8 hyperlink
        ("bell\x07 and nul\x00", "bell and nul"),
        ("c1 \x9b31m csi", "c1  csi"),
        ("tab\tstays", "tab\tstays"),
        ("“quotes”, accents é, CJK 中文, RTL שלום", "“quotes”, accents é, CJK 中文, RTL שלום"),
        ("[bold]markup[/bold] stays literal", "[bold]markup[/bold] stays literal"),
    ],
)
def test_escape_sequences_and_controls_are_removed(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@given(st.text())
def test_normalised_text_never_contains_control_characters(text: str) -> None:
    result = normalise_text(text)
    assert not CONTROL.search(result)
    assert "\x1b" not in result and "\r" not in result
    assert "\u2028" not in result and "\u2029" not in result


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_ordinary_text_is_kept_exactly(text: str) -> None:
    assert normalise_text(text) == text.replace("\x85", "\n")


def test_utf8_and_bom() -> None:
    assert decode_bytes("é".encode()).text == "é"
    decoded = decode_bytes(b"\xef\xbb\xbfhello")
    assert (decoded.text, decoded.fallback) == ("hello", False)


def test_cp1252_fallback_is_reported() -> None:
    decoded = decode_bytes("naïve “smart” résumé – café".encode("cp1252"))
    assert decoded.text == "naïve “smart” résumé – café"
    assert decoded.fallback and decoded.encoding == "cp1252"


def test_latin1_bytes_undefined_in_cp1252() -> None:
    decoded = decode_bytes(b"caf\xe9 \x81")
    assert decoded.fallback
    assert decoded.text.startswith("caf")


def test_utf16_with_bom() -> None:
    assert decode_bytes("中文新闻".encode("utf-16")).text == "中文新闻"


def test_binary_is_rejected() -> None:
    with pytest.raises(UndecodableError):
        decode_bytes(bytes(range(256)) * 20)
