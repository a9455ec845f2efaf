"""Read-only commands: `list`, `show`, `search`."""

from __future__ import annotations

import argparse
import sys

from annotations.text import safe_name
from tui.cli.context import CliContext, common_options, positive_int
from tui.cli.output import JsonArrayWriter, print_json
from tui.wording import count_noun


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `list`, `show` and `search` to the command line."""
    parent = [common_options()]
    listing = subparsers.add_parser(
        "list", parents=parent, help="list the articles of the collection",
        description="List every article: id, title, outlet, date, author and word count.",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=list_articles)

    show = subparsers.add_parser(
        "show", parents=parent, help="print an article",
        description="Print an article's metadata and its normalised body, the text that "
        "annotation offsets refer to.",
    )
    show.add_argument("id", metavar="ID", help="article id (a unique prefix is enough)")
    show.add_argument("--body-only", action="store_true", help="print the body alone")
    show.set_defaults(handler=show_article)

    search = subparsers.add_parser(
        "search", parents=parent, help="search the full text of the collection",
        description="Find a phrase (case-insensitive by default) or a regular expression.",
    )
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    search.add_argument("--case-sensitive", action="store_true", help="match case exactly")
    search.add_argument("--article", metavar="ID", help="search one article only")
    search.add_argument("--limit", type=positive_int, metavar="N", help="stop after N matches")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.set_defaults(handler=search_collection)


def list_articles(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark list [--json]`."""
    metas = list(ctx.corpus)
    if args.json:
        print_json([meta.to_listing() for meta in metas])
        return 0
    for meta in metas:
        fields = [meta.id, meta.title, meta.source or "-", (meta.date or "-")[:10],
                  meta.author or "-", f"{meta.words} words"]
        print("\t".join(fields))
    print(f"{count_noun(len(metas), 'article')} in {ctx.library}", file=sys.stderr)
    return 0


def show_article(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark show ID [--body-only]`."""
    article = ctx.article(args.id)
    if not args.body_only:
        meta = article.meta
        print(meta.title)
        details = [("id", meta.id), ("source", meta.source), ("date", meta.date),
                   ("author", meta.author), ("url", meta.url), ("words", str(meta.words)),
                   ("file", safe_name(str(meta.path)))]
        for label, value in details:
            if value:
                print(f"{label}: {value}")
        print()
    sys.stdout.write(article.body + "\n")
    return 0


def search_collection(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark search QUERY [--regex] [--json]`; exit 1 when nothing matches.

    Hits are printed as they are found, a batch of articles at a time; the count of every
    match (for a literal query) comes at the end."""
    article_ids = [args.article] if args.article else None
    batches = ctx.corpus.search_batches(
        args.query, regex=args.regex, case_sensitive=args.case_sensitive,
        article_ids=article_ids, limit=args.limit, prepare=_building_search_index,
    )
    writer = JsonArrayWriter() if args.json else None
    shown = total = 0
    complete = True
    for hits in batches:
        total += hits.total
        complete = complete and hits.complete
        if writer is not None:
            for hit in hits:
                writer.write(hit.to_dict())
        else:
            sys.stdout.write("".join(
                f"{hit.article}\t{hit.start}\t{hit.context}\n" for hit in hits))
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


def _building_search_index() -> None:
    print("newsmark: building the full-text index of the collection (once; later searches "
          "use it)…", file=sys.stderr, flush=True)
