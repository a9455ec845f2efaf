"""Annotation commands: `annotate`, `annotations`, `edit`, `delete`, `undo`, `redo`,
`history`, `tags`."""

from __future__ import annotations

import argparse
import sys

from annotations.anchoring import locate_quote, new_annotation
from annotations.errors import QuoteNotFoundError
from annotations.model import Annotation
from annotations.tags import normalise_tags
from annotations.text import safe_name, strip_control
from tui.cli.context import CliContext, TagListAction, common_options
from tui.cli.output import print_json
from tui.wording import count_noun

QUOTE_PREVIEW = 70


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the annotation and tag commands to the command line."""
    parent = [common_options()]
    annotate = subparsers.add_parser(
        "annotate", parents=parent, help="highlight a passage and tag it",
        description="Create an annotation from a quote (its N-th occurrence) or from body "
        "offsets, as printed by `newsmark show ID --body-only`. Prints the new id.",
    )
    annotate.add_argument("id", metavar="ID", help="article id (a unique prefix is enough)")
    annotate.add_argument("--quote", metavar="TEXT", help="the exact text to highlight")
    annotate.add_argument("--occurrence", type=int, default=1, metavar="N",
                          help="which occurrence of the quote (default 1)")
    annotate.add_argument("--start", type=int, metavar="S", help="start offset in the body")
    annotate.add_argument("--end", type=int, metavar="E", help="end offset (exclusive)")
    annotate.add_argument("--tag", action=TagListAction, default=[], metavar="T",
                          help="a tag (repeatable; commas also separate tags)")
    annotate.add_argument("--note", metavar="TEXT", help="a note on the passage")
    annotate.add_argument("--colour", metavar="COLOUR", help="highlight colour (#rrggbb or name)")
    annotate.set_defaults(handler=annotate_article)

    listing = subparsers.add_parser(
        "annotations", parents=parent, help="list annotations",
        description="List annotations (re-anchored against the current collection).",
    )
    listing.add_argument("--tag", action=TagListAction, default=[], metavar="T",
                         help="only annotations with this tag (repeatable: any of them)")
    listing.add_argument("--article", metavar="ID", help="only this article's annotations")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=list_annotations)

    edit = subparsers.add_parser(
        "edit", parents=parent, help="change an annotation's tags, note or colour",
    )
    edit.add_argument("annotation", metavar="ANNOTATION_ID", help="id or unique prefix")
    edit.add_argument("--tag", action=TagListAction, metavar="T",
                      help="replace all tags (repeatable)")
    edit.add_argument("--add-tag", action=TagListAction, default=[], metavar="T", help="add a tag")
    edit.add_argument("--remove-tag", action=TagListAction, default=[], metavar="T",
                      help="remove a tag")
    edit.add_argument("--note", metavar="TEXT", help="set the note ('' removes it)")
    edit.add_argument("--colour", metavar="COLOUR", help="set the colour ('' removes it)")
    edit.set_defaults(handler=edit_annotation)

    delete = subparsers.add_parser("delete", parents=parent, help="delete an annotation")
    delete.add_argument("annotation", metavar="ANNOTATION_ID", help="id or unique prefix")
    delete.set_defaults(handler=delete_annotation)

    undo = subparsers.add_parser(
        "undo", parents=parent, help="undo the newest change (or one from `history`)",
        description="Take back the newest change to the annotations, whoever made it (a TUI "
        "window, another command), and say what and whose it was; or the change KEY listed "
        "by `newsmark history`. Anything changed again since by someone else is kept.",
    )
    undo.add_argument("key", metavar="KEY", nargs="?", help="a change listed by `history`")
    undo.set_defaults(handler=undo_change)

    redo = subparsers.add_parser(
        "redo", parents=parent, help="redo the change undone last (or one from `history`)",
    )
    redo.add_argument("key", metavar="KEY", nargs="?", help="an undone change from `history`")
    redo.set_defaults(handler=redo_change)

    history = subparsers.add_parser(
        "history", parents=parent, help="list the changes that undo and redo can take",
    )
    history.add_argument("--json", action="store_true", help="print a JSON array")
    history.set_defaults(handler=list_history)

    _register_tags(subparsers, parent)


def _register_tags(subparsers: argparse._SubParsersAction, parent: list) -> None:
    tags = subparsers.add_parser(
        "tags", parents=parent, help="list, rename, merge, recolour or delete tags",
        description="Without a subcommand: list every tag with its colour and count.",
    )
    tags.add_argument("--json", action="store_true", help="print a JSON array")
    tags.set_defaults(handler=list_tags)
    actions = tags.add_subparsers(dest="tag_command", metavar="ACTION")
    rename = actions.add_parser("rename", help="rename a tag (into an existing one = merge)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(handler=rename_tag)
    merge = actions.add_parser("merge", help="merge tag SRC into tag DST")
    merge.add_argument("source", metavar="SRC")
    merge.add_argument("target", metavar="DST")
    merge.set_defaults(handler=merge_tags)
    remove = actions.add_parser("delete", help="remove a tag from every annotation")
    remove.add_argument("tag", metavar="T")
    remove.set_defaults(handler=delete_tag)
    colour = actions.add_parser("colour", help="set a tag's colour")
    colour.add_argument("tag", metavar="T")
    colour.add_argument("colour", metavar="COLOUR", help="#rrggbb or a colour name")
    colour.set_defaults(handler=colour_tag)


def annotate_article(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark annotate ID --quote TEXT | --start S --end E --tag T ...`."""
    article = ctx.article(args.id)
    if args.quote is None and (args.start is None or args.end is None):
        raise QuoteNotFoundError("give --quote TEXT, or both --start and --end")
    if args.start is not None and args.end is not None:
        start, end = args.start, args.end
        if args.quote is not None and article.text(start, end) != args.quote:
            raise QuoteNotFoundError(
                f"the text at {start}-{end} of {article.id} is not the given quote"
            )
    else:
        span = locate_quote(article.body, args.quote, args.occurrence, article_id=article.id)
        start, end = span.start, span.end
    tags = normalise_tags(args.tag)
    annotation = new_annotation(article, start, end, tags=tags, note=args.note or None,
                                colour=args.colour or None)
    ctx.store.add(annotation)
    print(annotation.id)
    return 0


def list_annotations(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark annotations [--tag T] [--article ID] [--json]`."""
    store = ctx.reanchored_store()
    found = store.with_tags(args.tag) if args.tag else store.all()
    if args.article:
        article_id = ctx.corpus.resolve(args.article)
        found = [a for a in found if a.article == article_id]
    if args.json:
        print_json([annotation.to_public_dict() for annotation in found])
        return 0
    for annotation in found:
        print(_summary(annotation))
    print(count_noun(len(found), "annotation"), file=sys.stderr)
    return 0


def edit_annotation(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark edit ANNOTATION_ID [--tag T] [--add-tag T] [--remove-tag T] [--note N]`.

    Only the options given change anything, applied to the annotation as it is under the
    write lock (so concurrent edits of other fields or other tags are kept)."""
    from annotations.store import UNCHANGED

    updated = ctx.store.edit(
        args.annotation,
        tags=args.tag,
        add_tags=args.add_tag,
        remove_tags=args.remove_tag,
        note=UNCHANGED if args.note is None else (args.note or None),
        colour=UNCHANGED if args.colour is None else (args.colour or None),
    )
    print(_summary(updated))
    return 0


def delete_annotation(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark delete ANNOTATION_ID` (undoable)."""
    deleted = ctx.store.delete(args.annotation)
    print(f"deleted {deleted.id} (newsmark undo restores it)")
    return 0


def undo_change(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark undo [KEY]`: exit 1 when there is nothing to undo."""
    item = ctx.store.undo(key=args.key)
    if item is None:
        print("nothing to undo", file=sys.stderr)
        return 1
    print(f"undone: {strip_control(item.describe())}")
    return 0


def redo_change(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark redo [KEY]`: exit 1 when there is nothing to redo."""
    item = ctx.store.redo(key=args.key)
    if item is None:
        print("nothing to redo", file=sys.stderr)
        return 1
    print(f"redone: {strip_control(item.describe())}")
    return 0


def list_history(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark history [--json]`: the undo history, newest first."""
    items = ctx.store.history()
    if args.json:
        print_json([
            {"key": item.key, "state": "undone" if item.undone else "done",
             "description": item.description, "time": item.time, "user": item.user,
             "where": item.label, "origin": item.origin}
            for item in items
        ])
        return 0
    for item in items:
        state = "undone" if item.undone else "done"
        print(strip_control(f"{item.key.lstrip('0') or '0'}\t{state}\t{item.time}\t"
                            f"{item.whose()}\t{item.description}"))
    print(count_noun(len(items), "change"), file=sys.stderr)
    return 0


def list_tags(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags [--json]`."""
    infos = ctx.store.tags()
    if args.json:
        print_json([info.to_dict() for info in infos])
        return 0
    for info in infos:
        print(f"{strip_control(info.name)}\t{info.colour}\t{info.count}")
    return 0


def rename_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags rename OLD NEW`."""
    changed = ctx.store.rename_tag(args.old, args.new)
    print(f"renamed {args.old!r} to {args.new!r} on {count_noun(changed, 'annotation')}")
    return 0


def merge_tags(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags merge SRC DST`."""
    changed = ctx.store.merge_tags(args.source, args.target)
    print(f"merged {args.source!r} into {args.target!r} on {count_noun(changed, 'annotation')}")
    return 0


def delete_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags delete T`: the annotations stay."""
    changed = ctx.store.delete_tag(args.tag)
    print(f"removed {args.tag!r} from {count_noun(changed, 'annotation')} (annotations kept)")
    return 0


def colour_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags colour T COLOUR`."""
    ctx.store.set_tag_colour(args.tag, args.colour)
    print(f"{args.tag}: {ctx.store.tag_colour(args.tag)}")
    return 0


def _summary(annotation: Annotation) -> str:
    """One line per annotation; text from the DB is cleaned of control characters again
    (it may come from an old import or a hand-edited file)."""
    quote = " ".join(strip_control(annotation.quote).split())
    if len(quote) > QUOTE_PREVIEW:
        quote = quote[: QUOTE_PREVIEW - 1] + "…"
    tags = strip_control(",".join(annotation.tags)) or "-"
    return (
        f"{annotation.id[:8]}\t{safe_name(annotation.article)}\t"
        f"{annotation.start}-{annotation.end}\t{annotation.anchor}\t{tags}\t{quote}"
    )


