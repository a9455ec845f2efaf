"""The key footer: the screen's key bindings drawn as one line by one widget.

Textual's Footer mounts a widget per key (twelve on the library screen) and restyles each
of them a few times while mounting; at start-up that cost about 100 ms, a fifth of the
time to the first frame. This footer is a single widget that renders the keys as one line
of text, so the keys are in the very first frame at almost no cost. It looks and behaves
like Textual's: keys in the accent colour, disabled keys dimmed, a key under the mouse
highlighted with its tooltip, a click presses the key, and the command palette key sits at
the right edge. Its colours come from `app.tcss` through its component classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

PALETTE_SEPARATOR = "▏"
# Narrower than this, the footer shows screen keys only (no room kept for the palette key).
MIN_WIDTH_FOR_PALETTE = 40


@dataclass(frozen=True)
class FooterKey:
    """One key as drawn: the key to press, its label and where it sits on the line."""

    key: str
    display: str
    description: str
    tooltip: str
    enabled: bool
    start: int = 0
    end: int = 0


def footer_keys(screen: Screen) -> list[FooterKey]:
    """The keys a footer shows for `screen`, one per action, most important first.

    Like Textual's Footer: bindings with `show=False` are left out, and of several keys
    bound to one action the first is shown. The actions named in the screen's
    `footer_priority` come first, in that order; the others follow in binding order.
    """
    app = screen.app
    keys: dict[str, FooterKey] = {}
    for _node, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show and binding.action not in keys:
            keys[binding.action] = _footer_key(
                app.get_key_display(binding), binding, enabled, tooltip
            )
    priority: tuple[str, ...] = getattr(screen, "footer_priority", ())
    rank = {action: index for index, action in enumerate(priority)}
    ordered = sorted(
        enumerate(keys.items()), key=lambda item: (rank.get(item[1][0], len(rank)), item[0])
    )
    return [key for _, (_action, key) in ordered]


def palette_key(screen: Screen) -> FooterKey | None:
    """The command palette's key, when the app has a command palette."""
    app = screen.app
    if not app.ENABLE_COMMAND_PALETTE:
        return None
    active = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
    if active is None:
        return None
    return _footer_key(
        app.get_key_display(active.binding), active.binding, active.enabled, active.tooltip
    )


def _drawn_width(key: FooterKey) -> int:
    """Cells a key takes on the line: " k " then "Description "."""
    return cell_len(f" {key.display} ") + (
        cell_len(f"{key.description} ") if key.description else 0
    )


def _footer_key(display: str, binding: Binding, enabled: bool, tooltip: str) -> FooterKey:
    return FooterKey(
        binding.key,
        display,
        binding.description,
        tooltip or binding.tooltip or binding.description,
        enabled,
    )


class KeyFooter(Widget):
    """The bindings of the screen it is on, as one line docked at the bottom."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }

    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }

    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }

    KeyFooter > .key-footer--hover {
        background: $block-hover-background;
    }

    KeyFooter > .key-footer--separator {
        color: $foreground 20%;
    }
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--separator",
    }

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[FooterKey] = []
        self._hover: FooterKey | None = None

    def on_mount(self) -> None:
        """Redraw whenever the screen's bindings change (focus moved, an action enabled)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening to the screen."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh()

    @property
    def keys(self) -> list[FooterKey]:
        """The keys on the line as last drawn, with their cells."""
        return list(self._keys)

    def render(self) -> Text:
        """The keys left to right, the palette key at the right edge.

        Keys are drawn whole or not at all, most important first, in the room the palette
        key leaves (it opens every action, so it stays when the line is full; help lists
        all); a key too wide for the room left makes way for narrower ones after it.
        """
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover_style = self.get_component_rich_style("key-footer--hover")
        line = Text(no_wrap=True, overflow="crop", end="")
        placed: list[FooterKey] = []

        def append(key: FooterKey) -> None:
            start = line.cell_len
            extra = hover_style if self._is_hovered(key) else Style()
            dim = Style(dim=not key.enabled)
            line.append(f" {key.display} ", key_style + extra + dim)
            if key.description:
                line.append(f"{key.description} ", description_style + extra + dim)
            placed.append(
                FooterKey(
                    key.key,
                    key.display,
                    key.description,
                    key.tooltip,
                    key.enabled,
                    start,
                    line.cell_len,
                )
            )

        width = self.size.width
        palette = palette_key(self.screen)
        palette_width = 0
        if palette is not None and width >= MIN_WIDTH_FOR_PALETTE:
            palette_width = cell_len(
                f"{PALETTE_SEPARATOR} {palette.display} {palette.description} "
            )
        for key in footer_keys(self.screen):
            if line.cell_len + _drawn_width(key) > width - palette_width:
                continue
            append(key)
        if palette is not None and palette_width:
            line.append(" " * (width - palette_width - line.cell_len))
            line.append(PALETTE_SEPARATOR, self.get_component_rich_style("key-footer--separator"))
            append(palette)
        self._keys = placed
        return line

    def _is_hovered(self, key: FooterKey) -> bool:
        return self._hover is not None and self._hover.key == key.key

    def key_at(self, x: int) -> FooterKey | None:
        """The key drawn at cell `x`, if any."""
        return next((key for key in self._keys if key.start <= x < key.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the key under the mouse and show its tooltip."""
        key = self.key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None else None
            self.refresh()

    def on_leave(self, _: events.Leave) -> None:
        """No key is highlighted once the mouse has left."""
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Clicking a key presses it (a disabled key rings the bell)."""
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
