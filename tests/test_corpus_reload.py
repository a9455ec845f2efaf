"""`Corpus.file_changed` / `Corpus.reload`: one article's file read again after it changed on
disk, and `ensure_current`, the guard against saving offsets chosen on older text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations.anchoring import ensure_current
from annotations.corpus import Corpus
from annotations.errors import StaleArticleError, UnknownArticleError

ARTICLE = "000_e730ce0a32d34978"
OTHER = "001_cd3da7863ef62599"


def append(library: Path, article_id: str, text: str) -> None:
    path = library / f"{article_id}.txt"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_an_unchanged_file_is_not_read_again(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    article = corpus.article(ARTICLE)
    assert not corpus.file_changed(ARTICLE)
    assert corpus.reload(ARTICLE) == []
    assert corpus.article(ARTICLE) is article  # still the cached parse


def test_a_changed_file_is_read_again(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    old = corpus.article(ARTICLE)
    words = corpus.meta(ARTICLE).words
    corpus.search("anything")  # builds the in-memory search index
    append(library_copy, ARTICLE, "\n\nA brand new closing paragraph.\n")
    assert corpus.file_changed(ARTICLE) and not corpus.file_changed(OTHER)
    assert corpus.reload(ARTICLE) == [ARTICLE]
    new = corpus.article(ARTICLE)
    assert new.body == old.body + "\n\nA brand new closing paragraph."
    assert corpus.body(ARTICLE) == new.body
    assert corpus.content_hash(ARTICLE) == new.content_hash != old.content_hash
    assert corpus.meta(ARTICLE).words == words + 5
    assert [hit.article for hit in corpus.search("brand new closing")] == [ARTICLE]
    assert not corpus.file_changed(ARTICLE) and corpus.reload(ARTICLE) == []
    # The index on disk was updated too: a fresh collection has the same text.
    assert Corpus.open(library_copy).article(ARTICLE).body == new.body


def test_a_touched_file_is_read_again_but_nothing_changed(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    path = library_copy / f"{ARTICLE}.txt"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert corpus.file_changed(ARTICLE)
    assert corpus.reload(ARTICLE) == []
    assert not corpus.file_changed(ARTICLE)


def test_a_file_indexed_again_by_another_process_is_noticed(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    corpus.article(ARTICLE)
    append(library_copy, ARTICLE, "\n\nWritten by another process.\n")
    Corpus.open(library_copy)  # e.g. a `newsmark list` that indexed the new text
    assert corpus.file_changed(ARTICLE)
    assert corpus.reload(ARTICLE) == [ARTICLE]
    assert corpus.body(ARTICLE).endswith("Written by another process.")


def test_a_deleted_file_leaves_the_collection(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    (library_copy / f"{ARTICLE}.txt").unlink()
    assert corpus.file_changed(ARTICLE)
    assert corpus.reload(ARTICLE) == [ARTICLE]
    assert ARTICLE not in corpus and len(corpus) == 4
    with pytest.raises(UnknownArticleError, match="can no longer be read"):
        corpus.article(ARTICLE)


def test_a_read_only_index_still_gives_the_new_text(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Corpus.open(library_copy)
    append(library_copy, ARTICLE, "\n\nNot in the index.\n")
    monkeypatch.setattr(corpus._index, "update", lambda parsed, removed: False)
    assert corpus.reload(ARTICLE) == [ARTICLE]
    assert corpus.body(ARTICLE).endswith("Not in the index.")
    assert corpus.content_hash(ARTICLE) == corpus.article(ARTICLE).content_hash
    assert not corpus.file_changed(ARTICLE)


def test_ensure_current_refuses_text_the_file_no_longer_holds(library_copy: Path) -> None:
    corpus = Corpus.open(library_copy)
    shown = corpus.article(ARTICLE)
    ensure_current(corpus, shown)  # the file holds this text
    append(library_copy, ARTICLE, "\n\nEdited.\n")
    with pytest.raises(StaleArticleError, match="changed on disk since it was shown"):
        ensure_current(corpus, shown)  # changed on disk, not read yet
    corpus.reload(ARTICLE)
    with pytest.raises(StaleArticleError):
        ensure_current(corpus, shown)  # read again: still not the text shown
    ensure_current(corpus, corpus.article(ARTICLE))


def test_every_changed_file_is_found_at_once_as_file_changed_finds_each(
    library_copy: Path,
) -> None:
    """`changed_since_read`: what `file_changed` says of each article, for all of them:
    a file edited, one indexed again by another process, one touched, one deleted."""
    corpus = Corpus.open(library_copy)
    assert corpus.changed_since_read() == []
    append(library_copy, ARTICLE, "\n\nEdited here.\n")
    append(library_copy, OTHER, "\n\nEdited and indexed by another process.\n")
    Corpus.open(library_copy)  # indexes both: only the rowids say ARTICLE changed
    touched, deleted = sorted(meta.id for meta in corpus)[2:4]
    path = corpus.meta(touched).path
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    corpus.meta(deleted).path.unlink()
    expected = [i for i in sorted(m.id for m in corpus) if corpus.file_changed(i)]
    assert expected == sorted([ARTICLE, OTHER, touched, deleted])
    assert corpus.changed_since_read() == expected
    for article_id in expected:
        corpus.reload(article_id)
    assert corpus.changed_since_read() == []
