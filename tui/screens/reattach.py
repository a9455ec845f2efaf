"""The reader's re-attach mode: what it shows and how it saves.

The orphans screen opens the reader on an orphan's article in this mode; the user selects
the passage the orphan should now mark and presses enter. The save goes through
`AnnotationStore.modify`, so it applies to the orphan as it is under the write lock (tags
or a note changed meanwhile elsewhere are kept) and is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from annotations.anchoring import ensure_current, reattach, reattach_description
from tui.screens.annotating import clip
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.article import Article, Span
    from annotations.corpus import Corpus
    from annotations.model import Annotation
    from annotations.store import AnnotationStore

STATUS_QUOTE_CHARS = 40
REFERENCE_QUOTE_CHARS = 300


def reattach_status(orphan: Annotation, selection: Span | None) -> Text:
    """The status line in re-attach mode: what is being re-attached and what to do next."""
    quote = f"“{clip(orphan.quote, STATUS_QUOTE_CHARS)}”"
    text = Text()
    if selection is None:
        text.append(f"Re-attach {quote}", style="bold")
        text.append(": select the passage, then enter (esc cancels)")
    else:
        text.append(f"Re-attach {quote}", style="bold")
        text.append(
            f" to the selection ({count_noun(len(selection), 'character')}): enter · esc clears it"
        )
    return text


class OldQuote(Static):
    """The orphan's quote with its remembered context, for reference while selecting."""

    DEFAULT_CSS = """
    OldQuote {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, orphan: Annotation) -> None:
        text = Text("Old quote: ", style="bold")
        text.append("…" + " ".join(orphan.prefix.split()) + " ", style="dim")
        text.append(clip(orphan.quote, REFERENCE_QUOTE_CHARS), style="italic")
        text.append(" " + " ".join(orphan.suffix.split()) + "…", style="dim")
        super().__init__(text, id="reattach-quote")


def reattach_saver(
    store: AnnotationStore, corpus: Corpus, orphan: Annotation, article: Article, selection: Span
) -> Callable[[], Annotation]:
    """The store write (for `NewsmarkApp.perform`) that attaches `orphan` to `selection`;
    `StaleArticleError` if `article` is no longer the text of its file."""
    start, end = selection.start, selection.end

    def save() -> Annotation:
        ensure_current(corpus, article)
        return store.modify(
            orphan.id,
            lambda current: reattach(current, article, start, end),
            reattach_description(article.text(start, end)),
        )

    return save
