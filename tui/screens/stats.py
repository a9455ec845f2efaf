"""Tag statistics: counts with bars, tables of tags by outlet, article, month and tag (with
heat-map shading), and co-occurrence pairs. Enter on a cell lists the annotations behind it
in the annotation browser."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.bar import Bar
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from annotations.tags import tag_key
from tui.messages import DataChanged
from tui.screens.base import NewsmarkScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.header import Header
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.stats import TagStats
    from annotations.tables import CrossTable

BAR_WIDTH = 40
# The heat-map: a cell's background goes from the table's towards this colour with its count.
HEAT = Color.from_rgb(214, 96, 77)
TABLES = (("outlet", "Outlets"), ("article", "Articles"), ("month", "Months"), ("tag", "Tag × tag"))
ARTICLE_TITLE_CHARS = 50


def bar(count: int, largest: int, colour: str) -> Bar:
    """A horizontal bar `count/largest` of BAR_WIDTH cells, in the tag's colour (Rich)."""
    return Bar(size=max(largest, 1), begin=0, end=count, width=BAR_WIDTH, color=colour)


def heat_cell(count: int, largest: int) -> Text:
    """A count, its background shaded by how large it is in its table (blank when 0)."""
    if not count:
        return Text("", justify="right")
    share = count / largest if largest else 0.0
    red, green, blue = (round(30 + (channel - 30) * share) for channel in HEAT.get_truecolor())
    background = Color.from_rgb(red, green, blue)
    foreground = "black" if share > 0.6 else "white"
    return Text(f" {count} ", style=Style(bgcolor=background, color=foreground), justify="right")


class StatsScreen(NewsmarkScreen):
    """How tags are used across the collection."""

    help_title = "Tag statistics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
        Binding(
            "enter",
            "open_cell",
            "Annotations",
            tooltip="List the annotations behind the cell in the annotation browser",
            id="stats.open-cell",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tables: dict[str, CrossTable] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting…", id="stats-summary")
        with TabbedContent(id="stats-tabs"):
            with TabPane("Tags", id="stats-tags-tab"):
                yield DataTable(id="stats-tags", cursor_type="row", zebra_stripes=True)
            for by, title in TABLES:
                with TabPane(title, id=f"stats-{by}-tab"):
                    yield DataTable(id=f"stats-{by}", cursor_type="cell")
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
        from annotations.tables import cross_table

        workspace = self.workspace
        corpus = workspace.require_corpus()
        annotations = workspace.visible_annotations()  # in blind mode only this coder's
        metas = {a.article: corpus.meta(a.article) for a in annotations if a.article in corpus}
        stats = tag_stats(annotations, metas, corpus.article)
        tables = {by: cross_table(by, stats, annotations, metas) for by, _ in TABLES}
        colours = workspace.tag_colours()
        titles = {article_id: meta.title or article_id for article_id, meta in metas.items()}
        self.app.call_from_thread(self._show, stats, tables, colours, titles)

    def _show(
        self,
        stats: TagStats,
        tables: dict[str, CrossTable],
        colours: dict[str, str],
        titles: dict[str, str],
    ) -> None:
        self._tables = tables
        summary = Text()
        summary.append(count_noun(stats.annotations, "annotation"), style="bold")
        summary.append(
            f" · {count_noun(len(stats.per_tag), 'tag')}"
            f" · {count_noun(len(stats.per_article), 'article')}"
            f" · {count_noun(len(stats.per_outlet), 'outlet')}"
            " · enter on a cell lists its annotations"
        )
        self.query_one("#stats-summary", Static).update(summary)

        tags = self.query_one("#stats-tags", DataTable)
        tags.clear(columns=True)
        tags.add_columns("Tag", "Count", "")
        largest = max(stats.per_tag.values(), default=0)
        for tag, count in stats.per_tag.items():
            colour = colours.get(tag_key(tag), "white")
            tags.add_row(Text(tag, style=f"bold {colour}"), count, bar(count, largest, colour))

        for by, _ in TABLES:
            self._matrix(tables[by], colours, titles if by == "article" else None)

        pairs = self.query_one("#stats-pairs", DataTable)
        pairs.clear(columns=True)
        pairs.add_columns("Tag", "Tag", "Overlapping", "Same paragraph")
        for pair in stats.cooccurrence:
            same = "" if pair.same_paragraph is None else str(pair.same_paragraph)
            pairs.add_row(Text(pair.tags[0]), Text(pair.tags[1]), pair.overlap, same)

    def _matrix(
        self, table: CrossTable, colours: dict[str, str], titles: dict[str, str] | None = None
    ) -> None:
        """One cross table; `titles` names rows that are articles (their key stays the id,
        and enter on the name opens the article)."""
        widget = self.query_one(f"#stats-{table.by}", DataTable)
        widget.clear(columns=True)
        widget.add_column(Text(table.by.capitalize()), key="row")
        widget.add_column(Text("Total"), key="total")
        for name in table.columns:
            widget.add_column(Text(name, style=f"bold {colours.get(tag_key(name), '')}"), key=name)
        largest = table.largest
        for row in table.rows:
            shown = titles.get(row, row) if titles is not None else row
            if len(shown) > ARTICLE_TITLE_CHARS:
                shown = shown[: ARTICLE_TITLE_CHARS - 1].rstrip() + "…"
            widget.add_row(
                Text(shown),
                table.row_total(row),
                *(heat_cell(table.count(row, name), largest) for name in table.columns),
                key=row,
            )

    @on(DataTable.CellSelected)
    def _cell_selected(self) -> None:
        self.action_open_cell()

    def action_open_cell(self) -> None:
        """Open the annotation browser on the annotations behind the cell under the cursor."""
        from annotations.tables import cell_query

        tabs = self.query_one("#stats-tabs", TabbedContent)
        by = (tabs.active or "").removeprefix("stats-").removesuffix("-tab")
        table = self._tables.get(by)
        if table is None:
            return
        widget = self.query_one(f"#stats-{by}", DataTable)
        if not widget.row_count:
            return
        row_key, column_key = widget.coordinate_to_cell_key(widget.cursor_coordinate)
        if by == "article" and column_key.value == "row":
            article_id = str(row_key.value)
            if article_id in self.workspace.require_corpus():
                self.newsmark.open_reader(article_id)
            return
        if column_key.value in ("row", "total"):
            return
        query = cell_query(table, str(row_key.value), str(column_key.value))
        if query is None:
            self.notify(
                "The annotation browser cannot filter by an unknown outlet or month.", markup=False
            )
            return
        self.newsmark.open_annotation_browser(query)
