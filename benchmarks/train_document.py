"""Fit the document model of open-vocabulary repair (``Repairer(open_vocabulary=True)``), and measure it.

    python -m benchmarks.train_document --cache /tmp/zhrepair-document   # fit, print, write the model
    python -m benchmarks.train_document --dry-run                          # fit and print, write nothing

The model judges (form, candidate) pairs of *one document*
(:func:`zhrepair.induction.induce_document`, rows of
:func:`zhrepair.induction.candidate_rows` at the ``DOCUMENT`` scale) with the features and
the logistic regression of the crawl model (:mod:`benchmarks.train_induction`).

**Documents** (TUNE only). For each public dictionary, ``DOCS`` xwlb articles and ``DOCS``
short documents (60–300 characters) spun by it in the blind style; each dictionary gets its
own share (slot) of the articles, so no two dictionaries spin the same text. Clean
documents of both kinds come from a share of their own. **Label**: the pair is one the
spinner used in that document.

**Leave one dictionary out.** For each dictionary, the model is fitted on the seven others'
documents and judges that dictionary's: per form its best candidate, and at each of
``THRESHOLDS`` the occurrences accepted and how many are right (precision) against the
document's swap occurrences (recall). The threshold is the lowest at which pooled
left-out occurrences are right ``PRECISION`` of the time; the gate (the share of a
document's words that look spun, :class:`zhrepair.induction.Induction`) is the one at which
at most ``CLEAN_PASS`` of the clean documents pass, under the cap of
:data:`benchmarks.train_induction.GATE_CAPS` that lets most spun documents through. Then the left-out documents are repaired
by ``Repairer(open_vocabulary=True)`` with the left-out model: precision and recall by region
and word, and false edits per 10k characters on the clean documents. The shipped model is
fitted on all eight. Rows hold corpus words, so ``--cache`` must be outside the repository.
"""

from __future__ import annotations

import pickle
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import spinners, styles
from .scoring import false_edits_per_10k
from .train_induction import GATE_CAPS, as_dict, fit, model_parser, predict, publish, repair_figures, spun_share

DOCS = 40  # per dictionary and kind
KINDS = ("blind", "short")
SLOTS = 10  # dictionary i spins share i; clean documents are share CLEAN_SLOT
CLEAN_SLOT = 9
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
PRECISION = 0.85
CLEAN_PASS = 0.05  # the gate lets at most this share of clean TUNE documents through
CACHE_VERSION = 3  # bump when candidate_rows changes
OUT = Path(__file__).resolve().parents[1] / "src" / "zhrepair" / "data" / "induction_document.json"


def log(msg: str) -> None:
    print(f"[train_document] {msg}", file=sys.stderr, flush=True)


def documents(name: str, split: str, docs: int) -> list[tuple[str, Any]]:
    """(text, spun record or None) of *name*'s documents: a dictionary's stem, or ``clean``."""
    names = [p.stem for p in spinners.public_dict_paths()]
    out: list[tuple[str, Any]] = []
    for kind in KINDS:
        if name == "clean":
            out += [(a.text, None) for a in styles.style_articles(kind, split, docs, slot=CLEAN_SLOT, slots=SLOTS)]
        else:
            path = next(p for p in spinners.public_dict_paths() if p.stem == name)
            out += [(d.spun, d) for _, d in styles.styled_docs(path, kind, split, docs, slot=names.index(name),
                                                                 slots=SLOTS)]
    return out


def document_rows(name: str, split: str, docs: int, cache: str | None = None) -> list[dict[str, Any]]:
    """Per document of *name*: its candidate pairs, feature rows, labels and gold (kept in *cache*)."""
    from zhrepair.induction import DOCUMENT, Crawl, candidate_rows
    from zhrepair.languagemodel import shared_model

    where = Path(cache) / f"{name}.{split}.{docs}.v{CACHE_VERSION}.pickle" if cache else None
    if where is not None and where.exists():
        with open(where, "rb") as f:
            return pickle.load(f)
    lm = shared_model()
    t0 = time.perf_counter()
    out = []
    for text, spun in documents(name, split, docs):
        words = Crawl.of([text], lm)
        pairs, rows = candidate_rows(words, lm, scale=DOCUMENT)
        gold = Counter((g.spun, g.gold[0]) for g in spun.swaps) if spun else Counter()
        out.append({"pairs": pairs, "rows": rows, "gold": gold, "chars": len(text), "tokens": words.tokens,
                    "labels": np.array([(s, o) in gold for s, o, _, _ in pairs], dtype=bool)})
    log(f"{name}: {len(out)} documents, {sum(len(d['pairs']) for d in out)} rows in {time.perf_counter() - t0:.0f} s")
    if where is not None:
        where.parent.mkdir(parents=True, exist_ok=True)
        with open(where, "wb") as f:
            pickle.dump(out, f)
    return out


def best_forms(doc: dict[str, Any], fitted: tuple) -> dict[str, tuple[str, float, int]]:
    """Each form's best candidate in *doc*, its probability and the form's count."""
    best: dict[str, tuple[str, float, int]] = {}
    if not doc["pairs"]:
        return best
    for (s, o, n, _), p in zip(doc["pairs"], predict(doc["rows"], fitted).tolist()):
        if s not in best or p > best[s][1]:
            best[s] = (o, p, n)
    return best




def curve(docs: list[dict[str, Any]], fitted: tuple) -> dict[float, list[int]]:
    """Per threshold: [occurrences accepted, right, swap occurrences] over *docs*."""
    out = {t: [0, 0, 0] for t in THRESHOLDS}
    for d in docs:
        best = best_forms(d, fitted)
        for t in THRESHOLDS:
            accepted = [(s, o, n) for s, (o, p, n) in best.items() if p >= t]
            out[t][0] += sum(n for _, _, n in accepted)
            out[t][1] += sum(d["gold"].get((s, o), 0) for s, o, _ in accepted)
            out[t][2] += sum(d["gold"].values())
    return out


def evaluate(name: str, split: str, docs: int, model: dict[str, Any]) -> dict[str, Any]:
    """Repair *name*'s documents with ``Repairer(open_vocabulary=True)`` using *model*."""
    import zhrepair
    from zhrepair import induction
    from zhrepair.induction import DOCUMENT, InductionModel

    fitted = InductionModel.from_dict(model)
    # the left-out model stands in for the shipped one (a Repairer takes no model of its own)
    original = induction.load_model
    induction.load_model = lambda path=None, scale=induction.CRAWL: fitted if scale == DOCUMENT else original(path, scale)
    try:
        repairer = zhrepair.Repairer(open_vocabulary=True)
        texts = documents(name, split, docs)
        t0 = time.perf_counter()
        results = [(spun, repairer.repair(text)) for text, spun in texts]
        seconds = time.perf_counter() - t0
    finally:
        induction.load_model = original
    chars = sum(len(t) for t, _ in texts)
    out = {"name": name, "docs": len(texts), "chars": chars, "seconds_per_doc": seconds / len(texts)}
    if name == "clean":
        edits = [e for _, r in results for e in r.edits]
        return {**out, "false_edits_per_10k": false_edits_per_10k(edits, chars)}
    return {**out, **repair_figures([(s, r.edits) for s, r in results])}


def main(argv: list[str] | None = None) -> int:
    args = model_parser(__doc__, DOCS, 2, OUT).parse_args(argv)
    names = [p.stem for p in spinners.public_dict_paths()]
    every = [*names, "clean"]
    n = len(every)
    with ProcessPoolExecutor(args.jobs) as pool:
        sets = dict(zip(every, pool.map(document_rows, every, ["tune"] * n, [args.docs] * n, [args.cache] * n)))

        def fitted_on(docs: list[dict[str, Any]]) -> tuple:
            kept = [d for d in docs if d["pairs"]]
            return fit(np.vstack([d["rows"] for d in kept]), np.concatenate([d["labels"] for d in kept]))

        fits = {name: fitted_on([d for o in names if o != name for d in sets[o]]) for name in names}
        fits["all"] = fitted_on([d for o in names for d in sets[o]])
        print("## Leave one dictionary out (TUNE): occurrence precision / recall by threshold\n")
        print("| dictionary | " + " | ".join(f"th {t}" for t in THRESHOLDS) + " |")
        print("|---|" + "---|" * len(THRESHOLDS))
        pooled = {t: [0, 0, 0] for t in THRESHOLDS}
        for name in names:
            c = curve(sets[name], fits[name])
            print(f"| {name} | " + " | ".join(f"{r / max(a, 1):.2f} / {r / max(g, 1):.2f}" for a, r, g in c.values()) + " |")
            for t in THRESHOLDS:
                pooled[t] = [x + y for x, y in zip(pooled[t], c[t])]
        print("| pooled | " + " | ".join(f"{r / max(a, 1):.2f} / {r / max(g, 1):.2f}" for a, r, g in pooled.values()) + " |")
        threshold = next((t for t in THRESHOLDS if pooled[t][1] >= PRECISION * pooled[t][0]), THRESHOLDS[-1])
        best = {name: [best_forms(d, fits.get(name, fits["all"])) for d in sets[name]] for name in every}
        gates = {}  # cap -> (spun documents passing, gate)
        for cap in GATE_CAPS:
            clean = sorted(spun_share(d, b, cap) for d, b in zip(sets["clean"], best["clean"]))
            gate = float(clean[min(len(clean) - 1, int((1 - CLEAN_PASS) * len(clean)))])
            spun = [spun_share(d, b, cap) for name in names for d, b in zip(sets[name], best[name])]
            gates[cap] = (sum(x >= gate for x in spun) / len(spun), gate)
            log(f"gate cap {cap or 'none'}: gate {100 * gate:.2f} % of words passes {100 * gates[cap][0]:.0f} % "
                f"of spun documents and at most {100 * CLEAN_PASS:.0f} % of clean ones")
        cap = max(GATE_CAPS, key=lambda c: gates[c])
        gate = gates[cap][1]
        log(f"threshold {threshold}; gate {100 * gate:.2f} % of words, cap {cap or 'none'}")
        origin = (f"python -m benchmarks.train_document: logistic regression on TUNE documents ({args.docs} xwlb articles "
                  f"and {args.docs} short documents per public dictionary, blind style); threshold: pooled leave-one-out "
                  f"occurrences right >= {PRECISION}; gate: at most {CLEAN_PASS} of clean TUNE documents pass, "
                  f"at the cap of GATE_CAPS that lets most spun ones through")
        publish(as_dict(fits["all"], threshold, gate, origin, cap), None if args.dry_run else args.out, log)
        if args.no_repair:
            return 0
        models = [as_dict(fits.get(name, fits["all"]), threshold, gate, "", cap) for name in every]
        results = list(pool.map(evaluate, every, ["tune"] * n, [args.docs] * n, models))
    print(f"\n## Repaired one document at a time, Repairer(open_vocabulary=True) (TUNE, left-out model; "
          f"threshold {threshold}, gate {100 * gate:.2f} %)\n")
    print("| documents | P | R | word P | word R | false edits/10k | s/doc |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if "false_edits_per_10k" in r:
            print(f"| {r['name']} | | | | | {r['false_edits_per_10k']:.2f} | {r['seconds_per_doc']:.2f} |")
        else:
            figures = " | ".join(f"{r[k]:.3f}" for k in ("precision", "recall", "word_precision", "word_recall"))
            print(f"| {r['name']} | {figures} | | {r['seconds_per_doc']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
