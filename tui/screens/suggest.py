"""Suggest: other places in the collection like a tagged passage, reviewed before tagging.

The screen asks `annotations.suggest` for the places (in a thread), lists them unselected,
and turns the ones the user picks into annotations with one store write (one undo step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from annotations.errors import NewsmarkError
from annotations.suggest import CONTEXT_CHARS, Suggestion, accept, suggest_for_tag
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.article import ArticleMeta
    from annotations.model import Annotation

MAX_SUGGESTIONS = 1000
PHRASE_CHARS = 60
TITLE_CHARS = 28
LIST_LEAD_CHARS = 20
KIND_WIDTH = len("case-insensitive")
MATCH_STYLE = "bold reverse"


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def kind_label(suggestion: Suggestion) -> str:
    """How the place matched: "exact", "case-insensitive" or "near 91"."""
    if suggestion.kind == "near":
        return f"near {suggestion.score:.0f}"
    return suggestion.kind


def emphasised_context(suggestion: Suggestion, lead_chars: int = CONTEXT_CHARS) -> Text:
    """The suggestion's context with the match emphasised (built, never parsed as markup).

    At most `lead_chars` (up to `CONTEXT_CHARS`) of the context before the match are kept.
    """
    context = suggestion.context
    lead = min(suggestion.start, CONTEXT_CHARS)
    match_end = lead + len(suggestion.quote)
    kept = min(lead, lead_chars)
    text = Text()
    if suggestion.start > kept:
        text.append("…", style="dim")
    text.append(context[lead - kept : lead])
    text.append(context[lead:match_end], style=MATCH_STYLE)
    text.append(context[match_end:])
    if len(context) - match_end >= CONTEXT_CHARS:
        text.append("…", style="dim")
    return text


def suggestion_prompt(suggestion: Suggestion, meta: ArticleMeta | None) -> Text:
    """One line of the list: outlet and title, how it matched, the context."""
    where = f"{meta.source or 'unknown outlet'} · {meta.title}" if meta else suggestion.article
    prompt = Text()
    prompt.append(shorten(where, TITLE_CHARS).ljust(TITLE_CHARS), style="dim")
    prompt.append("  ")
    style = "bold" if suggestion.kind == "exact" else "italic"
    prompt.append(kind_label(suggestion).ljust(KIND_WIDTH), style=style)
    prompt.append("  ")
    prompt.append_text(emphasised_context(suggestion, LIST_LEAD_CHARS))
    return prompt


def suggestion_detail(suggestion: Suggestion, meta: ArticleMeta | None) -> Text:
    """The highlighted suggestion in full: where it is, how it matched, the context."""
    detail = Text()
    if meta is not None:
        detail.append(meta.title, style="bold")
        detail.append(f"\n{meta.source or 'unknown outlet'}")
        if meta.date:
            detail.append(f" · {meta.date}")
    else:
        detail.append(suggestion.article, style="bold")
    detail.append(f" · {kind_label(suggestion)} match\n", style="dim")
    detail.append_text(emphasised_context(suggestion))
    return detail


class SuggestScreen(NewsmarkScreen):
    """Places like a phrase (or like the passages already tagged), to tag after review."""

    help_title = "Suggestions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="suggest.back"),
        Binding("a", "toggle_all", "Select all/none", id="suggest.toggle-all"),
        Binding(
            "enter,ctrl+s",
            "accept",
            "Accept selected",
            key_display="enter",
            priority=True,
            id="suggest.accept",
        ),
        Binding("o", "open_reader", "Open article", id="suggest.open"),
    ]

    def __init__(self, tags: tuple[str, ...], phrase: str | None = None) -> None:
        super().__init__()
        self.tags = tuple(tags)
        self.phrase = phrase
        self.suggestions: list[Suggestion] = []
        self._metas: dict[str, ArticleMeta] = {}
        self._saving = False
        self._header = ""  # what the places are like, and how many (`_show`)
        self.sub_title = f"Find similar: {', '.join(self.tags)}"

    @property
    def suggestion_list(self) -> SelectionList:
        """The list of suggested places."""
        return self.query_one("#suggest-list", SelectionList)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Looking for places like {self._like()}…"), id="suggest-message")
        yield SelectionList[Suggestion](id="suggest-list")
        yield Static(id="suggest-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Start looking (in a thread: fuzzy matching reads every article)."""
        self.query_one("#suggest-list").display = False
        self.query_one("#suggest-detail").display = False
        self.refresh_suggestions()

    def on_data_changed(self, _: DataChanged) -> None:
        """Annotations changed (accepted here, undone, tagged elsewhere): look again."""
        self.refresh_suggestions()

    def _like(self) -> str:
        """What the places are like: the phrase, else the passages already tagged."""
        tags = ", ".join(self.tags)
        if self.phrase is None:
            return f"the passages tagged {tags}"
        return f"“{shorten(self.phrase, PHRASE_CHARS)}” for tags: {tags}"

    @work(thread=True, exclusive=True, group="suggest")
    def refresh_suggestions(self) -> None:
        """Compute the suggestions from the collection and the current annotations."""
        workspace = self.workspace
        corpus = workspace.require_corpus()
        try:
            suggestions = suggest_for_tag(
                # In blind mode only this coder's passages are the model and "already
                # tagged" means tagged by this coder.
                corpus,
                workspace.visible_annotations(),
                self.tags,
                phrase=self.phrase,
                limit=MAX_SUGGESTIONS + 1,
            )
            metas = {s.article: corpus.meta(s.article) for s in suggestions}
        except NewsmarkError as error:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show_error, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, suggestions, metas)

    def _show(self, suggestions: list[Suggestion], metas: dict[str, ArticleMeta]) -> None:
        if not self.is_attached:
            return
        truncated = len(suggestions) > MAX_SUGGESTIONS
        self.suggestions = suggestions[:MAX_SUGGESTIONS]
        self._metas = metas
        selection_list = self.suggestion_list
        kept = set(selection_list.selected)
        highlighted = selection_list.highlighted
        selection_list.clear_options()
        selection_list.add_options(
            Selection(suggestion_prompt(s, metas.get(s.article)), s, s in kept)
            for s in self.suggestions
        )
        message = self.query_one("#suggest-message", Static)
        count = len(self.suggestions)
        has_any = count > 0
        selection_list.display = has_any
        self.query_one("#suggest-detail").display = has_any
        message.set_class(not has_any, "-empty")
        message.remove_class("-error")
        if not has_any:
            message.update(
                Text(
                    f"Nothing left to suggest: no untagged places like {self._like()}. "
                    "Escape goes back."
                )
            )
            return
        header = f"{count_noun(count, 'place')} like {self._like()}"
        if truncated:
            header += f" (the first {MAX_SUGGESTIONS})"
        self._header = header
        self._show_selected()
        selection_list.highlighted = min(highlighted or 0, count - 1)
        selection_list.focus()
        self._show_detail()

    def _show_error(self, error: str) -> None:
        if not self.is_attached:
            return
        self.suggestions = []
        selection_list = self.suggestion_list
        selection_list.clear_options()
        selection_list.display = False
        self.query_one("#suggest-detail").display = False
        message = self.query_one("#suggest-message", Static)
        message.add_class("-error")
        message.update(Text(f"Cannot suggest: {error}"))
        self.notify(error, title="No suggestions", severity="error", markup=False)

    @on(SelectionList.SelectedChanged, "#suggest-list")
    def _show_selected(self) -> None:
        """The header, with how many places are selected (the list marks them only by
        colour)."""
        if not self.suggestions:
            return
        selected = len(self.suggestion_list.selected)
        self.query_one("#suggest-message", Static).update(
            Text(
                f"{self._header} · {selected:,} selected  ·  space select · a all · "
                "enter accept · o open"
            )
        )

    @on(SelectionList.SelectionHighlighted, "#suggest-list")
    def _show_detail(self) -> None:
        suggestion = self.highlighted_suggestion()
        if suggestion is not None:
            detail = suggestion_detail(suggestion, self._metas.get(suggestion.article))
            self.query_one("#suggest-detail", Static).update(detail)

    def highlighted_suggestion(self) -> Suggestion | None:
        """The suggestion under the list's cursor."""
        index = self.suggestion_list.highlighted
        if index is None or index >= len(self.suggestions):
            return None
        return self.suggestions[index]

    def selected_suggestions(self) -> list[Suggestion]:
        """The chosen suggestions, in list order."""
        chosen = set(self.suggestion_list.selected)
        return [s for s in self.suggestions if s in chosen]

    # Actions -------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        """Select every suggestion, or none when all are selected."""
        selection_list = self.suggestion_list
        if len(selection_list.selected) == len(self.suggestions):
            selection_list.deselect_all()
        else:
            selection_list.select_all()

    def action_accept(self) -> None:
        """Tag the selected places: one write, one undo step."""
        if self._saving:
            self.notify("Still saving the last ones…", markup=False)
            return
        chosen = self.selected_suggestions()
        if not chosen:
            self.notify("Nothing selected: space selects a place, a selects all.", markup=False)
            return
        workspace = self.workspace
        try:
            annotations = accept(chosen, workspace.require_corpus(), tags=self.tags)
        except NewsmarkError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        store = workspace.require_store()

        def write(new: list[Annotation]) -> None:
            try:
                store.put_many(new)
            except Exception:
                self._saving = False
                raise

        def saved(_: None) -> None:
            self._saving = False
            self.suggestion_list.deselect_all()
            self.notify(
                f"Tagged {count_noun(len(annotations), 'passage')} with {', '.join(self.tags)};"
                " u undoes it.",
                title="Saved",
                markup=False,
            )

        self._saving = True
        self.newsmark.perform("accept suggestions", write, annotations, on_done=saved)

    def action_open_reader(self) -> None:
        """Read the article at the highlighted place."""
        suggestion = self.highlighted_suggestion()
        if suggestion is not None:
            self.newsmark.open_reader(suggestion.article, offset=suggestion.start)
