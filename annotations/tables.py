"""Cross tables that answer research questions: tag × outlet, tag × article, tag × month, and
tag × tag (co-occurrence), as `newsmark stats --by` prints them and the stats screen shows.

Tags are compared case-insensitively and shown in their most common spelling (from
`stats.tag_stats`); orphaned annotations count except in co-occurrence. A tag's cell by
outlet, article or month counts the annotations carrying the tag or a tag below it (the tag
browser's total; `security` counts `security/maritime` too), each once, as the `tag:` facet
takes them. A month is the article's date cut to `YYYY-MM` ("unknown" when the article has
no date). Every cell can be turned into an annotation query (`cell_query`) that lists the
annotations behind it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotations.article import ArticleMeta
from annotations.export.csv_format import neutralise_formula
from annotations.model import Annotation
from annotations.stats import UNKNOWN_OUTLET, TagStats
from annotations.tags import path_keys, tag_key

BY_CHOICES = ("outlet", "article", "month", "tag")
UNKNOWN_MONTH = "unknown"


@dataclass(frozen=True)
class CrossTable:
    """Rows (outlets, articles, months or tags) × tag columns, with the count of each cell.

    For `by == "tag"` the columns are the tags too and a cell counts co-occurrence; the
    same-paragraph counts (when known) are in `paragraph`.
    """

    by: str
    rows: list[str]
    columns: list[str]
    counts: dict[str, dict[str, int]]
    paragraph: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per row (outlet, article, month): its tagged annotations, each once (a cell counts
    # an annotation under its tag and every tag above it: the cells do not add up).
    totals: dict[str, int] = field(default_factory=dict)

    def count(self, row: str, column: str) -> int:
        """The count of one cell (0 when empty)."""
        return self.counts.get(row, {}).get(column, 0)

    @property
    def largest(self) -> int:
        """The largest count of any cell (for shading)."""
        return max((n for cells in self.counts.values() for n in cells.values()), default=0)

    def row_total(self, row: str) -> int:
        """A row's tagged annotations, each once (`totals`); for tag × tag, the sum of its
        cells."""
        if self.by == "tag":
            return sum(self.counts.get(row, {}).values())
        return self.totals.get(row, 0)

    def to_dict(self) -> dict[str, Any]:
        """The structure of `newsmark stats --by X --json`."""
        data: dict[str, Any] = {
            "by": self.by,
            "rows": self.rows,
            "columns": self.columns,
            "counts": self.counts,
        }
        if self.by == "tag":
            data["same_paragraph"] = self.paragraph
        return data

    def to_csv(self) -> str:
        """One line per row: its name, then the count under each column (empty cells 0);
        names a spreadsheet would take for formulas are neutralised."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.by, *map(neutralise_formula, self.columns)])
        for row in self.rows:
            writer.writerow(
                [neutralise_formula(row), *(self.count(row, column) for column in self.columns)]
            )
        return out.getvalue()


def _month(meta: ArticleMeta | None) -> str:
    date = meta.date if meta is not None else None
    if date and len(date) >= 7 and date[4] == "-" and date[:4].isdigit():
        return date[:7]
    return UNKNOWN_MONTH


def _outlet(annotation: Annotation, metas: Mapping[str, ArticleMeta]) -> str:
    meta = metas.get(annotation.article)
    return (meta.source if meta else None) or UNKNOWN_OUTLET


_ROW_OF: dict[str, Callable[[Annotation, Mapping[str, ArticleMeta]], str]] = {
    "outlet": _outlet,
    "article": lambda annotation, _: annotation.article,
    "month": lambda annotation, metas: _month(metas.get(annotation.article)),
}


def _subtree_counts(
    annotations: Iterable[Annotation],
    tags: list[str],
    row_of: Callable[[Annotation, Mapping[str, ArticleMeta]], str],
    metas: Mapping[str, ArticleMeta],
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Row → tag → annotations carrying the tag or a tag below it (each annotation once
    per tag), and row → its annotations carrying any of `tags` (each once)."""
    names = {tag_key(tag): tag for tag in tags}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for annotation in annotations:
        if not annotation.tags:
            continue
        keys = set().union(*(path_keys(tag) for tag in annotation.tags)) & names.keys()
        name = row_of(annotation, metas)
        row = counts[name]
        for key in keys:
            row[names[key]] += 1
        totals[name] += bool(keys)
    return counts, totals


def cross_table(
    by: str, stats: TagStats, annotations: Iterable[Annotation], metas: Mapping[str, ArticleMeta]
) -> CrossTable:
    """The table of tags by `by` (one of BY_CHOICES); rows sorted (months in time order,
    the others by name), columns most used tag first."""
    tags = list(stats.per_tag)
    if by in ("outlet", "article", "month"):
        counts, totals = _subtree_counts(annotations, tags, _ROW_OF[by], metas)
        if by == "month":
            rows = sorted(counts, key=lambda month: (month == UNKNOWN_MONTH, month))
        else:
            rows = sorted(counts, key=str.casefold if by == "outlet" else None)
        cells = {row: dict(counts[row]) for row in rows}
        return CrossTable(by, rows, tags, cells, totals={row: totals[row] for row in rows})
    if by == "tag":
        overlap: dict[str, dict[str, int]] = defaultdict(dict)
        paragraph: dict[str, dict[str, int]] = defaultdict(dict)
        for pair in stats.cooccurrence:
            first, second = pair.tags
            for a, b in ((first, second), (second, first)):
                if pair.overlap:
                    overlap[a][b] = pair.overlap
                if pair.same_paragraph:
                    paragraph[a][b] = pair.same_paragraph
        return CrossTable(by, tags, tags, dict(overlap), dict(paragraph))
    raise ValueError(f"unknown table {by!r}; use one of {', '.join(BY_CHOICES)}")


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value or ":" in value else value


def cell_query(table: CrossTable, row: str, column: str) -> str | None:
    """The annotation query listing the annotations behind a cell (None when the query
    language cannot say it: an unknown outlet or month)."""
    tag = f"tag:{_quoted(column)}"
    if table.by == "outlet":
        return None if row == UNKNOWN_OUTLET else f"{tag} outlet:{_quoted(row)}"
    if table.by == "article":
        return f"{tag} article:{row}"
    if table.by == "month":
        return None if row == UNKNOWN_MONTH else f"{tag} after:{row} before:{row}"
    return f"tag:{_quoted(row)} {tag}"
