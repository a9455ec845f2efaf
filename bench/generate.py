"""Synthetic data for the benchmarks: article collections, annotations, one big article.

Collections recombine the paragraphs of the bundled samples into `.txt` files in the
samples' format (title line, a "08:35, December 14, 2023 By Xu Wei ( China Daily" byline,
body paragraphs separated by blank lines) with varied titles, outlets, dates and authors.
Everything is deterministic for a given seed, and generated collections are cached on disk
keyed by size and seed so repeated runs reuse them.

As a command, it makes a collection anyone can measure newsmark on:
`python -m bench.generate --articles 100000 DIR` (about 8 s and 340 MB for 100,000 articles;
`--annotations M --db PATH` also writes M annotations).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from annotations.article import Span
from annotations.corpus import Corpus
from annotations.model import Annotation
from annotations.paths import bundled_samples_dir

# Bump when the generated files change, so stale cached collections are not reused.
GENERATOR_VERSION = 1
BIG_ARTICLE_BYTES = 300 * 1024

MONTHS = (
    "January February March April May June July August September October November December"
).split()
OUTLETS = (
    "China Daily",
    "Chinadaily.com.cn",
    "Xinhua",
    "Global Times",
    "People's Daily",
    "CGTN",
    "VnExpress",
    "Reuters",
    "AP",
    "South China Morning Post",
)
AUTHORS = (
    "Xu Wei",
    "Cao Desheng",
    "Mo Jingxi",
    "Zhang Yunbi",
    "Wang Qingyun",
    "Nguyen Thu Ha",
    "Tran Minh",
    "Le Van An",
    "Li Lei",
    "Hu Yue",
    "Pham Lan",
    "Zhao Lei",
    "Sarah Chen",
    "Jonathan Ho",
)
TITLE_SUBJECTS = (
    "China, Vietnam",
    "Presidents",
    "Senior officials",
    "Foreign ministers",
    "Party leaders",
    "Hanoi and Beijing",
    "Trade delegations",
    "Youth envoys",
    "Border provinces",
    "Lawmakers",
)
TITLE_VERBS = (
    "vow to advance",
    "agree to deepen",
    "pledge to boost",
    "sign deals on",
    "discuss",
    "reaffirm commitment to",
    "call for stronger",
    "review progress on",
    "launch talks on",
)
TITLE_OBJECTS = (
    "solidarity, cooperation",
    "mutual political trust",
    "a community with a shared future",
    "rail links",
    "people-to-people exchanges",
    "trade and investment",
    "security cooperation",
    "green development",
    "digital economy ties",
    "the Belt and Road Initiative",
)
TAGS = (
    "Politics",
    "Economy",
    "Trade",
    "Security",
    "Diplomacy",
    "Culture",
    "Youth",
    "Energy",
    "Infrastructure",
    "Railways",
    "Agriculture",
    "Technology",
    "Environment",
    "Health",
    "Education",
    "Tourism",
    "Quote",
    "Key fact",
    "Follow up",
    "Disputed",
)


@dataclass(frozen=True)
class SamplePool:
    """The paragraphs of the bundled samples, as recombination material."""

    paragraphs: tuple[str, ...]


@cache
def sample_pool() -> SamplePool:
    """Body paragraphs (of at least 60 characters) of the five bundled samples."""
    corpus = Corpus.open(bundled_samples_dir(), use_cache=False)
    paragraphs = [
        part
        for meta in corpus
        for part in corpus.article(meta.id).body.split("\n\n")
        if len(part) >= 60
    ]
    return SamplePool(tuple(paragraphs))


def bench_cache_dir() -> Path:
    """Where generated collections and prepared databases are kept between runs."""
    override = os.environ.get("NEWSMARK_BENCH_CACHE")
    base = Path(override) if override else Path(tempfile.gettempdir()) / "newsmark-bench"
    return base / f"v{GENERATOR_VERSION}"


def _title(rng: random.Random) -> str:
    return f"{rng.choice(TITLE_SUBJECTS)} {rng.choice(TITLE_VERBS)} {rng.choice(TITLE_OBJECTS)}"


def _byline(rng: random.Random) -> str:
    authors = rng.sample(AUTHORS, rng.choice((1, 1, 1, 2)))
    return (
        f"{rng.randrange(24):02d}:{rng.randrange(60):02d}, {rng.choice(MONTHS)} "
        f"{rng.randint(1, 28)}, {rng.randint(2015, 2025)} By {' and '.join(authors)} "
        f"( {rng.choice(OUTLETS)}"
    )


def article_text(rng: random.Random, paragraphs: Sequence[str], n_paragraphs: int) -> str:
    """One article in the samples' format with `n_paragraphs` paragraphs drawn at random."""
    body = [rng.choice(paragraphs) for _ in range(n_paragraphs)]
    return "\n\n".join([_title(rng), _byline(rng), *body]) + "\n"


def _build(target: Path, write: Callable[[Path], object]) -> Path:
    """Run `write(directory)` into a scratch directory, then move it to `target` atomically."""
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(scratch)
        os.replace(scratch, target)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if not target.is_dir():
            raise
    return target


def generate_collection(target_dir: Path, n_articles: int, seed: int) -> Path:
    """Write `n_articles` synthetic `.txt` articles into `target_dir` (created; must not exist).

    Returns `target_dir`. Use `cached_collection` to reuse one between runs.
    """
    pool = sample_pool().paragraphs
    rng = random.Random(seed)
    target_dir.mkdir(parents=True)
    for index in range(n_articles):
        name = f"{index:05d}_{rng.getrandbits(64):016x}.txt"
        text = article_text(rng, pool, rng.randint(4, 20))
        (target_dir / name).write_text(text, encoding="utf-8")
    return target_dir


def cached_collection(n_articles: int, seed: int = 1) -> Path:
    """The generated collection for (n_articles, seed), built on first use and then reused."""
    target = bench_cache_dir() / "collections" / f"n{n_articles}-s{seed}"
    return (
        _build(target, lambda scratch: generate_collection(scratch / "lib", n_articles, seed))
        / "lib"
    )


def generate_big_article(target_dir: Path, seed: int, size: int = BIG_ARTICLE_BYTES) -> Path:
    """Write one article of about `size` bytes (UTF-8) into `target_dir`; returns its path."""
    pool = sample_pool().paragraphs
    rng = random.Random(seed)
    parts = [_title(rng), _byline(rng)]
    total = sum(len(p.encode("utf-8")) + 2 for p in parts)
    while total < size:
        paragraph = rng.choice(pool)
        parts.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / "big_article.txt"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def cached_big_article(seed: int = 1) -> Path:
    """The directory holding the big article for `seed` (built on first use)."""
    target = bench_cache_dir() / "big" / f"s{seed}"
    return _build(target, lambda scratch: generate_big_article(scratch, seed))


def generate_annotations(corpus: Corpus, m: int, seed: int) -> list[Annotation]:
    """`m` annotations of random sentences of random articles, each with 1–3 tags.

    Ids are derived from the seed; `created`/`updated` are the generation time.
    """
    from annotations.anchoring import new_annotation

    rng = random.Random(seed)
    ids = [meta.id for meta in corpus]
    per_article = Counter(rng.choice(ids) for _ in range(m))
    annotations: list[Annotation] = []
    for article_id in sorted(per_article):
        article = corpus.article(article_id)
        spans = article.sentences or tuple(Span(p.start, p.end) for p in article.paragraphs)
        for _ in range(per_article[article_id]):
            span = rng.choice(spans)
            annotation = new_annotation(
                article, span.start, span.end, tags=rng.sample(TAGS, rng.randint(1, 3))
            )
            annotations.append(replace(annotation, id=str(uuid.UUID(int=rng.getrandbits(128)))))
    rng.shuffle(annotations)
    return annotations


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.generate --articles N [--seed S] [--annotations M --db PATH] DIR`."""
    import argparse
    import sys
    import time

    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a synthetic collection of N .txt articles (3.4 KB each on average, "
        "recombined from the bundled samples) into DIR, which must not exist; optionally "
        "also a database of M annotations on them.",
    )
    parser.add_argument("directory", metavar="DIR", type=Path)
    parser.add_argument("--articles", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same files (default 1)")
    parser.add_argument(
        "--annotations",
        type=int,
        default=0,
        metavar="M",
        help="also write M annotations of random sentences to --db",
    )
    parser.add_argument("--db", type=Path, metavar="PATH", help="the database for --annotations")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be 1 or more")
    if args.annotations and args.db is None:
        parser.error("--annotations needs --db PATH")
    if args.directory.exists():
        parser.error(f"{args.directory} already exists")
    started = time.perf_counter()
    generate_collection(args.directory, args.articles, args.seed)
    print(
        f"wrote {args.articles} articles to {args.directory} in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    if args.annotations:
        from annotations.store import AnnotationStore

        corpus = Corpus.open(args.directory)
        AnnotationStore.open(args.db).put_many(
            generate_annotations(corpus, args.annotations, args.seed)
        )
        print(f"wrote {args.annotations} annotations to {args.db}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
