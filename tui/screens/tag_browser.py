"""The tag browser: the codebook as a tree (each tag with its colour, own and total counts),
the quotes carrying the chosen tag or a tag below it, its description and its memo."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from annotations.errors import NewsmarkError
from annotations.tags import in_subtree, tag_key, validate_colour
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.screens.memo_dialog import TextDialog
from tui.screens.prompts import ConfirmDialog, PromptDialog
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.model import Annotation, TagInfo


def quote_prompt(annotation: Annotation, title: str, source: str | None) -> Text:
    """A quote line for lists: the quote, then where it comes from."""
    prompt = Text()
    prompt.append(annotation.quote.replace("\n", " "))
    prompt.append(f"\n  {source or 'unknown outlet'} · {title}", style="dim")
    if annotation.note:
        prompt.append(f"\n  Note: {annotation.note}", style="italic")
    return prompt


def tree_label(info: TagInfo) -> Text:
    """A tag as a tree row: indented by its depth, named by its last part."""
    depth = info.name.count("/") if info.parent is not None else 0
    leaf = info.name.rsplit("/", 1)[-1] if info.parent is not None else info.name
    return Text("  " * depth + leaf, style="" if info.total else "dim")


def tag_details(info: TagInfo, memo: str) -> Text:
    """The codebook entry of a tag: its path, description and memo."""
    details = Text()
    details.append(info.name, style="bold")
    details.append(f"  {info.count} own · {info.total} with the tags below\n", style="dim")
    details.append(
        info.description or "No description yet (D describes the tag).",
        style="" if info.description else "dim italic",
    )
    if memo:
        details.append("\nMemo: ", style="bold")
        details.append(memo)
    return details


class TagBrowserScreen(NewsmarkScreen):
    """The codebook tree on the left, the chosen tag's quotes and details on the right."""

    help_title = "Tag browser"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="tags.back"),
        Binding("r", "rename", "Rename", id="tags.rename"),
        Binding("m", "merge", "Merge", id="tags.merge"),
        Binding("x,delete", "delete", "Delete tag", key_display="x", id="tags.delete"),
        Binding("k", "recolour", "Colour", id="tags.colour"),
        Binding("C", "copy_tag", "Copy quotes", id="tags.copy"),
        Binding("f", "suggest", "Find similar", id="tags.suggest"),
        Binding(
            "D",
            "describe",
            "Describe",
            tooltip="Write the tag's description (definition, when to use it, an example)",
            id="tags.describe",
        ),
        Binding("M", "memo", "Memo", tooltip="Write an analytic memo on the tag", id="tags.memo"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tags: list[TagInfo] = []
        self._quotes: list[Annotation] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tag-browser"):
            yield DataTable(id="tag-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="tag-side"):
                yield OptionList(id="tag-quotes")
                yield Static(id="tag-details")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the tag table."""
        table = self.query_one("#tag-table", DataTable)
        table.add_column("", key="swatch")
        table.add_column("Tag", key="tag")
        table.add_column("Own", key="count")
        table.add_column("Total", key="total")
        self._reload()
        table.focus()

    def on_data_changed(self, _: DataChanged) -> None:
        """Tags may have been renamed, merged, recoloured or deleted."""
        self._reload()

    def _reload(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        current = self.current_tag()
        self._tags = self.workspace.tag_infos()
        table.clear()
        for info in self._tags:
            table.add_row(
                Text("  ", style=f"on {info.colour}"),
                tree_label(info),
                Text(str(info.count), justify="right"),
                Text(str(info.total), justify="right"),
                key=info.name,
            )
        names = [info.name for info in self._tags]
        if current in names:
            table.move_cursor(row=names.index(current))
        self._show_quotes()

    def current_tag(self) -> str | None:
        """The tag under the cursor."""
        table = self.query_one("#tag-table", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    @on(DataTable.RowHighlighted, "#tag-table")
    def _tag_highlighted(self) -> None:
        self._show_quotes()

    @on(DataTable.RowSelected, "#tag-table")
    def _tag_selected(self) -> None:
        self.query_one("#tag-quotes", OptionList).focus()

    def current_info(self) -> TagInfo | None:
        """The codebook entry of the tag under the cursor."""
        tag = self.current_tag()
        return next((info for info in self._tags if info.name == tag), None)

    def _show_quotes(self) -> None:
        tag = self.current_tag()
        workspace = self.workspace
        store = workspace.require_store()
        quotes = workspace.visible(store.with_tags([tag])) if tag else []
        info = self.current_info()
        details = self.query_one("#tag-details", Static)
        details.update(tag_details(info, store.memo("tag", info.name)) if info else "")
        self._quotes = quotes
        option_list = self.query_one("#tag-quotes", OptionList)
        option_list.clear_options()
        corpus = workspace.require_corpus()
        for annotation in quotes:
            if annotation.article in corpus:
                meta = corpus.meta(annotation.article)
                title, source = meta.title, meta.source
            else:
                title, source = f"{annotation.article} (missing)", None
            option_list.add_option(Option(quote_prompt(annotation, title, source)))
        if quotes:
            option_list.highlighted = 0
        below = (
            " or below"
            if tag and any(entry.parent and in_subtree(entry.parent, tag) for entry in self._tags)
            else ""
        )
        option_list.border_title = Content(
            f"{count_noun(len(quotes), 'quote')} tagged {tag}{below}" if tag else "No tags yet"
        )

    @on(OptionList.OptionSelected, "#tag-quotes")
    def _quote_selected(self, event: OptionList.OptionSelected) -> None:
        annotation = self._quotes[event.option_index]
        if annotation.article not in self.workspace.require_corpus():
            self.notify("That article is no longer in the collection.", markup=False)
            return
        self.newsmark.open_reader(annotation.article, offset=annotation.start)

    def action_rename(self) -> None:
        """Rename the current tag; renaming onto another existing tag asks before merging."""
        tag = self.current_tag()
        if tag is None or self._refused_in_blind_mode():
            return
        store = self.workspace.require_store()

        def renamed(new_name: str, changed: int) -> None:
            self.notify(
                f"Renamed '{tag}' to '{new_name}' on {count_noun(changed, 'annotation')}; "
                "u undoes it.",
                markup=False,
            )

        def rename(new_name: str | None) -> None:
            if not new_name or new_name == tag:
                return
            existing = self._other_tag(tag, new_name)
            if existing is None:
                self.newsmark.perform(
                    f"rename tag {tag}",
                    store.rename_tag,
                    tag,
                    new_name,
                    on_done=lambda changed: renamed(new_name, changed),
                )
                return

            def confirmed(answer: bool | None) -> None:
                if answer:
                    self._merge(tag, existing)

            self.app.push_screen(
                ConfirmDialog(f"Tag '{existing}' already exists: merge '{tag}' into it?"),
                confirmed,
            )

        self.app.push_screen(PromptDialog(f"Rename tag '{tag}' to:", value=tag), rename)

    def _refused_in_blind_mode(self) -> bool:
        """Whether blind coding stops a change of a tag on every annotation carrying it:
        other coders' annotations, which this window does not show, would change too."""
        if not self.workspace.blind:
            return False
        self.notify(
            "Blind coding: renaming, merging or deleting a tag would change other coders' "
            "annotations, which you do not see. Turn blind coding off (B in the reader) to "
            "change the codebook; edit your own annotations in the annotation browser.",
            title="Blind coding",
            severity="warning",
            timeout=10,
            markup=False,
        )
        return True

    def _other_tag(self, tag: str, name: str) -> str | None:
        """The existing tag, other than `tag`, that `name` names (case-insensitively)."""
        key = tag_key(name)
        if key == tag_key(tag):
            return None
        return next((info.name for info in self._tags if tag_key(info.name) == key), None)

    def _merge(self, tag: str, target: str) -> None:
        """Merge `tag` into the existing tag `target`, then say so."""
        store = self.workspace.require_store()

        def merged(changed: int) -> None:
            self.notify(
                f"Merged '{tag}' into '{target}' on {count_noun(changed, 'annotation')}; "
                "u undoes it.",
                markup=False,
            )

        self.newsmark.perform(f"merge tag {tag}", store.merge_tags, tag, target, on_done=merged)

    def action_merge(self) -> None:
        """Merge the current tag into another one."""
        tag = self.current_tag()
        if tag is None or self._refused_in_blind_mode():
            return
        others = [info.name for info in self._tags if info.name != tag]
        known = {name.casefold() for name in others}

        def validate(value: str) -> str | None:
            if value.casefold() == tag.casefold():
                return "Choose a different tag."
            return None if value.casefold() in known else f"No tag named '{value}'."

        def merge(target: str | None) -> None:
            if target:
                self._merge(tag, target)

        self.app.push_screen(
            PromptDialog(
                f"Merge '{tag}' into:",
                suggestions=others,
                validate=validate,
                placeholder="an existing tag",
            ),
            merge,
        )

    def action_delete(self) -> None:
        """Remove the current tag from every annotation (the annotations stay)."""
        tag = self.current_tag()
        if tag is None or self._refused_in_blind_mode():
            return
        count = next((info.count for info in self._tags if info.name == tag), 0)
        store = self.workspace.require_store()

        def deleted(changed: int) -> None:
            self.notify(
                f"Removed tag '{tag}' from {count_noun(changed, 'annotation')}; u undoes it.",
                markup=False,
            )

        def delete(confirmed: bool | None) -> None:
            if confirmed:
                self.newsmark.perform(f"delete tag {tag}", store.delete_tag, tag, on_done=deleted)

        self.app.push_screen(
            ConfirmDialog(
                f"Remove tag '{tag}' from {count_noun(count, 'annotation')}? The annotations "
                "are kept and u undoes this."
            ),
            delete,
        )

    def action_recolour(self) -> None:
        """Give the current tag another colour."""
        tag = self.current_tag()
        if tag is None:
            return
        store = self.workspace.require_store()

        def validate(value: str) -> str | None:
            try:
                validate_colour(value)
            except NewsmarkError as error:
                return str(error)
            return None

        def recolour(value: str | None) -> None:
            if value:
                self.newsmark.perform(
                    f"recolour tag {tag}",
                    store.set_tag_colour,
                    tag,
                    value,
                    on_done=lambda _: self.notify(
                        f"Tag '{tag}' is now {value}; u undoes it.", markup=False
                    ),
                )

        self.app.push_screen(
            PromptDialog(
                f"Colour for '{tag}' (#rrggbb or a name like teal):",
                value=store.tag_colour(tag),
                validate=validate,
            ),
            recolour,
        )

    def action_describe(self) -> None:
        """Write the current tag's codebook description."""
        info = self.current_info()
        if info is None:
            return
        store = self.workspace.require_store()

        def save(text: str | None) -> None:
            if text is not None:
                self.newsmark.perform(
                    f"describe tag {info.name}", store.describe_tag, info.name, text
                )

        self.app.push_screen(
            TextDialog(
                f"Description of '{info.name}' (definition, when to use it, an example):",
                info.description,
            ),
            save,
        )

    def action_memo(self) -> None:
        """Write the analytic memo on the current tag."""
        info = self.current_info()
        if info is None:
            return
        store = self.workspace.require_store()

        def save(text: str | None) -> None:
            if text is not None:
                self.newsmark.perform(
                    f"save the memo on {info.name}", store.set_memo, "tag", info.name, text
                )

        self.app.push_screen(
            TextDialog(f"Memo on the tag '{info.name}':", store.memo("tag", info.name)), save
        )

    def action_copy_tag(self) -> None:
        """Copy every quote of the current tag as Markdown."""
        tag = self.current_tag()
        if tag is not None:
            self.newsmark.copy_tag_quotes([tag])

    def action_suggest(self) -> None:
        """Find untagged places like the passages carrying the current tag."""
        tag = self.current_tag()
        if tag is not None:
            self.newsmark.open_suggestions([tag])
