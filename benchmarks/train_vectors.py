"""Fit the CBOW word vectors (:mod:`zhrepair.cbow`) on TUNE text, and measure them.

    python -m benchmarks.train_vectors                       # fit, write src/zhrepair/data/cbow.npz
    python -m benchmarks.train_vectors --evaluate            # fit, measure against the trigram, write
    python -m benchmarks.train_vectors --grid --dry-run      # measure dims 64/128 x window 2/4, write nothing

**Text.** Every TUNE article of every corpus source (:func:`benchmarks.corpus.tune_articles`)
except the xwlb articles the evaluation spins, cut exactly as induction cuts a crawl
(:meth:`zhrepair.induction.Crawl.of`: Han runs of the simplified text, the language model's
segmenter); each run is a sentence. **Model.** gensim ``Word2Vec`` CBOW (``sg=0``, mean of
the context, negative sampling), two worker threads, seed 1 (threads make the run not
bit-for-bit repeatable). **Shipped.** Only words of the language model's vocabulary, as
their index in ``list(lm.unigram)``; input and output vectors as int8 with one float32
scale per row; the window; the language model's SHA-256. Numbers only: no corpus word.

**Evaluation** (``--evaluate``; TUNE only). ``EVAL_DOCS`` xwlb TUNE articles (the induction
crawls' slot, :func:`benchmarks.train_induction.crawl_texts`) spun by each of
``EVAL_DICTS`` in the blind style. Every swap whose spun form the segmenter cuts as one
word, with form and original both in the vectors, is an *occurrence*. A form's candidates:
its originals in the crawl, the spinner channel's ten best guesses and its 词林 synonyms
(vocabulary words known to the vectors, the form itself excluded); forms with one
candidate are left out. Judges: (a) CBOW logit of the candidate in the form's place
(``window`` words each side); (b) the trigram's lifted gain (as induction's
``lifted_gain``: context log10 probability of the candidate minus the form's, two words
each side, minus their unigram log ratio); (c) the sum of both, z-scored across a slot's
candidates. Top-1 / top-5 per occurrence, and per form with each candidate's score
averaged over the form's occurrences (gold: its most frequent original).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import corpus, styles
from .train_induction import N_SLOTS, SLOT, crawl_texts

OUT = Path(__file__).resolve().parents[1] / "src" / "zhrepair" / "data" / "cbow.npz"
EVAL_DOCS = 100
EVAL_DICTS = ("milu_word_dat", "sitebuilde_wyc", "wyc42537")
SEED = 1
WORKERS = 2
GRID = ((64, 2), (64, 4), (128, 2), (128, 4))


def log(msg: str) -> None:
    print(f"[train_vectors] {msg}", file=sys.stderr, flush=True)


def eval_articles() -> list[corpus.Article]:
    """The xwlb TUNE articles the evaluation spins (kept out of the training text)."""
    return styles.style_articles("blind", "tune", EVAL_DOCS, slot=SLOT, slots=N_SLOTS)


def training_runs(lm: Any) -> list[tuple[str, ...]]:
    """The TUNE text (less the evaluation's articles) as induction's word runs."""
    from zhrepair.induction import Crawl

    held_out = {a.id for a in eval_articles()}
    texts = [a.text for source in corpus.SOURCES for a in corpus.tune_articles(source) if a.id not in held_out]
    return Crawl.of(texts, lm).runs


def train(runs: list[tuple[str, ...]], dims: int, window: int, min_count: int, epochs: int) -> Any:
    from gensim.models import Word2Vec

    return Word2Vec(sentences=runs, vector_size=dims, window=window, min_count=min_count, sg=0, cbow_mean=1,
                    hs=0, negative=10, sample=1e-4, epochs=epochs, workers=WORKERS, seed=SEED)


def quantize(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float32 scale per row (row ≈ int8 × scale)."""
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    return np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8), scale


def ship(model: Any, lm: Any, window: int, out: Path) -> dict[str, Any]:
    """Write the vectors of the model's words in the LM vocabulary; returns what was written."""
    from zhrepair.languagemodel import file_sha256

    index = {w: i for i, w in enumerate(lm.unigram)}
    keep = sorted((index[w], model.wv.key_to_index[w]) for w in model.wv.index_to_key if w in index)
    ids = np.array([i for i, _ in keep], dtype=np.int32)
    rows = np.array([r for _, r in keep], dtype=np.int64)
    inp, inp_scale = quantize(model.wv.vectors[rows])
    outp, out_scale = quantize(model.syn1neg[rows])
    arrays = {"ids": ids, "input": inp, "input_scale": inp_scale, "output": outp, "output_scale": out_scale,
              "window": np.array(window, dtype=np.int32), "lm_sha256": np.array(file_sha256(lm.path))}
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **arrays)  # uncompressed: int8 rows hardly compress, and it loads in a few ms
    return arrays


# ------------------------------------------------------------------------------ evaluation


def _occurrences(spun_docs: Sequence[Any], lm: Any) -> tuple[list[tuple[str, ...]], list[tuple[str, str, int, int]]]:
    """The spun pages' runs and every swap the segmenter cuts as one word: (spun, original, run, index)."""
    from zhrepair.induction import _HAN
    from zhrepair.normalise import simplify

    cut = lm.segmenter.cut
    runs: list[tuple[str, ...]] = []
    occ: list[tuple[str, str, int, int]] = []
    for doc in spun_docs:
        swaps = {(g.start, g.end): simplify(g.gold[0]) for g in doc.swaps}
        for m in _HAN.finditer(simplify(doc.spun)):
            words = cut(m.group())
            pos = m.start()
            for i, w in enumerate(words):
                original = swaps.get((pos, pos + len(w)))
                if original is not None:
                    occ.append((w, original, len(runs), i))
                pos += len(w)
            runs.append(tuple(words))
    return runs, occ


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def _rank(scores: np.ndarray, gold: int) -> int:
    return int((scores > scores[gold]).sum())


def crawl_cases(name: str, lm: Any) -> list[dict[str, Any]]:
    """Per spun form of *name*'s crawl: its candidates, occurrences (contexts) and trigram gains."""
    from zhrepair import thesaurus
    from zhrepair.channel import SpinnerChannel
    from zhrepair.channel import candidates as channel_candidates
    from zhrepair.induction import Crawl, _contexts, _fits

    _, spun = crawl_texts(name, "tune", EVAL_DOCS)
    runs, occ = _occurrences(spun, lm)
    crawl = Crawl.from_runs(runs)
    channel = SpinnerChannel.load()
    by_form: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for s, o, r, i in occ:
        if s in lm.unigram and o in lm.unigram and s != o:
            by_form[s].append((o, r, i))
    cases = []
    for form, places in sorted(by_form.items()):
        originals = Counter(o for o, _, _ in places)
        cands = set(originals) | {w for w, _ in channel_candidates(form, 10, channel, lm)} | set(thesaurus.synonyms(form))
        cands = sorted(w for w in cands if w in lm.unigram and w != form)
        contexts = _contexts(crawl, [(r, i) for _, r, i in places])
        base = _fits(lm, contexts, form)
        lp = lm.logprob(form)
        gains = np.array([[a - b - (lm.logprob(c) - lp) for a, b in zip(_fits(lm, contexts, c), base)] for c in cands]).T
        cases.append({"form": form, "candidates": cands, "originals": [o for o, _, _ in places],
                      "gold": originals.most_common(1)[0][0], "trigram": gains,
                      "runs": [(runs[r], i) for _, r, i in places]})
    return cases


def evaluate(cases_by_dict: dict[str, list[dict[str, Any]]], cbow: Any) -> dict[str, dict[str, float]]:
    """Top-1 / top-5 of the three judges, per occurrence and per form, for each crawl and pooled."""
    out: dict[str, dict[str, float]] = {}
    pooled: dict[str, list[float]] = defaultdict(list)
    for name, cases in cases_by_dict.items():
        hits: dict[str, list[float]] = defaultdict(list)
        skipped = 0
        for case in cases:
            keep = [k for k, c in enumerate(case["candidates"]) if c in cbow]
            cands = [case["candidates"][k] for k in keep]
            if len(cands) < 2 or case["form"] not in cbow:
                skipped += len(case["runs"])
                continue
            window = cbow.window
            contexts = [(run[max(0, i - window):i], run[i + 1:i + 1 + window]) for run, i in case["runs"]]
            logits = cbow.logits(contexts, cands)
            trigram = case["trigram"][:, keep]
            rows = [j for j in range(len(contexts)) if case["originals"][j] in cands and not np.isnan(logits[j]).any()]
            skipped += len(contexts) - len(rows)
            if not rows:
                continue
            per_occ = {"cbow": logits[rows], "trigram": trigram[rows]}
            per_occ["both"] = np.array([_zscore(a) + _zscore(b) for a, b in zip(per_occ["cbow"], per_occ["trigram"])])
            for judge, scores in per_occ.items():
                for s, j in zip(scores, rows):
                    r = _rank(s, cands.index(case["originals"][j]))
                    hits[f"{judge} top1"].append(r < 1)
                    hits[f"{judge} top5"].append(r < 5)
                if case["gold"] in cands:
                    r = _rank(scores.mean(axis=0), cands.index(case["gold"]))
                    hits[f"{judge} form top1"].append(r < 1)
                    hits[f"{judge} form top5"].append(r < 5)
            hits["candidates"].append(len(cands))
        row = {k: float(np.mean(v)) for k, v in hits.items()}
        row["occurrences"] = len(hits["cbow top1"])
        row["forms"] = len(hits["cbow form top1"])
        row["skipped"] = skipped
        out[name] = row
        for k, v in hits.items():
            pooled[k].extend(v)
    out["pooled"] = {k: float(np.mean(v)) for k, v in pooled.items()}
    out["pooled"]["occurrences"] = len(pooled["cbow top1"])
    out["pooled"]["forms"] = len(pooled["cbow form top1"])
    return out


def print_table(results: dict[str, dict[str, float]], label: str) -> None:
    cols = ["cbow top1", "cbow top5", "trigram top1", "trigram top5", "both top1", "both top5",
            "cbow form top1", "trigram form top1", "both form top1"]
    print(f"\n{label}")
    print("| crawl | occ. | forms | cand. | " + " | ".join(cols) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(cols))
    for name, row in results.items():
        print(f"| {name} | {row['occurrences']:.0f} | {row['forms']:.0f} | {row.get('candidates', math.nan):.1f} | "
              + " | ".join(f"{row.get(c, math.nan):.3f}" for c in cols) + " |")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--evaluate", action="store_true", help="measure against the trigram on spun TUNE crawls")
    ap.add_argument("--grid", action="store_true", help="evaluate dims 64/128 x window 2/4 (implies --evaluate)")
    ap.add_argument("--dry-run", action="store_true", help="write nothing")
    args = ap.parse_args(argv)

    from zhrepair.cbow import Cbow
    from zhrepair.languagemodel import shared_model

    lm = shared_model()
    t0 = time.perf_counter()
    runs = training_runs(lm)
    log(f"TUNE text: {len(runs):,} runs, {sum(map(len, runs)):,} tokens, cut in {time.perf_counter() - t0:.1f} s")
    cases: dict[str, list[dict[str, Any]]] = {}
    if args.evaluate or args.grid:
        t0 = time.perf_counter()
        cases = {name: crawl_cases(name, lm) for name in EVAL_DICTS}
        log(f"evaluation crawls ({', '.join(EVAL_DICTS)}, {EVAL_DOCS} articles each) in {time.perf_counter() - t0:.1f} s")
    settings = GRID if args.grid else ((args.dims, args.window),)
    if args.grid and (args.dims, args.window) not in settings:
        settings = settings + ((args.dims, args.window),)
    scratch = Path("/tmp") / f"cbow-{id(args)}.npz"
    for dims, window in settings:
        t0 = time.perf_counter()
        model = train(runs, dims, window, args.min_count, args.epochs)
        seconds = time.perf_counter() - t0
        shipping = not args.dry_run and (dims, window) == (args.dims, args.window)
        path = args.out if shipping else scratch
        arrays = ship(model, lm, window, path)
        log(f"dims {dims}, window {window}, min count {args.min_count}, {args.epochs} epochs: trained in {seconds:.1f} s; "
            f"{len(arrays['ids']):,} of {len(model.wv):,} words in the LM vocabulary; "
            f"{path.stat().st_size / 1e6:.2f} MB{' written to ' + str(path) if shipping else ''}")
        if cases:
            results = evaluate(cases, Cbow.load(lm, path))
            print_table(results, f"dims {dims}, window {window}, min count {args.min_count}, epochs {args.epochs}")
    if scratch.exists():
        scratch.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
