"""The CSV export: one row per (annotation, tag), safe to open in a spreadsheet.

`render_csv` returns text without a byte-order mark; whoever writes it to a file for
spreadsheet users adds one (`CSV_FILE_ENCODING`) so Excel detects UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from annotations.article import ArticleMeta
from annotations.model import Anchor, Annotation

CSV_FILE_ENCODING = "utf-8-sig"
COLUMNS = (
    "annotation_id",
    "tag",
    "article_id",
    "title",
    "source",
    "date",
    "author",
    "url",
    "start",
    "end",
    "quote",
    "note",
    "anchor",
    "created",
    "updated",
    "coder",
)
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix `'` to a cell a spreadsheet would otherwise evaluate as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _rows(annotation: Annotation, meta: ArticleMeta | None) -> list[list[str]]:
    orphaned = annotation.anchor is Anchor.ORPHANED
    fields = {
        "annotation_id": annotation.id,
        "article_id": annotation.article,
        "title": meta.title if meta else "",
        "source": (meta.source if meta else None) or "",
        "date": (meta.date if meta else None) or "",
        "author": (meta.author if meta else None) or "",
        "url": (meta.url if meta else None) or "",
        # An orphan's old offsets point at other text now: left empty.
        "start": "" if orphaned else str(annotation.start),
        "end": "" if orphaned else str(annotation.end),
        "quote": annotation.quote,
        "note": annotation.note or "",
        "anchor": str(annotation.anchor),
        "created": annotation.created,
        "updated": annotation.updated,
        "coder": annotation.coder or "",
    }
    rows = []
    for tag in annotation.tags or ("",):
        fields["tag"] = tag
        rows.append([neutralise_formula(fields[column]) for column in COLUMNS])
    return rows


def render_csv(annotations: Sequence[Annotation], metas: Mapping[str, ArticleMeta]) -> str:
    """RFC 4180 CSV (minimal quoting, CRLF line ends) with the `COLUMNS` header.

    An annotation with several tags gives one row per tag; an untagged one gives a single
    row with an empty `tag`.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for annotation in annotations:
        writer.writerows(_rows(annotation, metas.get(annotation.article)))
    return buffer.getvalue()
