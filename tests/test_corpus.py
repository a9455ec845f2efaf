"""The collection index: ids, prefixes, the metadata cache, lazy bodies and search."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations import corpus as corpus_module
from annotations import indexing as indexing_module
from annotations.corpus import Corpus
from annotations.errors import InvalidQueryError, LibraryNotFoundError, UnknownArticleError
from annotations.loader import LoadedFile


def test_missing_library_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryNotFoundError, match=r"article collection not found: .*nowhere"):
        Corpus.open(tmp_path / "nowhere")


def test_prefix_resolution(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    assert corpus.resolve("003") == "003_4a3f0146945ab2e7"
    assert "003_4a3f0146945ab2e7" in corpus and "003" not in corpus
    with pytest.raises(UnknownArticleError, match="ambiguous"):
        corpus.resolve("00")
    with pytest.raises(UnknownArticleError, match="no article with id 'nope'"):
        corpus.meta("nope")


def test_cache_is_reused_and_changed_files_are_reparsed(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Corpus.open(library_copy)
    parsed: list[Path] = []
    real_load = indexing_module.load_file

    def counting_load(path: Path, base_id: str, **options: bool) -> LoadedFile:
        parsed.append(path)
        return real_load(path, base_id, **options)

    monkeypatch.setattr(indexing_module, "load_file", counting_load)
    second = Corpus.open(library_copy)
    assert parsed == []  # everything came from the index cache
    assert [m.to_listing() for m in second] == [m.to_listing() for m in first]

    edited = library_copy / "003_4a3f0146945ab2e7.txt"
    edited.write_text("A new headline\n\nCompletely new body text.\n", encoding="utf-8")
    os.utime(edited, ns=(1, 1))
    third = Corpus.open(library_copy)
    assert [p.name for p in parsed] == ["003_4a3f0146945ab2e7.txt"]
    assert third.meta("003").title == "A new headline"
    assert third.search("completely new")[0].article == "003_4a3f0146945ab2e7"

    (library_copy / "000_e730ce0a32d34978.txt").unlink()
    assert len(Corpus.open(library_copy)) == 4


def test_corrupt_cache_is_rebuilt(library_copy: Path) -> None:
    Corpus.open(library_copy)
    cache_path = corpus_module.index_cache_path(library_copy)
    cache_path.write_bytes(b"{not json")
    assert len(Corpus.open(library_copy)) == 5


def test_article_bodies_are_cached(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    assert corpus.article("001") is corpus.article("001_cd3da7863ef62599")


def test_search_case_insensitive_with_offsets(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    hits = corpus.search("TAIWAN")
    assert [hit.article for hit in hits] == ["001_cd3da7863ef62599"] * 2
    for hit in hits:
        assert corpus.article(hit.article).text(hit.start, hit.end) == "Taiwan"
        assert "Taiwan" in hit.context and "\n" not in hit.context
    assert len(corpus.search("TAIWAN", case_sensitive=True)) == 0


def test_search_regex_limit_and_article_filter(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    hits = corpus.search(r"six[- ](?:major|point)", regex=True)
    assert {(h.article, corpus.article(h.article).text(h.start, h.end)) for h in hits} == {
        ("000_e730ce0a32d34978", "six major"),
        ("001_cd3da7863ef62599", "six-point"),
    }
    assert len(corpus.search("Vietnam", limit=3)) == 3
    only = corpus.search("Vietnam", article_ids=["003"])
    assert only and {hit.article for hit in only} == {"003_4a3f0146945ab2e7"}


def test_search_errors(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    with pytest.raises(InvalidQueryError, match="invalid regular expression"):
        corpus.search("(unclosed", regex=True)
    with pytest.raises(InvalidQueryError, match="empty"):
        corpus.search("")


def test_search_never_matches_across_articles(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.txt").write_text("Alpha\n\nends with word", encoding="utf-8")
    (library / "b.txt").write_text("Beta\n\nword starts this", encoding="utf-8")
    corpus = Corpus.open(library, use_cache=False)
    assert len(corpus.search(r"word.word", regex=True)) == 0
    assert [h.article for h in corpus.search("word")] == ["a", "b"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"coop\w+tion",
        r"\bxi\b",
        r"[a-z]+-point",
        r"TAIWAN",
        r"[A-Z]{5}",
        r"\x54aiwan",
        r"(vietnam).*\1",
        r"\Bnam\b",
        r"\bXi Jinping\b",
        r"\W+Vietnam\S",
        r"(?P<W>Xi) said",
        r"\bxi|vietnam",
        r"\bx*i",
        r"\b20\d\d",
        r"\bcommunity with",
    ],
)
def test_case_insensitive_regex_matches_ignorecase_scan(samples_dir: Path, pattern: str) -> None:
    import re

    corpus = Corpus.open(samples_dir)
    expected = [
        (meta.id, match.start(), match.end())
        for meta in corpus
        for match in re.finditer(pattern, corpus.article(meta.id).body, re.IGNORECASE)
        if match.end() > match.start()
    ]
    found = [(hit.article, hit.start, hit.end) for hit in corpus.search(pattern, regex=True)]
    assert found == expected


def test_indexed_body_hash_matches_parsed_article(library_copy: Path) -> None:
    (library_copy / "extra.md").write_text("# T\n\nOne.\n\n## Sub\n\nTwo words.", encoding="utf-8")
    Corpus.open(library_copy)  # writes the index cache
    corpus = Corpus.open(library_copy)  # bodies now come from the cache
    for meta in corpus:
        assert corpus.content_hash(meta.id) == corpus.article(meta.id).content_hash
