"""An article file edited while newsmark is open: the reader shows the new text, the
highlights sit on it, and nothing chosen on the old text is ever saved against the new."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import Anchor
from tests.conftest import RunCli
from tests.tui_support import (
    ORPHANED_QUOTE,
    make_orphan,
    notifications,
    open_reader,
    reader_view,
    running_app,
    seed_annotation,
    wait_until,
)
from tui.app import NewsmarkApp
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.article_view import ArticleView

ARTICLE = "000_e730ce0a32d34978"
QUOTE = "more practical security cooperation"
OLD_PHRASE = "make the pie of common interests even bigger"
NEW_PHRASE = "grow the trade between the two countries"
LONG_PARAGRAPH = " ".join(f"Inserted{n} word" for n in range(750))  # 1,500 words
RELOADED = "The article changed on disk; reloaded"


def edit_article(library: Path) -> None:
    """Change a phrase and put a 1,500-word paragraph after the first one."""
    path = library / f"{ARTICLE}.txt"
    text = path.read_text(encoding="utf-8").replace(OLD_PHRASE, NEW_PHRASE)
    first_break = text.index("\n\n", text.index(NEW_PHRASE))
    path.write_text(
        f"{text[:first_break]}\n\n{LONG_PARAGRAPH}{text[first_break:]}", encoding="utf-8"
    )


def highlights_on_their_quotes(app: NewsmarkApp, view: ArticleView) -> bool:
    """Every highlight drawn marks exactly its annotation's quote in the shown text."""
    store = app.workspace.require_store()
    assert view.article is not None
    return bool(view.highlights) and all(
        view.article.text(h.start, h.end) == store.get(h.annotation_id).quote
        for h in view.highlights
    )


def library_words(app: NewsmarkApp) -> int:
    library = app.screen_stack[0]
    assert isinstance(library, LibraryScreen)
    table = library.table()
    assert table is not None
    index = table.index_of(ARTICLE)
    assert index is not None
    return int(table.row(index).cells[3])


async def test_the_poll_reloads_an_article_changed_on_disk(
    library_copy: Path, db_path: Path, run_cli: RunCli
) -> None:
    seeded = seed_annotation(library_copy, db_path, ARTICLE, QUOTE, ("security",))
    async with running_app(library_copy, db_path) as (app, pilot):
        words = library_words(app)
        view = await open_reader(app, pilot, ARTICLE)
        await wait_until(pilot, lambda: bool(view.highlights))
        old_start = view.highlights[0].start
        edit_article(library_copy)
        # Any command re-anchors the database to the new text (another process).
        assert run_cli("--library", str(library_copy), "--db", str(db_path), "list").code == 0
        app._check_external_changes()  # what the 2 s poll does
        await wait_until(
            pilot, lambda: view.article is not None and NEW_PHRASE in view.article.body
        )
        assert view.article is not None and OLD_PHRASE not in view.article.body
        assert LONG_PARAGRAPH in view.article.body
        await wait_until(pilot, lambda: highlights_on_their_quotes(app, view))
        [highlight] = view.highlights
        assert highlight.annotation_id == seeded.id and highlight.start > old_start
        await wait_until(pilot, lambda: any(m.startswith(RELOADED) for m in notifications(app)))
        assert app.workspace.require_store().get(seeded.id).anchor == Anchor.EXACT
        # The library's row follows (its rows are worked out in a thread).
        expected = words + 1_500 + len(NEW_PHRASE.split()) - len(OLD_PHRASE.split())
        await wait_until(pilot, lambda: library_words(app) == expected)


async def test_the_poll_reloads_without_a_command_and_reanchors_itself(
    library_copy: Path, db_path: Path
) -> None:
    seeded = seed_annotation(library_copy, db_path, ARTICLE, QUOTE, ("security",))
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await wait_until(pilot, lambda: bool(view.highlights))
        edit_article(library_copy)
        await wait_until(
            pilot, lambda: view.article is not None and NEW_PHRASE in view.article.body, timeout=6.0
        )  # the real poll
        await wait_until(pilot, lambda: highlights_on_their_quotes(app, view))
        stored = app.workspace.require_store().get(seeded.id)
        assert view.article is not None and view.article.text(stored.start, stored.end) == QUOTE


async def test_opening_an_article_changed_since_the_app_started(
    library_copy: Path, db_path: Path
) -> None:
    seed_annotation(library_copy, db_path, ARTICLE, QUOTE, ("security",))
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        await wait_until(pilot, lambda: bool(view.highlights))
        await pilot.press("escape")  # back to the library; the article stays cached
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        edit_article(library_copy)
        view = await open_reader(app, pilot, ARTICLE)
        assert view.article is not None and NEW_PHRASE in view.article.body
        await wait_until(pilot, lambda: highlights_on_their_quotes(app, view))


def refused_as_stale(app: NewsmarkApp) -> bool:
    """Whether a save was refused because the article changed on disk since it was shown."""
    return any("changed on disk since it was shown" in m for m in notifications(app))


async def test_a_highlight_made_on_the_old_text_is_refused(
    library_copy: Path, db_path: Path
) -> None:
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        assert view.article is not None
        start = view.article.body.index(OLD_PHRASE)
        view.select_range(start, start + len(OLD_PHRASE))
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        edit_article(library_copy)  # before the poll has seen it
        await pilot.press(*"economy", "enter", "enter")
        await wait_until(pilot, lambda: refused_as_stale(app))
        assert app.workspace.require_store().all() == []
        # The refusal reads the article again at once: select on the new text and save.
        await wait_until(
            pilot, lambda: view.article is not None and NEW_PHRASE in view.article.body
        )
        start = view.article.body.index(NEW_PHRASE)
        view.select_range(start, start + len(NEW_PHRASE))
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"economy", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        assert store.all()[0].quote == NEW_PHRASE
        assert store.all()[0].body_hash == app.workspace.require_corpus().content_hash(ARTICLE)


async def test_a_selection_is_refused_when_the_text_is_reloaded_while_the_dialog_is_open(
    library_copy: Path, db_path: Path
) -> None:
    """The file changes and the app reads it again while the tag dialog is open: the
    selection's offsets belong to the old text, so the save is refused, not made on the new
    text."""
    async with running_app(library_copy, db_path) as (app, pilot):
        view = await open_reader(app, pilot, ARTICLE)
        assert view.article is not None
        start = view.article.body.index(OLD_PHRASE)
        view.select_range(start, start + len(OLD_PHRASE))
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        edit_article(library_copy)
        app._check_external_changes()  # the periodic check, now rather than in 2 s
        await wait_until(
            pilot, lambda: view.article is not None and NEW_PHRASE in view.article.body
        )
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"economy", "enter", "enter")
        await wait_until(pilot, lambda: refused_as_stale(app))
        assert app.workspace.require_store().all() == []


async def test_a_reattach_on_the_old_text_is_refused(library_copy: Path, db_path: Path) -> None:
    orphan = make_orphan(library_copy, db_path, ARTICLE)  # ORPHANED_QUOTE became "grow trade"
    async with running_app(library_copy, db_path) as (app, pilot):
        app.push_screen(
            ReaderScreen(ARTICLE, reattach=app.workspace.require_store().get(orphan.id))
        )
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReaderScreen) and bool(app.screen.query(ArticleView)),
        )
        view = app.screen.query_one(ArticleView)
        await wait_until(pilot, lambda: view.article_layout is not None)
        assert view.article is not None
        start = view.article.body.index("grow trade")
        view.select_range(start, start + len("grow trade"))
        path = library_copy / f"{ARTICLE}.txt"
        path.write_text(
            f"A new first paragraph.\n\n{path.read_text(encoding='utf-8')}", encoding="utf-8"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: refused_as_stale(app))
        stored = app.workspace.require_store().get(orphan.id)
        assert stored.anchor == Anchor.ORPHANED and stored.quote == ORPHANED_QUOTE
        await wait_until(
            pilot,
            lambda: (
                view.article is not None and view.article.body.startswith("A new first paragraph.")
            ),
        )


async def test_side_by_side_shows_the_new_text_and_title(library_copy: Path, db_path: Path) -> None:
    from textual.widgets import Static

    from tui.screens.side_by_side import SideBySideScreen

    seed_annotation(library_copy, db_path, ARTICLE, QUOTE, ("security",))
    other = "001_cd3da7863ef62599"
    async with running_app(library_copy, db_path) as (app, pilot):
        app.open_side_by_side(ARTICLE, other)
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, SideBySideScreen)
                and bool(app.screen.query("#left-view"))
                and app.screen.view("left").article is not None
            ),
        )
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        left = screen.view("left")
        await wait_until(pilot, lambda: bool(left.highlights))
        path = library_copy / f"{ARTICLE}.txt"
        text = path.read_text(encoding="utf-8")
        title = "Presidents vow to advance solidarity, cooperation"
        path.write_text(
            text.replace(title, "A new headline").replace(OLD_PHRASE, NEW_PHRASE), encoding="utf-8"
        )
        app._check_external_changes()
        await wait_until(
            pilot, lambda: left.article is not None and NEW_PHRASE in left.article.body
        )
        await wait_until(pilot, lambda: highlights_on_their_quotes(app, left))
        assert "A new headline" in str(screen.query_one("#left-title", Static).visual)


async def test_a_search_hit_in_text_that_moved_since_opens_on_the_match(
    library_copy: Path, db_path: Path
) -> None:
    """(Found by a tester.) A hit found before its file changed opens the reader at the
    match's new place, not on whatever word now stands at the old offset."""
    async with running_app(library_copy, db_path) as (app, pilot):
        old_offset = app.workspace.require_corpus().body(ARTICLE).index(QUOTE)
        edit_article(library_copy)  # the quote moves 1,500 words down
        app.open_reader(ARTICLE, offset=old_offset, find=QUOTE)
        view = await reader_view(app, pilot)
        await wait_until(
            pilot, lambda: view.article is not None and NEW_PHRASE in view.article.body
        )
        assert view.article is not None
        body = view.article.body
        assert body.index(QUOTE) != old_offset
        await wait_until(pilot, lambda: view.cursor_span is not None)
        cursor = view.cursor_span
        assert cursor is not None and QUOTE in body[cursor.start : cursor.end]


async def test_a_search_finds_what_a_file_not_on_screen_holds_now(
    library_copy: Path, db_path: Path, run_cli: RunCli
) -> None:
    """(Found by a tester.) A word written into an article nobody has open is found by the
    library's search, at its offset in the new text, and the library's row follows; also
    after another process indexed the edit (its rows then have new rowids)."""
    seeded = seed_annotation(library_copy, db_path, ARTICLE, QUOTE, ("security",))
    async with running_app(library_copy, db_path) as (app, pilot):
        words = library_words(app)
        edit_article(library_copy)  # 1,500 words before the quote, and NEW_PHRASE
        body = (library_copy / f"{ARTICLE}.txt").read_text(encoding="utf-8")
        await pilot.press("slash", *"Inserted749 word", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count == 1)
        corpus = app.workspace.require_corpus()
        new_body = corpus.body(ARTICLE)
        [hit] = app.screen._hits
        assert new_body[hit.start : hit.end] == "Inserted749 word"
        await wait_until(pilot, lambda: library_words(app) == words + 1_500 - 1)  # (-1: phrase)
        assert any(RELOADED in m for m in notifications(app))
        store = app.workspace.require_store()
        moved = store.get(seeded.id)
        assert new_body[moved.start : moved.end] == QUOTE  # re-anchored with it
        assert "Inserted749" in body
        # Edited again and indexed by a command: the rows it wrote are read instead.
        path = library_copy / f"{ARTICLE}.txt"
        path.write_text(path.read_text(encoding="utf-8").replace(NEW_PHRASE, "zebracorn"))
        assert run_cli("--library", str(library_copy), "--db", str(db_path), "list").code == 0
        await pilot.press("slash", "ctrl+u", *"zebracorn", "enter")
        await wait_until(pilot, lambda: hits.option_count == 1)
        [hit] = app.screen._hits
        assert corpus.body(ARTICLE)[hit.start : hit.end] == "zebracorn"


async def test_a_filtered_search_after_a_listed_file_went_away(
    library_copy: Path, db_path: Path
) -> None:
    """(Found by a reviewer.) The filter's articles, listed before the reload, held one
    that no longer exists: the search said it 'can no longer be read' and showed nothing."""
    async with running_app(library_copy, db_path) as (app, pilot):
        await pilot.press("f", *"xinhua", "enter")  # the filter lists Xinhua's articles
        library = app.screen_stack[0]
        await wait_until(pilot, lambda: 0 < len(library._rows.metas) < 5)
        listed = [meta.id for meta in library._rows.metas]
        gone = app.workspace.require_corpus().meta(listed[0]).path
        gone.unlink()
        await pilot.press("slash", *"the", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 0)
        assert {hit.article for hit in app.screen._hits} <= set(listed[1:])
        assert not any("can no longer be read" in m for m in notifications(app))


async def test_a_search_after_many_changes_says_so_and_after_a_failed_reload_runs(
    library_copy: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Found by a reviewer.) Hundreds of files touched (a checkout) are not read again one
    by one before a search, which says so; a reload that fails does not stop the search."""
    from annotations.errors import NewsmarkError
    from tui.screens import library as library_module

    monkeypatch.setattr(library_module, "FRESH_SEARCH_MAX_RELOADS", 1)
    async with running_app(library_copy, db_path) as (app, pilot):
        for path in sorted(library_copy.glob("00[01]_*.txt")):
            path.write_text(path.read_text(encoding="utf-8") + "\n\nA zebracorn.\n")
        await pilot.press("slash", *"Vietnam", "enter")
        hits = app.screen.query_one("#hits")
        await wait_until(pilot, lambda: hits.option_count > 0)
        assert any("2 articles changed on disk" in m for m in notifications(app))
        monkeypatch.setattr(library_module, "FRESH_SEARCH_MAX_RELOADS", 200)

        def failing(_ids: object) -> None:
            raise NewsmarkError("the disk is on fire")

        monkeypatch.setattr(app.workspace, "reload_articles", failing)
        await pilot.press("slash", "ctrl+u", *"Taiwan", "enter")
        await wait_until(pilot, lambda: any("on fire" in m for m in notifications(app)))
        await wait_until(pilot, lambda: app.screen._hits_query == "Taiwan")
