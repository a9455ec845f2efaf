"""The library's list of search hits."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class HitList(OptionList):
    """Search hits; its enter key (open the hit in the reader) is shown in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="library.open-hit"),
    ]
