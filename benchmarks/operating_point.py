"""Precision and recall on TUNE as the output threshold (``min_confidence``) rises.

    python -m benchmarks.operating_point            # ≈ 3 min
    python -m benchmarks.operating_point --quick    # a smoke run

``min_confidence`` only filters the output (raising it only removes edits), so each TUNE
document of :func:`benchmarks.tune.build_data` is repaired once at 0 and its edits are
kept at each threshold in turn, as the decoder keeps them: a run of touching edits goes
whole when any of it is below the threshold (``--single``: each edit on its own, the
decoder's rule before 2026-12-02). The ratio filter's "isolated" is judged at 0, so a
threshold's figures can differ slightly from a repair at that threshold; at 0.5 they are
``tune --evaluate``'s. Printed per threshold: (a) the sample's spinner, default
lexicon; (b) the eight dictionaries' blind articles, each with its dictionary loaded; (e)
their hard styles, the same; short documents and manual pages with all eight loaded; and
the tune objective (mean F1 of a, b and e); then each set's reliability curve (how often
an edit of each confidence is right). TEST articles are never read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

from zhrepair.decoder import touching_runs  # the decoder's own grouping: the two agree

from . import spinners, styles
from .scoring import Score, reliability, score
from .simulator import Spun
from .tune import FULL, N_SLOTS, QUICK, SLOTS, build_data, log

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def _edits(repairer: Any, docs: Sequence[tuple[Any, Spun]]) -> list[tuple[Spun, list[Any]]]:
    return [(d, list(repairer.repair(d.spun, min_confidence=0.0).edits)) for _, d in docs]


def _at(found: Sequence[tuple[Spun, list[Any]]], threshold: float, single: bool = False) -> Score:
    def kept(edits: list[Any]) -> list[Any]:
        if single:
            return [e for e in edits if e.confidence >= threshold]
        runs = touching_runs(sorted(edits, key=lambda e: e.start), lambda e: (e.start, e.end))
        return [e for run in runs if min(x.confidence for x in run) >= threshold for e in run]

    return Score.total([score(d.spun, d.gold, kept(edits)) for d, edits in found])


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.operating_point", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a few articles per set")
    p.add_argument("--single", action="store_true", help="filter each edit on its own, not whole runs")
    args = p.parse_args(argv)
    import zhrepair

    sizes = QUICK if args.quick else FULL
    data = build_data(sizes)
    log("repairing once at min_confidence=0")
    sets: dict[str, list[tuple[Spun, list[Any]]]] = {"a": _edits(zhrepair.Repairer(), data.sample), "b": [], "e": []}
    every = zhrepair.Repairer(lexicons=data.lexicons)
    for (name, lex, docs), (_, _, styled), path in zip(data.dicts, data.styled, spinners.public_dict_paths()):
        own = zhrepair.Repairer(lexicons=[lex])
        sets["b"] += _edits(own, docs)
        sets["e"] += _edits(own, styled)
        for style in ("short", "manpages"):  # the same documents as in data.styled
            n = sizes.per_style * (4 if styles.get_style(style).short else 1)
            mine = styles.styled_docs(path, style, "tune", n, seed="tune:0", slot=SLOTS["dicts"], slots=N_SLOTS)
            sets.setdefault(f"{style}, all eight", []).extend(_edits(every, mine))
        log(f"{name} done")
    print(f"{'threshold':>9}  " + "  ".join(f"{k:>24}" for k in sets) + "  objective")
    for t in THRESHOLDS:
        totals = {k: _at(v, t, args.single) for k, v in sets.items()}
        cells = [f"P {s.precision:.3f} R {s.recall:.3f} F {s.f1:.3f}" for s in totals.values()]
        objective = (totals["a"].f1 + totals["b"].f1 + totals["e"].f1) / 3
        print(f"{t:>9.2f}  " + "  ".join(f"{c:>24}" for c in cells) + f"  {objective:.4f}")
    print("\nreliability at the default threshold (changed regions by their lowest edit confidence):")
    for k, v in sets.items():
        print(f"  {k}: {reliability(_at(v, THRESHOLDS[0], args.single).judged).summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
