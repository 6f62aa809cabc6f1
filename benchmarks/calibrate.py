"""The detector part of ``python -m benchmarks.tune``: fit the detection constants on TUNE articles.

    python -m benchmarks.calibrate [--n 60]     # the fit alone (``benchmarks.tune --detector-only``
                                                # adds the TUNE figures before and after)

Features per document (from ``Repairer.detect``): the likelihood ratio of the known spun
forms, clipped to ``±Tuning.llr_clip``, the fluency and the bigram share. Positives: TUNE articles (xwlb and
1998 People's Daily) spun by the sample's spinner and by each public dictionary (the
dictionary *not* loaded: an unknown spinner), and TUNE manual pages spun by the dictionaries;
negatives: clean TUNE articles of all four corpora and TUNE manual pages, so that an older,
plainer or technical style is not taken for spinning. A logistic
regression (plain gradient descent, features standardised) gives ``llr_weight``,
``fluency_weight``, ``bigram_weight`` and ``detector_bias`` of :class:`zhrepair.tuning.Tuning`,
around the chosen ``fluency_centre`` and ``bigram_centre``. Only TUNE text is read; the benchmarks' TEST text stays unseen.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from . import corpus, spinners, styles
from .simulator import spin

#: the Tuning fields the regression sets
DETECTOR_FIELDS = ("llr_weight", "fluency_weight", "bigram_weight", "detector_bias")


@dataclass(frozen=True)
class Group:
    """Documents of one kind for the regression: label 1 = spun, with a weight per document."""

    name: str
    texts: tuple[str, ...]
    label: int
    weight: float


def news_articles(n: int = 60) -> tuple[list[corpus.Article], list[corpus.Article], list[corpus.Article]]:
    """The TUNE news articles the regression reads: clean xwlb, clean People's Daily 1998,
    and those it spins (*n* per group)."""
    tune, rmrb = corpus.tune_articles("xwlb"), corpus.tune_articles("rmrb")
    return corpus.pick(tune, n, 1, 2), corpus.pick(rmrb, n, 1, 2), corpus.pick(tune, n, 0, 2) + corpus.pick(rmrb, n // 2, 0, 2)


def detector_groups(n: int = 60) -> list[Group]:
    """The regression's documents, from TUNE articles only (*n* per group; fixed seeds)."""
    clean_xwlb, clean_rmrb, spun_src = news_articles(n)
    groups = [
        Group("clean xwlb", tuple(a.text for a in clean_xwlb), 0, 1.0),
        Group("clean govreport", tuple(a.text for a in corpus.pick(corpus.tune_articles("govreport"), n // 2)), 0, 1.0),
        Group("clean rmrb (1998)", tuple(a.text for a in clean_rmrb), 0, 1.0),
        Group("clean sighan", tuple(a.text for a in corpus.pick(corpus.tune_articles("sighan"), n // 2)), 0, 1.0),
        # technical text (Chinese manual pages, code and English mixed in) reads unlike news
        Group("clean manpages", tuple(a.text for a in styles.style_articles("manpages", "tune", n // 2, slot=2, slots=4)),
              0, 1.0),
    ]
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


def features(det: Any, tuning: Any) -> tuple[float, float, float]:
    """(clipped llr, fluency, bigram share) of a Detection; no fluency or share (past the
    clip) counts as the centre."""
    clip = tuning.llr_clip
    return (min(max(det.llr, -clip), clip), det.fluency if det.fluency is not None else tuning.fluency_centre,
            det.bigram_share if det.bigram_share is not None else tuning.bigram_centre)


def fit(xs: list[tuple[float, ...]], ys: list[int], ws: list[float], steps: int = 4000,
        lr: float = 0.5) -> tuple[list[float], float]:
    """Weighted logistic regression on standardised features (L2 1e-3 on the weights);
    returns the raw-scale weights and intercept."""
    import numpy as np

    x, y, wt = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), np.asarray(ws, dtype=float)
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    w, b, total_w = np.zeros(x.shape[1]), 0.0, wt.sum()
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w + b, -50, 50)))
        e = (p - y) * wt
        w -= lr * (z.T @ e / total_w + 1e-3 * w)
        b -= lr * e.sum() / total_w
    raw = w / sd
    return raw.tolist(), float(b - raw @ mu)


def fit_detector(tuning: Any, groups: list[Group], log=None) -> tuple[dict[str, float], list[str]]:
    """Fit the detector with the pipeline as *tuning* sets it: the new values of
    :data:`DETECTOR_FIELDS` (rounded to 3 decimals) and one line of medians per group."""
    import zhrepair

    r = zhrepair.Repairer(tuning=tuning)
    xs: list[tuple[float, float, float]] = []
    ys: list[int] = []
    ws: list[float] = []
    lines = []
    for g in groups:
        feats = [features(r.detect(t), tuning) for t in g.texts]
        xs += feats
        ys += [g.label] * len(feats)
        ws += [g.weight] * len(feats)
        llrs, flus, shares = (sorted(f[k] for f in feats) for k in range(3))
        lines.append(f"{g.name:28s} {len(feats):4d} docs  llr median {llrs[len(llrs) // 2]:7.2f}  "
                     f"fluency median {flus[len(flus) // 2]:.3f}  bigram share median {shares[len(shares) // 2]:.3f}")
        if log:
            log(f"detector features: {g.name}, {len(feats)} docs")
    (w1, w2, w3), b = fit(xs, ys, ws)
    # score = sigmoid(w1 * llr + w2 * fluency + w3 * share + b)
    #       = sigmoid(w1 * llr + (-w2) * (fc - fluency) + (-w3) * (tc - share) + b + w2 * fc + w3 * tc)
    values = {"llr_weight": round(w1, 3), "fluency_weight": round(-w2, 3), "bigram_weight": round(-w3, 3),
              "detector_bias": round(b + w2 * tuning.fluency_centre + w3 * tuning.bigram_centre, 3)}
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
