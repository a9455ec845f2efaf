"""Analysis commands: `compare`, `suggest`, `stats`, `agreement`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.agreement import AgreementReport, UnitKind, compute_agreement
from annotations.align import DEFAULT_MIN_SCORE, Unit, align_articles, shown_score
from annotations.coder import by_coders
from annotations.errors import InvalidQueryError
from annotations.stats import TagStats, tag_stats
from annotations.suggest import DEFAULT_MIN_SCORE as DEFAULT_SUGGEST_SCORE
from annotations.suggest import accept, suggest_for_tag
from annotations.tables import BY_CHOICES, CrossTable, cross_table
from annotations.text import strip_control
from tui.cli.context import CliContext, TagListAction, common_options, positive_int
from tui.cli.cross_tables import render_cross_table
from tui.cli.output import print_json
from tui.wording import count_noun

LINE_WIDTH = 100


def _bounded(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a number between `low` and `high`."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}")
        return number

    return parse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `compare`, `suggest`, `stats` and `agreement` to the command line."""
    parent = [common_options()]
    compare = subparsers.add_parser(
        "compare",
        parents=parent,
        help="align the passages of two articles",
        description="Pair the sentences (or paragraphs) of two articles that say the same "
        "thing, and list those found in only one of them.",
    )
    compare.add_argument("left", metavar="ID1", help="article id (a unique prefix is enough)")
    compare.add_argument("right", metavar="ID2", help="article id (a unique prefix is enough)")
    compare.add_argument(
        "--unit",
        choices=("sentence", "paragraph"),
        default="sentence",
        help="what to align (default: sentence)",
    )
    compare.add_argument(
        "--min-score",
        type=_bounded(0, 1),
        default=DEFAULT_MIN_SCORE,
        metavar="X",
        help=f"lowest similarity 0..1 (default {DEFAULT_MIN_SCORE})",
    )
    compare.add_argument("--json", action="store_true", help="print JSON")
    compare.set_defaults(handler=compare_articles)

    suggest = subparsers.add_parser(
        "suggest",
        parents=parent,
        help="suggest passages to tag",
        description="Find places like the passages already tagged T (or matching --phrase) "
        "that do not carry the tags yet; --apply tags them all in one undoable step.",
    )
    suggest.add_argument(
        "--tag",
        action=TagListAction,
        required=True,
        metavar="T",
        help="tag to suggest for (repeat for several)",
    )
    suggest.add_argument("--phrase", metavar="P", help="look for this phrase instead")
    suggest.add_argument("--no-fuzzy", action="store_true", help="exact and case-insensitive only")
    suggest.add_argument(
        "--min-score",
        type=_bounded(0, 100),
        default=DEFAULT_SUGGEST_SCORE,
        metavar="N",
        help=f"lowest near-match similarity 0..100 (default {DEFAULT_SUGGEST_SCORE:g})",
    )
    suggest.add_argument("--limit", type=positive_int, metavar="N", help="at most N suggestions")
    suggest.add_argument("--apply", action="store_true", help="annotate every suggestion")
    suggest.add_argument("--json", action="store_true", help="print a JSON array")
    suggest.set_defaults(handler=suggest_tags)

    stats = subparsers.add_parser(
        "stats",
        parents=parent,
        help="tag statistics",
        description="Count tags per outlet and per article, and which tags occur together.",
    )
    stats.add_argument(
        "--by",
        choices=BY_CHOICES,
        help="a table of tags by outlet, article, month (of the article's "
        "date) or tag (co-occurrence)",
    )
    formats = stats.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print JSON")
    formats.add_argument("--csv", action="store_true", help="print the --by table as CSV")
    stats.set_defaults(handler=show_stats)

    agreement = subparsers.add_parser(
        "agreement",
        parents=parent,
        help="agreement between coders (alpha, kappa)",
        description="Per tag and overall: Krippendorff's alpha (nominal), Cohen's kappa (two "
        "coders), percent agreement, and the counts behind them. Each sentence, paragraph or "
        "character is, per tag and coder, coded or not. Only articles every coder has coded "
        "count, unless --articles all.",
    )
    agreement.add_argument(
        "--coders", nargs="+", required=True, metavar="NAME", help="two or more coders to compare"
    )
    agreement.add_argument(
        "--tag",
        nargs="+",
        action=TagListAction,
        default=[],
        metavar="T",
        help="only these tags (default: every tag they used); commas also separate them",
    )
    agreement.add_argument(
        "--article",
        nargs="+",
        action=TagListAction,
        default=[],
        metavar="ID",
        help="only these articles (ids or unique prefixes); commas also separate them",
    )
    agreement.add_argument(
        "--unit",
        choices=[str(u) for u in UnitKind],
        default="sentence",
        help="what one unit of coding is (default: sentence)",
    )
    agreement.add_argument(
        "--articles",
        choices=("coded", "all"),
        default="coded",
        help="coded: only articles every coder has coded (default); all: "
        "every article of the library (or of --article)",
    )
    agreement.add_argument("--json", action="store_true", help="print JSON")
    agreement.set_defaults(handler=show_agreement)


def _shorten(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def compare_articles(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark compare ID1 ID2 [--unit U] [--min-score X] [--json]`."""
    left, right = ctx.corpus.article(args.left), ctx.corpus.article(args.right)
    alignment = align_articles(left, right, unit=args.unit, min_score=args.min_score)
    if args.json:
        print_json(alignment.to_dict())
        return 0
    for pair in alignment.pairs:
        score = shown_score(pair.score)
        # The line without the two texts, to share the rest of the width between them.
        frame = f"{score}  L#{pair.left.index} “”  ↔  R#{pair.right.index} “”"
        room = max(10, (LINE_WIDTH - len(frame)) // 2)
        print(
            f"{score}  L#{pair.left.index} “{_shorten(pair.left.text, room)}”  ↔  "
            f"R#{pair.right.index} “{_shorten(pair.right.text, room)}”"
        )
    for article_id, side, units in (
        (left.id, "L", alignment.unmatched_left),
        (right.id, "R", alignment.unmatched_right),
    ):
        print(f"only in {article_id}: {count_noun(len(units), 'unit')}")
        for unit in units:
            print(_unit_line(side, unit))
    return 0


def _unit_line(side: str, unit: Unit) -> str:
    label = f"  {side}#{unit.index} "
    return label + _shorten(unit.text, LINE_WIDTH - len(label))


def suggest_tags(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark suggest --tag T [--phrase P] [--apply] [--json]`."""
    store = ctx.reanchored_store()  # so already-tagged places are recognised by offset
    suggestions = suggest_for_tag(
        ctx.corpus,
        store.all(),
        args.tag,
        phrase=args.phrase,
        fuzzy=not args.no_fuzzy,
        min_score=args.min_score,
        limit=args.limit,
    )
    if args.json:
        print_json([s.to_dict() for s in suggestions])
    else:
        for s in suggestions:
            print(f"{s.article}\t{s.start}-{s.end}\t{s.kind}\t{s.score:.0f}\t{s.context}")
    count = len(suggestions)
    print(count_noun(count, "suggestion"), file=sys.stderr)
    if args.apply:
        if suggestions:
            store.put_many(accept(suggestions, ctx.corpus, tags=args.tag))
        print(
            f"applied {count_noun(count, 'suggestion')}",
            file=sys.stderr if args.json else sys.stdout,
        )
    return 0


def show_stats(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark stats [--by outlet|article|month|tag] [--json | --csv]`."""
    metas = {meta.id: meta for meta in ctx.corpus}
    annotations = by_coders(ctx.reanchored_store().all(), ctx.coder_filter)
    stats = tag_stats(annotations, metas, ctx.corpus.article)
    if args.csv and args.by is None:
        raise InvalidQueryError("--csv prints a table: give --by outlet, article, month or tag")
    if args.by is not None:
        return _show_table(cross_table(args.by, stats, annotations, metas), args)
    if args.json:
        print_json(stats.to_dict())
        return 0
    if not stats.annotations:
        print("no annotations yet")
        return 0
    console = Console(highlight=False, soft_wrap=False)
    for table in _stats_tables(stats):
        console.print(table)
    return 0


def _show_table(table: CrossTable, args: argparse.Namespace) -> int:
    """Print a `--by` table as JSON, CSV or a table for the terminal."""
    if args.json:
        print_json(table.to_dict())
    elif args.csv:
        sys.stdout.write(strip_control(table.to_csv()))
    elif not table.rows:
        print("no annotations yet")
    else:
        render_cross_table(table, Console(highlight=False, soft_wrap=False))
    return 0


def show_agreement(args: argparse.Namespace, ctx: CliContext) -> int:
    """`newsmark agreement --coders A B [C…] [--tag T…] [--article ID…] [--unit U] [--json]`."""
    corpus = ctx.corpus
    articles = [corpus.resolve(article) for article in args.article]
    report = compute_agreement(
        ctx.reanchored_store().all(),
        args.coders,
        corpus.article,
        tags=args.tag,
        articles=articles,
        all_article_ids=[meta.id for meta in corpus],
        unit=args.unit,
        all_articles=args.articles == "all",
    )
    if args.json:
        print_json(report.to_dict())
        return 0
    if not report.articles:
        print(
            "no article has been coded by every one of these coders (--articles all "
            "compares every article)",
            file=sys.stderr,
        )
    Console(highlight=False, soft_wrap=False).print(_agreement_table(report))
    return 0


def _number(value: float | None) -> Text:
    return Text("—" if value is None else f"{value:.3f}")


def _agreement_table(report: AgreementReport) -> Table:
    """Per tag and overall: alpha, kappa, agreement, units coded (cells are Text)."""
    title = (
        f"Agreement of {', '.join(report.coders)}: {report.units} {report.unit}s in "
        f"{count_noun(len(report.articles), 'article')}"
    )
    table = Table(title=Text(title))
    for label in (
        "tag",
        "alpha",
        "kappa",
        "agreement",
        *(f"coded by {c}" for c in report.coders),
        "by all",
    ):
        table.add_column(Text(label), justify="left" if label == "tag" else "right")
    rows = [*report.tags.items(), ("overall", report.overall)]
    for position, (name, scores) in enumerate(rows):
        table.add_row(
            Text(name, style="bold" if position == len(rows) - 1 else ""),
            _number(scores.alpha),
            _number(scores.kappa),
            _number(scores.agreement),
            *(Text(str(scores.coded[c])) for c in report.coders),
            Text(str(scores.both)),
        )
    return table


def _stats_tables(stats: TagStats) -> list[Table]:
    """The per-tag, per-outlet and co-occurrence tables (cells are Text, never markup)."""
    tags = Table(title=Text(f"Tags ({count_noun(stats.annotations, 'annotation')})"))
    tags.add_column(Text("tag"))
    tags.add_column(Text("annotations"), justify="right")
    tags.add_column(Text("articles"), justify="right")
    for name, count in stats.per_tag.items():
        in_articles = sum(1 for counts in stats.per_article.values() if name in counts)
        tags.add_row(Text(name), Text(str(count)), Text(str(in_articles)))

    outlets = Table(title=Text("Tags per outlet"))
    outlets.add_column(Text("outlet"))
    outlets.add_column(Text("tag"))
    outlets.add_column(Text("annotations"), justify="right")
    for outlet, counts in stats.per_outlet.items():
        for position, (name, count) in enumerate(counts.items()):
            outlets.add_row(Text(outlet if position == 0 else ""), Text(name), Text(str(count)))

    together = Table(title=Text("Tags used together"))
    together.add_column(Text("tag"))
    together.add_column(Text("tag"))
    together.add_column(Text("overlapping"), justify="right")
    together.add_column(Text("same paragraph"), justify="right")
    for pair in stats.cooccurrence:
        together.add_row(
            Text(pair.tags[0]),
            Text(pair.tags[1]),
            Text(str(pair.overlap)),
            Text("-" if pair.same_paragraph is None else str(pair.same_paragraph)),
        )
    return [tags, outlets, together] if stats.cooccurrence else [tags, outlets]
