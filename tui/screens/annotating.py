"""What every screen showing articles can do: tag, edit, delete and copy highlights.

`AnnotatingScreen` is the base of the reader and the side-by-side view. It works on the
focused `ArticleView`, asks `annotations/` for the data, and sends writes through
`NewsmarkApp.perform` so the UI never waits for the disk. It also owns the find box
(`/`, then `n` / `N`), which searches the view that had the focus when it was opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from annotations.errors import NewsmarkError
from tui.highlights import highlights_for
from tui.messages import ArticlesReloaded, CollectionGrew, DataChanged, WorkspaceReady
from tui.screens.base import NewsmarkScreen
from tui.screens.tag_dialog import TagDialog, TagEdit
from tui.widgets.article_view import ArticleView
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.article import Article, Span
    from annotations.model import Annotation

SELECT_FIRST = "Select a passage first: v then j/k (or h/l), or drag with the mouse."
FIND_CLASS = "article-find"
STATUS_CHARS = 200  # the status line is one row: no need to lay out a 100 KB note


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def find_box(widget_id: str) -> Input:
    """The find box a screen composes (hidden until `/`)."""
    return Input(
        placeholder="Find in article (enter; then n / N)", id=widget_id, classes=FIND_CLASS
    )


class AnnotatingScreen(NewsmarkScreen):
    """A screen with one or more article views whose highlights can be edited."""

    # What the footer keeps when the terminal is narrow (80 columns), in this order.
    footer_priority: ClassVar[tuple[str, ...]] = (
        "back",
        "clear_selection",
        "toggle_selection",
        "tag",
        "copy_quote",
        "find",
        "help",
        "toggle_panel",
        "delete_highlight",
        "export_article",
        "next_sentence",
        "previous_sentence",
        "tag_browser",
        "undo",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="article.back"),
        Binding("t", "tag", "Tag", id="article.tag"),
        Binding("d", "delete_highlight", "Delete", id="article.delete"),
        Binding("c", "copy_quote", "Copy quote", id="article.copy"),
        # (ctrl+c copies too, as the help says of selected text; the reader's selection is
        # its own, not Textual's, which the screen's ctrl+c would look for.)
        Binding("ctrl+c", "copy_quote", "Copy quote", show=False, id="article.copy-ctrl"),
        Binding("C", "copy_tag", "Copy tag", id="article.copy-tag"),
        Binding("e", "export_article", "Export", id="article.export"),
        Binding("s", "suggest", "Find similar", id="article.suggest"),
    ]

    _find_view: ArticleView | None = None

    # Views -------------------------------------------------------------------------------

    def article_views(self) -> list[ArticleView]:
        """Every article view on the screen."""
        return list(self.query(ArticleView))

    def active_view(self) -> ArticleView:
        """The focused article view, else the first one."""
        focused = self.focused
        if isinstance(focused, ArticleView):
            return focused
        return self.article_views()[0]

    def refresh_highlights(self) -> None:
        """Redraw every view's highlights from the store."""
        workspace = self.workspace
        if not workspace.is_open:
            return
        colours = workspace.tag_colours()
        for view in self.article_views():
            if view.article is not None:
                annotations = workspace.annotations_for(view.article.id)
                view.set_highlights(highlights_for(annotations, colours))
        self.update_status()

    def on_data_changed(self, _: DataChanged) -> None:
        """Annotations changed (here or elsewhere): redraw highlights."""
        self.refresh_highlights()

    def on_workspace_ready(self, _: WorkspaceReady) -> None:
        """The data finished opening after this screen was shown; or it showed articles
        indexed early, while the rest of the collection was indexed: then only their
        highlights are drawn again (the annotations were re-anchored meanwhile)."""
        if any(view.article is None for view in self.article_views()):
            self.load_articles()
        else:
            self.refresh_highlights()

    def on_collection_grew(self, _: CollectionGrew) -> None:
        """Opened from the library's early listing, before the collection was: shown as
        soon as the collection has the articles (else when it is open in full)."""
        corpus = self.workspace.corpus
        if corpus is None or not self.workspace.is_open:
            return
        if any(view.article is None for view in self.article_views()) and all(
            article_id in corpus for article_id in self.wanted_article_ids()
        ):
            self.load_articles()

    def load_articles(self) -> None:
        """Fill the views; subclasses know which articles they show."""
        raise NotImplementedError

    def wanted_article_ids(self) -> list[str]:
        """The ids of the articles the screen shows (or is about to)."""
        raise NotImplementedError

    def shown_article_ids(self) -> list[str]:
        """The ids of the articles the views show (the app watches their files)."""
        return [view.article.id for view in self.article_views() if view.article is not None]

    def reload_changed_first(self) -> bool:
        """On opening: if a file of the screen's articles changed since the collection read
        it, have it read again (and its annotations re-anchored) first; True when so, and
        `load_articles` runs again once that is done (`on_articles_reloaded`)."""
        corpus = self.workspace.require_corpus()
        changed = [i for i in self.wanted_article_ids() if corpus.file_changed(i)]
        if changed:
            self.newsmark.reload_articles(changed)
        return bool(changed)

    def on_articles_reloaded(self, event: ArticlesReloaded) -> None:
        """Article files changed on disk and were read again: show their new text (the
        cursor stays at its offset), with the re-anchored highlights."""
        views = self.article_views()
        if any(view.article is None for view in views):  # waiting for it to open
            if set(event.checked) & set(self.wanted_article_ids()):
                self.load_articles()
            return
        workspace = self.workspace
        replaced = False
        for view in views:
            if view.article is None or view.article.id not in event.changed:
                continue
            try:
                article = workspace.article(view.article.id)
            except NewsmarkError as error:  # its file is gone
                self.leave_unreadable(error)
                return
            offset = view.cursor_offset
            view.set_article(article)
            view.move_cursor_to(min(offset, len(article.body)))
            replaced = True
        if replaced:
            self.articles_replaced()
            self.refresh_highlights()

    def articles_replaced(self) -> None:
        """The views were given the new text of their articles: update what depends on it."""

    def leave_unreadable(self, error: NewsmarkError) -> None:
        """An article could not be read (its file went away, say): say so and go back."""
        self.notify(str(error), title="Cannot open", severity="error", markup=False)
        self.dismiss()

    def chosen_in_list(self) -> Annotation | None:
        """An annotation chosen in a focused list of annotations (the reader's panel)."""
        return None

    def annotation_under_cursor(self, view: ArticleView | None = None) -> Annotation | None:
        """The annotation chosen in a focused list, else the one at the view's cursor."""
        chosen = self.chosen_in_list()
        if chosen is not None:
            return chosen
        view = view or self.active_view()
        highlight = view.cursor_highlight
        if highlight is None:
            return None
        try:
            return self.workspace.require_store().get(highlight.annotation_id)
        except NewsmarkError:
            return None

    # Status line ---------------------------------------------------------------------------

    @on(ArticleView.CursorMoved)
    @on(ArticleView.SelectionChanged)
    def _view_changed(self) -> None:
        self.update_status()

    def selection_status(self) -> tuple[str, str]:
        """What the status line calls the selection, and the keys it names for it."""
        return "Selection", "t tag · c copy · esc clear"

    def update_status(self) -> None:
        """Say what `t`, `d` and `c` would act on."""
        statuses = list(self.query("#article-status").results(Static))
        if not statuses or not self.article_views():
            return
        view = self.active_view()
        text = Text()
        selection = view.selection
        annotation = None if selection else self.annotation_under_cursor(view)
        if selection is not None:
            label, keys = self.selection_status()
            text.append(f"{label}: {count_noun(len(selection), 'character')}", style="bold")
            text.append(f"  {keys}")
        elif annotation is not None:
            text.append("Highlight: ", style="bold")
            text.append(clip(", ".join(annotation.tags), STATUS_CHARS) or "untagged")
            if annotation.note:
                text.append(f" — {clip(annotation.note, STATUS_CHARS)}", style="italic")
            text.append("  t edit · d delete · c copy · C copy tag")
        else:
            text.append("j/k sentence · w/b word · v select · t tag · / find · ? help", style="dim")
        note = self.status_note()
        if note:
            text = Text.assemble((note, "bold"), "  ", text)
        statuses[0].update(text)

    # Find --------------------------------------------------------------------------------

    def find_input(self) -> Input:
        """The screen's find box."""
        return self.query_one(f".{FIND_CLASS}", Input)

    def on_mount(self) -> None:
        """The find box starts hidden (Textual calls this as well as a subclass's own)."""
        self.find_input().display = False

    def action_find(self) -> None:
        """Open the find box for the focused view.

        The focus moves at once (not after a refresh, as `Widget.focus` does), so keys
        typed right after `/` go into the box and never run as commands.
        """
        self._find_view = self.active_view()
        find = self.find_input()
        find.display = True
        self.set_focus(find)

    def close_find(self) -> None:
        """Hide the find box and give the focus back to the view it searched."""
        self.find_input().display = False
        view = self._find_view or self.active_view()
        self.set_focus(view)

    @on(Input.Submitted, f".{FIND_CLASS}")
    def _find(self, event: Input.Submitted) -> None:
        event.stop()
        view = self._find_view or self.active_view()
        count = view.set_search(event.value)
        self.close_find()
        if not event.value:
            return
        if count:
            view.next_match()
            self.notify(f"{count_noun(count, 'match', 'matches')}; n / N to move.", markup=False)
        else:
            self.notify(f"Not found: {event.value}", severity="warning", markup=False)

    def status_note(self) -> str | None:
        """Something the screen wants said first on the status line (None: nothing)."""
        return None

    # Actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape closes the find box if it is open, else leaves the screen."""
        if self.find_input().display:
            self.close_find()
            return
        self.dismiss()

    def action_tag(self) -> None:
        """Tag the selection, or edit the tags of the highlight under the cursor."""
        view = self.active_view()
        if view.article is None:
            return
        existing = self.workspace.tag_names()
        selection = None if self.chosen_in_list() is not None else view.selection
        if selection is not None:
            article = view.article  # the text the selection was made on, even if reloaded
            quote = article.text(selection.start, selection.end)
            self.app.push_screen(
                TagDialog(quote, existing, descriptions=self.workspace.tag_descriptions()),
                lambda edit: self._create(view, article, selection, edit),
            )
            return
        annotation = self.annotation_under_cursor(view)
        if annotation is None:
            self.notify(SELECT_FIRST, markup=False)
            return
        self.app.push_screen(
            TagDialog(
                annotation.quote,
                existing,
                tags=annotation.tags,
                note=annotation.note,
                title="Edit highlight",
                descriptions=self.workspace.tag_descriptions(),
            ),
            lambda edit: self._edit(annotation, edit),
        )

    def _create(
        self, view: ArticleView, article: Article, selection: Span, edit: TagEdit | None
    ) -> None:
        """Save `selection` of `article` (the text it was made on: if the file was read
        again while the dialog was open, `ensure_current` refuses the save)."""
        if edit is None:
            return
        from annotations.anchoring import new_annotation

        try:
            annotation = new_annotation(
                article, selection.start, selection.end, tags=edit.tags, note=edit.note
            )
        except NewsmarkError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        from annotations.anchoring import ensure_current

        workspace = self.workspace
        store, corpus = workspace.require_store(), workspace.require_corpus()
        tags = ", ".join(annotation.tags) or "no tags"

        def save() -> Annotation:
            ensure_current(corpus, article)  # never offsets into text the file no longer has
            return store.add(annotation)

        def saved(_: Annotation) -> None:
            self.selection_saved(view)
            self.notify(f"Saved highlight ({tags}).", title="Saved", markup=False)

        self.newsmark.perform("add highlight", save, on_done=saved)

    def selection_saved(self, view: ArticleView) -> None:
        """The selection of `view` was saved as a highlight: clear it."""
        view.clear_selection()

    def _edit(self, annotation: Annotation, edit: TagEdit | None) -> None:
        if edit is None:
            return
        from annotations.edits import merge_edit

        store = self.workspace.require_store()

        def save() -> Annotation:
            # Applied to the highlight as it is under the write lock: another terminal may
            # have changed it while the dialog was open, and those changes are kept.
            return store.modify(
                annotation.id, lambda current: merge_edit(annotation, current, edit.tags, edit.note)
            )

        def saved(result: Annotation) -> None:
            tags = ", ".join(result.tags) or "no tags"
            self.notify(f"Saved highlight ({tags}).", title="Saved", markup=False)

        self.newsmark.perform("edit highlight", save, on_done=saved)

    def action_delete_highlight(self) -> None:
        """Delete the highlight under the cursor (u undoes it)."""
        annotation = self.annotation_under_cursor()
        if annotation is None:
            self.notify("No highlight under the cursor.", markup=False)
            return
        store = self.workspace.require_store()
        self.newsmark.perform(
            "delete highlight",
            store.delete,
            annotation.id,
            on_done=lambda _: self.notify(
                "Deleted the highlight; u undoes it.", title="Deleted", markup=False
            ),
        )

    def action_copy_quote(self) -> None:
        """Copy the highlight under the cursor (or the selection) with its citation."""
        view = self.active_view()
        if view.article is None:
            return
        selection = None if self.chosen_in_list() is not None else view.selection
        if selection is not None:
            from annotations.anchoring import new_annotation

            self.newsmark.copy_quote(new_annotation(view.article, selection.start, selection.end))
            return
        annotation = self.annotation_under_cursor(view)
        if annotation is None:
            self.notify(SELECT_FIRST, markup=False)
            return
        self.newsmark.copy_quote(annotation)

    def action_copy_tag(self) -> None:
        """Copy every quote carrying the tags of the highlight under the cursor."""
        annotation = self.annotation_under_cursor()
        if annotation is None or not annotation.tags:
            self.notify("Put the cursor on a tagged highlight first.", markup=False)
            return
        self.newsmark.copy_tag_quotes(annotation.tags)

    def action_export_article(self) -> None:
        """Export this article's annotations."""
        view = self.active_view()
        article = view.article.id if view.article is not None else None
        self.newsmark.action_export(article=article)

    def action_suggest(self) -> None:
        """Find places like the highlight under the cursor (its tags) or the selection."""
        view = self.active_view()
        if view.article is None:
            return
        selection = None if self.chosen_in_list() is not None else view.selection
        if selection is not None:
            phrase = view.article.text(selection.start, selection.end)
            self.app.push_screen(
                TagDialog(phrase, self.workspace.tag_names(), title="Find similar places to tag"),
                lambda edit: self._suggest(edit.tags, phrase) if edit else None,
            )
            return
        annotation = self.annotation_under_cursor(view)
        if annotation is None:
            self.notify(
                "Put the cursor on a tagged highlight, or select a passage, then s "
                "finds similar places.",
                markup=False,
            )
            return
        self._suggest(annotation.tags, annotation.quote)

    def _suggest(self, tags: tuple[str, ...], phrase: str) -> None:
        if not tags:
            self.notify(
                "Give the passage a tag first: s suggests places for its tags.", markup=False
            )
            return
        self.newsmark.open_suggestions(tags, phrase)
