"""Re-anchoring cases with ground truth, built from real article text.

Each case is an article body, an annotated span of it, the body after one kind of edit and
where the annotated passage is in the new body (None when it was rewritten or deleted and
the annotation must be orphaned). Bodies are the bundled samples and longer articles made
of their paragraphs. Every edit is a splice of the text, so the true span is carried
through it exactly.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from annotations.corpus import Corpus
from annotations.paths import bundled_samples_dir
from bench.generate import sample_pool

Span = tuple[int, int]

KINDS = (
    "paragraphs inserted/deleted",
    "small edit inside the quote",
    "edit in the context only",
    "heavy rewrite (must orphan)",
    "passage deleted (must orphan)",
    "paragraphs reordered",
    "whitespace/punctuation",
    "duplicated passages",
)
WORD = re.compile(r"\S+")
SENTENCE_END = re.compile(r"(?<=[.!?\"”’])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Case:
    """One re-anchoring problem and its answer."""

    kind: str
    old_body: str
    start: int
    end: int
    new_body: str
    truth: Span | None


class SkipCase(Exception):
    """The drawn article and quote do not suit this kind of edit; draw again."""


@dataclass
class Doc:
    """A body being edited and where the annotated passage is in it."""

    body: str
    span: Span | None

    def splice(self, start: int, end: int, new: str) -> None:
        """Replace body[start:end] by `new`, carrying the span (which it must not cut)."""
        delta = len(new) - (end - start)
        if self.span is not None:
            a, b = self.span
            if end <= a:
                self.span = (a + delta, b + delta)
            elif start >= b:
                pass
            elif start >= a and end <= b:
                self.span = (a, b + delta)
            else:
                raise SkipCase("an edit would cut the passage")
        self.body = self.body[:start] + new + self.body[end:]

    def paragraphs(self) -> list[Span]:
        """[start, end) of every paragraph."""
        spans, position = [], 0
        for part in self.body.split("\n\n"):
            spans.append((position, position + len(part)))
            position += len(part) + 2
        return spans

    def paragraph_of_span(self) -> int:
        """Index of the paragraph holding the start of the passage."""
        assert self.span is not None
        return next(i for i, (a, b) in enumerate(self.paragraphs()) if a <= self.span[0] <= b)


def source_bodies(rng: random.Random, long_articles: int) -> list[str]:
    """The sample bodies plus `long_articles` articles of 20–40 shuffled sample paragraphs."""
    corpus = Corpus.open(bundled_samples_dir(), use_cache=False)
    bodies = [corpus.article(meta.id).body for meta in corpus]
    pool = list(dict.fromkeys(sample_pool().paragraphs))
    for _ in range(long_articles):
        count = min(len(pool), rng.randint(20, 40))
        bodies.append("\n\n".join(rng.sample(pool, count)))
    return bodies


def _words(text: str, start: int, end: int) -> list[Span]:
    """Absolute spans of the words of text[start:end]."""
    return [(start + m.start(), start + m.end()) for m in WORD.finditer(text[start:end])]


def choose_quote(rng: random.Random, body: str, min_words: int = 1) -> Span:
    """A quote as a reader would pick it: a sentence, a few words, a clause or a paragraph."""
    doc = Doc(body, None)
    paragraphs = [p for p in doc.paragraphs() if len(_words(body, *p)) >= max(3, min_words)]
    if not paragraphs:
        raise SkipCase("no paragraph long enough")
    a, b = rng.choice(paragraphs)
    words = _words(body, a, b)
    shape = rng.choice(("sentence", "sentence", "words", "short", "paragraph"))
    if shape == "paragraph":
        return a, b
    if shape == "sentence":
        cuts = [a] + [a + m.end() for m in SENTENCE_END.finditer(body[a:b])] + [b + 1]
        sentences = list(pairwise(cuts))
        s, e = rng.choice(sentences)
        span = (s, len(body[: min(e, b)].rstrip()))
        if len(_words(body, *span)) >= min_words:
            return span
    count = rng.randint(2, 5) if shape == "short" else rng.randint(3, 25)
    count = max(min_words, min(count, len(words)))
    first = rng.randrange(len(words) - count + 1)
    return words[first][0], words[first + count - 1][1]


# Edits ----------------------------------------------------------------------------------


def _pool_paragraph(rng: random.Random, body: str) -> str:
    """A sample paragraph not already in `body`."""
    for _ in range(50):
        paragraph = rng.choice(sample_pool().paragraphs)
        if paragraph not in body:
            return paragraph
    raise SkipCase("no new paragraph")


def insert_delete(rng: random.Random, doc: Doc) -> None:
    """One to three paragraphs inserted or deleted (never the annotated one)."""
    for _ in range(rng.randint(1, 3)):
        paragraphs = doc.paragraphs()
        own = doc.paragraph_of_span()
        others = [i for i in range(len(paragraphs)) if i != own]
        if rng.random() < 0.5 and others:
            i = rng.choice(others)
            a, b = paragraphs[i]
            if i + 1 < len(paragraphs):
                doc.splice(a, b + 2, "")
            else:
                doc.splice(a - 2, b, "")
        else:
            i = rng.randrange(len(paragraphs) + 1)
            text = _pool_paragraph(rng, doc.body)
            if i < len(paragraphs):
                doc.splice(paragraphs[i][0], paragraphs[i][0], text + "\n\n")
            else:
                doc.splice(len(doc.body), len(doc.body), "\n\n" + text)


def _other_word(rng: random.Random, body: str, old: str) -> str:
    """A word from the samples, different from `old`."""
    for _ in range(50):
        word = rng.choice(rng.choice(sample_pool().paragraphs).split())
        if word.strip(".,;:\"“”'") and word.lower() != old.lower():
            return word
    raise SkipCase("no other word")


def _typo(rng: random.Random, word: str) -> str:
    """`word` with one typing mistake."""
    i = rng.randrange(1, len(word) - 1)
    return rng.choice(
        (
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
            word[:i] + word[i + 1 :],
            word[:i] + word[i] + word[i:],
            word[:i] + rng.choice("aeiourstn") + word[i + 1 :],
        )
    )


def quote_edit(rng: random.Random, doc: Doc) -> None:
    """A typo fixed, or one or two words changed, added or removed inside the quote."""
    assert doc.span is not None
    words = _words(doc.body, *doc.span)
    long_words = [w for w in words if w[1] - w[0] >= 4 and doc.body[w[0] : w[1]].isalpha()]
    choice = rng.choice(("typo", "change", "add", "remove"))
    if choice == "typo" or len(words) < 3:
        if not long_words:
            raise SkipCase("no word to misspell")
        a, b = rng.choice(long_words)
        doc.splice(a, b, _typo(rng, doc.body[a:b]))
        return
    count = 1 if len(words) < 8 else rng.randint(1, 2)
    # Inner words only: a changed first or last word leaves the true extent a matter of taste.
    inner = words[1:-1]
    for a, b in sorted(rng.sample(inner, min(count, len(inner))), reverse=True):
        if choice == "change":
            doc.splice(a, b, _other_word(rng, doc.body, doc.body[a:b]))
        elif choice == "add":
            doc.splice(b, b, " " + _other_word(rng, doc.body, ""))
        else:
            doc.splice(a, b + 1, "")


def context_edit(rng: random.Random, doc: Doc) -> None:
    """The word right before or after the quote changed, or words added next to it."""
    assert doc.span is not None
    a, b = doc.span
    before = _words(doc.body, max(0, a - 32), a)
    after = _words(doc.body, b, b + 32)
    sides = [side for side in (before[-1:], after[:1]) if side]
    if not sides:
        raise SkipCase("no context")
    chosen = sides if rng.random() < 0.3 else [rng.choice(sides)]
    for side in sorted(chosen, reverse=True):  # the later edit first: offsets stay valid
        s, e = side[0]
        if rng.random() < 0.7:
            doc.splice(s, e, _other_word(rng, doc.body, doc.body[s:e]))
        else:
            doc.splice(
                e, e, " " + _other_word(rng, doc.body, "") + " " + _other_word(rng, doc.body, "")
            )


def heavy_rewrite(rng: random.Random, doc: Doc) -> None:
    """At least two thirds of the quote's words replaced: the passage is gone."""
    assert doc.span is not None
    old = doc.span
    words = _words(doc.body, *old)
    if len(words) < 4:
        raise SkipCase("too short to rewrite")
    chosen = rng.sample(words, max(1, (2 * len(words) + 2) // 3))
    for a, b in sorted(chosen, reverse=True):
        doc.splice(a, b, _other_word(rng, doc.body, doc.body[a:b]))
    doc.span = None


def delete_passage(rng: random.Random, doc: Doc) -> None:
    """The quote's paragraph, or the quote itself, deleted."""
    assert doc.span is not None
    paragraphs = doc.paragraphs()
    a, b = paragraphs[doc.paragraph_of_span()]
    span, doc.span = doc.span, None
    if rng.random() < 0.5 or (span == (a, b)):
        doc.splice(a, min(len(doc.body), b + 2), "")
    else:
        doc.splice(span[0], min(span[1] + 1, b), "")


def reorder(rng: random.Random, doc: Doc) -> None:
    """The paragraphs shuffled; the annotated one travels with its text."""
    paragraphs = doc.paragraphs()
    if len(paragraphs) < 3:
        raise SkipCase("too few paragraphs")
    own = doc.paragraph_of_span()
    order = list(range(len(paragraphs)))
    while order.index(own) == own:
        rng.shuffle(order)
    texts = [doc.body[a:b] for a, b in paragraphs]
    assert doc.span is not None
    offset_in = doc.span[0] - paragraphs[own][0], doc.span[1] - paragraphs[own][0]
    position, start = 0, 0
    for index in order:
        if index == own:
            start = position
        position += len(texts[index]) + 2
    doc.body = "\n\n".join(texts[i] for i in order)
    doc.span = (start + offset_in[0], start + offset_in[1])


def _swap_chars(doc: Doc, start: int, end: int, table: dict[str, str]) -> bool:
    """Replace every character of body[start:end] found in `table`; whether any was."""
    changed = False
    for i in range(end - 1, start - 1, -1):
        char = doc.body[i]
        if char in table:
            doc.splice(i, i + 1, table[char])
            changed = True
    return changed


STRAIGHTEN = {"“": '"', "”": '"', "’": "'", "‘": "'", "—": "-", "–": "-"}


def whitespace_punctuation(rng: random.Random, doc: Doc) -> None:
    """Typography of the quote's paragraph changed, as another converter would write it."""
    assert doc.span is not None
    a, b = doc.paragraphs()[doc.paragraph_of_span()]
    words = _words(doc.body, *doc.span)
    options = ["quotes", "nbsp", "wrap", "double"]
    if len(words) >= 4:
        options.append("break")
    for option in rng.sample(options, rng.randint(1, 2)):
        a, b = doc.paragraphs()[doc.paragraph_of_span()]
        span = doc.span
        assert span is not None
        if option == "quotes":
            curly = {'"': "“", "'": "’", "-": "—"}
            text = doc.body[a:b]
            table = STRAIGHTEN if any(c in text for c in STRAIGHTEN) else curly
            if not _swap_chars(doc, a, b, table):
                _swap_chars(doc, a, b, {".": "…"} if "." in text else {",": ","})
        elif option == "nbsp":
            inside = [m.start() + span[0] for m in re.finditer(" ", doc.body[span[0] : span[1]])]
            for i in rng.sample(inside, min(len(inside), 2)):
                doc.splice(i, i + 1, "\u00a0")
        elif option == "wrap":
            column, i = 0, a
            while i < b:
                if doc.body[i] == " " and column >= 60:
                    doc.splice(i, i + 1, "\n")
                    column = 0
                column += 1
                i += 1
        elif option == "double":
            inside = [m.start() + span[0] for m in re.finditer(" ", doc.body[span[0] : span[1]])]
            for i in rng.sample(inside, min(len(inside), 2)):
                doc.splice(i, i, " ")
        else:
            words = _words(doc.body, *span)
            gap = rng.choice(words[1:-1])[0] - 1
            if doc.body[gap] == " ":
                doc.splice(gap, gap + 1, "\n\n")


def make_duplicate(rng: random.Random, body: str) -> tuple[str, Span, Doc]:
    """A body with a repeated passage, the annotated copy, and the edit that follows."""
    doc = Doc(body, None)
    paragraphs = doc.paragraphs()
    if len(paragraphs) < 4:
        raise SkipCase("too few paragraphs")
    variant = rng.choice(("pull quote", "repeated block", "repeated block"))
    if variant == "pull quote":
        span = choose_quote(rng, body, min_words=4)
        doc.span = span
        own = doc.paragraph_of_span()
        others = [i for i in range(len(paragraphs)) if i != own]
        at = paragraphs[rng.choice(others)][0]
        doc.splice(at, at, body[span[0] : span[1]] + "\n\n")  # the pull quote
        old = Doc(doc.body, doc.span)
        old_body, old_span = doc.body, doc.span
        rng.choice((insert_delete, context_edit, quote_edit))(rng, old)
        return old_body, old_span, old
    # A block of paragraphs repeated (captions, boxes); one copy of a passage annotated.
    i = rng.randrange(len(paragraphs) - 2)
    block = body[paragraphs[i][0] : paragraphs[i + 2][1]]
    copy_at = paragraphs[-1][1]
    old_body = body + "\n\n" + block
    q = choose_quote(rng, block, min_words=3)
    which = rng.choice((0, 1))
    base = paragraphs[i][0] if which == 0 else copy_at + 2
    old_span = (base + q[0], base + q[1])
    doc = Doc(old_body, old_span)
    edit = rng.choice(("typo here", "typo both", "paragraph", "context"))
    if edit == "paragraph":
        insert_delete(rng, doc)
    elif edit == "context":
        context_edit(rng, doc)
    else:
        words = [
            w
            for w in _words(old_body, *old_span)
            if w[1] - w[0] >= 4 and old_body[w[0] : w[1]].isalpha()
        ]
        if not words:
            raise SkipCase("no word to misspell")
        a, b = rng.choice(words)
        fixed = _typo(rng, old_body[a:b])
        if edit == "typo both":
            other = old_span[0] - base + (copy_at + 2 if which == 0 else paragraphs[i][0])
            shift = other - old_span[0]
            spots = sorted([(a, b), (a + shift, b + shift)], reverse=True)
            for s, e in spots:
                doc.splice(s, e, fixed)
        else:
            doc.splice(a, b, fixed)
    return old_body, old_span, doc


EDITS: dict[str, Callable[[random.Random, Doc], None]] = {
    KINDS[0]: insert_delete,
    KINDS[1]: quote_edit,
    KINDS[2]: context_edit,
    KINDS[3]: heavy_rewrite,
    KINDS[4]: delete_passage,
    KINDS[5]: reorder,
    KINDS[6]: whitespace_punctuation,
}


def make_case(rng: random.Random, kind: str, bodies: list[str]) -> Case:
    """One case of `kind` (raises SkipCase when the drawn text does not suit it)."""
    body = rng.choice(bodies)
    if kind == KINDS[7]:
        old_body, old_span, doc = make_duplicate(rng, body)
    else:
        old_span = choose_quote(rng, body, min_words=4 if kind == KINDS[3] else 1)
        old_body, doc = body, Doc(body, old_span)
        EDITS[kind](rng, doc)
    quote = old_body[old_span[0] : old_span[1]]
    if not quote.strip() or quote != quote.strip():
        raise SkipCase("not a trimmed quote")
    if doc.body == old_body:
        raise SkipCase("the edit changed nothing")
    if doc.span is None and quote in doc.body:
        raise SkipCase("the passage still exists elsewhere, so it was not removed")
    return Case(kind, old_body, old_span[0], old_span[1], doc.body, doc.span)


def build_cases(per_kind: int, seed: int, long_articles: int = 40) -> list[Case]:
    """`per_kind` cases of every kind, deterministic for `seed`."""
    rng = random.Random(seed)
    bodies = source_bodies(rng, long_articles)
    cases: list[Case] = []
    for kind in KINDS:
        made = 0
        while made < per_kind:
            try:
                cases.append(make_case(rng, kind, bodies))
            except SkipCase:
                continue
            made += 1
    return cases
