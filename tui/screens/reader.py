"""The reader: one article in a comfortable column, its annotations in a side panel."""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from annotations.errors import NewsmarkError
from annotations.model import Anchor, Annotation
from tui.highlights import highlight_colour
from tui.screens.annotating import AnnotatingScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.footer import KeyFooter
from tui.wording import count_noun

PANEL_QUOTE_CHARS = 120


def annotation_prompt(annotation: Annotation, colour: str) -> Text:
    """A side-panel entry: a colour swatch, the tags, then the start of the quote."""
    prompt = Text()
    prompt.append("▌", style=colour)
    prompt.append(", ".join(annotation.tags) or "untagged", style="bold")
    if annotation.anchor == Anchor.FUZZY:
        prompt.append("  (moved)", style="dim")
    quote = " ".join(annotation.quote.split())
    if len(quote) > PANEL_QUOTE_CHARS:
        quote = quote[: PANEL_QUOTE_CHARS - 1] + "…"
    prompt.append(f"\n {quote}")
    if annotation.note:
        prompt.append(f"\n Note: {annotation.note}", style="italic")
    return prompt


class ReaderScreen(AnnotatingScreen):
    """Read one article; highlight, tag and copy passages."""

    help_title = "Reader"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", "Find", key_display="/", id="reader.find"),
        Binding("a", "toggle_panel", "Annotations", id="reader.panel"),
        Binding("tab", "switch_focus", "Panel/text", show=False, id="reader.focus"),
    ]

    def __init__(self, article_id: str, *, offset: int | None = None,
                 find: str | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self._offset = offset
        self._find_first = find
        self._panel: list[Annotation] = []
        self._panel_entries: list[tuple[Annotation, str]] | None = None  # none shown yet
        self._panel_options: dict[str, tuple[tuple[Annotation, str], Option]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reader"):
            yield ArticleView(id="reader-view")
            with Vertical(id="reader-panel"):
                yield Static(Text("Annotations", style="bold"), id="reader-panel-title")
                yield OptionList(id="reader-annotations")
        yield Input(placeholder="Find in article (enter; then n / N)", id="reader-find")
        yield Static(id="article-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the article once the data is open."""
        self.query_one("#reader-find", Input).display = False
        self.query_one("#reader-panel").display = self.newsmark.settings.annotation_panel
        if self.newsmark.workspace.is_open:
            # After the first refresh, so the Header can show the article title.
            self.call_after_refresh(self.load_articles)

    def load_articles(self) -> None:
        """Load the article, draw its highlights and go to the requested offset."""
        view = self.query_one("#reader-view", ArticleView)
        try:
            article = self.newsmark.workspace.article(self.article_id)
        except NewsmarkError as error:
            self.leave_unreadable(error)
            return
        self.sub_title = article.meta.title
        view.set_article(article)
        self.refresh_highlights()
        if self._find_first:
            view.set_search(self._find_first)
            self.query_one("#reader-find", Input).value = self._find_first
        if self._offset is not None:
            offset = min(self._offset, len(article.body))  # the article may have shrunk
            view.move_cursor_to(offset)
            view.scroll_to_offset(offset)
        view.focus()

    def reading_position(self) -> tuple[str, int] | None:
        """The article shown and the cursor's offset in it (None before it is shown)."""
        view = self.query_one("#reader-view", ArticleView)
        if view.article is None:
            return None
        return view.article.id, view.cursor_offset

    def refresh_highlights(self) -> None:
        """Redraw highlights now and the annotation panel right after.

        The panel wraps an entry per annotation, which takes tens of milliseconds in an
        article with a hundred of them. Rebuilding it after the highlights are painted lets
        a save show at once, and entries of unchanged annotations are reused as they are
        (their text already wrapped); an unchanged panel is left alone.
        """
        super().refresh_highlights()
        self.call_after_refresh(self._refresh_panel)

    def _refresh_panel(self) -> None:
        workspace = self.newsmark.workspace
        view = self.query_one("#reader-view", ArticleView)
        if not workspace.is_open or view.article is None:
            return
        colours = workspace.tag_colours()
        annotations = workspace.annotations_for(view.article.id)
        entries = [(a, highlight_colour(a, colours)) for a in annotations]
        if entries == self._panel_entries:
            return
        self._panel, self._panel_entries = annotations, entries
        panel = self.query_one("#reader-annotations", OptionList)
        highlighted = panel.highlighted
        panel.clear_options()
        panel.add_options(self._panel_option(a, colour) for a, colour in entries)
        self._panel_options = {a.id: self._panel_options[a.id] for a, _ in entries}
        if self._panel:
            panel.highlighted = min(highlighted or 0, len(self._panel) - 1)
        title = f"Annotations ({len(self._panel)})"
        self.query_one("#reader-panel-title", Static).update(Text(title, style="bold"))
        self.update_status()  # it may have described an entry that is gone

    def _panel_option(self, annotation: Annotation, colour: str) -> Option:
        """The panel entry for an annotation; the same object while the annotation is
        unchanged, so the list reuses its laid-out text instead of wrapping it again."""
        cached = self._panel_options.get(annotation.id)
        if cached is not None and cached[0] == (annotation, colour):
            return cached[1]
        option = Option(annotation_prompt(annotation, colour), id=annotation.id)
        self._panel_options[annotation.id] = ((annotation, colour), option)
        return option

    def chosen_in_list(self) -> Annotation | None:
        """The panel's highlighted entry while the panel has the focus."""
        panel = self.query_one("#reader-annotations", OptionList)
        index = panel.highlighted
        if not panel.has_focus or index is None or index >= len(self._panel):
            return None
        return self._panel[index]

    @on(OptionList.OptionHighlighted, "#reader-annotations")
    def _entry_highlighted(self) -> None:
        self.update_status()

    @on(OptionList.OptionSelected, "#reader-annotations")
    def _annotation_chosen(self, event: OptionList.OptionSelected) -> None:
        annotation = self._panel[event.option_index]
        view = self.query_one("#reader-view", ArticleView)
        if annotation.anchor == Anchor.ORPHANED:
            self.notify("This annotation's quote is no longer in the article.", markup=False)
            return
        view.move_cursor_to(annotation.start)
        view.scroll_to_offset(annotation.start)
        view.focus()

    @on(ArticleView.HighlightClicked)
    def _highlight_clicked(self, event: ArticleView.HighlightClicked) -> None:
        """Point the side panel at the clicked highlight (the cursor is already on it)."""
        panel = self.query_one("#reader-annotations", OptionList)
        # The panel may not have caught up with a change made elsewhere yet.
        with suppress(OptionDoesNotExist):
            panel.highlighted = panel.get_option_index(event.annotation_id)

    def action_find(self) -> None:
        """Open the find box."""
        find = self.query_one("#reader-find", Input)
        find.display = True
        find.focus()

    @on(Input.Submitted, "#reader-find")
    def _find(self, event: Input.Submitted) -> None:
        view = self.query_one("#reader-view", ArticleView)
        count = view.set_search(event.value)
        event.input.display = False
        view.focus()
        if not event.value:
            return
        if count:
            view.next_match()
            self.notify(f"{count_noun(count, 'match', 'matches')}; n / N to move.",
                        markup=False)
        else:
            self.notify(f"Not found: {event.value}", severity="warning", markup=False)

    def action_back(self) -> None:
        """Escape closes the find box if it is open, else leaves the reader."""
        find = self.query_one("#reader-find", Input)
        if find.display:
            find.display = False
            self.query_one("#reader-view", ArticleView).focus()
            return
        position = self.reading_position()
        if position is not None:
            self.newsmark.remember_position(*position, reading=False)
        super().action_back()

    def action_toggle_panel(self) -> None:
        """Show or hide the annotation panel."""
        panel = self.query_one("#reader-panel")
        panel.display = not panel.display
        self.newsmark.update_settings(annotation_panel=panel.display)

    def action_switch_focus(self) -> None:
        """Move focus between the text and the annotation panel (showing it if hidden)."""
        view = self.query_one("#reader-view", ArticleView)
        if view.has_focus:
            self.query_one("#reader-panel").display = True
            self.query_one("#reader-annotations", OptionList).focus()
        else:
            view.focus()
