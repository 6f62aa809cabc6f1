"""Command-line interface: ``zhrepair repair|detect|clean|lexicon import``.

One module per sub-command (:mod:`.repair`, :mod:`.detect`, :mod:`.clean`,
:mod:`.lexicon`), what they share in :mod:`.common`. The library never imports this
package.

Exit codes: 0 success, 1 some records failed (``clean``), 2 bad usage, unreadable input or
output that cannot be written (a full disk, a closed output).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from .. import __version__
from . import clean, detect, lexicon, repair
from .common import EXIT_OK, EXIT_USAGE, InputError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhrepair",
        description="Repair Chinese text garbled by article spinners (伪原创).",
    )
    parser.add_argument("--version", action="version", version=f"zhrepair {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in (repair, detect, clean, lexicon):
        command.add_parser(sub)
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
    except OSError as exc:  # writing the output failed (full disk, file-size limit, unwritable file)
        print(f"zhrepair: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        _drop_stdout()
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what could not be
    written raises nothing more."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
