"""Auto-suggest: other places in the collection that could carry the same tags.

A phrase is looked for three ways: exactly, ignoring case, and approximately ("near": a run
of whole words within one paragraph whose similarity to the phrase, `fuzz.ratio` on
lower-cased text, is at least `min_score`). Exact and case-insensitive matches must start and
end at word boundaries, so "Xi" does not match inside "Xinhua". Places already covered by an
annotation carrying all the tags are left out; overlapping suggestions keep only the best
(exact before case-insensitive before near, then by score). The user reviews the list and
`accept` turns the chosen ones into annotations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz

from annotations.anchoring import ensure_current, new_annotation
from annotations.article import Article
from annotations.corpus import Corpus
from annotations.errors import NewsmarkError
from annotations.model import Anchor, Annotation
from annotations.tags import normalise_tags, subtree_filter

SuggestionKind = Literal["exact", "case-insensitive", "near"]

DEFAULT_MIN_SCORE = 85.0
CONTEXT_CHARS = 40
_KIND_RANK = {"exact": 0, "case-insensitive": 1, "near": 2}
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


class SuggestError(NewsmarkError):
    """Suggestions cannot be made or accepted as asked."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A place that could be annotated: body offsets, the text there, and how it matched.

    `score` is 100 for exact and case-insensitive matches, the similarity (0..100) otherwise.
    """

    article: str
    start: int
    end: int
    quote: str
    context: str
    kind: SuggestionKind
    score: float

    def to_dict(self) -> dict[str, Any]:
        """The keys of `newsmark suggest --json`."""
        return {
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "context": self.context,
            "kind": self.kind,
            "score": round(self.score, 1),
        }


def _context(body: str, start: int, end: int) -> str:
    """The match with up to `CONTEXT_CHARS` characters each side, on one line."""
    text = body[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]
    return " ".join(text.split("\n"))


def _at_word_boundaries(body: str, start: int, end: int) -> bool:
    """Whether [start, end) cuts no word in two."""
    cuts_start = start > 0 and body[start - 1].isalnum() and body[start].isalnum()
    cuts_end = end < len(body) and body[end - 1].isalnum() and body[end].isalnum()
    return not (cuts_start or cuts_end)


def _folded(text: str) -> str:
    """`text` lower-cased, or unchanged when lower-casing would shift offsets."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _search_matches(corpus: Corpus, phrase: str) -> list[Suggestion]:
    """Exact and case-insensitive matches at word boundaries."""
    found = []
    for hit in corpus.search(phrase, case_sensitive=False):
        body = corpus.article(hit.article).body
        if not _at_word_boundaries(body, hit.start, hit.end):
            continue
        quote = body[hit.start : hit.end]
        kind: SuggestionKind = "exact" if quote == phrase else "case-insensitive"
        found.append(
            Suggestion(
                hit.article,
                hit.start,
                hit.end,
                quote,
                _context(body, hit.start, hit.end),
                kind,
                100.0,
            )
        )
    return found


def _near_matches(article: Article, phrase: str, min_score: float) -> list[Suggestion]:
    """Runs of whole words within a sentence that are similar to `phrase`, not equal to it
    (the end of one sentence and the start of the next are not a passage: `security.
    Cooperation` is no match for "security cooperation")."""
    wanted = _folded(phrase)
    phrase_words = {w.lower() for w in _WORD.findall(phrase)}
    if not phrase_words:
        return []
    length = len(_WORD.findall(phrase))
    spread = 1 + length // 4
    sizes = range(max(1, length - spread), length + spread + 1)
    body = article.body
    found = []
    for sentence in (s for paragraph in article.paragraphs for s in paragraph.sentences):
        words = list(_WORD.finditer(body, sentence.start, sentence.end))
        # Cheap filter: a near match shares at least half of the phrase's words.
        present = {w.group().lower() for w in words}
        if 2 * len(phrase_words & present) < len(phrase_words):
            continue
        for first in range(len(words)):
            for size in sizes:
                if first + size > len(words):
                    break
                start, end = words[first].start(), words[first + size - 1].end()
                quote = body[start:end]
                if _folded(quote) == wanted:
                    continue
                score = fuzz.ratio(wanted, _folded(quote), score_cutoff=min_score)
                if score:
                    found.append(
                        Suggestion(
                            article.id, start, end, quote, _context(body, start, end), "near", score
                        )
                    )
    return found


TagTest = Callable[[Iterable[str]], bool]


def _tag_tests(tags: Iterable[str]) -> list[TagTest]:
    """One test per tag: whether an annotation's tags include it or a tag below it."""
    return [subtree_filter([tag]) for tag in normalise_tags(tags)]


def _carries_all(annotation: Annotation, tests: Sequence[TagTest]) -> bool:
    """Whether `annotation` carries every tag of `tests` (itself or a tag below it)."""
    return all(test(annotation.tags) for test in tests)


def _covered(
    suggestion: Suggestion, existing: Sequence[Annotation], tests: Sequence[TagTest]
) -> bool:
    """Whether an anchored annotation carrying all the tags (or tags below them: a passage
    tagged `security/maritime` is tagged `security` already) overlaps the suggestion.

    Orphaned annotations are ignored: their offsets no longer point into the article.
    """
    return any(
        a.anchor is not Anchor.ORPHANED
        and a.article == suggestion.article
        and a.start < suggestion.end
        and suggestion.start < a.end
        and _carries_all(a, tests)
        for a in existing
    )


def _best_non_overlapping(candidates: Iterable[Suggestion]) -> list[Suggestion]:
    """The best of each group of overlapping suggestions, by article then start."""
    ranked = sorted(
        candidates,
        key=lambda s: (_KIND_RANK[s.kind], -s.score, s.start - s.end, s.article, s.start),
    )
    kept: dict[str, list[Suggestion]] = {}
    for candidate in ranked:
        same_article = kept.setdefault(candidate.article, [])
        if all(k.end <= candidate.start or candidate.end <= k.start for k in same_article):
            same_article.append(candidate)
    return sorted((s for group in kept.values() for s in group), key=lambda s: (s.article, s.start))


def _candidates(corpus: Corpus, phrase: str, fuzzy: bool, min_score: float) -> list[Suggestion]:
    phrase = phrase.strip()
    if not phrase:
        raise SuggestError("the phrase to look for is empty")
    found = _search_matches(corpus, phrase)
    if fuzzy:
        for meta in corpus:
            found += _near_matches(corpus.article(meta.id), phrase, min_score)
    return found


def suggest_phrases(
    corpus: Corpus,
    phrases: Iterable[str],
    *,
    tags: Iterable[str],
    existing: Iterable[Annotation] = (),
    fuzzy: bool = True,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
) -> list[Suggestion]:
    """Suggestions for any of several phrases, merged (see `suggest`)."""
    tests = _tag_tests(tags)
    annotations = list(existing)
    candidates = [
        s
        for phrase in dict.fromkeys(phrases)
        for s in _candidates(corpus, phrase, fuzzy, min_score)
        if not _covered(s, annotations, tests)
    ]
    kept = _best_non_overlapping(candidates)
    return kept if limit is None else kept[:limit]


def suggest(
    corpus: Corpus,
    phrase: str,
    *,
    tags: Iterable[str],
    existing: Iterable[Annotation] = (),
    fuzzy: bool = True,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
) -> list[Suggestion]:
    """Places in the collection matching `phrase`, not yet annotated with all of `tags`.

    Sorted by article then start; `limit` keeps the first ones. With `fuzzy=False` only
    exact and case-insensitive matches are made.
    """
    return suggest_phrases(
        corpus,
        [phrase],
        tags=tags,
        existing=existing,
        fuzzy=fuzzy,
        min_score=min_score,
        limit=limit,
    )


def suggest_for_tag(
    corpus: Corpus,
    annotations: Iterable[Annotation],
    tags: str | Iterable[str],
    *,
    phrase: str | None = None,
    fuzzy: bool = True,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
) -> list[Suggestion]:
    """Suggestions for a tag (or several): for `phrase`, else like the passages tagged so.

    Without a phrase, the quotes of every annotation carrying all of `tags` (or tags below
    them) are the phrases
    ("find other places like the ones I tagged security"); `SuggestError` if there are none.
    """
    names = normalise_tags(tags)
    if not names:
        raise SuggestError("give at least one tag")
    existing = list(annotations)
    if phrase is not None:
        phrases = [phrase]
    else:
        tests = _tag_tests(names)
        phrases = [a.quote for a in existing if _carries_all(a, tests)]
        if not phrases:
            raise SuggestError(
                f"no annotations tagged {' and '.join(names)} to learn from; give --phrase"
            )
    return suggest_phrases(
        corpus,
        phrases,
        tags=names,
        existing=existing,
        fuzzy=fuzzy,
        min_score=min_score,
        limit=limit,
    )


def accept(
    suggestions: Iterable[Suggestion],
    corpus: Corpus,
    *,
    tags: Iterable[str],
    note: str | None = None,
) -> list[Annotation]:
    """New annotations for the chosen suggestions; the caller stores them (`put_many`).

    `SuggestError` if an article changed since the suggestions were made, or
    `StaleArticleError` if its file changed on disk since the collection read it.
    """
    tag_names = normalise_tags(tags)
    created = []
    for suggestion in suggestions:
        article = corpus.article(suggestion.article)
        ensure_current(corpus, article)  # never offsets into text the file no longer has
        if article.body[suggestion.start : suggestion.end] != suggestion.quote:
            raise SuggestError(
                f"article {suggestion.article} changed since the suggestions were made; "
                "suggest again"
            )
        created.append(
            new_annotation(article, suggestion.start, suggestion.end, tags=tag_names, note=note)
        )
    return created
