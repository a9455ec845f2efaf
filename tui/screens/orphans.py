"""Orphans: annotations whose passage could not be found after their article changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from annotations.model import Anchor
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.model import Annotation

EXPLANATION = (
    "These annotations could not be re-anchored after their article changed. Their quotes "
    "are kept: r re-attaches one to the passage you select in its article; d deletes it."
)


class OrphansScreen(NewsmarkScreen):
    """Every orphaned annotation of the collection's articles (in blind mode every one of
    this coder's); how many annotations are of articles not in the collection is said."""

    help_title = "Orphans"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="orphans.back"),
        Binding("r", "reattach", "Re-attach", id="orphans.reattach"),
        Binding("d", "delete", "Delete orphan", id="orphans.delete"),
        Binding("c", "copy", "Copy quote", id="orphans.copy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._orphans: list[Annotation] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(EXPLANATION), id="orphans-help")
        yield Static(id="orphans-elsewhere")
        yield DataTable(id="orphan-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one("#orphan-table", DataTable)
        table.add_columns("Article", "Tags", "Quote", "Created")
        self._reload()
        table.focus()

    def on_data_changed(self, _: DataChanged) -> None:
        """An orphan may have been deleted (or restored by undo)."""
        self._reload()

    def _reload(self) -> None:
        annotations = self.workspace.visible_annotations()
        corpus = self.workspace.require_corpus()
        # Another collection's annotations (one database may serve several) are not
        # orphans here, and are not offered for deletion.
        elsewhere = sum(1 for a in annotations if a.article not in corpus)
        self._orphans = [
            a for a in annotations if a.anchor == Anchor.ORPHANED and a.article in corpus
        ]
        note = self.query_one("#orphans-elsewhere", Static)
        note.display = bool(elsewhere)
        note.update(
            Text(
                f"Not listed: {count_noun(elsewhere, 'annotation')} of articles not in this "
                "collection (of another collection sharing this database, or their file was "
                "removed); `newsmark annotations` lists every one."
            )
        )
        table = self.query_one("#orphan-table", DataTable)
        table.clear()
        for annotation in self._orphans:
            table.add_row(
                Text(annotation.article),
                Text(", ".join(annotation.tags)),
                Text(annotation.quote.replace("\n", " "), overflow="ellipsis", no_wrap=True),
                Text(annotation.created[:10]),
                key=annotation.id,
            )
        table.border_title = Content(count_noun(len(self._orphans), "orphaned annotation"))

    def _current(self) -> Annotation | None:
        table = self.query_one("#orphan-table", DataTable)
        if not self._orphans:
            return None
        return self._orphans[table.cursor_row]

    @on(DataTable.RowSelected, "#orphan-table")
    def _open(self) -> None:
        orphan = self._current()
        if orphan is None:
            return
        if orphan.article in self.workspace.require_corpus():
            self.newsmark.open_reader(orphan.article)
        else:
            self.notify(f"Article {orphan.article} is no longer in the collection.", markup=False)

    def action_reattach(self) -> None:
        """Open the reader on the orphan's article to select the passage it should mark."""
        orphan = self._current()
        if orphan is None:
            return
        if orphan.article not in self.workspace.require_corpus():
            self.notify(
                f"Article {orphan.article} is no longer in the collection, so this "
                "annotation cannot be re-attached there (c copies its quote).",
                markup=False,
            )
            return
        from tui.screens.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(orphan.article, offset=orphan.start, reattach=orphan))

    def action_delete(self) -> None:
        """Delete the orphan under the cursor (u undoes it)."""
        orphan = self._current()
        if orphan is not None:
            store = self.workspace.require_store()
            self.newsmark.perform(
                "delete orphan",
                store.delete,
                orphan.id,
                on_done=lambda _: self.notify(
                    "Deleted the orphaned annotation; u undoes it.", markup=False
                ),
            )

    def action_copy(self) -> None:
        """Copy the orphan's quote with its citation."""
        orphan = self._current()
        if orphan is not None:
            self.newsmark.copy_quote(orphan)
