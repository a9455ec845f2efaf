"""The key footer: one widget drawing the screen's key bindings, clickable like Textual's."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tests.tui_support import open_reader, running_app, wait_until
from tui.screens.help import HelpScreen
from tui.widgets.footer import KeyFooter


def footer_line(footer: KeyFooter) -> str:
    return footer.render().plain


class ToggleApp(App[None]):
    """A small app whose `save` key is enabled or disabled by a flag."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save", "Save"),
        Binding("x", "hidden", "Hidden", show=False),
        Binding("y", "save", "Save again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_save = True
        self.saved = 0
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return True if self.can_save else None
        return True

    def action_save(self) -> None:
        self.saved += 1

    def bell(self) -> None:
        self.bells += 1


async def test_library_footer_shows_the_screen_and_app_keys(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, _pilot):
        footer = app.screen.query_one(KeyFooter)
        line = footer_line(footer)
        # enter is the focused table's key, shown as Open (the table's own is hidden).
        for label in (" ⏎ Open ", " f Filter ", " / Search ", " q Quit ", " ? Help "):
            assert label in line
        # Bindings with show=False (o for orphans, S for stats) are left out.
        assert "Orphans" not in line and "Stats" not in line
        # The command palette key sits at the right edge.
        assert line.rstrip().endswith("▏ ^p palette")
        assert len(line) == footer.size.width


async def test_clicking_a_footer_key_presses_it(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        footer = app.screen.query_one(KeyFooter)
        help_key = next(key for key in footer.keys if key.description == "Help")
        assert await pilot.click(KeyFooter, offset=(help_key.start + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_hovering_a_key_highlights_it_and_shows_its_tooltip(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        footer = app.screen.query_one(KeyFooter)
        quit_key = next(key for key in footer.keys if key.description == "Quit")
        plain_style = footer.render().get_style_at_offset(app.console, quit_key.start)
        await pilot.hover(KeyFooter, offset=(quit_key.start + 1, 0))
        assert footer.tooltip == "Quit"
        hovered = footer.render().get_style_at_offset(app.console, quit_key.start)
        assert hovered.bgcolor != plain_style.bgcolor
        # Off the keys (the gap before the palette key): nothing highlighted.
        await pilot.hover(KeyFooter, offset=(footer.keys[-2].end + 2, 0))
        assert footer.tooltip is None


async def test_each_screen_has_its_own_keys(samples_dir: Path, db_path: Path) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, "000_e730ce0a32d34978")
        await pilot.pause()
        line = footer_line(app.screen.query_one(KeyFooter))
        assert " t Tag " in line and " v Select " in line
        assert "Filter" not in line


async def test_disabled_keys_are_dimmed_and_ring_the_bell() -> None:
    app = ToggleApp()
    async with app.run_test(size=(60, 5)) as pilot:
        footer = app.query_one(KeyFooter)
        await pilot.pause()
        # One key per action: `y` also saves, so only `s` is shown; `x` is hidden.
        assert [key.key for key in footer.keys] == ["s", "ctrl+p"]
        save = footer.keys[0]
        assert save.enabled
        assert await pilot.click(KeyFooter, offset=(save.start + 1, 0))
        assert app.saved == 1

        app.can_save = False
        app.refresh_bindings()
        await wait_until(pilot, lambda: not footer.keys[0].enabled)
        assert footer.render().get_style_at_offset(app.console, save.start).dim
        assert await pilot.click(KeyFooter, offset=(save.start + 1, 0))
        assert app.saved == 1 and app.bells == 1


async def test_narrow_terminal_drops_the_palette_key_rather_than_overlap() -> None:
    app = ToggleApp()
    async with app.run_test(size=(18, 5)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        assert [key.key for key in footer.keys] == ["s"]
        assert footer_line(footer) == " s Save "


async def test_a_full_footer_drops_whole_keys_and_keeps_the_palette_key(
    samples_dir: Path, db_path: Path
) -> None:
    async with running_app(samples_dir, db_path) as (app, pilot):
        await open_reader(app, pilot, "000_e730ce0a32d34978")
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = footer_line(footer)
        assert len(line) == 70 and line.endswith("▏ ^p palette ")
        *keys, palette = footer.keys
        assert palette.key == "ctrl+p" and keys
        for key in keys:  # every key shown is shown whole
            assert line[key.start : key.end] == f" {key.display} {key.description} "
        # The reader has more keys than fit: the most important ones are kept first.
        assert [key.description for key in keys][:3] == ["Back", "Select", "Tag"]
