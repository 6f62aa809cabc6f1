"""`python -m benchmarks --quick` — the benchmark command itself keeps working (no timing asserted)."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow  # about 45 s: five suites in a subprocess; .ci/run runs it
def test_quick_benchmark_runs(tmp_path):
    readme_before = (ROOT / "README.md").read_bytes()
    p = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-readme", "--out", str(tmp_path),
         "--suite", "sample", "--suite", "sample-spinner", "--suite", "clean", "--suite", "detection", "--suite", "speed"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    sample = results["suites"]["sample"]
    assert sample["status"] == "ok"
    # the sample always runs (it ships in benchmarks/data); the in-sample floor of the README
    assert sample["rows"][0]["p"] >= 0.95 and sample["rows"][0]["r"] >= 0.90
    assert {"ok", "skipped"} >= {s["status"] for s in results["suites"].values()}
    speed = results["suites"]["speed"]
    if speed["status"] == "ok":  # every row a time ratio to jieba.lcut, or a load time
        ratios = speed["details"]["time_ratio_vs_jieba"]
        assert {"repair()", "detect()", "repair() + detect()"} <= set(ratios) and all(r > 0 for r in ratios.values())
        assert all("jieba's time" in r["other"] for r in speed["rows"] if "vs jieba" in r["data"])
    assert (ROOT / "README.md").read_bytes() == readme_before
