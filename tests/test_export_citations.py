"""Citation styles (citeproc-py), CSL-JSON, BibTeX and Pandoc Markdown exports."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest

from annotations.article import ArticleMeta
from annotations.corpus import Corpus
from annotations.export import ExportFormat, render_export
from annotations.export.bibtex import render_bibtex
from annotations.export.citation import article_references
from annotations.export.csl import citation_keys, csl_item, csl_name
from annotations.export.styles import UnknownStyleError, style_path
from annotations.store import AnnotationStore
from tests.test_export_golden import build_fixture

ACCESSED = "2026-01-15"


def _meta(
    article_id: str,
    title: str,
    *,
    authors: tuple[str, ...] = (),
    source: str | None,
    date: str | None,
    url: str | None = None,
) -> ArticleMeta:
    return ArticleMeta(
        id=article_id,
        title=title,
        source=source,
        date=date,
        authors=authors,
        url=url,
        path=Path(f"{article_id}.html"),
        words=100,
        format="html",
    )


XU = _meta(
    "000",
    "Presidents vow to advance solidarity, cooperation",
    authors=("Xu Wei",),
    source="China Daily",
    date="2023-12-14T08:35",
    url="https://www.chinadaily.com.cn/a/202312/14/WS657a.html",
)
REUTERS = _meta(
    "001",
    "'Parasite' scores historic upset at SAG awards",
    source="Reuters",
    authors=("Jill Serjeant", "Reuters Staff"),
    date="2020-01-20",
    url="https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
)
UNSIGNED = _meta("002", "Rates & 100% of the {budget}", source=None, date=None)


def test_names_people_family_given_and_organisations_literal() -> None:
    assert csl_name("Xu Wei") == {"family": "Xu", "given": "Wei"}  # pinyin: family first
    assert csl_name("Mo Jingxi") == {"family": "Mo", "given": "Jingxi"}  # (found by a tester)
    assert csl_name("Ouyang Xiu") == {"family": "Ouyang", "given": "Xiu"}
    # Vietnamese: family name first, then middle and given names.
    assert csl_name("Nguyen Thu Ha") == {"family": "Nguyen", "given": "Thu Ha"}
    assert csl_name("Lê Văn An") == {"family": "Lê", "given": "Văn An"}
    assert csl_name("Tran Minh") == {"family": "Tran", "given": "Minh"}
    assert csl_name("Carrie Arnold") == {"family": "Arnold", "given": "Carrie"}
    assert csl_name("Ludwig van Beethoven") == {"family": "van Beethoven", "given": "Ludwig"}
    assert csl_name("Reuters Staff") == {"literal": "Reuters Staff"}
    assert csl_name("PTI") == {"literal": "PTI"}


def test_csl_item_has_the_fields_reference_managers_read() -> None:
    item = csl_item(XU, "xu2023presidents", accessed=ACCESSED)
    assert item == {
        "id": "xu2023presidents",
        "type": "article-newspaper",
        "title": "Presidents vow to advance solidarity, cooperation",
        "author": [{"family": "Xu", "given": "Wei"}],
        "container-title": "China Daily",
        "issued": {"date-parts": [[2023, 12, 14]]},
        "URL": XU.url,
        "accessed": {"date-parts": [[2026, 1, 15]]},
    }
    bare = csl_item(UNSIGNED, "k", accessed=ACCESSED)
    assert set(bare) == {"id", "type", "title"}  # no URL, so no access date either


def test_citation_keys_are_stable_and_told_apart() -> None:
    twin = _meta(
        "003", "Presidents meet again", authors=("Xu Wei",), source="China Daily", date="2023-05-01"
    )
    keys = citation_keys([twin, XU, REUTERS, UNSIGNED])
    assert keys["001"] == "serjeant2020parasite"
    assert keys["002"] == "nd" + "rates"
    assert (keys["000"], keys["003"]) == ("xu2023presidentsa", "xu2023presidentsb")
    assert citation_keys([XU])["000"] == "xu2023presidents"


def test_a_key_has_letters_when_the_author_and_title_have_none_in_latin() -> None:
    """(Found by a tester.) An article by 习近平 titled in Chinese got the key `2024`."""
    chinese = _meta(
        "010_cjk", "中国外交的新篇章", authors=("习近平",), source="Xinhua", date="2024-01-02"
    )
    untitled = _meta("011_beijing", "北京", authors=("王毅",), source=None, date="2024-01-02")
    keys = citation_keys([chinese, untitled])
    assert keys == {"010_cjk": "xinhua2024cjk", "011_beijing": "2024beijing"}


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            "Xu, W. (2023, December 14). Presidents vow to advance solidarity, cooperation. "
            "China Daily. https://www.chinadaily.com.cn/a/202312/14/WS657a.html",
        ),
        (
            "chicago-author-date",
            "Xu, Wei. 2023. “Presidents Vow to Advance Solidarity, Cooperation”. China Daily, "
            "December 14. https://www.chinadaily.com.cn/a/202312/14/WS657a.html.",
        ),
        (
            "mla",
            "Xu, Wei. “Presidents Vow to Advance Solidarity, Cooperation”. China Daily, "
            "14 Dec. 2023, https://www.chinadaily.com.cn/a/202312/14/WS657a.html.",
        ),
        (
            "harvard",
            "Xu, W. (2023) “Presidents vow to advance solidarity, cooperation”, China "
            "Daily, 14 December. Available at: "
            "https://www.chinadaily.com.cn/a/202312/14/WS657a.html "
            "(Accessed: January 15, 2026).",
        ),
        (
            "ieee",
            "W. Xu, “Presidents vow to advance solidarity, cooperation”, China Daily, "
            "Dec. 14, 2023. Accessed: Jan. 15, 2026. [Online]. Available: "
            "https://www.chinadaily.com.cn/a/202312/14/WS657a.html",
        ),
    ],
)
def test_each_style_cites_author_title_outlet_date(style: str, expected: str) -> None:
    assert article_references({"000": XU}, style=style, accessed=ACCESSED) == {"000": expected}


def test_unknown_style_is_a_one_line_error() -> None:
    with pytest.raises(UnknownStyleError, match="unknown citation style 'nope'"):
        style_path("nope")
    assert style_path("MLA").name == "modern-language-association.csl"


def test_bibtex_parses_back_with_every_field() -> None:
    text = render_bibtex({"000": XU, "001": REUTERS, "002": UNSIGNED}, accessed=ACCESSED)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    entries = {entry.key: entry for entry in library.entries}
    assert set(entries) == {"xu2023presidents", "serjeant2020parasite", "ndrates"}
    xu = entries["xu2023presidents"]
    assert xu.entry_type == "article"
    assert xu["author"] == "Xu, Wei"
    assert xu["title"] == "{Presidents vow to advance solidarity, cooperation}"
    assert (xu["journal"], xu["date"], xu["year"]) == ("China Daily", "2023-12-14", "2023")
    assert (xu["url"], xu["urldate"]) == (XU.url, ACCESSED)
    assert entries["serjeant2020parasite"]["author"] == "Serjeant, Jill and {Reuters Staff}"
    unsigned = entries["ndrates"]
    assert unsigned.entry_type == "online"
    assert unsigned["title"] == r"{Rates \& 100\% of the \{budget\}}"


@pytest.fixture
def store(tmp_path: Path, samples_dir: Path) -> AnnotationStore:
    store = AnnotationStore.open(tmp_path / "annotations.json")
    store.put_many(build_fixture(Corpus.open(samples_dir)))
    return store


def _cli(run_cli, samples_dir: Path, store: AnnotationStore, *args: str):
    return run_cli("--library", str(samples_dir), "--db", str(store.path), *args)


def test_csl_json_lists_only_the_cited_articles_unless_all(run_cli, samples_dir, store) -> None:
    cited = {a.article for a in store.all()}
    result = _cli(run_cli, samples_dir, store, "export", "--format", "csl-json")
    assert result.code == 0
    items = json.loads(result.out)
    assert len(items) == len(cited) == 4
    assert {item["type"] for item in items} == {"article-newspaper"}
    assert items[0]["id"] == "xu2023presidents"
    every = json.loads(
        _cli(run_cli, samples_dir, store, "export", "--format", "csl-json", "--all-articles").out
    )
    assert len(every) == len(Corpus.open(samples_dir)) == 5
    one = json.loads(
        _cli(run_cli, samples_dir, store, "export", "--format", "csl-json", "--article", "003").out
    )
    assert [item["title"] for item in one] == [
        "Xi and senior Vietnamese official pledge stronger bilateral ties"
    ]


def test_bibtex_export_from_the_command_line(run_cli, samples_dir, store, tmp_path) -> None:
    out = tmp_path / "refs.bib"
    result = _cli(run_cli, samples_dir, store, "export", "--format", "bibtex", "-o", str(out))
    assert result.code == 0 and "exported 4 articles" in result.err
    library = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert len(library.entries) == 4 and not library.failed_blocks


def test_markdown_style_option(run_cli, samples_dir, store) -> None:
    result = _cli(
        run_cli,
        samples_dir,
        store,
        "export",
        "--format",
        "markdown",
        "--style",
        "mla",
        "--tag",
        "xi",
    )
    assert result.code == 0
    assert (
        "— Xu, Wei. “Presidents Vow to Advance Solidarity, Cooperation”. China Daily, "
        "14 Dec. 2023. (article 000_e730ce0a32d34978, chars" in result.out
    )
    bad = _cli(run_cli, samples_dir, store, "export", "--format", "markdown", "--style", "zz")
    assert bad.code == 1 and bad.out == ""
    assert bad.err.startswith("newsmark: error: unknown citation style 'zz'")
    assert bad.err.count("\n") == 1


def test_pandoc_export_writes_the_bibliography_beside_it(
    run_cli, samples_dir, store, tmp_path
) -> None:
    draft = tmp_path / "draft.md"
    result = _cli(
        run_cli, samples_dir, store, "export", "--format", "markdown", "--pandoc", "-o", str(draft)
    )
    assert result.code == 0, result.err
    text = draft.read_text(encoding="utf-8")
    bibliography = json.loads((tmp_path / "draft.json").read_text(encoding="utf-8"))
    keys = {item["id"] for item in bibliography}
    cited = {part.split(",")[0] for part in text.split("[@")[1:]}
    assert cited == keys  # every citation resolves, every reference is cited
    assert text.startswith('---\nbibliography: "draft.json"\n---\n')
    again = _cli(
        run_cli, samples_dir, store, "export", "--format", "markdown", "--pandoc", "-o", str(draft)
    )
    assert again.code == 1 and "draft.md already exists; use --force" in again.err
    draft.unlink()  # the Markdown file may go, its bibliography is still refused
    again = _cli(
        run_cli, samples_dir, store, "export", "--format", "markdown", "--pandoc", "-o", str(draft)
    )
    assert again.code == 1 and "draft.json already exists; use --force" in again.err
    assert not draft.exists()
    forced = _cli(
        run_cli,
        samples_dir,
        store,
        "export",
        "--format",
        "markdown",
        "--pandoc",
        "-o",
        str(draft),
        "--force",
    )
    assert forced.code == 0, forced.err
    stdout = _cli(run_cli, samples_dir, store, "export", "--format", "markdown", "--pandoc")
    assert stdout.code == 1 and "--pandoc needs -o FILE" in stdout.err


def test_bibliography_formats_ignore_annotation_order(samples_dir) -> None:
    corpus = Corpus.open(samples_dir)
    metas = {meta.id: meta for meta in corpus}
    for fmt in (ExportFormat.CSL_JSON, ExportFormat.BIBTEX):
        first = render_export(fmt, [], metas, {}, collection="c", generated=ACCESSED)
        again = render_export(
            fmt, [], dict(reversed(metas.items())), {}, collection="c", generated=ACCESSED
        )
        assert first == again


def test_an_articles_key_does_not_change_with_what_else_is_exported(
    run_cli, samples_dir, db_path, tmp_path
) -> None:
    # 001 and 004 are both Xinhua 2023 "China, …": their keys need a suffix.
    for article in ("001", "004"):
        assert (
            run_cli(
                "--library",
                str(samples_dir),
                "--db",
                str(db_path),
                "annotate",
                article,
                "--quote",
                "Vietnam",
                "--tag",
                "x",
            ).code
            == 0
        )

    def keys(*args: str) -> dict[str, str]:
        result = run_cli(
            "--library",
            str(samples_dir),
            "--db",
            str(db_path),
            "export",
            "--format",
            "csl-json",
            *args,
        )
        assert result.code == 0, result.err
        return {item["title"]: item["id"] for item in json.loads(result.out)}

    only_001 = keys("--article", "001")
    cited = keys()
    every = keys("--all-articles")
    assert len(set(every.values())) == 5
    assert only_001.items() <= cited.items() <= every.items()
    bibtex = run_cli(
        "--library",
        str(samples_dir),
        "--db",
        str(db_path),
        "export",
        "--format",
        "bibtex",
        "--article",
        "001",
    )
    assert set(only_001.values()) == {bibtex.out.split("{")[1].split(",")[0]}
    draft = tmp_path / "draft.md"
    assert (
        run_cli(
            "--library",
            str(samples_dir),
            "--db",
            str(db_path),
            "export",
            "--format",
            "markdown",
            "--pandoc",
            "--article",
            "001",
            "-o",
            str(draft),
        ).code
        == 0
    )
    cited_keys = {part.split(",")[0] for part in draft.read_text().split("[@")[1:]}
    bibliography = json.loads((tmp_path / "draft.json").read_text(encoding="utf-8"))
    assert cited_keys == {item["id"] for item in bibliography} == set(only_001.values())
