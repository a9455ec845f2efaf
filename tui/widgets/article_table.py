"""The library's article table."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class ArticleTable(DataTable):
    """The article table; its enter key (select the row, which opens it) is in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="library.open-row"),
    ]
