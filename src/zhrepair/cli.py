"""Command-line interface: ``zhrepair repair|detect|clean|lexicon import``.

Exit codes: 0 success, 1 some records failed (``clean``), 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Sequence

from . import __version__

log = logging.getLogger("zhrepair")

EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE = 0, 1, 2


class InputError(Exception):
    """Input that cannot be read (missing file, invalid UTF-8); reported with exit code 2."""


def read_text_input(path: str) -> str:
    """Read a whole file (``-`` for stdin) as strict UTF-8, with a clear error."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = "stdin" if path == "-" else path
        raise InputError(
            f"{where}: invalid UTF-8 at byte {exc.start} ({data[exc.start:exc.start + 4]!r}); "
            "convert it first, e.g. iconv -f GBK -t UTF-8"
        ) from None


def _repairer(args: argparse.Namespace):
    from .repairer import Repairer

    options = {}
    if getattr(args, "min_confidence", None) is not None:
        options["min_confidence"] = args.min_confidence
    if getattr(args, "remove_chrome", False):
        options["remove_chrome"] = True
    if getattr(args, "thesaurus", False):
        options["thesaurus"] = True
    return Repairer(lexicons=args.lexicon or (), default_lexicon=not args.no_default_lexicon, **options)


def _diff(text: str, edits) -> str:
    """Inline diff: ``[before→after]`` at every edit, like the sample's annotation."""
    out, pos = [], 0
    for e in edits:
        out.append(text[pos : e.start])
        out.append(f"[{e.before}→{e.after}]")
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def cmd_repair(args: argparse.Namespace) -> int:
    text = read_text_input(args.file)
    result = _repairer(args).repair(text)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "diff":
        sys.stdout.write(_diff(text, result.edits))
    else:
        sys.stdout.write(result.text)
    sys.stdout.flush()
    log.info("%d edit(s), spin score %.3f", len(result.edits), result.spin_score)
    return EXIT_OK


def cmd_detect(args: argparse.Namespace) -> int:
    text = read_text_input(args.file)
    det = _repairer(args).detect(text)
    if args.format == "json":
        sys.stdout.write(json.dumps(det.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        verdict = "spun" if det.is_spun else "clean"
        sys.stdout.write(f"{det.score:.3f}\t{verdict}\n")
        for ev in det.evidence[: args.evidence]:
            sys.stdout.write(f"  {ev.start}:{ev.end}\t{ev.spun}→{ev.original}\t{ev.weight:.2f}\t{ev.reason}\n")
    return EXIT_OK


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lexicon", action="append", metavar="PATH", help="extra lexicon (TSV spun<TAB>original); repeatable")
    p.add_argument("--no-default-lexicon", action="store_true", help="do not load the shipped lexicon")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhrepair",
        description="Repair Chinese text garbled by article spinners (伪原创).",
    )
    parser.add_argument("--version", action="version", version=f"zhrepair {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("repair", help="repair one document", description="Repair one document (FILE or stdin).")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text file; - or nothing for stdin")
    p.add_argument("--format", choices=("text", "json", "diff"), default="text", help="output format (default: text)")
    p.add_argument("--min-confidence", type=float, default=None, help="only make edits at least this likely")
    p.add_argument("--remove-chrome", action="store_true", help="also remove scraped page furniture (浏览次数:, 返回列表, ...)")
    p.add_argument("--thesaurus", action="store_true", help="guess synonyms for spinners no lexicon knows (less precise)")
    _add_common(p)
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("detect", help="how likely a document was spun", description="Score one document (FILE or stdin).")
    p.add_argument("file", nargs="?", default="-", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--evidence", type=int, default=10, metavar="N", help="evidence lines to print (text format)")
    _add_common(p)
    p.set_defaults(func=cmd_detect)

    from . import batch, importers

    p = sub.add_parser("clean", help="batch-clean files, JSONL or folders", description=batch.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.configure_parser(p)
    _add_common(p)
    p.set_defaults(func=batch.run)

    lex = sub.add_parser("lexicon", help="lexicon tools").add_subparsers(dest="lexicon_command", metavar="ACTION")
    lex.required = True
    p = lex.add_parser("import", help="convert a spinner dictionary to zhrepair TSV",
                       description=importers.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    importers.configure_parser(p)
    p.set_defaults(func=importers.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="zhrepair: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"zhrepair: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
