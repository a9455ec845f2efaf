"""The one-line prompts (merge/rename a tag): enter takes the suggestion, tab cycles."""

from __future__ import annotations

from textual.app import App

from tests.tui_support import wait_until
from tui.screens.prompts import PromptDialog
from tui.widgets.completing_input import completions

TAGS = ["economy", "security", "sea lanes", "Security/maritime"]


class PromptApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(PromptDialog("Merge into:", suggestions=TAGS), self.answers.append)


def test_completions_match_the_start_ignoring_case() -> None:
    assert completions(TAGS, "SE") == ["security", "sea lanes", "Security/maritime"]
    assert completions(TAGS, "x") == []


async def test_enter_accepts_the_suggestion_shown() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        await pilot.press(*"eco")
        box = app.screen.query_one("#prompt-input")
        await wait_until(pilot, lambda: box._suggestion == "economy")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.answers == ["economy"])


async def test_tab_cycles_through_the_matching_tags() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        await pilot.press(*"se")
        box = app.screen.query_one("#prompt-input")
        await wait_until(pilot, lambda: box._suggestion == "security")
        await pilot.press("tab")
        assert box._suggestion == "sea lanes"
        await pilot.press("tab", "tab")
        assert box._suggestion == "security"  # round again
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: app.answers == ["sea lanes"])


async def test_enter_without_a_suggestion_submits_what_is_typed() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        await pilot.press(*"trade", "enter")
        await wait_until(pilot, lambda: app.answers == ["trade"])
