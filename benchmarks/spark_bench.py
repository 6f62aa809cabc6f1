"""The ``spark`` suite: the Spark job at ``local[2]`` against ``zhrepair clean --jobs 2`` on the same documents.

Peak memory is attributed by process, sampled from /proc like :func:`benchmarks.suites.run_measured`:
the driver (the ``python -m zhrepair.spark`` process), the JVM it starts (``java``), and
the Python workers — the processes forked by ``pyspark.daemon`` (the daemon itself,
which only forks, is left out). A Python worker's figure is its VmHWM, its own peak
resident set: it includes the daemon's pages it was forked with (about 50 MB), and the
memory-mapped language model's pages count in every worker that touches them although
they are shared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .suites import Context, Row, Skip, SuiteResult, _mb, progress, run_measured


@dataclass
class _Proc:
    ppid: int
    cmdline: str
    peak_mb: float = 0.0


def _proc_info(pid: int) -> tuple[int, str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except (OSError, IndexError, ValueError):
        return None
    return ppid, cmdline


def _run_tree(argv: Sequence[str], timeout: float) -> tuple[Any, dict[int, _Proc]]:
    """:func:`run_measured`, and each process's parent and command line (to tell workers from the JVM)."""
    procs: dict[int, _Proc] = {}

    def seen(pid: int) -> None:
        info = _proc_info(pid)  # the command line again each time: spark-class execs java
        if info is not None:
            p = procs.setdefault(pid, _Proc(*info))
            p.ppid, p.cmdline = info[0], info[1] or p.cmdline  # a zombie's command line reads empty

    m = run_measured(argv, timeout, seen=seen)
    for pid, peak in m.peak_rss_mb.items():
        if pid in procs:
            procs[pid].peak_mb = peak
    return {"returncode": m.returncode, "seconds": m.seconds, "root": m.root_pid, "stderr": m.stderr}, procs


def _roles(root: int, procs: dict[int, _Proc]) -> dict[str, list[float]]:
    """Peak RSS (MB) of the driver, the JVM(s) and each Python worker."""
    daemons = {pid for pid, p in procs.items() if "pyspark.daemon" in p.cmdline and "pyspark.daemon" not in
               procs.get(p.ppid, _Proc(0, "")).cmdline}
    roles: dict[str, list[float]] = {"driver": [], "jvm": [], "worker": []}
    for pid, p in procs.items():
        if pid == root:
            roles["driver"].append(p.peak_mb)
        elif p.ppid in daemons:
            roles["worker"].append(p.peak_mb)
        elif p.cmdline.split(" ")[0].endswith("java") and "org.apache.spark.launcher.Main" not in p.cmdline:
            roles["jvm"].append(p.peak_mb)  # not spark-class's short-lived launcher
    return roles


def _spark_available() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise Skip(f"pyspark/pyarrow not installed ({exc}): pip install 'zhrepair[spark]'") from None
    home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java")))):
        raise Skip("no Java runtime (java on PATH or JAVA_HOME) for Spark")


_SUMMARY = re.compile(r"in ([\d.]+) s, ([\d.]+) s after Spark started")


def suite_spark(ctx: Context) -> SuiteResult:
    """`python -m zhrepair.spark IN OUT --master local[2]` vs `zhrepair clean --jobs 2` on the same TEST
    documents: docs/s, identical records, peak RSS per Python worker; at the clean-throughput size and
    at five times it (Spark's start and first-job warm-up are a fixed cost)."""
    _spark_available()
    out = SuiteResult("spark")
    out.details = {}
    n = ctx.size("clean-throughput")
    for size in (n, 5 * n):
        row, details = _compare(ctx, size)
        out.rows.append(row)
        out.details[f"docs_{size}"] = details
    return out


def _compare(ctx: Context, n: int) -> tuple[Row, dict[str, Any]]:
    """The Spark job and `clean --jobs 2` on the same *n* TEST documents."""
    pool = ctx._test_pool("xwlb") + ctx._test_pool("govreport")
    docs = [pool[i % len(pool)] for i in range(n)]
    n_chars = sum(len(a.text) for a in docs)
    with tempfile.TemporaryDirectory(prefix="zhrepair-bench-") as tmp:
        src = Path(tmp) / "in.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for i, a in enumerate(docs):
                f.write(json.dumps({"id": f"{i}:{a.id}", "text": a.text}, ensure_ascii=False) + "\n")
        ref = Path(tmp) / "clean.jsonl"
        progress(f"spark: zhrepair clean --jobs 2 on {n} docs")
        m = run_measured([sys.executable, "-m", "zhrepair", "clean", str(src), "-o", str(ref), "--jobs", "2"], timeout=900)
        if m.returncode != 0 or not ref.exists():
            raise Skip(f"`zhrepair clean --jobs 2` failed (exit {m.returncode}): {m.stderr.strip()[-300:]}")
        clean_secs = m.seconds
        dst = Path(tmp) / "spark-out"
        progress(f"spark: python -m zhrepair.spark --master local[2] on {n} docs")
        argv = [sys.executable, "-m", "zhrepair.spark", str(src), str(dst), "--master", "local[2]"]
        job, procs = _run_tree(argv, timeout=1800)  # the job runs its workers with this interpreter
        if job["returncode"] != 0:
            raise Skip(f"the Spark job failed (exit {job['returncode']}): "
                       + (job["stderr"].strip().splitlines() or ["no stderr"])[-1][:300])
        parts = sorted(dst.glob("part-*"))
        identical = b"".join(p.read_bytes() for p in parts) == ref.read_bytes()
    found = _SUMMARY.search(job["stderr"])
    after_start = float(found.group(2)) if found else float("nan")
    roles = _roles(job["root"], procs)
    workers = roles["worker"]
    worker_mb = max(workers) if workers else float("nan")
    spark_dps, clean_dps = n / job["seconds"], n / clean_secs
    ratio = spark_dps / clean_dps
    row = Row("spark", "python -m zhrepair.spark --master local[2] vs zhrepair clean --jobs 2", n, other=(
        f"{spark_dps:.1f} docs/s = {ratio:.2f}× clean --jobs 2 ({clean_dps:.1f} docs/s; goal ≥ 0.7×) · "
        f"{n / after_start:.1f} docs/s after Spark's start ({job['seconds'] - after_start:.1f} s) · "
        f"records {'identical' if identical else 'DIFFERENT'} · peak RSS {_mb(worker_mb)} per Python worker "
        f"(largest of {len(workers)}), JVM {_mb(max(roles['jvm'], default=float('nan')))}, "
        f"driver {_mb(max(roles['driver'], default=float('nan')))}; clean {_mb(m.worker_rss_mb)} per worker"))
    details = {
        "docs": n, "chars": n_chars, "records_identical": identical, "part_files": len(parts),
        "clean_jobs2": {"seconds": round(clean_secs, 3), "docs_per_second": round(clean_dps, 2),
                        "peak_rss_mb_worker": round(m.worker_rss_mb, 1)},
        "spark_local2": {"seconds": round(job["seconds"], 3), "docs_per_second": round(spark_dps, 2),
                         "seconds_after_spark_start": after_start,
                         "docs_per_second_after_spark_start": round(n / after_start, 2) if after_start else None,
                         "peak_rss_mb_python_workers": [round(x, 1) for x in sorted(workers)],
                         "peak_rss_mb_jvm": [round(x, 1) for x in roles["jvm"]],
                         "peak_rss_mb_driver": [round(x, 1) for x in roles["driver"]]},
        "ratio_docs_per_second": round(ratio, 3),
    }
    return row, details
