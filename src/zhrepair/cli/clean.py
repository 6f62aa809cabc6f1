"""Batch-clean scraped articles: JSONL, .txt files, folders, gzip or stdin in; JSONL out.

Every input record gives exactly one output line, in input order: the repaired text (in
the --field key, or "text"), "spin_score", "changed", "removed" (page chrome and keyword
stuffing taken out), "edits" (every change with its offsets into the input; --no-edits
leaves them out, --edits compact gives each as [start, end, before, after, confidence]),
and the record's source "file" and "line". JSONL records keep all their other fields; one
whose name is an output key ("error", "file", "spin_score", ...) moves under "shadowed",
and --field / --id-field cannot name one. A record that cannot be used (invalid UTF-8,
not strict JSON - NaN, Infinity, 1e400 -, nested deeper than 200 levels, no --field, not
a string, an unpaired surrogate) becomes an error record {"error", "file", "line", "raw"}
holding the line as it was, and the batch goes on. An empty document comes back
unchanged, with "warning": "empty document".

Inputs: *.jsonl / *.ndjson (one JSON object a line), any other file is one text document
(its id is its path), folders are searched recursively for --glob, *.gz files are read
compressed, "-" (or no INPUT) reads stdin: JSONL if its first line is a JSON object,
otherwise one text document; a pipe given by name (<(zcat dump.gz), a FIFO) is read the
same way. A text document's byte-order mark is kept, so offsets are the file's.

Output goes to -o OUT.jsonl (written as OUT.jsonl.partial, renamed when complete) or to
stdout. --resume continues a run that was killed, from OUT.jsonl.partial, and ends with
the same bytes as an uninterrupted run (give it the same inputs and options). An input
can never be the output or its .partial (exit 2, nothing touched). Worker processes end
with the run, even when it is killed with SIGKILL.

Repair options: every option of `zhrepair repair` is accepted (--min-confidence,
--thesaurus, --no-char-swaps, ...: one per zhrepair.RepairConfig field) and reaches the
worker processes. --induce first learns the site's spinner dictionary from all the
inputs (as `zhrepair lexicon induce` does), writes it beside the output as
OUT.induced.tsv, and cleans with it added. Unlike `repair`, clean removes page chrome and keyword stuffing by
default: --no-chrome and --no-stuffing keep them (--no-remove-chrome and --no-deletions
are accepted as the same switches). --no-explain keeps the edits but without their
alternatives (faster); --no-edits leaves the edits out.

Exit status: 0 all records repaired; 1 some records are error records; 2 bad usage or an
input (or lexicon) that cannot be read; 3 the output cannot be written; 130 interrupted
(Ctrl-C, SIGTERM: the records done stay in OUT.jsonl.partial for --resume); 70 worker
processes that cannot run or keep dying, or a bug. A summary goes to stderr; a progress
bar too when stderr is a terminal.

example:
  zhrepair clean pages/ --glob '*.txt' -o clean.jsonl --jobs 4
  zhrepair clean dump.jsonl.gz --field content --id-field url -o clean.jsonl --resume
  zhrepair clean dump.jsonl --min-confidence 0.8 --no-char-swaps -o clean.jsonl
  cat page.txt | zhrepair clean --no-edits | jq -r .text

From Python, zhrepair.batch.clean_records runs the same loop over any iterable of records.
"""

from __future__ import annotations

import argparse
import dataclasses
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
from ..batch.records import Source
from .common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_RECORD_ERRORS,
    EXIT_USAGE,
    InputError,
    OutputError,
    add_clean_options,
    checked,
    clean_settings,
    lexicon_paths,
    raise_if_interrupted,
    same_file,
    say,
    stdin_bytes,
    stdout_bytes,
    write_result,
)
from .lexicon import induce_from

_PROG = "zhrepair clean"



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
    p.add_argument("--induce", action="store_true",
                   help="first learn the site's spinner dictionary from all the inputs (zhrepair lexicon induce), "
                        "write it beside the output as OUT.induced.tsv, then clean with it (needs -o; not stdin)")
    add_clean_options(p)
    p.set_defaults(func=run)


def _usage(msg: str) -> int:
    say(f"error: {msg}", _PROG)
    return EXIT_USAGE


def _check_output(out_path: str, inputs: list[str]) -> str | None:
    """Why *out_path* cannot be this run's output, or ``None``: it or its ``.partial``
    must not be an input (by name, link, or as redirected stdin)."""
    guarded = (out_path, out_path + ".partial")
    for p in inputs:
        if p == STDIN:
            try:
                st = os.fstat(0)
            except OSError:
                continue
            if any(_same_stat(st, g) for g in guarded):
                return "stdin is the output file (or its .partial)"
        elif any(same_file(p, g) for g in guarded):  # by path, symbolic or hard link
            return f"{p} is the output file (or its .partial); it would be overwritten"
    return None


def _same_stat(st: os.stat_result, path: str) -> bool:
    try:
        return os.path.samestat(st, os.stat(path))
    except OSError:
        return False


def _open_output(out_path: str | None, resume: bool) -> ResumableOutput:
    if out_path is None:
        return ResumableOutput(None, stream=stdout_bytes())
    out_dir = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(out_dir):
        raise OutputError(f"cannot write {out_path}: no such directory")
    if os.path.isdir(out_path):
        raise OutputError(f"cannot write {out_path}: it is a directory")
    try:
        return ResumableOutput(out_path, resume)
    except OSError as exc:
        raise OutputError(f"cannot write {out_path}.partial: {exc.strerror or exc}") from None


def induced_path(out_path: str) -> str:
    """Where ``clean --induce -o OUT.jsonl`` writes the induced lexicon: ``OUT.induced.tsv``."""
    return os.path.splitext(out_path)[0] + ".induced.tsv"


def _induced_lexicon(out_path: str, sources: list[Source], field: str, resume: bool) -> str:
    """The first pass of ``--induce``: the lexicon's path (kept from the interrupted run on
    ``--resume``, so the resumed run cleans with the same lexicon)."""
    path = induced_path(out_path)
    if resume and os.path.isfile(path):
        say(f"--resume: cleaning with the lexicon induced before, {path}", _PROG)
        return path
    _, text = induce_from(sources, field, prog=_PROG)
    write_result(text, path)
    return path


def run(args: argparse.Namespace) -> int:
    """``zhrepair clean``: returns 0, 1 (some error records) or 2 (bad usage); raises
    :class:`OutputError` (3) when the output cannot be written."""
    out_path = args.output if args.output != "-" else None
    if args.resume and not out_path:
        return _usage("--resume needs -o OUT.jsonl (it continues OUT.jsonl.partial)")
    if args.jobs < 0 or args.chunksize < 1:
        return _usage("--jobs must be >= 0 and --chunksize >= 1")
    jobs = args.jobs or os.cpu_count() or 1
    inputs = list(args.inputs) or [STDIN]
    if inputs.count(STDIN) > 1:
        return _usage("stdin (-) can be read only once")
    try:
        exclude = [out_path, out_path + ".partial"] if out_path else []
        sources = expand_inputs(inputs, args.glob, exclude=exclude)
    except OSError as exc:
        raise InputError(str(exc)) from None
    if out_path:
        problem = _check_output(out_path, [s.path for s in sources])
        if problem:
            return _usage(problem)
    try:
        opts = Options(field=args.field, id_field=args.id_field, edits=args.edits)
    except ValueError as exc:
        return _usage(str(exc))

    induced: tuple[str, ...] = ()
    if args.induce:
        if not out_path:
            return _usage("--induce needs -o OUT.jsonl (the induced lexicon is written beside it)")
        if any(s.kind == "stdin" for s in sources):
            return _usage("--induce reads the inputs twice: stdin cannot be one of them")
        induced = (_induced_lexicon(out_path, sources, opts.field, args.resume),)
    config, own = clean_settings(args)
    opts = dataclasses.replace(opts, **own)
    spec = RepairerSpec.of(lexicon_paths(args) + induced, not args.no_default_lexicon, config)
    checked(lambda: spec.build(load=False))  # a bad lexicon fails here, once, not in every worker
    stdin = stdin_bytes() if any(s.kind == "stdin" for s in sources) else None
    out = _open_output(out_path, args.resume)
    items: Iterator[Item] = iter_items(sources, opts.field, stdin=stdin)
    if out.done:
        items = itertools.islice(items, out.done, None)

    bar = None
    if sys.stderr is not None and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=count_records(sources), initial=out.done, unit="doc", file=sys.stderr, dynamic_ncols=True,
                   smoothing=0.1)
    stats = Stats()
    last_post = 0.0
    level = logging.getLogger().getEffectiveLevel()
    where = f"; the records done so far are in {out.partial} (rerun with --resume)" if out_path else ""
    lines = clean_lines(items, spec, opts, jobs, args.chunksize, level)
    try:
        for line, status, chars in lines:
            raise_if_interrupted()
            out.write(line)
            stats.add(status, chars)
            if bar is not None:
                bar.update(1)
                now = time.monotonic()
                if now - last_post > 0.5:
                    last_post = now
                    bar.set_postfix_str(f"{stats.chars_per_second:,.0f} chars/s", refresh=False)
        out.finish()
    except WorkerFailure as exc:
        out.abandon()
        say(f"error: {exc}{where}", _PROG)
        return EXIT_INTERNAL
    except OSError as exc:  # writing the output (reading errors are error records)
        out.abandon()
        raise OutputError(f"cannot write {out_path or 'stdout'}: {exc.strerror or exc}{where}") from None
    except KeyboardInterrupt:
        out.abandon()
        if where:
            say(f"stopped{where}", _PROG)
        raise
    except BaseException:
        out.abandon()
        raise
    finally:
        lines.close()
        if bar is not None:
            bar.close()
    say(stats.summary(out.done, out.done_errors), _PROG)
    errors = stats.counts["error"] + out.done_errors
    return EXIT_RECORD_ERRORS if errors else EXIT_OK
