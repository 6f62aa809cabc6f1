"""``zhrepair detect``: how likely one document (FILE or stdin) was spun, with the evidence."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import EXIT_OK, add_lexicon_arguments, build_repairer, read_text_input, write_output


def run(args: argparse.Namespace) -> int:
    text = read_text_input(args.file)
    det = build_repairer(args).detect(text)
    if args.format == "json":
        write_output(json.dumps(det.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        verdict = "spun" if det.is_spun else "clean"
        lines = [f"{det.score:.3f}\t{verdict}\n"]
        lines += [f"  {ev.start}:{ev.end}\t{ev.spun}→{ev.original}\t{ev.weight:.2f}\t{ev.reason}\n"
                  for ev in det.evidence[: args.evidence]]
        write_output("".join(lines))
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("detect", help="how likely a document was spun", description="Score one document (FILE or stdin).")
    p.add_argument("file", nargs="?", default="-", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--evidence", type=int, default=10, metavar="N", help="evidence lines to print (text format)")
    add_lexicon_arguments(p)
    p.set_defaults(func=run)
