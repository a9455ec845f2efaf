"""The library table's rows, made only when the table draws them.

A collection of 100,000 articles once cost 100,000 row objects (and measuring every cell)
before the first frame; `LibraryRows` holds the listed articles' metadata (the collection's,
or its early listing), and makes a row for each line on screen as it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, indexOf, not_
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len

from annotations.library_listing import PASS_STEP, mapped_in_steps
from tui.widgets.article_table import TableColumn, TableRow, widest

if TYPE_CHECKING:
    from annotations.library_listing import Listed

# Dates are shown as days (`2023-12-14`): the time is in the reader and the row's tooltip.
DATE_CHARS = 10
ID, SOURCE, DATE, WORDS = map(attrgetter, ("id", "source", "date", "words"))
NO_DATE = {None: "—", "": "—"}  # what the date column shows without a date


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
        self._ids: list[str] | None = None  # (see `index_ready`)

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
        """Where the article `key` is listed, or None (found sooner after `index_ready`)."""
        try:
            if self._ids is None:
                return indexOf(map(ID, self.metas), key)
            return self._ids.index(key)
        except ValueError:
            return None

    def index_ready(self) -> None:
        """Make `index_of` quicker (every id in a list: four times faster to look through,
        at a million rows 0.08 s instead of 0.3 s, and 0.2 s to make). Blocking: call it
        in a thread."""
        self._ids = mapped_in_steps(ID, self.metas)

    def content_widths(
        self, columns: Sequence[TableColumn], same: Sequence[Listed] | None = None
    ) -> list[int]:
        """The widest cell of each of the five columns (at least its label with a sort
        arrow): the title's label only, as it takes the room left. Computed from the
        distinct values, not from a row per article; read from `same` if given: the same
        articles in another order (one read faster: see `LibraryModel.known`)."""
        metas = self.metas if same is None else same
        sources: set[str | None] = set()
        ascii_days: set[int] = set()  # lengths of the ASCII dates (their width)
        other_days: set[str] = set()
        words = 0
        # Values read by `map`, without a Python call per article (a loop took 1.5 s at a
        # million), `PASS_STEP` articles per call into C (which holds the interpreter).
        for start in range(0, len(metas), PASS_STEP):
            part = metas[start : start + PASS_STEP]
            sources.update(map(SOURCE, part))
            dates = list(map(DATE, part))
            shown = cast("list[str]", list(map(NO_DATE.get, dates, dates)))
            ascii = list(map(str.isascii, shown))
            ascii_days.update(map(len, compress(shown, ascii)))
            other_days.update(compress(shown, map(not_, ascii)))
            words = max(words, *map(WORDS, part))
        notes = 0
        if self.counts:
            notes = max(map(self.counts.get, map(ID, metas), repeat(0)), default=0)
        days = min(max(ascii_days, default=0), DATE_CHARS)
        contents = (
            0,
            widest({source or "—" for source in sources}),
            max(days, widest({day[:DATE_CHARS] for day in other_days})),
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
