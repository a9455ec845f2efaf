"""`--tag T` takes the tags below T (`security` takes `security/maritime`), wherever tags
filter: the store's `with_tags`, `annotations`, `export`, `suggest` (one rule,
`annotations.tags.subtree_filter`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.corpus import Corpus
from annotations.export import select_annotations
from annotations.model import Annotation
from annotations.store import AnnotationStore
from annotations.suggest import suggest_for_tag
from annotations.tags import subtree_filter, with_subtree


def _annotate(corpus: Corpus, article_id: str, quote: str, *tags: str) -> Annotation:
    article = corpus.article(article_id)
    span = locate_quote(article.body, quote)
    return new_annotation(article, span.start, span.end, tags=tags)


@pytest.fixture
def corpus(samples_dir: Path) -> Corpus:
    return Corpus.open(samples_dir)


@pytest.fixture
def annotations(corpus: Corpus) -> list[Annotation]:
    return [
        _annotate(corpus, "000", "six major goals", "security"),
        _annotate(corpus, "001", "maritime cooperation", "Security/Maritime"),
        _annotate(corpus, "002", "mutual trust", "securityish"),
        _annotate(corpus, "003", "Xi", "economy"),
    ]


@pytest.fixture
def store(db_path: Path, annotations: list[Annotation]) -> AnnotationStore:
    store = AnnotationStore.open(db_path)
    store.put_many(annotations)
    return store


def test_subtree_filter_takes_the_tag_and_the_tags_below_it_only() -> None:
    carries = subtree_filter(["security"])
    assert carries(["security"]) and carries(["SECURITY/maritime"])
    assert carries(["economy", "security/maritime/south china sea"])
    assert not carries(["securityish"]) and not carries(["economy"]) and not carries([])
    assert subtree_filter(["security/maritime"])(["security/maritime/x"])
    assert not subtree_filter(["security/maritime"])(["security"])


def test_with_subtree_adds_the_carried_tags_below_the_roots() -> None:
    carried = ["economy", "security/maritime", "Security/Maritime", "securityish"]
    assert with_subtree(["security"], carried) == ["security", "security/maritime"]


def test_store_with_tags_and_export_selection_include_sub_codes(
    store: AnnotationStore, annotations: list[Annotation]
) -> None:
    expected = {annotations[0].id, annotations[1].id}
    assert {a.id for a in store.with_tags(["security"])} == expected
    assert {a.id for a in select_annotations(annotations, tags=["Security"])} == expected
    assert [a.id for a in store.with_tags(["security/maritime"])] == [annotations[1].id]


def _cli(run_cli, samples_dir: Path, db: Path, *args: str):
    return run_cli("--library", str(samples_dir), "--db", str(db), *args)


def test_cli_annotations_export_and_search_agree(run_cli, samples_dir, store, annotations) -> None:
    expected = {annotations[0].id, annotations[1].id}
    listed = _cli(run_cli, samples_dir, store.path, "annotations", "--tag", "security", "--json")
    searched = _cli(
        run_cli, samples_dir, store.path, "annotations", "--search", "tag:security", "--json"
    )
    exported = _cli(
        run_cli, samples_dir, store.path, "export", "--format", "json", "--tag", "security"
    )
    assert {a["id"] for a in json.loads(listed.out)} == expected
    assert {a["id"] for a in json.loads(searched.out)} == expected
    assert {a["id"] for a in json.loads(exported.out)["annotations"]} == expected
    assert "matched no annotation" not in exported.err


def test_markdown_export_by_tag_puts_sub_codes_under_their_own_heading(
    run_cli, samples_dir, store
) -> None:
    result = _cli(
        run_cli, samples_dir, store.path, "export", "--format", "markdown", "--tag", "security"
    )
    assert result.code == 0
    headings = [line for line in result.out.splitlines() if line.startswith("## ")]
    assert headings == ["## security", "## Security/Maritime"]
    assert "> maritime cooperation" in result.out and "- Quotes: 2" in result.out


def test_suggest_learns_from_and_skips_passages_tagged_below(
    corpus: Corpus, annotations: list[Annotation]
) -> None:
    maritime_only = [annotations[1]]
    found = suggest_for_tag(corpus, maritime_only, ["security"], fuzzy=False)
    assert found, "the quote tagged security/maritime is a phrase to learn from"
    assert all(s.quote.casefold() == "maritime cooperation" for s in found)
    already = (annotations[1].article, annotations[1].start)
    assert already not in {(s.article, s.start) for s in found}
