"""Passage alignment: which sentences (or paragraphs) of two articles say the same thing.

Similarity is the cosine of TF-IDF vectors of word unigrams and bigrams (lower-cased,
stopwords and reporting verbs dropped, Snowball-stemmed so "national"/"nations" and
"political"/"politics" meet), with the IDF computed over the units of both articles, so
words every unit shares (the names of the two countries, say) weigh little; bigrams weigh a
quarter of a word, so a paraphrase that keeps the words but not their order still scores.
Everything is pure Python: no network, no model. Scores are in 0..1.

Caption paragraphs are kept as units: they rarely match anything but a caption of the same
photo, and keeping them means every character of both bodies belongs to some unit's side.

A pair is kept when its score is at least `min_score` and within `NEAR_BEST_RATIO` of the
best score of its left unit or of its right unit, so one unit may have several counterparts
(a long sentence summarised by two short ones) and the relation is the same seen from
either side.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any, Literal

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

from annotations.article import Article, Span

Side = Literal["left", "right"]
UnitKind = Literal["sentence", "paragraph"]

# On the samples' reports of the same visit, close restatements score about 0.3-0.5 and
# paraphrases ("prioritize national political security" / "safeguard the security of their
# political systems") 0.15-0.25; pairs under STRONG_SCORE are shown as weak matches.
DEFAULT_MIN_SCORE = 0.15
STRONG_SCORE = 0.25
# A unit's other counterparts are kept when they score at least this share of its best one.
NEAR_BEST_RATIO = 0.8
# How much a word bigram weighs relative to a single word.
BIGRAM_WEIGHT = 0.25


def shown_score(score: float) -> str:
    """A similarity as shown: two decimals, rounded, except that a weak score (under
    `STRONG_SCORE`) never shows as that or more: 0.249 shows as 0.24, not "0.25 weak"."""
    shown = round(score, 2)
    if score < STRONG_SCORE <= shown:
        shown = STRONG_SCORE - 0.01
    return f"{shown:.2f}"


STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me
    more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours said say says saying two also stressed told added noted
    urged
    """.split()
)

_WORD = re.compile(r"[^\W_]+")


_STEMMER = snowballstemmer.stemmer("english")


def _stem(word: str) -> str:
    """The Snowball (Porter 2) stem: "manage", "managed" and "managing" become "manag"."""
    return str(_STEMMER.stemWord(word))


def term_weights(text: str) -> dict[str, float]:
    """The unigram and bigram terms of `text` with their (sublinear) term-frequency weights.

    Bigrams weigh `BIGRAM_WEIGHT` as much as words: they reward shared phrasing without
    burying paraphrases that share the words but not their order.
    """
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    unigrams = Counter(words)
    bigrams = Counter(f"{a} {b}" for a, b in pairwise(words))
    weights = {term: 1 + math.log(n) for term, n in unigrams.items()}
    weights.update({term: BIGRAM_WEIGHT * (1 + math.log(n)) for term, n in bigrams.items()})
    return weights


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence or paragraph of one article: its position in order and its body offsets."""

    index: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The keys of a unit in `newsmark compare --json`."""
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A left unit, a right unit and how similar they are (0..1)."""

    left: Unit
    right: Unit
    score: float

    def to_dict(self) -> dict[str, Any]:
        """The keys of a pair in `newsmark compare --json`."""
        return {
            "left": self.left.to_dict(),
            "right": self.right.to_dict(),
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class AlignmentRow:
    """One row of the side-by-side layout: a matched pair, or a unit of one side alone.

    A unit alone may still have a counterpart out of order (the paragraph was moved):
    `elsewhere` is then its best pair.
    """

    left: Unit | None
    right: Unit | None
    score: float | None = None
    elsewhere: AlignedPair | None = None


@dataclass(frozen=True)
class Alignment:
    """The result of `align_articles`; units and pairs are in body order."""

    left_id: str
    right_id: str
    unit: UnitKind
    min_score: float
    left_units: tuple[Unit, ...]
    right_units: tuple[Unit, ...]
    pairs: tuple[AlignedPair, ...]
    unmatched_left: tuple[Unit, ...]
    unmatched_right: tuple[Unit, ...]

    def _units(self, side: Side) -> tuple[Unit, ...]:
        if side not in ("left", "right"):
            raise ValueError(f"side must be 'left' or 'right', not {side!r}")
        return self.left_units if side == "left" else self.right_units

    @cached_property
    def _starts(self) -> dict[str, list[int]]:
        return {side: [u.start for u in self._units(side)] for side in ("left", "right")}

    def unit_at(self, side: Side, offset: int) -> Unit | None:
        """The unit of one side containing a body offset (None between units)."""
        units = self._units(side)
        position = bisect_right(self._starts[side], offset) - 1
        if position < 0 or offset >= units[position].end:
            return None
        return units[position]

    def counterparts_of(self, side: Side, offset: int) -> list[AlignedPair]:
        """The pairs of the unit containing `offset` on `side`, best first."""
        unit = self.unit_at(side, offset)
        if unit is None:
            return []
        found = [p for p in self.pairs if (p.left if side == "left" else p.right) == unit]
        return sorted(found, key=lambda p: -p.score)

    def rows(self) -> list[AlignmentRow]:
        """A side-by-side layout: every unit once, each side in its own order.

        Matched rows are the monotonic chain of pairs with the highest total score; units
        not in that chain get rows of their own (left-only before right-only in each gap),
        with their best out-of-order pair, if any, as `elsewhere`.
        """
        best: dict[tuple[str, int], AlignedPair] = {}
        for pair in sorted(self.pairs, key=lambda p: p.score):
            best[("left", pair.left.index)] = best[("right", pair.right.index)] = pair

        def alone(units: tuple[Unit, ...], side: Side) -> list[AlignmentRow]:
            elsewhere = [best.get((side, u.index)) for u in units]
            if side == "left":
                return [
                    AlignmentRow(u, None, None, e) for u, e in zip(units, elsewhere, strict=True)
                ]
            return [AlignmentRow(None, u, None, e) for u, e in zip(units, elsewhere, strict=True)]

        rows: list[AlignmentRow] = []
        next_left = next_right = 0
        for pair in _best_chain(self.pairs):
            rows += alone(self.left_units[next_left : pair.left.index], "left")
            rows += alone(self.right_units[next_right : pair.right.index], "right")
            rows.append(AlignmentRow(pair.left, pair.right, pair.score))
            next_left, next_right = pair.left.index + 1, pair.right.index + 1
        rows += alone(self.left_units[next_left:], "left")
        rows += alone(self.right_units[next_right:], "right")
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The structure of `newsmark compare --json`."""
        return {
            "left": self.left_id,
            "right": self.right_id,
            "unit": self.unit,
            "min_score": self.min_score,
            "pairs": [p.to_dict() for p in self.pairs],
            "unmatched_left": [u.to_dict() for u in self.unmatched_left],
            "unmatched_right": [u.to_dict() for u in self.unmatched_right],
        }


@dataclass(frozen=True, slots=True)
class AlignmentSummary:
    """How the rows of an alignment divide up."""

    matched: int
    only_left: int
    only_right: int
    out_of_order: int

    @classmethod
    def of(cls, rows: Sequence[AlignmentRow]) -> AlignmentSummary:
        """Count matched rows, units alone, and units alone that match out of order."""
        alone = [row for row in rows if row.score is None]
        return cls(
            matched=len(rows) - len(alone),
            only_left=sum(1 for r in alone if r.right is None and r.elsewhere is None),
            only_right=sum(1 for r in alone if r.left is None and r.elsewhere is None),
            out_of_order=sum(1 for r in alone if r.elsewhere is not None),
        )


def units_of(article: Article, unit: UnitKind = "sentence") -> tuple[Unit, ...]:
    """The sentences or paragraphs of an article as units, in body order."""
    if unit == "sentence":
        spans: Sequence[Span] = article.sentences
    elif unit == "paragraph":
        spans = [Span(p.start, p.end) for p in article.paragraphs]
    else:
        raise ValueError(f"unit must be 'sentence' or 'paragraph', not {unit!r}")
    return tuple(
        Unit(i, span.start, span.end, article.body[span.start : span.end])
        for i, span in enumerate(spans)
    )


def _vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sparse dicts), IDF over `texts`."""
    weights = [term_weights(text) for text in texts]
    document_frequency = Counter(term for weight in weights for term in weight)
    total = len(texts)
    vectors = []
    for weight in weights:
        vector = {
            term: tf * (math.log((1 + total) / (1 + document_frequency[term])) + 1)
            for term, tf in weight.items()
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        vectors.append({t: w / norm for t, w in vector.items()} if norm else {})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def align_articles(
    left: Article,
    right: Article,
    *,
    unit: UnitKind = "sentence",
    min_score: float = DEFAULT_MIN_SCORE,
) -> Alignment:
    """Align the units of two articles by TF-IDF similarity (see the module docstring)."""
    left_units, right_units = units_of(left, unit), units_of(right, unit)
    vectors = _vectors([u.text for u in left_units + right_units])
    left_vectors, right_vectors = vectors[: len(left_units)], vectors[len(left_units) :]
    scores = [[min(1.0, _cosine(lv, rv)) for rv in right_vectors] for lv in left_vectors]
    best_left = [max(row, default=0.0) for row in scores]
    best_right = [max(column, default=0.0) for column in zip(*scores, strict=True)]
    pairs = tuple(
        AlignedPair(left_units[i], right_units[j], score)
        for i, row in enumerate(scores)
        for j, score in enumerate(row)
        if score >= min_score
        and (score >= NEAR_BEST_RATIO * best_left[i] or score >= NEAR_BEST_RATIO * best_right[j])
    )
    matched_left = {p.left.index for p in pairs}
    matched_right = {p.right.index for p in pairs}
    return Alignment(
        left_id=left.id,
        right_id=right.id,
        unit=unit,
        min_score=min_score,
        left_units=left_units,
        right_units=right_units,
        pairs=pairs,
        unmatched_left=tuple(u for u in left_units if u.index not in matched_left),
        unmatched_right=tuple(u for u in right_units if u.index not in matched_right),
    )


def _best_chain(pairs: Sequence[AlignedPair]) -> list[AlignedPair]:
    """The pairs, strictly increasing on both sides, with the highest total score.

    Weighted longest increasing subsequence: pairs in left order, a Fenwick tree over right
    indexes holding the best chain ending at or before each right index; O(P log P).
    """
    if not pairs:
        return []
    size = max(p.right.index for p in pairs) + 1
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)

    def best_before(right_index: int) -> tuple[float, int]:
        best, position = (0.0, -1), right_index  # right indexes < right_index
        while position > 0:
            best = max(best, tree[position])
            position -= position & -position
        return best

    def record(right_index: int, value: tuple[float, int]) -> None:
        position = right_index + 1
        while position <= size:
            tree[position] = max(tree[position], value)
            position += position & -position

    ordered = sorted(pairs, key=lambda p: (p.left.index, p.right.index))
    totals: list[float] = []
    previous: list[int] = []
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end].left.index == ordered[start].left.index:
            end += 1
        # Query the whole group before recording it, so a chain never uses one left unit twice.
        for k in range(start, end):
            total, before = best_before(ordered[k].right.index)
            totals.append(total + ordered[k].score)
            previous.append(before)
        for k in range(start, end):
            record(ordered[k].right.index, (totals[k], k))
        start = end
    k = max(range(len(ordered)), key=totals.__getitem__)
    chain = []
    while k != -1:
        chain.append(ordered[k])
        k = previous[k]
    return chain[::-1]
