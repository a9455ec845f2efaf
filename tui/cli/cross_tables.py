"""`stats --by` tables for the terminal, readable at any width.

A table whose tag columns fit the terminal is printed as one table. Wider ones are split
into several tables of the same rows, each with as many tag columns as fit (at most
`MAX_PARTS`); beyond that, and when not even one tag column fits beside the row names, the
table is printed in long form: one line per non-empty cell (row, tag, count). Rich would
otherwise squeeze every column to nothing.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.tables import CrossTable

MAX_PARTS = 3
# A column's width beyond its text: one space of padding each side and a border.
COLUMN_FRAME = 3


def column_groups(table: CrossTable, width: int) -> list[list[str]] | None:
    """The tag columns split into groups that fit `width` beside the row names, or None
    when that takes more than `MAX_PARTS` tables (or one column does not fit)."""
    label = max(cell_len(name) for name in (table.by, *table.rows)) + COLUMN_FRAME
    groups: list[list[str]] = [[]]
    used = 1 + label
    for column in table.columns:
        digits = max((len(str(table.count(row, column))) for row in table.rows), default=1)
        needed = max(cell_len(column), digits) + COLUMN_FRAME
        if 1 + label + needed > width:
            return None
        if groups[-1] and used + needed > width:
            groups.append([])
            used = 1 + label
        groups[-1].append(column)
        used += needed
    return groups if len(groups) <= MAX_PARTS else None


def render_cross_table(table: CrossTable, console: Console) -> None:
    """Print `table` (rows present) to fit `console.width`: whole, in parts or long."""
    title = f"Tags by {table.by}"
    groups = column_groups(table, console.width)
    if groups is None:
        console.print(_long_table(table, title))
        return
    for number, columns in enumerate(groups, start=1):
        part = f" ({number} of {len(groups)})" if len(groups) > 1 else ""
        shown = Table(title=Text(title + part))
        shown.add_column(Text(table.by), no_wrap=True)
        for column in columns:
            shown.add_column(Text(column), justify="right", no_wrap=True)
        for row in table.rows:
            shown.add_row(Text(row), *(Text(str(table.count(row, c) or "")) for c in columns))
        console.print(shown)


def _long_table(table: CrossTable, title: str) -> Table:
    """One line per non-empty cell: the row's name (on its first line), the tag, the count."""
    shown = Table(title=Text(title))
    shown.add_column(Text(table.by))
    shown.add_column(Text("tag"))
    shown.add_column(Text("count"), justify="right", no_wrap=True)
    for row in table.rows:
        cells = [(column, table.count(row, column)) for column in table.columns]
        for position, (column, count) in enumerate((c, n) for c, n in cells if n):
            shown.add_row(Text(row if position == 0 else ""), Text(column), Text(str(count)))
    return shown
