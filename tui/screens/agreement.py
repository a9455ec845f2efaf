"""Agreement and adjudication: how far the coders agree per tag, where they disagree, and
settling each disagreement as a consensus annotation.

`AgreementScreen` shows the table per tag (coders typed in a box, every coder but
`consensus` by default); enter on a tag lists the units where the coders disagree
(`DisagreementsScreen`); enter on one opens `AdjudicateScreen`: the article with each
coder's highlights of that tag in the coder's colour, where `1`–`9` keep that coder's
version, `b` everyone's (both) and `x` neither; the consensus is written under the coder
`consensus`, one undo step per decision.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.adjudicate import accept_agreements, adjudicate, uncovered
from annotations.agreement import (
    AgreementError,
    AgreementReport,
    CodedUnit,
    Scores,
    UnitKind,
    compute_agreement,
)
from annotations.coder import CONSENSUS, coder_key
from annotations.errors import NewsmarkError
from annotations.store.store import Replacement
from annotations.tags import tag_key
from tui.messages import DataChanged
from tui.screens.annotating import clip
from tui.screens.base import NewsmarkScreen
from tui.widgets.article_render import Highlight
from tui.widgets.article_view import ArticleView
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

# Each compared coder's highlight colour, by position; the consensus has its own.
CODER_COLOURS = (
    "#4e79a7",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#f28e2b",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
)
CONSENSUS_COLOUR = "#bab0ac"
UNITS = tuple(UnitKind)


def coder_colour(index: int) -> str:
    """The colour of the `index`-th compared coder."""
    return CODER_COLOURS[index % len(CODER_COLOURS)]


def _number(value: float | None) -> str:
    return "   —  " if value is None else f"{value:6.3f}"


def scores_line(name: str, scores: Scores, coders: tuple[str, ...]) -> Text:
    """One row of the agreement table."""
    coded = "  ".join(f"{clip(c, 12)} {scores.coded[c]}" for c in coders)
    line = Text(
        f"{clip(name, 24):<24} α {_number(scores.alpha)}  κ {_number(scores.kappa)}  "
        f"agree {_number(scores.agreement)}  "
    )
    line.append(f"coded: {coded}  by all {scores.both}", style="dim")
    return line


class AgreementScreen(NewsmarkScreen):
    """Agreement per tag between the coders typed in the box."""

    help_title = "Agreement"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="agreement.back"),
        Binding(
            "n",
            "next_unit",
            "Unit",
            tooltip="sentence → paragraph → character",
            id="agreement.unit",
        ),
    ]

    def __init__(self, coders: tuple[str, ...] = (), unit: UnitKind = UnitKind.SENTENCE) -> None:
        super().__init__()
        self.coders = coders
        self.unit = unit
        self.report: AgreementReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Coders to compare, separated by commas (enter)", id="agreement-coders"
        )
        yield Static(id="agreement-title")
        yield OptionList(id="agreement-tags")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Compare every coder but `consensus`, unless told whom."""
        store = self.workspace.require_store()
        if not self.coders:
            self.coders = tuple(c for c in store.coders() if coder_key(c) != CONSENSUS)
        self.query_one("#agreement-coders", Input).value = ", ".join(self.coders)
        self._compute()
        self.query_one("#agreement-tags", OptionList).focus()

    def on_data_changed(self, _: DataChanged) -> None:
        """Annotations changed: compute again."""
        self._compute()

    @on(Input.Submitted, "#agreement-coders")
    def _coders_given(self, event: Input.Submitted) -> None:
        self.coders = tuple(part.strip() for part in event.value.split(",") if part.strip())
        self._compute()
        if self.report is not None:  # (else the names are mended where they were typed)
            self.query_one("#agreement-tags", OptionList).focus()

    def action_next_unit(self) -> None:
        """Units: sentence → paragraph → character → sentence."""
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self._compute()

    def _compute(self) -> None:
        workspace = self.workspace
        corpus = workspace.require_corpus()
        title = self.query_one("#agreement-title", Static)
        tags = self.query_one("#agreement-tags", OptionList)
        tags.clear_options()
        try:
            self.report = compute_agreement(
                workspace.require_store().all(), self.coders, corpus.article, unit=self.unit
            )
        except NewsmarkError as error:
            self.report = None
            title.update(Text(str(error)))
            return
        report = self.report
        title.update(
            Text(
                f"{', '.join(report.coders)}: {report.units} {report.unit}s in "
                f"{count_noun(len(report.articles), 'article')} coded by all "
                "(n: unit)",
                style="bold",
            )
        )
        tags.add_options(
            Option(scores_line(tag, scores, report.coders), id=f"tag:{tag}")
            for tag, scores in report.tags.items()
        )
        tags.add_option(
            Option(scores_line("overall", report.overall, report.coders), disabled=True)
        )

    @on(OptionList.OptionSelected, "#agreement-tags")
    def _tag_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.report is None or event.option.id is None:
            return
        self.app.push_screen(
            DisagreementsScreen(self.report.coders, self.unit, event.option.id.removeprefix("tag:"))
        )


class DisagreementsScreen(NewsmarkScreen):
    """The units where the coders disagree on one tag."""

    help_title = "Disagreements"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="disagreements.back"),
        Binding(
            "A",
            "accept_agreements",
            "Accept agreements",
            tooltip="Put the units every coder coded into the consensus",
            id="disagreements.accept",
        ),
    ]

    def __init__(self, coders: tuple[str, ...], unit: UnitKind, tag: str) -> None:
        super().__init__()
        self.coders = coders
        self.unit = unit
        self.tag = tag
        self.disagreements: list[CodedUnit] = []
        self.agreements: list[CodedUnit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="disagreements-title")
        yield OptionList(id="disagreements")
        yield KeyFooter()

    def on_mount(self) -> None:
        """List the disagreements."""
        self._reload()
        self.query_one("#disagreements", OptionList).focus()

    def on_data_changed(self, _: DataChanged) -> None:
        """A decision was written (or undone): mark which units have a consensus."""
        self._reload()

    def _reload(self) -> None:
        workspace = self.workspace
        corpus = workspace.require_corpus()
        annotations = workspace.require_store().all()
        try:
            report = compute_agreement(
                annotations, self.coders, corpus.article, tags=[self.tag], unit=self.unit
            )
        except AgreementError:  # the tag or a coder is gone (an undo in another window)
            self.disagreements, self.agreements = [], []
        else:
            self.disagreements = report.disagreements.get(self.tag, [])
            self.agreements = report.agreements.get(self.tag, [])
        consensus = [
            (a.article, a.start, a.end)
            for a in annotations
            if coder_key(a.coder or "") == CONSENSUS
            and any(tag_key(t) == tag_key(self.tag) for t in a.tags)
        ]
        listing = self.query_one("#disagreements", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()

        def settled(item: CodedUnit) -> bool:
            return any(
                article == item.article and start < item.end and item.start < end
                for article, start, end in consensus
            )

        for item in self.disagreements:
            body = corpus.article(item.article).body
            line = Text("✓ " if settled(item) else "  ", style="green")
            line.append(f"{item.article[:12]} {item.label}  ", style="bold")
            line.append(f"coded by {', '.join(item.coded_by)}  ", style="dim")
            line.append(clip(body[item.start : item.end], 70))
            listing.add_option(Option(line))
        if self.disagreements:
            listing.highlighted = min(highlighted or 0, len(self.disagreements) - 1)

        def accepted(item: CodedUnit) -> bool:  # (a run of characters: when all of it is)
            if self.unit is not UnitKind.CHARACTER:
                return settled(item)
            spans = [(start, end) for article, start, end in consensus if article == item.article]
            return not uncovered(item.start, item.end, spans)

        in_consensus = sum(map(accepted, self.agreements))
        agreed = f"; {len(self.agreements)} they agree on, {in_consensus} in the consensus" + (
            " (A: put them all in)" if in_consensus < len(self.agreements) else ""
        )
        self.query_one("#disagreements-title", Static).update(
            Text(
                f"{self.tag}: {len(self.disagreements)} {self.unit}s where "
                f"{', '.join(self.coders)} disagree (enter: adjudicate){agreed}",
                style="bold",
            )
        )

    def action_accept_agreements(self) -> None:
        """Put every unit the coders agree on (all coded it) into the consensus, as it is
        (units decided already keep their decision): one undo step."""
        workspace = self.workspace
        store = workspace.require_store()
        decide = partial(
            accept_agreements,
            self.agreements,
            load_article=workspace.article,
            tag=self.tag,
            whole_units=self.unit is not UnitKind.CHARACTER,
        )
        decision = decide(store.all())
        if not decision.add:
            self.notify("Every unit the coders agree on is in the consensus.", markup=False)
            return

        def done(written: Replacement) -> None:
            self.notify(f"Consensus written ({written.description}); u undoes it.", markup=False)

        articles = {item.article for item in self.agreements}
        self.newsmark.perform(  # (decided again on the annotations under the write lock)
            "write the consensus",
            partial(store.replace_decided, articles, decide),
            on_done=done,
        )

    @on(OptionList.OptionSelected, "#disagreements")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        item = self.disagreements[event.option_index]
        self.app.push_screen(AdjudicateScreen(self.coders, self.tag, item))


class AdjudicateScreen(NewsmarkScreen):
    """One disagreement in its article, each coder's highlights in their colour."""

    help_title = "Adjudicate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="adjudicate.back"),
        *(
            Binding(
                str(n), f"keep({n - 1})", f"Keep coder {n}", show=n <= 3, id=f"adjudicate.keep{n}"
            )
            for n in range(1, 10)
        ),
        # (Before the article's own keys: `b` is its previous word.)
        Binding("b", "keep_all", "Keep both", priority=True, id="adjudicate.both"),
        Binding("x", "keep_none", "Keep neither", priority=True, id="adjudicate.neither"),
    ]

    def __init__(self, coders: tuple[str, ...], tag: str, item: CodedUnit) -> None:
        super().__init__()
        self.coders = coders
        self.tag = tag
        self.item = item

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="adjudicate-legend")
        yield ArticleView(id="adjudicate-view")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the article at the disagreement, with every coder's highlights."""
        workspace = self.workspace
        article = workspace.article(self.item.article)
        self.sub_title = f"{self.tag} · {self.item.label}"
        view = self.query_one("#adjudicate-view", ArticleView)
        view.set_article(article)
        self._draw()
        view.move_cursor_to(self.item.start)
        view.scroll_to_offset(self.item.start)
        view.focus()
        legend = Text()
        for index, coder in enumerate(self.coders):
            legend.append(f" {index + 1} ", style=f"bold on {coder_colour(index)}")
            legend.append(f" {coder}  ")
        legend.append(" consensus ", style=f"on {CONSENSUS_COLOUR}")
        legend.append(f"   {self.tag}, {self.item.label}: b both · x neither")
        self.query_one("#adjudicate-legend", Static).update(legend)

    def on_data_changed(self, _: DataChanged) -> None:
        """Redraw (a decision was written, or undone)."""
        self._draw()

    def _draw(self) -> None:
        store = self.workspace.require_store()
        keys = [coder_key(c) for c in self.coders]
        highlights = []
        for annotation in store.for_article(self.item.article):
            if not any(tag_key(t) == tag_key(self.tag) for t in annotation.tags):
                continue
            key = coder_key(annotation.coder or "")
            if key == CONSENSUS:
                colour = CONSENSUS_COLOUR
            elif key in keys:
                colour = coder_colour(keys.index(key))
            else:
                continue
            highlights.append(Highlight(annotation.start, annotation.end, colour, annotation.id))
        self.query_one("#adjudicate-view", ArticleView).set_highlights(highlights)

    def _decide(self, keep: tuple[str, ...]) -> None:
        workspace = self.workspace
        store = workspace.require_store()
        decide = partial(
            adjudicate,
            workspace.article(self.item.article),
            start=self.item.start,
            end=self.item.end,
            tag=self.tag,
            keep=keep,
            label=self.item.label,
        )
        decision = decide(store.for_article(self.item.article))

        if not decision.delete and not decision.add:  # neither, where nothing was decided
            self.notify(
                f"Neither version: the consensus has no {self.tag} here, as before (nothing "
                "to write; the unit stays unticked).",
                markup=False,
            )
            self.app.pop_screen()
            return

        def done(written: Replacement) -> None:
            self.notify(f"Consensus written ({written.description}); u undoes it.", markup=False)
            if self.app.screen is self:
                self.app.pop_screen()

        self.newsmark.perform(  # (decided again on the annotations under the write lock)
            "write the consensus",
            partial(store.replace_decided, [self.item.article], decide),
            on_done=done,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a "Keep coder N" key only for the coders compared."""
        if action == "keep" and parameters:
            index = parameters[0]
            return isinstance(index, int) and index < len(self.coders)
        return True

    def action_keep(self, index: int) -> None:
        """Keep the version of the coder with this number."""
        if index < len(self.coders):
            self._decide((self.coders[index],))

    def action_keep_all(self) -> None:
        """Keep every coder's version (their union)."""
        self._decide(self.coders)

    def action_keep_none(self) -> None:
        """Keep neither version: no consensus annotation of the tag here."""
        self._decide(())
