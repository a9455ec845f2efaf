"""The aligned view of two articles: matched passages row by row, with a row cursor.

Each row shows a score and a left and a right cell; the cursor is on one row and one side
(its cell is the "active" one). Highlights are drawn in their colours inside the cells.
Inside the active cell a caret moves by word (`w`/`b`/`e`) and by character (`h`/`l`);
`v` starts a selection there that the caret extends (the reader's rule, `annotations.caret`),
and a mouse drag inside a cell selects whole words. The view posts `CellChosen` whenever
the caret or the selection moves, with the body range `t`/`c`/`s` act on (the selection, or
the whole passage), and `OpenInColumns` on enter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.selection import Selection
from textual.widgets import Static

from annotations.align import STRONG_SCORE, AlignmentRow, AlignmentSummary, Unit, shown_score
from annotations.caret import Caret
from annotations.words import WordIndex, word_index
from tui.widgets.article_render import Highlight, paint_runs
from tui.widgets.chord import TOP_CHORD_HELP, TopChord

Side = Literal["left", "right"]


def score_text(row: AlignmentRow) -> Text:
    """The score cell: the similarity, "weak" under STRONG_SCORE, empty for a unit alone."""
    if row.score is None:
        return Text("")
    if row.score < STRONG_SCORE:
        return Text(f"{shown_score(row.score)}\nweak", style="dim")
    return Text(shown_score(row.score), style="bold")


def missing_text(row: AlignmentRow, present: Side, unit: str) -> Text:
    """What stands where a side has no unit: "only left/right", or where its match is."""
    pair = row.elsewhere
    if pair is None:
        return Text(f"— only {present} —", style="dim italic")
    other = pair.right if present == "left" else pair.left
    side = "right" if present == "left" else "left"
    return Text(
        f"— out of order: matches {side} {unit} {other.index + 1} ({shown_score(pair.score)}) —",
        style="dim italic",
    )


def unit_text(unit: Unit, highlights: Sequence[Highlight]) -> Text:
    """A unit's text with the highlights that touch it painted in their colours."""
    from textual.color import Color

    text = Text(unit.text)
    for run in paint_runs(unit.start, unit.end, highlights):
        colour = Color.parse(run.highlight.colour)
        style = Style(
            bgcolor=colour.rich_color,
            color=colour.get_contrast_text(1.0).rich_color,
            underline=run.depth > 1,
        )
        text.stylize(style, run.start - unit.start, run.end - unit.start)
    return text


def row_cells(row: AlignmentRow, unit: str) -> tuple[Text, Text, Text]:
    """The score, left and right cells of one aligned row (without highlights)."""
    left = unit_text(row.left, ()) if row.left else missing_text(row, "right", unit)
    right = unit_text(row.right, ()) if row.right else missing_text(row, "left", unit)
    return score_text(row), left, right


def summary_text(summary: AlignmentSummary) -> Text:
    """The line above the rows: the counts and the keys that jump between them."""
    text = Text()
    text.append(f"{summary.matched} matched", style="bold")
    text.append(
        f" · {summary.only_left} only left · {summary.only_right} only right"
        f" · {summary.out_of_order} out of order"
    )
    text.append("   ]/[ next/prev match · }/{ next/prev unmatched · ⏎ open in columns", style="dim")
    return text


class AlignedCell(Static):
    """One side of one aligned row: its passage, or what stands where it has none."""

    def __init__(self, content: Text, *, side: Side, index: int) -> None:
        super().__init__(content, classes="aligned-cell", id=f"aligned-{side}-{index}")
        self.side: Side = side
        self.row_index = index


def selected_range(text: str, selection: Selection) -> tuple[int, int] | None:
    """A mouse selection inside one cell as [start, end) offsets into its `text`."""
    if selection.start is None or selection.end is None:
        return None  # the drag went on into other cells
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))

    def offset(x: int, y: int) -> int:
        return min(line_starts[min(y, len(line_starts) - 1)] + x, len(text))

    start, end = offset(*selection.start), offset(*selection.end)
    return (start, end) if end > start else None


class AlignedView(VerticalScroll, can_focus=True):
    """Rows of matched passages; j/k move between rows, tab between sides, and a caret
    inside the active cell selects part of its passage."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"aligned-view--caret", "aligned-view--selection"}

    DEFAULT_CSS = """
    AlignedView {
        & > .aligned-view--caret { text-style: underline bold; }
        & > .aligned-view--selection { text-style: reverse; }
    }
    """

    HELP_CHORDS: ClassVar[tuple[tuple[str, str], ...]] = (("g g", "First row"),)
    """Key sequences for the help screen (a binding is one key)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next row", show=False, id="aligned.down"),
        Binding("k,up", "move(-1)", "Prev row", show=False, id="aligned.up"),
        Binding("tab,shift+tab", "other_side", "Other side", id="aligned.other-side"),
        Binding("w,ctrl+right", "word('next')", "Next word", show=False, id="aligned.next-word"),
        Binding("b,ctrl+left", "word('previous')", "Prev word", show=False, id="aligned.prev-word"),
        Binding("e", "word('end')", "End of word", show=False, id="aligned.word-end"),
        Binding("l,right", "step(1)", "Next character", show=False, id="aligned.next-char"),
        Binding("h,left", "step(-1)", "Prev character", show=False, id="aligned.prev-char"),
        Binding("v", "toggle_selection", "Select", id="aligned.select"),
        Binding("escape", "clear_selection", "Clear selection", id="aligned.clear"),
        Binding("g", "tag_browser", "Tags", tooltip=TOP_CHORD_HELP, id="aligned.g"),
        Binding("home", "move_to(0)", "First row", show=False, id="aligned.first"),
        Binding("G,end", "last_row", "Last row", show=False, id="aligned.last"),
        Binding(
            "right_square_bracket",
            "jump(1, True)",
            "Next match",
            key_display="]",
            id="aligned.next-match",
        ),
        Binding(
            "left_square_bracket",
            "jump(-1, True)",
            "Prev match",
            key_display="[",
            show=False,
            id="aligned.previous-match",
        ),
        Binding(
            "right_curly_bracket",
            "jump(1, False)",
            "Next unmatched",
            key_display="}",
            id="aligned.next-unmatched",
        ),
        Binding(
            "left_curly_bracket",
            "jump(-1, False)",
            "Prev unmatched",
            key_display="{",
            show=False,
            id="aligned.previous-unmatched",
        ),
        Binding("enter", "open", "Open in columns", id="aligned.open"),
    ]

    class CellChosen(Message):
        """The cursor is on `unit` of `side` (None: that side of the row is empty); `span`
        is the body range the keys act on: the selection in it, else the whole passage;
        `caret` is the body offset of the caret (what `d` and editing a highlight act on)."""

        def __init__(
            self,
            side: Side,
            unit: Unit | None,
            span: tuple[int, int] | None,
            caret: int | None = None,
        ) -> None:
            super().__init__()
            self.side = side
            self.unit = unit
            self.span = span
            self.caret = caret

    class OpenInColumns(Message):
        """Enter: show this row's passages in the two columns."""

        def __init__(self, row: AlignmentRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[AlignmentRow] = []
        self._unit = "sentence"
        self._highlights: dict[Side, list[Highlight]] = {"left": [], "right": []}
        self.cursor = 0
        self.side: Side = "left"
        self.caret: Caret | None = None  # in the active cell, offsets into its passage's text
        self._words: WordIndex | None = None
        self._drawn: AlignedCell | None = None  # the cell drawn with the caret
        self._top_chord = TopChord(self, lambda: self.move_to(0))

    @property
    def rows(self) -> list[AlignmentRow]:
        """The rows shown."""
        return list(self._rows)

    def set_rows(self, rows: Sequence[AlignmentRow], unit: str) -> None:
        """Show `rows` (an `Alignment.rows()`), with a summary line above them."""
        self._rows, self._unit = list(rows), unit
        self.remove_children()
        self._drawn = None
        self.mount(Static(summary_text(AlignmentSummary.of(self._rows)), id="aligned-summary"))
        self.mount_all(self._row_widget(index) for index in range(len(self._rows)))
        self.cursor = 0
        self._reset_caret()
        self.call_after_refresh(self._show_cursor)

    def set_highlights(self, side: Side, highlights: Iterable[Highlight]) -> None:
        """Redraw the cells of `side` with these highlights."""
        self._highlights[side] = sorted(highlights, key=lambda h: (h.start, -h.end))
        for index, row in enumerate(self._rows):
            unit = row.left if side == "left" else row.right
            if unit is not None:
                for cell in self.query(f"#aligned-{side}-{index}").results(AlignedCell):
                    cell.update(self._cell(row, side, index))

    def _touching(self, side: Side, unit: Unit) -> list[Highlight]:
        return [h for h in self._highlights[side] if h.start < unit.end and h.end > unit.start]

    def _cell(self, row: AlignmentRow, side: Side, index: int) -> Text:
        unit = row.left if side == "left" else row.right
        if unit is None:
            present: Side = "right" if side == "left" else "left"
            return missing_text(row, present, self._unit)
        text = unit_text(unit, self._touching(side, unit))
        if self.caret is not None and (index, side) == (self.cursor, self.side):
            words = self._word_index()
            selection = self.caret.selection(words)
            if selection is not None:
                text.stylize(self.get_component_rich_style("aligned-view--selection"), *selection)
            else:
                text.stylize(
                    self.get_component_rich_style("aligned-view--caret"), *self.caret.unit(words)
                )
        return text

    def _row_widget(self, index: int) -> Horizontal:
        row = self._rows[index]
        classes = "aligned-row" + ("" if row.score is not None else " -unmatched")
        return Horizontal(
            Static(score_text(row), classes="aligned-score"),
            AlignedCell(self._cell(row, "left", index), side="left", index=index),
            AlignedCell(self._cell(row, "right", index), side="right", index=index),
            classes=classes,
            id=f"aligned-row-{index}",
        )

    def current_row(self) -> AlignmentRow | None:
        """The row under the cursor."""
        return self._rows[self.cursor] if self._rows else None

    def current_unit(self) -> Unit | None:
        """The passage of the active cell (None: that side of the row is empty)."""
        row = self.current_row()
        if row is None:
            return None
        return row.left if self.side == "left" else row.right

    @property
    def selection(self) -> tuple[int, int] | None:
        """The body range selected in the active cell (None before `v` or a drag)."""
        unit = self.current_unit()
        if unit is None or self.caret is None:
            return None
        selection = self.caret.selection(self._word_index())
        return None if selection is None else (unit.start + selection[0], unit.start + selection[1])

    def _word_index(self) -> WordIndex:
        if self._words is None:
            unit = self.current_unit()
            self._words = word_index(unit.text if unit is not None else "")
        return self._words

    def _reset_caret(self) -> None:
        unit = self.current_unit()
        self._words = None
        self.caret = Caret.at_start(0, len(unit.text)) if unit is not None else None

    def _show_cursor(self) -> None:
        for row in self.query(".aligned-row"):
            row.set_class(row.id == f"aligned-row-{self.cursor}", "-cursor")
        for cell in self.query(AlignedCell):
            cell.set_class((cell.row_index, cell.side) == (self.cursor, self.side), "-active")
        found = self.query(f"#aligned-row-{self.cursor}")
        if found:
            self.scroll_to_widget(found.first(), animate=False, immediate=True)
        self._caret_moved()

    def _caret_moved(self) -> None:
        """Redraw the cell with the caret (and the one that had it), and say what is chosen."""
        active = self.query(f"#aligned-{self.side}-{self.cursor}").results(AlignedCell)
        cell = next(iter(active), None)
        for drawn in {self._drawn, cell} - {None}:
            assert drawn is not None
            drawn.update(self._cell(self._rows[drawn.row_index], drawn.side, drawn.row_index))
        self._drawn = cell
        unit = self.current_unit()
        if self._rows:
            span = self.selection or (None if unit is None else (unit.start, unit.end))
            caret = None if unit is None or self.caret is None else unit.start + self.caret.point
            self.post_message(self.CellChosen(self.side, unit, span, caret))
        self.refresh_bindings()

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped), at the start of its passage."""
        if self._rows:
            self.cursor = min(max(index, 0), len(self._rows) - 1)
            self._reset_caret()
            self._show_cursor()

    def action_move(self, step: int) -> None:
        """Move the cursor `step` rows."""
        self.move_to(self.cursor + step)

    def action_move_to(self, index: int) -> None:
        """Move the cursor to row `index`."""
        self.move_to(index)

    def action_last_row(self) -> None:
        """Move the cursor to the last row."""
        self.move_to(len(self._rows) - 1)

    def action_tag_browser(self) -> None:
        """`g g`: the first row; `g` alone (after a pause): the tag browser."""
        self._top_chord.press()

    def action_side(self, side: Side) -> None:
        """Make `side` the active cell of the row."""
        self.side = side
        self._reset_caret()
        self._show_cursor()

    def action_other_side(self) -> None:
        """Make the row's other cell the active one."""
        self.action_side("right" if self.side == "left" else "left")

    def _set_caret(self, caret: Caret | None) -> None:
        if caret is None:
            self.app.bell()  # at the edge of the passage
            return
        self.caret = caret
        self._caret_moved()

    def action_word(self, where: str) -> None:
        """Move the caret to the next word, the start of this or the previous one, or the
        end of this or the next one (`where`: next, previous, end)."""
        if self.caret is not None:
            words = self._word_index()
            moves = {
                "next": self.caret.next_word,
                "previous": self.caret.previous_word,
                "end": self.caret.word_end,
            }
            self._set_caret(moves[where](words))

    def action_step(self, delta: int) -> None:
        """Move the caret one character (a selection then ends on that character)."""
        if self.caret is not None:
            self._set_caret(self.caret.step(delta))

    def action_toggle_selection(self) -> None:
        """Start a selection at the caret's word (or character), or drop the selection."""
        if self.caret is not None:
            self._set_caret(self.caret.toggled(self._word_index()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a selection; without one it is the screen's (back to the columns)."""
        if action == "clear_selection":
            return self.caret is not None and self.caret.anchor is not None
        return True

    def action_clear_selection(self) -> None:
        """Drop the selection (the whole passage is what the keys act on again)."""
        if self.caret is None or self.caret.anchor is None:
            raise SkipAction()
        self._set_caret(self.caret.without_selection())

    def forget_selection(self) -> None:
        """Drop the selection without choosing the whole passage (it was just saved)."""
        if self.caret is not None and self.caret.anchor is not None:
            self.caret = self.caret.without_selection()
            if self._drawn is not None:
                row = self._rows[self._drawn.row_index]
                self._drawn.update(self._cell(row, self._drawn.side, self._drawn.row_index))
            self.refresh_bindings()

    def take_mouse_selection(self) -> bool:
        """Adopt a mouse drag made inside one cell: that row and side, the dragged words
        selected (keys go on from there). False when no drag lies inside one cell."""
        for widget, selection in self.screen.selections.items():
            if not isinstance(widget, AlignedCell) or widget.parent is None:
                continue
            row = self._rows[widget.row_index]
            unit = row.left if widget.side == "left" else row.right
            dragged = None if unit is None else selected_range(unit.text, selection)
            if unit is None or dragged is None:
                continue
            words = word_index(unit.text)
            snapped = words.snap(*dragged)
            if snapped is None:
                continue
            start, end = snapped
            self.cursor, self.side, self._words = widget.row_index, widget.side, words
            self.caret = Caret(0, len(unit.text), end - 1, word_mode=False, anchor=(start, start))
            self.screen.clear_selection()
            self.focus()
            self._show_cursor()
            return True
        return False

    def on_click(self, event: events.Click) -> None:
        """A click on a passage puts the cursor on it."""
        cell = event.widget
        if isinstance(cell, AlignedCell) and (cell.row_index, cell.side) != (
            self.cursor,
            self.side,
        ):
            self.cursor, self.side = cell.row_index, cell.side
            self._reset_caret()
            self._show_cursor()

    def action_jump(self, step: int, matched: bool) -> None:
        """The next (step 1) or previous (-1) matched or unmatched row, if any."""
        index = self.cursor + step
        while 0 <= index < len(self._rows):
            if (self._rows[index].score is not None) == matched:
                self.move_to(index)
                return
            index += step
        self.app.bell()

    def action_open(self) -> None:
        """Show the row's passages in the columns."""
        row = self.current_row()
        if row is not None:
            self.post_message(self.OpenInColumns(row))
