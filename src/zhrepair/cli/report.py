"""One self-contained HTML page for a batch cleaned by `zhrepair clean`.

Reads clean's JSONL output (a file, a .gz file, or stdin) and shows the counts (records,
repaired, unchanged, errors), a histogram of spin scores, the most restored forms, the
documents with the most edits (--top of them, each with its text and every edit marked)
and the error records. Lines that are not JSON objects are shown as error records too.
The page loads nothing from the network and reads without JavaScript.

example:
  zhrepair clean dump.jsonl -o clean.jsonl && zhrepair report clean.jsonl -o report.html
  zhrepair clean dump.jsonl --field content --id-field url | zhrepair report --field content --id-field url > r.html
"""

from __future__ import annotations

import argparse
import gzip
import os
import zlib
from typing import Any, Iterator

from ..report import batch_html, read_records
from .common import EXIT_OK, InputError, same_file, stdin_bytes, write_result


def _lines(path: str) -> Iterator[bytes]:
    """The lines of *path* (``-``: stdin; ``.gz``: decompressed); a read error is an :class:`InputError`."""
    try:
        with stdin_bytes() if path == "-" else open(path, "rb") as raw:
            if path.endswith(".gz"):
                yield from gzip.GzipFile(fileobj=raw)
            else:
                yield from raw
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {_name(path)}: {getattr(exc, 'strerror', None) or exc}") from None


def _name(path: str) -> str:
    return "stdin" if path == "-" else path


def run(args: argparse.Namespace) -> int:
    if args.top < 0:
        raise InputError(f"--top must be 0 or more, got {args.top}")
    if args.output and args.input != "-" and same_file(args.input, args.output):
        raise InputError(f"the output {args.output} is the input: give another -o")
    title = args.title or ("zhrepair clean output" if args.input == "-" else os.path.basename(args.input))
    page = batch_html(read_records(_lines(args.input), _name(args.input)), title, field=args.field, id_field=args.id_field,
                      top=args.top)
    write_result(page, args.output)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="HTML report of a batch cleaned by zhrepair clean", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", nargs="?", default="-", metavar="CLEAN.jsonl",
                   help="zhrepair clean's output (.gz too); - or nothing for stdin")
    p.add_argument("-o", "--output", metavar="OUT.html", help="write here (atomically) instead of stdout")
    p.add_argument("--field", default="text", help="the field holding the repaired text, as given to clean (default: text)")
    p.add_argument("--id-field", default="id", help="the field naming a document (default: id; else its file and line)")
    p.add_argument("--top", type=int, default=50, metavar="N",
                   help="documents shown with their text, those with the most edits (default 50; "
                        "each cut at 50,000 characters)")
    p.add_argument("--title", help="the page's title (default: the input's name)")
    p.set_defaults(func=run)
