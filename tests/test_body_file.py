"""The article bodies beside the index (`annotations.body_file`): read back as written, never
a wrong body when the file is lost, cut short or cannot be written, and whole when two
processes index the same collection at once."""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import subprocess
import sys
import threading
from itertools import pairwise
from pathlib import Path

import pytest

from annotations import corpus_index, indexing
from annotations.body_file import BodyFile, MemoryBodies
from annotations.corpus import Corpus, index_cache_path
from annotations.errors import IndexChangingError
from annotations.search import fold_case
from tests.conftest import REPO_ROOT, RunCli

WORDS = ("Vietnam", "rail", "İstanbul", "Straße", "trade", "talks", "Hà", "Nội", "南海", "K")


def generated_library(root: Path, articles: int, seed: int = 3) -> Path:
    """`articles` small articles of random words (enough for the full-text index)."""
    rng = random.Random(seed)
    root.mkdir()
    for number in range(articles):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 80)))
        (root / f"a{number:04d}.txt").write_text(f"Title {number}\n\n{body}\n", "utf-8")
    return root


def body_files(library: Path) -> list[Path]:
    """The body files beside the index of `library`."""
    cache = index_cache_path(library)
    return sorted(cache.parent.glob(cache.name + ".*.bodies"))


def expected_counts(library: Path, query: str) -> dict[str, int]:
    """Hits of the literal `query` per article, from the files alone (no index)."""
    corpus = Corpus.open(library, use_cache=False)
    found = {m.id: fold_case(corpus.article(m.id).body).count(fold_case(query)) for m in corpus}
    return {article: count for article, count in found.items() if count}


@pytest.mark.parametrize("kind", ["file", "memory"])
def test_bodies_are_read_back_as_written(kind: str, tmp_path: Path) -> None:
    bodies = BodyFile(tmp_path / "b.bodies", create=True) if kind == "file" else MemoryBodies()
    texts = [b"first", b"", "南海 İstanbul".encode(), b"last one"]
    spans = bodies.append(texts[:2]) + bodies.append(texts[2:])
    assert [bodies.read(*span) for span in spans] == texts
    assert bodies.read_many(list(reversed(spans))) == list(reversed(texts))
    end = spans[-1][0] + spans[-1][1]
    assert bodies.read(end, 1) is None and bodies.read(-1, 2) is None
    assert bodies.read_many([(end - 2, 5), spans[0]]) == [None, b"first"]
    assert bodies.read_many(spans) == texts  # one after another: read in one go
    assert bodies.read_many([*spans, (end, 3), (-1, 1)]) == [*texts, None, None]
    assert bodies.read_many([spans[2], spans[0], spans[1]]) == [texts[2], *texts[:2]]


def test_a_missing_body_file_is_refused_unless_created(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        BodyFile(tmp_path / "nothing.bodies")


def test_the_index_keeps_bodies_in_its_body_file(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    [body_file] = body_files(library_copy)
    for meta in corpus:
        assert corpus.body(meta.id) == corpus.article(meta.id).body
    text = body_file.read_bytes().decode("utf-8")
    assert all(corpus.article(meta.id).body in text for meta in corpus)
    with sqlite3.connect(index_cache_path(library_copy)) as db:  # no text in the database
        columns = [row[1] for row in db.execute("PRAGMA table_info(bodies)")]
    assert columns == ["rowid", "at", "length", "size", "mtime_ns"]


def test_a_first_index_keeps_the_bodies_in_the_order_of_ids(tmp_path: Path) -> None:
    library = generated_library(tmp_path / "lib", 120)
    Corpus.open(library)
    index = corpus_index.CorpusIndex(index_cache_path(library))
    rows = index.rows_of(list(index.matching([])))
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert all(a[3] + a[4] == b[3] for a, b in pairwise(rows))
    index.close()


def test_a_lost_body_file_rebuilds_the_index(library_copy: Path) -> None:
    Corpus.open(library_copy)
    [lost] = body_files(library_copy)
    lost.unlink()
    corpus = Corpus.open(library_copy)
    [rebuilt] = body_files(library_copy)
    assert rebuilt != lost and corpus._index.path is not None
    assert all(corpus.body(m.id) == corpus.article(m.id).body for m in corpus)


def test_an_outdated_index_and_its_body_files_are_replaced(library_copy: Path) -> None:
    Corpus.open(library_copy)
    [old] = body_files(library_copy)
    with sqlite3.connect(index_cache_path(library_copy)) as db:
        db.execute("UPDATE meta SET value = '3' WHERE key = 'version'")
    corpus = Corpus.open(library_copy)
    [new] = body_files(library_copy)
    assert new != old and not old.exists()
    assert all(corpus.body(m.id) == corpus.article(m.id).body for m in corpus)


def test_bodies_cut_short_are_read_from_the_articles_files(tmp_path: Path, run_cli: RunCli) -> None:
    library = generated_library(tmp_path / "lib", 80)
    corpus = Corpus.open(library)
    assert run_cli("--library", str(library), "search", "vietnam", "--count").code == 0
    [body_file] = body_files(library)
    with open(body_file, "r+b") as handle:  # e.g. a crash of the disk, not of newsmark
        handle.truncate(os.path.getsize(body_file) // 2)
    assert all(corpus.body(m.id) == corpus.article(m.id).body for m in corpus)
    result = run_cli("--library", str(library), "search", "vietnam", "--count")
    counts = dict(line.split("\t") for line in result.out.splitlines())
    assert {article: int(n) for article, n in counts.items()} == expected_counts(library, "vietnam")


def test_a_body_file_that_cannot_be_written_leaves_no_row_pointing_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = generated_library(tmp_path / "lib", 10)
    Corpus.open(library)
    added = library / "added.txt"
    added.write_text("Added\n\nA new article about Vietnam.\n", "utf-8")
    real_append = BodyFile.append

    def full_disk(self: BodyFile, bodies: list[bytes]) -> list[tuple[int, int]]:
        real_append(self, [body[: len(body) // 2] for body in bodies])  # half written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(BodyFile, "append", full_disk)
    corpus = Corpus.open(library)
    assert corpus.body("added") == "A new article about Vietnam."  # read from the file
    index = corpus_index.CorpusIndex(index_cache_path(library))
    assert index.articles_of("added.txt") == []  # nothing recorded, nothing pointed at
    index.close()
    monkeypatch.setattr(BodyFile, "append", real_append)
    reopened = Corpus.open(library)
    assert reopened.body("added") == "A new article about Vietnam."
    assert reopened._index.articles_of("added.txt")


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_indexing_at_once_find_every_hit_and_keep_every_body_whole(
    round_: int, tmp_path: Path
) -> None:
    """Both index the collection and build the full-text index at the same time (each
    replaces the other's entries): both must print every hit (before, one printed none
    about half the time), and the index must hold every body whole."""
    library = generated_library(tmp_path / "lib", 400, seed=11 + round_)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "tui.cli", "--library", str(library)]
    racers = [
        subprocess.Popen(
            [*command, "search", "talks", "--count"],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(2)
    ]
    printed = [racer.communicate(timeout=120)[0] for racer in racers]
    expected = expected_counts(library, "talks")
    for output in printed:
        counts = dict(line.split("\t") for line in output.splitlines())
        assert {article: int(n) for article, n in counts.items()} == expected
    index = corpus_index.CorpusIndex(index_cache_path(library))
    fresh = Corpus.open(library, use_cache=False)
    rows = index.rows_of(list(index.matching([])))
    bodies = index.read_bodies([(row[3], row[4]) for row in rows])
    indexed = {row[0]: body.decode("utf-8") for row, body in zip(rows, bodies, strict=True) if body}
    assert indexed == {meta.id: fresh.article(meta.id).body for meta in fresh}
    index.close()


def test_a_body_file_never_closed_lets_go_of_its_descriptor(tmp_path: Path) -> None:
    path = tmp_path / "b.bodies"
    BodyFile(path, create=True).close()
    open_before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        BodyFile(path).read(0, 0)  # dropped without close, as a replaced index may be
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= open_before


def test_a_file_another_process_indexed_in_the_same_state_is_not_written_again(
    tmp_path: Path,
) -> None:
    library = generated_library(tmp_path / "lib", 40)
    Corpus.open(library)  # "the other process": everything indexed
    [body_file] = body_files(library)
    size = os.path.getsize(body_file)
    index = corpus_index.CorpusIndex(index_cache_path(library))
    rowids = {rowid for rowid, _id in index.matching([])}
    entries = [
        indexing.index_file(
            indexing.FileJob(str(p), p.name, p.stat().st_size, p.stat().st_mtime_ns)
        )
        for p in sorted(library.glob("*.txt"))
    ]  # what a second process parsed meanwhile, in the same states
    assert index.update(entries, ())
    assert os.path.getsize(body_file) == size  # no body written twice
    assert {rowid for rowid, _id in index.matching([])} == rowids  # nothing replaced
    index.close()


def test_rows_of_keys_follow_articles_indexed_again_by_another_process(tmp_path: Path) -> None:
    """A search's workers look up the rows of the keys their parent read: an article that
    another process indexed again meanwhile is found with its new body, one whose file was
    deleted is left out."""
    library = generated_library(tmp_path / "lib", 30)
    Corpus.open(library)
    index = corpus_index.CorpusIndex(index_cache_path(library))
    keys = list(index.matching([]))
    before = {row[0]: row[1] for row in index.rows_of(keys)}
    changed, deleted = sorted(library.glob("*.txt"))[3:5]
    changed.write_text("Title 3\n\nwritten again\n", "utf-8")
    deleted.unlink()
    Corpus.open(library)  # "the other process"
    rows = index.rows_of(keys)
    assert [row[0] for row in rows] == [a for _, a in keys if a != deleted.stem]
    [again] = [row for row in rows if row[0] == changed.stem]
    assert again[1] != before[changed.stem]  # indexed again: a row of its own
    assert index.read_bodies([(again[3], again[4])]) == [b"written again"]
    index.close()


def test_rows_of_waits_while_another_process_gives_re_indexed_articles_their_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Found by a reviewer.) Another process re-indexing an article commits its new rows
    before their ids: a search's worker looking up the article by id meanwhile waits for
    them, where it dropped the article; too long a wait is an error, not a silent miss."""
    library = generated_library(tmp_path / "lib", 30)
    Corpus.open(library)
    index = corpus_index.CorpusIndex(index_cache_path(library))
    keys = list(index.matching([]))
    changed = sorted(library.glob("*.txt"))[3]
    changed.write_text("Title 3\n\nwritten again\n", "utf-8")
    state = changed.stat()
    other = corpus_index.CorpusIndex(index_cache_path(library))  # half-way through an open
    job = indexing.FileJob(str(changed), changed.name, state.st_size, state.st_mtime_ns)
    assert other.update([indexing.index_file(job)], ())
    assert not index.complete()  # its new rows have no ids yet
    monkeypatch.setattr(corpus_index, "IDS_WAIT_S", 0.2)
    with pytest.raises(IndexChangingError):
        index.rows_of(keys)
    monkeypatch.setattr(corpus_index, "IDS_WAIT_S", 30.0)
    finishing = threading.Timer(0.3, Corpus.open, (library,))
    finishing.start()  # the other process gives the ids
    rows = index.rows_of(keys)
    finishing.join()
    assert [row[0] for row in rows] == [article for _, article in keys]
    [again] = [row for row in rows if row[0] == changed.stem]
    assert index.read_bodies([(again[3], again[4])]) == [b"written again"]
    other.close()
    index.close()
