"""``zhrepair repair``: repair one document (FILE or stdin) and write it as text, JSON, a diff or an HTML page."""

from __future__ import annotations

import argparse
import json
import logging
import os
from typing import Any, Sequence

from ..report import document_html
from ..results import Edit
from .common import EXIT_OK, add_lexicon_arguments, add_repair_options, build_repairer, read_text_input, write_result

log = logging.getLogger("zhrepair")


def diff(text: str, edits: Sequence[Edit]) -> str:
    """Inline diff: ``[before→after]`` at every edit, like the sample's annotation."""
    out, pos = [], 0
    for e in edits:
        out.append(text[pos : e.start])
        out.append(f"[{e.before}→{e.after}]")
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def run(args: argparse.Namespace) -> int:
    text = read_text_input(args.file)
    result = build_repairer(args).repair(text)
    if args.format == "json":
        out = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "diff":
        out = diff(text, result.edits)
    elif args.format == "html":
        out = document_html(text, result, title="stdin" if args.file == "-" else os.path.basename(args.file))
    else:
        out = result.text
    write_result(out, args.output)
    log.info("%d edit(s), spin score %.3f", len(result.edits), result.spin_score)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("repair", help="repair one document", description="Repair one document (FILE or stdin).")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text file; - or nothing for stdin")
    p.add_argument("--format", choices=("text", "json", "diff", "html"), default="text",
                   help="output format (default: text); html: one self-contained page with every edit explained")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead of stdout")
    add_lexicon_arguments(p)
    add_repair_options(p)
    p.set_defaults(func=run)
