"""Command-line interface: ``zhrepair repair|detect|clean|lexicon import``.

One module per sub-command (:mod:`.repair`, :mod:`.detect`, :mod:`.clean`,
:mod:`.lexicon`), what they share in :mod:`.common`. The library never imports this
package.

Exit codes, one meaning each: 0 done; 1 done, but some records became error records
(``clean``); 2 bad usage or unreadable input (a bad option value, a missing file or
lexicon, invalid UTF-8); 3 the output cannot be written (closed stdout, a full disk, an
unwritable file); 130 interrupted (Ctrl-C or SIGTERM; ``clean -o`` keeps the records
done in ``OUT.partial`` for ``--resume``); 70 an internal error (a bug: ``-vv`` shows
the traceback). Every error is one line on stderr.
"""

from __future__ import annotations

import argparse
import faulthandler
import functools
import logging
import os
import signal
import sys
from typing import Any, Mapping, NoReturn, Sequence

from .. import __version__
from . import clean, detect, lexicon, repair, report
from .common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    EXIT_USAGE,
    InputError,
    OutputError,
    forget_interrupts,
    interrupt,
    quiet_swallowed_interrupts,
    say,
)

__all__ = ["build_parser", "console", "main"]


EPILOG = """exit status:
  0    done
  1    done, but some records became error records (clean)
  2    bad usage or unreadable input (option value, missing file or lexicon, invalid UTF-8)
  3    the output cannot be written (closed stdout, full disk, unwritable file)
  130  interrupted (Ctrl-C or SIGTERM); clean -o keeps OUT.partial for --resume
  70   internal error (a bug; -vv shows the traceback)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhrepair",
        description="Repair Chinese text garbled by article spinners (伪原创).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zhrepair {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in (repair, detect, clean, lexicon, report):
        command.add_parser(sub)
    return parser


#: The signals that end a run with exit 130.
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def console() -> NoReturn:
    """The ``zhrepair`` command: :func:`main`, then exit with its status.

    Once the command has returned, its outcome is written: Ctrl-C and SIGTERM are then
    ignored, so a signal during the interpreter's teardown (whose last steps put back the
    default handlers, which kill) cannot turn a finished run into a killed one.
    """
    sys.exit(_interruptible(None, after=signal.SIG_IGN))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line (*argv*, default ``sys.argv[1:]``) and return its exit status.

    Ctrl-C and SIGTERM end the run with 130; the caller's handlers for them are back when
    this returns. Call it from the main thread.
    """
    return _interruptible(argv, after=None)


def _interruptible(argv: Sequence[str] | None, after: Any) -> int:
    """:func:`_run` with Ctrl-C and SIGTERM raising :class:`KeyboardInterrupt`; then their
    handlers become *after* (``None``: the ones before). A signal ignored at the start (the
    SIGINT of a job a shell put in the background) stays ignored."""
    caught = [signum for signum in INTERRUPTS if signal.getsignal(signum) != signal.SIG_IGN]
    forget_interrupts()
    previous = {signum: signal.signal(signum, interrupt) for signum in caught}
    handlers = previous if after is None else dict.fromkeys(caught, after)
    hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(quiet_swallowed_interrupts, fallback=hook)
    try:
        return _run(argv)
    finally:
        try:
            _restore(handlers)
        except KeyboardInterrupt:  # a signal as the run ended: the outcome stands
            _restore(handlers)
        sys.unraisablehook = hook


def _restore(handlers: Mapping[signal.Signals, Any]) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)  # None: a handler set outside Python


def _run(argv: Sequence[str] | None) -> int:
    if hasattr(signal, "SIGUSR1"):  # kill -USR1 PID: every thread's stack on stderr (a run that seems stuck)
        try:
            faulthandler.register(signal.SIGUSR1, all_threads=True)
        except (AttributeError, ValueError, OSError, RuntimeError):  # no stderr file (closed, or captured in-process)
            pass
    try:
        args = build_parser().parse_args(argv)
        level = logging.WARNING - 10 * min(args.verbose, 2)
        logging.basicConfig(level=level, format="zhrepair: %(message)s", stream=sys.stderr)
        return int(args.func(args) or 0)
    except InputError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    except OutputError as exc:
        say(f"error: {exc}")
        _drop_stdout()
        return EXIT_OUTPUT
    except BrokenPipeError:
        say("error: cannot write stdout: the reader closed the pipe")
        _drop_stdout()
        return EXIT_OUTPUT
    except OSError as exc:  # writing the output failed (full disk, file-size limit, unwritable file)
        say(f"error: cannot write the output: {exc.strerror or exc}")
        _drop_stdout()
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line, the traceback with -vv
        logging.getLogger("zhrepair").debug("internal error", exc_info=True)
        say(f"internal error: {type(exc).__name__}: {exc} (a bug; rerun with -vv for the traceback)")
        return EXIT_INTERNAL


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what could not be
    written raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    except (OSError, ValueError):
        pass
