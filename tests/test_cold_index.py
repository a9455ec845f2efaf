"""The collection index is the same however it is built: by the process pool, in this
process, or article by article from a fresh parse of each file (issue 18's cold index)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from annotations import corpus_index, indexing
from annotations.corpus import Corpus
from annotations.loader import load_file
from annotations.metadata import single_spaced
from annotations.paths import bundled_samples_dir
from annotations.text import normalise_newlines, normalise_text, safe_name, strip_control
from bench.generate import generate_collection

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture
def mixed_library(tmp_path: Path) -> Path:
    """The samples, generated articles, web pages and files of every other format, a
    duplicate id, a legacy encoding, CJK text, control characters and a file skipped."""
    library = tmp_path / "mixed"
    shutil.copytree(bundled_samples_dir(), library)
    generate_collection(library / "generated", 80, seed=5)
    for page in sorted(PAGES.glob("*.html"))[:4]:
        shutil.copy(page, library / page.name)
    (library / "notes.md").write_text(
        "# Rail links agreed\n\nBy Ana Lima\n\nThe two sides agreed on *rail* links.\n\n"
        "Trade talks — and “more” — follow.\n",
        "utf-8",
    )
    (library / "000_e730ce0a32d34978.md").write_text(  # the same id as a sample
        "# A duplicate id\n\nSame name as a sample, another format.\n", "utf-8"
    )
    (library / "feed.jsonl").write_text(
        '{"title": "One", "text": "First record text.", "date": "2023-12-14"}\n'
        '{"title": "Two", "text": "第二条记录。中文 abc", "source": "Xinhua"}\n'
        "not json\n",
        "utf-8",
    )
    (library / "legacy.txt").write_bytes(
        "Caf\u00e9 talks\n\nThe caf\u00e9 \u2013 na\u00efve \u201cquotes\u201d.\n".encode("cp1252")
    )
    (library / "escapes.txt").write_text(
        "Title\x1b[31m red\n\nBody\x07 text\r\nwith a\u2028separator and a tab\there.\n", "utf-8"
    )
    (library / "empty.txt").write_text("", "utf-8")
    return library


def _index_rows(corpus: Corpus) -> dict[str, tuple[Any, ...]]:
    """Each article as the collection gives it: metadata, body and content hash, by id."""
    return {meta.id: (meta, corpus.body(meta.id), corpus.content_hash(meta.id)) for meta in corpus}


def _open(library: Path, *, pool: bool, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setattr(indexing, "POOL_THRESHOLD", 1 if pool else 10**9)
    return Corpus.open(library, use_cache=pool)


def _reparsed(library: Path) -> dict[tuple[str, int], tuple[Any, ...]]:
    """Every article of a fresh, segmented parse of each file, by (file, place in it)."""
    found: dict[tuple[str, int], tuple[Any, ...]] = {}
    for path in sorted(library.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(library).as_posix()
        loaded = load_file(path, safe_name(relative.rsplit(".", 1)[0]))
        for seq, article in enumerate(loaded.articles):
            meta = article.meta
            found[relative, seq] = (
                meta.id,
                meta.title,
                meta.source,
                meta.date,
                meta.authors,
                meta.url,
                meta.words,
                meta.format,
                meta.encoding,
                meta.record,
                article.content_hash,
                article.body,
            )
    return found


def test_pool_and_in_process_build_the_same_index(
    mixed_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []
    real_pool = indexing._process_pool

    def spy(workers: int) -> Any:
        pools.append(workers)
        return real_pool(workers)

    monkeypatch.setattr(indexing, "_process_pool", spy)
    monkeypatch.setattr(indexing, "CHUNK_FILES", 7)  # many chunks, written in several batches
    monkeypatch.setattr(corpus_index, "INSERT_FILES", 5)
    monkeypatch.setattr(corpus_index, "COMMIT_FILES", 12)
    pooled = _open(mixed_library, pool=True, monkeypatch=monkeypatch)
    serial = _open(mixed_library, pool=False, monkeypatch=monkeypatch)
    assert len(pools) == 1  # the first was built by the pool, the second was not
    assert len(pooled) > 90
    assert _index_rows(pooled) == _index_rows(serial)
    assert pooled.notices == serial.notices and any("empty.txt" in n for n in pooled.notices)
    assert {"000_e730ce0a32d34978", "000_e730ce0a32d34978-txt"} <= set(_index_rows(pooled))


def test_the_index_holds_what_a_fresh_parse_of_each_file_gives(
    mixed_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_index, "INSERT_FILES", 3)
    pooled = _open(mixed_library, pool=True, monkeypatch=monkeypatch)
    expected = _reparsed(mixed_library)
    index = pooled._index
    stored = {}
    for relative in index.files():
        for seq, row in enumerate(index.articles_of(relative)):
            stored[relative, seq] = (
                row.base_id,
                row.title,
                row.source,
                row.date,
                row.authors,
                row.url,
                row.words,
                row.format,
                row.encoding,
                row.record,
                row.content_hash,
                index.body(row.rowid),
            )
    assert stored == expected
    assert {row[7] for row in expected.values()} == {"txt", "md", "html", "jsonl"}


def test_an_update_replaces_changed_files_with_new_rowids(
    mixed_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_index, "INSERT_FILES", 4)
    first = _open(mixed_library, pool=True, monkeypatch=monkeypatch)
    old_rowids = {rowid for rowid, _ in first._rows.values()}
    first._index.close()
    changed = sorted((mixed_library / "generated").glob("*.txt"))[3]
    changed_id = f"generated/{changed.stem}"
    changed.write_text(changed.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    os.utime(changed, ns=(1, 1))
    (mixed_library / "notes.md").unlink()
    (mixed_library / "added.txt").write_text("Added later\n\nA new article.\n", "utf-8")
    updated = _open(mixed_library, pool=True, monkeypatch=monkeypatch)
    fresh = _open(mixed_library, pool=False, monkeypatch=monkeypatch)
    assert _index_rows(updated) == _index_rows(fresh)
    new_rowids = {updated._rows[i][0] for i in (changed_id, "added")}
    assert min(new_rowids) > max(old_rowids)  # never a rowid used before (AUTOINCREMENT)
    assert "One more paragraph." in updated.body(changed_id)
    assert "notes" not in updated and updated._index.article_count() == len(fresh)


@pytest.mark.parametrize("code", range(128))
def test_ascii_fast_paths_agree_with_the_general_ones(code: int) -> None:
    char = chr(code)
    for text in (f"x{char}y", f"{char}a  b{char}", f" a {char} b ", char * 3):
        assert normalise_text(text) == strip_control(normalise_newlines(text))
        assert single_spaced(text) == " ".join(text.split())


def test_a_file_indexed_meanwhile_by_another_process_is_indexed_once(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    ours, theirs = corpus_index.CorpusIndex(path), corpus_index.CorpusIndex(path)
    article = indexing.IndexedArticle(
        "x", "Title", None, None, (), None, 2, "txt", "utf-8", None, "sha256:0", "Two words"
    )
    entries = [indexing.IndexedFile("x.txt", 9, 1, [], [article])]

    def parsed() -> Any:  # the other process writes the same file while ours parses it
        assert theirs.update(entries, ())
        yield from entries

    assert ours.update(parsed(), ())
    assert [row.base_id for row in ours.articles_of("x.txt")] == ["x"]
    assert ours.article_count() == 1 and ours.body(ours.articles_of("x.txt")[0].rowid)
    ours.close()
    theirs.close()
