"""The library table's rows, made only when the table draws them.

A collection of 100,000 articles once cost 100,000 row objects (and measuring every cell)
before the first frame; `LibraryRows` holds the listed articles' metadata (the collection's,
or its early listing), and makes a row for each line on screen as it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.widgets.article_table import TableColumn, TableRow, widest

if TYPE_CHECKING:
    from annotations.library_listing import Listed

# Dates are shown as days (`2023-12-14`): the time is in the reader and the row's tooltip.
DATE_CHARS = 10


class LibraryRows:
    """A `RowSource` over the articles the library lists (filtered and sorted): title
    (marked ones start with ●), outlet, date, words and annotation count."""

    def __init__(
        self,
        metas: Sequence[Listed],
        counts: Mapping[str, int],
        marked: tuple[str, ...] = (),
    ) -> None:
        self.metas = metas
        self.counts = counts
        self.marked = marked
        self._ids = [meta.id for meta in metas]

    def __len__(self) -> int:
        return len(self.metas)

    def row(self, index: int) -> TableRow:
        """The row of the article at `index`."""
        meta = self.metas[index]
        return TableRow(
            meta.id,
            (
                ("● " if meta.id in self.marked else "") + meta.title,
                meta.source or "—",
                (meta.date or "—")[:DATE_CHARS],
                str(meta.words),
                str(self.counts.get(meta.id, 0) or ""),
            ),
            hover=published(meta),
        )

    def index_of(self, key: str) -> int | None:
        """Where the article `key` is listed, or None."""
        try:
            return self._ids.index(key)
        except ValueError:
            return None

    def content_widths(self, columns: Sequence[TableColumn]) -> list[int]:
        """The widest cell of each of the five columns (at least its label with a sort
        arrow): the title's label only, as it takes the room left. Computed from the
        distinct values, not from a row per article."""
        metas = self.metas
        words = max((meta.words for meta in metas), default=0)
        notes = max((self.counts.get(i, 0) for i in self._ids), default=0)
        contents = (
            0,
            widest({meta.source or "—" for meta in metas}),
            widest({(meta.date or "—")[:DATE_CHARS] for meta in metas}),
            len(str(words)) if metas else 0,
            len(str(notes)) if notes else 0,
        )
        return [
            max(content, cell_len(column.label) + 2)
            for column, content in zip(columns, contents, strict=True)
        ]


def published(meta: Listed) -> str | None:
    """The full publication date and time, for the row's tooltip (None: only a day)."""
    if meta.date is None or len(meta.date) <= DATE_CHARS:
        return None
    return f"Published {meta.date.replace('T', ' ')}"
