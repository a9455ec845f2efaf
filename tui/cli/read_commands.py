"""Read-only commands: `list`, `show`, `search`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, NamedTuple

from annotations.text import safe_name
from tui.cli.context import CliContext, common_options, positive_int, print_notices
from tui.cli.output import JsonArrayWriter, json_items, write_bytes
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.corpus import Corpus
    from annotations.indexed_collection import IndexedCollection
    from annotations.search import SearchCounts, SearchResults
    from annotations.search_context import PrintableHits


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `list`, `show` and `search` to the command line."""
    parent = [common_options()]
    listing = subparsers.add_parser(
        "list",
        parents=parent,
        help="list the articles of the collection",
        description="List every article: id, title, outlet, date, author and word count.",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=list_articles)

    show = subparsers.add_parser(
        "show",
        parents=parent,
        help="print an article",
        description="Print an article's metadata and its normalised body, the text that "
        "annotation offsets refer to.",
    )
    show.add_argument("id", metavar="ID", help="article id (a unique prefix is enough)")
    show.add_argument("--body-only", action="store_true", help="print the body alone")
    show.set_defaults(handler=show_article)

    search = subparsers.add_parser(
        "search",
        parents=parent,
        help="search the full text of the collection",
        description="Find a phrase (case-insensitive by default) or a regular expression.",
    )
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    search.add_argument("--case-sensitive", action="store_true", help="match case exactly")
    search.add_argument("--article", metavar="ID", help="search one article only")
    amount = search.add_mutually_exclusive_group()
    amount.add_argument("--limit", type=positive_int, metavar="N", help="stop after N matches")
    amount.add_argument(
        "--count",
        action="store_true",
        help="print the number of matches per article (as grep -c), not them",
    )
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.set_defaults(handler=search_collection)


def list_articles(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark list [--json]`."""
    listing = ctx.collection().listing()
    if args.json:
        writer = JsonArrayWriter()
        for chunk in iter(lambda: list(islice(listing, 2_000)), []):
            writer.write_many(chunk)
        writer.close()
        return 0
    count = 0
    for item in listing:
        print(
            f"{item['id']}\t{item['title']}\t{item['source'] or '-'}\t"
            f"{(item['date'] or '-')[:10]}\t{item['author'] or '-'}\t{item['words']} words"
        )
        count += 1
    print(f"{count_noun(count, 'article')} in {ctx.library}", file=sys.stderr)
    return 0


def show_article(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark show ID [--body-only]`."""
    article = ctx.article(args.id)
    if not args.body_only:
        meta = article.meta
        print(meta.title)
        details = [
            ("id", meta.id),
            ("source", meta.source),
            ("date", meta.date),
            ("author", meta.author),
            ("url", meta.url),
            ("words", str(meta.words)),
            ("file", safe_name(str(meta.path))),
        ]
        for label, value in details:
            if value:
                print(f"{label}: {value}")
        print()
    sys.stdout.write(article.body + "\n")
    return 0


class Printed(NamedTuple):
    """One batch of a search as printed: the UTF-8 text (JSON items as `json_items` makes
    them with `--json`), how many hits or articles it lists, the hits found, the articles with
    any, and whether the batch was searched to the end (not stopped by `--limit`)."""

    text: bytes
    items: int
    total: int
    articles: int
    complete: bool


def search_collection(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark search QUERY [--regex] [--json] [--count]`; exit 1 when nothing matches.

    Hits are printed as they are found, a batch of articles at a time (batches searched
    on every core when there are many); the count of every match (for a literal query)
    comes at the end."""
    from annotations.indexed_collection import FilesChangedError, IndexedCollection

    collection = ctx.collection(defer_file_check=True)
    try:
        printed = _searched(args, collection)
        first = next(printed, None)  # (a changed file is found before any result)
        if isinstance(collection, IndexedCollection):
            print_notices(collection.notices)
    except FilesChangedError:  # then the collection is opened in full, which indexes it
        if isinstance(collection, IndexedCollection):
            collection.close()
        printed = _searched(args, ctx.corpus)
        first = next(printed, None)
    return _print_search(args, printed if first is None else chain([first], printed))


def _searched(
    args: argparse.Namespace, collection: Corpus | IndexedCollection
) -> Iterator[Printed]:
    """What `search` prints of each batch of the search in `collection`."""
    from annotations.indexed_collection import IndexedCollection

    options = {
        "regex": args.regex,
        "case_sensitive": args.case_sensitive,
        "article_ids": [args.article] if args.article else None,
        "prepare": _building_search_index,
    }
    render = partial(_render_counts if args.count else _render_hits, as_json=args.json)
    if args.limit is None and isinstance(collection, IndexedCollection):
        yield from collection.search_map(args.query, render, counts_only=args.count, **options)
    else:
        yield from map(render, collection.search_batches(args.query, limit=args.limit, **options))


def _print_search(args: argparse.Namespace, printed: Iterable[Printed]) -> int:
    """Print the batches of a search as they come, then the summary; the exit status."""
    writer = JsonArrayWriter() if args.json else None
    shown = total = articles = 0
    complete = True
    for part in printed:
        if writer is not None:
            writer.write_fragment(part.text, part.items)
        else:
            write_bytes(part.text)
        sys.stdout.flush()
        shown += part.items
        total += part.total
        articles += part.articles
        complete = complete and part.complete
    if writer is not None:
        writer.close()
    if args.count:
        print(
            f"{count_noun(total, 'match', 'matches')} in {count_noun(articles, 'article')}",
            file=sys.stderr,
        )
    else:
        found = count_noun(total, "match", "matches")
        summary = f"{shown} of {found}" if shown < total else found
        more = "" if complete else " (stopped at --limit; there may be more)"
        print(f"{summary}{more}", file=sys.stderr)
    return 0 if total else 1


def _render_hits(hits: PrintableHits, *, as_json: bool) -> Printed:
    """The hits of a batch as `search` prints them: `ID\tSTART\tCONTEXT` lines, or JSON
    objects as `SearchHit.to_dict` makes them (made in one loop, without the hits)."""
    from annotations.search_context import hit_dicts, hit_lines

    text = json_items(hit_dicts(hits)) if as_json else hit_lines(hits)
    return Printed(text, len(hits), hits.total, len(hits.counts()), hits.complete)


def _render_counts(hits: SearchResults | SearchCounts, *, as_json: bool) -> Printed:
    """`search --count`: `ID\tCOUNT` for each article of the batch with any match, or
    JSON objects {"article", "count"}."""
    counts = hits.counts()
    if as_json:
        text = json_items([{"article": article, "count": n} for article, n in counts.items()])
    else:
        text = "".join(f"{article}\t{n}\n" for article, n in counts.items()).encode("utf-8")
    return Printed(text, len(counts), hits.total, len(counts), hits.complete)


def _building_search_index() -> None:
    print(
        "newsmark: building the full-text index of the collection (once; later searches use it)…",
        file=sys.stderr,
        flush=True,
    )
