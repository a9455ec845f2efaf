"""The BibTeX export: one entry per cited article, keyed like the CSL-JSON items.

An article with an outlet is an `@article` (`journal` = the outlet, as biblatex and
Zotero's importer expect for newspaper articles); one without is an `@online`.
Organisations are braced (`{Reuters Staff}`) so BibTeX does not split them into names.
"""

from __future__ import annotations

from collections.abc import Mapping

from annotations.article import ArticleMeta
from annotations.export.csl import citation_keys, csl_date, csl_name

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """`text` with LaTeX's special characters escaped and whitespace collapsed."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in " ".join(text.split()))


def bibtex_author(name: str) -> str:
    """'Xu Wei' → 'Xu, Wei'; an organisation braced whole: '{Reuters Staff}'."""
    parts = csl_name(name)
    if "literal" in parts:
        return "{" + bibtex_escape(parts["literal"]) + "}"
    return f"{bibtex_escape(parts['family'])}, {bibtex_escape(parts['given'])}"


def bibtex_entry(meta: ArticleMeta, key: str, *, accessed: str | None = None) -> str:
    """One `@article`/`@online` entry; the title is braced to keep its capitals."""
    fields: list[tuple[str, str]] = []
    if meta.authors:
        fields.append(("author", " and ".join(bibtex_author(n) for n in meta.authors)))
    fields.append(("title", "{" + bibtex_escape(meta.title) + "}"))
    if meta.source:
        fields.append(("journal", bibtex_escape(meta.source)))
    if issued := csl_date(meta.date):
        parts = issued["date-parts"][0]
        fields.append(("date", "-".join(f"{p:02d}" for p in parts)))
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", str(parts[1])))
    if meta.url:
        fields.append(("url", meta.url))
        if when := csl_date(accessed):
            fields.append(("urldate", "-".join(f"{p:02d}" for p in when["date-parts"][0])))
    kind = "article" if meta.source else "online"
    lines = [f"  {name} = {{{value}}}," for name, value in fields]
    return f"@{kind}{{{key},\n" + "\n".join(lines) + "\n}\n"


def render_bibtex(
    metas: Mapping[str, ArticleMeta],
    *,
    accessed: str | None = None,
    keys: Mapping[str, str] | None = None,
) -> str:
    """Entries for every article in `metas`, in article-id order, keyed by `keys` (article
    id -> key; default: `citation_keys` of `metas`)."""
    keys = keys if keys is not None else citation_keys(metas.values())
    return "\n".join(bibtex_entry(metas[i], keys[i], accessed=accessed) for i in sorted(metas))
