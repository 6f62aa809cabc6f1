"""What every sub-command shares: exit codes, :class:`InputError`, strict input reading,
the lexicon arguments and the repair options generated from :class:`~zhrepair.RepairConfig`.

Library errors (``OSError``, :class:`~zhrepair.LexiconError`, a bad option value) become
an :class:`InputError` here; :func:`zhrepair.cli.main` prints it and exits with 2. Output
that cannot be written is an :class:`OutputError` (exit 3).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any, BinaryIO, Callable, Collection

from ..config import RepairConfig, option_kind
from ..errors import LexiconError, TextDecodeError
from ..fileio import decode_utf8, write_atomic
from ..lexicon_store import INSTALLED
from ..repairer import Repairer

#: Exit codes, one meaning each (the README and ``zhrepair --help`` list them).
EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE, EXIT_OUTPUT, EXIT_INTERRUPTED, EXIT_INTERNAL = 0, 1, 2, 3, 130, 70

#: Prefix of the argparse destinations of the generated repair options.
_DEST = "repair_option."

# Help for options the CLI had before they were generated (used when the field has none).
_HELP = {
    "min_confidence": "only make edits at least this likely",
    "remove_chrome": "also remove scraped page furniture (浏览次数:, 返回列表, ...)",
    "thesaurus": "guess synonyms for spinners no lexicon knows (less precise)",
}


class InputError(Exception):
    """Input that cannot be read or used (missing file, invalid UTF-8, bad option); exit code 2."""


class OutputError(Exception):
    """Output that cannot be written (closed stdout, full disk, unwritable file); exit code 3."""


#: the signals (SIGINT, SIGTERM) received during this run, each raised as KeyboardInterrupt
_RECEIVED: list[int] = []


def interrupt(signum: int, frame: object) -> None:
    """The run's handler of Ctrl-C and SIGTERM: ends it like Ctrl-C (outputs are closed,
    workers stopped)."""
    _RECEIVED.append(signum)
    raise KeyboardInterrupt


def forget_interrupts() -> None:
    """A new run: no signal received yet."""
    _RECEIVED.clear()


def raise_if_interrupted() -> None:
    """KeyboardInterrupt if a signal came during the run: Python swallows the one
    :func:`interrupt` raises when the signal lands in a callback it runs for itself (a module
    lock's, during an import), so loops call this between records."""
    if _RECEIVED:
        raise KeyboardInterrupt


def quiet_swallowed_interrupts(unraisable: Any, fallback: Callable[[Any], None]) -> None:
    """A ``sys.unraisablehook``: an interrupt of :func:`interrupt` that Python could not
    raise is not reported (:func:`raise_if_interrupted` raises it again); the rest goes to
    *fallback*."""
    if not (_RECEIVED and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        fallback(unraisable)


def say(message: str, prog: str = "zhrepair") -> None:
    """``prog: message`` as one line on stderr, if there is a stderr to write to."""
    try:
        if sys.stderr is not None:
            print(f"{prog}: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def stdin_bytes() -> BinaryIO:
    """The process's binary stdin; :class:`InputError` when it is closed."""
    if sys.stdin is None:
        raise InputError("cannot read stdin: it is closed")
    return sys.stdin.buffer


def stdout_bytes() -> BinaryIO:
    """The process's binary stdout; :class:`OutputError` when it is closed."""
    if sys.stdout is None:
        raise OutputError("cannot write stdout: it is closed")
    return sys.stdout.buffer


def write_output(text: str) -> None:
    """Write *text* to stdout as UTF-8 and flush (errors surface here, not at exit)."""
    out = stdout_bytes()
    try:
        out.write(text.encode("utf-8"))
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write stdout: {exc.strerror or exc}") from None


def write_result(text: str, out: str | None) -> None:
    """*text* to the file *out* (atomically) or, without one, to stdout; :class:`OutputError` if it cannot be."""
    if out is None or out == "-":
        write_output(text)
        return
    try:
        write_atomic(out, text)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None


def same_file(a: str, b: str) -> bool:
    """Whether paths *a* and *b* name one file (links included); ``False`` if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_text_input(path: str) -> str:
    """Read a whole file (``-`` for stdin) as strict UTF-8, with a clear error.

    A leading byte-order mark is kept as U+FEFF, so that offsets count the file's
    characters and clean text comes back byte for byte.
    """
    try:
        if path == "-":
            data = stdin_bytes().read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return decode_utf8(data, "stdin" if path == "-" else path, keep_bom=True)
    except TextDecodeError as exc:
        raise InputError(f"{exc}; convert it first, e.g. iconv -f GBK -t UTF-8") from None


def add_lexicon_arguments(p: argparse.ArgumentParser) -> None:
    """``--lexicon PATH`` (repeatable) and ``--no-default-lexicon``."""
    p.add_argument("--lexicon", action="append", metavar="PATH",
                   help="extra lexicon (TSV spun<TAB>original, or any spinner format); 'installed' = every dictionary "
                        "`zhrepair lexicon fetch` installed; repeatable ($ZHREPAIR_LEXICONS adds more)")
    p.add_argument("--no-default-lexicon", action="store_true", help="do not load the shipped lexicon")


def lexicon_paths(args: argparse.Namespace) -> tuple[str, ...]:
    """The ``--lexicon`` paths (``installed``: every fetched dictionary); :class:`InputError`
    for one that is not a file."""
    paths = tuple(getattr(args, "lexicon", None) or ())
    for path in paths:
        if path != INSTALLED and not os.path.isfile(path):
            raise InputError(f"cannot read lexicon {path}: no such file")
    return paths


def option_dest(name: str) -> str:
    """The argparse destination of the generated option for ``RepairConfig.<name>``."""
    return _DEST + name


def add_repair_options(p: argparse.ArgumentParser, hidden: Collection[str] = ()) -> None:
    """One ``--field-name`` option per :class:`~zhrepair.RepairConfig` field.

    Bool fields get ``--x/--no-x``; int, float and str fields take a value of the
    field's type (``float | None`` takes a float; None is the tuned default); fields
    without a default are left out. Every
    option defaults to ``None`` (not given: the library default applies). Help comes
    from the field's ``metadata["help"]``, else from the CLI's help of the flags it had
    before they were generated, else it names the field and its default. Fields in
    *hidden* are accepted but left out of ``--help`` (a sub-command documents its own
    spelling of them).
    """
    group = p.add_argument_group("repair options (zhrepair.RepairConfig)")
    for f in dataclasses.fields(RepairConfig):
        if not f.init or f.default is dataclasses.MISSING:
            continue
        default = f.default
        flag = "--" + f.name.replace("_", "-")
        text = f.metadata.get("help") or _HELP.get(f.name)
        shown = "" if default is None else f" (default: {default})"
        text = f"{text}{shown}" if text else f"RepairConfig.{f.name}{shown}"
        kw: dict[str, Any] = {"dest": option_dest(f.name), "default": None}
        kw["help"] = argparse.SUPPRESS if f.name in hidden else text.replace("%", "%%")
        kind = option_kind(f)
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, **kw)
        else:
            group.add_argument(flag, type=kind, metavar={int: "N", float: "X"}.get(kind, "TEXT"), **kw)


#: RepairConfig fields that clean's own switches set (per-record output choices there).
CLEAN_SWITCHES = {"remove_chrome": "chrome", "deletions": "stuffing", "explain": "explain"}


def add_clean_options(p: argparse.ArgumentParser) -> None:
    """What `zhrepair clean` and the Spark job share: --no-chrome, --no-stuffing, --edits,
    the lexicon arguments and the generated repair options."""
    # The same destinations as the generated --remove-chrome/--deletions (hidden here): one setting each.
    p.add_argument("--no-chrome", dest=option_dest("remove_chrome"), action="store_const", const=False, default=None,
                   help="keep page chrome (浏览次数:, 返回列表, the repeated title, ...)")
    p.add_argument("--no-stuffing", dest=option_dest("deletions"), action="store_const", const=False, default=None,
                   help="keep keyword stuffing (机制创新， stays)")
    p.add_argument("--edits", nargs="?", choices=("full", "compact", "none"), const="full", default="full",
                   help="edits in the output: full (default), compact ([start, end, before, after, confidence]) "
                        "or none")
    p.add_argument("--no-edits", dest="edits", action="store_const", const="none", help="the same as --edits none")
    add_lexicon_arguments(p)
    add_repair_options(p, hidden=("remove_chrome", "deletions"))


def clean_settings(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(RepairConfig options, batch Options switches)`` from the clean options, checked
    (:class:`InputError` for a bad value)."""
    config = repair_options(args)
    own = {mine: config.pop(name) for name, mine in CLEAN_SWITCHES.items() if name in config}
    return config, own


def repair_options(args: argparse.Namespace) -> dict[str, Any]:
    """The repair options given on the command line (only those), checked.

    An out-of-range value (``--min-confidence 2``) is an :class:`InputError`.
    """
    opts = {k[len(_DEST):]: v for k, v in vars(args).items() if k.startswith(_DEST) and v is not None}
    repair_config(opts)
    return opts


def repair_config(options: dict[str, Any]) -> RepairConfig:
    """The library's defaults with *options* applied; :class:`InputError` for a bad value."""
    try:
        return RepairConfig().merged(**options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad repair option: {exc}") from None


def build_repairer(args: argparse.Namespace) -> Repairer:
    """The :class:`~zhrepair.Repairer` the arguments ask for (lexicons and repair options).

    The options go in as ``config=``, never as keywords, so that no option name can
    collide with one of the Repairer's own arguments.
    """
    config = repair_config(repair_options(args))
    return checked(lambda: Repairer(lexicons=lexicon_paths(args), default_lexicon=not args.no_default_lexicon,
                                    config=config))


def checked(build: Callable[[], Repairer]) -> Repairer:
    """``build()``, with an unreadable or malformed lexicon as an :class:`InputError`."""
    try:
        return build()
    except (OSError, LexiconError) as exc:
        raise InputError(str(exc)) from None
