"""``zhrepair clean`` as a Spark job: JSONL (or Parquet) in, a folder of part files out.

JSONL input (a file, or a folder read recursively for --glob; .gz read compressed) is read
as raw lines, so every line gives exactly the record `zhrepair clean` gives it, error
records included (invalid UTF-8, not strict JSON, nested too deep, no --field, ...).
With --format jsonl (the default) the output lines are `zhrepair clean`'s, byte for
byte, in its order across the part files: `cat OUTPUT/part-*` is its output file.
--format parquet writes the same records as typed columns (edits as arrays of structs;
the records' own fields with the schema Spark infers). Parquet input is repaired
column-wise (zhrepair.spark.clean_dataframe: its --field column is the text, every
column stays) and written in its files' order, as Parquet or as Spark's JSON lines.

The output is written by Spark's own writer and committer: a failed task is run again
and only a finished attempt's file is kept, and the work per record is deterministic, so
a retried task writes the same bytes. OUTPUT must not exist, unless --overwrite.

Repair options: those of `zhrepair clean` (--no-chrome, --no-stuffing, --edits,
--no-explain, --lexicon, --min-confidence, ... one per zhrepair.RepairConfig field).
Lexicon paths must be readable on every worker.

Exit status: 0 done; 1 done, but some records are error records; 2 bad usage, an input
that is not there, an OUTPUT that exists, a bad option or lexicon; 3 OUTPUT cannot be
written; 130 interrupted; 70 Spark failed (cannot start, a task that keeps failing).

examples:
  python -m zhrepair.spark crawl/ clean/ --master 'local[2]' --field content --id-field url
  spark-submit --master yarn "$(python -c 'import zhrepair.spark.job as j; print(j.__file__)')" \\
      hdfs:///crawl hdfs:///clean --format parquet
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from typing import Any, Sequence

from zhrepair.batch import Options
from zhrepair.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_RECORD_ERRORS,
    EXIT_USAGE,
    InputError,
    add_clean_options,
    clean_settings,
    say,
)
from zhrepair.errors import LexiconError
from zhrepair.lexicon_store import INSTALLED

EXIT_SPARK = EXIT_INTERNAL  # Spark cannot start, or a task keeps failing
_PROG = "zhrepair spark"
_Usage = InputError  # bad usage or input: exit 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m zhrepair.spark", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT", help="a JSONL or Parquet file or folder (any Hadoop path)")
    p.add_argument("output", metavar="OUTPUT", help="the folder to write (must not exist, unless --overwrite)")
    p.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl", help="output format (default: jsonl)")
    p.add_argument("--input-format", choices=("auto", "jsonl", "parquet"), default="auto",
                   help="default: parquet for *.parquet or a folder holding them, else jsonl")
    p.add_argument("--field", default="text", help="the field (column) holding the text (default: text)")
    p.add_argument("--id-field", default=None, help="the field (column) identifying a record, for the log")
    p.add_argument("--glob", default=None, metavar="PATTERN",
                   help="files to take from a JSONL folder (default: *.{jsonl,ndjson,jsonl.gz,ndjson.gz})")
    p.add_argument("--partitions", type=int, metavar="N",
                   help="tasks (default: 4 per core, at least one per 2,000 records)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting, as spark-submit's --conf (repeatable; for a session this job starts)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="Spark's log: -v warnings, -vv everything")
    add_clean_options(p)
    return p


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """clean's keyword options (see :func:`zhrepair.spark.clean_dataframe`), checked; :class:`_Usage` if bad."""
    config, own = clean_settings(args)
    try:
        Options(field=args.field, id_field=args.id_field or "id", edits=args.edits, **own)
    except (TypeError, ValueError) as exc:
        raise _Usage(f"bad option: {exc}") from None
    if args.partitions is not None and args.partitions < 1:
        raise _Usage("--partitions must be >= 1")
    bad = [c for c in args.conf if "=" not in c or not c.partition("=")[0].strip()]
    if bad:
        raise _Usage(f"--conf takes KEY=VALUE, got {bad[0]!r}")
    for path in args.lexicon or ():
        if path != INSTALLED and "://" not in path and not os.path.isfile(path):
            raise _Usage(f"cannot read lexicon {path}: no such file")
    return {**config, **own, "edits": args.edits, "lexicons": tuple(args.lexicon or ()),
            "default_lexicon": not args.no_default_lexicon}


def _is_local(path: str) -> bool:
    return "://" not in path and not path.startswith("file:")


def _input_format(args: argparse.Namespace) -> str:
    if args.input_format != "auto":
        return str(args.input_format)
    path = args.input.rstrip("/")
    if path.endswith(".parquet"):
        return "parquet"
    if _is_local(path) and os.path.isdir(path):
        for _, _, files in os.walk(path):
            if any(f.endswith(".parquet") for f in files):
                return "parquet"
    return "jsonl"


def _check_paths(args: argparse.Namespace) -> None:
    """Fail before Spark starts: a local INPUT that is not there, an OUTPUT that exists or cannot be made."""
    if _is_local(args.input) and not os.path.exists(args.input):
        raise _Usage(f"cannot read {args.input}: no such file or directory")
    if not _is_local(args.output):
        return
    out = os.path.abspath(args.output)
    if os.path.exists(out) and not args.overwrite:
        raise _Usage(f"{args.output} exists (use --overwrite to replace it)")
    if _is_local(args.input) and os.path.abspath(args.input) in (out, *_parents(out)):
        raise _Usage(f"{args.output} is inside the input {args.input}")
    parent = next(p for p in _parents(out) if os.path.exists(p))
    try:  # a real probe: access() says yes to root on a read-only file system
        os.rmdir(tempfile.mkdtemp(prefix=".zhrepair-probe-", dir=parent))
    except OSError as exc:
        raise OSError(f"cannot write {args.output}: {exc.strerror or exc}") from None


def _parents(path: str) -> list[str]:
    out = []
    while (up := os.path.dirname(path)) != path:
        out.append(up)
        path = up
    return out


def _session(args: argparse.Namespace) -> Any:
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # under spark-submit (or an existing gateway)
    if (args.master or "local").startswith("local") and not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter (its packages)
    builder = SparkSession.builder.appName("zhrepair clean")
    if args.master:
        builder = builder.master(args.master)
    builder = builder.config("spark.ui.showConsoleProgress", str(sys.stderr.isatty()).lower())
    for setting in args.conf:
        key, _, value = setting.partition("=")
        builder = builder.config(key.strip(), value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(("FATAL", "WARN", "INFO")[min(args.verbose, 2)])  # failures: one line of ours
    return spark


def run(args: argparse.Namespace) -> int:
    """The job for parsed *args*: returns 0, 1 or 70; raises :class:`_Usage` (2) or ``OSError`` (3)."""
    options = _options(args)
    _check_paths(args)
    fmt = _input_format(args)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise _Usage("zhrepair.spark needs pyspark: pip install 'zhrepair[spark]'") from None
    from pyspark.sql import SparkSession

    t0 = time.monotonic()
    ours = SparkSession.getActiveSession() is None
    try:
        spark = _session(args)
    except Exception as exc:  # no Java, a bad master URL, ...
        _say(f"error: cannot start Spark: {_first_line(exc)}")
        return EXIT_SPARK
    started = time.monotonic() - t0
    try:
        return _clean(spark, args, fmt, options, t0, started)
    except KeyboardInterrupt:
        spark.sparkContext.cancelAllJobs()
        raise
    finally:
        if ours:
            spark.stop()


def _clean(spark: Any, args: argparse.Namespace, fmt: str, options: dict[str, Any], t0: float, started: float) -> int:
    from pyspark.errors import AnalysisException

    from zhrepair.spark import STATUSES, clean_dataframe, clean_jsonl, read_parquet, stats_accumulator

    stats = stats_accumulator(spark)
    try:
        if fmt == "jsonl":
            glob = {"glob": args.glob} if args.glob else {}
            out = clean_jsonl(spark, args.input, field=args.field, id_field=args.id_field, records=args.format == "parquet",
                              partitions=args.partitions, stats=stats, **glob, **options)
        else:
            df = read_parquet(spark, args.input, partitions=args.partitions)
            out = clean_dataframe(df, args.field, args.id_field, stats=stats, **options)
    except (ValueError, TypeError, OSError, LexiconError, AnalysisException) as exc:
        raise _Usage(_first_line(exc)) from None
    writer = out.write.mode("overwrite" if args.overwrite else "errorifexists")
    try:
        if args.format == "parquet":
            writer.parquet(args.output)
        elif fmt == "jsonl":
            writer.text(args.output)
        else:
            writer.json(args.output)
    except AnalysisException as exc:
        if "already exists" in str(exc).lower():
            raise _Usage(f"{args.output} exists (use --overwrite to replace it)") from None
        raise
    counts = stats.value
    secs = time.monotonic() - t0
    records = sum(counts[: len(STATUSES)])
    c = dict(zip(STATUSES, counts))
    _say(f"{records} records: {c['repaired']} repaired, {c['unchanged'] + c['empty']} unchanged, {c['error']} errors; "
         f"{counts[-1]:,} chars in {secs:.1f} s, {secs - started:.1f} s after Spark started "
         f"({records / max(secs - started, 1e-9):.1f} docs/s) -> {args.output}")
    return EXIT_RECORD_ERRORS if c["error"] else EXIT_OK


def _first_line(exc: BaseException) -> str:
    """The first line of *exc*'s message (a Java exception's own, for a Py4J error)."""
    java = getattr(exc, "java_exception", None)
    text = (str(java) if java is not None else str(exc)).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


def _say(message: str) -> None:
    say(message, _PROG)


def main(argv: Sequence[str] | None = None) -> int:
    """The job; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2), format="zhrepair: %(message)s")
    try:
        return run(args)
    except _Usage as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        _say(f"error: {exc}")
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a Spark job that failed (a task that kept failing), or a bug
        logging.getLogger("zhrepair").debug("job failed", exc_info=True)
        _say(f"error: the Spark job failed: {_first_line(exc)} (rerun with -v for the log)")
        return EXIT_SPARK


if __name__ == "__main__":
    sys.exit(main())
