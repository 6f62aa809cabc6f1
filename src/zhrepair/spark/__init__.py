"""zhrepair on Spark: ``zhrepair clean`` as DataFrame transformations and a job (``pip install 'zhrepair[spark]'``).

- :func:`clean_dataframe` repairs a text column of any DataFrame: every input column
  stays, the text column holds the repaired text, and ``spin_score``, ``changed``,
  ``removed``, ``edits``, ``warning``, ``error`` and ``raw`` are added (the fields of
  ``zhrepair clean``'s records, typed: ``edits`` is an array of structs).
- :func:`read_jsonl` reads JSONL files as raw lines, numbered like ``zhrepair clean``
  numbers them and in its order; :func:`clean_jsonl` turns them into ``clean``'s output
  lines (byte for byte) or into typed records.
- ``python -m zhrepair.spark INPUT OUTPUT`` is the job (:mod:`zhrepair.spark.job`).

Each Python worker process builds one :class:`~zhrepair.Repairer` from a small, picklable
:class:`~zhrepair.batch.RepairerSpec` on its first batch and keeps it for the tasks it
runs after (Spark reuses Python workers unless ``spark.python.worker.reuse`` is off); the
model is never pickled. The work per record is :func:`zhrepair.batch.clean_item`, a
deterministic function of the record and the options, so a task that Spark runs again
gives the same rows. The batches go through ``mapInArrow``: input columns pass through
as Arrow arrays, untouched by Python.

pyspark and pyarrow are imported when first needed, so this module imports without them.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import logging
import math
import operator
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import unquote, urlparse

from ..batch import Item, Options, RepairerSpec, clean_item, encode_record, parse_jsonl_line, record_status
from ..batch.loop import META_KEYS, RESERVED
from ..batch.records import MAX_DEPTH

if TYPE_CHECKING:
    from pyspark import Accumulator
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "JSONL_GLOB", "STATUSES", "clean_dataframe", "clean_jsonl", "read_jsonl", "read_parquet", "repairer_spec",
    "stats_accumulator",
]

log = logging.getLogger(__name__)

#: The files :func:`read_jsonl` takes from a folder (a Hadoop glob on the file name).
JSONL_GLOB = "*.{jsonl,ndjson,jsonl.gz,ndjson.gz}"
#: What :func:`stats_accumulator` counts, in order (then the characters of input text).
STATUSES = ("repaired", "unchanged", "empty", "error")
#: Output rows per Arrow batch at most, and input characters per batch at most: bounds a worker's memory.
_BATCH_ROWS, _BATCH_CHARS = 256, 1_000_000
#: Default partitions: at least this many per core, and one per this many records.
_TASKS_PER_CORE, _RECORDS_PER_TASK = 4, 2000
#: Names of the helper columns in a plan (never in an output).
_FIELDS, _SHADOWED = "__zhrepair_fields", "__zhrepair_shadowed"


def _require() -> None:
    try:
        import pyspark  # noqa: F401

        _arrow()
    except ImportError as exc:
        raise ImportError(f"zhrepair.spark needs pyspark and pyarrow ({exc}): pip install 'zhrepair[spark]'") from None


def _arrow() -> Any:
    """The ``pyarrow`` module (untyped: imported by name)."""
    return importlib.import_module("pyarrow")


# -- the output's columns ----------------------------------------------------------------
def _meta_fields(style: str, source: bool) -> list[tuple[str, Any]]:
    """The columns added to every record, in ``zhrepair clean``'s key order, as Arrow types.

    *style*: ``full``, ``compact`` or ``none`` edits; *source*: the records come from
    files (``file``, ``line`` and ``raw_base64`` too).
    """
    pa = _arrow()

    s, i32, f64 = pa.string(), pa.int32(), pa.float64()
    removed = pa.struct([("kind", s), ("start", i32), ("end", i32), ("text", s)])
    compact = [("start", i32), ("end", i32), ("before", s), ("after", s), ("confidence", f64)]
    alternative = pa.struct([("text", s), ("score", f64)])
    full = pa.struct([*compact, ("kind", s), ("source", s), ("alternatives", pa.list_(alternative))])
    out: list[tuple[str, Any]] = [("spin_score", f64), ("changed", pa.bool_()), ("removed", pa.list_(removed))]
    if style != "none":
        out.append(("edits", pa.list_(full if style == "full" else pa.struct(compact))))
    out.append(("warning", s))
    if source:
        out += [("file", s), ("line", pa.int64())]
    out += [("error", s), ("raw", s)]
    if source:
        out.append(("raw_base64", s))
    return out


def _spark_fields(fields: Sequence[tuple[str, Any]]) -> list[Any]:
    from pyspark.sql.pandas.types import from_arrow_type
    from pyspark.sql.types import StructField

    return [StructField(name, from_arrow_type(t), True) for name, t in fields]


_COMPACT_KEYS = ("start", "end", "before", "after", "confidence")


def _meta_value(rec: dict[str, Any], name: str) -> Any:
    value = rec.get(name)
    if name == "edits" and value and isinstance(value[0], list):  # compact: [start, end, before, after, confidence]
        return [dict(zip(_COMPACT_KEYS, e)) for e in value]
    return value


# -- the per-worker function -------------------------------------------------------------
@dataclass(frozen=True)
class _Cleaner:
    """What a Python worker runs over Arrow batches (``mapInArrow``): small and picklable.

    *mode* ``frame``: any columns, the text column as binary (:func:`clean_dataframe`);
    ``lines``: ``file``, ``line``, ``raw`` in, ``zhrepair clean``'s output line out
    (``value``, binary); ``records``: the same lines in, typed columns out.
    """

    spec: RepairerSpec
    opts: Options
    mode: str
    stats: Any = None  # an Accumulator of [repaired, unchanged, empty, error, chars], or None
    id_col: str | None = None

    def __call__(self, batches: Iterable[Any]) -> Iterator[Any]:
        repairer = self.spec.build()  # once per process: RepairerSpec caches it
        counts = [0] * (len(STATUSES) + 1)
        run = self._frame_batches if self.mode == "frame" else self._line_batches
        for batch in batches:
            yield from run(batch, repairer, counts)
        if self.stats is not None:
            self.stats.add(counts)

    def _frame_batches(self, batch: Any, repairer: Any, counts: list[int]) -> Iterator[Any]:
        pa = _arrow()

        meta = _meta_fields(self.opts.edit_style, source=False)
        names = batch.schema.names + [n for n, _ in meta]
        col = batch.schema.get_field_index(self.opts.field)
        values = batch.column(col).to_pylist()
        ids = batch.column(batch.schema.get_field_index(self.id_col)).to_pylist() if self.id_col else None
        for start, stop in _slices([len(v) if v else 0 for v in values]):
            recs = [self._frame_record(values[k], ids[k] if ids else None, repairer, counts) for k in range(start, stop)]
            arrays = list(batch.slice(start, stop - start).columns)
            arrays[col] = pa.array([r.get(self.opts.field) for r in recs], pa.string())
            arrays += [pa.array([_meta_value(r, n) for r in recs], t) for n, t in meta]
            yield pa.RecordBatch.from_arrays(arrays, names=names)

    def _line_batches(self, batch: Any, repairer: Any, counts: list[int]) -> Iterator[Any]:
        pa = _arrow()

        raws, files, lines = (batch.column(batch.schema.get_field_index(n)).to_pylist() for n in ("raw", "file", "line"))
        for start, stop in _slices([len(r) for r in raws]):
            recs = [rec for k in range(start, stop)
                    if (rec := self._line_record(raws[k], files[k], lines[k], repairer, counts)) is not None]
            if self.mode == "lines":
                yield pa.RecordBatch.from_arrays([pa.array([encode_record(r)[:-1] for r in recs], pa.binary())],
                                                 names=["value"])
            else:
                yield self._records_batch(recs)

    def _frame_record(self, value: bytes | None, row_id: Any, repairer: Any, counts: list[int]) -> dict[str, Any]:
        field = self.opts.field
        if value is None:
            rec = clean_item(Item("", None, error=f'field "{field}" is null, not a string'), repairer, self.opts)
            rec["raw"] = None
        else:
            try:
                item = Item("", None, text=value.decode("utf-8"), fields={}, raw=value)
            except UnicodeDecodeError as exc:
                item = Item("", None, error=f"invalid UTF-8 at byte {exc.start}", raw=value)
            rec = clean_item(item, repairer, self.opts)
        self._count(rec, counts, len(value) if value else 0)
        if "error" in rec and row_id is not None:
            log.warning("%s=%r: %s", self.id_col, row_id, rec["error"])
        return rec

    def _line_record(self, raw: bytes, file: str, line: int, repairer: Any, counts: list[int]) -> dict[str, Any] | None:
        item = parse_jsonl_line(raw, file, line, self.opts.field)
        if item is None:  # a blank line: no record
            return None
        rec = clean_item(item, repairer, self.opts)
        self._count(rec, counts, len(item.text or ""))
        return rec

    @staticmethod
    def _count(rec: dict[str, Any], counts: list[int], chars: int) -> None:
        counts[STATUSES.index(record_status(rec))] += 1
        counts[-1] += chars

    def _records_batch(self, recs: list[dict[str, Any]]) -> Any:
        """Typed columns; the record's own fields as JSON (parsed on the JVM side with the inferred schema)."""
        pa = _arrow()

        meta = _meta_fields(self.opts.edit_style, source=True)
        own = {self.opts.field, *META_KEYS, "raw", "raw_base64"}
        fields, shadowed = [], []
        for r in recs:
            extra = {k: v for k, v in r.items() if k not in own}
            moved = dict(r.get("shadowed") or {})
            if "spin_score" in r:  # a repaired record: an own field named raw/raw_base64 would clash with those columns
                moved.update({k: r[k] for k in ("raw", "raw_base64") if k in r})
            fields.append(json.dumps(extra, ensure_ascii=True) if extra else None)
            shadowed.append(json.dumps(moved, ensure_ascii=True) if moved else None)
        texts = [r.get(self.opts.field) if "spin_score" in r else None for r in recs]
        meta_arrays = []
        for n, t in meta:
            values = [_meta_value(r, n) for r in recs]
            if n in ("raw", "raw_base64"):
                values = [v if "spin_score" not in r else None for v, r in zip(values, recs)]
            meta_arrays.append(pa.array(values, t))
        arrays = [pa.array(texts, pa.string()), *meta_arrays, pa.array(fields, pa.string()), pa.array(shadowed, pa.string())]
        return pa.RecordBatch.from_arrays(arrays, names=[self.opts.field, *(n for n, _ in meta), _FIELDS, _SHADOWED])


def _slices(sizes: Sequence[int]) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` runs of at most ``_BATCH_ROWS`` items and about ``_BATCH_CHARS`` in all."""
    start, total = 0, 0
    for k, n in enumerate(sizes):
        total += n
        if k + 1 - start >= _BATCH_ROWS or total >= _BATCH_CHARS:
            yield start, k + 1
            start, total = k + 1, 0
    if start < len(sizes):
        yield start, len(sizes)


# -- options -----------------------------------------------------------------------------
#: RepairConfig spellings of the per-record options (as in ``zhrepair clean``).
_ALIASES = {"remove_chrome": "chrome", "deletions": "stuffing"}


def repairer_spec(lexicons: str | Iterable[str] = (), default_lexicon: bool = True, **options: Any) -> RepairerSpec:
    """The :class:`~zhrepair.batch.RepairerSpec` for *lexicons* (paths every worker can read)
    and :class:`~zhrepair.RepairConfig` *options*, checked here: a bad option or an
    unreadable lexicon raises now (``TypeError``, ``ValueError``, ``OSError``,
    :class:`~zhrepair.LexiconError`), in the driver, not in every task."""
    paths = (lexicons,) if isinstance(lexicons, str) else tuple(lexicons)
    spec = RepairerSpec.of(paths, default_lexicon, options)
    spec.build(load=False)
    return spec


def _settings(field: str, id_field: str | None, options: dict[str, Any]) -> tuple[RepairerSpec, Options]:
    """Split ``clean``'s keyword options into the Repairer's spec and the per-record :class:`Options`."""
    own: dict[str, Any] = {k: options.pop(k) for k in ("edits", "chrome", "stuffing", "explain") if k in options}
    for name, mine in _ALIASES.items():
        if name in options:
            own[mine] = options.pop(name)
    opts = Options(field=field, id_field=id_field or "id", **own)
    spec = repairer_spec(options.pop("lexicons", ()), options.pop("default_lexicon", True), **options)
    return spec, opts


def stats_accumulator(spark: SparkSession) -> Accumulator:
    """An accumulator to pass as ``stats=``: ``[repaired, unchanged, empty, error, chars]``
    once the output is written. Spark may count a retried task twice."""
    param: Any = _ListSum()  # an AccumulatorParam by its methods
    return spark.sparkContext.accumulator([0] * (len(STATUSES) + 1), param)


class _ListSum:
    """AccumulatorParam of fixed-length lists of numbers (added element-wise)."""

    def zero(self, value: list[int]) -> list[int]:
        return [0] * len(value)

    def addInPlace(self, a: list[int], b: list[int]) -> list[int]:  # noqa: N802 (Spark's name)
        return [x + y for x, y in zip(a, b)]


# -- DataFrames --------------------------------------------------------------------------
def clean_dataframe(df: DataFrame, text_col: str = "text", id_col: str | None = None, *, stats: Any = None,
                    **options: Any) -> DataFrame:
    """*df* with *text_col* repaired, and ``zhrepair clean``'s fields added as typed columns.

    Every input column stays, in its place; *text_col* (string or binary, decoded as
    strict UTF-8) holds the repaired text. Added: ``spin_score`` (double), ``changed``,
    ``removed`` (array of ``kind, start, end, text``), ``edits`` (array of ``start, end,
    before, after, confidence, kind, source, alternatives``; with ``edits="compact"`` the
    first five only; none with ``edits="none"``), ``warning`` (``"empty document"``),
    and for a row that cannot be repaired (a null or invalid text, a repair that raised)
    ``error`` and ``raw`` (the input text), with the text and the other added columns
    null. Partitions and the order within them stay as they are: Spark runs one task
    per partition, so repartition a DataFrame of few large partitions first.

    *id_col*: the column that identifies a row (named in the workers' log when a row
    cannot be repaired). *options*: ``zhrepair clean``'s — ``edits`` (``"full"``,
    ``"compact"``, ``"none"``), ``chrome``, ``stuffing``, ``explain`` — every
    :class:`~zhrepair.RepairConfig` field, ``lexicons`` (paths readable on every worker)
    and ``default_lexicon``. *stats*: a :func:`stats_accumulator` to count outcomes.
    ``ValueError`` (before anything runs) for a missing or non-text *text_col*, a missing
    *id_col*, or an input column named like an output column (``error``, ``file``, ...:
    rename it first); ``TypeError`` for an unknown option.
    """
    _require()
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, StringType, StructField, StructType

    spec, opts = _settings(text_col, id_col, dict(options))
    fold = _case_fold(df.sparkSession)
    names = {fold(c): c for c in df.columns}
    clash = sorted(c for c in df.columns if fold(c) in {fold(r) for r in RESERVED})
    if clash:
        raise ValueError(f"input column(s) {', '.join(clash)} would clash with the output's own columns "
                         f"({', '.join(sorted(RESERVED))}); rename them first (DataFrame.withColumnRenamed)")
    for what, col in (("text_col", text_col), ("id_col", id_col)):
        if col is not None and fold(col) not in names:
            raise ValueError(f"{what} {col!r} is not a column of the DataFrame ({', '.join(df.columns)})")
    text_col = names[fold(text_col)]
    kind = df.schema[text_col].dataType
    if not isinstance(kind, (StringType, BinaryType)):
        raise ValueError(f"text_col {text_col!r} must be a string (or binary) column, not {kind.simpleString()}")
    opts = dataclasses.replace(opts, field=text_col)
    meta = _meta_fields(opts.edit_style, source=False)
    schema = StructType([StructField(f.name, StringType(), True) if f.name == text_col else f for f in df.schema.fields]
                        + _spark_fields(meta))
    cleaner = _Cleaner(spec, opts, "frame", stats, names[fold(id_col)] if id_col else None)
    return df.withColumn(text_col, F.col(text_col).cast("binary")).mapInArrow(cleaner, schema)


def _case_fold(spark: SparkSession) -> Callable[[str], str]:
    """How the session compares column names (``spark.sql.caseSensitive``, off by default)."""
    sensitive = str(spark.conf.get("spark.sql.caseSensitive", "false")).lower() == "true"
    return str if sensitive else str.lower


# -- JSONL -------------------------------------------------------------------------------
def read_jsonl(spark: SparkSession, path: str, *, glob: str = JSONL_GLOB, partitions: int | None = None) -> DataFrame:
    """The lines of the JSONL file or folder *path* (recursively, files matching *glob*),
    as ``file``, ``line``, ``raw`` (binary), in ``zhrepair clean``'s order and numbering.

    ``file`` is the path as ``zhrepair clean`` writes it (*path* joined with the file's
    place under it; a URI for a non-local file system); ``line`` counts from 1, blank
    lines included. Lines end at ``\\n`` only; a first line's byte-order mark is dropped.
    The rows are range-partitioned in that order into *partitions* partitions (default:
    at least 4 per core and one per 2,000 lines), so writing them keeps the input order
    across part files. Reads the input twice (counting lines, then for the job), plus a
    sample for the range bounds.
    """
    _require()
    from pyspark.sql import functions as F

    text = _text(spark, path, glob).select(
        F.col("value").cast("binary").alias("raw"), F.col("_metadata.file_path").alias("uri"),
        F.col("_metadata.file_block_start").alias("block"), F.monotonically_increasing_id().alias("row"))
    files: dict[str, list[Any]] = {}
    for b in text.groupBy("uri", "block").agg(F.count(F.lit(1)).alias("n"), F.min("row").alias("first")).collect():
        files.setdefault(b["uri"], []).append(b)
    shown = {uri: _shown_path(uri, path) for uri in files}
    bases, seq = [], 0
    for uri in sorted(files, key=shown.__getitem__):  # zhrepair clean sorts a folder's files by path
        line = 0
        for b in sorted(files[uri], key=lambda b: b["block"]):  # a big file's splits, in order
            bases.append((uri, b["block"], b["first"], line, seq, shown[uri]))
            line += b["n"]
            seq += b["n"]
    base = spark.createDataFrame(bases, "uri string, block long, first long, line0 long, seq0 long, file string")
    offset = F.col("row") - F.col("first")
    numbered = text.join(F.broadcast(base), ["uri", "block"]).select(
        "file", (F.col("line0") + offset + 1).alias("line"), "raw", (F.col("seq0") + offset).alias("seq"))
    n = partitions or _partitions(spark, seq)
    return numbered.repartitionByRange(n, "seq").sortWithinPartitions("seq").drop("seq")


def _text(spark: SparkSession, path: str, glob: str) -> DataFrame:
    """The lines (``value``) of the file or folder *path*, split at ``\\n`` only."""
    reader = spark.read.format("text").option("lineSep", "\n")
    if _is_dir(spark, path):
        reader = reader.option("recursiveFileLookup", "true").option("pathGlobFilter", glob)
    return reader.load(path)


def _partitions(spark: SparkSession, records: int) -> int:
    cores = spark.sparkContext.defaultParallelism
    return max(1, cores * _TASKS_PER_CORE, math.ceil(records / _RECORDS_PER_TASK))


def _is_dir(spark: SparkSession, path: str) -> bool:
    """Whether *path* is a folder (on any Hadoop file system); ``FileNotFoundError`` if it is not there."""
    sc: Any = spark.sparkContext  # the JVM gateway: Hadoop's FileSystem sees every scheme Spark reads
    hpath = sc._jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(sc._jsc.hadoopConfiguration())
    if not fs.exists(hpath):
        raise FileNotFoundError(f"{path}: no such file or directory")
    return bool(fs.getFileStatus(hpath).isDirectory())


def _shown_path(uri: str, given: str) -> str:
    """The path ``zhrepair clean`` would print for the file at *uri*, read as part of *given*."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file") or urlparse(given).scheme not in ("", "file") or given.startswith("file:"):
        return uri
    local, base = unquote(parsed.path), os.path.abspath(given)
    if local == base:
        return given
    rel = os.path.relpath(local, base)
    return local if rel.startswith(os.pardir) else os.path.join(given, rel)


def clean_jsonl(spark: SparkSession, path: str, *, field: str = "text", id_field: str | None = None,
                records: bool = False, glob: str = JSONL_GLOB, partitions: int | None = None, stats: Any = None,
                **options: Any) -> DataFrame:
    """``zhrepair clean`` over the JSONL file or folder *path*, in its order (see :func:`read_jsonl`).

    Without *records*: one string column ``value``, each ``clean``'s output line (without
    its newline), byte for byte, error records included. With *records*: typed columns —
    the records' own fields (their schema inferred by Spark from *path*; a field named
    like an output column goes under ``shadowed``), *field* with the repaired text, then
    :func:`clean_dataframe`'s columns plus ``file``, ``line`` and ``raw_base64``.
    *options* as for :func:`clean_dataframe`.
    """
    _require()
    from pyspark.sql import functions as F

    spec, opts = _settings(field, id_field, dict(options))
    lines = read_jsonl(spark, path, glob=glob, partitions=partitions)
    if not records:
        cleaner = _Cleaner(spec, opts, "lines", stats)
        return lines.mapInArrow(cleaner, "value binary").select(F.col("value").cast("string").alias("value"))
    from pyspark.sql.types import StringType, StructField, StructType

    meta = _meta_fields(opts.edit_style, source=True)
    schema = StructType([StructField(field, StringType(), True), *_spark_fields(meta),
                         StructField(_FIELDS, StringType(), True), StructField(_SHADOWED, StringType(), True)])
    out = lines.mapInArrow(_Cleaner(spec, opts, "records", stats), schema)
    inferred = _infer_schema(spark, path, glob)
    taken = set(RESERVED) | {n for n, _ in meta}
    own = StructType([f for f in inferred.fields if f.name != field and f.name not in taken])
    moved = StructType([f for f in inferred.fields if f.name in taken])
    names = [f.name for f in inferred.fields if f.name not in taken]
    if field not in names:
        names.insert(0, field)
    extra = [F.from_json(_SHADOWED, moved).alias("shadowed")] if moved.fields else []
    parsed = out.select("*", F.from_json(_FIELDS, own).alias(_FIELDS + "_"), *extra)
    cols = [F.col(field) if n == field else F.col(_FIELDS + "_").getField(n).alias(n) for n in names]
    return parsed.select(*cols, *(F.col(n) for n, _ in meta), *(["shadowed"] if extra else []))


def _infer_schema(spark: SparkSession, path: str, glob: str) -> Any:
    """The schema Spark infers for the JSONL records under *path*, skipping lines that
    cannot be records (not JSON, possibly nested deeper than ``clean`` allows)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    lines = _text(spark, path, glob)
    brackets = F.length("value") - F.length(F.translate("value", "[{", ""))
    texts = lines.where(brackets <= MAX_DEPTH).rdd.map(operator.itemgetter(0))  # not read.json(DataFrame): not in pyspark 4.0
    schema = spark.read.json(texts, mode="DROPMALFORMED").schema
    return StructType([f for f in schema.fields if f.name != "_corrupt_record"])


def read_parquet(spark: SparkSession, path: str, *, partitions: int | None = None) -> DataFrame:
    """The rows of the Parquet file or folder *path*, range-partitioned in file and row order
    into *partitions* partitions (default as in :func:`read_jsonl`): ready for
    :func:`clean_dataframe`, and written back in the same order."""
    _require()
    from pyspark.sql import functions as F

    df = spark.read.parquet(path)
    keys = ("__zhrepair_file", "__zhrepair_row")
    ordered = df.select("*", F.col("_metadata.file_path").alias(keys[0]), F.col("_metadata.row_index").alias(keys[1]))
    n = partitions or _partitions(spark, df.count())
    return ordered.repartitionByRange(n, *keys).sortWithinPartitions(*keys).drop(*keys)
