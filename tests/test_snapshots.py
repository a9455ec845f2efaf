"""Screenshots of the reader and its dialogs at 80x24 and 120x40, compared with the SVGs in
tests/__snapshots__/ (`make snapshot-update` accepts new ones after a look at them).

Deterministic: a fixed title instead of the library's path, a fixed coder, a fixed export file name
instead of today's date, no cursor blink, no notifications, no vertical scroll bars.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui_support import wait_until
from tui.app import NewsmarkApp
from tui.screens.export_dialog import EXTENSIONS, ExportDialog
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.screens.side_by_side import SideBySideScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.aligned_view import AlignedView
from tui.widgets.article_view import ArticleView
from tui.workspace import Workspace

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
ARTICLE = "000_e730ce0a32d34978"
OTHER = "001_cd3da7863ef62599"

Step = Callable[[Pilot], Awaitable[None]]


class SnapshotApp(NewsmarkApp):
    """The app without vertical scroll bars: where their thumbs end up drawn varies by a
    cell from run to run (timing), and they are not what these pictures check."""

    CSS = """
    ArticleView, AlignedView, OptionList, .dialog { scrollbar-size-vertical: 0; }
    """


@pytest.fixture
def make_app(
    samples_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], NewsmarkApp]:
    monkeypatch.setenv("NEWSMARK_CODER", "ana")  # shown in the title: not the login name
    monkeypatch.setattr(
        "tui.screens.export_dialog.default_export_path",
        lambda fmt, directory=None: Path(f"newsmark-2026-01-15.{EXTENSIONS[fmt]}"),
    )

    def make() -> NewsmarkApp:
        app = SnapshotApp(Workspace(library=samples_dir, db_path=db_path))
        app.sub_title = "samples"
        return app

    return make


def _still(pilot: Pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    pilot.app.clear_notifications()


async def _library(pilot: Pilot) -> None:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            app.workspace.is_open
            and not app.workspace.indexing
            and bool(app.screen.query("#articles"))
        ),
    )
    await pilot.pause()


async def _reader_with_selection(pilot: Pilot) -> None:
    await _library(pilot)
    app = pilot.app
    assert isinstance(app, NewsmarkApp)
    app.open_reader(ARTICLE, find="more practical")
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, ReaderScreen)
            and any(view.match_count for view in app.screen.query(ArticleView))
        ),
    )
    await pilot.press("n", "v", "w", "w", "w")
    view = app.screen.query_one(ArticleView)
    await _settled(pilot, lambda: _scroll_state(view))
    _still(pilot)


def _scroll_state(view: ArticleView) -> object:
    """The view's scroll position and what its scroll bar shows of it."""
    bar = view.vertical_scrollbar
    return (
        view.scroll_y,
        view.max_scroll_y,
        view.size,
        bar.position,
        bar.window_size,
        bar.window_virtual_size,
    )


async def _dialog_settled(pilot: Pilot) -> None:
    """Wait until the dialog and the reader under it stop moving; stop the cursor blinking."""
    dialog = pilot.app.screen
    view = pilot.app.screen_stack[-2].query_one(ArticleView)
    await _settled(
        pilot,
        lambda: (
            _scroll_state(view),
            dialog.query_one(".dialog").scroll_y,
            dialog.query_one(".dialog").size,
        ),
    )
    _still(pilot)
    await pilot.pause()


async def _settled(pilot: Pilot, state: Callable[[], object]) -> None:
    """Wait until `state()` stays the same across a few refreshes (scrolling is done)."""
    last, same = state(), 0
    while same < 5:
        await pilot.pause(0.02)
        now = state()
        same = same + 1 if now == last else 0
        last = now


async def _tag_dialog(pilot: Pilot) -> None:
    await _reader_with_selection(pilot)
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagDialog))
    await _dialog_settled(pilot)


async def _export_dialog(pilot: Pilot) -> None:
    await _reader_with_selection(pilot)
    await pilot.press("escape", "e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
    await _dialog_settled(pilot)


async def _side_by_side(pilot: Pilot) -> None:
    await _library(pilot)
    app = pilot.app
    assert isinstance(app, NewsmarkApp)
    app.open_side_by_side(ARTICLE, OTHER)
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, SideBySideScreen)
            and len(views := app.screen.query(ArticleView)) == 2
            and all(v.article_layout for v in views)
        ),
        timeout=30,
    )
    view = app.screen.query_one("#right-view", ArticleView)
    before = view.cursor_offset
    await pilot.press("J", "J", "m")
    # The match is worked out off the event loop: wait until it has moved the other column
    # (a busy machine can take longer than the settling below would wait for).
    await wait_until(pilot, lambda: view.cursor_offset != before, timeout=30)
    await _settled(pilot, lambda: (view.scroll_y, view.cursor_offset))
    _still(pilot)


async def _aligned(pilot: Pilot) -> None:
    await _side_by_side(pilot)
    await pilot.press("A")
    aligned = pilot.app.screen.query_one("#aligned", AlignedView)
    await wait_until(pilot, lambda: bool(aligned.rows) and aligned.display, timeout=30)
    await pilot.press("j", "j", "tab")
    await wait_until(pilot, lambda: (aligned.cursor, aligned.side) == (2, "right"))
    await _settled(pilot, lambda: (aligned.scroll_y, aligned.size))
    _still(pilot)


async def _aligned_selection(pilot: Pilot) -> None:
    await _aligned(pilot)
    aligned = pilot.app.screen.query_one("#aligned", AlignedView)
    await pilot.press(*"wwwww", "v", "w", "w", "w", "e")  # "agreed to build a community"
    await wait_until(pilot, lambda: aligned.selection is not None)
    await _settled(pilot, lambda: (aligned.scroll_y, aligned.selection))
    _still(pilot)


async def _help(pilot: Pilot) -> None:
    await _reader_with_selection(pilot)
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "step",
    [
        _library,
        _reader_with_selection,
        _tag_dialog,
        _export_dialog,
        _help,
        _side_by_side,
        _aligned,
        _aligned_selection,
    ],
    ids=[
        "library",
        "reader",
        "tag-dialog",
        "export-dialog",
        "help",
        "side-by-side",
        "aligned",
        "aligned-selection",
    ],
)
def test_snapshot(
    snap_compare, make_app: Callable[[], NewsmarkApp], size: tuple[int, int], step: Step
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=step)


@pytest.fixture
def make_annotated_app(
    make_app: Callable[[], NewsmarkApp], samples_dir: Path, db_path: Path
) -> Callable[[], NewsmarkApp]:
    """The app on a DB with overlapping highlights on ARTICLE and one on OTHER (fixed ids,
    so nothing on screen depends on the run)."""
    from dataclasses import replace

    from annotations.anchoring import locate_quote, new_annotation
    from annotations.corpus import Corpus
    from annotations.store import AnnotationStore

    corpus = Corpus.open(samples_dir)
    seeds = [
        (ARTICLE, "more practical security cooperation", ("security",), None),
        (
            ARTICLE,
            "practical security cooperation, deeper pragmatic cooperation",
            ("economy", "security/maritime"),
            "overlaps the first",
        ),
        (ARTICLE, "higher political mutual trust", ("politics",), None),
        (OTHER, "Vietnam", ("Vietnam",), "a note"),
    ]
    annotations = []
    for number, (article_id, quote, tags, note) in enumerate(seeds):
        article = corpus.article(article_id)
        span = locate_quote(article.body, quote)
        annotation = new_annotation(article, span.start, span.end, tags=tags, note=note)
        stamp = "2026-01-15T10:00:00.000Z"
        annotations.append(
            replace(
                annotation, id=f"0000000{number}-snap", created=stamp, updated=stamp, coder="ana"
            )
        )
    AnnotationStore.open(db_path).put_many(annotations)
    return make_app


async def _reader_with_highlights(pilot: Pilot) -> None:
    await _library(pilot)
    app = pilot.app
    assert isinstance(app, NewsmarkApp)
    app.open_reader(ARTICLE, find="more practical")
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, ReaderScreen)
            and any(view.highlights for view in app.screen.query(ArticleView))
        ),
    )
    await pilot.press("n")
    view = app.screen.query_one(ArticleView)
    await _settled(pilot, lambda: _scroll_state(view))
    _still(pilot)


async def _annotation_browser(pilot: Pilot) -> None:
    await _library(pilot)
    await pilot.press("a")
    await wait_until(
        pilot,
        lambda: (
            bool(pilot.app.screen.query("AnnotationTable"))
            and len(pilot.app.screen.query_one("AnnotationTable").rows) == 4
        ),
    )
    await pilot.pause()
    _still(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "step",
    [_reader_with_highlights, _annotation_browser],
    ids=["reader-overlapping-highlights", "annotation-browser"],
)
def test_snapshot_with_annotations(
    snap_compare, make_annotated_app: Callable[[], NewsmarkApp], size: tuple[int, int], step: Step
) -> None:
    assert snap_compare(make_annotated_app(), terminal_size=size, run_before=step)
