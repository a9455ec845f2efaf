"""Several processes writing one database, and processes killed in the middle of writes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.store import AnnotationStore

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def writer(
    db: Path, count: int, compact_bytes: int, *, wait: bool = False
) -> subprocess.Popen[str]:
    """A child process adding `count` annotations (0: until killed), printing each id."""
    args = [
        sys.executable,
        "-m",
        "tests.helpers.store_writer",
        str(db),
        str(count),
        str(compact_bytes),
    ] + (["wait"] if wait else [])
    return subprocess.Popen(
        args, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


@pytest.mark.timeout(60)
def test_two_processes_adding_at_once_lose_nothing(db_path: Path) -> None:
    children = [writer(db_path, 100, 30_000, wait=True) for _ in range(2)]
    time.sleep(1.0)  # let both import and open the DB, then start them together
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=50)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert [len(ids) for ids in outputs] == [100, 100]
    stored = {a.id for a in AnnotationStore.open(db_path).all()}
    assert stored == set(outputs[0]) | set(outputs[1])
    assert len(stored) == 200


@pytest.mark.timeout(60)
def test_replacing_while_another_process_adds_loses_nothing(db_path: Path) -> None:
    """Adjudication's `replace_many` (delete + add in one write) racing plain adds."""
    adder = writer(db_path, 80, 30_000)
    replacer = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.replace_writer", str(db_path), "60"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    added = adder.communicate(timeout=50)[0].split()
    replaced = replacer.communicate(timeout=50)[0].split()
    assert (adder.returncode, replacer.returncode) == (0, 0)
    assert (len(added), len(replaced)) == (80, 60)
    store = AnnotationStore.open(db_path)
    stored = {a.id: a for a in store.all()}
    assert set(stored) == set(added) | {replaced[-1]}  # every add, the last replacement
    assert stored[replaced[-1]].coder == "consensus"


@pytest.mark.timeout(60)
def test_killed_writers_never_lose_a_reported_annotation(db_path: Path) -> None:
    rng = random.Random(20261124)
    reported: list[str] = []
    for _ in range(15):
        child = writer(db_path, 0, 20_000)
        time.sleep(rng.uniform(0.05, 0.4) + 0.3)  # ~0.3 s to start Python and open the DB
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        reported += output.split()
    store = AnnotationStore.open(db_path)
    stored = {a.id for a in store.all()}
    assert reported, "the writers never got to add anything"
    assert set(reported) <= stored
    assert len(stored) - len(reported) <= 15  # at most one unreported add per kill


@pytest.mark.timeout(60)
def test_two_processes_bulk_tagging_at_once_keep_every_tag(db_path: Path) -> None:
    from annotations.anchoring import new_annotation
    from tests.helpers.store_writer import fox_article

    article = fox_article()
    store = AnnotationStore.open(db_path)
    store.put_many(new_annotation(article, start, start + 5) for start in range(0, 40, 8))
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.bulk_tagger", str(db_path), prefix, "25"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    time.sleep(1.0)  # let both import and open the DB, then start them together
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=50)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    expected = {f"{prefix}{n}" for prefix in "ab" for n in range(25)}
    assert set(outputs[0]) | set(outputs[1]) == expected
    reopened = AnnotationStore.open(db_path)
    for annotation in reopened.all():
        assert set(annotation.tags) == expected  # no bulk edit wrote over another
    described = {i.name for i in reopened.tags() if i.description}
    assert described == {f"{prefix}/{n}" for prefix in "ab" for n in range(25)}
