"""The Markdown export and the shared citation/quote formatting."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from annotations.article import ArticleMeta
from annotations.export import ExportFormat, render_export
from annotations.export.citation import (
    block_quote,
    citation_line,
    quote_with_citation,
    tag_quotes_markdown,
)
from annotations.model import Annotation
from tests.test_export_golden import GENERATED, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


def _sections(text: str) -> dict[str, str]:
    parts = text.split("\n## ")[1:]
    return {part.split("\n", 1)[0]: part.rstrip("\n") for part in parts}


def test_block_quote_prefixes_every_line_and_blank_lines() -> None:
    assert block_quote("# not a heading\n\nsecond\nthird") == (
        "> \\# not a heading\n>\n> second\n> third"
    )


def test_citation_line_with_full_and_partial_metadata(corpus, metas) -> None:
    annotation = build_fixture(corpus)[0]
    meta = replace(metas[annotation.article], url="https://www.chinadaily.com.cn/a/1.html")
    # APA (the default): author, (date). title. outlet. URL
    assert citation_line(annotation, meta) == (
        "— Xu, W. (2023, December 14). Presidents vow to advance solidarity, cooperation. "
        "China Daily. https://www.chinadaily.com.cn/a/1.html "
        "(article 000_e730ce0a32d34978, chars 200–305)"
    )
    # MLA keeps the given name whole and puts the date after the outlet.
    assert citation_line(annotation, meta, style="mla") == (
        "— Xu, Wei. “Presidents Vow to Advance Solidarity, Cooperation”. China Daily, "
        "14 Dec. 2023, https://www.chinadaily.com.cn/a/1.html. "
        "(article 000_e730ce0a32d34978, chars 200–305)"
    )
    assert citation_line(annotation, None) == "— (article 000_e730ce0a32d34978, chars 200–305)"


def test_citation_line_without_author_names_the_title_once(corpus, metas) -> None:
    annotation = build_fixture(corpus)[2]
    meta = metas[annotation.article]
    assert not meta.authors
    for style in ("apa", "mla"):
        line = citation_line(annotation, meta, style=style)
        assert line.lower().count("china, vietnam agree") == 1, line
        assert "Xinhua" in line and "2023" in line


def test_quote_with_citation(corpus, metas) -> None:
    annotation = build_fixture(corpus)[2]
    text = quote_with_citation(annotation, metas[annotation.article])
    quote_line, citation = text.split("\n")
    assert quote_line == '“achievements made by Vietnam in the past nearly 40 years of "Doi Moi,”'
    assert citation.startswith("— China, Vietnam agree to build community")
    assert "(2023, December 19). Xinhua." in citation


def test_pandoc_markdown_cites_by_key_with_offsets(corpus, metas) -> None:
    fixture = build_fixture(corpus)
    text = render_export(
        ExportFormat.MARKDOWN,
        fixture,
        metas,
        {},
        collection="samples",
        generated=GENERATED,
        pandoc=True,
        bibliography="draft.json",
    )
    assert text.startswith('---\nbibliography: "draft.json"\n---\n\n# Tagged quotes')
    first = fixture[0]
    assert f"[@xu2023presidents, chars {first.start}–{first.end}]" in text
    assert "\n— " not in text  # no style citation lines


def test_annotation_with_two_tags_appears_in_both_sections(corpus, metas) -> None:
    text = render_export(
        ExportFormat.MARKDOWN,
        build_fixture(corpus),
        metas,
        {},
        collection="samples",
        generated=GENERATED,
    )
    sections = _sections(text)
    assert list(sections) == ["cooperation", "solidarity", "Xi", "Untagged"]
    shared = "consolidate political mutual trust"
    assert shared in sections["cooperation"] and shared in sections["solidarity"]
    assert shared not in sections["Xi"]
    assert "- Note: Compare with 000.\n  Same wording" in sections["solidarity"]


def test_tag_filter_limits_sections_and_is_named_in_header(corpus, metas) -> None:
    chosen = [a for a in build_fixture(corpus) if "xi" in {t.casefold() for t in a.tags}]
    text = render_export(
        ExportFormat.MARKDOWN,
        chosen,
        metas,
        {},
        collection="samples",
        generated=GENERATED,
        tags=["XI"],
        article=None,
    )
    assert "- Tags: XI" in text
    # The section is headed with the tag as stored, not as the filter spelled it.
    assert list(_sections(text)) == ["Xi"]
    assert "- Quotes: 2" in text


def test_tag_quotes_markdown_matches_tags_case_insensitively(corpus, metas) -> None:
    fixture = build_fixture(corpus)
    text = tag_quotes_markdown(fixture, metas, ["SOLIDARITY", "missing"])
    sections = _sections("\n" + text)
    assert list(sections) == ["missing", "solidarity"]  # stored spelling when there are quotes
    assert sections["missing"].endswith("_No quotes._")
    assert sections["solidarity"].count("\n— ") == 2
    assert "\n>\n> He called on both sides" in sections["solidarity"]  # second paragraph


def test_untrusted_quote_text_cannot_leave_the_block_quote() -> None:
    meta = ArticleMeta(
        id="a",
        title="T",
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path("a.txt"),
        words=1,
        format="txt",
    )
    annotation = Annotation(
        id="x",
        article="a",
        quote="line\n## Fake heading\n\n---",
        start=0,
        end=30,
        prefix="",
        suffix="",
        body_hash="",
    )
    text = render_export(
        ExportFormat.MARKDOWN, [annotation], {"a": meta}, {}, collection="c", generated=GENERATED
    )
    assert "> line\n> \\## Fake heading\n>\n> \\---\n\n— T. (n.d.). (article a, chars 0–30)" in text
    assert list(_sections(text)) == ["Untagged"]


def test_tag_quotes_markdown_matches_tags_whatever_their_spacing(corpus, metas) -> None:
    first = replace(build_fixture(corpus)[0], tags=("South China Sea",))
    sections = _sections("\n" + tag_quotes_markdown([first], metas, ["south  china sea"]))
    assert list(sections) == ["South China Sea"]  # the stored spelling, on one line
    assert "_No quotes._" not in sections["South China Sea"]
    assert "\n— " in sections["South China Sea"]


def test_orphaned_quote_is_cited_without_stale_offsets() -> None:
    from dataclasses import replace
    from pathlib import Path

    from annotations.anchoring import new_annotation
    from annotations.article import Article, ArticleMeta
    from annotations.export.citation import citation_line
    from annotations.model import Anchor

    meta = ArticleMeta(
        id="a1",
        title="T",
        source="Wire",
        date=None,
        authors=(),
        url=None,
        path=Path("a1.txt"),
        words=3,
        format="txt",
    )
    annotation = new_annotation(Article(meta=meta, body="One two three."), 4, 7)
    assert "chars 4–7" in citation_line(annotation, meta)
    orphan = replace(annotation, anchor=Anchor.ORPHANED)
    line = citation_line(orphan, meta)
    assert "chars" not in line and "no longer found" in line
