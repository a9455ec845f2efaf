"""Several coders in the TUI: blind coding in the reader and every other screen, the export
dialog's coder filter, and adjudicating a disagreement."""

from __future__ import annotations

from pathlib import Path

import orjson
from textual.widgets import DataTable, Input, OptionList, SelectionList, Static

from annotations.anchoring import locate_quote, new_annotation
from annotations.coder import CONSENSUS
from annotations.corpus import Corpus
from annotations.model import Annotation
from annotations.store import AnnotationStore
from tests.tui_support import (
    ORPHANED_QUOTE,
    SIZE,
    notifications,
    open_orphans,
    open_reader,
    wait_until,
)
from tui.app import NewsmarkApp
from tui.screens.agreement import AdjudicateScreen, AgreementScreen, DisagreementsScreen
from tui.screens.annotation_browser import AnnotationBrowserScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.stats import StatsScreen
from tui.screens.suggest import SuggestScreen
from tui.screens.tag_browser import TagBrowserScreen
from tui.widgets.annotation_table import AnnotationTable
from tui.widgets.article_view import ArticleView
from tui.workspace import Workspace

ARTICLE = "000_e730ce0a32d34978"
ANA_QUOTE = "make the pie of common interests even bigger"
BEN_QUOTE = "six major goals"


def seed(library: Path, db_path: Path, quote: str, coder: str, *tags: str) -> Annotation:
    article = Corpus.open(library).article(ARTICLE)
    span = locate_quote(article.body, quote)
    made = new_annotation(article, span.start, span.end, tags=tags).with_changes(coder=coder)
    return AnnotationStore.open(db_path).add(made)


def panel_count(app: NewsmarkApp) -> int:
    return app.screen.query_one("#reader-annotations", OptionList).option_count


async def test_blind_mode_shows_only_the_coders_own_highlights(
    samples_dir: Path, db_path: Path
) -> None:
    mine = seed(samples_dir, db_path, ANA_QUOTE, "ana", "economy")
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="ana"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        view = await open_reader(app, pilot, ARTICLE)
        await wait_until(pilot, lambda: panel_count(app) == 2)
        assert len(view.highlights) == 2
        await pilot.press("B")
        await wait_until(pilot, lambda: panel_count(app) == 1)
        assert [h.annotation_id for h in view.highlights] == [mine.id]
        assert "(blind)" in app.sub_title
        await pilot.press("B")
        await wait_until(pilot, lambda: panel_count(app) == 2)
        assert len(view.highlights) == 2


async def test_blind_from_the_start_and_new_highlights_get_the_coder(
    samples_dir: Path, db_path: Path
) -> None:
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="ana", blind=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.pause()
        assert view.highlights == [] and panel_count(app) == 0
        assert app.workspace.annotation_counts() == {}
        await pilot.press("v", "t")
        await pilot.press(*"economy", "enter", "enter")
        await wait_until(pilot, lambda: panel_count(app) == 1)
    store = AnnotationStore.open(db_path)
    assert sorted(a.coder or "" for a in store.all()) == ["ana", "ben"]


def ana_app(library: Path, db_path: Path, *, blind: bool = False) -> NewsmarkApp:
    return NewsmarkApp(Workspace(library=library, db_path=db_path, coder="ana", blind=blind))


async def library_shown(app: NewsmarkApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
    await wait_until(pilot, lambda: bool(app.screen.query("#articles")))
    await pilot.pause()


async def test_blind_mode_in_the_annotation_browser_tag_browser_and_stats(
    samples_dir: Path, db_path: Path
) -> None:
    mine = seed(samples_dir, db_path, ANA_QUOTE, "ana", "economy")
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")
    app = ana_app(samples_dir, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await library_shown(app, pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationBrowserScreen))
        table = app.screen.query_one(AnnotationTable)
        await wait_until(pilot, lambda: len(table.rows) == 2)
        app.action_toggle_blind()
        await wait_until(pilot, lambda: [r.annotation.id for r in table.rows] == [mine.id])
        assert "1 of 1 annotation" in str(
            app.screen.query_one("#annotation-status", Static).render()
        )

        await pilot.press("escape", "g")
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        tags = app.screen.query_one("#tag-table", DataTable)
        await wait_until(pilot, lambda: tags.row_count == 1)
        assert str(tags.get_row_at(0)[1]) == "economy"
        assert app.workspace.tag_names() == ["economy"]  # the tag dialog's type-ahead too

        await pilot.press("escape", "S")
        await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen))
        stats = app.screen.query_one("#stats-tags", DataTable)
        await wait_until(pilot, lambda: stats.row_count == 1)
        assert (str(stats.get_row_at(0)[0]), stats.get_row_at(0)[1]) == ("economy", 1)
        app.action_toggle_blind()
        await wait_until(pilot, lambda: stats.row_count == 2)


async def test_blind_mode_does_not_change_a_tag_on_other_coders_annotations(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) Deleting a tag in blind mode removed it from the other coder's
    annotations, which blind mode hides, after asking about this coder's count."""
    seed(samples_dir, db_path, ANA_QUOTE, "ana", "party")
    bens = seed(samples_dir, db_path, BEN_QUOTE, "ben", "party")
    app = ana_app(samples_dir, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await library_shown(app, pilot)
        app.action_toggle_blind()
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, TagBrowserScreen))
        tags = app.screen.query_one("#tag-table", DataTable)
        await wait_until(pilot, lambda: tags.row_count == 1)
        for key in ("x", "r", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, TagBrowserScreen), key  # no dialog asked
        said = [m for m in notifications(app) if m.startswith("Blind coding: renaming")]
        assert len(said) == 3
        assert app.workspace.require_store().get(bens.id).tags == ("party",)


async def test_blind_mode_lists_only_the_coders_own_orphans(
    library_copy: Path, db_path: Path
) -> None:
    seed(library_copy, db_path, ORPHANED_QUOTE, "ana", "economy")
    seed(library_copy, db_path, ORPHANED_QUOTE, "ben", "economy")
    path = library_copy / f"{ARTICLE}.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace(ORPHANED_QUOTE, "grow trade"), encoding="utf-8"
    )
    app = ana_app(library_copy, db_path, blind=True)
    async with app.run_test(size=SIZE) as pilot:
        await library_shown(app, pilot)
        await open_orphans(app, pilot, count=1)
        assert app.screen.query_one("#orphan-table").border_title == "1 orphaned annotation"
        app.action_toggle_blind()
        await wait_until(
            pilot, lambda: app.screen.query_one("#orphan-table", DataTable).row_count == 2
        )


async def test_blind_suggestions_ignore_other_coders_annotations(
    samples_dir: Path, db_path: Path
) -> None:
    theirs = seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")

    async def suggested(blind: bool) -> set[tuple[str, int]]:
        app = ana_app(samples_dir, db_path, blind=blind)
        async with app.run_test(size=SIZE) as pilot:
            await library_shown(app, pilot)
            app.open_suggestions(["security"], phrase=BEN_QUOTE)
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, SuggestScreen)
                    and bool(app.screen.query("#suggest-message"))
                ),
            )
            screen = app.screen
            assert isinstance(screen, SuggestScreen)
            message = screen.query_one("#suggest-message", Static)
            await wait_until(
                pilot,
                lambda: (
                    screen.query_one(SelectionList).option_count > 0 or message.has_class("-empty")
                ),
            )
            return {(s.article, s.start) for s in screen.suggestions}

    # ben's passage is "already tagged" only when his annotations count
    assert (theirs.article, theirs.start) not in await suggested(blind=False)
    assert (theirs.article, theirs.start) in await suggested(blind=True)


async def test_export_dialog_filters_by_coder_and_blind_exports_only_yours(
    samples_dir: Path, db_path: Path, tmp_path: Path
) -> None:
    seed(samples_dir, db_path, ANA_QUOTE, "ana", "economy")
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")

    async def export(
        app: NewsmarkApp,
        pilot,
        target: Path,
        coders: str | None,  # type: ignore[no-untyped-def]
    ) -> tuple[ExportDialog, Input]:
        await pilot.press("e")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ExportDialog) and bool(app.screen.query("#export-coders"))
            ),
        )
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        next(b for b in dialog.query("#export-format RadioButton") if b.name == "json").value = True
        field = dialog.query_one("#export-coders", Input)
        if coders is not None:
            field.value = coders
        dialog.query_one("#export-destination").query("RadioButton").last().value = True
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        return dialog, field

    def coders_in(target: Path) -> list[str]:
        return [a["coder"] for a in orjson.loads(target.read_bytes())["annotations"]]

    app = ana_app(samples_dir, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await library_shown(app, pilot)
        await export(app, pilot, tmp_path / "ben.json", "BEN, nobody")
        await wait_until(pilot, lambda: (tmp_path / "ben.json").exists())
        assert coders_in(tmp_path / "ben.json") == ["ben"]
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))
        dialog, _ = await export(app, pilot, tmp_path / "bad.json", "x" * 100)
        error = dialog.query_one("#export-error", Static)
        await wait_until(pilot, lambda: "at most 64 characters" in str(error.render()))
        assert not (tmp_path / "bad.json").exists()

    app = ana_app(samples_dir, db_path, blind=True)
    async with app.run_test(size=SIZE) as pilot:
        await library_shown(app, pilot)
        _, field = await export(app, pilot, tmp_path / "mine.json", None)
        assert field.disabled and field.value == "ana"
        await wait_until(pilot, lambda: (tmp_path / "mine.json").exists())
        assert coders_in(tmp_path / "mine.json") == ["ana"]
        await wait_until(
            pilot, lambda: any("Exported 1 annotation" in m for m in notifications(app))
        )


async def test_adjudicate_a_disagreement_from_the_agreement_screen(
    samples_dir: Path, db_path: Path
) -> None:
    # both code one sentence "security"; only ana codes another one
    both = "six major goals"
    seed(samples_dir, db_path, both, "ana", "security")
    seed(samples_dir, db_path, both, "ben", "security")
    ana_only = seed(samples_dir, db_path, ANA_QUOTE, "ana", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="lead"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        await pilot.pause()
        app.action_agreement()
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen))
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        await wait_until(pilot, lambda: screen.report is not None)
        assert screen.report is not None
        assert screen.report.coders == ("ana", "ben")
        assert screen.report.tags["security"].coded == {"ana": 2, "ben": 1}
        tags = screen.query_one("#agreement-tags", OptionList)
        tags.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DisagreementsScreen))
        listing = app.screen
        assert isinstance(listing, DisagreementsScreen)
        [item] = listing.disagreements
        assert item.coded_by == ("ana",)
        assert item.start <= ana_only.start < ana_only.end <= item.end
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AdjudicateScreen))
        view = app.screen.query_one(ArticleView)
        await wait_until(pilot, lambda: view.article_layout is not None)
        # each coder's highlights in their own colour
        assert len({h.colour for h in view.highlights}) == 2
        # keys to keep a version only for the two coders compared
        offered = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Keep coder 1", "Keep coder 2"} <= offered
        assert "Keep coder 3" not in offered
        await pilot.press("x")  # neither, where nothing was decided: nothing to write
        await wait_until(pilot, lambda: isinstance(app.screen, DisagreementsScreen))
        assert any(
            m.startswith("Neither version: the consensus has no") for m in notifications(app)
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AdjudicateScreen))
        await wait_until(
            pilot, lambda: app.screen.query_one(ArticleView).article_layout is not None
        )
        await pilot.press("1")  # keep ana's version
        await wait_until(pilot, lambda: isinstance(app.screen, DisagreementsScreen))
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: any(a.coder == CONSENSUS for a in store.all()))
        [consensus] = [a for a in store.all() if a.coder == CONSENSUS]
        assert (consensus.start, consensus.end, consensus.tags) == (
            ana_only.start,
            ana_only.end,
            ("security",),
        )
        option = listing.query_one("#disagreements", OptionList).get_option_at_index(0)
        assert str(option.prompt).startswith("✓")
        await pilot.press("u")  # one undo step
        await wait_until(pilot, lambda: not any(a.coder == CONSENSUS for a in store.all()))
        await pilot.press("enter")  # again, keeping both (`b` is also the article's key)
        await wait_until(pilot, lambda: isinstance(app.screen, AdjudicateScreen))
        await wait_until(
            pilot, lambda: app.screen.query_one(ArticleView).article_layout is not None
        )
        await pilot.press("b")
        await wait_until(pilot, lambda: any(a.coder == CONSENSUS for a in store.all()))
        # The sentence both coded goes into the consensus as it is, with `A`.
        await wait_until(pilot, lambda: isinstance(app.screen, DisagreementsScreen))
        [agreed] = listing.agreements
        title = listing.query_one("#disagreements-title", Static)
        assert "1 they agree on, 0 in the consensus (A: put them all in)" in str(title.render())
        listing.action_accept_agreements()  # twice before the first write lands (as two
        listing.action_accept_agreements()  # windows would): decided under the write lock

        def accepted() -> list[object]:
            return [
                a
                for a in store.all()
                if a.coder == CONSENSUS and agreed.start <= a.start < a.end <= agreed.end
            ]

        await wait_until(pilot, lambda: len(accepted()) == 1)
        await pilot.pause(0.3)
        assert len(accepted()) == 1
        await wait_until(
            pilot, lambda: "1 they agree on, 1 in the consensus" in str(title.render())
        )
        assert "(A:" not in str(title.render())


async def test_a_misspelt_coder_leaves_the_names_box_focused(
    samples_dir: Path, db_path: Path
) -> None:
    """(Found by a tester.) After the error, typed letters went to the screen: `n` changed
    the unit, `e` opened the export dialog."""
    seed(samples_dir, db_path, ANA_QUOTE, "ana", "security")
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="lead"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open and not app.workspace.indexing)
        app.action_agreement()
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen))
        await wait_until(pilot, lambda: bool(app.screen.query("#agreement-coders")))
        box = app.screen.query_one("#agreement-coders", Input)
        box.focus()
        box.value = "ana, benana"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.report is None and box.has_focus
        unit = app.screen.unit
        await pilot.press("n")
        assert app.screen.unit == unit and box.value.endswith("n")  # typed into the box
