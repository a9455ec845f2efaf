"""The suggest screen: reviewing places like a tagged passage and accepting some of them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, SelectionList, Static

from annotations.corpus import Corpus
from annotations.suggest import suggest, suggest_for_tag
from tests.tui_support import (
    notifications,
    open_reader,
    reader_view,
    running_app,
    seed_annotation,
    wait_until,
)
from tui.app import NewsmarkApp
from tui.screens.suggest import SuggestScreen, emphasised_context, suggestion_prompt
from tui.screens.tag_browser import TagBrowserScreen
from tui.screens.tag_dialog import TagDialog

ARTICLE = "000_e730ce0a32d34978"
PHRASE = "community with a shared future"


def community_count(app: NewsmarkApp) -> int:
    return len(app.workspace.require_store().with_tags(["community"]))


async def open_suggestions_from_reader(app, pilot, offset: int) -> SuggestScreen:  # type: ignore[no-untyped-def]
    view = await open_reader(app, pilot, ARTICLE)
    await wait_until(pilot, lambda: len(view.highlights) == 1)
    view.move_cursor_to(offset)
    await pilot.press("s")
    return await wait_for_list(app, pilot)


async def wait_for_list(app, pilot) -> SuggestScreen:  # type: ignore[no-untyped-def]
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, SuggestScreen)
            and app.screen.query_one(SelectionList).option_count > 0
        ),
    )
    return app.screen


def test_prompt_is_built_from_text_not_markup(samples_dir: Path) -> None:
    corpus = Corpus.open(samples_dir)
    [first, *_] = suggest(corpus, PHRASE, tags=["community"])
    emphasised = emphasised_context(first)
    assert PHRASE in emphasised.plain
    assert any(
        emphasised.plain[span.start : span.end] == first.quote
        for span in emphasised.spans
        if "reverse" in str(span.style)
    )
    hostile = first.__class__(ARTICLE, 0, 6, "[bold]", "[bold] x", "exact", 100.0)
    assert "[bold]" in suggestion_prompt(hostile, None).plain


async def test_reader_suggest_accept_two_then_undo(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(samples_dir, db_path, ARTICLE, PHRASE, ("community",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_suggestions_from_reader(app, pilot, seeded.start)
        corpus = app.workspace.require_corpus()
        expected = suggest(corpus, PHRASE, tags=["community"], existing=[seeded])
        assert expected == suggest_for_tag(corpus, [seeded], ["community"], phrase=PHRASE)
        assert len(expected) > 5
        selection_list = screen.query_one(SelectionList)
        assert selection_list.option_count == len(expected)
        assert screen.suggestions == expected
        assert selection_list.selected == []
        header = str(screen.query_one("#suggest-message", Static).render())
        assert header.startswith(f"{len(expected)} places like “{PHRASE}” for tags: community")

        assert "· 0 selected" in header
        await pilot.press("space", "down", "down", "space")
        chosen = [expected[0], expected[2]]
        assert screen.selected_suggestions() == chosen
        await pilot.pause()
        # (Found by a tester: the list marks the selected only by colour.)
        assert "· 2 selected" in str(screen.query_one("#suggest-message", Static).render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: community_count(app) == 3)
        store = app.workspace.require_store()
        new = [a for a in store.all() if a.id != seeded.id]
        for annotation in new:
            body = corpus.article(annotation.article).body
            assert annotation.quote == body[annotation.start : annotation.end]
        assert sorted((a.article, a.start) for a in new) == [(s.article, s.start) for s in chosen]
        assert "Tagged 2 passages with community; u undoes it." in notifications(app)
        await wait_until(pilot, lambda: selection_list.option_count == len(expected) - 2)
        assert selection_list.selected == []

        await pilot.press("u")
        await wait_until(pilot, lambda: community_count(app) == 1)
        await wait_until(pilot, lambda: selection_list.option_count == len(expected))


async def test_select_all_and_accept(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(samples_dir, db_path, ARTICLE, PHRASE, ("community",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_suggestions_from_reader(app, pilot, seeded.start)
        expected = list(screen.suggestions)
        await pilot.press("a")
        assert screen.selected_suggestions() == expected
        await pilot.press("a")
        assert screen.selected_suggestions() == []
        await pilot.press("a", "ctrl+s")
        await wait_until(pilot, lambda: community_count(app) == 1 + len(expected))
        stored = {(a.article, a.start, a.end) for a in app.workspace.require_store().all()}
        assert {(s.article, s.start, s.end) for s in expected} <= stored
        message = screen.query_one("#suggest-message", Static)
        await wait_until(pilot, lambda: message.has_class("-empty"))
        assert not screen.query_one(SelectionList).display
        assert "Nothing left to suggest" in str(message.render())


async def test_tag_browser_finds_places_like_tagged_passages(
    samples_dir: Path, db_path: Path
) -> None:
    seed_annotation(samples_dir, db_path, ARTICLE, PHRASE, ("community",))
    seed_annotation(samples_dir, db_path, ARTICLE, "win-win cooperation", ("community",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TagBrowserScreen)
                and app.screen.query_one(DataTable).row_count == 1
            ),
        )
        await pilot.press("f")
        screen = await wait_for_list(app, pilot)
        store = app.workspace.require_store()
        expected = suggest_for_tag(app.workspace.require_corpus(), store.all(), ["community"])
        assert screen.suggestions == expected
        assert {s.quote.casefold() for s in expected} >= {PHRASE, "win-win cooperation"}
        header = str(screen.query_one("#suggest-message", Static).render())
        assert header.startswith(f"{len(expected)} places like the passages tagged community")

        await pilot.press("o")
        view = await reader_view(app, pilot)
        await wait_until(pilot, lambda: view.article is not None and view.cursor_span is not None)
        assert view.article.id == expected[0].article
        assert view.cursor_span is not None
        assert view.cursor_span.contains(expected[0].start)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)


async def test_selection_asks_for_tags_first(samples_dir: Path, db_path: Path) -> None:
    seeded = seed_annotation(samples_dir, db_path, ARTICLE, PHRASE, ("community",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.press("s")
        assert any("select a passage" in m for m in notifications(app))
        await pilot.press("J", "v", "s")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        selected = view.article.text(view.selection.start, view.selection.end)
        await pilot.press(*"headline", "enter", "enter")
        screen = await wait_for_list(app, pilot)
        assert (screen.tags, screen.phrase) == (("headline",), selected)
        corpus = app.workspace.require_corpus()
        assert screen.suggestions == suggest(corpus, selected, tags=["headline"], existing=[seeded])


async def test_error_is_shown_not_raised(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        app.open_suggestions(["security"])
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, SuggestScreen) and bool(app.screen.query("#suggest-message"))
            ),
        )
        message = app.screen.query_one("#suggest-message", Static)
        await wait_until(pilot, lambda: message.has_class("-error"))
        assert "no annotations tagged security to learn from" in str(message.render())
        assert any("no annotations tagged security" in m for m in notifications(app))
        assert not app.screen.query_one(SelectionList).display
        await pilot.press("enter")
        assert any("Nothing selected" in m for m in notifications(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SuggestScreen))
        assert app.is_running
