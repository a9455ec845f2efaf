"""Comparison that helps: aligned rows selectable, taggable and highlighted, a match summary
with jumps, m and follow mode agreeing, scores shown, the active column plain."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from annotations.align import AlignmentSummary
from tests.test_tui_screens import LEFT, RIGHT, open_side_by_side
from tests.tui_support import notifications, running_app, seed_annotation, wait_until
from tui.screens.tag_dialog import TagDialog
from tui.widgets.aligned_view import AlignedView


def _status(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#article-status", Static).render())


async def test_aligned_rows_are_selected_tagged_and_highlighted(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        await pilot.press("A")
        aligned = screen.query_one("#aligned", AlignedView)
        await wait_until(pilot, lambda: aligned.has_focus and len(aligned.rows) > 2)
        await pilot.press("j", "j", "tab")  # the third row, its right cell
        row = aligned.current_row()
        assert row is not None and row.right is not None
        right = screen.view("right")
        assert right.selection is not None
        assert (right.selection.start, right.selection.end) == (row.right.start, row.right.end)
        assert "Passage:" in _status(screen)  # the whole passage (no words selected)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
        await pilot.press(*"community", "enter", "enter")
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: len(store.all()) == 1)
        [annotation] = store.all()
        assert annotation.article == RIGHT and annotation.quote == row.right.text.strip()
        cell = screen.query_one(f"#aligned-right-{aligned.cursor}", Static)

        def painted() -> bool:
            content = cell.content
            return isinstance(content, Text) and any(
                isinstance(span.style, Style) and span.style.bgcolor is not None
                for span in content.spans
            )

        await wait_until(pilot, painted)
        await pilot.press("escape")  # leaves the aligned view, not the screen
        assert not screen.query_one("#side-by-side").has_class("-aligned")
        assert app.screen is screen


async def test_summary_and_jumps_between_matched_and_unmatched_rows(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        await pilot.press("A")
        aligned = screen.query_one("#aligned", AlignedView)
        await wait_until(pilot, lambda: len(aligned.rows) > 2)
        summary = AlignmentSummary.of(aligned.rows)
        shown = str(screen.query_one("#aligned-summary", Static).render())
        assert f"{summary.matched} matched" in shown
        assert f"{summary.only_left} only left" in shown
        assert f"{summary.out_of_order} out of order" in shown
        assert (
            summary.matched + summary.only_left + summary.only_right + summary.out_of_order
            == len(aligned.rows)
        )
        await pilot.press("right_curly_bracket")
        assert aligned.rows[aligned.cursor].score is None
        assert all(r.score is not None for r in aligned.rows[: aligned.cursor])
        before = aligned.cursor
        await pilot.press("right_square_bracket")
        assert aligned.cursor > before and aligned.rows[aligned.cursor].score is not None
        await pilot.press("enter")  # back to the columns, on the row's passages
        assert not screen.query_one("#side-by-side").has_class("-aligned")
        row = aligned.rows[aligned.cursor]
        assert screen.view("left").cursor_span.start == row.left.start


async def test_follow_and_m_agree_and_show_the_score(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left, right = screen.view("left"), screen.view("right")
        body = left.article.body
        left.focus()
        await pilot.press("F")
        # A sentence with no counterpart: follow mode says so (no stale match), and so does m.
        left.move_cursor_to(body.index("building a cultural center in Vietnam"))
        await wait_until(pilot, lambda: "Follow: No similar passage" in _status(screen))
        await pilot.press("m")
        await wait_until(pilot, lambda: any("No similar passage" in m for m in notifications(app)))
        # The paraphrase is found, as a weak match with its score.
        left.move_cursor_to(body.index("safeguard the security of their political systems"))
        await wait_until(pilot, lambda: "(weak)" in _status(screen))
        cursor = right.cursor_span
        assert "prioritize national political security" in right.article.text(
            cursor.start, cursor.end
        )
        assert "similarity 0.1" in _status(screen)


async def test_the_active_column_title_stands_out(samples_dir: Path, db_path: Path) -> None:
    seed_annotation(samples_dir, db_path, LEFT, "six major goals", ("security",))
    async with running_app(samples_dir, db_path) as (app, pilot):
        screen = await open_side_by_side(app, pilot)
        left_title = screen.query_one("#left-title", Static)
        right_title = screen.query_one("#right-title", Static)
        await wait_until(pilot, lambda: screen.view("left").has_focus)
        await wait_until(
            pilot, lambda: left_title.styles.background != right_title.styles.background
        )
        right_meta = app.workspace.require_corpus().meta(RIGHT)
        assert str(right_title.render()) == f"{right_meta.source} · {right_meta.title}"
        focused_background = left_title.styles.background
        await pilot.press("tab")
        await wait_until(pilot, lambda: right_title.styles.background == focused_background)
        assert left_title.styles.background != focused_background
