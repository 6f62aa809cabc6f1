"""Detection of unknown spinners in every simulation style, on TUNE documents outside the
detector's fit: ``python -m benchmarks.detection_styles [--n 10] [--before FIELD=VALUE ...]``.

For each style of :mod:`benchmarks.styles` and each public dictionary (never loaded: an
unknown spinner), *n* TUNE documents spun in that style (four times as many short ones)
against clean TUNE documents of the same kind; ROC AUC of ``detect().score`` per dictionary
(the lowest is what issue 12 asks to be 0.98) and pooled, and the share of clean documents
scored ≥ ``spun_threshold``. Documents come from shares of the TUNE articles that
:func:`benchmarks.calibrate.detector_groups` does not read (manual pages: slots 0 and 1 of
4, where it reads 2 and 3; news: any article it reads is left out).

``--before`` names the detector constants of a second :class:`~zhrepair.tuning.Tuning` to
compare with the shipped one, e.g. ``--before bigram_weight=0 llr_weight=0.668
fluency_weight=36.85 detector_bias=-2.052`` (the detector before the bigram share).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

from . import calibrate, corpus, spinners, styles
from .scoring import roc_auc

CLEAN_PER_STYLE = 40  # clean documents per style (short ones: four times as many)


def measure(tuning: Any, n: int, fit_n: int = 60) -> dict[str, dict[str, Any]]:
    """Per style: per-dictionary and pooled ROC AUC, and the share of clean documents flagged."""
    import zhrepair

    r = zhrepair.Repairer(tuning=tuning)
    fit_ids = {a.id for group in calibrate.news_articles(fit_n) for a in group}
    out: dict[str, dict[str, Any]] = {}
    for name, style in styles.STYLES.items():
        k = 4 if style.short else 1
        slots = (0, 1) if style.source == "manpages" else (3, 2)  # (spun, clean) shares
        clean = [a.text for a in styles.style_articles(style, "tune", CLEAN_PER_STYLE * k + 20, slot=slots[1], slots=4)
                 if a.id not in fit_ids][: CLEAN_PER_STYLE * k]
        negatives = [r.detect(t).score for t in clean]
        per: dict[str, float] = {}
        positives: list[float] = []
        for path in spinners.public_dict_paths():
            docs = [d.spun for a, d in styles.styled_docs(path, style, "tune", n * k + 5, seed="detection",
                                                          slot=slots[0], slots=4) if a.id not in fit_ids][: n * k]
            scores = [r.detect(t).score for t in docs]
            positives += scores
            per[path.stem] = roc_auc(scores, negatives)
        lowest = min(per, key=per.__getitem__)
        out[name] = {"lowest": (lowest, round(per[lowest], 4)), "pooled": round(roc_auc(positives, negatives), 4),
                     "clean_flagged": round(sum(s >= tuning.spun_threshold for s in negatives) / len(negatives), 3),
                     "per_dictionary": {k_: round(v, 4) for k_, v in per.items()}}
    return out


def _parse(pairs: Sequence[str]) -> dict[str, float]:
    values = {}
    for item in pairs:
        field, _, value = item.partition("=")
        values[field] = float(value)
    return values


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.detection_styles", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10, help="spun documents per dictionary and style (default 10)")
    ap.add_argument("--before", nargs="*", default=[], metavar="FIELD=VALUE",
                    help="detector constants of a tuning to compare with the shipped one")
    args = ap.parse_args(argv)
    from zhrepair.tuning import TUNED

    runs = {"shipped": TUNED}
    if args.before:
        runs = {"before": TUNED.with_values(**_parse(args.before)), **runs}
    try:
        results = {label: measure(t, args.n) for label, t in runs.items()}
    except corpus.SharedDataMissing as exc:
        print(f"detection_styles: {exc}", file=sys.stderr)
        return 2
    print(f"{'style':12s} " + "  ".join(f"{label + ': lowest AUC (dictionary), pooled, clean flagged':58s}"
                                        for label in results))
    for style in styles.STYLES:
        cells = []
        for res in results.values():
            x = res[style]
            cells.append(f"{x['lowest'][1]:.3f} ({x['lowest'][0][:18]}), {x['pooled']:.3f}, "
                         f"{100 * x['clean_flagged']:.1f}%".ljust(58))
        print(f"{style:12s} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
