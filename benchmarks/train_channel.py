"""Fit the learned spinner channel (:mod:`zhrepair.channel`) on the public spinner dictionaries.

    python -m benchmarks.train_channel                  # lodo table, then fit on all 8, write src/zhrepair/data/channel.json
    python -m benchmarks.train_channel --evaluate-only  # lodo table only, write nothing

**Positives.** Every distinct ``(original, spun)`` pair of the eight dictionaries in
``../shared/data/spinner-dicts`` whose original is a word of the language model, both
sides of at most ``MAX_CANDIDATE_LEN`` characters and different: 28,088 pairs (the
dictionaries' 234,000 lines repeat one another: most are copies of a common list);
spun forms outside the vocabulary (设置装备摆设) are kept: their features flag it.

**Negatives, per positive (o, s)** (110,924 in all, about four per positive; any
negative that is a positive pair of some dictionary is dropped):

- ``RANDOM_NEGATIVES`` = 1 random pair (o', s): o' a vocabulary word of o's length and
  about o's frequency (one of its ``FREQ_WINDOW`` neighbours in frequency order);
- ``HARD_NEGATIVES`` = 3 candidates of s from :func:`zhrepair.channel.candidate_ids` that
  are none of s's known originals: one drawn uniformly, two among the ``HARD_TOP`` most
  frequent (the confusions a frequency ranking makes).

**Model.** scikit-learn's logistic regression (C = ``C``) on standardised features; only
the means, scales, coefficients and intercept ship. ``prior_weight`` (added times the
candidate's log10 frequency when :func:`~zhrepair.channel.candidates` ranks) is chosen
from ``PRIOR_GRID`` by mean reciprocal rank on spun forms of the training dictionaries.

**Evaluation: leave one dictionary out.** For each dictionary D the channel (and its
prior weight) is fitted on the other seven only; on D: ROC AUC over D's rows (positives
and their negatives), and for up to ``N_EVAL`` spun forms of D: coverage (a true original
among all generated candidates) and recall@1/5/10/50 of the channel's ranking, against
ranking the same candidates by unigram frequency. The dictionaries overlap (some are
copies of others), so each row gives the share of D's pairs found in the other seven, and
a second table counts only D's pairs absent from them ("unseen").
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from zhrepair import channel as ch
from zhrepair.languagemodel import shared_model

OUT = Path(__file__).resolve().parents[1] / "src" / "zhrepair" / "data" / "channel.json"
RANDOM_NEGATIVES = 1
HARD_NEGATIVES = 3
HARD_TOP = 10
FREQ_WINDOW = 50
C = 1.0
PRIOR_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
N_EVAL = 2000
N_PRIOR = 500
KS = (1, 5, 10, 50)
SEED = 20260


def log(msg: str) -> None:
    print(f"[train_channel] {msg}", file=sys.stderr, flush=True)


def read_dictionaries() -> dict[str, set[tuple[str, str]]]:
    """Name → its ``(original, spun)`` pairs usable for training (see the module docstring)."""
    from .spinners import public_dict_paths

    vocab = shared_model().unigram
    out: dict[str, set[tuple[str, str]]] = {}
    for path in public_dict_paths():
        pairs = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                o, _, s = line.rstrip("\n").partition("\t")
                if o in vocab and s and o != s and len(o) <= ch.MAX_CANDIDATE_LEN and len(s) <= ch.MAX_CANDIDATE_LEN:
                    pairs.add((o, s))
        out[path.stem] = pairs
    return out


@dataclass
class Rows:
    """Feature rows with their label, their pair's dictionary mask and whether they are positive pairs."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray  # bit d set: the row's positive pair is in dictionary d
    names: list[str]


def build_rows(dicts: dict[str, set[tuple[str, str]]], seed: int = SEED) -> Rows:
    """Positives and negatives of every pair of *dicts* (see the module docstring), featurised."""
    rng = random.Random(seed)
    t = ch._default_tables(None)
    names = sorted(dicts)
    mask: dict[tuple[str, str], int] = {}
    for d, name in enumerate(names):
        for pair in dicts[name]:
            mask[pair] = mask.get(pair, 0) | (1 << d)
    originals: dict[str, set[str]] = {}
    for o, s in mask:
        originals.setdefault(s, set()).add(o)
    by_len: dict[int, list[int]] = {}
    for i in np.argsort(-t.logp, kind="stable").tolist():
        by_len.setdefault(int(t.lens[i]), []).append(i)
    rank = {i: r for ids in by_len.values() for r, i in enumerate(ids)}
    pools: dict[str, np.ndarray] = {}
    pairs: list[tuple[str, str]] = []
    labels: list[int] = []
    masks: list[int] = []
    for (o, s), m in sorted(mask.items()):
        pairs.append((o, s))
        labels.append(1)
        masks.append(m)
        negs = []
        same = by_len[len(o)]
        r = rank[t.ids[o]]
        for _ in range(RANDOM_NEGATIVES):
            j = same[min(len(same) - 1, max(0, r + rng.randint(-FREQ_WINDOW, FREQ_WINDOW)))]
            negs.append(t.words[j])
        if s not in pools:
            known = [t.ids[w] for w in originals[s] if w in t.ids]
            pool = ch.candidate_ids(s)
            pools[s] = pool[~np.isin(pool, known)]
        pool = pools[s]
        if len(pool):
            negs.append(t.words[int(pool[rng.randrange(len(pool))])])
            top = pool[np.argsort(-t.logp[pool], kind="stable")[:HARD_TOP]]
            negs += [t.words[int(top[rng.randrange(len(top))])] for _ in range(HARD_NEGATIVES - 1)]
        for w in negs:
            if w != s and (w, s) not in mask:
                pairs.append((w, s))
                labels.append(0)
                masks.append(m)
    log(f"{len(mask)} positive pairs, {len(pairs) - len(mask)} negatives; featurising")
    x = np.vstack([ch.feature_matrix([p[0] for p in pairs[i:i + 20000]], [p[1] for p in pairs[i:i + 20000]])
                   for i in range(0, len(pairs), 20000)])
    return Rows(x, np.array(labels), np.array(masks, dtype=np.int64), names)


def fit_channel(x: np.ndarray, y: np.ndarray, c: float = C, prior_weight: float = 0.0) -> ch.SpinnerChannel:
    """Logistic regression on standardised *x*, as a :class:`~zhrepair.channel.SpinnerChannel`."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y)
    return ch.SpinnerChannel(ch.FEATURES, mean, scale, model.coef_[0].copy(), float(model.intercept_[0]), prior_weight)


def spun_forms(pairs: Sequence[tuple[str, str]], n: int, seed: int = SEED) -> list[tuple[str, frozenset[str]]]:
    """Up to *n* spun forms of *pairs* (sampled), each with its originals among *pairs*."""
    truths: dict[str, set[str]] = {}
    for o, s in pairs:
        truths.setdefault(s, set()).add(o)
    forms = sorted(truths)
    random.Random(seed).shuffle(forms)
    return [(s, frozenset(truths[s])) for s in forms[:n]]


def ranks(channel: ch.SpinnerChannel, forms: Sequence[tuple[str, frozenset[str]]],
          weights: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Per form: the best rank (1-based; 0 = not generated) of a true original, under the channel with each
    prior weight (forms × weights), and under unigram frequency alone (forms)."""
    t = ch._default_tables(None)
    out = np.zeros((len(forms), len(weights)), dtype=np.int64)
    base = np.zeros(len(forms), dtype=np.int64)
    for k, (s, truth) in enumerate(forms):
        ids = ch.candidate_ids(s)
        hit = np.isin(ids, [t.ids[w] for w in truth if w in t.ids])
        if not hit.any():
            continue
        logit = channel.score(ch.candidate_features(s, ids))
        logp = t.logp[ids]
        for j, w in enumerate(weights):
            score = logit + w * logp
            out[k, j] = 1 + int((score > score[hit].max()).sum())
        base[k] = 1 + int((logp > logp[hit].max()).sum())
    return out, base


def choose_prior(channel: ch.SpinnerChannel, forms: Sequence[tuple[str, frozenset[str]]]) -> float:
    """The weight of :data:`PRIOR_GRID` with the best mean reciprocal rank on *forms*."""
    r, _ = ranks(channel, forms, PRIOR_GRID)
    mrr = np.where(r > 0, 1.0 / np.maximum(r, 1), 0.0).mean(axis=0)
    return float(PRIOR_GRID[int(mrr.argmax())])


def recall(r: np.ndarray) -> list[float]:
    return [float(((r > 0) & (r <= k)).mean()) if len(r) else float("nan") for k in KS]


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")


def lodo(rows: Rows, dicts: dict[str, set[tuple[str, str]]]) -> list[dict[str, float | str]]:
    """One row of figures per left-out dictionary (see the module docstring)."""
    out: list[dict[str, float | str]] = []
    for d, name in enumerate(rows.names):
        started = time.perf_counter()
        bit = 1 << d
        train = (rows.mask & ~bit) != 0
        test = (rows.mask & bit) != 0
        unseen = rows.mask == bit
        channel = fit_channel(rows.x[train], rows.y[train])
        others = {p for n, pairs in dicts.items() if n != name for p in pairs}
        channel = replace(channel, prior_weight=choose_prior(channel, spun_forms(sorted(others), N_PRIOR)))
        score = channel.score(rows.x)
        own = sorted(dicts[name])
        fresh = [p for p in own if p not in others]
        row: dict[str, float | str] = {"dict": name, "pairs": len(own), "overlap": 1 - len(fresh) / max(len(own), 1),
                                       "prior_weight": channel.prior_weight,
                                       "auc": auc(rows.y[test], score[test]), "auc_unseen": auc(rows.y[unseen], score[unseen])}
        for tag, pairs in (("all", own), ("unseen", fresh)):
            forms = spun_forms(pairs, N_EVAL)
            r, base = ranks(channel, forms, (channel.prior_weight,))
            row[f"{tag}_forms"] = len(forms)
            row[f"{tag}_coverage"] = float((base > 0).mean()) if len(forms) else float("nan")
            for k, v in zip(KS, recall(r[:, 0])):
                row[f"{tag}_r{k}"] = v
            for k, v in zip(KS, recall(base)):
                row[f"{tag}_base_r{k}"] = v
        out.append(row)
        log(f"{name}: {time.perf_counter() - started:.0f}s")
    return out


def table(rows: list[dict[str, float | str]]) -> str:
    def f(v: float | str) -> str:
        return v if isinstance(v, str) else f"{v:.3f}"

    lines = []
    for tag, title in (("all", "all pairs of D"), ("unseen", "pairs of D absent from the other 7")):
        lines += [f"\n**{title}** (channel trained without D; R@k channel / frequency baseline)\n",
                  "| D | pairs | overlap | AUC | spun forms | coverage | R@1 | R@5 | R@10 | R@50 | prior |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            a = r["auc"] if tag == "all" else r["auc_unseen"]
            rec = " | ".join(f"{f(r[f'{tag}_r{k}'])} / {f(r[f'{tag}_base_r{k}'])}" for k in KS)
            lines.append(f"| {r['dict']} | {r['pairs']} | {f(r['overlap'])} | {f(a)} | {r[f'{tag}_forms']} | "
                         f"{f(r[f'{tag}_coverage'])} | {rec} | {r['prior_weight']} |")
        counted = [r for r in rows if float(r[f"{tag}_forms"]) > 0]
        n = sum(float(r[f"{tag}_forms"]) for r in counted)
        mean = {key: sum(float(r[key]) * float(r[f"{tag}_forms"]) for r in counted) / max(n, 1)
                for key in [f"{tag}_coverage"] + [f"{tag}_r{k}" for k in KS] + [f"{tag}_base_r{k}" for k in KS]}
        rec = " | ".join(f"{f(mean[f'{tag}_r{k}'])} / {f(mean[f'{tag}_base_r{k}'])}" for k in KS)
        lines.append(f"| *pooled* | | | | {int(n)} | {f(mean[f'{tag}_coverage'])} | {rec} | |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluate-only", action="store_true", help="print the lodo table, write nothing")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    dicts = read_dictionaries()
    rows = build_rows(dicts)
    log(f"rows built in {time.perf_counter() - started:.0f}s: {len(rows.y)} ({int(rows.y.sum())} positive)")
    figures = lodo(rows, dicts)
    print(table(figures))
    if args.evaluate_only:
        return 0
    channel = fit_channel(rows.x, rows.y)
    every = sorted({p for pairs in dicts.values() for p in pairs})
    prior = choose_prior(channel, spun_forms(every, 2 * N_PRIOR))
    provenance = {
        "script": "python -m benchmarks.train_channel",
        "date": datetime.date.today().isoformat(),
        "training_data": (f"{int(rows.y.sum())} distinct (original, spun) pairs of the 8 public spinner dictionaries "
                          f"({', '.join(rows.names)}) with the original in the LM vocabulary, as positives; "
                          f"{len(rows.y) - int(rows.y.sum())} negatives: per positive {RANDOM_NEGATIVES} frequency-matched "
                          f"random vocabulary word and {HARD_NEGATIVES} candidates of the spun form that are not its original"),
        "model": f"sklearn LogisticRegression(C={C}) on standardised features; prior_weight by MRR from {PRIOR_GRID}",
        "lodo": [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()} for row in figures],
    }
    channel = replace(channel, prior_weight=prior, provenance=provenance)
    channel.save(OUT)
    log(f"wrote {OUT} (prior weight {prior}); {time.perf_counter() - started:.0f}s in all")
    for name, w in zip(ch.FEATURES, channel.coef):
        print(f"{name:24s} {w:+.3f}")
    print(f"{'intercept':24s} {channel.intercept:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
