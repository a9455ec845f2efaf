"""The export dialog: format, tag filter, article filter, coder filter and destination."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioSet, Static

from annotations.coder import clean_coder
from annotations.errors import NewsmarkError
from annotations.export import ExportFormat
from tui.screens.base import NewsmarkAccess
from tui.screens.tag_dialog import split_tag_input
from tui.widgets.choice_button import ChoiceButton
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.export.collect import RenderedExport

EXTENSIONS = {
    ExportFormat.W3C: "jsonld",
    ExportFormat.JSON: "json",
    ExportFormat.MARKDOWN: "md",
    ExportFormat.CSV: "csv",
    ExportFormat.CSL_JSON: "csl.json",
    ExportFormat.BIBTEX: "bib",
}
FORMAT_LABELS = {
    ExportFormat.MARKDOWN: "Markdown (quotes by tag, with citations)",
    ExportFormat.CSV: "CSV (one row per annotation and tag)",
    ExportFormat.W3C: "W3C Web Annotation (JSON-LD)",
    ExportFormat.JSON: "newsmark JSON (complete, for import)",
    ExportFormat.CSL_JSON: "CSL-JSON references (Zotero, Pandoc)",
    ExportFormat.BIBTEX: "BibTeX references",
}


def default_export_path(fmt: ExportFormat, directory: Path | None = None) -> Path:
    """`newsmark-YYYY-MM-DD.<ext>` in the current directory."""
    stamp = date.today().isoformat()
    return (directory or Path.cwd()) / f"newsmark-{stamp}.{EXTENSIONS[fmt]}"


class ExportDialog(NewsmarkAccess, ModalScreen[None]):
    """Choose what to export and where; ctrl+s, enter in a text field or the button exports.

    An existing file is only replaced after a yes in a confirmation dialog; a path that is
    not a regular file (a link, a FIFO, a directory) or in a missing directory is refused,
    and so is an export that matches no annotations: the dialog says why and stays open.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", id="export.run"),
    ]

    def __init__(
        self,
        *,
        tags: tuple[str, ...] = (),
        article: str | None = None,
        annotation_ids: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__()
        self._tags = tags
        self._article = article
        self._annotation_ids = annotation_ids

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            title = "Export annotations"
            if self._annotation_ids is not None:
                title = f"Export {count_noun(len(self._annotation_ids), 'chosen annotation')}"
            yield Static(Text(title, style="bold"))
            yield Label("Format")
            settings = self.newsmark.settings
            chosen = next(
                (fmt for fmt in FORMAT_LABELS if fmt.value == settings.export_format),
                ExportFormat.MARKDOWN,
            )
            with RadioSet(id="export-format"):
                for fmt in FORMAT_LABELS:
                    yield ChoiceButton(FORMAT_LABELS[fmt], value=fmt is chosen, name=fmt.value)
            yield Label("Tags (comma separated; empty = all)")
            yield Input(", ".join(self._tags), placeholder="all tags", id="export-tags")
            workspace = self.workspace
            if workspace.blind:
                yield Label("Coder (blind coding: only your annotations)")
                yield Input(workspace.current_coder, id="export-coders", disabled=True)
            else:
                yield Label("Coders (comma separated; empty = everyone)")
                yield Input(placeholder="every coder", id="export-coders")
            if self._article:
                yield Checkbox(
                    Content(f"Only article {self._article}"), value=True, id="export-article"
                )
            yield Label("Destination")
            with RadioSet(id="export-destination", classes="-horizontal"):
                to_file = settings.export_destination == "file"
                yield ChoiceButton("Clipboard", value=not to_file, name="clipboard")
                yield ChoiceButton("File", value=to_file, name="file")
            directory = Path(settings.export_directory) if settings.export_directory else None
            if directory is not None and not directory.is_dir():
                directory = None  # gone since: the current directory
            self._suggested_path = str(default_export_path(chosen, directory))
            yield Input(self._suggested_path, id="export-path")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        """Focus the format choice (unless the app quit before the dialog was composed)."""
        formats = self.query("#export-format")
        if formats:
            formats.first().focus()

    def chosen_format(self) -> ExportFormat:
        """The selected format."""
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return ExportFormat(pressed.name if pressed and pressed.name else "markdown")

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        path_input = self.query_one("#export-path", Input)
        current = Path(path_input.value)
        self._suggested_path = str(current.with_suffix("." + EXTENSIONS[self.chosen_format()]))
        path_input.value = self._suggested_path

    @on(Input.Changed, "#export-path")
    def _path_typed(self, event: Input.Changed) -> None:
        """A path typed (not the one the dialog suggests) means: write to that file."""
        if event.value != self._suggested_path:
            self._choose_file()

    def _choose_file(self) -> None:
        buttons = self.query_one("#export-destination", RadioSet).query(ChoiceButton)
        next(button for button in buttons if button.name == "file").value = True

    @on(Input.Submitted, "#export-path")
    def _path_submitted(self) -> None:
        """Enter in the path box exports to that file."""
        self._choose_file()
        self._export(to_file=True)  # the radio set takes in the choice a moment later

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted, "#export-tags, #export-coders")
    def action_export(self) -> None:
        """Render the export in a thread, then copy or write it (enter in a field, too)."""
        self._export()

    def _export(self, *, force: bool = False, to_file: bool = False) -> None:
        destination = self.query_one("#export-destination", RadioSet).pressed_button
        to_file = to_file or (destination is not None and destination.name == "file")
        tags = split_tag_input(self.query_one("#export-tags", Input).value)
        try:
            coders = self.chosen_coders()
        except NewsmarkError as error:
            self._error(str(error))
            return
        article = None
        if self._article and self.query_one("#export-article", Checkbox).value:
            article = self._article
        path = None
        if to_file:
            typed = self.query_one("#export-path", Input).value.strip()
            if not typed:
                self._error("Give the name of the file to write.")
                return
            path = Path(typed).expanduser()
        self._message(Text(""))
        self._run_export(self.chosen_format(), tags, article, coders, path, force)

    def chosen_coders(self) -> list[str]:
        """The coders whose annotations are exported (empty: everyone's); in blind mode
        only the current coder. InvalidCoderError for a name that cannot be a coder's."""
        workspace = self.workspace
        if workspace.blind:
            return [workspace.current_coder]
        typed = self.query_one("#export-coders", Input).value
        return [clean_coder(name) for name in typed.split(",") if name.strip()]

    @work(thread=True, exclusive=True, group="export")
    def _run_export(
        self,
        fmt: ExportFormat,
        tags: list[str],
        article: str | None,
        coders: list[str],
        path: Path | None,
        force: bool,
    ) -> None:
        from annotations.export import EmptyExportError, write_export
        from annotations.export.collect import ExportChoice, export_annotations
        from annotations.export.styles import DEFAULT_STYLE
        from annotations.output_target import OutputExistsError

        workspace = self.workspace
        try:
            choice = ExportChoice(
                tags=tags,
                article=article,
                style=self.newsmark.citation_style or DEFAULT_STYLE,
                annotation_ids=self._annotation_ids,
                coders=coders,
            )
            rendered = export_annotations(
                workspace.require_store(), workspace.require_corpus(), fmt, choice
            )
            text = rendered.text  # rendered once, for the file and the dialog
            if path is not None:
                try:
                    write_export(path, text, fmt, force=force)
                except OutputExistsError:
                    self.app.call_from_thread(self._ask_overwrite, path)
                    return
        except EmptyExportError as error:
            message = str(error)
            self.app.call_from_thread(self._warning, f"{message[:1].upper()}{message[1:]}.")
            return
        except NewsmarkError as error:
            self.app.call_from_thread(self._error, str(error))
            return
        self.app.call_from_thread(self._done, text, rendered, fmt, path)

    def _ask_overwrite(self, path: Path) -> None:
        """The file exists: replace it only if the user says yes (no is the default)."""
        from tui.screens.prompts import ConfirmDialog

        def answered(replace: bool | None) -> None:
            if replace:
                self._export(force=True)
            else:
                self._warning(f"Not exported: {path} already exists.")

        self._warning(f"{path} already exists.")
        self.app.push_screen(ConfirmDialog(f"{path} already exists. Replace it?"), answered)

    def _done(
        self, text: str, rendered: RenderedExport, fmt: ExportFormat, path: Path | None
    ) -> None:
        from annotations.export.collect import left_out_elsewhere

        what = f"{rendered.what(fmt)} as {fmt.value}"
        if rendered.elsewhere:
            what += f" ({left_out_elsewhere(rendered.elsewhere)})"
        directory = str(path.parent.resolve()) if path else self.newsmark.settings.export_directory
        self.newsmark.update_settings(
            export_format=fmt.value,
            export_destination="file" if path else "clipboard",
            export_directory=directory,
        )
        self.dismiss()
        if path is None:
            self.newsmark.copy_with_notice(text, what)
        else:
            self.notify(f"Exported {what} to {path}.", title="Exported", markup=False)

    def _message(self, text: Text) -> None:
        self.query_one("#export-error", Static).update(text)

    def _error(self, message: str) -> None:
        self._message(Text(message, style="bold red"))

    def _warning(self, message: str) -> None:
        self._message(Text(message, style="bold yellow"))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss()
