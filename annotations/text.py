"""Decoding article bytes and normalising untrusted text.

Article files are messy copies of web pages and may hold anything: other encodings,
Windows or old-Mac line endings, Unicode line separators, and terminal escape sequences
(a hidden OSC 52 clipboard write, a screen clear). Everything newsmark shows or stores
goes through `normalise_text` first, so no control sequence ever reaches a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings terminated
# by BEL or ST on the same line, and two-character escapes; their 8-bit C1 forms too. An
# OSC/DCS introducer without a terminator loses only itself (the control characters are
# removed below), never the text after it.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?        # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\n\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                             # other ESC sequences
    """,
    re.VERBOSE,
)
# Remaining C0 and C1 controls and DEL, except tab and newline.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
BINARY_SNIFF_BYTES = 8192
# Bytes that rarely occur in text files (tab, newlines, form feed and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or (13 < b < 32 and b != 27))
# The C1 controls: bytes cp1252 cannot decode send a file to latin-1, where these bytes
# are controls: text has almost none of them, random or compressed bytes one in eight.
_C1_BYTES = bytes(range(0x80, 0xA0))
LATIN1_CONTROLS_MAX = 0.05  # the share of a file's bytes, once there are at least 16 of them
LATIN1_CONTROLS_COUNTED = 16
# How common formats that are not text begin (a report saved as .txt, say).
_BINARY_SIGNATURES = {
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP (or Word, ODF, EPUB)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "old Office",
    b"{\\rtf": "RTF",
    b"%!PS": "PostScript",
    b"\x1f\x8b": "gzip",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\x7fELF": "ELF",
}
# Anything `normalise_text` would change; most files have none of it.
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# The ASCII bytes it leaves alone (tab, newline, printable): deleting them from ASCII text
# leaves what it would change, a faster test than the regular expression.
_CLEAN_ASCII_BYTES = b"\t\n" + bytes(range(32, 127))
MULTIBYTE_ENCODINGS = frozenset(
    {
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "big5hkscs",
        "cp950",
        "cp936",
        "shift_jis",
        "cp932",
        "euc_jp",
        "iso2022_jp",
        "euc_kr",
        "cp949",
        "johab",
    }
)


class UndecodableError(ValueError):
    """The bytes look like a binary file rather than text."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes, with the encoding used and whether it was a fallback."""

    text: str
    encoding: str
    fallback: bool


def looks_binary(data: bytes) -> bool:
    """Whether `data` looks like a binary file: NUL bytes in a text encoding are rare."""
    head = data[:BINARY_SNIFF_BYTES]
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM is text
        return False
    nul_share = head.count(0) / len(head)
    if nul_share > 0.01:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.1


def decode_bytes(data: bytes) -> DecodedText:
    """Decode article bytes: UTF-8 (BOM allowed), else a detected encoding, else cp1252/latin-1.

    Raises `UndecodableError` for data that looks binary.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16", fallback=False)
        except UnicodeDecodeError as error:
            raise UndecodableError(f"broken UTF-16 text ({error.reason})") from error
    kind = next((k for magic, k in _BINARY_SIGNATURES.items() if data.startswith(magic)), None)
    if kind is not None:
        raise UndecodableError(f"looks like a {kind} file, not text")
    if looks_binary(data):
        raise UndecodableError("looks like a binary file")
    try:
        return DecodedText(data.decode("utf-8-sig"), "utf-8", fallback=False)
    except UnicodeDecodeError:
        pass
    detected = _detect_encoding(data)
    if detected is not None:
        return DecodedText(data.decode(detected), detected, fallback=True)
    try:
        return DecodedText(data.decode("cp1252"), "cp1252", fallback=True)
    except UnicodeDecodeError:
        pass
    controls = len(data) - len(data.translate(None, _C1_BYTES))
    if controls >= LATIN1_CONTROLS_COUNTED and controls > LATIN1_CONTROLS_MAX * len(data):
        raise UndecodableError("looks like a binary file")
    return DecodedText(data.decode("latin-1"), "latin-1", fallback=True)


def _detect_encoding(data: bytes) -> str | None:
    """A charset-normalizer guess when it is a multi-byte (CJK) encoding, else None.

    Single-byte guesses on short Western text are unreliable (cp1250 vs cp1252), so those
    are left to the cp1252/latin-1 fallback, by far the most common legacy encoding.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding not in MULTIBYTE_ENCODINGS:
        return None
    try:
        data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return best.encoding


def normalise_newlines(text: str) -> str:
    """`\\r\\n`, `\\r`, U+2028, U+2029, NEL, VT and FF all become `\\n`."""
    return _LINE_BREAKS.sub("\n", text)


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters (tab and newline stay)."""
    return _CONTROL_CHARS.sub("", _ESCAPE_SEQUENCE.sub("", text))


def normalise_text(text: str) -> str:
    """Newlines normalised first, then escape sequences and control characters removed."""
    if text.isascii():
        if not text.encode("ascii").translate(None, _CLEAN_ASCII_BYTES):
            return text
    elif _NEEDS_CLEANING.search(text) is None:
        return text
    return strip_control(normalise_newlines(text))


def safe_name(name: str) -> str:
    """A file name fit to show and to use in an article id: control characters and
    undecodable bytes (lone surrogates) become "_"."""
    return _UNSAFE_IN_NAMES.sub("_", name)


_ZWJ = "\u200d"


def _is_emoji_part(ch: str) -> bool:
    """A symbol (most emoji), the emoji variation selector or a skin-tone modifier."""
    return unicodedata.category(ch) == "So" or ch == "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff"


def strip_format_characters(text: str) -> str:
    """`text` without invisible format characters (Unicode category Cf).

    These are bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E,
    U+200F, U+061C), zero-width space and non-joiner, the byte-order mark, soft hyphens and
    tag characters: they can make two names that look alike differ, or make a name display
    as another. One is kept: a zero-width joiner between two emoji, which builds one emoji
    from several (👨‍👩‍👧, 🏳️‍🌈); anywhere else it is dropped.
    """
    if text.isascii():
        return text
    kept: list[str] = []
    for index, ch in enumerate(text):
        joins_emoji = (
            ch == _ZWJ
            and bool(kept)
            and _is_emoji_part(kept[-1])
            and index + 1 < len(text)
            and _is_emoji_part(text[index + 1])
        )
        if joins_emoji or unicodedata.category(ch) != "Cf":
            kept.append(ch)
    return "".join(kept)
