"""A warm collection is listed straight from its index (`early_listing`) before its metadata
is built: the same rows, sorts and filter results as the collection once open (issue 18)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import annotations.corpus as corpus_module
import annotations.library_listing as library_listing
from annotations.corpus import Corpus, index_cache_path
from annotations.corpus_index import CorpusIndex
from annotations.library_listing import ListedArticle, early_listing
from bench.generate import generate_collection
from tests.conftest import SAMPLES_DIR
from tests.tui_support import article_table, library_rows, library_status, wait_until
from tui.app import NewsmarkApp
from tui.screens.library_model import LibraryModel
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView
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
    assert early == expected
    assert {"same-txt", "same-md"} & {a.id for a in early}  # duplicates told apart
    assert any(a.author and ", " in a.author for a in early)  # authors joined as listed
    assert early[-1].date is None  # undated last


def test_open_lists_early_only_from_a_warm_index_and_before_the_collection(
    library: Path,
) -> None:
    events: list[str] = []
    listings: list[list[ListedArticle]] = []

    def listed(articles: list[ListedArticle]) -> None:
        events.append("listed")
        listings.append(articles)

    Corpus.open(library, grew=lambda c: events.append("grew"), listed_early=listed)
    assert "listed" not in events  # a first index has nothing to list early
    events.clear()
    corpus = Corpus.open(library, grew=lambda c: events.append("grew"), listed_early=listed)
    assert events == ["listed", "grew"]
    assert listings[0] == newest_first(corpus)


class FakeWorkspace:
    """What `LibraryModel` asks of the workspace: the collection or its early listing, and
    annotation counts (one article has two)."""

    def __init__(self, corpus: Corpus | None, early: list[ListedArticle] | None) -> None:
        self.corpus, self.early = corpus, early
        self.counted = next(iter(corpus)).id if corpus else early[0].id  # type: ignore[index]

    def annotation_counts(self) -> dict[str, int]:
        return {self.counted: 2}

    def visible_annotations(self) -> list[object]:
        return []


def test_the_early_rows_sort_and_filter_as_the_collection_does(library: Path) -> None:
    Corpus.open(library)
    early: list[ListedArticle] = []
    corpus = Corpus.open(library, grew=lambda c: None, listed_early=early.extend)
    assert len(early) == len(corpus)
    early_model, full_model = LibraryModel(), LibraryModel()
    early_space = FakeWorkspace(None, early)
    full_space = FakeWorkspace(corpus, None)
    early_space.counted = full_space.counted
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
            await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
            view = app.screen.query_one(ArticleView)
            assert view.article is None  # the collection is not there yet
            release.set()
            await wait_until(pilot, lambda: view.article is not None, timeout=30)
            assert view.article is not None and view.article.id == article_id
            assert app.workspace.early is None
    finally:
        release.set()
