"""A radio button whose state shows without colour."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import RadioButton


class ChoiceButton(RadioButton):
    """A `RadioButton` drawn `●` when chosen and `○` when not, its label bold when chosen:
    Textual's own tells the two apart only by colour, which a monochrome terminal or a
    colour-blind reader loses."""

    DEFAULT_CSS: ClassVar[str] = """
    ChoiceButton.-on > .toggle--label {
        text-style: bold;
    }
    """

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button
