"""Region-level scoring of repairs against gold edits (DESIGN.md §4).

Gold edits and system edits are spans on the *spun* text (half-open character offsets).
Spans that overlap merge into one *region*; a zero-width span (an insertion at ``p``)
joins every span that touches ``p`` (``start <= p <= end``), and zero-width spans at the
same point join each other. Adjacent non-empty spans (``a.end == b.start``) stay apart.

A region is *right* when the system's output for it (the spun text of the region with
the system edits inside applied) is one of the gold outputs: any combination of the
alternatives of the gold edits inside, where an unsure gold edit may also keep its spun
text. A region without gold edits is right only if the system leaves it unchanged.

* precision = right changed regions / changed regions (regions with a system edit);
* recall    = right sure regions / sure regions (regions with a sure gold edit);
* F1        = harmonic mean.

With no system edit at all precision is 1.0 (nothing claimed, nothing wrong), and with
no sure gold edit recall is 1.0, as in the M2 scorer; F1 is 0.0 when P + R is 0.
:class:`Score` objects add up, so corpus figures are micro-averages over regions.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

__all__ = [
    "GoldEdit",
    "SysEdit",
    "Region",
    "Score",
    "score",
    "WordScore",
    "word_score",
    "false_edits_per_10k",
    "load_gold",
    "gold_from_dicts",
    "sys_edits",
    "apply_gold",
    "roc_auc",
    "reliability",
    "Reliability",
]


@dataclass(frozen=True)
class GoldEdit:
    """``spun[start:end]`` was originally one of ``gold`` (``''`` = the span was inserted)."""

    start: int
    end: int
    spun: str
    gold: tuple[str, ...]
    sure: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad gold span {self.start}:{self.end}")
        if len(self.spun) != self.end - self.start:
            raise ValueError(f"gold edit {self.spun!r} does not fit {self.start}:{self.end}")
        if not self.gold:
            raise ValueError(f"gold edit at {self.start}:{self.end} has no alternative")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "spun": self.spun, "gold": list(self.gold), "sure": self.sure}


@dataclass(frozen=True)
class SysEdit:
    """A system edit reduced to what scoring needs: ``spun[start:end] = before -> after``."""

    start: int
    end: int
    before: str
    after: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Region:
    """One scored region, kept for error analysis."""

    start: int
    end: int
    spun: str
    system: str  # the system's output for the region (== spun when untouched)
    gold: tuple[str, ...]  # up to a few acceptable outputs (empty: no gold edit here)
    sure: bool
    changed: bool
    right: bool
    context: str = ""

    @property
    def kind(self) -> str:
        if self.changed and not self.gold:
            return "false_edit"
        if self.changed and not self.right:
            return "wrong_restoration"
        if not self.changed and not self.right:
            return "missed"
        return "right"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "spun": self.spun,
            "system": self.system,
            "gold": list(self.gold),
            "sure": self.sure,
            "kind": self.kind,
            "context": self.context,
        }


@dataclass
class Score:
    """Region counts with P/R/F1; ``a + b`` micro-averages over documents."""

    changed: int = 0  # regions with at least one system edit
    right_changed: int = 0  # ... whose output is acceptable
    sure: int = 0  # regions with at least one sure gold edit
    right_sure: int = 0  # ... whose output is acceptable
    wrong: list[Region] = field(default_factory=list)  # changed but not right (precision errors)
    missed: list[Region] = field(default_factory=list)  # sure, unchanged, not right (recall-only errors)
    # per changed region: the lowest confidence of its edits, and whether the region is right
    judged: list[tuple[float, bool]] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return self.right_changed

    @property
    def fp(self) -> int:
        return self.changed - self.right_changed

    @property
    def fn(self) -> int:
        return self.sure - self.right_sure

    @property
    def precision(self) -> float:
        return self.right_changed / self.changed if self.changed else 1.0

    @property
    def recall(self) -> float:
        return self.right_sure / self.sure if self.sure else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(
            self.changed + other.changed,
            self.right_changed + other.right_changed,
            self.sure + other.sure,
            self.right_sure + other.right_sure,
            self.wrong + other.wrong,
            self.missed + other.missed,
            self.judged + other.judged,
        )

    @classmethod
    def total(cls, scores: Iterable["Score"]) -> "Score":
        out = cls()
        for s in scores:
            out = out + s
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "changed_regions": self.changed,
            "sure_regions": self.sure,
        }


@dataclass
class WordScore:
    """Word-level counts beside the region-level :class:`Score`. A system edit is right
    when its output is the clean text of its own span (every swap it touches lies inside
    it and is undone), so a correct fix inside a run of swaps counts even when the run's
    region is wrong; a swap is found when a right edit covers it."""

    right: int = 0  # system edits whose output is the clean text of their span
    edits: int = 0  # system edits
    found: int = 0  # swaps inside right edits
    swaps: int = 0  # swaps made by the spinner

    @property
    def precision(self) -> float:
        return self.right / self.edits if self.edits else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.swaps if self.swaps else 1.0

    def __add__(self, other: "WordScore") -> "WordScore":
        return WordScore(self.right + other.right, self.edits + other.edits,
                         self.found + other.found, self.swaps + other.swaps)

    def summary(self) -> dict[str, Any]:
        return {"word_precision": round(self.precision, 4), "word_recall": round(self.recall, 4),
                "right_edits": self.right, "edits": self.edits, "found_swaps": self.found, "swaps": self.swaps}


def word_score(spun: str, swaps: Sequence[GoldEdit], edits: Iterable[Any]) -> WordScore:
    """:class:`WordScore` of system *edits* on *spun* against the spinner's single *swaps*
    (disjoint, sorted; :attr:`Spun.swaps <benchmarks.simulator.Spun.swaps>`)."""
    starts = [g.start for g in swaps]
    right = found = n = 0
    for e in sys_edits(edits):
        n += 1
        lo = bisect.bisect_left(starts, e.start)
        if lo and swaps[lo - 1].end > e.start:
            continue  # a swap crosses the edit's left edge
        inside = []
        for g in swaps[lo:]:
            if g.start >= e.end and not (g.start == g.end == e.end):
                break
            inside.append(g)
        if any(g.end > e.end for g in inside):
            continue  # ... or its right edge
        if _replay(spun[e.start : e.end], ((g.start - e.start, g.end - e.start, g.gold[0]) for g in inside)) == e.after:
            right += 1
            found += len(inside)
    return WordScore(right, n, found, len(swaps))


# --------------------------------------------------------------------------- inputs


def gold_from_dicts(rows: Iterable[Mapping[str, Any]]) -> list[GoldEdit]:
    """Gold edits from ``edits.jsonl``-style dicts."""
    return [
        GoldEdit(int(d["start"]), int(d["end"]), d["spun"], tuple(d["gold"]), bool(d.get("sure", True)))
        for d in rows
    ]


def load_gold(path: str | Path) -> list[GoldEdit]:
    """Read an ``edits.jsonl`` file."""
    with open(path, encoding="utf-8") as f:
        return gold_from_dicts(json.loads(line) for line in f if line.strip())


def sys_edits(edits: Iterable[Any]) -> list[SysEdit]:
    """Normalise system edits: ``zhrepair.Edit`` objects, dicts or ``(start, end, before, after)``."""
    out = []
    for e in edits:
        if isinstance(e, SysEdit):
            out.append(e)
        elif isinstance(e, Mapping):
            out.append(SysEdit(int(e["start"]), int(e["end"]), e["before"], e["after"], float(e.get("confidence", 1.0))))
        elif isinstance(e, (tuple, list)):
            out.append(SysEdit(int(e[0]), int(e[1]), e[2], e[3]))
        else:
            out.append(SysEdit(int(e.start), int(e.end), e.before, e.after, float(getattr(e, "confidence", 1.0))))
    return out


def apply_gold(spun: str, gold: Sequence[GoldEdit], *, sure_only: bool = False) -> str:
    """The spun text with every (sure) gold edit's first alternative applied."""
    return _replay(spun, [(g.start, g.end, g.gold[0]) for g in gold if g.sure or not sure_only])


def _replay(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, new in sorted(spans, key=lambda s: (s[0], s[1])):
        if start < pos:
            raise ValueError(f"overlapping edits at {start}")
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- regions


def _regions(spans: list[tuple[int, int, int]]) -> list[list[int]]:
    """Group span indices into regions. *spans*: ``(start, end, index)``.

    Sorted by start, a span joins the current region when it starts inside it, or at its
    end while either the span or a zero-width span of the region sits at that point.
    """
    groups: list[list[int]] = []
    cur_end = zero_at = -1
    for start, end, idx in sorted(spans):
        if groups and (start < cur_end or (start == cur_end and (start == end or zero_at == start))):
            groups[-1].append(idx)
            cur_end = max(cur_end, end)
        else:
            groups.append([idx])
            cur_end, zero_at = end, -1
        if start == end:
            zero_at = start
    return groups


def _matches(target: str, parts: Sequence[Sequence[str]]) -> bool:
    """Is *target* a concatenation choosing one string from each of *parts*, in order?"""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, pos: int) -> bool:
        if i == len(parts):
            return pos == len(target)
        key = (i, pos)
        if key not in memo:
            memo[key] = any(target.startswith(s, pos) and go(i + 1, pos + len(s)) for s in set(parts[i]))
        return memo[key]

    return go(0, 0)


def _examples(parts: Sequence[Sequence[str]], limit: int = 4) -> tuple[str, ...]:
    """A few acceptable outputs, for reports (the full product can be large)."""
    outs = [""]
    for options in parts:
        outs = [o + s for o in outs for s in dict.fromkeys(options)][:limit]
    return tuple(outs)


def _check_disjoint(spans: Sequence[tuple[int, int]], what: str) -> None:
    last = -1
    for start, end in sorted(spans):
        if start < last:
            raise ValueError(f"overlapping {what} edits at {start}")
        last = end


def score(
    spun: str,
    gold: Sequence[GoldEdit],
    system: Iterable[Any],
    *,
    context: int = 8,
) -> Score:
    """Score *system* edits against *gold* edits on the spun text *spun*.

    System edits whose ``before`` equals ``after`` are ignored; edits must not overlap
    and ``before`` must match the text (else ``ValueError``).
    """
    sys_list = [e for e in sys_edits(system) if e.before != e.after]
    for e in sys_list:
        if spun[e.start : e.end] != e.before:
            raise ValueError(f"system edit {e.before!r} does not match the text at {e.start}:{e.end}")
    for g in gold:
        if spun[g.start : g.end] != g.spun:
            raise ValueError(f"gold edit {g.spun!r} does not match the text at {g.start}:{g.end}")
    _check_disjoint([(e.start, e.end) for e in sys_list], "system")
    _check_disjoint([(g.start, g.end) for g in gold if g.start < g.end], "gold")

    n_gold = len(gold)
    spans = [(g.start, g.end, i) for i, g in enumerate(gold)]
    spans += [(e.start, e.end, n_gold + j) for j, e in enumerate(sys_list)]
    bounds = {i: (s, e) for s, e, i in spans}
    result = Score()
    for group in _regions(spans):
        golds = sorted((gold[i] for i in group if i < n_gold), key=lambda g: (g.start, g.end))
        syss = [sys_list[i - n_gold] for i in group if i >= n_gold]
        start = min(bounds[i][0] for i in group)
        end = max(bounds[i][1] for i in group)
        # the system's output for the region
        system_out = _replay(spun, [(e.start, e.end, e.after) for e in syss])
        system_out = system_out[start : len(system_out) - (len(spun) - end)]
        # gold outputs: fixed text between gold edits, a choice at each gold edit
        parts: list[Sequence[str]] = []
        pos = start
        for g in golds:
            parts.append([spun[pos : g.start]])
            parts.append(list(g.gold) + ([] if g.sure else [g.spun]))
            pos = g.end
        parts.append([spun[pos:end]])
        right = _matches(system_out, parts)
        is_sure = any(g.sure for g in golds)
        changed = bool(syss)
        if not (changed or is_sure):
            continue  # unsure gold edit left alone: not counted either way
        region = Region(
            start,
            end,
            spun[start:end],
            system_out,
            _examples(parts) if golds else (),
            is_sure,
            changed,
            right,
            spun[max(0, start - context) : start] + "[" + spun[start:end] + "]" + spun[end : end + context],
        )
        if changed:
            result.changed += 1
            result.right_changed += right
            result.judged.append((min(e.confidence for e in syss), right))
            if not right:
                result.wrong.append(region)
        if is_sure:
            result.sure += 1
            result.right_sure += right
            if not right and not changed:
                result.missed.append(region)
    return result


#: confidence bins of :func:`reliability` (a posterior below 0.5 is never an edit by default)
RELIABILITY_EDGES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class Reliability:
    """How often the changed regions of one confidence bin are right (a reliability curve)."""

    bins: tuple[tuple[float, float, int, float, float], ...]  # lo, hi, regions, share right, mean confidence
    ece: float  # expected calibration error: the regions' mean |share right - mean confidence| over bins

    def summary(self) -> str:
        cells = [f"{lo:.2f}–{hi:.2f}: {n} at {right:.2f} right" for lo, hi, n, right, _ in self.bins if n]
        return f"ECE {self.ece:.3f} · " + " · ".join(cells)


def reliability(judged: Sequence[tuple[float, bool]], edges: Sequence[float] = RELIABILITY_EDGES) -> Reliability:
    """The reliability curve of (confidence, right) pairs (:attr:`Score.judged`): per bin of
    *edges* (the last bin closed), its count, share right and mean confidence; confidences
    below the first edge count in the first bin."""
    bins = []
    total = len(judged)
    ece = 0.0
    for k, (lo, hi) in enumerate(zip(edges, edges[1:])):
        last = k == len(edges) - 2
        inside = [(c, r) for c, r in judged if (c < hi or last and c <= hi) and (c >= lo or k == 0)]
        n = len(inside)
        right = sum(r for _, r in inside) / n if n else 0.0
        conf = sum(c for c, _ in inside) / n if n else 0.0
        ece += n / total * abs(right - conf) if total else 0.0
        bins.append((lo, hi, n, right, conf))
    return Reliability(tuple(bins), ece)


def false_edits_per_10k(edits: Iterable[Any], n_chars: int) -> float:
    """False edits per 10,000 characters of *clean* text (every real change is false)."""
    n = sum(1 for e in sys_edits(edits) if e.before != e.after)
    return 10_000 * n / n_chars if n_chars else 0.0


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties count ½.

    Rank-based (Mann–Whitney U), O(n log n). ``nan`` when either side is empty.
    """
    if not positives or not negatives:
        return float("nan")
    scored = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0  # sum of (1-based, tie-averaged) ranks of the positives
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2
        rank_sum += avg_rank * sum(label for _, label in scored[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
