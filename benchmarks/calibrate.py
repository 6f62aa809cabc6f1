"""The detector part of ``python -m benchmarks.tune``: fit the detection constants on TUNE articles.

    python -m benchmarks.calibrate [--n 60]     # the fit alone (``benchmarks.tune --detector-only``
                                                # adds the TUNE figures before and after)

Features per document (from ``Repairer.detect``): the likelihood ratio of the known spun
forms, clipped to ``±Tuning.llr_clip``, and the fluency. Positives: TUNE articles (xwlb and
1998 People's Daily) spun by the sample's spinner and by each public dictionary (the
dictionary *not* loaded: an unknown spinner), and TUNE manual pages spun by the dictionaries;
negatives: clean TUNE articles of all four corpora and TUNE manual pages, so that an older,
plainer or technical style is not taken for spinning. A logistic
regression (plain gradient descent, features standardised) gives ``llr_weight``,
``fluency_weight`` and ``detector_bias`` of :class:`zhrepair.tuning.Tuning`, around the
chosen ``fluency_centre``. Only TUNE text is read; the benchmarks' TEST text stays unseen.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from typing import Any

from . import corpus, spinners, styles
from .simulator import spin

#: the Tuning fields the regression sets
DETECTOR_FIELDS = ("llr_weight", "fluency_weight", "detector_bias")


@dataclass(frozen=True)
class Group:
    """Documents of one kind for the regression: label 1 = spun, with a weight per document."""

    name: str
    texts: tuple[str, ...]
    label: int
    weight: float


def detector_groups(n: int = 60) -> list[Group]:
    """The regression's documents, from TUNE articles only (*n* per group; fixed seeds)."""
    tune, rmrb = corpus.tune_articles("xwlb"), corpus.tune_articles("rmrb")
    groups = [
        Group("clean xwlb", tuple(a.text for a in corpus.pick(tune, n, 1, 2)), 0, 1.0),
        Group("clean govreport", tuple(a.text for a in corpus.pick(corpus.tune_articles("govreport"), n // 2)), 0, 1.0),
        Group("clean rmrb (1998)", tuple(a.text for a in corpus.pick(rmrb, n, 1, 2)), 0, 1.0),
        Group("clean sighan", tuple(a.text for a in corpus.pick(corpus.tune_articles("sighan"), n // 2)), 0, 1.0),
        # technical text (Chinese manual pages, code and English mixed in) reads unlike news
        Group("clean manpages", tuple(a.text for a in styles.style_articles("manpages", "tune", n // 2, slot=2, slots=4)),
              0, 1.0),
    ]
    spun_src = corpus.pick(tune, n, 0, 2) + corpus.pick(rmrb, n // 2, 0, 2)
    groups.append(Group("sample-spinner", tuple(spin(a.text, spinners.sample_spinner(), seed=f"cal:{a.id}").spun
                                                for a in spun_src), 1, 1.0))
    paths = spinners.public_dict_paths()
    per = max(4, len(spun_src) // len(paths))
    for i, p in enumerate(paths):
        arts = (spun_src[i * per :] + spun_src)[:per]
        groups.append(Group(p.stem, tuple(spin(a.text, spinners.public_spinner(p), seed=f"cal:{a.id}").spun for a in arts),
                            1, len(spun_src) / per / len(paths)))
    # the same dictionaries on manual pages: as many spun technical documents as clean ones
    per_tech = max(1, n // 2 // len(paths))
    tech = [d.spun for p in paths for _, d in styles.styled_docs(p, "manpages", "tune", per_tech, "cal", slot=3, slots=4)]
    groups.append(Group("public dictionaries, manpages", tuple(tech), 1, 1.0))
    return groups


def features(det: Any, tuning: Any) -> tuple[float, float]:
    """(clipped llr, fluency) of a Detection; no fluency (past the clip) counts as the centre."""
    clip = tuning.llr_clip
    return min(max(det.llr, -clip), clip), (det.fluency if det.fluency is not None else tuning.fluency_centre)


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


def fit_detector(tuning: Any, groups: list[Group], log=None) -> tuple[dict[str, float], list[str]]:
    """Fit the detector with the pipeline as *tuning* sets it: the new values of
    :data:`DETECTOR_FIELDS` (rounded to 3 decimals) and one line of medians per group."""
    import zhrepair

    r = zhrepair.Repairer(tuning=tuning)
    xs: list[tuple[float, float]] = []
    ys: list[int] = []
    ws: list[float] = []
    lines = []
    for g in groups:
        feats = [features(r.detect(t), tuning) for t in g.texts]
        xs += feats
        ys += [g.label] * len(feats)
        ws += [g.weight] * len(feats)
        llrs, flus = sorted(f[0] for f in feats), sorted(f[1] for f in feats)
        lines.append(f"{g.name:28s} {len(feats):4d} docs  llr median {llrs[len(llrs) // 2]:7.2f}  "
                     f"fluency median {flus[len(flus) // 2]:.3f}")
        if log:
            log(f"detector features: {g.name}, {len(feats)} docs")
    w1, w2, b = fit(xs, ys, ws)
    # score = sigmoid(w1 * llr + w2 * fluency + b) = sigmoid(w1 * llr + (-w2) * (centre - fluency) + b + w2 * centre)
    values = {"llr_weight": round(w1, 3), "fluency_weight": round(-w2, 3),
              "detector_bias": round(b + w2 * tuning.fluency_centre, 3)}
    return values, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=60, help="articles per group (default 60)")
    args = ap.parse_args(argv)
    from zhrepair.tuning import TUNED

    try:
        groups = detector_groups(args.n)
    except corpus.SharedDataMissing as exc:
        print(f"calibrate: {exc}", file=sys.stderr)
        return 2
    values, lines = fit_detector(TUNED, groups, log=lambda m: print(f"[calibrate] {m}", file=sys.stderr))
    for name, value in values.items():
        print(f"{name} = {value}  (now {getattr(TUNED, name)})")
    print("\n".join("  " + line for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
