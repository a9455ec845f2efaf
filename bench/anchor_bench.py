"""Re-anchoring after articles change: newsmark against a port of the Hypothesis client.

Cases come from `bench.anchor_cases` (real article text, eight kinds of edit, the true new
place of every passage). Each answer is *correct* (attached where the passage now is, or
orphaned when it was rewritten or deleted), *silently wrong* (attached to another place),
*missed* (orphaned although the passage is still there) or a *false anchor* (attached
although the passage is gone). Timings: every newsmark re-anchor of the cases, and 500
annotations of a 300 KiB article re-anchored after an edit.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.anchor_cases import KINDS, Case, build_cases
from bench.config import SEED, Config
from bench.measure import Timing, run_worker
from bench.report import Check, Section

OUTCOMES = ("correct", "silently wrong", "missed", "false anchor")
# An attached span counts as the true place if it covers at least half of their union.
MIN_OVERLAP = 0.5
BIG_ANNOTATIONS = 500
CASE_SEED = SEED + 1000  # not the seed the scoring was developed on


def _article(body: str, article_id: str = "bench") -> Any:
    from annotations.article import Article, ArticleMeta

    meta = ArticleMeta(
        id=article_id,
        title="bench",
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path("bench.txt"),
        words=len(body.split()),
        format="txt",
    )
    return Article(meta=meta, body=body)


def outcome(answer: tuple[int, int] | None, truth: tuple[int, int] | None) -> str:
    """Which of OUTCOMES an answer (None: orphaned) is, given the true span."""
    if truth is None:
        return "correct" if answer is None else "false anchor"
    if answer is None:
        return "missed"
    overlap = min(answer[1], truth[1]) - max(answer[0], truth[0])
    union = max(answer[1], truth[1]) - min(answer[0], truth[0])
    return "correct" if overlap / union >= MIN_OVERLAP else "silently wrong"


def _newsmark(case: Case) -> tuple[tuple[int, int] | None, float]:
    """newsmark's answer for `case` and the seconds `reanchor` took."""
    from annotations.anchoring import new_annotation, reanchor
    from annotations.model import Anchor

    annotation = new_annotation(_article(case.old_body), case.start, case.end)
    article = _article(case.new_body)
    article.content_hash  # noqa: B018 - hashed once per article in real use, not per call
    started = time.perf_counter()
    result = reanchor(annotation, article)
    elapsed = time.perf_counter() - started
    return (None if result.anchor == Anchor.ORPHANED else (result.start, result.end)), elapsed


def _baseline(case: Case) -> tuple[tuple[int, int] | None, float]:
    """The Hypothesis port's answer for `case` and the seconds it took."""
    from annotations.anchoring import new_annotation
    from bench.hypothesis_client_port import hypothesis_anchor

    annotation = new_annotation(_article(case.old_body), case.start, case.end)
    started = time.perf_counter()
    answer = hypothesis_anchor(
        case.new_body,
        annotation.quote,
        annotation.prefix,
        annotation.suffix,
        annotation.start,
        annotation.end,
    )
    return answer, time.perf_counter() - started


def _big_article_times(repeats: int) -> dict[str, Any]:
    """Seconds to re-anchor 500 annotations of the 300 KiB article after an edit."""
    from annotations.anchoring import new_annotation, reanchor
    from annotations.corpus import Corpus
    from annotations.model import Anchor
    from annotations.textfold import fold_body
    from bench.generate import cached_big_article, sample_pool

    corpus = Corpus.open(cached_big_article(SEED), use_cache=False)
    article = corpus.article(next(iter(corpus)).id)
    rng = random.Random(SEED)
    spans = rng.sample(list(article.sentences), BIG_ANNOTATIONS)
    annotations = [new_annotation(article, span.start, span.end) for span in spans]
    # The edit: a paragraph inserted near the top, and a word changed in one annotated passage.
    body = article.body
    top = body.index("\n\n", len(body) // 20) + 2
    edited = body[:top] + rng.choice(sample_pool().paragraphs) + "\n\n" + body[top:]
    target = annotations[0]
    shift = len(edited) - len(body)
    at = target.start + (shift if target.start >= top else 0)
    word_end = edited.index(" ", at + 1)
    edited = edited[:at] + edited[at:word_end] + "s" + edited[word_end:]
    new_article = _article(edited, article.id)
    new_article.content_hash  # noqa: B018
    samples, anchors = [], Counter[str]()
    for _ in range(repeats):
        fold_body.cache_clear()
        started = time.perf_counter()
        results = [reanchor(annotation, new_article) for annotation in annotations]
        samples.append(time.perf_counter() - started)
        anchors = Counter(str(result.anchor) for result in results)
    return {
        "big": samples,
        "big_chars": len(edited),
        "big_anchors": dict(anchors),
        "big_orphaned": anchors.get(str(Anchor.ORPHANED), 0),
    }


def measure_anchor(per_kind: int, seed: int, repeats: int) -> dict[str, Any]:
    """Outcomes per kind of edit for both tools, and newsmark's timings."""
    cases = build_cases(per_kind, seed)
    counts: dict[str, dict[str, dict[str, int]]] = {
        tool: {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
        for tool in ("newsmark", "baseline")
    }
    times: dict[str, list[float]] = {"newsmark": [], "baseline": []}
    for case in cases:
        for tool, run in (("newsmark", _newsmark), ("baseline", _baseline)):
            answer, seconds = run(case)
            counts[tool][case.kind][outcome(answer, case.truth)] += 1
            times[tool].append(seconds)
    return {"counts": counts, "times": times, "cases": len(cases), **_big_article_times(repeats)}


def _cell(count: dict[str, int], key: str) -> str:
    return f"{count[key]:,}"


def anchor_section(config: Config) -> Section:
    """The anchoring benchmark as a report section."""
    per_kind = 60 if config.quick else 300
    result = run_worker(
        "anchor", {"per_kind": per_kind, "seed": CASE_SEED, "repeats": config.slow_repeats}
    )
    counts = result["counts"]
    section = Section(
        name="anchor",
        title="Re-anchoring after an article changes",
        method=(
            f"{result['cases']:,} cases ({per_kind} per kind of edit) built from the bundled "
            "samples and 40 longer articles of their paragraphs (`bench/anchor_cases.py`, "
            f"seed {CASE_SEED}): a quote (sentence, a few words, a clause, a paragraph) is "
            "annotated, the article edited, and the passage's true new place carried through "
            "the edit. *newsmark* is `reanchor`; *Hypothesis* is a port of the Hypothesis "
            "client's anchoring (`bench/hypothesis_client_port.py`: position selector if the "
            "text there is the quote, else `matchQuote` with Myers' approximate search as in "
            "approx-string-match). An answer is *correct* if it covers at least half of the "
            "union with the true span (or is an orphan when the passage was rewritten or "
            "deleted), *silently wrong* if attached elsewhere, *missed* if orphaned though the "
            "passage is there, a *false anchor* if attached though the passage is gone."
        ),
        columns=[
            "kind of edit",
            "cases",
            "newsmark correct",
            "Hypothesis correct",
            "newsmark silently wrong",
            "Hypothesis silently wrong",
            "newsmark missed",
            "Hypothesis missed",
            "newsmark false anchors",
            "Hypothesis false anchors",
        ],
    )
    totals = {tool: Counter[str]() for tool in counts}
    worse_kinds = []
    for kind in KINDS:
        ours, theirs = counts["newsmark"][kind], counts["baseline"][kind]
        totals["newsmark"].update(ours)
        totals["baseline"].update(theirs)
        if ours["correct"] < theirs["correct"]:
            worse_kinds.append(kind)
        section.rows.append(
            [
                kind,
                f"{sum(ours.values()):,}",
                *(_cell(c, key) for key in OUTCOMES for c in (ours, theirs)),
            ]
        )
    ours, theirs = totals["newsmark"], totals["baseline"]
    total = sum(ours.values())
    section.rows.append(
        ["**all**", f"{total:,}", *(f"**{c[key]:,}**" for key in OUTCOMES for c in (ours, theirs))]
    )
    wrong_share = ours["silently wrong"] / total
    section.checks += [
        Check(
            "correct on every kind of edit, vs the Hypothesis port",
            "all kinds" if not worse_kinds else "behind on " + ", ".join(worse_kinds),
            "≥ Hypothesis on each",
            not worse_kinds,
        ),
        Check(
            "silently wrong (attached to another passage), all cases",
            f"{wrong_share:.2%} ({ours['silently wrong']:,})",
            "≤ 1%",
            wrong_share <= 0.01,
        ),
        Check(
            "false anchors (attached though the passage is gone)",
            f"{ours['false anchor']:,} vs {theirs['false anchor']:,}",
            "fewer than Hypothesis",
            ours["false anchor"] < theirs["false anchor"],
        ),
    ]
    median = statistics.median(result["times"]["newsmark"])
    big = Timing(tuple(result["big"]))
    section.checks += [
        Check(
            "median re-anchor of one annotation (cases above)",
            f"{median * 1000:.2f} ms",
            "< 1 ms",
            median < 0.001,
        ),
        Check(
            f"{BIG_ANNOTATIONS} annotations of a 300 KiB article after an edit (median)",
            f"{big.median * 1000:.0f} ms",
            "< 1 s",
            big.median < 1.0,
        ),
    ]
    ours_t, theirs_t = (
        Timing(tuple(result["times"]["newsmark"])),
        Timing(tuple(result["times"]["baseline"])),
    )
    section.notes += [
        f"Accuracy over all cases: newsmark {ours['correct'] / total:.1%} correct, "
        f"Hypothesis port {theirs['correct'] / total:.1%}.",
        f"Time per re-anchor: newsmark median {ours_t.median * 1000:.2f} ms, slowest "
        f"{ours_t.high * 1000:.1f} ms; the Hypothesis port (pure Python, so much slower than "
        f"the JavaScript original; not a speed comparison) median "
        f"{theirs_t.median * 1000:.2f} ms.",
        f"{BIG_ANNOTATIONS} annotations on sentences of a {result['big_chars'] / 1024:.0f} KiB "
        "article, after a paragraph inserted near the top and a word changed in one of them: "
        f"{big.summary()} ms in all (answers: "
        + ", ".join(f"{n} {k}" for k, n in sorted(result["big_anchors"].items()))
        + ").",
    ]
    return section
