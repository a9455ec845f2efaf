"""Reading the annotations as they are now without opening the store (store/current.py),
and the export made from that reading (export.collect.export_current): the same as the
store opened whole gives, byte for byte, or None when the store must be opened."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotations.anchoring import new_annotation
from annotations.corpus import Corpus
from annotations.export import ExportFormat
from annotations.export import collect as collect_module
from annotations.export.collect import ExportChoice, export_annotations, export_current
from annotations.model import Anchor, Annotation
from annotations.store import AnnotationStore
from annotations.store import scan as scan_module
from annotations.store.compact import decode, documents_json
from annotations.store.current import CurrentAnnotations, read_current
from annotations.store.head import read_head
from annotations.store.journal import journal_path
from annotations.store.schema import ANNOTATIONS_TABLE
from tests.conftest import REPO_ROOT, RunCli
from tests.helpers.store_writer import fox_article

FORMATS = (ExportFormat.W3C, ExportFormat.JSON, ExportFormat.CSV, ExportFormat.MARKDOWN)
NOTES = (None, 'a "quoted" note},"x":{"y', "back\\slash }}", "中文 note")


def stored_in_order(db: Path) -> list[Annotation]:
    """The store's annotations in its table's order (as opened whole)."""
    store = AnnotationStore.open(db)
    with store._reading() as data:
        raws = documents_json(data.get(ANNOTATIONS_TABLE, {}))
    return [Annotation.from_dict(decode(raw)) for raw in raws]


def build_database(corpus: Corpus, db: Path) -> AnnotationStore:
    """A snapshot of annotations on every article, then a journal of every kind of change:
    edits, a tag rename (patches), deletions, a delete and re-add, new annotations, tag
    colours, a description and memos; and an orphan whose article is not in the corpus."""
    made: list[Annotation] = []
    for number, meta in enumerate(corpus):
        article = corpus.article(meta.id)
        for span_number, span in enumerate(article.sentences[:6]):
            annotation = new_annotation(
                article,
                span.start,
                span.end,
                tags=[("Security", "security/maritime", "Economy", "Tourism")[span_number % 4]]
                + (["Key fact"] if number % 2 else []),
                note=NOTES[span_number % len(NOTES)],
            )
            made.append(replace(annotation, coder=("ana", "ben")[span_number % 2]))
    store = AnnotationStore.open(db, compact_bytes=1 << 30)
    store.put_many(made, description="seed")  # the snapshot
    store.set_memo("article", made[0].article, "memo on the first article")
    store.describe_tag("Security", "state and military security")
    store.edit(made[1].id, note="edited in the journal")
    store.edit(made[2].id, add_tags=["Added"])
    store.rename_tag("Economy", "trade/Economy")  # patches of many annotations
    store.delete(made[3].id)
    store.delete(made[4].id)
    store.add(made[4])  # deleted, then back: at the end of the table
    store.set_tag_colour("Tourism", "#123456")
    article = corpus.article(made[0].article)
    store.add(new_annotation(article, 0, 12, tags=["Late"], note="added after the snapshot"))
    orphan = replace(made[5], id="orphan-1", article="999_missing", anchor=Anchor.ORPHANED)
    store.add(orphan)
    store.set_memo("tag", "Security", "memo on a tag")
    return store


def add_first_paragraph(corpus: Corpus, library: Path, article_id: str) -> None:
    """Change an article's file: a new paragraph before its first one's end."""
    target = corpus.meta(article_id).path
    path = target if target.is_absolute() else library / target
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", "\n\nA new first paragraph.\n\n", 1), encoding="utf-8")


@pytest.fixture
def corpus(library_copy: Path) -> Corpus:
    return Corpus.open(library_copy)


@pytest.fixture
def database(corpus: Corpus, db_path: Path) -> Path:
    build_database(corpus, db_path)
    assert journal_path(db_path).stat().st_size > 0
    return db_path


def _whole(current: CurrentAnnotations) -> list[Annotation]:
    """Every annotation read, whole, in table order."""
    return [current.annotation(stored) for stored in current.annotations]


STORED_FIELDS = ("id", "article", "start", "end", "body_hash", "anchor", "tags", "coder")


def test_read_current_is_the_store_opened_whole(database: Path) -> None:
    current = read_current(database)
    assert current is not None
    whole = _whole(current)
    assert whole == stored_in_order(database)
    assert whole[-1].id == "orphan-1"
    for stored, annotation in zip(current.annotations, whole, strict=True):
        for name in STORED_FIELDS:  # what an export selects, sorts and checks by
            assert getattr(stored, name) == getattr(annotation, name)
    assert current.take_whole() == whole and current.annotations == []  # let go as made
    store = AnnotationStore.open(database)
    assert current.tables["memos"] == store._storage.read()["memos"]
    assert current.tables["tag_colours"] == store._storage.read()["tag_colours"]


@pytest.mark.parametrize("parallel", [False, True], ids=["here", "workers"])
def test_read_in_small_ranges_is_the_same(
    database: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """Ranges cut every 50 bytes, by worker processes or not; cuts fall after notes ending
    in `},` (a `},"` in the file): the range is made longer, never split there."""
    store = AnnotationStore.open(database)
    store.edit(store.all()[7].id, note="ends like a member},")
    store.compact()  # the journal's changes into the snapshot too
    assert database.read_bytes().count(b'member},"') == 1
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 50)
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0 if parallel else 1 << 40)
    scans = []
    ordered_map = scan_module.ordered_map
    monkeypatch.setattr(
        scan_module, "ordered_map", lambda *a, **k: scans.append(a[2]) or ordered_map(*a, **k)
    )
    current = read_current(database)
    assert current is not None
    assert _whole(current) == stored_in_order(database)
    assert bool(scans) == (parallel and scan_module.can_fork())


def test_an_older_snapshot_without_the_tables_length_is_read_whole(database: Path) -> None:
    raw = database.read_bytes()
    head = read_head(io.BytesIO(raw))
    assert head is not None and head.tables_end is not None
    older = raw.replace(b',"tables_len":%d' % (head.tables_end - head.annotations_end), b"", 1)
    database.write_bytes(older)  # the journal's lines still belong to it
    current = read_current(database)
    assert current is not None
    assert read_head(io.BytesIO(older)).tables_end is None  # type: ignore[union-attr]
    assert _whole(current) == stored_in_order(database)
    assert current.tables["codebook"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw.replace(b'"quote":', b'"quote":1,"x":', 1), id="bad-doc"),
        pytest.param(lambda raw: raw.replace(b'"schema":3', b'"schema":2', 1), id="old-schema"),
        pytest.param(
            lambda raw: orjson.dumps(dict(reversed(orjson.loads(raw).items()))), id="no-head"
        ),
        pytest.param(lambda raw: raw[:-40], id="cut"),
    ],
)
def test_a_database_not_as_written_here_is_left_to_the_store(
    database: Path, damage: Callable[[bytes], bytes]
) -> None:
    database.write_bytes(damage(database.read_bytes()))
    assert read_current(database) is None


def test_no_database_is_left_to_the_store(db_path: Path) -> None:
    assert read_current(db_path) is None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"tags": ["security"]},
        {"coders": ["ben"]},
        {"article": "000"},
        {"all_articles": True},
    ],
    ids=["all", "tag", "coder", "article", "all-articles"],
)
def test_export_current_is_the_export_of_the_opened_store_byte_for_byte(
    database: Path,
    corpus: Corpus,
    fmt: ExportFormat,
    options: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(collect_module, "utc_now", lambda: "2026-11-30T00:00:00.000Z")
    streamed = export_current(database, corpus, fmt, ExportChoice(**options))
    assert streamed is not None
    rendered, report = streamed
    expected = export_annotations(
        AnnotationStore.open(database), corpus, fmt, ExportChoice(**options)
    )
    assert b"".join(rendered.render()) == b"".join(expected.render())
    assert (rendered.count, rendered.unused_tags) == (expected.count, expected.unused_tags)
    assert report == AnnotationStore.open(database).reanchor_all(corpus)
    assert report.missing == 1 and report.orphaned == 0  # (another collection's: left alone)


def test_an_article_changed_leaves_the_export_to_the_store(
    database: Path, corpus: Corpus, library_copy: Path
) -> None:
    """The annotations on it would be re-anchored (and saved): never exported as they were."""
    add_first_paragraph(corpus, library_copy, stored_in_order(database)[0].article)
    changed = Corpus.open(library_copy)
    assert export_current(database, changed, ExportFormat.W3C) is None
    AnnotationStore.open(database).reanchor_all(changed)
    assert export_current(database, changed, ExportFormat.W3C) is not None  # once saved


def test_cli_export_of_a_changed_article_is_reanchored_and_saved(
    database: Path, corpus: Corpus, library_copy: Path, run_cli: RunCli
) -> None:
    first = stored_in_order(database)[0]
    add_first_paragraph(corpus, library_copy, first.article)
    args = ["--library", str(library_copy), "--db", str(database), "export", "--format"]
    result = run_cli(*args, "json")
    assert result.code == 0
    exported = {a["id"]: a for a in orjson.loads(result.out)["annotations"]}
    moved = exported[first.id]
    assert moved["start"] > first.start  # the new offsets, not the stored ones
    assert AnnotationStore.open(database).get(first.id).start == moved["start"]  # saved


def test_cli_export_reports_an_orphan_as_before(
    database: Path, library_copy: Path, run_cli: RunCli
) -> None:
    store = AnnotationStore.open(database)
    victim = next(a for a in store.all() if a.article != "999_missing")
    store.modify(victim.id, lambda a: replace(a, quote="a quote no article holds", body_hash="x"))
    args = ["--library", str(library_copy), "--db", str(database), "export", "--format", "csv"]
    first = run_cli(*args)
    assert first.code == 0 and "1 newly orphaned" in first.err  # re-anchored, saved
    assert AnnotationStore.open(database).get(victim.id).anchor is Anchor.ORPHANED
    again = run_cli(*args)  # now read without opening the store: nothing new to say
    assert again.code == 0 and "newly orphaned" not in again.err
    assert again.out == first.out


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_reading_while_another_process_writes_sees_whole_writes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each write adds annotation wN and sets the sentinel's note to N, in one batch; the
    writer compacts often (new snapshots). Every reading, in process and by a real
    `newsmark export`, holds w1..wK and the note K for one K: no write seen in part."""
    article = fox_article()
    base = [new_annotation(article, n % 40, n % 40 + 5, tags=["base"]) for n in range(300)]
    sentinel = replace(base[0], id="sentinel", note="0")
    AnnotationStore.open(db_path).put_many([*base[1:], sentinel])
    library = db_path.parent / "fox-library"  # the exports' collection: the fox article
    library.mkdir()
    (library / "000_fox.txt").write_text(f"Fox\n\n{article.body}\n", "utf-8")
    assert Corpus.open(library).content_hash("000_fox") == article.content_hash
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 4096)  # more steps, more overlap
    count = 400
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.batch_writer", str(db_path), str(count), "sentinel"],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    seen: set[int] = set()
    exports: list[subprocess.Popen[str]] = []
    while child.poll() is None:
        current = read_current(db_path)
        assert current is not None
        seen.add(_whole_writes(_whole(current)))
        if len(exports) < len(seen) <= 3:  # a real export started at a few moments
            exports.append(_export_process(db_path, library))
    assert child.returncode == 0
    final = read_current(db_path)
    assert final is not None and _whole_writes(_whole(final)) == count
    for export in exports:
        out, _err = export.communicate(timeout=60)
        assert export.returncode == 0
        annotations = [Annotation.from_dict(a) for a in orjson.loads(out)["annotations"]]
        seen.add(_whole_writes(annotations))
    assert len(seen) > 2  # states between the first and the last were read


def _whole_writes(annotations: list[Annotation]) -> int:
    """K, if `annotations` hold exactly w1..wK, the 299 others and the sentinel noted K."""
    written = sorted(a.id for a in annotations if a.id.startswith("w"))
    k = len(written)
    assert written == [f"w{n:05d}" for n in range(1, k + 1)]
    (sentinel,) = (a for a in annotations if a.id == "sentinel")
    assert sentinel.note == str(k)
    assert len(annotations) == 300 + k
    return k


def _export_process(db: Path, library: Path) -> subprocess.Popen[str]:
    """`newsmark export --format json` of `db` on `library`, started as a process."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "tui.cli", "--db", str(db), "--library", str(library)),
            *("export", "--format", "json"),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
