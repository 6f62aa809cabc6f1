"""Fit the learned decision (:mod:`zhrepair.decision`) on TUNE documents.

    python -m benchmarks.train_decision              # fit, print figures, write src/zhrepair/data/decision.json
    python -m benchmarks.train_decision --dry-run    # fit and print, write nothing
    python -m benchmarks.train_decision --quick      # a few documents per set (smoke run)

**Data.** xwlb TUNE articles of the slot that :mod:`benchmarks.tune` leaves unused (slot 3
of 4), so ``python -m benchmarks.tune --evaluate`` still measures the fitted model on
documents it was not fitted on. Sets: the sample's spinner (default lexicon); each public
dictionary spinning its own articles in every style of :mod:`benchmarks.styles` (when it
exists), repaired with that dictionary and the default lexicon, and with all eight loaded;
and clean TUNE articles with all eight loaded (every restoration there is wrong).

**Rows.** :meth:`zhrepair.Repairer.decision_rows`: each option of each site the channel
gives posterior ``FLOOR`` or more. **Label**: the option is the clean text of its site's
span (from the simulator's record of swaps); sites that cut through a swap are left out.

**Model.** scikit-learn's logistic regression on standardised features, its C chosen by
grouped cross-validation (log loss, folds by spinner) from a small grid; the threshold is
the probability that maximises F1 over the out-of-fold predictions (F0.5 chose 0.7, which
cost 0.02 TUNE F1 end to end). Prints the out-of-fold reliability
table (predicted vs observed) and the weights. TEST is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from . import corpus, spinners
from .simulator import Spun, spin
from .suites import load_public_lexicons, public_lexicon

FLOOR = 0.02  # options the channel gives less than this never become restorations
SLOT, N_SLOTS = 3, 4  # benchmarks.tune uses slots 0-2
OUT = Path(__file__).resolve().parents[1] / "src" / "zhrepair" / "data" / "decision.json"
C_GRID = (0.01, 0.1, 1.0, 10.0)
PRECISION_WEIGHT = 1.0  # threshold: maximise F-beta with beta = 1/PRECISION_WEIGHT (F1, as the benchmark counts)


def log(msg: str) -> None:
    print(f"[train_decision] {msg}", file=sys.stderr, flush=True)


def clean_of_span(doc: Spun, start: int, end: int) -> str | None:
    """The clean text of ``doc.spun[start:end]``, or None when the span cuts through a swap."""
    parts, pos = [], start
    for g in doc.swaps:
        if g.end <= start or g.start >= end:
            continue
        if g.start < start or g.end > end:
            return None
        parts += [doc.spun[pos : g.start], g.gold[0]]
        pos = g.end
    parts.append(doc.spun[pos:end])
    return "".join(parts)


@dataclass
class Rows:
    x: list[list[float]]
    y: list[int]
    group: list[str]
    site: list[tuple[str, int]]  # (document key, site start): the options of one site

    def add(self, repairer: Any, text: str, doc: Spun | None, group: str, key: str) -> None:
        for row, site, option, _ in repairer.decision_rows(text, FLOOR):
            truth = site.spun if doc is None else clean_of_span(doc, site.start, site.end)
            if truth is None:
                continue
            self.x.append(row)
            self.y.append(int(option.text == truth and truth != site.spun))
            self.group.append(group)
            self.site.append((key, site.start))


def _docs(spec: Any, name: str, n: int, arts: Sequence[corpus.Article]) -> Iterable[tuple[str, Spun]]:
    for a in arts[:n]:
        yield a.id, spin(a.text, spec, seed=f"train:{name}:{a.id}")


def build_rows(n_sample: int, n_dict: int, n_clean: int) -> Rows:
    import zhrepair

    rows = Rows([], [], [], [])
    arts = corpus.pick(corpus.tune_articles("xwlb"), n_sample + 8 * n_dict + n_clean, SLOT, N_SLOTS)
    default = zhrepair.Repairer()
    t0 = time.perf_counter()
    for key, doc in _docs(spinners.sample_spinner(), "sample", n_sample, arts):
        rows.add(default, doc.spun, doc, "sample", key)
    log(f"sample spinner: {len(rows.y)} rows ({time.perf_counter() - t0:.0f} s)")
    paths = spinners.public_dict_paths()
    everything = zhrepair.Repairer(lexicons=load_public_lexicons(paths))
    rest = arts[n_sample:]
    for k, path in enumerate(paths):
        own = zhrepair.Repairer(lexicons=[public_lexicon(path)])
        mine = rest[k * n_dict : (k + 1) * n_dict]
        for key, doc in _docs(spinners.public_spinner(path), path.stem, n_dict, mine):
            rows.add(own, doc.spun, doc, path.stem, key)
            rows.add(everything, doc.spun, doc, path.stem, key + ":all")
        log(f"{path.stem}: {len(rows.y)} rows so far ({time.perf_counter() - t0:.0f} s)")
    for a in rest[8 * n_dict : 8 * n_dict + n_clean]:
        rows.add(everything, a.text, None, "clean", a.id)
    log(f"clean: {len(rows.y)} rows, {sum(rows.y)} positive ({time.perf_counter() - t0:.0f} s)")
    return rows


def site_f(y: np.ndarray, p: np.ndarray, sites: Sequence[tuple[str, int]], threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F-beta (beta = 1/PRECISION_WEIGHT) of restoring each site's
    most probable option when it reaches *threshold*."""
    best: dict[tuple[str, int], tuple[float, int]] = {}
    positives = set()
    for i, s in enumerate(sites):
        if y[i]:
            positives.add(s)
        if s not in best or p[i] > best[s][0]:
            best[s] = (float(p[i]), int(y[i]))
    changed = [(q, ok) for q, ok in best.values() if q >= threshold]
    tp = sum(ok for _, ok in changed)
    precision = tp / len(changed) if changed else 1.0
    recall = tp / len(positives) if positives else 1.0
    b2 = 1 / PRECISION_WEIGHT**2
    f = (1 + b2) * precision * recall / (b2 * precision + recall) if precision + recall else 0.0
    return precision, recall, f


def fit(rows: Rows) -> tuple[dict[str, Any], dict[str, Any]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    from zhrepair.decision import FEATURES

    x, y = np.asarray(rows.x, dtype=float), np.asarray(rows.y)
    groups = np.asarray(rows.group)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    folds = GroupKFold(n_splits=min(5, len(set(rows.group))))
    best_c, best_loss, oof_best = C_GRID[0], np.inf, np.zeros(len(y))
    for c in C_GRID:
        oof = np.zeros(len(y))
        for train, test in folds.split(z, y, groups):
            m = LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train])
            oof[test] = m.predict_proba(z[test])[:, 1]
        loss = log_loss(y, oof)
        log(f"C={c}: out-of-fold log loss {loss:.4f}")
        if loss < best_loss:
            best_c, best_loss, oof_best = c, loss, oof
    grid = [round(t, 2) for t in np.arange(0.3, 0.96, 0.05)]
    scored = [(site_f(y, oof_best, rows.site, t), t) for t in grid]
    (precision, recall, fbeta), threshold = max(scored, key=lambda s: s[0][2])
    model = LogisticRegression(C=best_c, max_iter=2000).fit(z, y)
    bins = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(oof_best, bins) - 1, 0, 9)
    reliability = [{"bin": f"{bins[b]:.1f}-{bins[b + 1]:.1f}", "n": int((which == b).sum()),
                    "predicted": round(float(oof_best[which == b].mean()), 3) if (which == b).any() else None,
                    "observed": round(float(y[which == b].mean()), 3) if (which == b).any() else None}
                   for b in range(10)]
    data = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "threshold": float(threshold),
        "floor": FLOOR,
        "origin": (f"benchmarks.train_decision on TUNE (xwlb slot {SLOT} of {N_SLOTS}): {len(y)} options, "
                   f"{int(y.sum())} right; C={best_c} by grouped CV; threshold by out-of-fold F1"),
    }
    report = {"rows": len(y), "positives": int(y.sum()), "C": best_c, "oof_log_loss": round(best_loss, 4),
              "threshold": threshold, "oof_site_precision": round(precision, 4), "oof_site_recall": round(recall, 4),
              "reliability": reliability,
              "per_threshold": [{"t": t, "P": round(s[0], 4), "R": round(s[1], 4)} for s, t in scored]}
    return data, report


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.train_decision", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a few documents per set")
    p.add_argument("--dry-run", action="store_true", help="print the figures, write no model")
    p.add_argument("--out", type=Path, default=OUT, help=f"where the model goes (default {OUT})")
    p.add_argument("--rows", type=Path, help="cache the feature rows in this .npz (reused when it exists)")
    args = p.parse_args(argv)
    if args.rows and args.rows.exists():
        r = np.load(args.rows, allow_pickle=False)
        rows = Rows(r["x"].tolist(), r["y"].tolist(), r["group"].tolist(),
                    [(k, int(s)) for k, s in zip(r["site_key"].tolist(), r["site_start"].tolist())])
    else:
        rows = build_rows(*((4, 2, 4) if args.quick else (100, 25, 60)))
        if args.rows:
            np.savez(args.rows, x=np.asarray(rows.x), y=np.asarray(rows.y), group=np.asarray(rows.group),
                     site_key=np.asarray([k for k, _ in rows.site]), site_start=np.asarray([s for _, s in rows.site]))
    data, report = fit(rows)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    for name, w in sorted(zip(data["features"], data["weights"]), key=lambda t: -abs(t[1])):
        print(f"  {name:20s} {w:+.3f}")
    if not args.dry_run:
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
