"""The annotation query language, shared by the annotation browser and `newsmark annotations
--search`: a pure parser and a matcher over precomputed rows.

A query is words, "quoted phrases" and facets, every one of which must match (in any
order); `a OR b` matches either (OR binds tighter than the implicit AND, so
`tag:security OR tag:economy outlet:xinhua` is (security or economy) and Xinhua); `AND` may
be written and changes nothing; a leading `-` negates a term (`-has:note`). Words and
phrases are looked for, case-insensitively, in the quote, the note, the tags and the
article's title. Facets:

| facet | matches annotations |
|---|---|
| `tag:T` | tagged T or a tag below it (`tag:security` takes `security/maritime`) |
| `outlet:X` | whose article's outlet contains X |
| `article:ID` | of the article whose id starts with ID |
| `after:D`, `before:D` | dated on or after / on or before D (`2023`, `2023-12`, `2023-12-01`) |
| `has:note`, `has:tag` | with a note / with at least one tag |
| `is:orphaned`, `is:fuzzy`, `is:exact` | anchored that way (`orphaned` alone is `is:orphaned`) |
| `coder:NAME` | made by that coder (for annotations that record one) |

A word with a colon whose prefix is not a facet name (`http://…`) is an ordinary word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from annotations.article import ArticleMeta
from annotations.errors import InvalidQueryError
from annotations.model import Anchor, Annotation
from annotations.tags import tag_key

# The separator between the fields of a row's haystack: never typed, so no word or phrase
# matches across two fields.
_FIELD_SEPARATOR = "\x1f"
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))?')
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
FACETS = ("tag", "outlet", "article", "after", "before", "has", "is", "coder")
HAS_VALUES = {"note": "note", "notes": "note", "tag": "tag", "tags": "tag"}
IS_VALUES = {str(anchor): str(anchor) for anchor in Anchor}


@dataclass(frozen=True, slots=True)
class AnnotationRow:
    """An annotation with what queries and the browser need, computed once.

    `haystack`: the quote, note, tags and title, case-folded and on one line each;
    `tag_keys`: the tags' identities; `tag_index`: those and the tags above them
    (`security` for `security/maritime`), each between two separators, so that a tag facet
    is one substring test; `outlet_key`: the outlet, case-folded; `date`: the article's
    date as stored ("" when unknown).
    """

    annotation: Annotation
    title: str
    outlet: str
    date: str
    coder: str
    haystack: str
    tag_keys: tuple[str, ...]
    tag_index: str
    outlet_key: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def annotation_row(annotation: Annotation, meta: ArticleMeta | None) -> AnnotationRow:
    """The row of one annotation (`meta`: its article's metadata, None when it is missing);
    its coder is the one the annotation records ("" for none)."""
    title = meta.title if meta is not None else ""
    outlet = (meta.source or "") if meta is not None else ""
    parts = (annotation.quote, annotation.note or "", " ".join(annotation.tags), title)
    haystack = _FIELD_SEPARATOR.join(_one_line(part) for part in parts).casefold()
    keys = tuple(tag_key(tag) for tag in annotation.tags)
    return AnnotationRow(
        annotation=annotation,
        title=title,
        outlet=outlet,
        date=(meta.date or "") if meta is not None else "",
        coder=annotation.coder or "",
        haystack=haystack,
        tag_keys=keys,
        tag_index=tag_index(keys),
        outlet_key=outlet.casefold(),
    )


def tag_index(keys: tuple[str, ...]) -> str:
    """The tags and every tag above them, each between field separators."""
    paths: set[str] = set()
    for key in keys:
        parts = key.split("/")
        paths.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return _FIELD_SEPARATOR + _FIELD_SEPARATOR.join(sorted(paths)) + _FIELD_SEPARATOR


def annotation_rows(
    annotations: Iterable[Annotation], metas: Mapping[str, ArticleMeta]
) -> list[AnnotationRow]:
    """Rows for `annotations`, in their order (`metas`: article id → metadata)."""
    return [annotation_row(a, metas.get(a.article)) for a in annotations]


Predicate = Callable[[AnnotationRow], bool]


@dataclass(frozen=True, slots=True)
class Term:
    """One condition: a word or phrase (`facet` None) or a facet with its value."""

    facet: str | None
    value: str
    negated: bool = False

    def predicate(self) -> Predicate:
        """The test of a row for this term."""
        test = _predicate(self.facet, self.value)
        if self.negated:
            return lambda row: not test(row)
        return test


def _predicate(facet: str | None, value: str) -> Predicate:
    if facet is None:
        needle = _one_line(value).casefold()
        return lambda row: needle in row.haystack
    if facet == "tag":
        wrapped = tag_needle(value)
        return lambda row: wrapped in row.tag_index
    if facet == "outlet":
        needle = value.casefold()
        return lambda row: needle in row.outlet_key
    if facet == "article":
        prefix = value
        return lambda row: row.annotation.article.startswith(prefix)
    if facet == "after":
        return lambda row: bool(row.date) and row.date[: len(value)] >= value
    if facet == "before":
        return lambda row: bool(row.date) and row.date[: len(value)] <= value
    if facet == "has":
        if value == "note":
            return lambda row: bool(row.annotation.note)
        return lambda row: bool(row.tag_keys)
    if facet == "is":
        return lambda row: row.annotation.anchor == value
    needle = value.casefold()  # coder
    return lambda row: needle in row.coder.casefold()


def tag_needle(value: str) -> str:
    """What a `tag:` facet looks for in `AnnotationRow.tag_index`."""
    return _FIELD_SEPARATOR + tag_key(value).strip("/") + _FIELD_SEPARATOR


def _checked_value(facet: str, value: str, has_values: Mapping[str, str] = HAS_VALUES) -> str:
    """The facet's value as matched, or InvalidQueryError with what the facet takes."""
    if facet in ("after", "before"):
        if not _DATE.fullmatch(value) or not _valid_date(value):
            raise InvalidQueryError(
                f"{facet}: takes a date like 2023, 2023-12 or 2023-12-01, not {value!r}"
            )
        return value
    if facet == "has":
        if value.casefold() not in has_values:
            names = list(dict.fromkeys(has_values.values()))
            takes = ", ".join(names[:-1]) + f" or {names[-1]}"
            raise InvalidQueryError(f"has: takes {takes}, not {value!r}")
        return has_values[value.casefold()]
    if facet == "is":
        if value.casefold() not in IS_VALUES:
            raise InvalidQueryError(f"is: takes {', '.join(IS_VALUES)}, not {value!r}")
        return IS_VALUES[value.casefold()]
    return value


def _valid_date(value: str) -> bool:
    parts = [int(part) for part in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Query:
    """Groups that must all match; a group matches when any of its terms does."""

    groups: tuple[tuple[Term, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the query matches everything."""
        return not self.groups

    def __and__(self, other: Query) -> Query:
        """A query matching what both match."""
        return Query(self.groups + other.groups)

    def matches(self, row: AnnotationRow) -> bool:
        """Whether `row` matches the query."""
        return all(test(row) for test in self._tests())

    def filter(self, rows: Sequence[AnnotationRow]) -> list[AnnotationRow]:
        """The rows that match, in their order (each group narrows what the next tests).

        A word, a phrase or a tag is tested inline, without a call per row: this is what
        keeps filtering 100,000 rows per keystroke well under 100 ms.
        """
        found = list(rows)
        for group in self.groups:
            term = group[0]
            if len(group) > 1 or term.negated or term.facet not in (None, "tag"):
                test = self._group_test(group)
                found = [row for row in found if test(row)]
            elif term.facet is None:
                needle = _one_line(term.value).casefold()
                found = [row for row in found if needle in row.haystack]
            else:
                wrapped = tag_needle(term.value)
                found = [row for row in found if wrapped in row.tag_index]
        return found

    def narrows(self, previous: Query) -> bool:
        """Whether every row this query matches is matched by `previous` too (so it may
        filter `previous`'s result instead of every row): true when it only adds terms or
        lengthens words and phrases, as typing does."""
        if len(previous.groups) > len(self.groups):
            return False
        for old, new in zip(previous.groups, self.groups, strict=False):
            if old == new:
                continue
            if len(old) != 1 or len(new) != 1:
                return False
            old_term, new_term = old[0], new[0]
            if (
                old_term.facet is not None
                or new_term.facet is not None
                or old_term.negated
                or new_term.negated
            ):
                return False
            if _one_line(old_term.value).casefold() not in _one_line(new_term.value).casefold():
                return False
        return True

    @staticmethod
    def _group_test(group: tuple[Term, ...]) -> Predicate:
        predicates = tuple(term.predicate() for term in group)
        if len(predicates) == 1:
            return predicates[0]
        return lambda row: any(test(row) for test in predicates)

    def _tests(self) -> list[Predicate]:
        return [self._group_test(group) for group in self.groups]


def facet_query(facet: str, value: str) -> Query:
    """A query of one facet (as the CLI's `--outlet X` is `outlet:X`)."""
    if facet not in FACETS:
        raise InvalidQueryError(f"unknown facet {facet!r}; use one of {', '.join(FACETS)}")
    if not value.strip():
        raise InvalidQueryError(f"{facet}: needs a value")
    return Query(((Term(facet, _checked_value(facet, value)),),))


def parse_query(
    text: str, *, strict: bool = True, has_values: Mapping[str, str] = HAS_VALUES
) -> Query:
    """Parse a query (see the module docstring); InvalidQueryError on a bad facet value.

    `strict=False` is for a query still being typed: a facet without a value yet (`tag:`)
    and a dangling `OR` are left out instead of refused. `has_values` maps what `has:`
    takes to the value matched (the library's filter also takes `has:annotations`).
    """
    groups: list[list[Term]] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        if not match.group(0):
            continue
        minus, facet, quoted, bare = match.groups()
        value = quoted if quoted is not None else (bare or "")
        if facet is not None and facet.casefold() not in FACETS:
            value, facet = f"{facet}:{value}", None
        if facet is None and quoted is None and not minus:
            if value == "OR":
                if not groups and strict:
                    raise InvalidQueryError("OR needs a term before it")
                pending_or = bool(groups)
                continue
            if value == "AND":
                continue
        if facet is None and quoted is None and value.casefold() == "orphaned":
            facet, value = "is", "orphaned"
        if facet is None and minus and not value:
            value, minus = "-", ""
        if not value.strip():
            if facet is not None and strict:
                raise InvalidQueryError(f"{facet}: needs a value")
            continue
        term = Term(
            facet.casefold() if facet else None,
            _checked_value(facet.casefold(), value, has_values) if facet else value,
            negated=bool(minus),
        )
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or and strict:
        raise InvalidQueryError("OR needs a term after it")
    return Query(tuple(tuple(group) for group in groups))
