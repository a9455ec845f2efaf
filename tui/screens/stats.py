"""Tag statistics: counts with bars, per outlet and per article, and co-occurrence."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from annotations.tags import tag_key
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.widgets.footer import KeyFooter
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.stats import TagStats

BAR_WIDTH = 40
ARTICLE_TITLE_CHARS = 50


def bar(count: int, largest: int, colour: str) -> Text:
    """A horizontal bar `count/largest` of BAR_WIDTH cells, in the tag's colour."""
    cells = max(1, round(BAR_WIDTH * count / largest)) if largest and count else 0
    return Text("█" * cells, style=colour)


class StatsScreen(NewsmarkScreen):
    """How tags are used across the collection."""

    help_title = "Tag statistics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting…", id="stats-summary")
        with TabbedContent(id="stats-tabs"):
            with TabPane("Tags", id="stats-tags-tab"):
                yield DataTable(id="stats-tags", cursor_type="row", zebra_stripes=True)
            with TabPane("Outlets", id="stats-outlets-tab"):
                yield DataTable(id="stats-outlets", cursor_type="row", zebra_stripes=True)
            with TabPane("Articles", id="stats-articles-tab"):
                yield DataTable(id="stats-articles", cursor_type="row", zebra_stripes=True)
            with TabPane("Co-occurrence", id="stats-pairs-tab"):
                yield DataTable(id="stats-pairs", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Count in a thread (reading paragraphs can take a moment on big collections)."""
        self._count()

    def on_data_changed(self, _: DataChanged) -> None:
        """Recount after annotations change."""
        self._count()

    @work(thread=True, exclusive=True, group="stats")
    def _count(self) -> None:
        from annotations.stats import tag_stats

        workspace = self.newsmark.workspace
        corpus = workspace.require_corpus()
        annotations = workspace.require_store().all()
        metas = {a.article: corpus.meta(a.article) for a in annotations if a.article in corpus}
        stats = tag_stats(annotations, metas, corpus.article)
        colours = workspace.tag_colours()
        titles = {article_id: meta.title or article_id for article_id, meta in metas.items()}
        self.app.call_from_thread(self._show, stats, colours, titles)

    def _show(self, stats: TagStats, colours: dict[str, str], titles: dict[str, str]) -> None:
        summary = Text()
        summary.append(count_noun(stats.annotations, "annotation"), style="bold")
        summary.append(
            f" · {count_noun(len(stats.per_tag), 'tag')}"
            f" · {count_noun(len(stats.per_article), 'article')}"
            f" · {count_noun(len(stats.per_outlet), 'outlet')}"
        )
        self.query_one("#stats-summary", Static).update(summary)

        tags = self.query_one("#stats-tags", DataTable)
        tags.clear(columns=True)
        tags.add_columns("Tag", "Count", "")
        largest = max(stats.per_tag.values(), default=0)
        for tag, count in stats.per_tag.items():
            colour = colours.get(tag_key(tag), "white")
            tags.add_row(Text(tag, style=f"bold {colour}"), count, bar(count, largest, colour))

        tag_names = list(stats.per_tag)
        self._matrix("#stats-outlets", "Outlet", stats.per_outlet, tag_names)
        self._matrix("#stats-articles", "Article", stats.per_article, tag_names, titles)

        pairs = self.query_one("#stats-pairs", DataTable)
        pairs.clear(columns=True)
        pairs.add_columns("Tag", "Tag", "Overlapping", "Same paragraph")
        for pair in stats.cooccurrence:
            same = "" if pair.same_paragraph is None else str(pair.same_paragraph)
            pairs.add_row(Text(pair.tags[0]), Text(pair.tags[1]), pair.overlap, same)

    def _matrix(
        self, selector: str, label: str, rows: dict[str, dict[str, int]], tag_names: list[str],
        titles: dict[str, str] | None = None,
    ) -> None:
        """A table of counts per row and tag; `titles` names rows that are articles (their
        row key is the article id, and enter opens it)."""
        table = self.query_one(selector, DataTable)
        table.clear(columns=True)
        table.add_columns(label, "Total", *(Text(name) for name in tag_names))
        for row_name, counts in rows.items():
            shown = titles.get(row_name, row_name) if titles is not None else row_name
            if len(shown) > ARTICLE_TITLE_CHARS:
                shown = shown[: ARTICLE_TITLE_CHARS - 1].rstrip() + "…"
            table.add_row(
                Text(shown), sum(counts.values()),
                *(counts.get(name, "") for name in tag_names), key=row_name,
            )

    @on(DataTable.RowSelected, "#stats-articles")
    def _article_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an article opens it in the reader."""
        article_id = event.row_key.value
        if article_id is not None and article_id in self.newsmark.workspace.require_corpus():
            self.newsmark.open_reader(article_id)
