"""The CBOW second opinion's weight (``Tuning.cbow_weight``) on TUNE articles the vectors never saw.

    python -m benchmarks.second_opinion                 # weights 0, 0.25, 0.5, 1.0
    python -m benchmarks.second_opinion --weights 0 0.5

The CBOW vectors (``src/zhrepair/data/cbow.npz``) are fitted on TUNE text, so the tune
sets of :mod:`benchmarks.tune` are text they have seen: there the second opinion looks
better than it is. :func:`benchmarks.train_vectors.eval_articles` are the xwlb TUNE
articles kept out of the vectors' training text. Each is spun by the sample's spinner
(repaired with the default lexicon), and a share of them by each public dictionary
(blind style; repaired with that dictionary loaded, and with all eight loaded). Region
F1, precision and recall per weight; everything else as shipped (``TUNED``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

from . import spinners, tune
from .scoring import Score
from .simulator import spin
from .suites import _repair_and_score, load_public_lexicons, public_lexicon
from .train_vectors import eval_articles

WEIGHTS = (0.0, 0.25, 0.5, 1.0)


def documents() -> tuple[list[tuple[Any, Any]], dict[str, tuple[Any, list[tuple[Any, Any]]]], list[Any]]:
    """The sample-spun articles; per dictionary its lexicon and its share of the articles
    spun with it; all eight lexicons."""
    arts = eval_articles()
    sample = [(a, spin(a.text, spinners.sample_spinner(), seed=f"held:{a.id}")) for a in arts]
    paths = spinners.public_dict_paths()
    share = len(arts) // len(paths)
    dicts = {p.stem: (public_lexicon(p), [(a, spin(a.text, spinners.public_spinner(p), seed=f"held:{p.stem}:{a.id}"))
                                          for a in arts[i * share:(i + 1) * share]])
             for i, p in enumerate(paths)}
    return sample, dicts, load_public_lexicons(paths)


def evaluate(weight: float, sample: Sequence[Any], dicts: dict[str, tuple[Any, list[Any]]], every: list[Any],
             repairers: tune.Repairers) -> dict[str, Score]:
    from zhrepair.tuning import TUNED

    tuning = TUNED.with_values(cbow_weight=weight)
    out = {"sample": _repair_and_score(repairers.get("default", (), tuning), sample, "sample")[0],
           "own": Score(), "all": Score()}
    for name, (lexicon, docs) in dicts.items():
        out["own"] = out["own"] + _repair_and_score(repairers.get(name, [lexicon], tuning), docs, name)[0]
        out["all"] = out["all"] + _repair_and_score(repairers.get("all", every, tuning), docs, f"{name}, all")[0]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.second_opinion", description=__doc__.split("\n")[0])
    parser.add_argument("--weights", type=float, nargs="+", default=list(WEIGHTS))
    args = parser.parse_args(argv)
    sample, dicts, every = documents()
    repairers = tune.Repairers(keep=len(dicts) + 2)
    print(f"CBOW weight on {len(sample)} TUNE articles the vectors never saw (sample spinner; "
          f"{sum(len(d) for _, d in dicts.values())} spun by the public dictionaries)\n")
    print("| weight | sample spinner F1 (P / R) | own dictionary F1 (P / R) | all eight loaded F1 (P / R) |")
    print("|--:|--:|--:|--:|")
    for w in args.weights:
        s = evaluate(w, sample, dicts, every, repairers)
        cells = [f"{x.f1:.4f} ({x.precision:.3f} / {x.recall:.3f})" for x in (s["sample"], s["own"], s["all"])]
        print(f"| {w:g} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
