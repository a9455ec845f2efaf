"""The index shared by processes: what one of them reads (rowids, body spans) is never taken
for what another one wrote since (found by review; each test failed before its fix)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import indexed_collection, indexing
from annotations.body_file import BodyFile
from annotations.corpus import Corpus, _unique_metas, index_cache_path
from annotations.corpus_index import CorpusIndex
from annotations.indexed_collection import IndexedCollection
from tests.conftest import REPO_ROOT, RunCli
from tests.test_body_file import body_files, expected_counts, generated_library


def index_in_another_process(library: Path) -> None:
    """Open the collection in another Python process (it indexes what changed)."""
    code = f"from annotations.corpus import Corpus; Corpus.open({str(library)!r})"
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


def hits_per_article(batches: object) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in batches:  # type: ignore[attr-defined]
        for hit in batch:
            found[hit.article] = found.get(hit.article, 0) + 1
    return found


def test_a_body_file_cut_short_is_never_appended_over(tmp_path: Path, run_cli: RunCli) -> None:
    library = generated_library(tmp_path / "lib", 200)
    Corpus.open(library)
    [body_file] = body_files(library)
    with open(body_file, "r+b") as handle:
        handle.truncate(os.path.getsize(body_file) // 2)
    (library / "zzz_new.txt").write_text("New\n\n" + "talks " * 2000 + "\n", "utf-8")
    corpus = Corpus.open(library)  # the index is rebuilt, not appended to over lost bodies
    assert all(corpus.body(m.id) == corpus.article(m.id).body for m in corpus)
    result = run_cli("--library", str(library), "search", "talks", "--count")
    counts = {a: int(n) for a, n in (line.split("\t") for line in result.out.splitlines())}
    assert counts == expected_counts(library, "talks")


def test_an_index_that_lost_bodies_while_open_is_not_written_over_them(tmp_path: Path) -> None:
    library = generated_library(tmp_path / "lib", 30)
    Corpus.open(library)
    index = CorpusIndex(index_cache_path(library))  # opened while the body file is whole
    [body_file] = body_files(library)
    with open(body_file, "r+b") as handle:
        handle.truncate(half := os.path.getsize(body_file) // 2)
    added = library / "added.txt"
    added.write_text("Added\n\nSomething new.\n", "utf-8")
    state = added.stat()
    entry = indexing.index_file(
        indexing.FileJob(str(added), "added.txt", state.st_size, state.st_mtime_ns)
    )
    assert index.update([entry], ()) is False  # refused: it would write over lost bodies
    assert os.path.getsize(body_file) == half  # nothing appended
    index.close()
    corpus = Corpus.open(library)
    assert all(corpus.body(m.id) == corpus.article(m.id).body for m in corpus)


def test_search_workers_read_the_body_file_their_parent_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexed_collection, "POOL_MIN_ARTICLES", 40)
    monkeypatch.setattr(indexed_collection, "UNIT_ARTICLES", 20)
    monkeypatch.setattr(indexed_collection, "RACY_NS", 0)
    library = generated_library(tmp_path / "lib", 300)
    (library / "a0000a.txt").write_text("Early\n\n" + "rail " * 500 + "\n", "utf-8")
    Corpus.open(library)
    opened = IndexedCollection.open(library)  # e.g. a long search: this index open
    assert opened is not None
    cache = index_cache_path(library)  # another process finds the index corrupt, rebuilds
    cache.write_bytes(b"garbage" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    (library / "a0000a.txt").unlink()
    index_in_another_process(library)
    expected = expected_counts(library, "talks")
    for workers in (1, 3):
        found: dict[str, int] = {}
        for batch in opened.search_map("talks", _articles, workers=workers):
            for article in batch:
                found[article] = found.get(article, 0) + 1
        assert found == expected, workers
    opened.close()


def _articles(results: object) -> list[str]:
    """The article of each hit (a module function: sent to the search's workers)."""
    counts = results.counts()  # type: ignore[attr-defined]
    return [article for article, count in counts.items() for _ in range(count)]


def test_a_write_rolled_back_does_not_hide_another_process_s_replacements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = generated_library(tmp_path / "lib", 200)
    tui = Corpus.open(library)
    list(tui.search_batches("talks"))  # the full-text index built
    one, two = library / "a0001.txt", library / "a0002.txt"
    saved, state = one.read_bytes(), one.stat()
    one.write_text("Title 1\n\nchanged once\n", "utf-8")

    def full_disk(self: BodyFile, bodies: list[bytes]) -> list[tuple[int, int]]:
        raise OSError(28, "No space left on device")

    real_append = BodyFile.append
    monkeypatch.setattr(BodyFile, "append", full_disk)
    tui.reload("a0001")  # its write rolled back
    monkeypatch.setattr(BodyFile, "append", real_append)
    one.write_bytes(saved)
    os.utime(one, ns=(state.st_atime_ns, state.st_mtime_ns))
    two.write_text("Title 2\n\nquokka sighting\n", "utf-8")
    index_in_another_process(library)  # a0002 gets a new rowid
    assert hits_per_article(tui.search_batches("quokka")) == expected_counts(library, "quokka")


def test_an_early_listing_is_searched_as_the_index_is_now(tmp_path: Path) -> None:
    library = generated_library(tmp_path / "lib", 200)
    list(Corpus.open(library).search_batches("talks"))  # the full-text index built
    (library / "a0002.txt").write_text("Title 2\n\nquokka sighting\n", "utf-8")
    index = CorpusIndex(index_cache_path(library))  # the TUI lists what the index holds…
    listed = _unique_metas(library, index.article_tuples())
    index_in_another_process(library)  # …while another process indexes the changed file
    early = Corpus._indexed_so_far(library, index_cache_path(library), (listed, index))
    assert early is not None
    assert hits_per_article(early.search_batches("quokka")) == expected_counts(library, "quokka")
    index.close()


def test_read_many_never_reads_outside_the_file(tmp_path: Path) -> None:
    bodies = BodyFile(tmp_path / "b.bodies", create=True)
    spans = bodies.append([b"hello", b"world"])
    assert bodies.read_many([(-1, 1), (0, 5)]) == [None, b"hello"]
    assert bodies.read_many([(-1, 0), (-1, 6), *spans]) == [None, None, b"hello", b"world"]
    assert bodies.read(0, 1 << 40) is None  # a corrupt length: not allocated, not read
    bodies.close()
    with pytest.raises(OSError):
        bodies.read_many(spans)  # closed: never another file's bytes


def test_replaced_rowids_are_looked_up_once_per_change_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = generated_library(tmp_path / "lib", 200)
    tui = Corpus.open(library)
    list(tui.search_batches("talks"))
    looked_up: list[int] = []
    real_gone = CorpusIndex.gone_rowids

    def gone_rowids(index: CorpusIndex, rowids: list[int]) -> set[int]:
        looked_up.append(len(rowids))
        return real_gone(index, rowids)

    monkeypatch.setattr(CorpusIndex, "gone_rowids", gone_rowids)
    for number, word in ((2, "quokka"), (3, "wombat")):
        (library / f"a{number:04d}.txt").write_text(f"Title\n\n{word} sighting\n", "utf-8")
        index_in_another_process(library)
        for _ in range(3):  # a TUI searches as the user types
            assert hits_per_article(tui.search_batches(word)) == expected_counts(library, word)
    assert looked_up == [200, 200]
