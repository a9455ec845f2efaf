"""Reading a collection from its index alone (`IndexedCollection`): when the index may be
trusted, that `list` and `search` say what the full open says, and that changes are seen."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

from annotations import indexed_collection
from annotations import search as search_module
from annotations.corpus import Corpus
from annotations.corpus_index import CorpusIndex
from annotations.errors import UnknownArticleError
from annotations.indexed_collection import FilesChangedError, IndexedCollection
from annotations.search_pool import can_fork
from tests.conftest import RunCli
from tests.helpers.collections import AN_HOUR_AGO, age_collection

WORDS = (
    "Vietnam",
    "China",
    "rail",
    "links",
    "İstanbul",
    "Straße",
    "trade",
    "talks",
    "Xi",
    "Jinping",
    "2023",
    "community",
    "shared",
    "future",
    "Hà",
    "Nội",
)
QUERIES = [
    ("Vietnam", False, False),
    ("rail links", False, False),
    ("ISTANBUL", False, False),
    ("zzz", False, False),
    ("Xi", False, True),
    (r"\bXi Jinping\b", True, False),
    (r"\d{4}", True, False),
    ("a", False, False),
    ("Vietnam OR rail links", False, False),
    ('"shared future" AND Xi', False, False),
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """120 articles (enough for the full-text index), one in a subdirectory, one twice
    (a.txt and a.md), indexed by a full open and then left alone."""
    rng = random.Random(3)
    root = tmp_path / "big"
    (root / "sub").mkdir(parents=True)
    for number in range(120):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        folder = root / "sub" if number == 7 else root
        (folder / f"a{number:03d}.txt").write_text(f"Title {number}\n\n{body}\n", "utf-8")
    (root / "a001.md").write_text("---\ntitle: Twin\nsource: Wire\n---\n\nrail links\n", "utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    age_collection(root)
    Corpus.open(root)
    return root


def _hits(batches: object) -> list[tuple[str, int, int, str]]:
    return [(h.article, h.start, h.end, h.context) for b in batches for h in b]  # type: ignore


def test_listing_and_search_match_the_full_open(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "SEARCH_BATCH_CHARS", 400)
    corpus = Corpus.open(library)
    indexed = IndexedCollection.open(library)
    assert indexed is not None
    try:
        assert list(indexed.listing()) == list(corpus.listing())
        # Kept in the index, read back by the second (warm) open.
        assert corpus.notices == ["skipped broken.txt: looks like a binary file"]
        assert indexed.notices == corpus.notices
        for query, regex, case_sensitive in QUERIES:
            options = {"regex": regex, "case_sensitive": case_sensitive}
            assert _hits(indexed.search_batches(query, **options)) == _hits(
                corpus.search_batches(query, **options)
            ), query
        twins = ["a001-txt", "a001"]
        one = _hits(indexed.search_batches("a", article_ids=twins))
        assert one and one == _hits(corpus.search_batches("a", article_ids=twins))
        nested = next(meta.id for meta in corpus if meta.path.parent.name == "sub")
        for known in (nested, "a119", "a105"):
            assert indexed.resolve(known) == corpus.resolve(known)
        with pytest.raises(UnknownArticleError, match="ambiguous"):
            indexed.resolve("a00")
        with pytest.raises(UnknownArticleError, match="no article"):
            indexed.resolve("nope")
    finally:
        indexed.close()


def test_not_trusted_when_a_directory_changed(library: Path) -> None:
    (library / "sub" / "new.txt").write_text("New\n\nfresh text\n", "utf-8")
    os.utime(library / "sub", (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))
    assert IndexedCollection.open(library) is None
    Corpus.open(library)  # a full look records the directories again
    indexed = IndexedCollection.open(library)
    assert indexed is not None
    assert "New" in {item["title"] for item in indexed.listing()}
    indexed.close()


def test_not_trusted_right_after_a_change(library: Path) -> None:
    (library / "a999.txt").write_text("Late\n\nlate text\n", "utf-8")
    Corpus.open(library)
    # The directory changed a moment ago: it may change again within the same clock tick.
    assert IndexedCollection.open(library) is None


def check_files_in_search_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a search over the library checks its files in its own worker processes
    (`IndexedCollection.open(…, defer_file_check=True)`), in several ranges, and searches
    in units of a few articles."""
    monkeypatch.setattr(indexed_collection, "POOL_MIN_FILES", 10)
    monkeypatch.setattr(indexed_collection, "STAT_CHUNK", 7)
    monkeypatch.setattr(indexed_collection, "POOL_MIN_ARTICLES", 20)
    monkeypatch.setattr(indexed_collection, "UNIT_ARTICLES", 9)


@pytest.mark.parametrize("checked_by_the_search", [False, True])
def test_a_file_rewritten_in_place_is_searched_as_it_is_now(
    library: Path,
    run_cli: RunCli,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    checked_by_the_search: bool,
) -> None:
    """A word added to a file in place (its directory untouched) is found: the full-text
    index never saw it, so the index is not trusted until it has (found by a tester),
    whether the files are checked as the index is opened or by the search's workers."""
    if checked_by_the_search:
        check_files_in_search_workers(monkeypatch)
    assert IndexedCollection.open(library) is not None
    target = library / "a005.txt"
    old_words = set(target.read_text("utf-8").split()[2:])
    with target.open("a", encoding="utf-8") as appended:
        appended.write("\nA wombatfestival was held.\n")
    os.utime(library, (AN_HOUR_AGO, AN_HOUR_AGO))  # the directory looks untouched
    assert IndexedCollection.open(library) is None  # a file changed: not trusted
    common = ("--library", str(library), "--db", str(db_path), "search")
    found = run_cli(*common, "wombatfestival")
    assert found.out.startswith("a005\t")
    assert found.err.count("skipped broken.txt") == 1  # (not again from the full open)
    target.write_text("Title 5\n\nnothing but zebras here\n", "utf-8")
    age_collection(library)
    assert IndexedCollection.open(library) is None
    assert [line.split("\t")[0] for line in run_cli(*common, "zebras").out.splitlines()] == ["a005"]
    for word in old_words:  # no longer in a005
        assert "a005" not in {h.split("\t")[0] for h in run_cli(*common, word).out.splitlines()}
    age_collection(library)
    indexed = IndexedCollection.open(library)  # the full open indexed the change
    assert indexed is not None
    try:
        hits = _hits(indexed.search_batches(r"\w+", regex=True, article_ids=["a005"]))
        assert [(start, end) for _, start, end, _ in hits] == [(0, 7), (8, 11), (12, 18), (19, 23)]
    finally:
        indexed.close()


def test_cli_list_and_search_through_the_index(
    library: Path, run_cli: RunCli, db_path: Path
) -> None:
    common = ("--library", str(library), "--db", str(db_path))
    assert IndexedCollection.open(library) is not None  # so the commands use it
    listed, plain = run_cli(*common, "list", "--json"), run_cli(*common, "list")
    os.utime(library)  # now the commands open the collection in full
    assert IndexedCollection.open(library) is None
    assert (listed.out, listed.err) == (run_cli(*common, "list", "--json").out, listed.err)
    assert (plain.out, plain.err) == (run_cli(*common, "list").out, plain.err)
    assert "skipped broken.txt" in listed.err
    counted = run_cli(*common, "search", "rail links", "--count")
    assert counted.code == 0
    lines = [line.split("\t") for line in counted.out.splitlines()]
    corpus = Corpus.open(library)
    expected = corpus.search("rail links").counts()
    assert {article: int(n) for article, n in lines} == expected
    assert counted.err.endswith(f"{sum(expected.values())} matches in {len(expected)} articles\n")
    assert run_cli(*common, "search", "zzz", "--count").code == 1
    nothing = run_cli(*common, "search", "zzz", "--json")  # (found by a tester: no summary)
    assert (nothing.code, nothing.out.split()) == (1, ["[]"])
    assert nothing.err.endswith("\n0 matches\n")
    limited = run_cli(*common, "search", "rail", "--json", "--limit", "2")
    assert "\n2 of " in limited.err and limited.err.endswith(" matches\n")
    with pytest.raises(SystemExit):
        run_cli(*common, "search", "x", "--count", "--limit", "2")


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_a_search_checks_the_files_before_it_gives_anything(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_files_in_search_workers(monkeypatch)
    expected = Corpus.open(library).search("rail").counts()
    deferred = IndexedCollection.open(library, defer_file_check=True)
    assert deferred is not None
    try:
        found = deferred.search_map("rail", _counts, workers=2, counts_only=True)
        assert {k: v for part in found for k, v in part.items()} == expected
    finally:
        deferred.close()
    target = sorted(library.glob("*.txt"))[-1]  # in the last range checked
    state = target.stat()
    target.write_bytes(target.read_bytes().replace(b" ", b"_", 1))  # same size, in place
    os.utime(target, ns=(state.st_atime_ns, state.st_mtime_ns + 1_000))
    os.utime(library, (AN_HOUR_AGO, AN_HOUR_AGO))
    for workers in (2, 1):  # checked by the search's workers, or here
        deferred = IndexedCollection.open(library, defer_file_check=True)
        assert deferred is not None  # the check is left to the search …
        try:
            searched = deferred.search_map("rail", _counts, workers=workers, counts_only=True)
            with pytest.raises(FilesChangedError):
                next(searched)  # … which gives nothing from a changed collection
            with pytest.raises(FilesChangedError):
                next(iter(deferred.listing()))
            with pytest.raises(FilesChangedError):
                next(iter(deferred.search_batches("rail")))
        finally:
            deferred.close()
    assert IndexedCollection.open(library) is None  # checked at once


def _counts(results: object) -> dict[str, int]:
    """The hits per article of a batch (a module function: sent to the search's workers)."""
    return results.counts()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("on_every_core", [False, True])
def test_every_file_is_checked_before_the_index_is_trusted(
    library: Path, monkeypatch: pytest.MonkeyPatch, on_every_core: bool
) -> None:
    if on_every_core:  # forked processes check a chunk each
        monkeypatch.setattr(indexed_collection, "POOL_MIN_FILES", 10)
        monkeypatch.setattr(indexed_collection, "STAT_CHUNK", 7)  # ranges of rowids
    opened = IndexedCollection.open(library)
    assert opened is not None
    opened.close()
    last = sorted(library.glob("*.txt"))[-1]  # in the last chunk
    state = last.stat()
    last.write_bytes(last.read_bytes().replace(b" ", b"_", 1))  # same size, in place
    os.utime(last, ns=(state.st_atime_ns, state.st_mtime_ns + 1_000))
    os.utime(library, (AN_HOUR_AGO, AN_HOUR_AGO))
    assert IndexedCollection.open(library) is None


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_a_file_indexed_by_another_process_during_the_check_is_not_missed(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Found by a reviewer.) A word added in place before the search; while the search's
    workers check the files, another process indexes the change. The files then match the
    index the workers read, but the parent asked the full-text index from before: the
    search must not trust it, and find nothing."""
    check_files_in_search_workers(monkeypatch)
    monkeypatch.setattr(indexed_collection, "STAT_CHUNK", 64)  # two ranges: one a worker
    with (library / "a118.txt").open("a", encoding="utf-8") as appended:
        appended.write("\nA wombatfestival.\n")
    os.utime(library, (AN_HOUR_AGO, AN_HOUR_AGO))  # the directory looks untouched
    real_states = CorpusIndex.file_states

    def late_states(self: CorpusIndex, low: int, high: int) -> list[tuple[bytes, int, int]]:
        time.sleep(1.0)  # (in the workers) read after the other process indexed the change
        return real_states(self, low, high)

    real_keys = IndexedCollection._candidate_keys

    def keys_then_another_process(self: IndexedCollection, *args: Any) -> Any:
        keys = list(real_keys(self, *args))  # the old full-text index: no such word
        Corpus.open(library)  # "another process" indexes the change
        return iter(keys)

    monkeypatch.setattr(CorpusIndex, "file_states", late_states)
    monkeypatch.setattr(IndexedCollection, "_candidate_keys", keys_then_another_process)
    deferred = IndexedCollection.open(library, defer_file_check=True)
    assert deferred is not None
    try:
        searched = deferred.search_map("wombatfestival", _counts, workers=2, counts_only=True)
        with pytest.raises(FilesChangedError):
            next(searched)
    finally:
        deferred.close()


def test_an_article_back_in_its_file_is_found_by_its_id(
    library: Path, run_cli: RunCli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Found by a tester.) A file emptied in place (so the index lost its article), then
    written again in place: `search --article` must not say there is no such article, the
    index knowing nothing of it until the files are checked."""
    check_files_in_search_workers(monkeypatch)
    target = library / "a005.txt"
    text = target.read_text("utf-8")
    target.write_text("", "utf-8")
    Corpus.open(library)  # (skips the empty file: the index has no a005)
    target.write_text(text + "A wombatfestival.\n", "utf-8")
    os.utime(library, (AN_HOUR_AGO, AN_HOUR_AGO))  # the directory looks untouched
    common = ("--library", str(library), "--db", str(db_path), "search")
    found = run_cli(*common, "wombatfestival", "--article", "a005", "--count")
    assert (found.code, found.out) == (0, "a005\t1\n"), found.err


def test_an_article_emptied_meanwhile_does_not_stop_every_search(library: Path) -> None:
    """(Found by a tester.) The TUI has the collection open; a file is emptied in place and
    another process indexes that. Searches go on, that article with nothing to find."""
    opened = Corpus.open(library)  # the TUI's
    target = library / "a005.txt"
    words = target.read_text("utf-8").split()
    target.write_text("", "utf-8")
    Corpus.open(library)  # another process (it skips the empty file)
    word = words[-1]
    expected = Corpus.open(library).search(word).counts()
    assert "a005" not in expected and expected
    assert opened.search(word).counts() == expected
    batches = opened.search_batches(word)
    assert {a: n for batch in batches for a, n in batch.counts().items()} == expected


def test_the_tui_s_search_finds_what_another_process_indexed_since(library: Path) -> None:
    """(Found by a tester.) The TUI's search keeps every body in memory: a word added to a
    file in place, and indexed by another process (a command's search), is found by the
    TUI's next search, not only once the TUI is restarted."""
    opened = Corpus.open(library)  # the TUI's
    assert opened.search("wombatfestival").counts() == {}  # (its bodies now in memory)
    with (library / "a005.txt").open("a", encoding="utf-8") as appended:
        appended.write("\nA wombatfestival.\n")
    Corpus.open(library)  # another process indexes the change
    assert opened.search("wombatfestival").counts() == {"a005": 1}
