"""The reader: one article in a comfortable column, its annotations in a side panel."""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from annotations.errors import NewsmarkError
from annotations.model import Anchor, Annotation
from tui.highlights import highlight_colour
from tui.screens.annotating import SELECT_FIRST, AnnotatingScreen, clip, find_box
from tui.screens.reattach import OldQuote, reattach_saver, reattach_status
from tui.widgets.article_view import ArticleView
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header

PANEL_QUOTE_CHARS = 120
PANEL_TAGS_CHARS = 120
PANEL_NOTE_CHARS = 240


def annotation_prompt(annotation: Annotation, colour: str) -> Text:
    """A side-panel entry: a colour swatch, the tags, then the start of the quote and note.

    Each part is cut to a few lines, so an annotation with a hundred tags or a long note
    (an imported file may hold them) keeps the panel quick to lay out.
    """
    prompt = Text()
    prompt.append("▌", style=colour)
    prompt.append(clip(", ".join(annotation.tags), PANEL_TAGS_CHARS) or "untagged", style="bold")
    if annotation.coder:
        prompt.append(f"  {clip(annotation.coder, 40)}", style="dim")
    if annotation.anchor == Anchor.FUZZY:
        prompt.append("  (moved)", style="dim")
    prompt.append(f"\n {clip(annotation.quote, PANEL_QUOTE_CHARS)}")
    if annotation.note:
        prompt.append(f"\n Note: {clip(annotation.note, PANEL_NOTE_CHARS)}", style="italic")
    return prompt


class ReaderScreen(AnnotatingScreen):
    """Read one article; highlight, tag and copy passages."""

    help_title = "Reader"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", "Find", key_display="/", id="reader.find"),
        Binding("a", "toggle_panel", "Annotations", id="reader.panel"),
        Binding("tab", "switch_focus", "Panel/text", show=False, id="reader.focus"),
        Binding("enter", "reattach", "Re-attach", id="reader.reattach"),
        Binding(
            "M", "memo", "Memo", tooltip="Write your memo on the whole article", id="reader.memo"
        ),
        Binding(
            "B",
            "app.toggle_blind",
            "Blind coding",
            show=False,
            tooltip="Show only your own annotations (or everyone's again)",
            id="reader.blind",
        ),
    ]

    def __init__(
        self,
        article_id: str,
        *,
        offset: int | None = None,
        find: str | None = None,
        reattach: Annotation | None = None,
    ) -> None:
        super().__init__()
        self.article_id = article_id
        # Re-attach mode: the orphan to attach to the passage the user selects, until saved.
        self.reattaching = reattach
        self._offset = offset
        self._find_first = find
        self._panel: list[Annotation] = []
        self._panel_entries: list[tuple[Annotation, str]] | None = None  # none shown yet
        self._panel_options: dict[str, tuple[tuple[Annotation, str], Option]] = {}

    @property
    def article_view(self) -> ArticleView:
        """The view of the article."""
        return self.query_one("#reader-view", ArticleView)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reader"):
            yield ArticleView(id="reader-view")
            with Vertical(id="reader-panel"):
                yield Static(id="article-memo")
                yield Static(Text("Annotations", style="bold"), id="reader-panel-title")
                yield OptionList(id="reader-annotations")
        yield find_box("reader-find")
        if self.reattaching is not None:
            yield OldQuote(self.reattaching)
        yield Static(id="article-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the article once the data is open."""
        self.query_one("#reader-panel").display = self.newsmark.settings.annotation_panel
        if self.workspace.is_open:
            # After the first refresh, so the Header can show the article title.
            self.call_after_refresh(self.load_articles)

    def load_articles(self) -> None:
        """Load the article, draw its highlights and go to the requested offset."""
        if self.reload_changed_first():
            return
        view = self.article_view
        try:
            article = self.workspace.article(self.article_id)
        except NewsmarkError as error:
            self.leave_unreadable(error)
            return
        self.sub_title = article.meta.title
        view.set_article(article)
        self.refresh_highlights()
        if self._find_first:
            view.set_search(self._find_first)
            self.find_input().value = self._find_first
        if self._offset is not None:
            offset = min(self._offset, len(article.body))  # the article may have shrunk
            if self.reattaching is not None:  # where the passage was: `v` takes its sentence
                view.move_cursor_to_sentence(offset)
            else:
                view.go_to_hit(offset)  # (a hit in text its file no longer has: the nearest)
            view.scroll_to_offset(view.cursor_offset)
        view.focus()

    def wanted_article_ids(self) -> list[str]:
        """The article this reader shows."""
        return [self.article_id]

    def articles_replaced(self) -> None:
        """The article was read again: its title may have changed."""
        article = self.article_view.article
        if article is not None:
            self.sub_title = article.meta.title

    def reading_position(self) -> tuple[str, int] | None:
        """The article shown and the cursor's offset in it (None before it is shown)."""
        view = self.article_view
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
        self._show_memo()
        self.call_after_refresh(self._refresh_panel)

    def _show_memo(self) -> None:
        """The article memo at the top of the panel (hidden when there is none)."""
        memo = self.workspace.require_store().memo("article", self.article_id)
        box = self.query_one("#article-memo", Static)
        if memo:
            box.update(Text.assemble(("Memo: ", "bold"), memo))
        box.display = bool(memo)

    def action_memo(self) -> None:
        """Write the memo on this article (the researcher's notes on the whole piece)."""
        from tui.screens.memo_dialog import TextDialog

        store = self.workspace.require_store()
        title = self.workspace.require_corpus().meta(self.article_id).title

        def save(text: str | None) -> None:
            if text is not None:
                self.newsmark.perform(
                    "save the memo", store.set_memo, "article", self.article_id, text
                )

        self.app.push_screen(
            TextDialog(f"Memo on '{title}':", store.memo("article", self.article_id)), save
        )

    def _refresh_panel(self) -> None:
        workspace = self.workspace
        view = self.article_view
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

    def update_status(self) -> None:
        """In re-attach mode the status line says what enter will do; else as usual."""
        if self.reattaching is None:
            super().update_status()
            return
        for status in self.query("#article-status").results(Static):
            selection = self.article_view.selection
            status.update(reattach_status(self.reattaching, selection))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter re-attaches only in re-attach mode."""
        return self.reattaching is not None if action == "reattach" else True

    def action_reattach(self) -> None:
        """Attach the orphan to the selected passage (one undo step), leaving the mode."""
        view = self.article_view
        orphan, selection, article = self.reattaching, view.selection, view.article
        if orphan is None or article is None:
            return
        if selection is None:
            self.notify(SELECT_FIRST, markup=False)
            return

        def saved(result: Annotation) -> None:
            self.reattaching = None
            self.query("#reattach-quote").remove()
            view.clear_selection()
            self.refresh_bindings()
            self.update_status()
            self.notify(
                f"Re-attached to “{clip(result.quote, 60)}”; u undoes it.",
                title="Saved",
                markup=False,
            )

        workspace = self.workspace
        save = reattach_saver(
            workspace.require_store(), workspace.require_corpus(), orphan, article, selection
        )
        self.newsmark.perform("re-attach the highlight", save, on_done=saved)

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
        view = self.article_view
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

    def action_back(self) -> None:
        """Escape closes the find box if it is open, else leaves the reader."""
        if self.find_input().display:
            self.close_find()
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
        view = self.article_view
        if view.has_focus:
            self.query_one("#reader-panel").display = True
            self.query_one("#reader-annotations", OptionList).focus()
        else:
            view.focus()
