"""A warm collection is listed straight from its index (`early_listing`) before its metadata
is built: the same rows, sorts and filter results as the collection once open (issue 18)."""

from __future__ import annotations

import dataclasses
import random
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

import annotations.corpus as corpus_module
import annotations.library_listing as library_listing
import annotations.library_query as library_query_module
import tui.widgets.library_rows as library_rows_module
from annotations.corpus import Corpus, index_cache_path
from annotations.corpus_index import CorpusIndex
from annotations.library_listing import EarlyListing, ListedArticle, early_listing
from annotations.library_query import filter_articles, filter_texts, parse_library_filter
from bench.generate import generate_collection
from tests.conftest import SAMPLES_DIR
from tests.tui_support import article_table, library_rows, library_status, reader_view, wait_until
from tui.app import NewsmarkApp
from tui.screens.library import COLUMNS
from tui.screens.library_model import LibraryModel
from tui.widgets.library_rows import LibraryRows
from tui.workspace import Workspace

SORTS = [
    (column, reverse)
    for column in ("title", "source", "date", "words", "notes")
    for reverse in (False, True)
]
FILTERS = [
    "",
    "xinhua",
    "china vietnam",
    "-reuters",
    "outlet:xinhua",
    "after:2023-12",
    '"shared future" OR trade',
    "before:2023-05 -daily",
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A generated collection, the samples (outlets, authors, an undated article), and two
    files of one id (told apart by their format)."""
    directory = generate_collection(tmp_path / "library", 300, seed=7)
    for sample in SAMPLES_DIR.glob("*.txt"):
        shutil.copy(sample, directory / sample.name)
    (directory / "same.txt").write_text("Same id, text\n\nBody one.\n", encoding="utf-8")
    (directory / "same.md").write_text("# Same id, markdown\n\nBody two.\n", encoding="utf-8")
    return directory


def newest_first(corpus: Corpus) -> list[ListedArticle]:
    """The collection as the library first lists it: by date then id, both descending."""
    listed = [ListedArticle(m.id, m.title, m.source, m.date, m.author, m.words) for m in corpus]
    return sorted(listed, key=lambda a: ((a.date or "").casefold(), a.id), reverse=True)


@pytest.mark.parametrize("step", [7, library_listing.SORT_STEP])  # sorted in runs, merged
def test_the_early_listing_is_the_collection_newest_first(
    library: Path, step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_listing, "SORT_STEP", step)
    corpus = Corpus.open(library)
    index = CorpusIndex(index_cache_path(library))
    try:
        early = early_listing(index)
    finally:
        index.close()
    expected = newest_first(corpus)
    assert early.newest == expected
    assert sorted(early.articles) == sorted(expected)  # the same, in the index's order
    assert [early.articles[i] for i in early.newest_at] == early.newest
    assert {"same-txt", "same-md"} & {a.id for a in early.newest}  # duplicates told apart
    assert any(a.author and ", " in a.author for a in early.newest)  # authors joined as listed
    assert early.newest[-1].date is None  # undated last


def test_open_lists_early_only_from_a_warm_index_and_before_the_collection(
    library: Path,
) -> None:
    events: list[str] = []
    listings: list[EarlyListing] = []

    def listed(listing: EarlyListing) -> None:
        events.append("listed")
        listings.append(listing)

    Corpus.open(library, grew=lambda c: events.append("grew"), listed_early=listed)
    assert "listed" not in events  # a first index has nothing to list early
    events.clear()
    corpus = Corpus.open(library, grew=lambda c: events.append("grew"), listed_early=listed)
    assert events == ["listed", "grew"]
    assert listings[0].newest == newest_first(corpus)


class FakeWorkspace:
    """What `LibraryModel` asks of the workspace: the collection or its early listing, and
    annotation counts (one article has two)."""

    def __init__(self, corpus: Corpus | None, early: EarlyListing | None) -> None:
        self.corpus, self.early = corpus, early
        self.counted = next(iter(corpus)).id if corpus else early.newest[0].id  # type: ignore[union-attr]

    def annotation_counts(self) -> dict[str, int]:
        return {self.counted: 2}

    def visible_annotations(self) -> list[object]:
        return []


def test_the_early_rows_sort_and_filter_as_the_collection_does(library: Path) -> None:
    Corpus.open(library)
    listings: list[EarlyListing] = []
    corpus = Corpus.open(library, grew=lambda c: None, listed_early=listings.append)
    early = listings[0]
    assert len(early.articles) == len(corpus)
    early_model, full_model = LibraryModel(), LibraryModel()
    early_space = FakeWorkspace(None, early)
    full_space = FakeWorkspace(corpus, None)
    early_space.counted = full_space.counted
    early_model.listed(early_space, "", "date", True)  # type: ignore[arg-type]
    early_model.prepare_filter()  # (the text made, the positions packed, in advance)
    for text in FILTERS:
        for column, reverse in SORTS:
            found = early_model.listed(early_space, text, column, reverse)  # type: ignore[arg-type]
            wanted = full_model.listed(full_space, text, column, reverse)  # type: ignore[arg-type]
            assert [a.id for a in found] == [m.id for m in wanted], (text, column, reverse)
        assert 0 < len(found) < len(corpus) or not text  # each filter narrows the rows
    assert early_model.total == full_model.total == len(corpus)


async def test_the_library_lists_filters_and_opens_before_the_collection_is_built(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = len(Corpus.open(library))  # a warm index
    release = threading.Event()
    real = corpus_module._unique_metas

    def waiting(root: Path, rows: list[tuple[Any, ...]]) -> corpus_module.UniqueMetas:
        release.wait(30)
        return real(root, rows)

    monkeypatch.setattr(corpus_module, "_unique_metas", waiting)
    app = NewsmarkApp(Workspace(library=library, db_path=tmp_path / "db.json"))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: library_rows(app) == total, timeout=30)
            assert app.workspace.corpus is None and app.workspace.early is not None
            assert f"{total} of {total} articles" in library_status(app)
            await pilot.press("f", *"xinhua")
            await wait_until(pilot, lambda: 0 < library_rows(app) < total)
            table = article_table(app)
            assert table is not None
            assert "xinhua" in table.row(0).cells[1].casefold()
            table.focus()
            article_id = table.cursor_key
            title = table.row(table.cursor_row).cells[0]
            await pilot.press("space")  # marked: named by its title from the early rows
            await wait_until(pilot, lambda: "marked: " + title[:20] in library_status(app))
            assert app.workspace.corpus is None
            await pilot.press("enter")
            view = await reader_view(app, pilot)
            assert view.article is None  # the collection is not there yet
            release.set()
            await wait_until(pilot, lambda: view.article is not None, timeout=30)
            assert view.article is not None and view.article.id == article_id
            assert app.workspace.early is None
    finally:
        release.set()


@pytest.mark.parametrize("step", [7, library_listing.PASS_STEP])  # read in steps
def test_column_widths_are_those_of_the_widest_cells(
    library: Path, step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_rows_module, "PASS_STEP", step)
    monkeypatch.setattr(library_query_module, "PASS_STEP", step)
    corpus = Corpus.open(library)
    metas = list(corpus)
    metas[0] = dataclasses.replace(metas[0], words=123_456_789)  # the widest, read first
    assert any(m.date is None for m in metas) and any(len(m.date or "") > 10 for m in metas)
    wide = dataclasses.replace(metas[2], date="２０２３年１２月１４日星期四")  # 2 cells a character
    columns = tuple(sort.column for sort in COLUMNS)
    for articles in (metas, [*metas[:2], wide, *metas[3:]]):
        for counts in ({}, {metas[2].id: 12_345_678, metas[3].id: 999_999_999, "x": 999_999_999}):
            rows = LibraryRows(articles[::2], counts)
            # What the table would measure: every cell of every row (the title's: its label).
            cells = [rows.row(i).cells for i in range(len(rows))]
            expected = [
                max([cell_len(column.label) + 2] + [cell_len(c[n]) for c in cells if n])
                for n, column in enumerate(columns)
            ]
            assert rows.content_widths(columns) == expected
            shuffled = random.Random(step).sample(articles[::2], len(rows))
            assert rows.content_widths(columns, shuffled) == expected  # read in any order
        assert expected[2] == (10 if articles is metas else 20)
    assert expected[3:] == [len("123456789"), len("12345678")]  # not listed: left out


@pytest.mark.parametrize("step", [7, library_listing.PASS_STEP])  # read in steps
def test_filter_texts_and_words_match_as_written(
    library: Path, step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_query_module, "PASS_STEP", step)
    metas = list(Corpus.open(library))
    texts = filter_texts(metas)
    fields = ("id", "title", "source", "author", "date")
    expected = [" ".join(p for p in (getattr(m, f) for f in fields) if p).casefold() for m in metas]
    assert texts == expected  # the id, title, outlet, author and date it has, case-folded
    text_of = dict(zip((m.id for m in metas), texts, strict=True))
    shuffled = random.Random(step).sample(range(len(metas)), len(metas))
    for words in ("xinhua", "2023-12", "vietnam", "ß", "zzz", "china vietnam", "x -reuters"):
        query = parse_library_filter(words)
        wanted = [
            m
            for m in metas[::-1]
            if all(
                (w[1:] not in text_of[m.id]) if w.startswith("-") else (w in text_of[m.id])
                for w in words.casefold().split()
            )
        ]
        assert filter_articles(query, metas[::-1], texts[::-1]) == wanted
        # The texts in another order than the articles (see `positions`); few articles
        # asked about (each text looked up), and most (every text looked at).
        for few in (metas[-3:], metas):
            articles = [metas[i] for i in shuffled if metas[i] in few]
            at = [i for i in shuffled if metas[i] in few]
            found = filter_articles(query, articles, texts, positions=at)
            assert found == [m for m in articles if m in wanted]


def test_the_collection_is_marked_as_listed_early_only_when_it_is(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grown: list[Corpus] = []
    Corpus.open(library)  # a warm index
    final = Corpus.open(library, grew=grown.append, listed_early=lambda listing: None)
    assert grown[0].as_listed_early and not final.as_listed_early
    Corpus.open(library, grew=grown.append)  # nothing listed early
    assert not grown[-1].as_listed_early
    versions = iter(range(100))  # another process wrote the index between the two reads
    monkeypatch.setattr(CorpusIndex, "data_version", lambda self: next(versions))
    Corpus.open(library, grew=grown.append, listed_early=lambda listing: None)
    assert not grown[-1].as_listed_early


def test_the_index_says_when_another_connection_wrote_it(library: Path) -> None:
    Corpus.open(library)
    reader, writer = (CorpusIndex(index_cache_path(library)) for _ in range(2))
    try:
        version = reader.data_version()
        assert reader.data_version() == version
        assert writer.update([], [next(iter(writer.files()))])
        assert reader.data_version() != version
    finally:
        reader.close()
        writer.close()


def test_the_library_keeps_its_work_when_the_collection_is_as_listed_early(
    library: Path,
) -> None:
    Corpus.open(library)
    listings: list[EarlyListing] = []
    grown: list[Corpus] = []
    Corpus.open(library, grew=grown.append, listed_early=listings.append)
    for as_listed in (True, False):
        model = LibraryModel()
        space = FakeWorkspace(None, listings[0])
        newest = model.listed(space, "", "date", True)  # type: ignore[arg-type]
        by_title = model.listed(space, "xinhua", "title", False)  # type: ignore[arg-type]
        assert newest is listings[0].newest
        corpus = grown[0]
        corpus.as_listed_early = as_listed
        space.corpus, space.early = corpus, None
        model.collection_changed()
        again = model.listed(space, "xinhua", "title", False)  # type: ignore[arg-type]
        assert again is not None and by_title is not None
        assert [a.id for a in again] == [a.id for a in by_title]
        # Kept: the early rows (the same values), else the collection's metadata.
        assert all(isinstance(a, ListedArticle) == as_listed for a in again)
        assert (model.listed(space, "", "date", True) is newest) == as_listed  # type: ignore[arg-type]


def test_a_filter_no_longer_wanted_stops(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_query_module, "PASS_STEP", 7)
    Corpus.open(library)
    listings: list[EarlyListing] = []
    Corpus.open(library, grew=lambda c: None, listed_early=listings.append)
    model, space = LibraryModel(), FakeWorkspace(None, listings[0])
    asked = []

    def wanted() -> bool:  # a key is typed while the filter runs
        asked.append(True)
        return len(asked) < 3

    assert model.listed(space, "x", "date", True, wanted) is None  # type: ignore[arg-type]
    assert len(asked) == 3  # it stopped at once
    found = model.listed(space, "x", "date", True)  # type: ignore[arg-type]
    assert found and all("x" in filter_texts([a])[0] for a in found)


def test_rows_find_an_article_before_and_after_being_made_quick(library: Path) -> None:
    metas = list(Corpus.open(library))[::-1]
    rows = LibraryRows(metas, {})
    keys = [metas[0].id, metas[17].id, metas[-1].id, "not listed"]
    before = [rows.index_of(key) for key in keys]
    rows.index_ready()
    assert [rows.index_of(key) for key in keys] == before == [0, 17, len(metas) - 1, None]
