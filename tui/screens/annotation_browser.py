"""The annotation browser: every annotation of the collection as a table, filtered as you
type with the query language of `annotations/query.py`, sortable by any column, with
bulk actions on marked rows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from annotations.errors import NewsmarkError
from annotations.query import AnnotationRow, Query, annotation_rows, parse_query
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.screens.prompts import ConfirmDialog, PromptDialog
from tui.widgets.annotation_table import COLUMNS, AnnotationTable
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.model import Annotation

FILTER_PLACEHOLDER = (
    'Filter (f): words, "phrases", OR, -word, tag:T outlet:X after:2023-12-01 before:… '
    "has:note orphaned"
)
SORT_KEYS = tuple(column.key for column in COLUMNS)


class AnnotationBrowserScreen(NewsmarkScreen):
    """All annotations; enter opens the reader at one, space marks rows for bulk actions."""

    help_title = "Annotations"
    AUTO_FOCUS = "#annotation-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="annotations.back"),
        Binding("enter", "open", "Open", id="annotations.open"),
        Binding("f,slash", "focus_filter", "Filter", key_display="f", id="annotations.filter"),
        Binding("s", "cycle_sort", "Sort", id="annotations.sort"),
        Binding("r", "reverse_sort", "Reverse", show=False, id="annotations.reverse"),
        Binding("space", "toggle_mark", "Mark", id="annotations.mark"),
        Binding(
            "A",
            "mark_all",
            "Mark all",
            tooltip="Mark every listed annotation (again: unmark all)",
            id="annotations.mark-all",
        ),
        Binding(
            "plus,t",
            "add_tag",
            "Add tag",
            key_display="+",
            tooltip="Add a tag to the marked annotations (or the one under the cursor)",
            id="annotations.add-tag",
        ),
        Binding(
            "minus",
            "remove_tag",
            "Remove tag",
            key_display="-",
            tooltip="Remove a tag from the marked annotations",
            id="annotations.remove-tag",
        ),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            key_display="d",
            tooltip="Delete the marked annotations (one undo step)",
            id="annotations.delete",
        ),
        Binding(
            "c",
            "copy",
            "Copy",
            tooltip="Copy the marked quotes as Markdown with citations",
            id="annotations.copy",
        ),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Export the marked annotations",
            id="annotations.export",
        ),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self._initial_query = query
        self._rows: list[AnnotationRow] = []  # every annotation, in the current sort
        self._sort = "date"
        self._reverse = True
        self._error: str | None = None
        self._loaded = False
        # The last query and what it listed: a query that narrows it filters only those.
        self._last: tuple[Query, list[AnnotationRow]] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self._initial_query, placeholder=FILTER_PLACEHOLDER, id="annotation-filter")
        yield AnnotationTable(id="annotation-table")
        yield Static("Loading annotations…", id="annotation-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Build the rows in a thread (re-reading titles and outlets of every annotation)."""
        self._load()

    def on_data_changed(self, _: DataChanged) -> None:
        """Annotations changed here or elsewhere: rebuild, keeping filter, sort and cursor."""
        self._load()

    @work(thread=True, exclusive=True, group="annotation-rows")
    def _load(self) -> None:
        workspace = self.workspace
        corpus = workspace.require_corpus()
        annotations = workspace.visible_annotations()  # in blind mode only this coder's
        metas = {a.article: corpus.meta(a.article) for a in annotations if a.article in corpus}
        rows = self._sorted(annotation_rows(annotations, metas))
        colours = workspace.tag_colours()
        self.app.call_from_thread(self._loaded_rows, rows, colours)

    def _loaded_rows(self, rows: list[AnnotationRow], colours: dict[str, str]) -> None:
        table = self.table()
        table.tag_colours = colours
        table.show_coder(len({row.coder.casefold() for row in rows}) > 1)
        present = {row.annotation.id for row in rows}
        table.marked &= present
        self._rows = rows
        self._last = None
        self._loaded = True
        self.apply_filter()

    def table(self) -> AnnotationTable:
        """The annotation table."""
        return self.query_one("#annotation-table", AnnotationTable)

    def filter_text(self) -> str:
        """What is typed in the filter box."""
        return self.query_one("#annotation-filter", Input).value

    # Filtering and sorting --------------------------------------------------------------

    def _sorted(self, rows: list[AnnotationRow]) -> list[AnnotationRow]:
        column = COLUMNS[SORT_KEYS.index(self._sort)]
        # Ties keep document order (rows come by article and position), also reversed.
        return sorted(rows, key=column.sort_key, reverse=self._reverse)  # type: ignore[arg-type]

    def apply_filter(self) -> None:
        """List the annotations matching the filter (a bad facet value is shown, and the
        rows stay as they were)."""
        if not self._loaded:
            return
        try:
            query = parse_query(self.filter_text(), strict=False)
        except NewsmarkError as error:
            self._error = str(error)
            self._update_status()
            return
        self._error = None
        table = self.table()
        base = self._rows
        if self._last is not None and query.narrows(self._last[0]):
            base = self._last[1]
        found = query.filter(base)
        self._last = (query, found)
        table.set_rows(found)
        table.set_sort(self._sort, self._reverse)
        self._update_status()

    @on(Input.Changed, "#annotation-filter")
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#annotation-filter")
    def _filter_submitted(self) -> None:
        self.table().focus()

    def _resort(self) -> None:
        self._rows = self._sorted(self._rows)
        self._last = None
        self.apply_filter()

    def action_cycle_sort(self) -> None:
        """Sort by the next column."""
        keys = [column.key for column in self.table().columns]
        self._sort = (
            keys[(keys.index(self._sort) + 1) % len(keys)] if self._sort in keys else keys[0]
        )
        self._reverse = self._sort == "date"
        self._resort()

    def action_reverse_sort(self) -> None:
        """Reverse the sort order."""
        self._reverse = not self._reverse
        self._resort()

    def on_annotation_table_header_selected(self, event: AnnotationTable.HeaderSelected) -> None:
        """A click on a column's label sorts by it (again: reverses)."""
        if event.column == self._sort:
            self._reverse = not self._reverse
        else:
            self._sort, self._reverse = event.column, False
        self._resort()

    def on_annotation_table_cursor_moved(self, _: AnnotationTable.CursorMoved) -> None:
        """The status line says which row the cursor is on."""
        self._update_status()

    def _update_status(self) -> None:
        table = self.table()
        if self._error is not None:
            self.query_one("#annotation-status", Static).update(Text(self._error, style="bold red"))
            return
        status = f"{len(table.rows):,} of {count_noun(len(self._rows), 'annotation')}"
        if table.rows:
            status += f" · row {table.cursor_row + 1:,}"
        label = next(c.label for c in COLUMNS if c.key == self._sort)
        status += f" · sorted by {label} {'↓' if self._reverse else '↑'}"
        if table.marked:
            status += f" · {len(table.marked):,} marked"
            hidden = len(table.marked) - sum(
                row.annotation.id in table.marked for row in table.rows
            )
            if hidden:
                status += f" ({hidden:,} not listed: left out of what you do to them)"
        self.query_one("#annotation-status", Static).update(Text(status))

    # Moving around ---------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """Type to filter the annotations."""
        self.query_one("#annotation-filter", Input).focus()

    def action_back(self) -> None:
        """One step back: leave the filter box, clear the filter, then close the browser."""
        filter_input = self.query_one("#annotation-filter", Input)
        if filter_input.has_focus:
            self.table().focus()
        elif filter_input.value:
            filter_input.value = ""
        else:
            self.app.pop_screen()

    def on_annotation_table_row_clicked(self, _: AnnotationTable.RowClicked) -> None:
        """A click on the cursor's row opens it."""
        self.action_open()

    def action_open(self) -> None:
        """Open the reader at the highlight under the cursor."""
        row = self.table().cursor_annotation_row
        if row is None:
            return
        annotation = row.annotation
        if annotation.article not in self.workspace.require_corpus():
            self.notify("That article is no longer in the collection.", markup=False)
            return
        self.newsmark.open_reader(annotation.article, offset=annotation.start)

    # Marks and bulk actions -----------------------------------------------------------

    def action_toggle_mark(self) -> None:
        """Mark or unmark the annotation under the cursor, then move down."""
        table = self.table()
        key = table.cursor_id
        if key is None:
            return
        table.marked ^= {key}
        table.move_cursor(table.cursor_row + 1)
        table.refresh()
        self._update_status()

    def action_mark_all(self) -> None:
        """Mark every listed annotation; if all are marked already, unmark everything."""
        table = self.table()
        listed = {row.annotation.id for row in table.rows}
        table.marked = set() if listed and listed <= table.marked else table.marked | listed
        table.refresh()
        self._update_status()

    def chosen(self) -> list[Annotation]:
        """What bulk actions act on: the marked annotations the filter lists (never one it
        hides: marks stay while the filter changes), else the one under the cursor."""
        table = self.table()
        if table.marked:
            listed = [row.annotation for row in table.rows if row.annotation.id in table.marked]
            if not listed:
                self.notify(
                    "None of the marked annotations is listed: change the filter to see "
                    "them, or mark listed ones.",
                    markup=False,
                )
            return listed
        row = table.cursor_annotation_row
        return [row.annotation] if row is not None else []

    def _describe_chosen(self, chosen: list[Annotation]) -> str:
        return count_noun(len(chosen), "annotation")

    def action_add_tag(self) -> None:
        """Add a tag to the chosen annotations (one undo step)."""
        chosen = self.chosen()
        if not chosen:
            return
        store = self.workspace.require_store()
        ids = [a.id for a in chosen]
        what = self._describe_chosen(chosen)

        def add(tag: str | None) -> None:
            if tag:
                self.newsmark.perform(
                    "add the tag",
                    lambda: store.edit_many(
                        ids, add_tags=[tag], description=f"add tag {tag} to {what}"
                    ),
                    on_done=lambda changed: self.notify(
                        f"Tagged {count_noun(changed, 'annotation')} {tag}; u undoes it.",
                        markup=False,
                    ),
                )

        self.app.push_screen(
            PromptDialog(
                f"Add a tag to {what}:",
                suggestions=self.workspace.tag_names(),
                validate=_tag_problem,
            ),
            add,
        )

    def action_remove_tag(self) -> None:
        """Remove a tag from the chosen annotations (one undo step)."""
        chosen = self.chosen()
        if not chosen:
            return
        store = self.workspace.require_store()
        ids = [a.id for a in chosen]
        what = self._describe_chosen(chosen)
        carried = sorted({tag for a in chosen for tag in a.tags}, key=str.casefold)

        def remove(tag: str | None) -> None:
            if tag:
                self.newsmark.perform(
                    "remove the tag",
                    lambda: store.edit_many(
                        ids, remove_tags=[tag], description=f"remove tag {tag} from {what}"
                    ),
                    on_done=lambda changed: self.notify(
                        f"Removed {tag} from {count_noun(changed, 'annotation')}; u undoes it.",
                        markup=False,
                    ),
                )

        self.app.push_screen(
            PromptDialog(
                f"Remove a tag from {what}:",
                suggestions=carried,
                placeholder=", ".join(carried[:5]),
            ),
            remove,
        )

    def action_delete(self) -> None:
        """Delete the chosen annotations after a yes (one undo step)."""
        chosen = self.chosen()
        if not chosen:
            return
        store = self.workspace.require_store()
        ids = [a.id for a in chosen]
        what = self._describe_chosen(chosen)

        def delete(confirmed: bool | None) -> None:
            if confirmed:
                self.table().marked -= set(ids)
                self.newsmark.perform(
                    "delete",
                    lambda: store.delete_many(ids, f"delete {what}"),
                    on_done=lambda deleted: self.notify(
                        f"Deleted {count_noun(deleted, 'annotation')}; u undoes it.", markup=False
                    ),
                )

        self.app.push_screen(ConfirmDialog(f"Delete {what}? u undoes it."), delete)

    def action_copy(self) -> None:
        """Copy the chosen quotes as Markdown grouped by tag, with citations."""
        from annotations.export.citation import tag_quotes_markdown
        from annotations.export.styles import DEFAULT_STYLE

        chosen = self.chosen()
        if not chosen:
            return
        corpus = self.workspace.require_corpus()
        metas = {a.article: corpus.meta(a.article) for a in chosen if a.article in corpus}
        tags = {tag for a in chosen for tag in a.tags}
        text = tag_quotes_markdown(
            chosen,
            metas,
            tags,
            include_untagged=True,
            style=self.newsmark.citation_style or DEFAULT_STYLE,
            accessed=date.today().isoformat(),
        )
        self.newsmark.copy_with_notice(text, count_noun(len(chosen), "quote"))

    def action_export(self) -> None:
        """Open the export dialog for the chosen annotations."""
        from tui.screens.export_dialog import ExportDialog

        chosen = self.chosen()
        if chosen:
            self.app.push_screen(ExportDialog(annotation_ids=tuple(a.id for a in chosen)))


def _tag_problem(value: str) -> str | None:
    """Why `value` cannot be a tag, or None."""
    from annotations.tags import normalise_tag

    try:
        normalise_tag(value)
    except NewsmarkError as error:
        return str(error)
    return None
