"""Batch-clean scraped articles: JSONL, .txt files, folders, gzip or stdin in; JSONL out.

Every input record gives exactly one output line, in input order: the repaired text (in
the --field key, or "text"), "spin_score", "changed", "removed" (page chrome and keyword
stuffing taken out), "edits" (every change with its offsets into the input; --no-edits
leaves them out), and the record's source "file" and "line". JSONL records keep all their
other fields. A record that cannot be read (invalid UTF-8, not JSON, no --field, not a
string) becomes an error record {"error", "file", "line", "raw"} and the batch goes on.
An empty document comes back unchanged, with "warning": "empty document".

Inputs: *.jsonl / *.ndjson (one JSON object a line), any other file is one text document
(its id is its path), folders are searched recursively for --glob, *.gz files are read
compressed, "-" (or no INPUT) reads stdin: JSONL if its first line is a JSON object,
otherwise one text document.

Output goes to -o OUT.jsonl (written as OUT.jsonl.partial, renamed when complete) or to
stdout. --resume continues a run that was killed, from OUT.jsonl.partial, and ends with
the same bytes as an uninterrupted run (give it the same inputs and options).

Repair options: every option of `zhrepair repair` is accepted (--min-confidence,
--thesaurus, --no-char-swaps, ...: one per zhrepair.RepairConfig field) and reaches the
worker processes. Unlike `repair`, clean removes page chrome and keyword stuffing by
default: --no-chrome and --no-stuffing keep them (--no-remove-chrome and --no-deletions
are accepted as the same switches). --no-explain keeps the edits but without their
alternatives (faster); --no-edits leaves the edits out.

Exit status: 0 all records repaired, 1 some records are error records, 2 bad usage, an
input path that cannot be read, or worker processes that cannot run. A summary goes to
stderr; a progress bar too when stderr is a terminal.

example:
  zhrepair clean pages/ --glob '*.txt' -o clean.jsonl --jobs 4
  zhrepair clean dump.jsonl.gz --field content --id-field url -o clean.jsonl --resume
  zhrepair clean dump.jsonl --min-confidence 0.8 --no-char-swaps -o clean.jsonl
  cat page.txt | zhrepair clean --no-edits | jq -r .text

From Python, zhrepair.batch.clean_records runs the same loop over any iterable of records.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import sys
import time
from typing import Any, Iterator

from ..batch import (
    DEFAULT_GLOB,
    STDIN,
    Item,
    Options,
    RepairerSpec,
    ResumableOutput,
    Stats,
    WorkerFailure,
    clean_lines,
    count_records,
    expand_inputs,
    iter_items,
)
from .common import (
    EXIT_OK,
    EXIT_RECORD_ERRORS,
    EXIT_USAGE,
    InputError,
    add_lexicon_arguments,
    add_repair_options,
    lexicon_paths,
    option_dest,
    repair_options,
)

#: RepairConfig fields that clean's own flags set (they are per-record output choices here).
_OWN = {"remove_chrome": "chrome", "deletions": "stuffing", "explain": "explain"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("clean", help="batch-clean files, JSONL or folders", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="JSONL, text file, folder, .gz, or - for stdin (default)")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="write here (atomically) instead of stdout")
    p.add_argument("--field", default="text", help="JSONL field holding the text (default: text)")
    p.add_argument("--id-field", default="id", help="key of a text file's path in its record (default: id)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1; 0 = one per CPU)")
    p.add_argument("--chunksize", type=int, default=8, metavar="N", help="records sent to a worker at a time (default 8)")
    p.add_argument("--resume", action="store_true", help="continue OUT.jsonl.partial from an interrupted run (needs -o)")
    p.add_argument("--glob", default=DEFAULT_GLOB, metavar="PATTERN",
                   help=f"files to take from folders, comma-separated (default: {DEFAULT_GLOB})")
    # The same destinations as the generated --remove-chrome/--deletions (hidden here): one setting each.
    p.add_argument("--no-chrome", dest=option_dest("remove_chrome"), action="store_const", const=False, default=None,
                   help="keep page chrome (浏览次数:, 返回列表, the repeated title, ...)")
    p.add_argument("--no-stuffing", dest=option_dest("deletions"), action="store_const", const=False, default=None,
                   help="keep keyword stuffing (机制创新， stays)")
    p.add_argument("--edits", action=argparse.BooleanOptionalAction, default=True,
                   help="include every edit in the output (default: yes)")
    add_lexicon_arguments(p)
    add_repair_options(p, hidden=("remove_chrome", "deletions"))
    p.set_defaults(func=run)


def _usage(msg: str) -> int:
    print(f"zhrepair clean: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    """``zhrepair clean``: returns 0, 1 (some error records) or 2 (bad usage)."""
    out_path = args.output
    if args.resume and not out_path:
        return _usage("--resume needs -o OUT.jsonl (it continues OUT.jsonl.partial)")
    if args.jobs < 0 or args.chunksize < 1:
        return _usage("--jobs must be >= 0 and --chunksize >= 1")
    jobs = args.jobs or os.cpu_count() or 1
    if out_path:
        out_dir = os.path.dirname(os.path.abspath(out_path))
        if not os.path.isdir(out_dir):
            return _usage(f"cannot write {out_path}: no such directory")
        if os.path.isdir(out_path):
            return _usage(f"cannot write {out_path}: it is a directory")
    inputs = list(args.inputs) or [STDIN]
    if out_path and any(p != STDIN and os.path.realpath(p) == os.path.realpath(out_path) for p in inputs):
        return _usage(f"{out_path} is also an input")
    if inputs.count(STDIN) > 1:
        return _usage("stdin (-) can be read only once")
    try:
        exclude = [out_path, out_path + ".partial"] if out_path else []
        sources = expand_inputs(inputs, args.glob, exclude=exclude)
    except OSError as exc:
        raise InputError(str(exc)) from None

    config = repair_options(args)
    own = {mine: config.pop(name) for name, mine in _OWN.items() if name in config}
    opts = Options(field=args.field, id_field=args.id_field, edits=args.edits, **own)
    spec = RepairerSpec.of(lexicon_paths(args), not args.no_default_lexicon, config)
    out = ResumableOutput(out_path, args.resume, stream=sys.stdout.buffer)
    items: Iterator[Item] = iter_items(sources, opts.field)
    if out.done:
        items = itertools.islice(items, out.done, None)

    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=count_records(sources), initial=out.done, unit="doc", file=sys.stderr, dynamic_ncols=True,
                   smoothing=0.1)
    stats = Stats()
    last_post = 0.0
    level = logging.getLogger().getEffectiveLevel()
    try:
        for line, status, chars in clean_lines(items, spec, opts, jobs, args.chunksize, level):
            out.write(line)
            stats.add(status, chars)
            if bar is not None:
                bar.update(1)
                now = time.monotonic()
                if now - last_post > 0.5:
                    last_post = now
                    bar.set_postfix_str(f"{stats.chars_per_second:,.0f} chars/s", refresh=False)
    except WorkerFailure as exc:
        out.abandon()
        where = f"; the records done so far are in {out.partial} (rerun with --resume)" if out_path else ""
        print(f"zhrepair clean: error: {exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    except BaseException:
        out.abandon()
        raise
    finally:
        if bar is not None:
            bar.close()
    out.finish()
    print(f"zhrepair clean: {stats.summary(out.done, out.done_errors)}", file=sys.stderr)
    errors = stats.counts["error"] + out.done_errors
    return EXIT_RECORD_ERRORS if errors else EXIT_OK
