"""Choose ``Tuning.dictionary_margin``, ``dictionary_shortlist``, ``dictionary_min_gain``,
``dictionary_sample_chars``, ``dictionary_quick_gain`` and ``dictionary_glance_chars`` on
TUNE documents: all eight public dictionaries loaded.

    python -m benchmarks.dictionary_margin [--margins 0 2 5 10] [--shortlists 3] [--gains 4]
                                           [--samples 1000] [--quick-gains 2] [--glances 300]
                                           [--per-style 5]

With several dictionaries loaded, a document is repaired with those whose likelihood ratio
alone comes within the margin of the best one's (``decoder.choose_dictionaries``), and with
none of them when the best one's does not beat that of the other sources alone by the
gain, the choice made on the document's first clauses holding the sample's Han
characters. For each setting, and with the choice off (every dictionary at once, as
before), each public dictionary spins its own TUNE documents in every style of
:mod:`benchmarks.styles` (four times as many short ones), and the sample's spinner, which is none of the eight,
spins twice as many ("other spinner"), all repaired with all eight loaded; clean TUNE
articles (news and manual pages) count false edits. Prints F1 per style, the mean over the
public dictionaries' styles, the other spinner's F1 over its styles, the false edits, and
the mean of the two F1 figures, which picks the setting to ship. TEST is never read.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from . import corpus, spinners, styles
from .scoring import Score, score
from .suites import load_public_lexicons

SLOT, SLOTS = 1, 4  # TUNE documents of this slot (benchmarks.tune's styled sets use another)


def documents(per_style: int) -> dict[str, list[Any]]:
    """Per style, the spun documents of every public dictionary."""
    out: dict[str, list[Any]] = {}
    for style in styles.STYLES:
        n = per_style * (4 if styles.get_style(style).short else 1)
        out[style] = [d for p in spinners.public_dict_paths()
                      for _, d in styles.styled_docs(p, style, "tune", n, "margin", slot=SLOT, slots=SLOTS)]
    return out


def other_documents(per_style: int) -> list[Any]:
    """The sample's spinner (none of the public dictionaries) in every style."""
    return [d for style in styles.STYLES
            for _, d in styles.styled_docs(spinners.sample_spinner(), style, "tune", 2 * per_style
                                           * (4 if styles.get_style(style).short else 1), "margin", slot=SLOT,
                                           slots=SLOTS)]


def clean_texts(n: int) -> list[str]:
    """TUNE articles no spinner touched: news and manual pages."""
    return [a.text for source in ("xwlb", "manpages") for a in corpus.pick(corpus.tune_articles(source), n, 2, SLOTS)]


def evaluate(repairer: Any, docs: dict[str, list[Any]]) -> dict[str, Score]:
    return {style: Score.total(score(d.spun, d.gold, repairer.repair(d.spun).edits) for d in ds)
            for style, ds in docs.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.dictionary_margin", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 2.0, 5.0, 10.0])
    ap.add_argument("--shortlists", type=int, nargs="+", default=[3], help="Tuning.dictionary_shortlist values")
    ap.add_argument("--gains", type=float, nargs="+", default=[4.0], help="Tuning.dictionary_min_gain values")
    ap.add_argument("--samples", type=int, nargs="+", default=[1000], help="Tuning.dictionary_sample_chars values")
    ap.add_argument("--quick-gains", type=float, nargs="+", default=[2.0], help="Tuning.dictionary_quick_gain values")
    ap.add_argument("--glances", type=int, nargs="+", default=[300], help="Tuning.dictionary_glance_chars values")
    ap.add_argument("--clean", type=int, default=40, help="clean TUNE articles per source (default 40)")
    ap.add_argument("--per-style", type=int, default=5, help="documents per dictionary and style (default 5)")
    args = ap.parse_args(argv)
    import zhrepair
    from zhrepair.tuning import TUNED

    try:
        docs = documents(args.per_style)
        other = {"other spinner": other_documents(args.per_style)}
        clean = clean_texts(args.clean)
    except corpus.SharedDataMissing as exc:
        print(f"dictionary_margin: {exc}", file=sys.stderr)
        return 2
    lexicons = load_public_lexicons(spinners.public_dict_paths())
    runs: list[tuple[str, Any]] = [("all at once", dict(best_dictionary=False))]
    runs += [(f"margin {m:g}, shortlist {k}, gain {g:g}, sample {n}, quick {q:g}, glance {c}",
              dict(tuning=TUNED.with_values(dictionary_margin=m, dictionary_shortlist=k, dictionary_min_gain=g,
                                            dictionary_sample_chars=n, dictionary_quick_gain=q,
                                            dictionary_glance_chars=c)))
             for k in args.shortlists for m in args.margins for g in args.gains for n in args.samples
             for q in args.quick_gains for c in args.glances]
    names = list(docs)
    print(f"| run | {' | '.join(names)} | mean F1 | other spinner | false edits | objective | seconds |")
    print(f"|---|{'--:|' * (len(names) + 5)}")
    for label, options in runs:
        t0 = time.perf_counter()
        repairer = zhrepair.Repairer(lexicons=lexicons, **options)
        scores = evaluate(repairer, docs)
        mean = sum(s.f1 for s in scores.values()) / len(scores)
        elsewhere = evaluate(repairer, other)["other spinner"]
        false_edits = sum(len(repairer.repair(t).edits) for t in clean)
        cells = " | ".join(f"{scores[n].f1:.3f} (P {scores[n].precision:.3f})" for n in names)
        print(f"| {label} | {cells} | {mean:.4f} | {elsewhere.f1:.3f} (P {elsewhere.precision:.3f}) | {false_edits} | "
              f"{(mean + elsewhere.f1) / 2:.4f} | {time.perf_counter() - t0:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
