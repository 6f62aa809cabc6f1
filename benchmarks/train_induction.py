"""Fit the induction model (:mod:`zhrepair.induction`) on TUNE crawls, and measure it.

    python -m benchmarks.train_induction                 # fit, print figures, write src/zhrepair/data/induction.json
    python -m benchmarks.train_induction --dry-run       # fit and print, write nothing
    python -m benchmarks.train_induction --split test    # the shipped model on TEST crawls (no fit; run once)

**Crawls** (``DOCS`` documents each). *Training*: for each public dictionary, xwlb articles
of the split (slot 0 of 2) spun by it in the blind style (every occurrence, a random
replacement each time). *Gate only*: the same dictionaries in the ``partial`` (30–100 %)
and ``manpages`` styles for two of them, the sample's spinner, and clean crawls — xwlb
articles (slot 1), short documents and manual pages — none of which the regression sees.
**Rows**: :func:`zhrepair.induction.candidate_rows`; **label**: the pair (form, candidate)
is one the spinner used in that crawl.

**Leave one dictionary out.** For each dictionary, a logistic regression (scikit-learn,
standardised features, C = 1) is fitted on the other seven blind crawls and judged on
every crawl that dictionary spun: entries induced at each threshold, how many are right,
and the share of the crawl's swap occurrences the right ones cover. Clean and sample-spinner
crawls are judged by the model fitted on all eight.

**Choices.** The threshold is the lowest of ``THRESHOLDS`` at which the pooled left-out
entries are right ``ENTRY_PRECISION`` of the time. The gate is the geometric mean of the
highest share of words that look spun in a clean crawl and the lowest in a spun one
(:class:`zhrepair.induction.Induction`), each form counting at most the cap of ``GATE_CAPS``
under which the two are furthest apart (a clean crawl of manual pages had 的 ← 底 at
probability 1.0, 8 % of its words). Then each crawl is induced (left-out model, that
threshold and gate) and its own pages repaired with the result, default lexicon loaded:
precision and recall by region (as every suite counts) and by single swap (word level),
and false edits per 10k characters on the clean crawls. The model shipped is fitted on
all eight blind crawls. Rows hold corpus words, so ``--cache`` must be outside the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import spinners, styles
from .scoring import Score, WordScore, false_edits_per_10k, score, word_score

DOCS = 300
SLOT, N_SLOTS = 0, 2  # spun crawls; clean crawls are slot 1
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
ENTRY_PRECISION = 0.85
GATE_CAPS = (10, 30, 100, 300, 0)  # occurrences a form counts for at most in the gate's share (0: all)
GATE_SPUN_EXTRA = ("milu_word_dat", "sitebuilde_wyc")  # also spun in the partial and manpages styles
CLEAN = ("clean", "clean-short", "clean-manpages")
CACHE_VERSION = 5  # bump when candidate_rows changes
OUT = Path(__file__).resolve().parents[1] / "src" / "zhrepair" / "data" / "induction.json"


def log(msg: str) -> None:
    print(f"[train_induction] {msg}", file=sys.stderr, flush=True)


def dictionary_of(crawl: str) -> str | None:
    """The public dictionary that spun *crawl* (``NAME``, ``partial:NAME``, ``manpages:NAME``)."""
    name = crawl.split(":")[-1]
    return None if name in CLEAN or name == "sample" else name


def crawl_texts(crawl: str, split: str, docs: int) -> tuple[list[str], list[Any]]:
    """The pages of *crawl* and their spun records (none for a clean crawl)."""
    clean_styles = {"clean": "blind", "clean-short": "short", "clean-manpages": "manpages"}
    if crawl in clean_styles:
        return [a.text for a in styles.style_articles(clean_styles[crawl], split, docs, slot=1, slots=N_SLOTS)], []
    style, _, name = crawl.rpartition(":")
    spec: Any = spinners.sample_spinner() if name == "sample" else next(
        p for p in spinners.public_dict_paths() if p.stem == name)
    spun = [d for _, d in styles.styled_docs(spec, style or "blind", split, docs, slot=SLOT, slots=N_SLOTS)]
    return [d.spun for d in spun], spun


def crawl_rows(crawl: str, split: str, docs: int, cache: str | None = None) -> dict[str, Any]:
    """The candidate pairs of *crawl*, their feature rows and labels (kept in *cache*)."""
    from zhrepair.induction import MIN_COUNT, Crawl, candidate_rows
    from zhrepair.languagemodel import shared_model

    where = Path(cache) / f"{crawl.replace(':', '_')}.{split}.{docs}.v{CACHE_VERSION}.pickle" if cache else None
    if where is not None and where.exists():
        with open(where, "rb") as f:
            kept = pickle.load(f)
        if "tokens" not in kept:  # kept before the gate counted words
            kept["tokens"] = Crawl.of(crawl_texts(crawl, split, docs)[0], shared_model()).tokens
        return kept
    t0 = time.perf_counter()
    texts, spun = crawl_texts(crawl, split, docs)
    lm = shared_model()
    words = Crawl.of(texts, lm)
    pairs, rows = candidate_rows(words, lm)
    gold = Counter((g.spun, g.gold[0]) for d in spun for g in d.swaps)
    out = {"name": crawl, "pairs": pairs, "rows": rows, "gold": gold,
           "labels": np.array([(s, o) in gold for s, o, _, _ in pairs], dtype=bool),
           "forms": sum(1 for n in words.counts.values() if n >= MIN_COUNT), "tokens": words.tokens,
           "seconds": time.perf_counter() - t0}
    if where is not None:
        where.parent.mkdir(parents=True, exist_ok=True)
        with open(where, "wb") as f:
            pickle.dump(out, f)
    return out


def fit(rows: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    lr = LogisticRegression(C=1.0, max_iter=5000).fit((rows - mean) / scale, labels)
    return lr.coef_[0], float(lr.intercept_[0]), mean, scale


def predict(rows: np.ndarray, fitted: tuple) -> np.ndarray:
    w, b, m, s = fitted
    return 1.0 / (1.0 + np.exp(-np.clip(((rows - m) / s) @ w + b, -50, 50)))


def best_of(crawl: dict[str, Any], probabilities: np.ndarray) -> dict[str, tuple[str, float, int]]:
    """Each form's best candidate, its probability and the form's count."""
    best: dict[str, tuple[str, float, int]] = {}
    for (s, o, n, _), p in zip(crawl["pairs"], probabilities.tolist()):
        if s not in best or p > best[s][1]:
            best[s] = (o, p, n)
    return best


def entry_figures(crawl: dict[str, Any], best: dict[str, tuple[str, float, int]],
                  threshold: float) -> tuple[int, int, float]:
    """(entries, right entries, share of the crawl's swap occurrences the right ones cover)."""
    gold: Counter = crawl["gold"]
    right = [(s, o) for s, (o, p, _) in best.items() if p >= threshold and (s, o) in gold]
    total = sum(gold.values())
    n = sum(p >= threshold for _, p, _ in best.values())
    return n, len(right), (sum(gold[x] for x in right) / total if total else 0.0)


def spun_share(crawl: dict[str, Any], best: dict[str, tuple[str, float, int]], cap: int = 0) -> float:
    """The share of the crawl's words that look spun, each form counting at most *cap*
    occurrences (0: all; :meth:`zhrepair.induction.InductionModel.looks_spun`)."""
    from zhrepair.induction import GATE_PROBABILITY

    return sum(min(n, cap or n) for _, p, n in best.values() if p >= GATE_PROBABILITY) / max(1, crawl["tokens"])


def as_dict(fitted: tuple, threshold: float, gate: float, origin: str, gate_cap: int = 0) -> dict[str, Any]:
    from zhrepair.induction import FEATURES

    w, b, m, s = fitted

    def numbers(a: np.ndarray) -> list[float]:
        return [round(float(x), 6) for x in a]

    return {"features": list(FEATURES), "weights": numbers(w), "bias": round(b, 6), "mean": numbers(m),
            "scale": numbers(s), "threshold": threshold, "gate": round(gate, 6), "gate_cap": gate_cap, "origin": origin}


def publish(model: dict[str, Any], out: str | None, say: Any) -> dict[str, Any]:
    """Print *model*'s weights; write it to *out* unless None (a dry run); return it."""
    print("\n## Weights (all eight)\n")
    for name, x in zip(model["features"], model["weights"]):
        print(f"- {name}: {x:+.3f}")
    if out is not None:
        Path(out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        say(f"wrote {out}")
    return model


def evaluate(crawl: str, split: str, docs: int, model: dict[str, Any]) -> dict[str, Any]:
    """Induce over *crawl* with *model* (:func:`zhrepair.induction.induce`, as users call it),
    then repair its pages with the lexicon: the entries at each of ``THRESHOLDS`` (with how
    many are right and the swap occurrences they cover: the curve), and the repair figures
    at the model's threshold."""
    import zhrepair
    from zhrepair.induction import InductionModel, induce

    texts, spun = crawl_texts(crawl, split, docs)
    t0 = time.perf_counter()
    found = induce(texts, model=InductionModel.from_dict(model))
    seconds = time.perf_counter() - t0
    gold = Counter((g.spun, g.gold[0]) for d in spun for g in d.swaps)
    total = sum(gold.values())
    curve = []
    for t in THRESHOLDS:
        pairs = found.at(t).pairs if found.is_spun else ()
        right = [(e.spun, e.original) for e in pairs if (e.spun, e.original) in gold]
        curve.append((t, len(pairs), len(right), sum(gold[x] for x in right) / total if total else 0.0))
    lexicon = found.lexicon()
    repairer = zhrepair.Repairer(lexicons=[lexicon]) if len(lexicon) else zhrepair.Repairer()
    out = {"name": crawl, "docs": len(texts), "chars": sum(map(len, texts)), "entries": len(lexicon),
           "share": found.spun_share, "induce_seconds": round(seconds, 1), "curve": curve}
    if not spun:
        edits = [e for t in texts for e in repairer.repair(t).edits]
        return {**out, "false_edits_per_10k": false_edits_per_10k(edits, out["chars"])}
    return {**out, **repair_figures([(d, repairer.repair(d.spun).edits) for d in spun])}


def repair_figures(repaired: list[tuple[Any, Any]]) -> dict[str, float]:
    """Precision and recall by region and by single swap of (spun record, edits) pairs."""
    words = WordScore()
    for d, edits in repaired:
        words += word_score(d.spun, d.swaps, edits)
    region = Score.total([score(d.spun, d.gold, edits) for d, edits in repaired])
    return {"precision": region.precision, "recall": region.recall, "word_precision": words.precision,
            "word_recall": words.recall}


def evaluate_all(split: str, docs: int, jobs: int = 4, model: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """:func:`evaluate` on every crawl with the shipped model (what the ``induce`` suite reports)."""
    model = model or json.loads(OUT.read_text(encoding="utf-8"))
    every = crawl_names()
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(evaluate, every, [split] * len(every), [docs] * len(every), [model] * len(every)))


def crawl_names() -> list[str]:
    """Every crawl: the dictionaries' blind crawls, the gate's extra spun crawls, the clean ones."""
    names = [p.stem for p in spinners.public_dict_paths()]
    return [*names, *(f"{style}:{n}" for n in GATE_SPUN_EXTRA for style in ("partial", "manpages")), "sample", *CLEAN]


def model_parser(doc: str | None, docs: int, jobs: int, out: Path) -> argparse.ArgumentParser:
    """The options every model-fitting script here takes."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="write nothing")
    parser.add_argument("--docs", type=int, default=docs)
    parser.add_argument("--jobs", type=int, default=jobs)
    parser.add_argument("--cache", metavar="DIR", help="keep the candidate rows here (outside the repository)")
    parser.add_argument("--out", metavar="PATH", default=str(out), help="where the model goes (default: the package's)")
    parser.add_argument("--no-repair", action="store_true", help="skip the repair table")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = model_parser(__doc__, DOCS, 4, OUT)
    parser.add_argument("--split", default="tune", choices=("tune", "test"))
    args = parser.parse_args(argv)
    names = [p.stem for p in spinners.public_dict_paths()]
    every = crawl_names()
    if args.split == "test":
        model = json.loads(Path(args.out).read_text(encoding="utf-8"))
        print_repairs(evaluate_all("test", args.docs, args.jobs, model), model, "TEST, the shipped model")
        return 0
    n = len(every)
    with ProcessPoolExecutor(args.jobs) as pool:
        crawls = {c["name"]: c for c in pool.map(crawl_rows, every, [args.split] * n, [args.docs] * n, [args.cache] * n)}
        for c in crawls.values():
            log(f"{c['name']}: {len(c['pairs'])} candidate pairs ({int(c['labels'].sum())} right) in {c['seconds']:.1f} s")
        fits = {name: fit(np.vstack([crawls[o]["rows"] for o in names if o != name]),
                          np.concatenate([crawls[o]["labels"] for o in names if o != name])) for name in names}
        fits["all"] = fit(np.vstack([crawls[o]["rows"] for o in names]), np.concatenate([crawls[o]["labels"] for o in names]))
        best = {c: best_of(crawls[c], predict(crawls[c]["rows"], fits[dictionary_of(c) or "all"])) for c in every}

        separation = {}  # cap -> (spun crawls' least share / clean crawls' most, clean most, spun least)
        for cap in GATE_CAPS:
            clean_max = max(max(spun_share(crawls[c], best[c], cap) for c in CLEAN), 1e-6)
            spun_min = min(spun_share(crawls[c], best[c], cap) for c in every if c not in CLEAN)
            separation[cap] = (spun_min / clean_max, clean_max, spun_min)
            log(f"gate cap {cap or 'none'}: clean crawls at most {100 * clean_max:.2f} % of words look spun, "
                f"spun ones at least {100 * spun_min:.2f} % (x{spun_min / clean_max:.1f})")
        cap = max(GATE_CAPS, key=lambda c: separation[c][0])
        _, clean_max, spun_min = separation[cap]
        gate = math.sqrt(clean_max * spun_min)
        print(f"## Leave one dictionary out ({args.split.upper()}): entries / right / swap occurrences covered\n")
        print("| crawl | words that look spun | " + " | ".join(f"th {t}" for t in THRESHOLDS) + " |")
        print("|---|--:|" + "---|" * len(THRESHOLDS))
        pooled = {t: [0, 0] for t in THRESHOLDS}
        for c in every:
            cells = []
            for t in THRESHOLDS:
                k, right, covered = entry_figures(crawls[c], best[c], t)
                cells.append(f"{k}/{right}/{covered:.2f}")
                if c in names:
                    pooled[t][0] += k
                    pooled[t][1] += right
            print(f"| {c} | {100 * spun_share(crawls[c], best[c], cap):.2f} % | " + " | ".join(cells) + " |")
        threshold = next((t for t in THRESHOLDS if pooled[t][1] >= ENTRY_PRECISION * pooled[t][0]), THRESHOLDS[-1])
        log(f"threshold {threshold} (pooled left-out entries right: "
            f"{pooled[threshold][1]}/{pooled[threshold][0]}); gate {100 * gate:.2f} % of words, each form counting "
            f"at most {cap or 'all its'} occurrences (clean at most {100 * clean_max:.2f} %, spun at least "
            f"{100 * spun_min:.2f} %)")
        origin = (f"python -m benchmarks.train_induction: logistic regression on {len(names)} TUNE crawls of {args.docs} "
                  f"xwlb articles, each spun (blind) by one public dictionary; threshold: pooled leave-one-out entries "
                  f"right >= {ENTRY_PRECISION}; gate: geometric mean of the most clean and least spun TUNE crawl, "
                  f"at the cap of GATE_CAPS that separates them most")
        model = publish(as_dict(fits["all"], threshold, gate, origin, cap), None if args.dry_run else args.out, log)
        if args.no_repair:
            return 0
        models = [as_dict(fits[dictionary_of(c) or "all"], threshold, gate, "", cap) for c in every]
        results = list(pool.map(evaluate, every, [args.split] * n, [args.docs] * n, models))
    print_repairs(results, model, f"{args.split.upper()}, each crawl induced by the model fitted without its dictionary")
    return 0


def print_repairs(results: list[dict[str, Any]], model: dict[str, Any], label: str) -> None:
    print(f"\n## Entries induced / right / swap occurrences covered, by threshold ({label})\n")
    print("| crawl | " + " | ".join(f"th {t}" for t in THRESHOLDS) + " |")
    print("|---|" + "---|" * len(THRESHOLDS))
    for r in results:
        print(f"| {r['name']} | " + " | ".join(f"{k}/{right}/{c:.2f}" for _, k, right, c in r["curve"]) + " |")
    print(f"\n## Induce, then repair the crawl's pages ({label}; threshold {model['threshold']}, "
          f"gate {100 * model['gate']:.2f} % of words)\n")
    print("| crawl | looks spun | entries | P | R | word P | word R | false edits/10k | induce s |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        head = f"| {r['name']} | {100 * r['share']:.2f} % | {r['entries']} |"
        if "false_edits_per_10k" in r:
            print(f"{head} | | | | {r['false_edits_per_10k']:.2f} | {r['induce_seconds']} |")
        else:
            figures = " | ".join(f"{r[k]:.3f}" for k in ("precision", "recall", "word_precision", "word_recall"))
            print(f"{head} {figures} | | {r['induce_seconds']} |")


if __name__ == "__main__":
    sys.exit(main())
