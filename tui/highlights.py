"""How annotations look in an article view: one coloured highlight per annotation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annotations.model import Anchor, Annotation
from annotations.tags import tag_key
from tui.widgets.article_render import Highlight

UNTAGGED_COLOUR = "#8a8f98"


def highlight_colour(annotation: Annotation, tag_colours: Mapping[str, str]) -> str:
    """The annotation's own colour, else its first tag's colour, else a neutral grey."""
    if annotation.colour:
        return annotation.colour
    for tag in annotation.tags:
        colour = tag_colours.get(tag_key(tag))
        if colour:
            return colour
    return UNTAGGED_COLOUR


def highlights_for(
    annotations: Iterable[Annotation], tag_colours: Mapping[str, str]
) -> list[Highlight]:
    """Highlights for every anchored annotation (orphans have no place in the text)."""
    return [
        Highlight(a.start, a.end, highlight_colour(a, tag_colours), a.id)
        for a in annotations
        if a.anchor != Anchor.ORPHANED
    ]
