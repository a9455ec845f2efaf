"""Several coders in the TUI: blind coding in the reader, and adjudicating a disagreement."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from annotations.anchoring import locate_quote, new_annotation
from annotations.coder import CONSENSUS
from annotations.corpus import Corpus
from annotations.model import Annotation
from annotations.store import AnnotationStore
from tests.tui_support import SIZE, open_reader, wait_until
from tui.app import NewsmarkApp
from tui.screens.agreement import AdjudicateScreen, AgreementScreen, DisagreementsScreen
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


async def test_blind_mode_shows_only_the_coders_own_highlights(samples_dir: Path,
                                                               db_path: Path) -> None:
    mine = seed(samples_dir, db_path, ANA_QUOTE, "ana", "economy")
    seed(samples_dir, db_path, BEN_QUOTE, "ben", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="ana"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open)
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
        await wait_until(pilot, lambda: app.workspace.is_open)
        view = await open_reader(app, pilot, ARTICLE)
        await pilot.pause()
        assert view.highlights == [] and panel_count(app) == 0
        assert app.workspace.annotation_counts() == {}
        await pilot.press("v", "t")
        await pilot.press(*"economy", "enter", "enter")
        await wait_until(pilot, lambda: panel_count(app) == 1)
    store = AnnotationStore.open(db_path)
    assert sorted(a.coder or "" for a in store.all()) == ["ana", "ben"]


async def test_adjudicate_a_disagreement_from_the_agreement_screen(samples_dir: Path,
                                                                   db_path: Path) -> None:
    # both code one sentence "security"; only ana codes another one
    both = "six major goals"
    seed(samples_dir, db_path, both, "ana", "security")
    seed(samples_dir, db_path, both, "ben", "security")
    ana_only = seed(samples_dir, db_path, ANA_QUOTE, "ana", "security")
    app = NewsmarkApp(Workspace(library=samples_dir, db_path=db_path, coder="lead"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.workspace.is_open)
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
        await pilot.press("1")  # keep ana's version
        await wait_until(pilot, lambda: isinstance(app.screen, DisagreementsScreen))
        store = app.workspace.require_store()
        await wait_until(pilot, lambda: any(a.coder == CONSENSUS for a in store.all()))
        [consensus] = [a for a in store.all() if a.coder == CONSENSUS]
        assert (consensus.start, consensus.end, consensus.tags) == (
            ana_only.start, ana_only.end, ("security",))
        option = listing.query_one("#disagreements", OptionList).get_option_at_index(0)
        assert str(option.prompt).startswith("✓")
        await pilot.press("u")  # one undo step
        await wait_until(pilot, lambda: not any(a.coder == CONSENSUS for a in store.all()))
