"""What makes large collections fast: the SQLite index, the full-text prefilter, batched
search, single-article lookups, parallel indexing."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import orjson
import pytest

from annotations import corpus as corpus_module
from annotations import indexing
from annotations import search as search_module
from annotations.corpus import Corpus
from annotations.loader import _WORD, count_words
from annotations.search import fold_case
from annotations.search_prefilter import search_trigrams
from tests.helpers.collections import write_word_articles
from tui.cli.output import JsonArrayWriter, print_json

WORDS = (
    "Vietnam",
    "China",
    "rail",
    "links",
    "İstanbul",
    "Straße",
    "trade",
    "talks",
    "Xi",
    "Jinping",
    "2023",
    "community",
    "shared",
    "future",
    "cooperation",
    "Hà",
    "Nội",
)
QUERIES = [
    ("Vietnam", False),
    ("rail links", False),
    ("ISTANBUL", False),
    ("straße trade", False),
    ("zzz", False),
    ("Xi", False),
    (r"\bXi Jinping\b", True),
    (r"coop\w+tion", True),
    (r"rail(way)?s? link", True),
    (r"\d{4}", True),
    (r"(?:shared|common) future", True),
    (r"Hà\s+Nội", True),
    (r"^China", True),
]


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    """120 small articles of random words: enough for the full-text index to be used."""
    library = tmp_path / "big"
    library.mkdir()
    write_word_articles(library, WORDS, 120, seed=7, lengths=(5, 60))
    return library


def _expected(corpus: Corpus, query: str, regex: bool, case_sensitive: bool) -> list[tuple]:
    flags = 0 if case_sensitive else re.IGNORECASE
    pattern = query if regex else re.escape(query)
    found = []
    for meta in corpus:
        body = corpus.article(meta.id).body
        if not regex and not case_sensitive:  # literal queries compare case-folded text
            found += [
                (meta.id, m.start(), m.end())
                for m in re.finditer(re.escape(fold_case(query)), fold_case(body))
            ]
            continue
        found += [
            (meta.id, m.start(), m.end())
            for m in re.finditer(pattern, body, flags)
            if m.end() > m.start()
        ]
    return found


def test_search_through_the_full_text_index_is_exact(
    big_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Corpus.open(big_library)
    # The large-collection path: candidates from the full-text index, bodies in batches.
    monkeypatch.setattr(corpus_module, "IN_MEMORY_SEARCH_WORDS", 0)
    monkeypatch.setattr(search_module, "SEARCH_BATCH_CHARS", 500)
    for query, regex in QUERIES:
        for case_sensitive in (False, True):
            expected = _expected(corpus, query, regex, case_sensitive)
            options = {"regex": regex, "case_sensitive": case_sensitive}
            hits = corpus.search(query, **options)
            assert [(h.article, h.start, h.end) for h in hits] == expected, query
            batches = list(corpus.search_batches(query, **options))
            assert len(batches) > 1 or not expected
            assert [(h.article, h.start, h.end) for b in batches for h in b] == expected
            assert sum(b.total for b in batches) == len(expected)
    assert corpus._index.fts_ready()


def test_batched_search_limit_counts_every_literal_hit(
    big_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "SEARCH_BATCH_CHARS", 300)
    corpus = Corpus.open(big_library)
    everything = [(h.article, h.start) for h in corpus.search("china")]
    batches = list(corpus.search_batches("china", limit=5))
    assert [(h.article, h.start) for b in batches for h in b] == everything[:5]
    assert sum(b.total for b in batches) == len(everything) > 5
    regex = list(corpus.search_batches("chin.", regex=True, limit=5))
    assert sum(len(b) for b in regex) == 5 and not regex[-1].complete


def test_the_index_follows_edits_after_the_full_text_index_is_built(big_library: Path) -> None:
    list(Corpus.open(big_library).search_batches("anything at all"))
    corpus = Corpus.open(big_library)
    assert corpus._index.fts_ready()
    (big_library / "a005.txt").write_text("Edited\n\nA unique phrase: quokka parade.\n", "utf-8")
    (big_library / "a006.txt").unlink()
    (big_library / "new.txt").write_text("New\n\nAnother quokka.\n", "utf-8")
    reopened = Corpus.open(big_library)
    found = list(reopened.search_batches("quokka"))
    assert [h.article for b in found for h in b] == ["a005", "new"]
    assert "a006" not in reopened and len(reopened) == 120
    assert reopened.content_hash("a005") == reopened.article("a005").content_hash


def test_one_article_is_found_through_the_index_alone(library_copy: Path) -> None:
    assert Corpus.indexed_article(library_copy, "003") is None  # no index yet
    opened = Corpus.open(library_copy)
    found = Corpus.indexed_article(library_copy, "003")
    assert found is not None and found.id == "003_4a3f0146945ab2e7"
    assert found.body == opened.article("003").body and found.paragraphs
    assert Corpus.indexed_article(library_copy, "00") is None  # ambiguous: open it all
    assert Corpus.indexed_article(library_copy, "nope") is None
    edited = library_copy / "003_4a3f0146945ab2e7.txt"
    edited.write_text("Changed\n\nNew text.\n", encoding="utf-8")
    os.utime(edited, ns=(1, 1))
    assert Corpus.indexed_article(library_copy, "003") is None  # changed: not trusted


def test_many_changed_files_are_parsed_by_a_pool(
    big_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "POOL_THRESHOLD", 10)
    seen: list[tuple[int, int]] = []
    pooled = Corpus.open(big_library, progress=lambda done, total: seen.append((done, total)))
    serial = Corpus.open(big_library, use_cache=False)
    assert [m.to_listing() for m in pooled] == [m.to_listing() for m in serial]
    assert seen[-1] == (120, 120) and len(seen) > 1


def test_unwritable_index_falls_back_to_memory(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_update = corpus_module.CorpusIndex.update

    def update(index: corpus_module.CorpusIndex, *args: object) -> bool:
        return False if index.path is not None else real_update(index, *args)

    monkeypatch.setattr(corpus_module.CorpusIndex, "update", update)  # e.g. a full disk
    corpus = Corpus.open(library_copy)
    assert len(corpus) == 5 and corpus._index.path is None
    assert corpus.search("Taiwan")[0].article == "001_cd3da7863ef62599"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bXi Jinping\b", {"xi ", "i j", " ji", "jin", "inp", "npi", "pin", "ing"}),
        (r"rail(way)?s? link", {"rai", "ail", " li", "lin", "ink"}),
        (r"(?:abc)+d", {"abc"}),
        (r"abc|def", set()),
        (r"\p{Han}+abc", set()),
        (r"(?i)abcd", set()),
        (r"ab", set()),
    ],
)
def test_regex_prefilter_trigrams(pattern: str, expected: set[str]) -> None:
    assert set(search_trigrams(pattern, regex=True, case_sensitive=False)) == expected


def test_prefilter_never_rules_out_a_match() -> None:
    rng = random.Random(3)
    for pattern, _ in [q for q in QUERIES if q[1]]:
        for _ in range(200):
            text = " ".join(rng.choice(WORDS) for _ in range(8))
            if any(m.end() > m.start() for m in re.finditer(pattern, text)):
                for trigram in search_trigrams(pattern, regex=True, case_sensitive=True):
                    assert trigram in fold_case(text), (pattern, text, trigram)


@pytest.mark.parametrize(
    "text",
    [
        "a_b c-d 12x",
        "don't stop",
        "  ",
        "",
        "x\ty\nz",
        "ümlaut ok",
        "中文 abc",
        "tab\u00a0nbsp",
        "goals — higher trust",
        "don’t “quote”—dash…end",
        "—lead and trail—",
        "mixed—ümlaut",
        "x\u2028y\U0001f600z ½ 2²",
    ],
)
def test_word_count_fast_path_counts_as_the_pattern(text: str) -> None:
    assert count_words(text) == len(_WORD.findall(text))


def test_json_array_writer_prints_what_print_json_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    items = [{"a": 1, "b": ["x", "é"]}, {"c": None}]
    for data in (items, []):
        print_json(data)
        whole = capsys.readouterr().out
        writer = JsonArrayWriter()
        for item in data:
            writer.write(item)
        writer.close()
        assert capsys.readouterr().out == whole
        assert orjson.loads(whole) == data
        writer = JsonArrayWriter()
        writer.write_many(data[:1])
        writer.write_many([])
        writer.write_many(data[1:])
        writer.close()
        assert capsys.readouterr().out == whole


def test_boolean_search_through_the_full_text_index_is_exact(
    big_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_search_query import brute_force

    corpus = Corpus.open(big_library)
    expected = {
        query: brute_force(corpus, query)
        for query in ('"rail links" AND trade', "Xi OR talks AND future", "zzz OR Vietnam AND Xi")
    }
    # Candidates per term from the full-text index: AND = intersection, OR = union.
    monkeypatch.setattr(corpus_module, "IN_MEMORY_SEARCH_WORDS", 0)
    for query, hits in expected.items():
        assert hits
        assert [(h.article, h.start, h.end) for h in corpus.search(query)] == hits, query
        batches = corpus.search_batches(query)
        assert [(h.article, h.start, h.end) for b in batches for h in b] == hits, query
    assert corpus._index.fts_ready()
