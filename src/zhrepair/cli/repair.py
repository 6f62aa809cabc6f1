"""``zhrepair repair``: repair one document (FILE or stdin) and print it as text, JSON or a diff."""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any, Sequence

from ..results import Edit
from .common import EXIT_OK, add_lexicon_arguments, add_repair_options, build_repairer, read_text_input, write_output

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
        write_output(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "diff":
        write_output(diff(text, result.edits))
    else:
        write_output(result.text)
    log.info("%d edit(s), spin score %.3f", len(result.edits), result.spin_score)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("repair", help="repair one document", description="Repair one document (FILE or stdin).")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text file; - or nothing for stdin")
    p.add_argument("--format", choices=("text", "json", "diff"), default="text", help="output format (default: text)")
    add_lexicon_arguments(p)
    add_repair_options(p)
    p.set_defaults(func=run)
