"""The help screen: every key the screen below responds to, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

MOUSE_HELP = (
    "Mouse: drag across text to select it, then press t to tag it; click a sentence to "
    "move the cursor there; click a highlight to put the cursor on it (t edits it, d "
    "deletes it) and, in the reader, to pick its entry in the annotation panel. "
    "ctrl+p opens the command palette with every action."
)


# Where a key works, in the user's words, by the kind of widget that has the focus.
WIDGET_NAMES = {
    "ArticleView": "in the text",
    "AlignedView": "in the aligned rows",
    "ArticleTable": "in the list of articles",
    "DataTable": "in the table",
    "Input": "while typing",
    "OptionList": "in the list",
    "SelectionList": "in the list",
}


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, description, where) for each active binding of `screen`.

    newsmark's own keys come first (this screen's, then the focused widget's and the key
    sequences it lists in `HELP_CHORDS`, then those that work everywhere); Textual's generic
    navigation keys come last.
    """
    ranked: list[tuple[int, tuple[str, str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or (key, binding.action) in seen:
            continue
        seen.add((key, binding.action))
        display = binding.key_display or screen.app.get_key_display(binding)
        if active.node is screen.app:
            rank, where = 2, "everywhere"
        elif active.node is screen:
            rank, where = 0, getattr(screen, "help_title", "this screen")
        else:
            names = (WIDGET_NAMES.get(cls.__name__) for cls in type(active.node).__mro__)
            rank, where = 1, next((name for name in names if name), "here")
        if binding.id is None:  # Textual's built-in keys (cursor moves, focus, copy)
            rank = 3
        ranked.append((rank, (display, binding.description, where)))
    focused = screen.focused
    for key, description in getattr(focused, "HELP_CHORDS", ()):
        names = (WIDGET_NAMES.get(cls.__name__) for cls in type(focused).__mro__)
        ranked.append((1, (key, description, next((name for name in names if name), "here"))))
    ranked.sort(key=lambda item: item[0])
    return [row for _, row in ranked]


class HelpScreen(ModalScreen[None]):
    """A list of the keys of the screen it was opened from; escape or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, described: Screen) -> None:
        super().__init__()
        self._rows = binding_rows(described)
        self._title = f"Keys: {getattr(described, 'help_title', type(described).__name__)}"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text(self._title, style="bold"), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(MOUSE_HELP), id="help-mouse")

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one("#help-table", DataTable)
        table.add_columns("Key", "Action", "Where")
        for key, description, where in self._rows:
            table.add_row(Text(key, style="bold"), Text(description), Text(where, style="dim"))
        table.focus()
