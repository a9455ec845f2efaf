"""The command line's search path over a large collection: units of candidate articles
searched by worker processes (`IndexedCollection.search_map`), counted body by body for
`--count`, hits printed from one loop; every path must say what the plain search says."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import indexed_collection as indexed_module
from annotations.corpus import Corpus
from annotations.indexed_collection import IndexedCollection
from annotations.search import (
    SearchIndex,
    count_literal,
    count_literal_in_block,
    countable_in_utf8,
)
from annotations.search_context import hit_dicts
from annotations.search_pool import WorkerDiedError, WorkerPool, can_fork, ordered_map
from tests.conftest import REPO_ROOT, RunCli
from tests.helpers.collections import age_collection
from tests.test_indexed_collection import library as library

QUERIES = [
    ("Vietnam", False, False),
    ("rail links", False, False),
    ("ISTANBUL", False, False),  # "İstanbul": folds to itself, not to "istanbul"
    ("Xi", False, True),
    ("hà", False, False),
    ("zzz", False, False),
    ("Vietnam OR rail links", False, False),
    ('"shared future" AND Xi', False, False),
    (r"\bXi Jinping\b", True, False),
    (r"\d{4}", True, False),
]


def spy_on_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of workers of each pool `search_map` starts, from now on."""
    started: list[int] = []

    class SpiedPool(WorkerPool):
        def __init__(self, workers: int, **options: Any) -> None:
            started.append(workers)
            super().__init__(workers, **options)

    monkeypatch.setattr(indexed_module, "WorkerPool", SpiedPool)
    return started


def hits_of(results: Any) -> list[tuple[str, int, int, str]]:
    """(article, start, end, context) of each hit, as the command line prints them (a
    module function, so that worker processes can be handed it)."""
    return [tuple(hit.values()) for hit in hit_dicts(results)]  # type: ignore[misc]


def counts_of(results: object) -> tuple[dict[str, int], int]:
    return results.counts(), results.total  # type: ignore[attr-defined]


def test_contexts_in_one_loop_say_what_the_hits_say(library: Path) -> None:
    corpus = Corpus.open(library)
    for query, regex, case_sensitive in QUERIES:
        for limit in (None, 7):
            found = corpus.search(query, regex=regex, case_sensitive=case_sensitive, limit=limit)
            expected = [(h.article, h.start, h.end, h.context) for h in found]
            assert hits_of(found) == expected, (query, limit)


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_worker_processes_find_what_one_process_finds(
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(indexed_module, "POOL_MIN_ARTICLES", 20)
    monkeypatch.setattr(indexed_module, "UNIT_ARTICLES", 7)
    pools = spy_on_pools(monkeypatch)
    corpus = Corpus.open(library)
    indexed = IndexedCollection.open(library)
    assert indexed is not None
    try:
        for query, regex, case_sensitive in QUERIES:
            options = {"regex": regex, "case_sensitive": case_sensitive}
            expected = [
                (h.article, h.start, h.end, h.context)
                for b in corpus.search_batches(query, **options)
                for h in b
            ]
            started = len(pools)
            pooled = indexed.search_map(query, hits_of, workers=2, **options)
            parts = list(pooled)
            assert [hit for part in parts for hit in part] == expected, query
            assert len(parts) > 1 or len(expected) < 20
            serial = indexed.search_map(query, hits_of, workers=1, **options)
            assert [hit for part in serial for hit in part] == expected, query
            counts: dict[str, int] = {}
            for article, *_ in expected:
                counts[article] = counts.get(article, 0) + 1
            for workers in (1, 2):
                counted = list(
                    indexed.search_map(
                        query, counts_of, workers=workers, counts_only=True, **options
                    )
                )
                assert {k: v for part, _ in counted for k, v in part.items()} == counts, query
                assert sum(total for _, total in counted) == len(expected)
            if len({hit[0] for hit in expected}) >= 20:  # so at least 20 candidates
                assert pools[started:] == [2, 2], query  # hits, then counts
    finally:
        indexed.close()


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_a_file_rewritten_in_place_is_counted_as_it_is_now_once_indexed(
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(indexed_module, "POOL_MIN_ARTICLES", 20)
    target = library / "a005.txt"
    target.write_text("Title 5\n\nVietnam, VIETNAM and the Kelvin sign: \u212a\u212a\n", "utf-8")
    age_collection(library)
    assert IndexedCollection.open(library) is None  # changed in place: not trusted …
    Corpus.open(library)  # … until a full open has indexed it
    age_collection(library)
    indexed = IndexedCollection.open(library)
    assert indexed is not None
    try:
        for query, expected in (("vietnam", 2), ("kk", 1), ("Vietnam OR kk", 3)):
            for workers in (1, 2):
                found = indexed.search_map(query, counts_of, workers=workers, counts_only=True)
                per_article = {k: v for part, _ in found for k, v in part.items()}
                assert per_article.get("a005") == expected, (query, workers)
    finally:
        indexed.close()


def test_the_cli_prints_the_same_on_every_path(
    library: Path,
    run_cli: RunCli,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    common = ("--library", str(library), "--db", str(db_path), "search")
    assert "building the full-text index" in run_cli(*common, "zzz").err  # once
    printed = {}
    pools = spy_on_pools(monkeypatch)
    for pool_min in (10**9, 20):
        monkeypatch.setattr(indexed_module, "POOL_MIN_ARTICLES", pool_min)
        monkeypatch.setattr(indexed_module, "UNIT_ARTICLES", 9)
        for args in (
            ["Vietnam"],
            ["Vietnam", "--json"],
            ["Vietnam", "--count"],
            ["xi", "--count", "--json"],
        ):
            result = run_cli(*common, *args)
            printed.setdefault(tuple(args), set()).add((result.code, result.out, result.err))
    assert all(len(outputs) == 1 for outputs in printed.values()), printed
    assert len(pools) == 4 or not can_fork()
    assert next(iter(printed[("Vietnam", "--count")]))[2].endswith("articles\n")


TEXT = st.text(alphabet="abkK\u212a\u0130iİ I\u03a3\u03c3\u00e9\u00c9x", max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    bodies=st.lists(TEXT, max_size=4),
    query=st.text(alphabet="akKi\u212a\u0130\u03c3\u00e9 ", min_size=1, max_size=3),
    case_sensitive=st.booleans(),
)
def test_counting_body_by_body_counts_as_the_search(
    bodies: list[str], query: str, case_sensitive: bool
) -> None:
    named = [(f"a{number}", body) for number, body in enumerate(bodies)]
    index = SearchIndex(named)
    index.fill_missing(str)
    expected = index.search(query, case_sensitive=case_sensitive).counts()
    assert count_literal(named, query, case_sensitive=case_sensitive).counts() == expected
    if countable_in_utf8(query, case_sensitive=case_sensitive):
        encoded = [(article, body.encode("utf-8")) for article, body in named]
        found = count_literal(encoded, query, case_sensitive=case_sensitive)
        assert found.counts() == expected
        assert found.total == sum(expected.values())


@settings(max_examples=300, deadline=None)
@given(
    bodies=st.lists(TEXT, max_size=4),
    gaps=st.lists(TEXT, min_size=5, max_size=5),
    query=st.text(alphabet="akKi\u212a\u0130\u03c3\u00e9 ", min_size=1, max_size=3),
    case_sensitive=st.booleans(),
)
def test_counting_in_a_block_counts_as_body_by_body(
    bodies: list[str], gaps: list[str], query: str, case_sensitive: bool
) -> None:
    """Bodies that lie in one block (with other bytes between them, as in a body file
    holding bodies of articles indexed again) are counted as each on its own."""
    block, spans = gaps[0].encode("utf-8"), []
    for body, gap in zip(bodies, gaps[1:], strict=False):
        encoded = body.encode("utf-8")
        spans.append((len(block), len(encoded)))
        block += encoded + gap.encode("utf-8")
    found = count_literal_in_block(block, spans, query, case_sensitive=case_sensitive)
    named = [(f"a{number}", body) for number, body in enumerate(bodies)]
    expected = count_literal(named, query, case_sensitive=case_sensitive).counts()
    if found is None:  # left to the count body by body: only for these
        assert not countable_in_utf8(query, case_sensitive=case_sensitive) or (
            "k" in query.lower() and "\u212a" in "".join(gaps) + "".join(bodies)
        )
    else:
        assert {f"a{n}": count for n, count in enumerate(found) if count} == expected


def _die_at_three(unit: int) -> int:
    if unit == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return unit * 10


def _nothing() -> None:
    return None


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
@pytest.mark.timeout(60)
def test_a_worker_that_dies_stops_the_map_with_an_error_not_a_hang() -> None:
    """(Found by a reviewer: the unit a killed worker had was waited for forever.)"""
    results = ordered_map(_die_at_three, range(8), 2, initializer=_nothing, initargs=())
    got = []
    with pytest.raises(WorkerDiedError, match="worker process stopped"):
        for result in results:
            got.append(result)
    assert got == [0, 10, 20][: len(got)]  # what came before, in order
    assert can_fork()  # nothing of the pool left running


def _sleep_long(unit: int) -> int:
    time.sleep(60)  # (a regular expression that backtracks for ever, say)
    return unit


def _worker_pids(pool: WorkerPool, count: int) -> list[int]:
    """The pids of the pool's worker processes, once it has `count`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = [p for p in multiprocessing.active_children() if p.is_alive()]
        if len(children) >= count:
            return [p.pid for p in children if p.pid is not None]
        time.sleep(0.02)
    raise AssertionError("the workers did not start")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
@pytest.mark.timeout(60)
def test_a_pool_closed_early_stops_its_workers_at_once() -> None:
    """(Found by a tester: ctrl-C on a long regular-expression search came back after
    13 s, or never; `head` closing the output left the search working.)"""
    pool = WorkerPool(2, initializer=_nothing, initargs=())
    pool.submit(_sleep_long, 1)
    pool.submit(_sleep_long, 2)
    pids = _worker_pids(pool, 2)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 5
    assert all(map(_gone, pids))
    assert can_fork()  # the executor's thread ended too
    with WorkerPool(2, initializer=_nothing, initargs=()) as finished:  # done: not killed
        assert list(finished.ordered(_ten_times, range(4))) == [0, 10, 20, 30]


def _ten_times(unit: int) -> int:
    return unit * 10


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
@pytest.mark.timeout(60)
def test_workers_end_with_their_parent_process(tmp_path: Path) -> None:
    """A search killed (`kill -9`, or SIGTERM, which runs no clean-up) leaves no worker
    running on (found by a tester: two workers at 99 % CPU, their parent gone)."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from annotations.search_pool import WorkerPool\n"
        "from tests.test_search_pool import _nothing, _sleep_long, _worker_pids\n"
        "pool = WorkerPool(2, initializer=_nothing, initargs=())\n"
        "pool.submit(_sleep_long, 1)\n"
        "pool.submit(_sleep_long, 2)\n"
        "print(*_worker_pids(pool, 2), flush=True)\n"
        "time.sleep(60)\n",
        "utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while not all(map(_gone, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(_gone, pids))


def test_a_body_not_utf8_in_the_body_file_is_read_from_its_article_file(library: Path) -> None:
    """(Found by a reviewer.) The workers search a literal in the body file's bytes: a
    body there that is not UTF-8 (not what was written) is read from its own file, as the
    search of decoded bodies does, not a traceback or a miss."""
    from annotations.paths import index_cache_path

    cache = index_cache_path(library)
    body_files = [p for p in cache.parent.iterdir() if p.name.startswith(cache.name + ".")]
    [body_file] = [p for p in body_files if b"Stra\xc3\x9fe" in p.read_bytes()]
    data = bytearray(body_file.read_bytes())
    data[data.index(b"Stra\xc3\x9fe") + 4] = 0xFF  # the first "ß" no longer UTF-8
    body_file.write_bytes(bytes(data))
    indexed = IndexedCollection.open(library)
    assert indexed is not None
    try:
        for query in ("stra", "vietnam"):
            expected = [
                (h.article, h.start, h.end, h.context)
                for b in Corpus.open(library, use_cache=False).search_batches(query)
                for h in b
            ]
            found = indexed.search_map(query, hits_of, workers=1)
            assert [hit for part in found for hit in part] == expected != []
    finally:
        indexed.close()
