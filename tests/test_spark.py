"""``zhrepair.spark`` on a real ``local[2]`` SparkSession: the same records as ``zhrepair clean``.

One session for the module (``local[2,2]``: two cores, and a failed task is tried once
more, as on a cluster); skipped when pyspark or Java is missing. About a minute and a
half on a 2-core machine, most of it the JVM starting (here and in the job's subprocess).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE_DIR
from zhrepair.batch import Options, clean_records
from zhrepair.cli import main as cli_main

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data" / "batch"
SPUN = "本年来，黄陂区僵持以结构党筑引颈深化改进驱动创新，科技改进是决胜他日的闭节，黄陂区将络续深化党筑引颈感化。"


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'zhrepair[spark]')")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'zhrepair[spark]')")
    if not _java():
        pytest.skip("no Java runtime (java on PATH or JAVA_HOME) for Spark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import zhrepair from this environment
    session = (SparkSession.builder.master("local[2,2]").appName("zhrepair-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _docs() -> list[dict[str, Any]]:
    paras = [ln.strip() for ln in (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8").split("\n") if len(ln.strip()) > 20]
    return [{"id": f"d{i}", "url": f"http://example.com/{i}", "meta": {"n": i, "tags": ["a"]}, "text": p}
            for i, p in enumerate(paras[:14] + [SPUN, "今天天气很好。"])]


@pytest.fixture(scope="module")
def jsonl_dir(tmp_path_factory) -> Path:
    """A folder like a crawl dump: good records, every kind of bad line, BOM, CRLF, a subfolder."""
    root = tmp_path_factory.mktemp("spark") / "dump"
    (root / "sub").mkdir(parents=True)
    (root / "a.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _docs()), encoding="utf-8")
    shutil.copy(DATA / "bad.jsonl", root / "sub" / "bad.jsonl")  # invalid UTF-8, not JSON, no field, null, list, ...
    extra = [
        b'\xef\xbb\xbf{"id": "bom", "text": "\xe5\x85\x9a\xe7\xad\x91\xe5\xbc\x95\xe9\xa2\x88\xe3\x80\x82"}\r\n',
        b"\n",
        b'{"id": "nan", "text": NaN}\n',
        b'{"id": "deep", "text": "x", "n": ' + b"[" * 250 + b"]" * 250 + b"}\n",
        b'{"id": "clash", "text": "\xe4\xbb\x8a\xe5\xa4\xa9\xe3\x80\x82", "error": "kept", "file": "orig.html", "raw": 5}\n',
        b'{"id": "huge", "text": "x", "v": 1e400}\n',
        b'{"id": "tail", "text": "' + SPUN.encode() + b'"}',  # no newline at the end
    ]
    (root / "sub" / "c.jsonl").write_bytes(b"".join(extra))
    return root


def _clean(inputs: list[str], out: Path, *options: str) -> tuple[int, bytes]:
    rc = cli_main(["clean", *inputs, "-o", str(out), *options])
    return rc, out.read_bytes()


@pytest.fixture(scope="module")
def reference(jsonl_dir, tmp_path_factory) -> bytes:
    """`zhrepair clean` on the folder: the bytes every Spark path must give."""
    rc, data = _clean([str(jsonl_dir)], tmp_path_factory.mktemp("ref") / "ref.jsonl")
    assert rc == 1  # some error records
    return data


def _plain(value: Any) -> Any:
    """A Row (recursively) as dicts and lists, without null fields."""
    if hasattr(value, "asDict"):
        return {k: _plain(v) for k, v in value.asDict().items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _in_file_order(df: Any) -> list[Any]:
    """The rows of a Parquet DataFrame in its files' order (part files by name, rows as stored)."""
    keys = ["_metadata.file_path", "_metadata.row_index"]
    return df.select("*", *keys).orderBy("file_path", "row_index").drop("file_path", "row_index").collect()


def _read_parts(folder: Path) -> bytes:
    parts = sorted(folder.glob("part-*"))
    assert (folder / "_SUCCESS").exists() and parts
    return b"".join(p.read_bytes() for p in parts)


# -- the job, end to end -------------------------------------------------------------------
def test_job_on_a_jsonl_folder_writes_clean_s_bytes(jsonl_dir, reference, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "zhrepair.spark", str(jsonl_dir), str(out), "--master", "local[2]",
                           "--partitions", "3"], capture_output=True, timeout=600,
                          env={**os.environ, "PYSPARK_PYTHON": sys.executable})
    err = proc.stderr.decode()
    assert proc.returncode == 1, err  # done, with error records
    assert len(list(out.glob("part-*"))) == 3
    assert _read_parts(out) == reference  # same records, same order, byte for byte
    n = reference.count(b"\n")
    assert f"zhrepair spark: {n} records: " in err and " 10 errors" in err
    # OUTPUT exists: refused before Spark starts, unless --overwrite
    from zhrepair.spark.job import main

    assert main([str(jsonl_dir), str(out)]) == 2
    assert main([str(tmp_path / "missing"), str(tmp_path / "o2")]) == 2
    assert main([str(jsonl_dir), str(tmp_path / "o3"), "--field", "error"]) == 2
    assert main([str(jsonl_dir), str(tmp_path / "o4"), "--min-confidence", "2"]) == 2
    assert not (tmp_path / "o2").exists() and not (tmp_path / "o3").exists()


def test_clean_jsonl_with_options_matches_clean(spark, jsonl_dir, tmp_path):
    from zhrepair.spark import clean_jsonl, stats_accumulator

    options = ("--edits", "compact", "--min-confidence", "0.8", "--no-chrome", "--window", "2")
    rc, ref = _clean([str(jsonl_dir)], tmp_path / "ref.jsonl", *options)
    stats = stats_accumulator(spark)
    lines = clean_jsonl(spark, str(jsonl_dir), edits="compact", min_confidence=0.8, chrome=False, window=2, stats=stats)
    got = [r.value for r in lines.collect()]
    assert "".join(v + "\n" for v in got).encode() == ref
    assert stats.value[3] == 10 and sum(stats.value[:4]) == len(got)  # errors, records


def test_a_retried_task_writes_the_same_bytes(spark, jsonl_dir, reference, tmp_path):
    """A task that dies after writing part of its output is run again; only the second attempt's file stays."""
    from pyspark.sql import functions as F

    from zhrepair.spark import _Cleaner, read_jsonl, repairer_spec

    marker = tmp_path / "failed-once"
    inner = _Cleaner(repairer_spec(), Options(), "lines")

    def flaky(batches):
        from pyspark import TaskContext

        ctx = TaskContext.get()
        out = inner(batches)
        if ctx.partitionId() == 1 and ctx.attemptNumber() == 0:
            yield next(out)
            marker.write_text("x")
            raise RuntimeError("injected failure")
        yield from out

    lines = read_jsonl(spark, str(jsonl_dir), partitions=3)
    lines.mapInArrow(flaky, "value binary").select(F.col("value").cast("string")).write.text(str(tmp_path / "out"))
    assert marker.exists()
    assert _read_parts(tmp_path / "out") == reference


def test_jsonl_to_parquet_records(spark, jsonl_dir, reference, tmp_path):
    from zhrepair.spark.job import main

    out = tmp_path / "pq"
    assert main([str(jsonl_dir), str(out), "--format", "parquet", "--partitions", "2"]) == 1
    rows = [_plain(r) for r in spark.read.parquet(str(out)).collect()]
    rows.sort(key=lambda r: (r["file"], r["line"]))
    expected = [json.loads(line) for line in reference.splitlines()]
    assert [(r["file"], r["line"]) for r in rows] == [(e["file"], e["line"]) for e in expected]
    for row, exp in zip(rows, expected):
        if "raw" in exp.get("shadowed", {}) or ("raw" in exp and "error" not in exp):
            exp.setdefault("shadowed", {})["raw"] = exp.pop("raw")  # Parquet: an own "raw" field goes under shadowed
        assert row == exp


# -- DataFrames ----------------------------------------------------------------------------
def test_clean_dataframe_keeps_columns_and_matches_clean_records(spark):
    docs = _docs()[:8]
    ts = datetime.datetime(2024, 4, 15, 8, 30)
    df = spark.createDataFrame([(d["id"], d["url"], d["text"], ["a", "b"], {"site": "x"}, ts) for d in docs],
                               "id string, url string, content string, tags array<string>, m map<string,string>, at timestamp")
    from zhrepair.spark import clean_dataframe

    out = clean_dataframe(df, "content", "url")
    assert out.columns == [*df.columns, "spin_score", "changed", "removed", "edits", "warning", "error", "raw"]
    rows = out.collect()
    expected = list(clean_records([{"id": d["id"], "content": d["text"]} for d in docs], field="content"))
    assert [r["id"] for r in rows] == [d["id"] for d in docs]  # one partition: the input order
    for row, exp, doc in zip(rows, expected, docs):
        got = _plain(row)
        assert (got["url"], got["tags"], got["m"], got["at"]) == (doc["url"], ["a", "b"], {"site": "x"}, ts)
        for key in ("content", "spin_score", "changed", "removed", "edits"):
            assert got[key] == exp[key], key
    assert any(r["changed"] for r in rows) and any(e["alternatives"] for r in rows for e in r["edits"])


def test_clean_dataframe_error_rows(spark):
    from zhrepair.spark import clean_dataframe

    rows = [(1, "今天天气很好。".encode()), (2, None), (3, b"\xff\xfe ok"), (4, b"  \n"), (5, SPUN.encode())]
    df = spark.createDataFrame(rows, "id int, text binary")
    got = {r["id"]: r for r in clean_dataframe(df, edits="none", explain=False).collect()}
    assert got[1]["text"] == "今天天气很好。" and got[1]["error"] is None and not got[1]["changed"]
    assert got[2]["error"] == 'field "text" is null, not a string' and got[2]["text"] is None and got[2]["raw"] is None
    assert got[3]["error"] == "invalid UTF-8 at byte 0" and got[3]["raw"] == "\ufffd\ufffd ok" and got[3]["spin_score"] is None
    assert got[4]["warning"] == "empty document" and got[4]["text"] == "  \n" and got[4]["changed"] is False
    assert "党建引领" in got[5]["text"] and got[5]["changed"]
    assert "edits" not in clean_dataframe(df, edits="none").columns


def test_output_names_are_rejected_up_front(spark):
    from zhrepair.spark import clean_dataframe

    df = spark.createDataFrame([("x", "y", 1)], "text string, Error string, n int")
    with pytest.raises(ValueError, match="Error would clash with the output's own columns"):
        clean_dataframe(df)
    ok = df.drop("Error")
    with pytest.raises(ValueError, match="text_col 'body' is not a column"):
        clean_dataframe(ok, "body")
    with pytest.raises(ValueError, match="must be a string"):
        clean_dataframe(ok, "n")
    with pytest.raises(ValueError, match="id_col 'url' is not a column"):
        clean_dataframe(ok, id_col="url")
    with pytest.raises(ValueError, match="cannot be 'line'"):
        clean_dataframe(ok.withColumnRenamed("text", "line"), "line")
    with pytest.raises(TypeError, match="unknown option"):
        clean_dataframe(ok, min_confidance=0.5)


def test_parquet_round_trip(spark, tmp_path):
    from zhrepair.spark.job import main

    docs = _docs()
    src = tmp_path / "in.parquet"
    spark.createDataFrame([(d["url"], d["text"], i) for i, d in enumerate(docs)], "url string, content string, n long") \
        .repartition(3).write.parquet(str(src))
    order = [r["n"] for r in _in_file_order(spark.read.parquet(str(src)))]
    out = tmp_path / "out"
    assert main([str(src), str(out), "--format", "parquet", "--field", "content", "--id-field", "url"]) == 0
    rows = [_plain(r) for r in _in_file_order(spark.read.parquet(str(out)))]
    assert [r["n"] for r in rows] == order  # written back in the input's order
    expected = dict(enumerate(clean_records([{"content": d["text"]} for d in docs], field="content")))
    for r in rows:
        exp = expected[r["n"]]
        assert {k: r[k] for k in ("content", "spin_score", "changed", "removed", "edits")} == \
               {k: exp[k] for k in ("content", "spin_score", "changed", "removed", "edits")}
    assert main([str(src), str(tmp_path / "out.jsonl"), "--field", "content", "--no-edits"]) == 0
    lines = [json.loads(p) for f in sorted((tmp_path / "out.jsonl").glob("part-*")) for p in f.read_text().splitlines()]
    assert [r["n"] for r in lines] == order and all("edits" not in r for r in lines)
    assert [r["content"] for r in lines] == [expected[n]["content"] for n in order]
