"""Opening a collection that needs many files indexed gives the articles indexed so far,
batch by batch, each readable while the indexing goes on."""

from __future__ import annotations

from pathlib import Path

from annotations.corpus import FIRST_BATCH_FILES, Corpus


def write_articles(directory: Path, count: int) -> None:
    directory.mkdir()
    for n in range(count):
        (directory / f"{n:04d}.txt").write_text(
            f"Headline {n}\n\nBody of article {n}, about trade.\n", encoding="utf-8"
        )


def test_each_batch_is_a_readable_collection_of_what_is_indexed(tmp_path: Path) -> None:
    library = tmp_path / "library"
    count = FIRST_BATCH_FILES * 3 + 10  # batches of 256, 256, 512: two shown before the end
    write_articles(library, count)
    seen: list[tuple[int, str]] = []

    def grew(corpus: Corpus) -> None:
        first = next(iter(corpus))
        seen.append((len(corpus), corpus.body(first.id)))

    corpus = Corpus.open(library, grew=grew)
    assert len(corpus) == count
    assert [size for size, _ in seen] == [FIRST_BATCH_FILES, FIRST_BATCH_FILES * 2]
    assert all(body.startswith("Body of article") for _, body in seen)


def test_a_collection_indexed_already_or_small_is_opened_in_one_go(tmp_path: Path) -> None:
    library = tmp_path / "library"
    write_articles(library, FIRST_BATCH_FILES * 2)
    calls: list[int] = []
    Corpus.open(library, grew=lambda corpus: calls.append(len(corpus)))
    assert calls == [FIRST_BATCH_FILES]
    calls.clear()
    assert len(Corpus.open(library, grew=lambda corpus: calls.append(len(corpus)))) == 512
    assert calls == []  # nothing to index: nothing shown before the collection
