"""Fit the detection constants of ``zhrepair/detection.py`` on TUNE articles.

    python -m benchmarks.calibrate [--n 60]

Features per document (from ``Repairer.detect``): the likelihood ratio of the known spun
forms, clipped, and the fluency. Positives: TUNE articles (xwlb and 1998 People's Daily)
spun by the sample's spinner and by each public dictionary (the dictionary *not* loaded:
an unknown spinner); negatives: clean TUNE articles of all four corpora, so that an older
or plainer style is not taken for spinning. A logistic regression (plain gradient descent, features
standardised) gives the weights, printed in the module's terms to copy into
``detection.py``. Only TUNE text is read; the benchmarks' TEST text stays unseen.
"""

from __future__ import annotations

import argparse
import math
import sys

from . import corpus, spinners
from .simulator import spin


def features(det) -> tuple[float, float]:
    import zhrepair.detection as d

    lo, hi = d.LLR_CLIP
    return min(max(det.llr, lo), hi), (det.fluency if det.fluency is not None else d.FLUENCY_CENTRE)


def fit(xs: list[tuple[float, float]], ys: list[int], ws: list[float], steps: int = 4000, lr: float = 0.5):
    """Weighted logistic regression on standardised features; returns raw-scale (w1, w2, b)."""
    n = len(xs)
    mu = [sum(x[k] for x in xs) / n for k in (0, 1)]
    sd = [math.sqrt(sum((x[k] - mu[k]) ** 2 for x in xs) / n) or 1.0 for k in (0, 1)]
    zs = [((x[0] - mu[0]) / sd[0], (x[1] - mu[1]) / sd[1]) for x in xs]
    w, b, total_w = [0.0, 0.0], 0.0, sum(ws)
    for _ in range(steps):
        g0 = g1 = gb = 0.0
        for (z0, z1), y, wt in zip(zs, ys, ws):
            p = 1.0 / (1.0 + math.exp(-max(min(w[0] * z0 + w[1] * z1 + b, 50), -50)))
            e = (p - y) * wt
            g0, g1, gb = g0 + e * z0, g1 + e * z1, gb + e
        w[0] -= lr * (g0 / total_w + 1e-3 * w[0])
        w[1] -= lr * (g1 / total_w + 1e-3 * w[1])
        b -= lr * gb / total_w
    w1, w2 = w[0] / sd[0], w[1] / sd[1]
    return w1, w2, b - w1 * mu[0] - w2 * mu[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=60, help="articles per group (default 60)")
    args = ap.parse_args(argv)
    import zhrepair

    r = zhrepair.Repairer().load()
    tune = corpus.tune_articles("xwlb")
    xs: list[tuple[float, float]] = []
    ys: list[int] = []
    ws: list[float] = []
    groups: list[tuple[str, list[tuple[float, float]]]] = []

    def add(name: str, texts: list[str], label: int, weight: float) -> None:
        feats = [features(r.detect(t)) for t in texts]
        groups.append((name, feats))
        xs.extend(feats)
        ys.extend([label] * len(feats))
        ws.extend([weight] * len(feats))
        print(f"[calibrate] {name}: {len(feats)} docs", file=sys.stderr)

    rmrb = corpus.tune_articles("rmrb")
    add("clean xwlb", [a.text for a in corpus.pick(tune, args.n, 1, 2)], 0, 1.0)
    add("clean govreport", [a.text for a in corpus.pick(corpus.tune_articles("govreport"), args.n // 2)], 0, 1.0)
    add("clean rmrb (1998)", [a.text for a in corpus.pick(rmrb, args.n, 1, 2)], 0, 1.0)
    add("clean sighan", [a.text for a in corpus.pick(corpus.tune_articles("sighan"), args.n // 2)], 0, 1.0)
    spun_src = corpus.pick(tune, args.n, 0, 2) + corpus.pick(rmrb, args.n // 2, 0, 2)
    add("sample-spinner", [spin(a.text, spinners.sample_spinner(), seed=f"cal:{a.id}").spun for a in spun_src], 1, 1.0)
    paths = spinners.public_dict_paths()
    per = max(4, len(spun_src) // len(paths))
    for i, p in enumerate(paths):
        arts = (spun_src[i * per :] + spun_src)[:per]
        add(p.stem, [spin(a.text, spinners.public_spinner(p), seed=f"cal:{a.id}").spun for a in arts], 1,
            len(spun_src) / per / len(paths))
    w1, w2, b = fit(xs, ys, ws)
    centre = -3.0
    print(f"LLR_WEIGHT = {w1:.3f}\nFLUENCY_WEIGHT = {-w2:.3f}\nFLUENCY_CENTRE = {centre}\nBIAS = {b + w2 * centre:.3f}")
    for name, feats in groups:
        llrs = sorted(f[0] for f in feats)
        flus = sorted(f[1] for f in feats)
        print(f"  {name:28s} llr median {llrs[len(llrs) // 2]:7.2f}  fluency median {flus[len(flus) // 2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
