"""The CSV export: one row per (annotation, tag), RFC 4180, safe in spreadsheets."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from annotations.export import ExportFormat, render_export
from annotations.export.csv_format import COLUMNS, neutralise_formula, render_csv
from annotations.model import Annotation
from tests.test_export_golden import GENERATED, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _annotation(**changes) -> Annotation:
    base = Annotation(
        id="a1",
        article="art",
        quote="q",
        start=0,
        end=1,
        prefix="",
        suffix="",
        body_hash="",
        created="2026-01-01T00:00:00Z",
        updated="2026-01-01T00:00:00Z",
    )
    return replace(base, **changes)


def test_header_and_crlf_line_ends() -> None:
    text = render_csv([_annotation()], {})
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert not text.startswith("\ufeff")
    assert text.count("\r\n") == 2


def test_one_row_per_tag_and_one_for_untagged(corpus, metas) -> None:
    rows = _parse(
        render_export(
            ExportFormat.CSV,
            build_fixture(corpus),
            metas,
            {},
            collection="samples",
            generated=GENERATED,
        )
    )
    by_id: dict[str, list[str]] = {}
    for row in rows:
        by_id.setdefault(row["annotation_id"][-1], []).append(row["tag"])
    assert by_id == {
        "1": ["cooperation", "Xi"],
        "2": ["cooperation"],
        "3": ["Xi"],
        "4": ["solidarity", "cooperation"],
        "5": [""],
        "6": ["solidarity"],
    }
    first = rows[0]
    assert first["title"] == "Presidents vow to advance solidarity, cooperation"
    assert (first["source"], first["author"], first["start"]) == ("China Daily", "Xu Wei", "200")


def test_commas_quotes_and_newlines_survive_a_round_trip() -> None:
    quote = 'He said, "no".\n\nThen: "yes, twice",\r\nand left.'
    note = 'a "note", with\nlines'
    rows = _parse(render_csv([_annotation(quote=quote, note=note, tags=("x",))], {}))
    assert len(rows) == 1
    assert rows[0]["quote"] == quote
    assert rows[0]["note"] == note


def test_formula_cells_are_neutralised() -> None:
    for risky in ('=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_formula(risky) == "'" + risky
    assert neutralise_formula("plain =1") == "plain =1"
    rows = _parse(render_csv([_annotation(quote="=1+1", note="@me", tags=("-x",))], {}))
    assert (rows[0]["quote"], rows[0]["note"], rows[0]["tag"]) == ("'=1+1", "'@me", "'-x")


def test_unknown_article_leaves_metadata_empty() -> None:
    rows = _parse(render_csv([_annotation()], {}))
    assert rows[0]["article_id"] == "art"
    assert all(rows[0][key] == "" for key in ("title", "source", "date", "author", "url"))


def test_an_orphan_has_no_offsets(corpus, metas) -> None:
    """Its old offsets point at other text now: the cells are empty, the anchor says why."""
    from annotations.model import Anchor

    fixture = build_fixture(corpus)
    orphan = replace(fixture[0], anchor=Anchor.ORPHANED)
    rows = _parse(render_csv([orphan, fixture[1]], metas))
    assert (rows[0]["start"], rows[0]["end"], rows[0]["anchor"]) == ("", "", "orphaned")
    assert rows[-1]["start"] == str(fixture[1].start) and rows[-1]["anchor"] == "exact"
