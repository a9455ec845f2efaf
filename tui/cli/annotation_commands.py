"""Annotation commands: `annotate`, `annotations`, `edit`, `reattach`, `delete`, `undo`,
`redo`, `history`, `tags`."""

from __future__ import annotations

import argparse
import sys

from annotations.anchoring import locate_quote, new_annotation, reattach, reattach_description
from annotations.article import Article
from annotations.coder import by_coders, save_coder
from annotations.errors import QuoteNotFoundError, UnknownArticleError
from annotations.model import Anchor, Annotation
from annotations.query import Query, annotation_rows, facet_query, parse_query
from annotations.settings import damaged_settings_notice
from annotations.tags import normalise_tags, tag_key
from annotations.text import safe_name, strip_control
from tui.cli.context import (
    ClearingTagListAction,
    CliContext,
    TagListAction,
    common_options,
    print_notices,
)
from tui.cli.output import print_json
from tui.wording import count_noun

QUOTE_PREVIEW = 70


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the annotation and tag commands to the command line."""
    parent = [common_options()]
    annotate = subparsers.add_parser(
        "annotate",
        parents=parent,
        help="highlight a passage and tag it",
        description="Create an annotation from a quote (its N-th occurrence) or from body "
        "offsets, as printed by `newsmark show ID --body-only`. Prints the new id.",
    )
    annotate.add_argument("id", metavar="ID", help="article id (a unique prefix is enough)")
    _passage_options(annotate)
    annotate.add_argument(
        "--tag",
        action=TagListAction,
        default=[],
        metavar="T",
        help="a tag (repeatable; commas also separate tags)",
    )
    annotate.add_argument("--note", metavar="TEXT", help="a note on the passage")
    annotate.add_argument("--colour", metavar="COLOUR", help="highlight colour (#rrggbb or name)")
    annotate.set_defaults(handler=annotate_article)

    listing = subparsers.add_parser(
        "annotations",
        parents=parent,
        help="list annotations",
        description="List annotations (re-anchored against the current collection).",
    )
    listing.add_argument(
        "--tag",
        action=TagListAction,
        default=[],
        metavar="T",
        help="only annotations with this tag (repeatable: any of them)",
    )
    listing.add_argument("--article", metavar="ID", help="only this article's annotations")
    listing.add_argument(
        "--search",
        metavar="QUERY",
        help='words, "phrases", OR, -negation and facets (tag:T outlet:X '
        "after:D before:D has:note is:orphaned ...), as the browser's filter",
    )
    listing.add_argument("--outlet", metavar="X", help="only articles whose outlet contains X")
    listing.add_argument(
        "--after",
        metavar="DATE",
        help="only articles dated on or after DATE (2023, 2023-12, 2023-12-01)",
    )
    listing.add_argument("--before", metavar="DATE", help="only articles dated on or before DATE")
    listing.add_argument(
        "--orphaned",
        action="store_true",
        help="only annotations whose quote is gone from their article",
    )
    listing.add_argument("--has-note", action="store_true", help="only annotations with a note")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=list_annotations)

    edit = subparsers.add_parser(
        "edit",
        parents=parent,
        help="change an annotation's tags, note or colour",
    )
    edit.add_argument("annotation", metavar="ANNOTATION_ID", help="id or unique prefix")
    edit.add_argument(
        "--tag",
        action=ClearingTagListAction,
        metavar="T",
        help="replace all tags (repeatable; '' removes them all)",
    )
    edit.add_argument("--add-tag", action=TagListAction, default=[], metavar="T", help="add a tag")
    edit.add_argument(
        "--remove-tag", action=TagListAction, default=[], metavar="T", help="remove a tag"
    )
    edit.add_argument("--note", metavar="TEXT", help="set the note ('' removes it)")
    edit.add_argument("--colour", metavar="COLOUR", help="set the colour ('' removes it)")
    edit.set_defaults(handler=edit_annotation)

    moved = subparsers.add_parser(
        "reattach",
        parents=parent,
        help="attach an annotation (an orphan) to another passage",
        description="Attach an annotation to a passage of its article, given as with "
        "`annotate`: a quote (its N-th occurrence) or body offsets. It keeps its id, tags, "
        "note and colour and becomes exact; `newsmark undo` takes it back.",
    )
    moved.add_argument("annotation", metavar="ANNOTATION_ID", help="id or unique prefix")
    _passage_options(moved)
    moved.set_defaults(handler=reattach_annotation)

    delete = subparsers.add_parser("delete", parents=parent, help="delete an annotation")
    delete.add_argument("annotation", metavar="ANNOTATION_ID", help="id or unique prefix")
    delete.set_defaults(handler=delete_annotation)

    undo = subparsers.add_parser(
        "undo",
        parents=parent,
        help="undo the newest change (or one from `history`)",
        description="Take back the newest change to the annotations, whoever made it (a TUI "
        "window, another command), and say what and whose it was; or the change KEY listed "
        "by `newsmark history`. Anything changed again since by someone else is kept.",
    )
    undo.add_argument("key", metavar="KEY", nargs="?", help="a change listed by `history`")
    undo.set_defaults(handler=undo_change)

    redo = subparsers.add_parser(
        "redo",
        parents=parent,
        help="redo the change undone last (or one from `history`)",
    )
    redo.add_argument("key", metavar="KEY", nargs="?", help="an undone change from `history`")
    redo.set_defaults(handler=redo_change)

    history = subparsers.add_parser(
        "history",
        parents=parent,
        help="list the changes that undo and redo can take",
    )
    history.add_argument("--json", action="store_true", help="print a JSON array")
    history.set_defaults(handler=list_history)

    coder = subparsers.add_parser(
        "coder",
        parents=parent,
        help="show or save who is coding",
        description="Without NAME: print the current coder (--coder, $NEWSMARK_CODER, the "
        "saved coder, else the login name). With NAME: save it as the coder from now on.",
    )
    coder.add_argument("name", metavar="NAME", nargs="?", help="the coder to save")
    coder.add_argument(
        "--list",
        action="store_true",
        help="list every coder in the database with their annotation counts",
    )
    coder.set_defaults(handler=coder_command)

    _register_tags(subparsers, parent)
    _register_memo(subparsers, parent)


def _register_memo(subparsers: argparse._SubParsersAction, parent: list) -> None:
    memo = subparsers.add_parser(
        "memo",
        parents=parent,
        help="show or write the memo on an article or a tag",
        description="Without TEXT: print the memo. With TEXT: replace it ('' removes it). "
        "Without KIND: list every memo.",
    )
    memo.add_argument(
        "kind", metavar="KIND", nargs="?", choices=("article", "tag"), help="article or tag"
    )
    memo.add_argument(
        "target",
        metavar="ID_OR_TAG",
        nargs="?",
        help="an article id (a unique prefix is enough) or a tag",
    )
    memo.add_argument("text", metavar="TEXT", nargs="?", help="the new memo")
    memo.add_argument("--json", action="store_true", help="print JSON")
    memo.set_defaults(handler=memo_command)


def _passage_options(parser: argparse.ArgumentParser) -> None:
    """`--quote TEXT [--occurrence N]` or `--start S --end E`: a passage of the article."""
    parser.add_argument("--quote", metavar="TEXT", help="the exact text to highlight")
    parser.add_argument(
        "--occurrence",
        type=int,
        default=1,
        metavar="N",
        help="which occurrence of the quote (default 1)",
    )
    parser.add_argument("--start", type=int, metavar="S", help="start offset in the body")
    parser.add_argument("--end", type=int, metavar="E", help="end offset (exclusive)")


def _register_tags(subparsers: argparse._SubParsersAction, parent: list) -> None:
    tags = subparsers.add_parser(
        "tags",
        parents=parent,
        help="list, rename, merge, recolour or delete tags",
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
    describe = actions.add_parser(
        "describe",
        help="set a tag's codebook description ('' removes it)",
        description="Give a tag its description in the codebook: its definition, when to use "
        "it, an example. The tag need not be in use yet.",
    )
    describe.add_argument("tag", metavar="TAG")
    describe.add_argument("text", metavar="TEXT")
    describe.set_defaults(handler=describe_tag)
    move = actions.add_parser(
        "move",
        help="put a tag (and the tags below it) under another tag",
        description="Move TAG, with every tag below it, under NEW_PARENT ('' or / for the top "
        "level): `tags move maritime security` makes it security/maritime. Renaming to a "
        "path does the same.",
    )
    move.add_argument("tag", metavar="TAG")
    move.add_argument("parent", metavar="NEW_PARENT")
    move.set_defaults(handler=move_tag)
    colour = actions.add_parser("colour", help="set a tag's colour")
    colour.add_argument("tag", metavar="T")
    colour.add_argument("colour", metavar="COLOUR", help="#rrggbb or a colour name")
    colour.set_defaults(handler=colour_tag)


def annotate_article(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark annotate ID --quote TEXT | --start S --end E --tag T ...`."""
    article = ctx.article(args.id)
    start, end = _passage(args, article)
    tags = normalise_tags(args.tag)
    annotation = new_annotation(
        article, start, end, tags=tags, note=args.note or None, colour=args.colour or None
    )
    ctx.add_annotation(annotation)
    print(annotation.id)
    return 0


def _passage(args: argparse.Namespace, article: Article) -> tuple[int, int]:
    """The offsets that `--quote`/`--occurrence` or `--start`/`--end` give in `article`."""
    if args.quote is None and (args.start is None or args.end is None):
        raise QuoteNotFoundError("give --quote TEXT, or both --start and --end")
    if args.start is not None and args.end is not None:
        if args.start >= args.end:
            raise QuoteNotFoundError(f"--start ({args.start}) must be before --end ({args.end})")
        if args.quote is not None and article.text(args.start, args.end) != args.quote:
            raise QuoteNotFoundError(
                f"the text at {args.start}-{args.end} of {article.id} is not the given quote"
            )
        return args.start, args.end
    span = locate_quote(article.body, args.quote, args.occurrence, article_id=article.id)
    return span.start, span.end


def reattach_annotation(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark reattach ANNOTATION_ID (--quote TEXT [--occurrence N] | --start S --end E)`.

    The passage is found in the annotation's article as it is now; the change is applied to
    the annotation as it is under the write lock (tags or a note edited meanwhile are kept).
    """
    annotation = ctx.store.get(args.annotation)
    if annotation.article not in ctx.corpus:
        raise UnknownArticleError(
            f"article {safe_name(annotation.article)} of annotation {annotation.id} is not in "
            f"the collection {ctx.library}, so it cannot be re-attached there"
        )
    article = ctx.corpus.article(annotation.article)
    start, end = _passage(args, article)
    updated = ctx.store.modify(
        annotation.id,
        lambda current: reattach(current, article, start, end),
        reattach_description(article.text(start, end)),
    )
    print(_summary(updated))
    return 0


def list_annotations(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark annotations [--tag T] [--article ID] [--coder NAME] [--json]`."""
    query = _listing_query(args)  # a bad query is refused before anything is read
    store = ctx.reanchored_store()
    found = store.with_tags(args.tag) if args.tag else store.all()
    if args.article:
        article_id = ctx.corpus.resolve(args.article)
        found = [a for a in found if a.article == article_id]
    found = by_coders(found, ctx.coder_filter)
    if not query.is_empty:
        corpus = ctx.corpus
        metas = {a.article: corpus.meta(a.article) for a in found if a.article in corpus}
        found = [row.annotation for row in query.filter(annotation_rows(found, metas))]
    if args.json:
        print_json([annotation.to_public_dict() for annotation in found])
        return 0
    for annotation in found:
        print(_summary(annotation))
    print(count_noun(len(found), "annotation"), file=sys.stderr)
    return 0


def _listing_query(args: argparse.Namespace) -> Query:
    """The query of `annotations --search/--outlet/--after/--before/--orphaned/--has-note`."""
    query = parse_query(args.search or "")
    for facet, value in (("outlet", args.outlet), ("after", args.after), ("before", args.before)):
        if value is not None:
            query &= facet_query(facet, value.strip())
    if args.orphaned:
        query &= facet_query("is", "orphaned")
    if args.has_note:
        query &= facet_query("has", "note")
    return query


def edit_annotation(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark edit ANNOTATION_ID [--tag T] [--add-tag T] [--remove-tag T] [--note N]`.

    Only the options given change anything, applied to the annotation as it is under the
    write lock (so concurrent edits of other fields or other tags are kept)."""
    from annotations.store import UNCHANGED
    from annotations.store.store import edit_change

    edit = edit_change(
        tags=args.tag,
        add_tags=args.add_tag,
        remove_tags=args.remove_tag,
        note=UNCHANGED if args.note is None else (args.note or None),
        colour=UNCHANGED if args.colour is None else (args.colour or None),
    )
    seen: list[Annotation] = []

    def change(current: Annotation) -> Annotation:
        seen.append(current)
        return edit(current)

    updated = ctx.modify_annotation(args.annotation, change)
    before = seen[-1]
    carried = {tag_key(tag) for tag in (args.tag if args.tag is not None else before.tags)}
    for tag in normalise_tags(args.remove_tag or ()):
        if tag_key(tag) not in carried:
            print(
                f"newsmark: warning: annotation {before.id[:8]} has no tag "
                f"{strip_control(tag)!r}; nothing removed",
                file=sys.stderr,
            )
    print(_summary(updated))
    return 0


def delete_annotation(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark delete ANNOTATION_ID` (undoable)."""
    deleted = ctx.delete_annotation(args.annotation)
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
        print_json(
            [
                {
                    "key": item.key,
                    "state": "undone" if item.undone else "done",
                    "description": item.description,
                    "time": item.time,
                    "user": item.user,
                    "where": item.label,
                    "origin": item.origin,
                }
                for item in items
            ]
        )
        return 0
    for item in items:
        state = "undone" if item.undone else "done"
        print(
            strip_control(
                f"{item.key.lstrip('0') or '0'}\t{state}\t{item.time}\t"
                f"{item.whose()}\t{item.description}"
            )
        )
    print(count_noun(len(items), "change"), file=sys.stderr)
    return 0


def coder_command(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark coder [NAME] [--list]`."""
    if args.name is not None:
        saved = save_coder(args.name)
        print(f"coder: {saved.name} (saved)")
        if saved.damaged_file_kept is not None:
            print_notices([damaged_settings_notice(saved.damaged_file_kept)])
        return 0
    if args.list:
        for name, count in ctx.store.coders().items():
            print(f"{strip_control(name)}\t{count}")
        return 0
    print(ctx.coder)
    return 0


def list_tags(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags [--json]`."""
    infos = ctx.store.tags()
    if args.json:
        print_json([info.to_dict() for info in infos])
        return 0
    for info in infos:
        description = " ".join(strip_control(info.description).split())
        print(
            f"{strip_control(info.name)}\t{info.colour}\t{info.count}\t{info.total}\t"
            f"{description}".rstrip("\t")
        )
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


def describe_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags describe TAG TEXT`."""
    name = ctx.store.describe_tag(args.tag, args.text)
    verb = "described" if args.text.strip() else "removed the description of"
    print(f"{verb} {strip_control(name)!r}")
    return 0


def move_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark tags move TAG NEW_PARENT`."""
    changed = ctx.store.move_tag(args.tag, args.parent)
    where = f"under {args.parent!r}" if args.parent.strip("/ ") else "to the top level"
    print(f"moved {args.tag!r} {where} on {count_noun(changed, 'annotation')}")
    return 0


def memo_command(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark memo [article ID | tag T] [TEXT] [--json]`."""
    if args.kind is None:
        memos = ctx.store.memos()
        if args.json:
            print_json(memos)
        for memo in [] if args.json else memos:
            text = " ".join(strip_control(memo["text"]).split())
            print(f"{memo['kind']}\t{strip_control(memo['target'])}\t{text}")
        return 0
    if args.target is None:
        raise UnknownArticleError(f"give the {args.kind} whose memo to show or write")
    target = ctx.corpus.resolve(args.target) if args.kind == "article" else args.target
    if args.text is not None:
        ctx.store.set_memo(args.kind, target, args.text)
    text = ctx.store.memo(args.kind, target)
    if args.json:
        print_json({"kind": args.kind, "target": target, "text": text})
    elif text:
        print(strip_control(text))
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
    coder = strip_control(annotation.coder or "-")
    # An orphan's old offsets point at other text now (`--json` keeps them, with its anchor).
    where = "-" if annotation.anchor is Anchor.ORPHANED else f"{annotation.start}-{annotation.end}"
    return (
        f"{annotation.id[:8]}\t{safe_name(annotation.article)}\t"
        f"{where}\t{annotation.anchor}\t{tags}\t{coder}\t{quote}"
    )
