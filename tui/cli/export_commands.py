"""`newsmark export` and `newsmark import`: sharing annotations as files.

`export -o FILE.csv` writes UTF-8 with a byte-order mark so Excel detects the encoding;
CSV on stdout or the clipboard has none. `-o` never replaces an existing file without
`--force`, never writes through a symbolic link or into a FIFO, device or directory, and
never creates directories; an export that matches no annotations is an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotations.clipboard import copy_text
from annotations.export import ExportFormat, write_export
from annotations.export.collect import export_annotations
from annotations.export.importer import import_annotations, read_export_file
from annotations.output_target import check_output_target
from annotations.paths import cache_dir
from tui.cli.context import CliContext, TagListAction, common_options


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `export` and `import` to the parser."""
    export = subparsers.add_parser(
        "export",
        parents=[common_options()],
        help="export annotations (W3C JSON-LD, newsmark json, Markdown or CSV)",
        description="Export annotations to stdout, a file or the clipboard. "
                    "CSV files written with -o start with a UTF-8 byte-order mark for Excel. "
                    "-o refuses an existing file unless --force is given, and always refuses "
                    "symbolic links, directories, FIFOs and devices; its directory must exist.",
    )
    export.add_argument("--format", choices=[f.value for f in ExportFormat], default="json",
                        help="output format (default: json, the lossless newsmark format)")
    export.add_argument("--tag", action=TagListAction, default=[], metavar="TAG",
                        help="only annotations with this tag (repeatable: any of them)")
    export.add_argument("--article", metavar="ID",
                        help="only annotations of this article (id or unique prefix)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of stdout")
    export.add_argument("--force", action="store_true",
                        help="with -o: replace FILE if it is an existing regular file")
    export.add_argument("--clipboard", action="store_true",
                        help="copy to the clipboard (or a file when there is none)")
    export.set_defaults(handler=run_export)

    importer = subparsers.add_parser(
        "import",
        parents=[common_options()],
        help="merge annotations from a newsmark json or W3C export",
        description="Merge annotations by id: new ones are added, ones updated later in the "
                    "file replace the local copy, the rest are left alone. Imported "
                    "annotations are re-anchored to the current articles.",
    )
    importer.add_argument("file", metavar="FILE", help="a newsmark json or W3C JSON-LD export")
    importer.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Render the selected annotations and send them where asked."""
    output = Path(args.output) if args.output is not None else None
    if output is not None:  # before any work: a refused target changes nothing
        check_output_target(output, force=args.force)
    store = ctx.reanchored_store()  # offsets in the export match the current articles
    rendered = export_annotations(store, ctx.corpus, args.format, tags=args.tag,
                                  article=args.article)
    for tag in rendered.unused_tags:
        print(f"newsmark: no annotations tagged {tag}", file=sys.stderr)
    text = rendered.text
    if output is not None:
        write_export(output, text, args.format, force=args.force)
        print(f"newsmark: exported {rendered.count} annotations to {args.output}",
              file=sys.stderr)
    if args.clipboard:
        result = copy_text(text, fallback_dir=cache_dir())
        print(f"newsmark: {result.message}", file=sys.stderr)
    if output is None and not args.clipboard:
        sys.stdout.write(text)
    return 0


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read the file completely, then merge it into the store in one write."""
    corpus = ctx.corpus
    urls = {meta.url: meta.id for meta in corpus if meta.url}
    parsed = read_export_file(Path(args.file), article_for_url=urls.get)
    report = import_annotations(parsed, ctx.store, corpus)
    print(f"imported {parsed.source_name}: {report.summary()}")
    return 0
