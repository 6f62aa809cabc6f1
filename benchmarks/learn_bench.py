"""How well ``lexicon learn`` (:func:`zhrepair.learn_pairs`) recovers a spinner's pairs.

``python -m benchmarks.learn_bench [--split tune|test] [--docs 20]``: for the sample
spinner and each public dictionary, spin *docs* articles of the split with the simulator,
learn pairs from the (clean, spun) texts and compare them with the gold.

Figures per spinner:

* **gold pairs** — distinct ``(spun, original)`` of the simulator's swaps (``Spun.swaps``:
  each changed piece on its own, so adjacent swaps count separately);
* **recovered** — gold pairs among the learned ones (exact match); **recall** = recovered / gold;
* **output** — learned pairs; **not gold** — learned pairs that are not gold pairs (a widened
  char swap 党筑 ← 党建, a key cut differently from the dictionary's);
* **unsupported** — learned pairs ``(s, o)`` that the alignment does not support: there is
  no document and no occurrence of ``s`` in its spun text whose two ends map to the clean
  text and whose span touches a changed piece, with the mapped clean span equal to ``o``.
  A spun offset maps when it is outside every changed piece or on its edge, or inside a
  piece within the common prefix or suffix of the piece's spun and original forms
  (so 坐褥 ← 生产 is supported by the piece 坐褥力 ← 生产力).
"""

from __future__ import annotations

import argparse
import bisect
import sys
import time
from dataclasses import dataclass
from typing import Any, Sequence

from . import corpus, spinners
from .simulator import SpinnerSpec, Spun, spin

DOCS = 20


@dataclass
class LearnRow:
    spinner: str
    docs: int
    gold: int
    recovered: int
    output: int
    not_gold: int
    unsupported: int
    seconds: float

    @property
    def recall(self) -> float:
        return self.recovered / self.gold if self.gold else 1.0


class _Mapper:
    """Spun offsets → clean offsets through a document's swaps (``None`` when ambiguous)."""

    def __init__(self, doc: Spun) -> None:
        self.doc = doc
        self.starts = [g.start for g in doc.swaps]

    def clean_offset(self, p: int) -> int | None:
        shift, k = 0, bisect.bisect_right(self.starts, p) - 1
        for g in self.doc.swaps[: max(k, 0)]:
            shift += len(g.gold[0]) - len(g.spun)
        if k < 0:
            return p
        g = self.doc.swaps[k]
        orig = g.gold[0]
        if p >= g.end:
            return p + shift + len(orig) - len(g.spun)
        i = p - g.start  # inside the piece (or at its start)
        prefix = _common_prefix(g.spun, orig)
        suffix = _common_prefix(g.spun[::-1], orig[::-1])
        if i <= prefix:
            return g.start + shift + i
        if len(g.spun) - i <= suffix:
            return g.start + shift + len(orig) - (len(g.spun) - i)
        return None

    def touches_change(self, p: int, q: int) -> bool:
        k = bisect.bisect_left(self.starts, q)
        return any(g.end > p for g in self.doc.swaps[:k] if g.start < q or g.start == p == q)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def supported(pair: tuple[str, str], docs: Sequence[Spun], mappers: Sequence[_Mapper]) -> bool:
    """Whether some occurrence of the pair's spun form maps onto its original (module docstring)."""
    s, o = pair
    for doc, m in zip(docs, mappers):
        p = doc.spun.find(s)
        while p >= 0:
            q = p + len(s)
            if m.touches_change(p, q):
                a, b = m.clean_offset(p), m.clean_offset(q)
                if a is not None and b is not None and doc.clean[a:b] == o:
                    return True
            p = doc.spun.find(s, p + 1)
    return False


def _articles(split: str, n: int) -> list[corpus.Article]:
    pool = corpus.tune_articles() if split == "tune" else corpus.test_articles()
    return corpus.pick(pool, n)


def spinner_specs() -> list[SpinnerSpec]:
    """The sample spinner and one per public dictionary (:class:`corpus.SharedDataMissing` without them)."""
    return [spinners.sample_spinner(), *(spinners.public_spinner(p) for p in spinners.public_dict_paths())]


def bench_spinner(spec: SpinnerSpec, arts: Sequence[corpus.Article], seed: int = 0) -> LearnRow:
    from zhrepair.alignment import learn_counts

    docs = [spin(a.text, spec, seed=f"learn:{spec.name}:{seed}:{a.id}") for a in arts]
    gold = {(g.spun, g.gold[0]) for d in docs for g in d.swaps if g.spun and g.gold[0]}
    t0 = time.perf_counter()
    learned = set(learn_counts((d.clean, d.spun) for d in docs).counts)
    seconds = time.perf_counter() - t0
    mappers = [_Mapper(d) for d in docs]
    extra = learned - gold
    unsupported = [p for p in sorted(extra) if not supported(p, docs, mappers)]
    return LearnRow(spec.name, len(docs), len(gold), len(gold & learned), len(learned), len(extra),
                    len(unsupported), seconds)


def rows(split: str = "tune", n_docs: int = DOCS, seed: int = 0) -> list[LearnRow]:
    """One :class:`LearnRow` per spinner (raises :class:`corpus.SharedDataMissing` without the shared data)."""
    arts = _articles(split, n_docs)
    return [bench_spinner(spec, arts, seed) for spec in spinner_specs()]


def table(found: Sequence[LearnRow]) -> str:
    head = "| spinner | docs | gold pairs | recovered | recall | output pairs | not gold | unsupported | seconds |"
    lines = [head, "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in found:
        lines.append(f"| {r.spinner} | {r.docs} | {r.gold} | {r.recovered} | {r.recall:.3f} | {r.output} | "
                     f"{r.not_gold} | {r.unsupported} | {r.seconds:.2f} |")
    g, rec = sum(r.gold for r in found), sum(r.recovered for r in found)
    lines.append(f"| **all** | | {g} | {rec} | {rec / g if g else 1.0:.3f} | {sum(r.output for r in found)} | "
                 f"{sum(r.not_gold for r in found)} | {sum(r.unsupported for r in found)} | "
                 f"{sum(r.seconds for r in found):.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "test"), default="tune")
    ap.add_argument("--docs", type=int, default=DOCS)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        found = rows(args.split, args.docs, args.seed)
    except corpus.SharedDataMissing as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 0
    print(f"lexicon learn on {args.docs} {args.split.upper()} articles per spinner\n")
    print(table(found))
    return 0


def as_dict(r: LearnRow) -> dict[str, Any]:
    return {**r.__dict__, "recall": round(r.recall, 4)}


if __name__ == "__main__":
    sys.exit(main())
