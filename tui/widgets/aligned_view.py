"""The aligned view of two articles: matched passages row by row, with a row cursor.

Each row shows a score and a left and a right cell; the cursor is on one row and one side
(its cell is the "active" one). Highlights are drawn in their colours inside the cells.
The view posts `CellChosen` whenever the cursor moves, so the screen can select that
passage in the side's article view (and tag, copy or delete it with the usual keys), and
`OpenInColumns` on enter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from annotations.align import STRONG_SCORE, AlignmentRow, AlignmentSummary, Unit
from tui.widgets.article_render import Highlight, paint_runs

Side = Literal["left", "right"]


def score_text(row: AlignmentRow) -> Text:
    """The score cell: the similarity, "weak" under STRONG_SCORE, empty for a unit alone."""
    if row.score is None:
        return Text("")
    if row.score < STRONG_SCORE:
        return Text(f"{row.score:.2f}\nweak", style="dim")
    return Text(f"{row.score:.2f}", style="bold")


def missing_text(row: AlignmentRow, present: Side, unit: str) -> Text:
    """What stands where a side has no unit: "only left/right", or where its match is."""
    pair = row.elsewhere
    if pair is None:
        return Text(f"— only {present} —", style="dim italic")
    other = pair.right if present == "left" else pair.left
    side = "right" if present == "left" else "left"
    return Text(
        f"— out of order: matches {side} {unit} {other.index + 1} ({pair.score:.2f}) —",
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


class AlignedView(VerticalScroll, can_focus=True):
    """Rows of matched passages; j/k move between rows, h/l (or ←/→) between sides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next row", show=False, id="aligned.down"),
        Binding("k,up", "move(-1)", "Prev row", show=False, id="aligned.up"),
        Binding("h,left", "side('left')", "Left side", show=False, id="aligned.left"),
        Binding("l,right", "side('right')", "Right side", show=False, id="aligned.right"),
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
        """The cursor is on `unit` of `side` (None: that side of the row is empty)."""

        def __init__(self, side: Side, unit: Unit | None) -> None:
            super().__init__()
            self.side = side
            self.unit = unit

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

    @property
    def rows(self) -> list[AlignmentRow]:
        """The rows shown."""
        return list(self._rows)

    def set_rows(self, rows: Sequence[AlignmentRow], unit: str) -> None:
        """Show `rows` (an `Alignment.rows()`), with a summary line above them."""
        self._rows, self._unit = list(rows), unit
        self.remove_children()
        self.mount(Static(summary_text(AlignmentSummary.of(self._rows)), id="aligned-summary"))
        self.mount_all(self._row_widget(index) for index in range(len(self._rows)))
        self.cursor = 0
        self.call_after_refresh(self._show_cursor)

    def set_highlights(self, side: Side, highlights: Iterable[Highlight]) -> None:
        """Redraw the cells of `side` with these highlights."""
        self._highlights[side] = sorted(highlights, key=lambda h: (h.start, -h.end))
        for index, row in enumerate(self._rows):
            unit = row.left if side == "left" else row.right
            if unit is not None:
                for cell in self.query(f"#aligned-{side}-{index}").results(Static):
                    cell.update(self._cell(row, side))

    def _touching(self, side: Side, unit: Unit) -> list[Highlight]:
        return [h for h in self._highlights[side] if h.start < unit.end and h.end > unit.start]

    def _cell(self, row: AlignmentRow, side: Side) -> Text:
        unit = row.left if side == "left" else row.right
        if unit is None:
            present: Side = "right" if side == "left" else "left"
            return missing_text(row, present, self._unit)
        return unit_text(unit, self._touching(side, unit))

    def _row_widget(self, index: int) -> Horizontal:
        row = self._rows[index]
        classes = "aligned-row" + ("" if row.score is not None else " -unmatched")
        return Horizontal(
            Static(score_text(row), classes="aligned-score"),
            Static(self._cell(row, "left"), classes="aligned-cell", id=f"aligned-left-{index}"),
            Static(self._cell(row, "right"), classes="aligned-cell", id=f"aligned-right-{index}"),
            classes=classes,
            id=f"aligned-row-{index}",
        )

    def current_row(self) -> AlignmentRow | None:
        """The row under the cursor."""
        return self._rows[self.cursor] if self._rows else None

    def _show_cursor(self) -> None:
        for row in self.query(".aligned-row"):
            row.set_class(row.id == f"aligned-row-{self.cursor}", "-cursor")
        for cell in self.query(".aligned-cell"):
            cell.set_class(cell.id == f"aligned-{self.side}-{self.cursor}", "-active")
        found = self.query(f"#aligned-row-{self.cursor}")
        if found:
            self.scroll_to_widget(found.first(), animate=False, immediate=True)
        current = self.current_row()
        if current is not None:
            self.post_message(
                self.CellChosen(self.side, current.left if self.side == "left" else current.right)
            )

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped)."""
        if self._rows:
            self.cursor = min(max(index, 0), len(self._rows) - 1)
            self._show_cursor()

    def action_move(self, step: int) -> None:
        """Move the cursor `step` rows."""
        self.move_to(self.cursor + step)

    def action_side(self, side: Side) -> None:
        """Make `side` the active cell of the row."""
        self.side = side
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
