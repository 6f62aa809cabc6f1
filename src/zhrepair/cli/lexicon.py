"""``zhrepair lexicon import|fetch|add|list|remove|learn|induce``: spinner dictionaries.

``import`` converts a spinner's dictionary to zhrepair's native TSV (the formats,
directions and encodings are :mod:`zhrepair.importers`', whose docstring is its
``--help``), to stdout or atomically to ``-o OUT.tsv``. ``fetch``, ``add``, ``list`` and
``remove`` manage the installed dictionaries of :mod:`zhrepair.lexicon_store`, which
``--lexicon installed`` loads. ``learn`` aligns originals with their spun copies
(:mod:`zhrepair.alignment`) and writes the pairs seen, with their counts. ``induce``
learns a site's dictionary from its spun pages alone (:mod:`zhrepair.induction`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import importers, lexicon_store
from ..batch import DEFAULT_GLOB, STDIN, expand_inputs, iter_items
from ..batch.records import Source
from ..errors import LexiconError
from ..fileio import write_atomic
from ..importers import DIRECTIONS, FORMAT_ALIASES, FORMATS, read_pairs_with_info
from ..lexicon import dump_tsv
from .common import (
    EXIT_OK,
    EXIT_RECORD_ERRORS,
    InputError,
    OutputError,
    raise_if_interrupted,
    read_text_input,
    say,
    stdin_bytes,
    write_output,
    write_result,
)

if TYPE_CHECKING:
    from ..induction import Induction


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

    f = lex.add_parser("fetch", help="download public spinner dictionaries (checksum-verified) and install them",
                       description=lexicon_store.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    f.add_argument("names", nargs="*", metavar="NAME", help="catalogue names (see `zhrepair lexicon list`)")
    f.add_argument("--all", action="store_true", help="every dictionary in the catalogue")
    f.add_argument("--mirror", metavar="URL", help=f"fetch from URL/<repository>/<commit>/<path> (${lexicon_store.MIRROR_ENV})")
    f.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds without data before giving up")
    f.set_defaults(func=run_fetch)
    a = lex.add_parser("add", help="install a local dictionary file (any format import reads)")
    a.add_argument("path", metavar="PATH")
    a.add_argument("--name", help="its name (default: the file's stem)")
    a.add_argument("--format", default="auto", choices=FORMATS + tuple(FORMAT_ALIASES))
    a.add_argument("--direction", default="auto", choices=DIRECTIONS)
    a.add_argument("--encoding", default="auto")
    a.set_defaults(func=run_add)
    ls = lex.add_parser("list", help="installed and available dictionaries")
    ls.add_argument("--json", action="store_true", help="as JSON")
    ls.set_defaults(func=run_list)
    rm = lex.add_parser("remove", help="uninstall dictionaries")
    rm.add_argument("names", nargs="*", metavar="NAME")
    rm.add_argument("--all", action="store_true", help="every installed dictionary")
    rm.set_defaults(func=run_remove)
    le = lex.add_parser("learn", help="learn spinner pairs from originals and their spun copies",
                        description="Align each original with its spun copy and write the pairs seen "
                                    "(spun<TAB>original<TAB>count), loadable with --lexicon.")
    le.add_argument("--original", metavar="O", help="originals, one per line (line i of S is the spun copy of line i)")
    le.add_argument("--spun", metavar="S", help="spun copies, line-aligned with --original")
    le.add_argument("--jsonl", metavar="F", help="one JSON object a line holding both texts")
    le.add_argument("--original-field", metavar="A", help="the JSONL field of the original")
    le.add_argument("--spun-field", metavar="B", help="the JSONL field of the spun copy")
    le.add_argument("-o", "--output", metavar="OUT.tsv", help="write here (atomically) instead of stdout")
    le.add_argument("--min-count", type=int, default=1, metavar="N", help="keep pairs seen at least N times (default: 1)")
    le.set_defaults(func=run_learn)
    ind = lex.add_parser("induce", help="learn a site's spinner dictionary from its spun pages alone",
                         description=INDUCE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ind.add_argument("inputs", nargs="*", metavar="INPUT",
                     help="JSONL, text files, folders, .gz, or - for stdin (default), as `zhrepair clean` reads them")
    ind.add_argument("--field", default="text", help="JSONL field holding the text (default: text)")
    ind.add_argument("--glob", default=DEFAULT_GLOB, metavar="PATTERN",
                     help=f"files to take from folders, comma-separated (default: {DEFAULT_GLOB})")
    ind.add_argument("-o", "--output", metavar="OUT.tsv", help="write here (atomically) instead of stdout")
    ind.add_argument("--threshold", type=float, default=None, metavar="P",
                     help="keep a form's best original from this probability on (default: the model's)")
    ind.set_defaults(func=run_induce)


def _names(args: argparse.Namespace, every: list[str]) -> list[str]:
    if args.all == bool(args.names):
        raise InputError("give NAME... or --all (not both)")
    return every if args.all else list(args.names)


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch each name in turn; a failure is reported and the others go on (exit 1 if any failed)."""
    names = _names(args, sorted(lexicon_store.catalogue()))
    unknown = sorted(set(names) - set(lexicon_store.catalogue()))
    if unknown:
        raise InputError(f"unknown dictionary {', '.join(unknown)}; `zhrepair lexicon list` shows the catalogue")
    failed = 0
    for name in names:
        try:
            item = lexicon_store.fetch(name, mirror=args.mirror, timeout=args.timeout)
        except lexicon_store.FetchError as exc:
            say(f"error: {exc}")
            failed += 1
            continue
        say(f"{name}: {item.pairs:,} pairs installed in {item.path} (from {item.source})")
    return EXIT_RECORD_ERRORS if failed else EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    try:
        item = lexicon_store.add(args.path, args.name, format=args.format, direction=args.direction,
                                 encoding=args.encoding)
    except OSError as exc:
        raise InputError(f"cannot read {args.path}: {exc.strerror or exc}") from None
    except lexicon_store.FetchError as exc:
        raise InputError(str(exc)) from None
    say(f"{item.name}: {item.pairs:,} pairs installed in {item.path}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    have = {i.name: i for i in lexicon_store.installed()}
    known = lexicon_store.catalogue()
    rows = []
    for name in sorted(set(have) | set(known)):
        item, entry = have.get(name), known.get(name)
        rows.append({"name": name, "installed": item is not None, "pairs": item.pairs if item else entry.pairs if entry else 0,
                     "source": item.source if item else f"{entry.repository}@{entry.commit[:10]}:{entry.path}" if entry else "",
                     "path": str(item.path) if item else None})
    if args.json:
        write_output(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    lines = [f"{'':2}{'name':28}{'pairs':>9}  source", *(
        f"{'*' if r['installed'] else ' ':2}{r['name']:28}{r['pairs']:>9,}  {r['source']}" for r in rows)]
    lines.append(f"(* installed in {lexicon_store.store_dir()}; `zhrepair lexicon fetch --all` installs the rest)")
    write_output("\n".join(lines) + "\n")
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    names = _names(args, [i.name for i in lexicon_store.installed()])
    missing = [n for n in names if not lexicon_store.remove(n)]
    if missing:
        raise InputError(f"not installed: {', '.join(missing)}")
    say(f"removed {len(names)} dictionar{'y' if len(names) == 1 else 'ies'}")
    return EXIT_OK


def _learn_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The (original, spun) text pairs the ``learn`` options name; :class:`InputError` when unusable."""
    if args.jsonl:
        if args.original or args.spun:
            raise InputError("give --original/--spun or --jsonl, not both")
        if not args.original_field or not args.spun_field:
            raise InputError("--jsonl needs --original-field and --spun-field")
        pairs = []
        for n, line in enumerate(read_text_input(args.jsonl).lstrip("\ufeff").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{args.jsonl}:{n}: not valid JSON ({exc})") from None
            texts: list[str] = []
            for f in (args.original_field, args.spun_field):
                value = record.get(f) if isinstance(record, dict) else None
                if not isinstance(value, str):
                    raise InputError(f"{args.jsonl}:{n}: no string field {f!r}")
                texts.append(value)
            pairs.append((texts[0], texts[1]))
        return pairs
    if not args.original or not args.spun:
        raise InputError("give --original O and --spun S (line-aligned text files), or --jsonl F")
    originals = read_text_input(args.original).lstrip("\ufeff").splitlines()
    spun = read_text_input(args.spun).lstrip("\ufeff").splitlines()
    if len(originals) != len(spun):
        raise InputError(f"{args.original} has {len(originals)} lines but {args.spun} has {len(spun)}; "
                         "line i of the spun file must be the spun copy of line i")
    return list(zip(originals, spun))


def run_learn(args: argparse.Namespace) -> int:
    """Learn pairs from aligned texts and write them as zhrepair TSV (weight = count)."""
    from ..alignment import learn_counts

    if args.min_count < 1:
        raise InputError(f"--min-count {args.min_count}: give a count of 1 or more")
    pairs = _learn_inputs(args)
    items: Any = pairs
    if len(pairs) >= 200 and sys.stderr is not None and sys.stderr.isatty():
        from tqdm import tqdm

        items = tqdm(pairs, unit="doc", file=sys.stderr, dynamic_ncols=True, desc="aligning")
    learned = learn_counts(items)
    ranked = learned.ranked(args.min_count)
    header = (f"# zhrepair lexicon learn: {learned.texts} text pairs, {len(ranked)} pairs seen at least "
              f"{args.min_count} time(s); spun<TAB>original<TAB>count")
    write_result("\n".join([header, *(f"{s}\t{o}\t{c}" for (s, o), c in ranked)]) + "\n", args.output)
    say(f"{learned.texts} text pairs: {len(ranked)} pairs -> {args.output or 'stdout'}")
    return EXIT_OK


INDUCE_HELP = """Learn the dictionary of the spinner that wrote many pages of one site, from the
pages alone, and write it as zhrepair TSV (spun, original, probability, source), for
--lexicon. Give it the whole crawl (hundreds of pages): a form seen fewer than three
times gets no entry, and pages that do not look spun give no entries at all (the header
says how spun they look). Records that cannot be read (invalid UTF-8, broken JSON) are
skipped and counted on stderr.

example:
  zhrepair lexicon induce crawl.jsonl --field content -o site.tsv
  zhrepair clean crawl.jsonl --field content --lexicon site.tsv -o clean.jsonl
"""


def induce_from(sources: list[Source], field: str, stdin: Any = None, threshold: float | None = None,
                prog: str = "zhrepair lexicon induce") -> tuple[Induction, str]:
    """Induce over every readable record of *sources*; the result and its TSV text."""
    from ..induction import induce

    texts, unreadable = [], 0
    for item in iter_items(sources, field, stdin=stdin):
        raise_if_interrupted()
        if item.text:
            texts.append(item.text)
        elif item.error:
            unreadable += 1
    if unreadable:
        say(f"{unreadable} record(s) could not be read and were skipped", prog)
    bars: dict[int, Any] = {}

    def progress(round_: int, done: int, total: int) -> None:  # a bar per round on a terminal
        raise_if_interrupted()
        if not tty:
            return
        from tqdm import tqdm

        if round_ not in bars:
            for bar in bars.values():
                bar.close()
            bars[round_] = tqdm(total=total, desc=f"induce, round {round_}", unit="form", file=sys.stderr,
                                dynamic_ncols=True)
        bars[round_].update(done - bars[round_].n)

    tty = sys.stderr is not None and sys.stderr.isatty()
    try:
        found = induce(texts, threshold=threshold, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    verdict = "look spun" if found.is_spun else "do not look spun: no entries"
    lexicon = found.lexicon()
    comments = [f"zhrepair lexicon induce: {len(texts)} documents; {100 * found.spun_share:.2f} % of their words look "
                f"spun (gate {100 * found.gate:.2f} %): they {verdict}",
                "spun<TAB>original<TAB>probability<TAB>source"]
    say(f"{len(texts)} documents, {100 * found.spun_share:.2f} % of their words look spun (gate "
        f"{100 * found.gate:.2f} %): {len(lexicon)} entries", prog)
    return found, dump_tsv(lexicon, comments)


def run_induce(args: argparse.Namespace) -> int:
    """Induce a site's lexicon from its pages and write it as zhrepair TSV."""
    inputs = list(args.inputs) or [STDIN]
    if inputs.count(STDIN) > 1:
        raise InputError("stdin (-) can be read only once")
    if args.threshold is not None and not 0.0 < args.threshold <= 1.0:
        raise InputError(f"--threshold {args.threshold}: give a probability in (0, 1]")
    try:
        sources = expand_inputs(inputs, args.glob)
    except OSError as exc:
        raise InputError(str(exc)) from None
    stdin = stdin_bytes() if any(s.kind == "stdin" for s in sources) else None
    _, text = induce_from(sources, args.field, stdin, args.threshold)
    write_result(text, args.output)
    return EXIT_OK


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
    text = result.to_tsv(source=args.source or path.stem, weight=args.weight, origin=path.name)
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
