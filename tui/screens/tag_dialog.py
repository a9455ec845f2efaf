"""The tag dialog: choose tags (type-ahead over existing ones, or new) and an optional note."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.errors import NewsmarkError
from tui.widgets.pasting_input import PastingInput

QUOTE_PREVIEW_CHARS = 240
HINT = (
    "enter adds a tag · enter on an empty box saves · backspace on an empty box removes "
    "the last tag · tab: matching tags, then note · esc cancels"
)


@dataclass(frozen=True)
class TagEdit:
    """What the dialog returns: the chosen tags and the note (None when empty)."""

    tags: tuple[str, ...]
    note: str | None


def split_tag_input(text: str) -> list[str]:
    """Tags typed in one go, separated by commas: "security, Taiwan" → two tags."""
    return [part.strip() for part in text.split(",") if part.strip()]


def matching_tags(existing: list[str], typed: str, chosen: tuple[str, ...]) -> list[str]:
    """Existing tags containing the text being typed (prefix matches first), not yet chosen."""
    needle = typed.split(",")[-1].strip().casefold()
    taken = {tag.casefold() for tag in chosen}
    candidates = [tag for tag in existing if tag.casefold() not in taken]
    if not needle:
        return candidates
    prefix = [tag for tag in candidates if tag.casefold().startswith(needle)]
    inside = [tag for tag in candidates if needle in tag.casefold() and tag not in prefix]
    return prefix + inside


class TagInput(PastingInput):
    """The tag box: backspace when it is empty asks to drop the last chosen tag; pasted
    lines are tags of their own (a code list copied one per line)."""

    line_separator = ", "

    class BackspaceOnEmpty(Message):
        """Backspace was pressed while the box was empty."""

    def action_delete_left(self) -> None:
        """Delete the character left of the cursor, or report backspace on an empty box."""
        if self.value:
            super().action_delete_left()
        else:
            self.post_message(self.BackspaceOnEmpty())


class TagDialog(ModalScreen[TagEdit | None]):
    """Tag a passage: enter adds the typed tag, enter on an empty box saves, escape cancels.

    Backspace on the empty tag box removes the last chosen tag.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tag-dialog.cancel"),
        Binding("ctrl+s", "save", "Save", id="tag-dialog.save"),
    ]

    def __init__(
        self,
        quote: str,
        existing_tags: list[str],
        *,
        tags: tuple[str, ...] = (),
        note: str | None = None,
        title: str = "Tag passage",
        descriptions: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        # Codebook descriptions by case-folded tag name: shown for the highlighted match.
        self._descriptions = {name.casefold(): text for name, text in (descriptions or {}).items()}
        self._quote = quote
        self._existing = existing_tags
        self._chosen: tuple[str, ...] = tags
        self._note = note or ""
        self._title = title

    def compose(self) -> ComposeResult:
        preview = (
            self._quote
            if len(self._quote) <= QUOTE_PREVIEW_CHARS
            else (self._quote[:QUOTE_PREVIEW_CHARS] + "…")
        )
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Static(Text(self._title, style="bold"), id="tag-dialog-title")
            yield Static(Text(preview, style="italic"), id="tag-quote")
            yield Static(id="chosen-tags")
            yield TagInput(
                placeholder="Tag (commas for several)",
                suggester=SuggestFromList(self._existing, case_sensitive=False),
                select_on_focus=False,  # back from the list, typing goes on after the text
                id="tag-input",
            )
            yield Static(Text(HINT, style="dim"), id="tag-hint")
            yield OptionList(id="tag-matches")
            yield Static(id="tag-description")
            yield PastingInput(value=self._note, placeholder="Note (optional)", id="note-input")
            yield Static(id="tag-error")

    def on_mount(self) -> None:
        """Show the current tags and the type-ahead list."""
        if not self.query("#tag-input"):
            return  # not composed: the app is shutting down
        self._show_chosen()
        self._show_matches("")
        self.query_one("#tag-input", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """A character typed while the list of matching tags has the focus goes on in the
        tag field, which takes the focus back: a key typed is never dropped."""
        matches = self.query_one("#tag-matches", OptionList)
        if matches.has_focus and event.is_printable and event.character:
            tag_input = self.query_one("#tag-input", Input)
            tag_input.focus()
            tag_input.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def _show_chosen(self) -> None:
        label = Text("Tags: ", style="bold")
        if self._chosen:
            for index, tag in enumerate(self._chosen):
                if index:
                    label.append("  ")
                label.append(f" {tag} ", style="reverse")
        else:
            label.append("none yet", style="dim")
        self.query_one("#chosen-tags", Static).update(label)

    def _show_matches(self, typed: str) -> None:
        matches = self.query_one("#tag-matches", OptionList)
        matches.clear_options()
        matches.add_options(
            Option(Text(tag), id=f"tag-{index}")
            for index, tag in enumerate(matching_tags(self._existing, typed, self._chosen)[:8])
        )
        matches.display = matches.option_count > 0
        self._show_description(
            str(matches.get_option_at_index(0).prompt) if matches.option_count else None
        )

    def _show_description(self, tag: str | None) -> None:
        """The codebook description of `tag` under the matches (nothing if it has none)."""
        text = self._descriptions.get(tag.casefold(), "") if tag else ""
        box = self.query_one("#tag-description", Static)
        box.update(Text(f"{tag}: {text}", style="italic") if text else "")
        box.display = bool(text)

    @on(OptionList.OptionHighlighted, "#tag-matches")
    def _match_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_description(str(event.option.prompt))

    def _add_tags(self, names: list[str]) -> bool:
        from annotations.tags import normalise_tags

        try:
            self._chosen = normalise_tags([*self._chosen, *names])
        except NewsmarkError as error:
            self.query_one("#tag-error", Static).update(Text(str(error), style="bold red"))
            return False
        self.query_one("#tag-error", Static).update("")
        self._show_chosen()
        return True

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        if event.value:
            self.query_one("#tag-error", Static).update("")
        self._show_matches(event.value)

    @on(TagInput.BackspaceOnEmpty)
    def _backspace_on_empty(self) -> None:
        self.action_remove_last()

    @on(Input.Submitted, "#tag-input")
    def _tag_submitted(self, event: Input.Submitted) -> None:
        # The box's current text, not the event's: with keys arriving in a burst, a second
        # enter may be queued before the first one's handler has emptied the box.
        names = split_tag_input(event.input.value)
        if not names:
            self.action_save()
            return
        if self._add_tags(names):
            event.input.value = ""

    @on(OptionList.OptionSelected, "#tag-matches")
    def _match_chosen(self, event: OptionList.OptionSelected) -> None:
        self._add_tags([str(event.option.prompt)])
        tag_input = self.query_one("#tag-input", Input)
        tag_input.value = ""
        tag_input.focus()

    @on(Input.Submitted, "#note-input")
    def _note_submitted(self) -> None:
        self.action_save()

    def action_remove_last(self) -> None:
        """Drop the most recently added tag."""
        self._chosen = self._chosen[:-1]
        self._show_chosen()
        self._show_matches(self.query_one("#tag-input", Input).value)

    def action_save(self) -> None:
        """Close with the chosen tags (plus anything still typed) and the note."""
        pending = split_tag_input(self.query_one("#tag-input", Input).value)
        if pending and not self._add_tags(pending):
            return
        note = self.query_one("#note-input", Input).value.strip() or None
        self.dismiss(TagEdit(tags=self._chosen, note=note))

    def action_cancel(self) -> None:
        """Close without changes."""
        self.dismiss(None)
