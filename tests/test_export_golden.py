"""Golden-file tests: Markdown and CSV exports of a fixed set of annotations on the samples.

Regenerate the golden files with `NEWSMARK_UPDATE_GOLDEN=1 pytest tests/test_export_golden.py`
and review the diff before committing it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.article import ArticleMeta
from annotations.corpus import Corpus
from annotations.export import TEXT_FORMATS, ExportFormat, render_export, select_annotations
from annotations.model import Annotation

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GENERATED = "2026-01-15T09:30:00.000Z"
TAG_COLOURS = {"cooperation": "#4e79a7", "solidarity": "#e15759", "Xi": "#f28e2b"}

# (article, quote, tags, note): realistic highlights on the bundled samples.
FIXTURE = (
    (
        "000_e730ce0a32d34978",
        "President Xi Jinping emphasized on Wednesday the need for China and Vietnam to deepen "
        "win-win cooperation",
        ("cooperation", "Xi"),
        None,
    ),
    (
        "000_e730ce0a32d34978",
        "He called on both sides to enhance cooperation in areas such as the digital economy "
        "and green development, and explore new growth engines for pragmatic cooperation.",
        ("cooperation",),
        'Concrete areas: "digital economy", green development.',
    ),
    (
        "001_cd3da7863ef62599",
        'achievements made by Vietnam in the past nearly 40 years of "Doi Moi,',
        ("Xi",),
        "-check: quote is cut at a comma",
    ),
    (
        "002_4507068b08cafca8",
        "President Xi Jinping underscored on Wednesday the need for China and Vietnam to "
        "consolidate political mutual trust, bolster solidarity and cooperation",
        ("solidarity", "cooperation"),
        "Compare with 000.\nSame wording, eight months apart.",
    ),
    (
        "003_4a3f0146945ab2e7",
        "Xi emphasized that the shared leadership of the communist party and the socialist "
        "system forms the cornerstone of both China and Vietnam",
        (),
        None,
    ),
)


def build_fixture(corpus: Corpus) -> list[Annotation]:
    """The FIXTURE annotations plus one spanning two paragraphs, with fixed ids and times."""
    made = []
    for article_id, quote, tags, note in FIXTURE:
        article = corpus.article(article_id)
        span = locate_quote(article.body, quote)
        made.append(new_annotation(article, span.start, span.end, tags=tags, note=note))
    article = corpus.article("000_e730ce0a32d34978")
    first = locate_quote(article.body, "Both sides should strengthen unity")
    last = locate_quote(article.body, "new growth engines for pragmatic cooperation.")
    made.append(new_annotation(article, first.start, last.end, tags=("solidarity",)))
    return [
        replace(
            a,
            id=f"00000000-0000-4000-8000-{index:012d}",
            created=f"2026-01-0{index}T10:00:00.000Z",
            updated=f"2026-01-0{index}T11:30:00.000Z",
            coder=("ana", "ben")[index % 2],
        )
        for index, a in enumerate(made, start=1)
    ]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.open(Path(__file__).resolve().parent.parent / "samples", use_cache=False)


@pytest.fixture(scope="module")
def fixture_annotations(corpus: Corpus) -> list[Annotation]:
    return build_fixture(corpus)


@pytest.fixture(scope="module")
def metas(corpus: Corpus) -> dict[str, ArticleMeta]:
    return {meta.id: meta for meta in corpus}


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / name
    if os.environ.get("NEWSMARK_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run with NEWSMARK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8")


def test_markdown_export_matches_golden(fixture_annotations, metas) -> None:
    text = render_export(
        ExportFormat.MARKDOWN,
        select_annotations(fixture_annotations),
        metas,
        TAG_COLOURS,
        collection="samples",
        generated=GENERATED,
    )
    _check_golden("export.md", text)


def test_csv_export_matches_golden(fixture_annotations, metas) -> None:
    text = render_export(
        ExportFormat.CSV,
        select_annotations(fixture_annotations),
        metas,
        TAG_COLOURS,
        collection="samples",
        generated=GENERATED,
    )
    _check_golden("export.csv", text)


def test_exports_are_deterministic(fixture_annotations, metas) -> None:
    for fmt in TEXT_FORMATS:
        first = render_export(
            fmt, fixture_annotations, metas, TAG_COLOURS, collection="samples", generated=GENERATED
        )
        again = render_export(
            fmt,
            list(reversed(fixture_annotations)),
            metas,
            TAG_COLOURS,
            collection="samples",
            generated=GENERATED,
        )
        assert first == again, fmt
