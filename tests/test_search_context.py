"""`newsmark search` prints its hits through `search_context` (every context of a batch cut in
one loop); what it prints must be byte for byte what the hits themselves say
(`SearchHit.context`, `SearchHit.to_dict`), on text made to catch the cuts out."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search import CONTEXT_CHARS, SearchIndex, SearchResults
from annotations.text import normalise_text
from tui.cli.output import json_items
from tui.cli.read_commands import _render_hits

WORD = "abcdefghij" * 5  # longer than the context: no whitespace to cut at
BODIES = {
    # A hit at offset 0, and one ending the body.
    "start": "Vietnam opens the body and the body ends with Vietnam",
    # Hits within CONTEXT_CHARS of either edge, and hits close enough for their contexts to
    # overlap.
    "edges": "Hi Vietnam. " + "Vietnam " * 12 + "and that is all about vietnam!",
    # A cut inside a long word (no whitespace in the window), on an underscore, on digits.
    "words": f"{WORD} Vietnam {WORD}_{WORD} vietnam 12345678901234567890123456789012345 x",
    # Both cuts land right beside an underscore (a word character, as in `\\w`).
    "underscores": "a_" + "c" * 39 + " Vietnam " + "x" * 38 + "y_cd end",
    # Whitespace runs of every kind where the cuts land (tab, no-break and ideographic
    # spaces, several newlines), and whitespace right next to the hit.
    "spaces": (
        "one two  three\t\tfour \u00a0five\u3000six\n\n\nseven eight nine ten eleven twelve "
        "Vietnam  \t\n thirteen fourteen   fifteen\u2003sixteen seventeen eighteen nineteen "
        "twenty\n\nVietnam\n"
    ),
    # Case folding that changes lengths in `str.lower` ("İ"), or not at all ("ß", "ǅ",
    # the Kelvin sign), and other scripts.
    "folding": (
        "İSTANBUL and İstanbul met Straße STRASSE ǅemal and the \u212aelvin sign, "
        "ΟΔΟΣ οδος, 北京 Vietnam 越南 河内 and more İİİ text after it all ends here ok"
    ),
    # What JSON escapes: quotes, backslashes, a tab (control characters are stripped from
    # a body, terminal escapes too).
    "escapes": normalise_text(
        'He said "Vietnam\\China" \x1b[31mloudly\x1b[0m\x07 and \\ left "quoted\tVietnam" '
        "at the \x00end\x7f of a long sentence \u2028 that keeps going Vietnam"
    ),
    "none": "Nothing to find in this one.",
    "short": "vietnam",
}
QUERIES = [
    ("Vietnam", {}),
    ("vietnam", {"case_sensitive": True}),
    ("İstanbul", {}),
    ("strasse", {}),
    ("ß", {}),
    ("k", {}),
    ("\u212a", {"case_sensitive": True}),
    ("e", {}),  # hits a character apart
    (" ", {}),
    ("Vietnam OR İstanbul", {}),
    ('"said" AND Vietnam', {}),
    (r"\bviet\w*", {"regex": True}),
    (r"\s+", {"regex": True}),
    (r"\w{3}", {"regex": True}),
    (r"^.", {"regex": True}),
    (r".$", {"regex": True}),
    (r"[\"\\]", {"regex": True}),
    (r"\d+", {"regex": True}),
    ("vietnam", {"limit": 5}),
    (r"\w+", {"regex": True, "limit": 17}),
]


def make_index(bodies: dict[str, str]) -> SearchIndex:
    index = SearchIndex(bodies.items())
    index.fill_missing(bodies.__getitem__)
    return index


def printed_hit_by_hit(results: SearchResults, *, as_json: bool) -> bytes:
    """What `newsmark search` prints, made from each `SearchHit` (the slow way)."""
    if as_json:
        return json_items([hit.to_dict() for hit in results])
    return "".join(f"{h.article}\t{h.start}\t{h.context}\n" for h in results).encode("utf-8")


def assert_printed_alike(results: SearchResults) -> None:
    for as_json in (False, True):
        assert _render_hits(results, as_json=as_json).text == printed_hit_by_hit(
            results, as_json=as_json
        )


def test_the_bodies_hold_what_they_are_made_to_test() -> None:
    assert "\x1b" not in BODIES["escapes"] and "\x00" not in BODIES["escapes"]
    hits = make_index(BODIES).search("vietnam")
    starts = {(hit.article, hit.start) for hit in hits}
    assert ("start", 0) in starts and ("start", len(BODIES["start"]) - 7) in starts
    edges = [hit.start for hit in hits if hit.article == "edges"]
    assert edges[0] < CONTEXT_CHARS and edges[1] - edges[0] < CONTEXT_CHARS
    contexts = [hit.context for hit in hits]
    assert any(context.startswith("…") and context.endswith("…") for context in contexts)
    assert any("\t" in context for context in contexts)  # kept, and escaped in JSON
    assert all("\n" not in context for context in contexts)
    [underscored] = [hit for hit in hits if hit.article == "underscores"]
    assert BODIES["underscores"][underscored.start - CONTEXT_CHARS - 1] == "_"
    assert BODIES["underscores"][underscored.end + CONTEXT_CHARS] == "_"


@pytest.mark.parametrize(("query", "options"), QUERIES)
def test_the_command_line_prints_what_the_hits_say(query: str, options: dict) -> None:
    index = make_index(BODIES)
    results = index.search(query, **options)
    assert len(results) > 0, query
    assert_printed_alike(results)
    # Read once more: the spans each article's hits were found at are kept, not found again.
    assert_printed_alike(results)


def test_json_items_escape_as_orjson_does() -> None:
    results = make_index(BODIES).search("vietnam", article_ids={"escapes"})
    printed = _render_hits(results, as_json=True).text
    items = orjson.loads(b"[" + printed + b"]")
    assert [item["context"] for item in items] == [hit.context for hit in results]
    assert b'\\"' in printed and b"\\\\" in printed and b"\\t" in printed


def test_nothing_found_prints_nothing() -> None:
    results = make_index(BODIES).search("zzz")
    for as_json in (False, True):
        assert _render_hits(results, as_json=as_json).text == b""


# Words, whitespace of several kinds, and characters that fold or are escaped, so that
# random bodies put every kind of character on both sides of every cut.
PIECES = ["vi", "Viet", "nam", "İ", "ß", "_", "x" * 45, "9", " ", "  ", "\t", "\n", "\u00a0"]
PIECES += ['"', "\\", "é", "日本", ".", "—"]


@settings(max_examples=200, deadline=None)
@given(
    bodies=st.lists(st.lists(st.sampled_from(PIECES), max_size=60), min_size=1, max_size=4),
    query=st.sampled_from(["viet", "nam", "i", "İ", " ", "x", "a"]),
    regex=st.booleans(),
)
def test_random_bodies_print_what_their_hits_say(
    bodies: list[list[str]], query: str, regex: bool
) -> None:
    index = make_index({f"a{number}": "".join(body) for number, body in enumerate(bodies)})
    assert_printed_alike(index.search(query + ("+" if regex else ""), regex=regex))
