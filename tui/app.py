"""The newsmark Textual application: screens over one shared workspace.

Start-up is kept lean so the first screen paints quickly: the library screen appears at
once and the collection and DB are opened in a thread, then the table fills in.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message

from annotations.errors import NewsmarkError, StaleArticleError
from annotations.priority import watch_event_loop
from annotations.settings import (
    ReadingPosition,
    Settings,
    damaged_settings_notice,
    load_settings,
    settings_path,
    update_settings_file,
)
from tui.messages import (
    ArticlesReloaded,
    CollectionGrew,
    DataChanged,
    IndexProgress,
    WorkspaceReady,
)
from tui.screens.library import LibraryScreen
from tui.typing_guard import typing_target
from tui.wording import collection_notice, count_noun
from tui.workspace import Workspace

if TYPE_CHECKING:
    from textual.screen import Screen

    from annotations.corpus import Corpus
    from annotations.library_listing import EarlyListing
    from annotations.model import Annotation
    from annotations.store import HistoryItem
    from tui.cli.context import CliContext

STYLES_DIR = Path(__file__).parent / "styles"
# How often the app looks for changes another process made to the database (a stat).
EXTERNAL_CHECK_SECONDS = 2.0
# While a collection is indexed, the library's status line says how far it got this often.
PROGRESS_SECONDS = 0.25
# How long a thread holding the interpreter keeps the event loop waiting for it (see
# `NewsmarkApp.__init__`; Python's default is 5 ms).
SWITCH_INTERVAL_S = 0.001
T = TypeVar("T")


def tmux_hint() -> str:
    """Inside tmux, how to let OSC 52 through to the outer terminal (else nothing)."""
    if not os.environ.get("TMUX"):
        return ""
    return (
        " In tmux, the terminal's clipboard (OSC 52) only works with "
        "`set -g set-clipboard on` in ~/.tmux.conf."
    )


class NewsmarkApp(App[int]):
    """Read, highlight, tag and export quotes from a collection of news articles."""

    TITLE = "newsmark"
    # Screens in a terminal shorter than 32 rows get the class -short: dialogs go compact.
    # (Textual declares it an instance attribute, so it cannot be a ClassVar here.)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        STYLES_DIR / "app.tcss",
        STYLES_DIR / "library.tcss",
        STYLES_DIR / "reader.tcss",
        STYLES_DIR / "panels.tcss",
        STYLES_DIR / "dialogs.tcss",
        STYLES_DIR / "suggest.tcss",
        STYLES_DIR / "annotations.tcss",
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        # q closes the screen on top, like less and ranger; on the library it quits.
        Binding("q", "quit_from_library", "Quit", id="quit"),
        Binding("q", "close_screen", "Back", show=False, id="close"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("g", "tag_browser", "Tags", id="tag-browser"),
        Binding("o", "orphans", "Orphans", show=False, id="orphans"),
        Binding("u", "undo", "Undo", tooltip="Undo this window's last change", id="undo"),
        Binding("U", "redo", "Redo", show=False, tooltip="Redo what u undid", id="redo"),
        Binding("e", "export", "Export", id="export"),
        Binding("S", "stats", "Stats", show=False, id="stats"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        # Threads (sorting, filtering, opening the collection) share the interpreter with
        # the event loop, which lets go of it many times a frame and then waits a switch
        # interval to have it back: at the default 5 ms, a busy thread froze the interface
        # for 60-90 ms at a time (100,000 articles); at 2 ms, never over 45 ms.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.workspace = workspace
        self.settings_path = settings_path()
        self.settings: Settings
        self.settings, self._settings_notices = load_settings(self.settings_path)
        # The CSL style of copied quotes and Markdown exports; None: the default style.
        self.citation_style: str | None = self.settings.citation_style
        self._write_lock = asyncio.Lock()
        self._shown_version = -1
        self._reopened = False  # the reader was reopened where the user last read (or not)
        self.sub_title = self._subtitle()

    def get_default_screen(self) -> Screen:
        """The library is the app's base screen (no empty default screen to paint first)."""
        return LibraryScreen()

    def on_key(self, event: events.Key) -> None:
        """A printable key typed for a text box goes into it, never to a binding.

        Runs before Textual's own key handling (which looks up the bindings); see
        `tui.typing_guard` for how such a key gets here.
        """
        if not event.is_printable or event.character is None:
            return
        target = typing_target(self)
        if target is not None:
            target.insert_text_at_cursor(event.character)
            event.prevent_default()
            event.stop()

    def on_mount(self) -> None:
        """Open the data in the background once the library is on screen."""
        watch_event_loop(asyncio.get_running_loop())  # threads give way to the interface
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for notice in self._settings_notices:
            self.notify(notice, title="Settings", severity="warning", markup=False)
        # Open the data once the first frames (screen, then the footer's keys) are out:
        # the loading thread would otherwise compete with them for the interpreter.
        self.call_after_refresh(self.call_after_refresh, self._start_opening)

    def _start_opening(self) -> None:
        self.run_worker(self._open_workspace, thread=True, group="open", exit_on_error=False)

    def _open_workspace(self) -> None:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_SECONDS or done == total:
                last = now
                self.call_from_thread(self.broadcast, partial(IndexProgress, done, total))

        def grew(corpus: Corpus) -> None:
            self.call_from_thread(self._collection_grew, corpus)

        def listed_early(articles: EarlyListing) -> None:
            self.call_from_thread(self._collection_listed, articles)

        try:
            self.workspace.open(progress, grew, listed_early)
        except NewsmarkError as error:
            # A Text, not a str: the message (a path, say) is printed without markup.
            self.call_from_thread(self.exit, 1, 1, Text(f"newsmark: error: {error}"))
            return
        except Exception as error:  # a bug: say so and stop, never hang on "Opening…"
            message = f"newsmark: internal error while opening the collection: {error!r}"
            self.call_from_thread(self.exit, 1, 1, Text(message))
            return
        self.call_from_thread(self._workspace_opened)

    def _collection_listed(self, articles: EarlyListing) -> None:
        """What the index lists, before the collection's metadata is built: the library
        shows it (the articles can be read once the collection grew)."""
        self.workspace.early, self.workspace.indexing = articles, True
        self.broadcast(CollectionGrew)

    def _collection_grew(self, corpus: Corpus) -> None:
        """More of a collection being indexed can be read: the screens show it."""
        self.workspace.corpus, self.workspace.indexing = corpus, True
        self.workspace.early = None
        self.broadcast(CollectionGrew)
        self._reopen_last_article()

    def _workspace_opened(self) -> None:
        self.workspace.indexing, self.workspace.early = False, None
        # The collection index and the annotations are long-lived: keep the cyclic garbage
        # collector from re-scanning those (possibly millions of) objects, which would
        # otherwise freeze the UI for a few hundred milliseconds now and then.
        gc.freeze()
        if notices := self.workspace.notices:
            message = collection_notice(notices)
            self.notify(message, title="Collection", severity="warning", markup=False)
        self._shown_version = self.workspace.require_store().version
        self.broadcast(WorkspaceReady)
        self.set_interval(EXTERNAL_CHECK_SECONDS, self._check_external_changes)
        self._reopen_last_article()

    def _reopen_last_article(self) -> None:
        """Open the reader where the user last read, once: as soon as that article can be
        read (while the collection is still indexed or checked, if it is listed by then)."""
        if self._reopened:
            return
        position = self.last_position()
        if position is None and self.workspace.indexing:
            return  # perhaps in a later batch
        self._reopened = True
        if position is not None and position.open and len(self.screen_stack) == 1:
            self.open_reader(position.article, offset=position.offset)

    def forgo_reopening(self) -> None:
        """The user has started on something else: the article last read, if it is only
        listed later (a cold index), is not opened then."""
        self._reopened = True

    def _check_external_changes(self) -> None:
        """Pick up annotations written by another newsmark (a second terminal, the CLI), and
        article files on screen that changed on disk."""
        if not self._write_lock.locked():
            self.run_worker(
                partial(self._refresh_store, self._articles_on_screen()),
                thread=True,
                group="refresh",
                exclusive=True,
                exit_on_error=False,
            )

    def _articles_on_screen(self) -> list[str]:
        """The ids of the articles shown by the screens on the stack."""
        shown: list[str] = []
        for screen in self.screen_stack:
            ids = getattr(screen, "shown_article_ids", None)
            if callable(ids):
                shown.extend(i for i in ids() if i not in shown)
        return shown

    def _refresh_store(self, article_ids: list[str]) -> None:
        corpus = self.workspace.require_corpus()
        changed_files = [i for i in article_ids if corpus.file_changed(i)]
        if changed_files:  # read them again first: the annotations follow the new text
            self.call_from_thread(self.reload_articles, changed_files)
            return
        store = self.workspace.require_store()
        try:
            store.refresh()
        except NewsmarkError as error:
            self.call_from_thread(
                self.notify, str(error), title="Database", severity="error", markup=False
            )
            return
        # Compare versions rather than trusting refresh(): any read on the UI thread may
        # already have taken in another process's change without telling the screens.
        if store.version != self._shown_version:
            self.call_from_thread(self._data_changed)

    def _data_changed(self) -> None:
        """Tell every screen the annotations changed (and remember which version they show)."""
        if self.workspace.is_open:
            self._shown_version = self.workspace.require_store().version
        self.broadcast(DataChanged)

    def reload_articles(
        self, article_ids: list[str], then: Callable[[], None] | None = None
    ) -> None:
        """Read the files of these articles again (they changed on disk), re-anchor their
        annotations, then every screen shows the new text (`ArticlesReloaded`); `then` is
        called after that, or after the failure is reported."""
        workspace = self.workspace

        def reloaded(result: tuple[list[str], str | None]) -> None:
            changed, notice = result
            self.broadcast(partial(ArticlesReloaded, tuple(article_ids), tuple(changed)))
            if then is not None:
                then()
            if changed:
                corpus = workspace.require_corpus()
                titles = ", ".join(
                    f"“{corpus.meta(i).title}”" if i in corpus else i for i in changed
                )
                what = "The article" if len(changed) == 1 else "Articles"
                message = f"{what} changed on disk; reloaded: {titles}."
                self.notify(
                    message + (f" {notice[:1].upper()}{notice[1:]}." if notice else ""),
                    title="Reloaded",
                    severity="warning" if notice else "information",
                    timeout=8,
                    markup=False,
                )

        self.perform(
            "read the changed article again",
            workspace.reload_articles,
            article_ids,
            on_done=reloaded,
            on_failed=then,
        )

    def broadcast(self, make_message: Callable[[], Message]) -> None:
        """Deliver a fresh message from `make_message` to every screen on the stack."""
        for screen in self.screen_stack:
            screen.post_message(make_message())

    def perform(
        self,
        description: str,
        operation: Callable[..., T],
        *args: Any,
        on_done: Callable[[T], None] | None = None,
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        """Run a store write in a thread (one at a time), then tell every screen.

        `description` names the change ("add highlight") for the notice if it fails.
        A failed write is reported with the reason and the fact that nothing was saved
        (then `on_failed` is called); the caller's pending work (a selection, a dialog's
        tags) is left in place.
        """
        self.run_worker(
            self._perform(description, operation, args, on_done, on_failed),
            group="store",
            exit_on_error=False,
        )

    async def _perform(
        self,
        description: str,
        operation: Callable[..., T],
        args: tuple[Any, ...],
        on_done: Callable[[T], None] | None,
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        async with self._write_lock:
            try:
                result = await asyncio.to_thread(operation, *args)
            except NewsmarkError as error:
                self.notify(
                    f"Could not {description}: {error}",
                    title="Not saved",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
                failed: NewsmarkError | None = error
            else:
                failed = None
        if failed is not None:
            if isinstance(failed, StaleArticleError):
                self._check_external_changes()  # read the article again now
            if on_failed is not None:
                on_failed()
            return
        if on_done is not None:
            on_done(result)
        self._data_changed()

    def copy_with_notice(self, text: str, what: str) -> None:
        """Copy `text` via OSC 52 and the system clipboard; say what was copied and how."""
        from annotations.clipboard import copy_text
        from annotations.paths import cache_dir

        self.copy_to_clipboard(text)
        try:
            result = copy_text(text, fallback_dir=cache_dir())
        except NewsmarkError as error:
            self.notify(
                f"Copied {what} via the terminal (OSC 52) only: {error}{tmux_hint()}",
                title="Copied",
                severity="warning",
                markup=False,
            )
            return
        if result.method == "system":
            message = f"Copied {what} to the clipboard."
        else:
            message = (
                f"Copied {what} via the terminal (OSC 52); no system clipboard, "
                f"also saved to {result.path}.{tmux_hint()}"
            )
        self.notify(message, title="Copied", markup=False)

    def copy_quote(self, annotation: Annotation) -> None:
        """Copy one quote with its citation line."""
        from annotations.export.citation import quote_with_citation
        from annotations.export.styles import DEFAULT_STYLE

        corpus = self.workspace.require_corpus()
        meta = corpus.meta(annotation.article) if annotation.article in corpus else None
        text = quote_with_citation(
            annotation,
            meta,
            style=self.citation_style or DEFAULT_STYLE,
            accessed=date.today().isoformat(),
        )
        self.copy_with_notice(text, "the quote with its citation")

    def copy_tag_quotes(self, tags: Iterable[str]) -> None:
        """Copy every quote carrying any of `tags` or a tag below one, as Markdown grouped by
        tag."""
        from annotations.export.citation import tag_quotes_markdown
        from annotations.export.styles import DEFAULT_STYLE
        from annotations.tags import with_subtree

        tags = tuple(tags)
        store, corpus = self.workspace.require_store(), self.workspace.require_corpus()
        annotations = self.workspace.visible(store.with_tags(tags))
        metas = {a.article: corpus.meta(a.article) for a in annotations if a.article in corpus}
        headings = with_subtree(tags, (tag for a in annotations for tag in a.tags))
        text = tag_quotes_markdown(
            annotations,
            metas,
            headings,
            style=self.citation_style or DEFAULT_STYLE,
            accessed=date.today().isoformat(),
        )
        self.copy_with_notice(
            text, f"{count_noun(len(annotations), 'quote')} tagged {', '.join(tags)}"
        )

    # Settings ---------------------------------------------------------------------------

    def update_settings(self, **changes: Any) -> None:
        """Change settings and save them (a failed save is reported, never fatal)."""
        from dataclasses import replace

        self._save_settings(lambda settings: replace(settings, **changes))

    def _save_settings(self, change: Callable[[Settings], Settings]) -> None:
        """Make `change` to the settings, in the file as it is now (`update_settings_file`:
        what another newsmark saved meanwhile is kept) and in this window."""
        if change(self.settings) == self.settings:
            return
        try:
            self.settings, kept = update_settings_file(self.settings_path, change)
        except NewsmarkError as error:
            self.settings = change(self.settings)  # (kept for this session)
            self.notify(str(error), title="Settings", severity="warning", markup=False)
            return
        if kept is not None:
            notice = damaged_settings_notice(kept)
            self.notify(notice, title="Settings", severity="warning", markup=False)

    def _theme_changed(self, theme: Any) -> None:
        self.update_settings(theme=theme.name)

    def last_position(self) -> ReadingPosition | None:
        """Where the user last read in this collection (if that article is still there)."""
        position = self.settings.position(self.workspace.library)
        if position is None or not self.workspace.is_open:
            return None
        return position if position.article in self.workspace.require_corpus() else None

    def remember_position(self, article_id: str, offset: int, *, reading: bool) -> None:
        """Remember the reading position; `reading`: newsmark reopens in the reader there."""
        position = ReadingPosition(article_id, offset, reading)
        self._save_settings(
            lambda settings: settings.with_position(self.workspace.library, position)
        )

    async def action_quit(self) -> None:
        """Quit, remembering the article being read (newsmark reopens it)."""
        for screen in reversed(self.screen_stack):
            position = getattr(screen, "reading_position", None)
            if callable(position) and (where := position()) is not None:
                self.remember_position(*where, reading=True)
                break
        await super().action_quit()

    # App-wide actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q quits on the library and goes back elsewhere (nothing in a dialog)."""
        if action == "quit_from_library":
            return len(self.screen_stack) <= 1
        if action == "close_screen":
            from textual.screen import ModalScreen

            return len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen)
        return True

    async def action_quit_from_library(self) -> None:
        """Quit (q on the library; ctrl+q quits from anywhere)."""
        await self.action_quit()

    def action_close_screen(self) -> None:
        """Go back one screen (the screen's own back action, if it has one)."""
        screen = self.screen
        back = getattr(screen, "action_back", None)
        if callable(back):
            back()
        else:
            self.pop_screen()

    def action_help(self) -> None:
        """Show every binding of the current screen."""
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_tag_browser(self) -> None:
        """Open the tag browser."""
        if self._require_ready():
            from tui.screens.tag_browser import TagBrowserScreen

            self.push_screen(TagBrowserScreen())

    def action_orphans(self) -> None:
        """List annotations that could not be re-anchored."""
        if self._require_ready():
            from tui.screens.orphans import OrphansScreen

            self.push_screen(OrphansScreen())

    def action_stats(self) -> None:
        """Show tag statistics."""
        if self._require_ready():
            from tui.screens.stats import StatsScreen

            self.push_screen(StatsScreen())

    def open_annotation_browser(self, query: str = "") -> None:
        """Open the annotation browser, filtered by `query`."""
        if self._require_ready():
            from tui.screens.annotation_browser import AnnotationBrowserScreen

            self.push_screen(AnnotationBrowserScreen(query))

    def action_export(self, tags: Iterable[str] = (), article: str | None = None) -> None:
        """Open the export dialog."""
        if self._require_ready():
            from tui.screens.export_dialog import ExportDialog

            self.push_screen(ExportDialog(tags=tuple(tags), article=article))

    def action_undo(self) -> None:
        """Undo this window's last change (never another window's or command's)."""
        self._undo_or_redo(redo=False)

    def action_redo(self) -> None:
        """Redo the change this window undid last."""
        self._undo_or_redo(redo=True)

    def _undo_or_redo(self, *, redo: bool) -> None:
        if not self._require_ready():
            return
        store = self.workspace.require_store()
        verb = "Redone" if redo else "Undone"

        def report(item: HistoryItem | None) -> None:
            if item is None:
                self.notify(
                    f"Nothing of this window's to {'redo' if redo else 'undo'} (changes made "
                    "elsewhere: newsmark history, newsmark undo).",
                    markup=False,
                )
                return
            message = f"{verb}: {item.description}"
            if item.kept and not item.changed:
                message = (
                    f"Nothing {verb.lower()} in {item.description}: all of it was "
                    "changed again elsewhere since (kept)."
                )
            elif item.kept:
                message += f" (kept {count_noun(item.kept, 'later change')} made elsewhere since)"
            self.notify(message, markup=False)

        operation = store.redo if redo else store.undo
        self.perform("redo" if redo else "undo", partial(operation, mine=True), on_done=report)

    def open_reader(
        self, article_id: str, offset: int | None = None, find: str | None = None
    ) -> None:
        """Open the reader on an article, optionally at a body offset and finding `find`.

        Without an offset, the article last read opens where the user left it."""
        from tui.screens.reader import ReaderScreen

        position = self.last_position()
        if offset is None and find is None and position and position.article == article_id:
            offset = position.offset
        self.push_screen(ReaderScreen(article_id, offset=offset, find=find))

    def open_side_by_side(self, left_id: str, right_id: str) -> None:
        """Open two articles side by side."""
        from tui.screens.side_by_side import SideBySideScreen

        self.push_screen(SideBySideScreen(left_id, right_id))

    def open_suggestions(self, tags: Iterable[str], phrase: str | None = None) -> None:
        """Find passages like `phrase` (or like those already tagged) to tag with `tags`."""
        from tui.screens.suggest import SuggestScreen

        self.push_screen(SuggestScreen(tuple(tags), phrase=phrase))

    def _require_ready(self) -> bool:
        if not self.workspace.is_open:
            self.notify("Still opening the collection…", markup=False)
            return False
        return True

    def action_toggle_blind(self) -> None:
        """Blind coding on/off: show only this coder's annotations, or everyone's."""
        workspace = self.workspace
        workspace.blind = not workspace.blind
        coder = workspace.current_coder
        if workspace.blind:
            message = f"Blind coding: only {coder}'s annotations are shown."
        else:
            message = "Blind coding off: every coder's annotations are shown."
        self.notify(message, title="Blind coding", markup=False)
        self.sub_title = self._subtitle()
        self.broadcast(DataChanged)

    def _subtitle(self) -> str:
        """The library path, the coder, and whether coding is blind."""
        blind = " (blind)" if self.workspace.blind else ""
        return f"{self.workspace.library} · coder {self.workspace.current_coder}{blind}"

    def action_agreement(self) -> None:
        """Open the agreement screen (choose the coders to compare)."""
        if self._require_ready():
            from tui.screens.agreement import AgreementScreen

            self.push_screen(AgreementScreen())

    def set_citation_style(self, style: str) -> None:
        """Cite copied quotes and Markdown exports in `style` (for this session)."""
        self.citation_style = style
        self.update_settings(citation_style=style)
        self.notify(
            f"Quotes are now cited in the {style} style.", title="Citation style", markup=False
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: Textual's commands, the citation styles, and every action
        bound on the screen."""
        from annotations.export.styles import COMMON_STYLES, DEFAULT_STYLE

        yield from super().get_system_commands(screen)
        state = "on" if self.workspace.blind else "off"
        yield SystemCommand(
            f"Blind coding: turn {'off' if self.workspace.blind else 'on'}",
            f"show only your own annotations on every screen (now {state}; key B in the reader)",
            self.action_toggle_blind,
        )
        yield SystemCommand(
            "Agreement between coders",
            "Krippendorff's alpha, Cohen's kappa per tag; adjudicate disagreements",
            self.action_agreement,
        )
        current = self.citation_style or DEFAULT_STYLE
        for style in COMMON_STYLES:
            if style != current:
                yield SystemCommand(
                    f"Citation style: {style}",
                    f"cite copied quotes and Markdown exports in {style} (now {current})",
                    partial(self.set_citation_style, style),
                )
        yield SystemCommand(
            "Annotations",
            "browse, filter and act on every annotation (key in the library: a)",
            self.open_annotation_browser,
        )
        seen: set[str] = {
            "quit",
            "quit_from_library",
            "close_screen",
            "command_palette",
            "annotations",
        }
        titles = {"Annotations"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.get_key_display(binding)
            title = binding.description
            if title in titles:  # the reader's panel key next to the browser: tell them apart
                title = f"{title} ({key} on this screen)"
            titles.add(title)
            yield SystemCommand(
                title,
                f"{binding.tooltip or binding.description} (key: {key})",
                partial(self.run_action, binding.action, active.node),
            )


def run_app(ctx: CliContext) -> int:
    """Run the TUI on the context's library and DB; returns the exit code."""
    from annotations.paths import library_not_found

    if not ctx.library.is_dir():
        raise library_not_found(ctx.library)
    app = NewsmarkApp(
        Workspace(library=ctx.library, db_path=ctx.db_path, coder=ctx.coder, blind=ctx.blind)
    )
    app.run()
    return app.return_code or 0
