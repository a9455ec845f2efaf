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


def test_an_indexed_collection_is_listed_before_its_files_are_checked(tmp_path: Path) -> None:
    library = tmp_path / "library"
    write_articles(library, FIRST_BATCH_FILES * 2)
    calls: list[int] = []
    Corpus.open(library, grew=lambda corpus: calls.append(len(corpus)))
    assert calls == [FIRST_BATCH_FILES]  # two batches exactly: one shown before the end
    calls.clear()
    (library / "0000.txt").unlink()
    corpus = Corpus.open(library, grew=lambda corpus: calls.append(len(corpus)))
    # What the index listed came first; the collection is what the files hold now.
    assert calls == [FIRST_BATCH_FILES * 2]
    assert len(corpus) == FIRST_BATCH_FILES * 2 - 1 and "0000" not in corpus
