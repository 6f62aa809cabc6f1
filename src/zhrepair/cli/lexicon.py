"""``zhrepair lexicon import``: convert a spinner's dictionary to zhrepair's native TSV.

The formats, directions and encodings it reads are :mod:`zhrepair.importers`' (whose
docstring is this command's ``--help``); the output is written by
:func:`zhrepair.lexicon.dump_tsv`, to stdout or atomically to ``-o OUT.tsv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import importers
from ..errors import LexiconError
from ..fileio import write_atomic
from ..importers import DIRECTIONS, FORMAT_ALIASES, FORMATS, ImportResult, read_pairs_with_info
from ..lexicon import dump_tsv
from .common import EXIT_OK, InputError, OutputError, write_output


def add_parser(sub: Any) -> None:
    lex = sub.add_parser("lexicon", help="lexicon tools").add_subparsers(dest="lexicon_command", metavar="ACTION")
    lex.required = True
    p = lex.add_parser("import", help="convert a spinner dictionary to zhrepair TSV",
                       description=importers.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", metavar="PATH", help="the spinner dictionary file")
    p.add_argument("--format", default="auto", choices=FORMATS + tuple(FORMAT_ALIASES),
                   help="file format (default: auto, sniffed)")
    p.add_argument("--direction", default="auto", choices=DIRECTIONS,
                   help="which side is the original (default: auto, by word frequency)")
    p.add_argument("--encoding", default="auto", help="codec name (default: auto = UTF-8, else GB18030)")
    p.add_argument("-o", "--output", metavar="OUT.tsv", help="write here (atomically) instead of stdout")
    p.add_argument("--source", metavar="NAME", help="the source column (default: the file's stem)")
    p.add_argument("--weight", type=float, default=None,
                   help="weight of every entry (default: 1, or the file's own for zhrepair files)")
    p.set_defaults(func=run)


def to_tsv(result: ImportResult, source: str, weight: float | None = None, origin: str = "") -> str:
    """Native TSV text for *result*, with a ``#`` header saying how it was read."""
    header = [
        f"zhrepair lexicon imported from {origin or '?'}",
        f"format={result.format} direction={result.direction} ({result.direction_reason}) "
        f"encoding={result.encoding} pairs={len(result.pairs)}",
        "spun\toriginal\tweight\tsource",
    ]
    return dump_tsv(result.entries(source=" ".join(source.split()), weight=weight), comments=header)


def run(args: argparse.Namespace) -> int:
    """Convert ``args.path``; 0 on success, :class:`InputError` (exit 2) on unusable input."""
    path = Path(args.path)
    if args.weight is not None and not 0 < args.weight < float("inf"):
        raise InputError(f"--weight {args.weight}: a weight is a positive finite number")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        result = read_pairs_with_info(path, format=args.format, direction=args.direction, encoding=args.encoding)
    except (OSError, LexiconError, ValueError) as exc:
        raise InputError(str(exc)) from None
    if not result.pairs:
        raise InputError(f"{path}: no pairs found ({result.summary()}); check --format and --encoding")
    text = to_tsv(result, source=args.source or path.stem, weight=args.weight, origin=path.name)
    if args.output and args.output != "-":
        out = Path(args.output)
        try:
            write_atomic(out, text)
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
        where = str(out)
    else:
        write_output(text)
        where = "stdout"
    print(f"zhrepair: {path.name}: {result.summary()} -> {where}", file=sys.stderr)
    return EXIT_OK
