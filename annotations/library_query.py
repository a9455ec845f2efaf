"""The library's filter: articles matched by their metadata and by their annotations.

The filter speaks the annotation query language (`annotations/query.py`: words, "quoted
phrases", `OR`, `-term`), over articles: words and phrases are looked for in the id,
title, outlet, author and date; the facets ask about the article or its annotations:

| facet | matches articles |
|---|---|
| `tag:T` | with an annotation tagged T or a tag below it |
| `has:annotations`, `has:notes`, `has:tags` | with an annotation / one with a note / a tagged one |
| `orphaned` (`is:orphaned`), `is:fuzzy`, `is:exact` | with an annotation anchored that way |
| `coder:NAME` | with an annotation by that coder |
| `outlet:X`, `article:ID`, `after:D`, `before:D` | as in the annotation browser |

Only the annotations the caller passes count (in blind mode, the coder's own).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, repeat
from operator import attrgetter
from typing import TypeVar

from annotations.library_listing import PASS_STEP, Listed
from annotations.model import Annotation, by_article
from annotations.priority import let_interface_run
from annotations.query import HAS_VALUES, Query, Term, parse_query, tag_index, tag_needle
from annotations.tags import tag_key

LIBRARY_HAS_VALUES = {**HAS_VALUES, "annotation": "annotation", "annotations": "annotation"}
# Facets that look at annotations: a filter without them needs no annotation state.
ANNOTATION_FACETS = frozenset({"tag", "has", "is", "coder"})


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the filter knows of an article's annotations (see `article_states`)."""

    annotations: int = 0
    notes: int = 0
    tagged: int = 0
    tag_index: str = ""
    anchors: frozenset[str] = frozenset()
    coders: tuple[str, ...] = ()


NO_ANNOTATIONS = ArticleState()
TEXT_FIELDS = attrgetter("id", "title", "source", "author", "date")
# Articles whose filter text is made in one call into C: about 2.5 µs each, 2.5 ms (at
# 20,000, a call held the interpreter for 50 ms, and the interface waited as long).
TEXT_STEP = 1_000
L = TypeVar("L", bound=Listed)
T = TypeVar("T")


def filter_texts(metas: Sequence[Listed]) -> list[str]:
    """What words look in, for each article of `metas`: the id, title, outlet, author and
    date (those it has), joined by spaces and case-folded. Made without a Python call per
    article (a loop took twice as long), `TEXT_STEP` articles at a time: one call into C
    holds the interpreter, and a TUI's event loop may run beside this."""
    texts: list[str] = []
    for start in range(0, len(metas), TEXT_STEP):
        let_interface_run()
        part = metas[start : start + TEXT_STEP]
        joined = map(" ".join, map(partial(filter, None), map(TEXT_FIELDS, part)))
        texts += map(str.casefold, joined)
    return texts


def article_states(annotations: Iterable[Annotation]) -> dict[str, ArticleState]:
    """The state of every article that has one of `annotations`."""
    return {
        article: ArticleState(
            annotations=len(found),
            notes=sum(bool(a.note) for a in found),
            tagged=sum(bool(a.tags) for a in found),
            tag_index=tag_index(tuple({tag_key(t) for a in found for t in a.tags})),
            anchors=frozenset(str(a.anchor) for a in found),
            coders=tuple({(a.coder or "").casefold() for a in found}),
        )
        for article, found in by_article(annotations).items()
    }


def parse_library_filter(text: str) -> Query:
    """The filter typed so far (a facet without a value yet is left out);
    InvalidQueryError for a facet value that cannot be right (`has:memos`, `after:soon`)."""
    return parse_query(text, strict=False, has_values=LIBRARY_HAS_VALUES)


def needs_annotations(query: Query) -> bool:
    """Whether the filter looks at annotations (else `article_states` can be skipped)."""
    return any(term.facet in ANNOTATION_FACETS for group in query.groups for term in group)


ArticleTest = Callable[[Listed, str, ArticleState], bool]


def _term_test(term: Term) -> ArticleTest:
    test = _facet_test(term.facet, term.value)
    if term.negated:
        return lambda meta, haystack, state: not test(meta, haystack, state)
    return test


def _facet_test(facet: str | None, value: str) -> ArticleTest:
    if facet is None:
        needle = " ".join(value.split()).casefold()
        return lambda meta, haystack, state: needle in haystack
    if facet == "tag":
        wrapped = tag_needle(value)
        return lambda meta, haystack, state: wrapped in state.tag_index
    if facet == "has":
        field = {"note": "notes", "tag": "tagged"}.get(value, "annotations")
        return lambda meta, haystack, state: getattr(state, field) > 0
    if facet == "is":
        return lambda meta, haystack, state: value in state.anchors
    if facet == "coder":
        needle = value.casefold()
        return lambda meta, haystack, state: any(needle in coder for coder in state.coders)
    if facet == "outlet":
        needle = value.casefold()
        return lambda meta, haystack, state: needle in (meta.source or "").casefold()
    if facet == "article":
        return lambda meta, haystack, state: meta.id.startswith(value)
    if facet == "after":
        return lambda meta, haystack, state: (meta.date or "")[: len(value)] >= value > ""
    return lambda meta, haystack, state: "" < (meta.date or "")[: len(value)] <= value


class Superseded(Exception):
    """A filter's answer was no longer wanted (a key typed since): its work stopped."""


def filter_articles(
    query: Query,
    metas: Sequence[L],
    texts: Sequence[str],
    states: dict[str, ArticleState] | None = None,
    positions: Sequence[int] | None = None,
    wanted: Callable[[], bool] = lambda: True,
) -> list[L]:
    """The articles of `metas` (in their order) that `query` matches. `texts` holds their
    `filter_texts`: that of `metas[i]` is `texts[positions[i]]` (`texts[i]` without
    `positions`: the texts may be in another order, the one read fastest). `states` holds
    their `article_states` (needed only when `needs_annotations(query)`; an article
    without a state has no annotations). `Superseded` as soon as `wanted()` is False
    (asked between steps)."""
    found = list(metas)
    # Positions as machine integers: read in order, where int objects would be read from
    # all over memory (at a million, the filter took half as long again).
    at = array("q", range(len(metas)) if positions is None else positions)
    states = states or {}
    for group in query.groups:
        term = group[0]
        if len(group) == 1 and term.facet is None and not term.negated:
            # The common case, without a Python call per article: `needle in text`.
            needle = " ".join(term.value.split()).casefold()
            keep = _containing(needle, texts, at, wanted)
        else:
            tests = [_term_test(t) for t in group]
            keep = [
                any(test(meta, texts[p], states.get(meta.id, NO_ANNOTATIONS)) for test in tests)
                for meta, p in zip(found, at, strict=True)
            ]
        found, at = _compressed(found, keep), array("q", _compressed(at, keep))
    return found


def _containing(
    needle: str, texts: Sequence[str], at: Sequence[int], wanted: Callable[[], bool]
) -> list[int]:
    """Whether `needle` is in `texts[p]`, for each `p` of `at` (1 or 0). When most texts
    are asked about, every text is looked at in their own order (read faster than `at`'s,
    at a million articles), then the answers taken in `at`'s order; else only those."""
    keep: list[int] = []
    if len(at) * 4 < len(texts):
        for start in range(0, len(at), PASS_STEP):
            _go_on(wanted)
            asked = map(texts.__getitem__, at[start : start + PASS_STEP])
            keep += map(str.__contains__, asked, repeat(needle))
        return keep
    found = bytearray()
    for start in range(0, len(texts), PASS_STEP):
        _go_on(wanted)
        found += bytes(map(str.__contains__, texts[start : start + PASS_STEP], repeat(needle)))
    for start in range(0, len(at), PASS_STEP):
        keep += map(found.__getitem__, at[start : start + PASS_STEP])
    return keep


def _go_on(wanted: Callable[[], bool]) -> None:
    if not wanted():
        raise Superseded


def _compressed(items: Sequence[T], keep: Sequence[int]) -> list[T]:
    """The items whose `keep` is true, `PASS_STEP` at a time."""
    kept: list[T] = []
    for start in range(0, len(items), PASS_STEP):
        end = start + PASS_STEP
        kept += compress(items[start:end], keep[start:end])
    return kept
