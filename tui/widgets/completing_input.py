"""A text box that completes from a list: the suggestion shows as grey text after what is
typed, tab cycles through the matching choices, enter accepts the one shown."""

from __future__ import annotations

from typing import ClassVar

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.suggester import SuggestFromList
from textual.widgets import Input


def completions(choices: list[str], typed: str) -> list[str]:
    """The choices that start with `typed` (ignoring case), in their order."""
    folded = typed.casefold()
    return [choice for choice in choices if choice.casefold().startswith(folded)]


class CompletingInput(Input):
    """An Input completing from `choices`: tab shows the next match, enter takes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab", "next_completion", "Next suggestion", show=False, id="completing-input.next"
        ),
    ]

    def __init__(self, choices: list[str], **kwargs: object) -> None:
        super().__init__(suggester=SuggestFromList(choices, case_sensitive=False), **kwargs)  # type: ignore[arg-type]
        self._choices = choices

    def action_next_completion(self) -> None:
        """Show the next choice matching what is typed (tab moves on when none match)."""
        matches = completions(self._choices, self.value)
        if not matches:
            raise SkipAction()
        shown = self._suggestion.casefold()
        index = next((i for i, m in enumerate(matches) if m.casefold() == shown), -1)
        self._suggestion = self.value + matches[(index + 1) % len(matches)][len(self.value) :]

    async def action_submit(self) -> None:
        """Take the suggestion shown (if any), then submit."""
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        await super().action_submit()
