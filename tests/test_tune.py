"""`python -m benchmarks.tune`: the TUNE evaluation runs, the search's pieces behave."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks import corpus, spinners, tune

ROOT = Path(__file__).resolve().parents[1]


def shared_data_missing() -> str | None:
    try:
        corpus.corpus_dir()
        if not spinners.public_dict_paths():
            return f"no public dictionaries in {corpus.spinner_dicts_dir()}"
    except corpus.SharedDataMissing as exc:
        return str(exc)
    return None


@pytest.mark.slow  # needs the shared corpus
def test_evaluate_quick_prints_the_figures(tmp_path):
    missing = shared_data_missing()
    if missing:
        pytest.skip(missing)
    out = tmp_path / "tune.json"
    p = subprocess.run([sys.executable, "-m", "benchmarks.tune", "--evaluate", "--quick", "--json", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    for label in ("objective", "(a) sample-spinner F1", "(b) public dictionaries micro-F1",
                  "(c) clean false edits", "(d) detection ROC AUC", "(e) hard styles micro-F1"):
        assert label in p.stdout
    fig = json.loads(out.read_text(encoding="utf-8"))["start"]
    assert 0.5 < fig["sample_f1"] <= 1 and 0.5 < fig["dicts_f1"] <= 1 and 0.3 < fig["styles_f1"] <= 1
    assert fig["objective"] == pytest.approx((fig["sample_f1"] + fig["dicts_f1"] + fig["styles_f1"]) / 3, abs=1e-3)
    assert len(fig["per_dict_f1"]) == len(spinners.public_dict_paths())
    assert fig["clean_false_per_10k"] >= 0 and 0 <= fig["auc_known"] <= 1


def test_searched_fields_come_from_the_origins():
    from zhrepair.tuning import TUNED, Tuning

    names = tune.searched_fields()
    assert names and set(names) <= {f for f, *_ in Tuning.describe()}
    assert not set(names) & set(tune.calibrate.DETECTOR_FIELDS)
    for name in names:
        value = getattr(TUNED, name)
        trials = tune.grid(name, value)
        assert trials and value not in trials
        lo, hi = tune.BOUNDS.get(name, (-math.inf, math.inf))
        assert all(lo <= t <= hi and type(t) is type(value) for t in trials)


def test_grid():
    assert tune.grid("window", 1) == [2]  # window >= 1
    assert tune.grid("some_real", 0.3) == [0.15, 0.225, 0.4, 0.6]
    assert tune.grid("min_choice_ratio", 1.5) == [1.0, 1.12, 2.0, 3.0]
    assert tune.grid("clean_threshold", 0.5) == [0.25, 0.375, 0.667, 0.95]


def test_paste_lines_are_python():
    from zhrepair import tuning

    changed = {"char_gain": 0.4, "window": 4, "llr_weight": 0.6}
    code = "class T:\n" + tune.paste_lines(changed)
    space = {**vars(tuning), "_c": lambda value, meaning, origin: (value, meaning, origin)}
    exec(compile(code, "<paste>", "exec"), space)
    meta = {f: (m, o) for f, _, m, o in tuning.Tuning.describe()}
    for name, value in changed.items():
        assert getattr(space["T"], name) == (value, *meta[name])


def test_shared_repairers_match_fresh_ones():
    """The search shares loaded Repairers between tunings that agree on the load-time fields."""
    import zhrepair
    from zhrepair.tuning import TUNED

    text = (ROOT / "benchmarks" / "data" / "sample" / "spun.txt").read_text(encoding="utf-8")
    fields = tune.load_time_fields()
    assert "char_gain" in fields and "spin_prior" not in fields
    shared = tune.Repairers()
    shared.get("default", (), TUNED)
    for values in ({"spin_prior": 0.05, "window": 2}, {"min_choice_ratio": 3.0, "overwhelming_margin": 2.0}):
        t = TUNED.with_values(**values)
        got, want = shared.get("default", (), t).repair(text), zhrepair.Repairer(tuning=t).repair(text)
        assert got.edits == want.edits and got.spin_score == want.spin_score
