"""Read-only commands: `list`, `show`, `search`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

from annotations.text import safe_name
from tui.cli.context import CliContext, common_options, positive_int
from tui.cli.output import JsonArrayWriter
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.search import SearchResults


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


def search_collection(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark search QUERY [--regex] [--json] [--count]`; exit 1 when nothing matches.

    Hits are printed as they are found, a batch of articles at a time; the count of every
    match (for a literal query) comes at the end."""
    article_ids = [args.article] if args.article else None
    batches = ctx.collection().search_batches(
        args.query,
        regex=args.regex,
        case_sensitive=args.case_sensitive,
        article_ids=article_ids,
        limit=args.limit,
        prepare=_building_search_index,
    )
    if args.count:
        return _print_counts(batches, as_json=args.json)
    writer = JsonArrayWriter() if args.json else None
    shown = total = 0
    complete = True
    for hits in batches:
        total += hits.total
        complete = complete and hits.complete
        if writer is not None:
            writer.write_many([hit.to_dict() for hit in hits])
        else:
            sys.stdout.write(
                "".join(f"{hit.article}\t{hit.start}\t{hit.context}\n" for hit in hits)
            )
        shown += len(hits)
        sys.stdout.flush()
    if writer is not None:
        writer.close()
    else:
        found = count_noun(total, "match", "matches")
        summary = f"{shown} of {found}" if shown < total else found
        more = "" if complete else " (stopped at --limit; there may be more)"
        print(f"{summary}{more}", file=sys.stderr)
    return 0 if shown else 1


def _print_counts(batches: Iterable[SearchResults], *, as_json: bool) -> int:
    """`search --count`: ID and number of matches of each article with any, then the total
    on stderr (`--json`: an array of {"article", "count"}); exit 1 when nothing matches."""
    writer = JsonArrayWriter() if as_json else None
    total = articles = 0
    for hits in batches:
        counts = hits.counts()
        if writer is not None:
            writer.write_many(
                [{"article": article, "count": count} for article, count in counts.items()]
            )
        else:
            sys.stdout.write("".join(f"{article}\t{count}\n" for article, count in counts.items()))
        total += hits.total
        articles += len(counts)
        sys.stdout.flush()
    if writer is not None:
        writer.close()
    else:
        print(
            f"{count_noun(total, 'match', 'matches')} in {count_noun(articles, 'article')}",
            file=sys.stderr,
        )
    return 0 if total else 1


def _building_search_index() -> None:
    print(
        "newsmark: building the full-text index of the collection (once; later searches use it)…",
        file=sys.stderr,
        flush=True,
    )
