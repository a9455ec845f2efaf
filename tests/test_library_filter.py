"""The library's filter (`annotations/library_query.py`): metadata words and annotation
facets, and full-text search restricted to what the filter lists."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from annotations.anchoring import locate_quote, new_annotation
from annotations.corpus import Corpus
from annotations.errors import InvalidQueryError
from annotations.library_query import (
    ArticleState,
    article_states,
    filter_articles,
    filter_texts,
    needs_annotations,
    parse_library_filter,
)
from annotations.model import Anchor, Annotation
from tests.conftest import SAMPLES_DIR
from tests.tui_support import running_app, seed_annotation, wait_until
from tui.messages import DataChanged
from tui.widgets.article_table import ArticleTable

CHINA_DAILY = "000_e730ce0a32d34978"
XINHUA = "001_cd3da7863ef62599"
CGTN = "003_4a3f0146945ab2e7"


def annotate(
    corpus: Corpus,
    article_id: str,
    quote: str,
    *tags: str,
    note: str | None = None,
    coder: str = "ana",
) -> Annotation:
    article = corpus.article(article_id)
    span = locate_quote(article.body, quote)
    made = new_annotation(article, span.start, span.end, tags=tags, note=note)
    return made.with_changes(coder=coder)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.open(SAMPLES_DIR)


@pytest.fixture(scope="module")
def annotations(corpus: Corpus) -> list[Annotation]:
    return [
        annotate(corpus, CHINA_DAILY, "six major goals", "security/maritime", note="key"),
        annotate(corpus, XINHUA, "Taiwan", "economy", coder="ben"),
        replace(annotate(corpus, CGTN, "Luong Cuong", "people"), anchor=Anchor.ORPHANED),
    ]


def matched(corpus: Corpus, text: str, annotations: list[Annotation]) -> list[str]:
    metas = list(corpus)
    query = parse_library_filter(text)
    states = article_states(annotations) if needs_annotations(query) else None
    texts = filter_texts(metas)
    return [meta.id[:3] for meta in filter_articles(query, metas, texts, states)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["000", "001", "002", "003", "004"]),
        ("xinhua", ["001", "004"]),
        ("tag:security", ["000"]),  # security/maritime is below security
        ("tag:security/maritime", ["000"]),
        ("tag:maritime", []),
        ("tag:security OR tag:economy", ["000", "001"]),
        ("has:annotations", ["000", "001", "003"]),
        ("-has:annotations", ["002", "004"]),
        ("has:notes", ["000"]),
        ("has:note", ["000"]),
        ("orphaned", ["003"]),
        ("is:exact xinhua", ["001"]),
        ("coder:BEN", ["001"]),
        ("has:annotations -xinhua", ["000", "003"]),
        ('"china daily" OR cgtn', ["000", "002", "003"]),
        ("after:2023-12 has:annotations", ["000", "001"]),
    ],
)
def test_filter_matches_metadata_and_annotations(corpus, annotations, text, expected) -> None:
    assert matched(corpus, text, annotations) == expected


def test_only_the_annotations_passed_count_and_bad_values_are_explained(
    corpus, annotations
) -> None:
    mine = [a for a in annotations if a.coder == "ana"]  # as blind mode passes them
    assert matched(corpus, "has:annotations", mine) == ["000", "003"]
    assert not needs_annotations(parse_library_filter('xinhua OR "china daily" after:2023'))
    with pytest.raises(
        InvalidQueryError,
        match=r"^has: takes note, tag or annotation, not "
        r"'memos'$",
    ):
        parse_library_filter("has:memos")
    assert parse_library_filter("tag:") == parse_library_filter("")  # still being typed


def row_ids(table: ArticleTable) -> list[str]:
    return sorted(table.row(i).key[:3] for i in range(table.row_count))


async def test_library_filters_by_tag_and_state_and_search_stays_within_the_filter(
    samples_dir: Path, db_path: Path
) -> None:
    seed_annotation(samples_dir, db_path, CHINA_DAILY, "six major goals", ("security",), note="key")
    seed_annotation(samples_dir, db_path, XINHUA, "Taiwan", ("economy",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        field = app.screen.query_one("#filter", Input)
        status = app.screen.query_one("#library-status", Static)
        await pilot.press("f", *"tag:security")
        await wait_until(pilot, lambda: row_ids(table) == ["000"])
        field.value = "has:annotations"
        await wait_until(pilot, lambda: row_ids(table) == ["000", "001"])
        field.value = "has:memos"
        await wait_until(
            pilot, lambda: "has: takes note, tag or annotation" in str(status.render())
        )
        assert row_ids(table) == ["000", "001"]  # the rows stay while the filter is wrong

        field.value = "xinhua"
        await wait_until(pilot, lambda: row_ids(table) == ["001", "004"])
        await pilot.press("escape", "slash", *"Vietnam", "enter")  # from the table
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 0)
        found = {hit.article for hit in app.screen._hits}
        assert found == {XINHUA, "004_f7a2648440f22fec"}
        expected = Corpus.open(samples_dir).search("Vietnam", article_ids=sorted(found))
        assert hits.border_title == (
            f"{expected.total} matches for 'Vietnam' in 2 articles of the 2 filtered"
        )

        # A new annotation (here from another process) is seen by the next filter.
        seed_annotation(samples_dir, db_path, CGTN, "Luong Cuong", ("security",))
        app.workspace.require_store().refresh()
        app.broadcast(DataChanged)
        field.value = "tag:security"
        await wait_until(pilot, lambda: row_ids(table) == ["000", "003"])


async def test_the_annotation_state_of_a_facet_is_built_off_the_event_loop(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import annotations.library_query as library_query

    built_on: list[threading.Thread] = []
    real = library_query.article_states

    def recording(annotations: list[Annotation]) -> dict[str, ArticleState]:
        built_on.append(threading.current_thread())
        return real(annotations)

    monkeypatch.setattr(library_query, "article_states", recording)
    seed_annotation(samples_dir, db_path, CHINA_DAILY, "six major goals", ("security",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        await pilot.press("f", *"tag:security")
        await wait_until(pilot, lambda: row_ids(table) == ["000"])
        # Built once (until annotations change), in a worker thread, never on the loop.
        assert len(built_on) == 1 and built_on[0] is not threading.main_thread()


async def test_hits_searched_within_another_filter_are_not_shown_again(
    samples_dir: Path, db_path: Path
) -> None:
    """Found by a tester: the panel kept "… of the 216 filtered" once the filter was
    cleared. Hits searched within the filter as it is now are kept."""
    async with running_app(samples_dir, db_path) as (app, pilot):
        table = app.screen.query_one("#articles", ArticleTable)
        field = app.screen.query_one("#filter", Input)
        await pilot.press("f", *"xinhua")
        await wait_until(pilot, lambda: row_ids(table) == ["001", "004"])
        await pilot.press("escape", "slash", *"Vietnam", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 0)
        assert "of the 2 filtered" in str(hits.border_title)
        await pilot.press("escape", "slash")  # the same filter: the hits stay
        assert hits.option_count > 0
        await pilot.press("escape")
        field.value = ""
        await wait_until(pilot, lambda: table.row_count == 5)
        await pilot.press("slash")
        assert hits.option_count == 0 and not hits.border_title
        assert app.screen.query_one("#search", Input).value == "Vietnam"
        await pilot.press("enter")  # searched again, within every article
        await wait_until(pilot, lambda: hits.option_count > 0)
        assert "filtered" not in str(hits.border_title)
