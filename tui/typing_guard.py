"""Typed text never runs as commands.

Textual hands every key to the widget that has the focus when the key arrives. Keys typed
quickly after the one that opens a text box (`/` find, `f` filter, `t` tag; a fast
typist, `tmux send-keys`, a paste without bracketed paste) are therefore already on their
way to the old widget when the box opens. They bubble up to the app, where the bindings of
the *new* focus chain would run them: `d` deletes, `u` undoes, `o` opens Orphans, `e`
Export. `typing_target` names the box such a key was meant for.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input


def typing_target(app: App) -> Input | None:
    """The text box a printable key that reached the app (unhandled) belongs in, if any.

    A focused `Input` consumes every printable key itself, so one that reaches the app
    while an `Input` has the focus was typed before the focus moved there. A dialog that
    is still opening (nothing focused yet) and holds a text box gets it too.
    """
    focused = app.focused
    if isinstance(focused, Input):
        return focused
    screen = app.screen
    if focused is None and isinstance(screen, ModalScreen):
        return next(iter(screen.query(Input)), None)
    return None
