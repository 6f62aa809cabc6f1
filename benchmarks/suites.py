"""The benchmark suites (DESIGN.md §4). Each suite is a function ``(ctx) -> SuiteResult``.

Suites share spun documents through :class:`Context`, so ``detection`` reuses the
documents that ``sample-spinner``, ``lodo`` and ``clean`` made; any suite also runs alone.
A suite that needs what is not there (the shared corpus, ``zhrepair clean``) raises
:class:`Skip`; the runner reports it as skipped and goes on.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import corpus, spinners
from .scoring import Score, WordScore, false_edits_per_10k, load_gold, reliability, roc_auc, score, sys_edits, word_score
from .simulator import Spun, invert_pairs, spin
from .styles import STYLES, style_articles, styled_docs

BLIND = STYLES["blind"].label  # how the suites before `styles` spin: blind, every occurrence, random form each
SAMPLE_DIR = spinners.SAMPLE_DIR
SHORT_TEXT = "今年以来，各地深入开展调查研究。"  # a first call that loads what a Repairer needs


class Skip(Exception):
    """The suite cannot run here; the message says why."""


@dataclass
class Row:
    """One line of the results table."""

    suite: str
    data: str
    docs: int | str = ""
    p: float | None = None
    r: float | None = None
    f1: float | None = None
    other: str = ""

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class SuiteResult:
    name: str
    status: str = "ok"  # ok | skipped | error
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 2),
            "rows": [r.to_dict() for r in self.rows],
            "details": self.details,
        }


# (full, quick) sizes
SIZES = {
    "sample-spinner": (200, 4),
    "public-dicts": (30, 2),  # articles per dictionary
    "clean-xwlb": (240, 3),
    "clean-govreport": (60, 2),
    "clean-rmrb": (60, 1),  # out of domain
    "clean-sighan": (40, 1),
    "clean-throughput": (2000, 20),
    "scale-mb": (5, 1),  # the large document, in MB of UTF-8 (1/5 of it is the small one)
    "scale-docs": (200, 10),  # documents whose output size is measured
    "styles-news": (10, 2),  # documents per dictionary and news style (blind, token, sequential, partial)
    "styles-short": (40, 4),  # short documents per dictionary
    "styles-manpages": (15, 2),  # manual-page articles per dictionary
    "styles-clean-manpages": (40, 2),  # clean manual-page articles
    "styles-clean-short": (200, 4),  # clean short documents
    "induce": (300, 20),  # documents per crawl (benchmarks.train_induction)
    "open-vocabulary-clean": (100, 3),  # clean xwlb articles repaired with open_vocabulary=True
    "open-vocabulary-clean-short": (100, 3),
}
# disjoint shares of the TEST articles: a document is never both spun and clean
# (styles: the share its xwlb and manpages documents are spun from; its clean ones come from "clean")
SLOTS = {"sample-spinner": 0, "public-dicts": 1, "clean": 2, "styles": 3}
N_SLOTS = 4


def progress(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _iter(items: Sequence[Any], desc: str) -> Iterable[Any]:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return items
    return tqdm(items, desc=f"[bench] {desc}", file=sys.stderr, leave=False, mininterval=1.0,
                disable=not sys.stderr.isatty())


class Context:
    """Options and shared, lazily built documents and repairers."""

    def __init__(self, quick: bool = False, seed: int = 0) -> None:
        self.quick = quick
        self.seed = seed
        self._cache: dict[str, Any] = {}

    def size(self, name: str) -> int:
        full, quick = SIZES[name]
        return quick if self.quick else full

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- repairers
    def repairer(self) -> Any:
        def build() -> Any:
            import zhrepair

            t0 = time.perf_counter()
            r = zhrepair.Repairer()
            r.repair(SHORT_TEXT)  # load the model outside the timed loops
            self._cache["repairer_load_seconds"] = time.perf_counter() - t0
            return r

        return self.cached("repairer", build)

    def open_vocabulary_repairer(self) -> Any:
        import zhrepair

        return self.cached("repairer:open-vocabulary", lambda: zhrepair.Repairer(open_vocabulary=True))

    # -- documents
    def _test_pool(self, source: str) -> list[corpus.Article]:
        def build() -> list[corpus.Article]:
            try:
                return corpus.test_articles(source)
            except corpus.SharedDataMissing as exc:
                raise Skip(str(exc)) from None

        return self.cached(f"pool:{source}", build)

    def spun_articles(self, key: str, spec_name: str, spec: Any, n: int, slot: int) -> list[tuple[corpus.Article, Spun]]:
        def build() -> list[tuple[corpus.Article, Spun]]:
            arts = corpus.pick(self._test_pool("xwlb"), n, slot, N_SLOTS)
            return [(a, spin(a.text, spec, seed=f"{spec_name}:{self.seed}:{a.id}")) for a in arts]

        return self.cached(key, build)

    def sample_spun(self) -> list[tuple[corpus.Article, Spun]]:
        return self.spun_articles(
            "sample-spun", "sample", spinners.sample_spinner(), self.size("sample-spinner"), SLOTS["sample-spinner"]
        )

    def dict_paths(self) -> list[Path]:
        try:
            paths = spinners.public_dict_paths()
        except corpus.SharedDataMissing as exc:
            raise Skip(str(exc)) from None
        if not paths:
            raise Skip(f"no *.tsv in {corpus.spinner_dicts_dir()}")
        return paths

    def dict_spun(self, path: Path) -> list[tuple[corpus.Article, Spun]]:
        return self.spun_articles(
            f"dict-spun:{path.stem}", path.stem, spinners.public_spinner(path),
            self.size("public-dicts"), SLOTS["public-dicts"],
        )

    def clean_articles(self) -> list[corpus.Article]:
        def build() -> list[corpus.Article]:
            xw = corpus.pick(self._test_pool("xwlb"), self.size("clean-xwlb"), SLOTS["clean"], N_SLOTS)
            gov = corpus.pick(self._test_pool("govreport"), self.size("clean-govreport"))
            ood = [a for src in ("rmrb", "sighan") for a in corpus.pick(self._test_pool(src), self.size(f"clean-{src}"))]
            return xw + gov + ood

        return self.cached("clean-articles", build)


# --------------------------------------------------------------------------- helpers


def _fmt_pairs(counter: Counter, n: int = 15) -> list[dict[str, Any]]:
    return [{"pair": f"{a}→{b}", "count": c} for (a, b), c in counter.most_common(n)]


def _error_analysis(total: Score, n: int = 15) -> dict[str, Any]:
    false_edits = Counter((r.spun, r.system) for r in total.wrong if not r.gold)
    wrong = Counter((r.spun, r.system) for r in total.wrong if r.gold)
    missed = Counter((r.spun, r.gold[0] if r.gold else "") for r in total.missed)
    return {
        "top_false_edits": _fmt_pairs(false_edits, n),
        "top_wrong_restorations": _fmt_pairs(wrong, n),
        "top_missed": _fmt_pairs(missed, n),
        "examples_wrong": [r.to_dict() for r in total.wrong[:n]],
        "examples_missed": [r.to_dict() for r in total.missed[:n]],
    }


def public_lexicon(path: Path) -> Any:
    """A public spinner dictionary as a repair lexicon (spun → original), named after its file."""
    import zhrepair

    return zhrepair.Lexicon.from_pairs(invert_pairs(spinners.public_pairs(path)), name=path.stem)


def _repair_and_score(repairer: Any, docs: Sequence[tuple[Any, Spun]], desc: str,
                      spin_scores: list[float] | None = None) -> tuple[Score, WordScore, dict[str, Any]]:
    """Repair every spun document, score it (regions and single swaps), and time the repairs;
    each document's spin score goes to *spin_scores* when given (the detection ``repair`` made)."""
    import zhrepair

    scores, seconds, chars, inconsistent = [], 0.0, 0, 0
    words = WordScore()
    for _, doc in _iter(docs, desc):
        t0 = time.perf_counter()
        res = repairer.repair(doc.spun)
        seconds += time.perf_counter() - t0
        chars += len(doc.spun)
        if spin_scores is not None:
            spin_scores.append(float(res.spin_score))
        if zhrepair.apply_edits(doc.spun, res.edits) != res.text:
            inconsistent += 1
        scores.append(score(doc.spun, doc.gold, res.edits))
        words += word_score(doc.spun, doc.swaps, res.edits)
    total = Score.total(scores)
    info = {
        "docs": len(docs),
        "chars": chars,
        "gold_edits": sum(len(d.gold) for _, d in docs),
        "repair_seconds": round(seconds, 3),
        "repair_chars_per_second": round(chars / seconds) if seconds else None,
        "results_inconsistent_with_edits": inconsistent,
        **total.summary(),
        **words.summary(),
    }
    return total, words, info


def _reliability_row(suite: str, data: str, docs: int, total: Score) -> Row:
    """How often edits of each confidence are right (issue 11: the confidence is calibrated)."""
    return Row(suite, f"{data}: edit confidence against share right (changed regions)", docs,
               other=reliability(total.judged).summary())


def _prf_row(suite: str, data: str, docs: int, total: Score, words: WordScore | None = None) -> Row:
    other = f"tp {total.tp} · fp {total.fp} · fn {total.fn}"
    if words is not None:
        other += f" · word-level P {words.precision:.3f} R {words.recall:.3f}"
    return Row(suite, data, docs, total.precision, total.recall, total.f1, other)


# --------------------------------------------------------------------------- suites


def suite_sample(ctx: Context) -> SuiteResult:
    """Default Repairer on the sample article vs its hand-made gold (in-sample)."""
    spun = (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8")
    gold = load_gold(SAMPLE_DIR / "edits.jsonl")
    t0 = time.perf_counter()
    res = ctx.repairer().repair(spun)
    seconds = time.perf_counter() - t0
    total = score(spun, gold, res.edits)
    res_det = ctx.repairer().detect(spun)
    out = SuiteResult("sample")
    out.rows.append(_prf_row("sample", "sample article (in-sample: its pairs are the default lexicon)", 1, total))
    out.details = {
        "label": "in-sample",
        "chars": len(spun),
        "system_edits": len(res.edits),
        "spin_score": res.spin_score,
        "detect_score": res_det.score,
        "repair_seconds": round(seconds, 3),
        **total.summary(),
        **_error_analysis(total, 30),
    }
    return out


def suite_sample_spinner(ctx: Context) -> SuiteResult:
    """The sample's spinner on new TEST articles (held out), default Repairer."""
    docs = ctx.sample_spun()
    total, words, info = _repair_and_score(ctx.repairer(), docs, "sample-spinner")
    spec = spinners.sample_spinner()
    out = SuiteResult("sample-spinner")
    data = f"xwlb TEST, sample's pairs ({BLIND}) + char swaps at measured rates + 创新 stuffing (held out)"
    out.rows.append(_prf_row("sample-spinner", data, len(docs), total, words))
    out.rows.append(_reliability_row("sample-spinner", "the same", len(docs), total))
    out.details = {
        "label": "held out",
        "spinner": {
            "pairs": sum(len(v) for v in spec.pairs.values()),
            "char_swap_rates": {k: round(v, 3) for k, v in dict(spec.char_swap_rate).items()},
            "stuffing_rate": spec.stuffing_rate,
            "mode": spec.mode,
        },
        "articles": [a.id for a, _ in docs],
        **info,
        **_error_analysis(total),
    }
    return out


def _dict_suite(ctx: Context, name: str, with_dict: bool, open_vocabulary: bool = False) -> SuiteResult:
    import zhrepair

    out = SuiteResult(name)
    grand, grand_words = Score(), WordScore()
    per_dict: dict[str, Any] = {}
    for path in ctx.dict_paths():
        docs = ctx.dict_spun(path)
        if with_dict:
            repairer = zhrepair.Repairer(lexicons=[public_lexicon(path)], default_lexicon=True)
        elif open_vocabulary:
            repairer = ctx.open_vocabulary_repairer()
        else:
            repairer = ctx.repairer()
        total, words, info = _repair_and_score(repairer, docs, f"{name} {path.stem}")
        grand = grand + total
        grand_words += words
        per_dict[path.stem] = {**info, **_error_analysis(total, 8)}
        label = ("its dictionary loaded" if with_dict
                 else "default lexicon + open vocabulary, one document at a time (dictionary unseen)" if open_vocabulary
                 else "default lexicon only (dictionary unseen)")
        out.rows.append(_prf_row(name, f"{path.stem} ({BLIND}): {label}", len(docs), total, words))
        progress(f"{name} {path.stem}: P {total.precision:.3f} R {total.recall:.3f} F1 {total.f1:.3f}")
    n_docs = sum(d["docs"] for d in per_dict.values())
    out.rows.append(_prf_row(name, f"all dictionaries ({BLIND}; micro-average)", n_docs, grand, grand_words))
    if with_dict:
        out.rows.append(_reliability_row(name, "all dictionaries, each loaded", n_docs, grand))
    out.details = {"label": "held out", "per_dict": per_dict, "micro": {**grand.summary(), **grand_words.summary()}}
    return out


def suite_public_dicts(ctx: Context) -> SuiteResult:
    """Each public dictionary spins TEST articles; repaired with that dictionary loaded."""
    return _dict_suite(ctx, "public-dicts", with_dict=True)


def suite_lodo(ctx: Context) -> SuiteResult:
    """Leave-one-dictionary-out: spun with a public dictionary, repaired with the default lexicon only."""
    return _dict_suite(ctx, "lodo", with_dict=False)


def suite_open_vocabulary(ctx: Context) -> SuiteResult:
    """Like lodo, with Repairer(open_vocabulary=True): originals one document alone suggests; clean documents too."""
    out = _dict_suite(ctx, "open-vocabulary", with_dict=False, open_vocabulary=True)
    repairer = ctx.open_vocabulary_repairer()
    try:
        short = style_articles("short", "test", ctx.size("open-vocabulary-clean-short"), slot=SLOTS["clean"],
                               slots=N_SLOTS)
    except corpus.SharedDataMissing as exc:
        raise Skip(str(exc)) from None
    sets = {"unspun TEST articles (xwlb)": ctx.clean_articles()[: ctx.size("open-vocabulary-clean")],
            "unspun TEST short documents (60–300 characters)": short}
    out.details["clean"] = {}
    for data, arts in sets.items():
        other, details = _false_edits(repairer, arts, f"open-vocabulary clean {len(arts)}")
        out.rows.append(Row("open-vocabulary", f"{data}: default lexicon + open vocabulary", len(arts), other=other))
        out.details["clean"][data] = details
    return out


def _false_edits(repairer: Any, arts: Sequence[corpus.Article], desc: str,
                 spin_scores: list[float] | None = None) -> tuple[str, dict[str, Any]]:
    """Repair unspun articles (every edit is a false edit): the table's figure and the details;
    each article's spin score goes to *spin_scores* when given."""
    n_chars = changed = 0
    all_edits: list[Any] = []
    examples: list[dict[str, Any]] = []
    pairs: Counter = Counter()
    by_source: dict[str, list[int]] = {}
    for a in _iter(arts, desc):
        res = repairer.repair(a.text)
        if spin_scores is not None:
            spin_scores.append(float(res.spin_score))
        edits = [e for e in sys_edits(res.edits) if e.before != e.after]
        n_chars += len(a.text)
        all_edits += edits
        changed += bool(edits)
        src = by_source.setdefault(a.source, [0, 0, 0])
        src[0] += 1
        src[1] += len(a.text)
        src[2] += len(edits)
        for e in edits:
            pairs[(e.before, e.after)] += 1
            if len(examples) < 25:
                context = a.text[max(0, e.start - 12) : e.start] + f"[{e.before}→{e.after}]" + a.text[e.end : e.end + 12]
                examples.append({"article": a.id, "start": e.start, "before": e.before, "after": e.after, "context": context})
    rate = false_edits_per_10k(all_edits, n_chars)
    pct = 100 * changed / len(arts) if arts else 0.0
    details = {
        "chars": n_chars,
        "false_edits": len(all_edits),
        "false_edits_per_10k": round(rate, 3),
        "articles_changed_pct": round(pct, 1),
        "by_source": {
            s: {"docs": d, "chars": c, "false_edits": e, "per_10k": round(10_000 * e / c, 3) if c else 0.0}
            for s, (d, c, e) in by_source.items()
        },
        "top_false_edits": _fmt_pairs(pairs, 25),
        "first_false_edits": examples,
    }
    return f"{rate:.2f} false edits/10k chars · {pct:.0f}% of articles changed", details


def suite_clean(ctx: Context) -> SuiteResult:
    """Unspun TEST articles, default lexicon, then every public dictionary loaded as well."""
    import zhrepair

    arts = ctx.clean_articles()
    data = "unspun TEST articles (xwlb, govreport; rmrb 1998 and sighan out of domain)"
    out = SuiteResult("clean")
    other, details = _false_edits(ctx.repairer(), arts, "clean")
    out.rows.append(Row("clean", data, len(arts), other=other))
    out.details = {"label": "held out", **details}
    try:
        paths = ctx.dict_paths()
    except Skip as exc:
        out.details["all_dictionaries"] = f"skipped: {exc}"
        return out
    lexicons = [public_lexicon(p) for p in paths]
    other, details = _false_edits(zhrepair.Repairer(lexicons=lexicons), arts, "clean, all dictionaries")
    out.rows.append(Row("clean", f"the same, all {len(paths)} public dictionaries loaded too", len(arts), other=other))
    out.details["all_dictionaries"] = details
    return out


def suite_detection(ctx: Context) -> SuiteResult:
    """ROC AUC of detect().score: spun vs clean TEST articles (known and unknown spinner)."""
    repairer = ctx.repairer()

    def scores(texts: list[str], desc: str) -> list[float]:
        return [float(repairer.detect(t).score) for t in _iter(texts, desc)]

    clean = scores([a.text for a in ctx.clean_articles()], "detect clean")
    known = scores([d.spun for _, d in ctx.sample_spun()], "detect sample-spun")
    per_dict = {p.stem: scores([d.spun for _, d in ctx.dict_spun(p)], f"detect {p.stem}-spun") for p in ctx.dict_paths()}
    unknown = [x for xs in per_dict.values() for x in xs]
    auc_known, auc_unknown = roc_auc(known, clean), roc_auc(unknown, clean)
    auc_per_dict = {name: roc_auc(xs, clean) for name, xs in per_dict.items()}

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else float("nan")

    out = SuiteResult("detection")
    out.rows.append(Row("detection", f"sample-spinner spun ({BLIND}) vs clean (known spinner)", f"{len(known)}+{len(clean)}",
                        other=f"ROC AUC {auc_known:.3f}"))
    flagged = 100 * sum(x >= 0.5 for x in clean) / max(1, len(clean))
    out.rows.append(Row("detection", f"public-dict spun ({BLIND}) vs clean (unknown spinners)", f"{len(unknown)}+{len(clean)}",
                        other=f"ROC AUC {auc_unknown:.3f} · {flagged:.0f}% of clean articles flagged spun"))
    if auc_per_dict:
        worst = min(auc_per_dict, key=lambda k: auc_per_dict[k])
        out.rows.append(Row("detection", "each public dictionary's spun articles vs clean (unknown spinners)",
                            f"{len(unknown)}+{len(clean)}",
                            other=f"ROC AUC {min(auc_per_dict.values()):.3f}–{max(auc_per_dict.values()):.3f} "
                                  f"(lowest: {worst}; issue 12's goal ≥ 0.98 for each)"))
    out.details = {
        "auc_known": round(auc_known, 4),
        "auc_unknown": round(auc_unknown, 4),
        "auc_unknown_per_dictionary": {k: round(v, 4) for k, v in auc_per_dict.items()},
        "mean_score": {"clean": mean(clean), "known": mean(known), "unknown": mean(unknown)},
        "clean_flagged_pct": round(100 * sum(s >= 0.5 for s in clean) / max(1, len(clean)), 1),
    }
    return out


def _style_size(ctx: Context, style: Any) -> int:
    if style.source == "manpages":
        return ctx.size("styles-manpages")
    return ctx.size("styles-short" if style.short else "styles-news")


def _prf(total: Score) -> str:
    return f"P {total.precision:.3f} R {total.recall:.3f} F1 {total.f1:.3f}"


def suite_styles(ctx: Context) -> SuiteResult:
    """Every public dictionary in every style of benchmarks/styles.py on TEST text; its dictionary loaded, then all eight."""
    import zhrepair

    paths = ctx.dict_paths()
    slot, clean_slot = SLOTS["styles"], SLOTS["clean"]
    try:
        clean_sets = {
            "manpages": style_articles("manpages", "test", ctx.size("styles-clean-manpages"), slot=clean_slot, slots=N_SLOTS),
            "short": style_articles("short", "test", ctx.size("styles-clean-short"), slot=clean_slot, slots=N_SLOTS),
        }
        for style in STYLES.values():
            style_articles(style, "test", 1, slot=slot, slots=N_SLOTS)
    except corpus.SharedDataMissing as exc:
        raise Skip(str(exc)) from None

    def every_dictionary() -> Any:
        r = zhrepair.Repairer(lexicons=load_public_lexicons(paths))
        r.repair(SHORT_TEXT)
        return r

    every = ctx.cached("repairer:all-public-dicts", every_dictionary)
    n_all = len(paths)
    cells: dict[str, dict[str, Any]] = {}
    totals: dict[tuple[str, str, str], Score] = {}  # (dictionary, style, "a" | "b")
    words: dict[tuple[str, str, str], WordScore] = {}
    docs_per: dict[tuple[str, str], int] = {}
    spin_seconds = dict.fromkeys(STYLES, 0.0)
    for path in paths:
        own = zhrepair.Repairer(lexicons=[public_lexicon(path)], default_lexicon=True)  # each style's cell reuses it
        cells[path.stem] = {}
        for name, style in STYLES.items():
            t0 = time.perf_counter()
            docs = styled_docs(path, style, "test", _style_size(ctx, style), ctx.seed, slot=slot, slots=N_SLOTS)
            spin_seconds[name] += time.perf_counter() - t0
            cell: dict[str, Any] = {"docs": len(docs)}
            for key, repairer in (("a", own), ("b", every)):
                total, word, info = _repair_and_score(repairer, docs, f"styles {path.stem} {name} ({key})")
                totals[path.stem, name, key], words[path.stem, name, key] = total, word
                cell[key] = {**info, **_error_analysis(total, 5)}
            cells[path.stem][name] = cell
            docs_per[path.stem, name] = len(docs)
            progress(f"styles {path.stem} {name}: (a) {_prf(totals[path.stem, name, 'a'])} · "
                     f"(b) {_prf(totals[path.stem, name, 'b'])}")

    out = SuiteResult("styles")
    worst: dict[str, dict[str, Any]] = {}
    for path in paths:
        stem = path.stem
        wa = min(STYLES, key=lambda s: totals[stem, s, "a"].f1)
        wb = min(STYLES, key=lambda s: totals[stem, s, "b"].f1)
        ta, tb = totals[stem, wa, "a"], totals[stem, wb, "b"]
        worst[stem] = {"a": {"style": wa, "f1": round(ta.f1, 4)}, "b": {"style": wb, "f1": round(tb.f1, 4)}}
        out.rows.append(Row("styles", f"{stem}: worst style with its dictionary loaded (a): {wa}",
                            sum(docs_per[stem, s] for s in STYLES), ta.precision, ta.recall, ta.f1,
                            f"all {n_all} loaded (b): worst {wb}, {_prf(tb)}"))
    per_style: dict[str, Any] = {}
    for name, style in STYLES.items():
        grand = {k: sum((totals[p.stem, name, k] for p in paths), Score()) for k in ("a", "b")}
        grand_words = {k: WordScore() for k in ("a", "b")}
        for k in ("a", "b"):
            for p in paths:
                grand_words[k] += words[p.stem, name, k]
        per_style[name] = {k: {**grand[k].summary(), **grand_words[k].summary()} for k in ("a", "b")}
        a, b = grand["a"], grand["b"]
        out.rows.append(Row("styles", f"{name} ({style.label}; {style.text}): all dictionaries, micro-average, "
                                      "each with its dictionary loaded (a)",
                            sum(docs_per[p.stem, name] for p in paths), a.precision, a.recall, a.f1,
                            f"all {n_all} loaded (b): {_prf(b)} · (a) word-level P {grand_words['a'].precision:.3f} "
                            f"R {grand_words['a'].recall:.3f}"))
    clean: dict[str, Any] = {}
    labels = {"manpages": "unspun manual-page TEST articles", "short": "unspun short xwlb TEST documents (60–300 chars)"}
    for kind, arts in clean_sets.items():
        default_other, default_details = _false_edits(ctx.repairer(), arts, f"styles clean {kind}")
        all_other, all_details = _false_edits(every, arts, f"styles clean {kind}, all dictionaries")
        clean[kind] = {"docs": len(arts), "articles": [a.id for a in arts], "default": default_details,
                       "all_dictionaries": all_details}
        out.rows.append(Row("styles", labels[kind], len(arts),
                            other=f"default lexicon: {default_other} · all {n_all} loaded: {all_other}"))
    out.details = {
        "label": "held out",
        "repairers": {"a": "zhrepair.Repairer(lexicons=[public_lexicon(path)], default_lexicon=True)",
                      "b": f"zhrepair.Repairer(lexicons=load_public_lexicons(all {n_all}))"},
        "styles": {name: {"description": s.description, "label": s.label, "mode": s.mode, "rate": list(s.rate),
                          "choice": s.choice, "source": s.source, "length": list(s.length),
                          "docs_per_dictionary": _style_size(ctx, s), "spin_seconds": round(spin_seconds[name], 2),
                          "articles": [a.id for a in style_articles(s, "test", _style_size(ctx, s), slot=slot,
                                                                     slots=N_SLOTS)]}
                   for name, s in STYLES.items()},
        "worst": worst,
        "per_style": per_style,
        "cells": cells,
        "clean": clean,
    }
    return out


# a fresh process: import, (in "warm" mode: the model alone, loaded twice, the second timed,)
# the public dictionaries named after the mode (if any), first repair of the text
_FIRST_CALL = r"""
import json, sys, time
t0 = time.perf_counter()
import zhrepair
t1 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
model_seconds = None
if sys.argv[2] == "warm":
    zhrepair.Repairer(default_lexicon=False).load()
    t = time.perf_counter()
    zhrepair.Repairer(default_lexicon=False).load()
    model_seconds = time.perf_counter() - t
t2 = time.perf_counter()
if sys.argv[3:] == ["installed"]:  # the dictionaries `zhrepair lexicon` installed
    repairer = zhrepair.Repairer(lexicons="installed")
else:
    lexicons = [zhrepair.load_lexicon(p, format="tab", direction="original-first") for p in sys.argv[3:]]
    repairer = zhrepair.Repairer(lexicons=lexicons)
t3 = time.perf_counter()
res = repairer.repair(text)
t4 = time.perf_counter()
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) / 1024 if hwm else None
print(json.dumps({"import_seconds": t1 - t0, "model_seconds": model_seconds, "lexicon_seconds": t3 - t2,
                  "first_repair_seconds": t4 - t3, "edits": len(res.edits), "peak_rss_mb": rss}))
"""


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss_mb: dict[int, float]  # pid -> VmHWM in MB, for the process and its descendants
    root_pid: int
    stdout: str
    stderr: str

    @property
    def main_rss_mb(self) -> float:
        return self.peak_rss_mb.get(self.root_pid, float("nan"))

    @property
    def worker_rss_mb(self) -> float:
        """Largest peak RSS among the descendants (the workers); nan when none was seen."""
        others = [v for pid, v in self.peak_rss_mb.items() if pid != self.root_pid]
        return max(others) if others else float("nan")


def _vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set (VmHWM) of *pid* in MB, from /proc; None when unreadable.

    Not ``ru_maxrss``: on Linux a child's ru_maxrss starts from the RSS of the parent that
    forked it, so a child of this big benchmark process would report the parent's size.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _descendants(root: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def run_measured(argv: Sequence[str], timeout: float, poll: float = 0.1,
                 seen: Callable[[int], None] | None = None) -> Measured:
    """Run *argv*: wall time and, sampled from /proc every *poll* s, the peak RSS of each process in its tree
    (*seen*, if given, is called with each pid of the tree at every sample)."""
    peaks: dict[int, float] = {}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err)
        deadline, timed_out = t0 + timeout, False
        while proc.poll() is None:
            if os.path.isdir("/proc"):
                for pid in {proc.pid} | _descendants(proc.pid):
                    hwm = _vm_hwm_mb(pid)
                    if hwm is not None:
                        peaks[pid] = max(peaks.get(pid, 0.0), hwm)
                    if seen is not None:
                        seen(pid)
            if time.perf_counter() > deadline:
                timed_out = True
                proc.kill()
                proc.wait()
                break
            time.sleep(poll)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return Measured(
            -9 if timed_out else proc.returncode,
            seconds,
            peaks,
            proc.pid,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace") + (f"\n(timed out after {timeout:.0f}s)" if timed_out else ""),
        )


def load_public_lexicons(paths: Sequence[Path]) -> list[Any]:
    """The public dictionaries (``original<TAB>spun``) read as a user would, with the public
    ``zhrepair.load_lexicon`` (wherever its importer lives)."""
    import zhrepair

    return [zhrepair.load_lexicon(p, format="tab", direction="original-first") for p in paths]


def _fresh_repairer(**kw: Any) -> Any:
    """A Repairer loaded and called once on a short text: its site scorer's cache holds
    nothing of the measured texts (a shared Repairer that repaired them already would)."""
    import zhrepair

    r = zhrepair.Repairer(**kw)
    r.repair(SHORT_TEXT)
    return r


def _timed(fn: Callable[[str], Any], texts: Sequence[str]) -> float:
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - t0


def _timed_in_turns(methods: dict[str, Callable[[str], Any]], texts: Sequence[str]) -> dict[str, float]:
    """Seconds per method over *texts*, the methods taking turns a few texts at a time: a slow
    spell of the shared machine hits them alike."""
    seconds = dict.fromkeys(methods, 0.0)
    for i in range(0, len(texts), SPEED_CHUNK):
        for name, fn in methods.items():
            seconds[name] += _timed(fn, texts[i : i + SPEED_CHUNK])
    return seconds


def _fastest_rounds(make_methods: Callable[[], dict[str, Callable[[str], Any]]], texts: Sequence[str],
                    rounds: int) -> dict[str, float]:
    """Per method, its fastest total over *rounds* rounds of :func:`_timed_in_turns`, the methods
    made afresh for each (new repairers: no score of the texts cached). A slow spell of the
    shared machine lengthens a round; the fastest is the one it hit least."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, s in _timed_in_turns(make_methods(), texts).items():
            best[name] = min(s, best.get(name, math.inf))
    return best


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the block (child processes inherit them)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _fresh_process(text_path: Path, dict_paths: Sequence[Path | str] = (), warm: bool = False) -> dict[str, Any]:
    """Wall time and peak RSS of a fresh process's import + (dictionaries +) first repair;
    *warm*: the model was loaded (and timed alone) in it first."""
    argv = [sys.executable, "-c", _FIRST_CALL, str(text_path), "warm" if warm else "cold", *map(str, dict_paths)]
    m = run_measured(argv, timeout=300, poll=0.05)
    if m.returncode != 0:
        raise RuntimeError(f"fresh-process first call failed: {m.stderr.strip()[-500:]}")
    info: dict[str, Any] = {"wall_seconds": round(m.seconds, 3), "peak_rss_mb": m.main_rss_mb}
    info.update(json.loads(m.stdout.strip().splitlines()[-1]))  # exact VmHWM from the child itself
    return info


SPEED_CHUNK = 10  # texts timed per method in turn
SPEED_ROUNDS = 3  # timed rounds (each with fresh repairers): the fastest of each method counts
SPEED_OWN = 5  # articles per public dictionary, spun with it, timed with all of them loaded
# the goals: time ratios to jieba.lcut, and seconds to load all public dictionaries
SPEED_GOALS = {"repair()": 1.2, "repair() + detect()": 1.5, "repair(), all dictionaries": 3.0, "load_seconds": 1.5}


def suite_speed(ctx: Context) -> SuiteResult:
    """repair(), detect(), both, and repair() with all public dictionaries vs jieba.lcut in one process;
    loading all public dictionaries; fresh-process first call time and peak RSS."""
    import jieba

    texts = [d.spun for _, d in ctx.sample_spun()]
    n_chars = sum(map(len, texts))
    try:
        paths = ctx.dict_paths()
    except Skip as exc:
        paths, no_dicts = [], str(exc)
    jieba.setLogLevel(60)
    jieba.initialize()
    _timed(jieba.lcut, texts)  # jieba loads parts of itself on first use
    t0 = time.perf_counter()
    _fresh_repairer()
    build_s = time.perf_counter() - t0
    lexicons = load_public_lexicons(paths) if paths else None

    def methods() -> dict[str, Callable[[str], Any]]:
        plain, detecting, both = _fresh_repairer(), _fresh_repairer(), _fresh_repairer()
        made: dict[str, Callable[[str], Any]] = {
            "jieba.lcut": jieba.lcut,
            "repair()": plain.repair,
            "detect()": detecting.detect,
            "repair() + detect()": lambda t: (both.repair(t), both.detect(t)),
        }
        if lexicons is not None:
            made["repair(), all dictionaries"] = _fresh_repairer(lexicons=lexicons).repair
        return made

    rounds = 1 if ctx.quick else SPEED_ROUNDS
    seconds = _fastest_rounds(methods, texts, rounds)
    jieba_s = seconds["jieba.lcut"]
    jieba_cps = n_chars / jieba_s
    own: dict[str, float] = {}
    if lexicons is not None:
        # articles each spun with one of the loaded dictionaries (public-dicts' TEST articles,
        # SPEED_OWN per dictionary, after one more of each: its finder is built before timing)
        per_dict = [[d.spun for _, d in ctx.dict_spun(p)][: SPEED_OWN + 1] for p in paths]
        spun_own = [t for texts_of in per_dict for t in texts_of[1:]]

        def own_methods() -> dict[str, Callable[[str], Any]]:
            every = _fresh_repairer(lexicons=lexicons)
            for first, *_ in per_dict:
                every.repair(first)
            return {"jieba.lcut": jieba.lcut, "repair(), all dictionaries": every.repair}

        own = _fastest_rounds(own_methods, spun_own, rounds)
        own["chars"], own["texts"] = sum(map(len, spun_own)), len(spun_own)

    out = SuiteResult("speed")
    labels = {"repair()": "repair() vs jieba.lcut, same texts, one process",
              "detect()": "detect() vs jieba.lcut",
              "repair() + detect()": "repair() and detect() on each text vs jieba.lcut",
              "repair(), all dictionaries": f"repair() with all {len(paths)} public dictionaries loaded vs jieba.lcut"}
    ratios = {}
    for key, label in labels.items():
        if key not in seconds:
            continue
        ratios[key] = seconds[key] / jieba_s
        notes = [f"jieba.lcut {jieba_cps:,.0f} chars/s", f"each the fastest of {rounds} rounds"] if not out.rows else []
        notes += [f"goal ≤ {SPEED_GOALS[key]}×"] if key in SPEED_GOALS else []
        other = f"{n_chars / seconds[key]:,.0f} chars/s = {ratios[key]:.2f}× jieba's time"
        out.rows.append(Row("speed", label, len(texts), other=other + (f" ({'; '.join(notes)})" if notes else "")))
    if own:
        ratio = own["repair(), all dictionaries"] / own["jieba.lcut"]
        out.rows.append(Row("speed", f"repair() with all {len(paths)} public dictionaries loaded vs jieba.lcut, on "
                                     "articles each spun with one of them (its finder built before timing)",
                            int(own["texts"]),
                            other=f"{own['chars'] / own['repair(), all dictionaries']:,.0f} chars/s = {ratio:.2f}× "
                                  f"jieba's time (goal ≤ {SPEED_GOALS['repair(), all dictionaries']}×)"))
    details: dict[str, Any] = {
        "spun_with_a_loaded_dictionary": {k: round(v, 3) for k, v in own.items()},
        "chars": n_chars,
        "rounds": rounds,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "time_ratio_vs_jieba": {k: round(v, 3) for k, v in ratios.items()},
        "goals": SPEED_GOALS,
        "repair_chars_per_second": round(n_chars / seconds["repair()"]),
        "jieba_chars_per_second": round(jieba_cps),
        "repairer_build_and_first_call_seconds": round(build_s, 3),
    }
    with tempfile.TemporaryDirectory(prefix="zhrepair-bench-") as tmp:
        short = Path(tmp) / "short.txt"
        short.write_text(SHORT_TEXT, encoding="utf-8")
        if paths:
            # in fresh processes (this one's heap would slow the allocations down): with an empty
            # compiled-lexicon cache (the files are parsed, then compiled), then from that cache
            # (the faster of two runs); cold = Python start and import too, cache empty
            def load_seconds(run: dict[str, Any]) -> float:
                return run["lexicon_seconds"] + run["first_repair_seconds"]

            runs = 1 if ctx.quick else 2  # timed loads from the compiled cache: the faster counts

            with _environ(ZHREPAIR_CACHE_DIR=str(Path(tmp) / "lexicon-cache")):
                parsed = _fresh_process(short, paths, warm=True)
                warm = min((_fresh_process(short, paths, warm=True) for _ in range(runs)), key=load_seconds)
            with _environ(ZHREPAIR_CACHE_DIR=str(Path(tmp) / "empty-cache")):
                cold = _fresh_process(short, paths)
            total = load_seconds(warm)
            details["load_all_dictionaries"] = {"parsed": parsed, "compiled": warm, "cold": cold,
                                                "compiled_total_seconds": round(total, 3),
                                                "parsed_total_seconds": round(load_seconds(parsed), 3)}
            # installed with `zhrepair lexicon add` (what `lexicon fetch` does after the download)
            with _environ(ZHREPAIR_CACHE_DIR=str(Path(tmp) / "store-cache"), ZHREPAIR_DATA_DIR=str(Path(tmp) / "data")):
                from zhrepair import lexicon_store

                for path in paths:
                    lexicon_store.add(path, format="tab", direction="original-first")
                store = min((_fresh_process(short, ["installed"], warm=True) for _ in range(runs)), key=load_seconds)
            details["load_all_dictionaries"]["installed"] = store
            out.rows.append(Row("speed", f"load all {len(paths)} public dictionaries: load_lexicon ×{len(paths)} + "
                                         "Repairer + first call on a short text, fresh process", len(paths), other=(
                f"{total:.2f} s from the compiled lexicon cache, {load_seconds(parsed):.2f} s the first time "
                f"(parsing the files), once the process had loaded the model (goal ≤ {SPEED_GOALS['load_seconds']} s) · "
                f"cold, with Python start, import, model and an empty cache, {cold['wall_seconds']:.2f} s · "
                f"peak RSS {cold['peak_rss_mb'] or float('nan'):.0f} MB")))
            out.rows.append(Row("speed", f"Repairer(lexicons=\"installed\") with all {len(paths)} installed + first call "
                                         "on a short text, fresh process, model loaded", len(paths),
                                other=f"{load_seconds(store):.2f} s from the compiled form (goal ≤ 1 s)"))
        else:
            details["load_all_dictionaries"] = f"skipped: {no_dicts}"
        first = _fresh_process(SAMPLE_DIR / "spun.txt")
    out.rows.append(Row("speed", "fresh process: import + zhrepair.repair(sample)", 1,
                        other=f"first call {first['wall_seconds']:.2f} s wall · "
                              f"peak RSS {first['peak_rss_mb'] or float('nan'):.0f} MB"))
    details["first_call_subprocess"] = first
    out.details = details
    return out


def _mb(x: float) -> str:
    return f"{x:.0f} MB" if x == x else "—"  # nan: not seen (e.g. no worker processes)


def suite_clean_throughput(ctx: Context) -> SuiteResult:
    """`zhrepair clean IN.jsonl -o OUT.jsonl --jobs 1|2` on TEST documents: docs/s, chars/s, scaling."""
    n = ctx.size("clean-throughput")
    pool = ctx._test_pool("xwlb") + ctx._test_pool("govreport")
    docs = [pool[i % len(pool)] for i in range(n)]
    n_chars = sum(len(a.text) for a in docs)
    out = SuiteResult("clean-throughput")
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="zhrepair-bench-") as tmp:
        src = Path(tmp) / "in.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for i, a in enumerate(docs):
                f.write(json.dumps({"id": f"{i}:{a.id}", "text": a.text}, ensure_ascii=False) + "\n")
        for jobs in (1, 2):
            dst = Path(tmp) / f"out{jobs}.jsonl"
            progress(f"clean-throughput: zhrepair clean --jobs {jobs} on {n} docs")
            m = run_measured([sys.executable, "-m", "zhrepair", "clean", str(src), "-o", str(dst), "--jobs", str(jobs)],
                             timeout=600)
            lines = sum(1 for _ in open(dst, encoding="utf-8")) if dst.exists() else 0
            if m.returncode != 0 or lines != n:
                raise Skip(f"`zhrepair clean --jobs {jobs}` failed (exit {m.returncode}, {lines}/{n} output lines): "
                           + (m.stderr.strip().splitlines() or ["no stderr"])[-1][:300])
            runs[f"jobs{jobs}"] = {"seconds": round(m.seconds, 3), "docs_per_second": round(n / m.seconds, 2),
                                   "chars_per_second": round(n_chars / m.seconds),
                                   "peak_rss_mb_main": round(m.main_rss_mb, 1),
                                   "peak_rss_mb_worker": round(m.worker_rss_mb, 1),
                                   "processes_seen": len(m.peak_rss_mb)}
    scaling = runs["jobs1"]["seconds"] / runs["jobs2"]["seconds"]
    for jobs in (1, 2):
        r = runs[f"jobs{jobs}"]
        out.rows.append(Row("clean-throughput", f"zhrepair clean --jobs {jobs}", n,
                            other=f"{r['docs_per_second']:.1f} docs/s · {r['chars_per_second']:,} chars/s · "
                                  f"peak RSS {_mb(r['peak_rss_mb_main'])} main, {_mb(r['peak_rss_mb_worker'])} per worker"))
    out.rows[-1].other += f" · scaling ×{scaling:.2f}"
    out.details = {"docs": n, "chars": n_chars, **runs, "scaling_jobs2_over_jobs1": round(scaling, 3)}
    return out


_SCALE_CALL = r"""
import json, resource, sys, time
import zhrepair
text = open(sys.argv[1], encoding="utf-8").read()
small = text[: len(text) // 5]
r = zhrepair.Repairer()
r.repair(small[:2000])
out = {}
for name, t in (("small", small), ("large", text)):
    t0 = time.perf_counter()
    res = r.repair(t)
    out[name] = {"chars": len(t), "bytes": len(t.encode()), "seconds": time.perf_counter() - t0, "edits": len(res.edits),
                 "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
print(json.dumps(out))
"""


def suite_scale(ctx: Context) -> SuiteResult:
    """Cost against size: one repair() of a 1 MB and a 5 MB spun document in one fresh process
    (time ratio, peak RSS); size of `clean`'s output per input byte with full, compact and no edits."""
    from zhrepair.batch import clean_records, encode_record

    mb = ctx.size("scale-mb")
    spec = spinners.sample_spinner()
    pool = ctx._test_pool("xwlb")
    parts: list[str] = []
    size = 0
    for a in pool:  # TEST articles spun by the sample spinner, joined into one document
        parts.append(spin(a.text, spec, seed=f"scale:{ctx.seed}:{a.id}").spun)
        size += len(parts[-1].encode("utf-8")) + 1
        if size >= mb * 1_000_000:
            break
    big = "\n".join(parts).encode("utf-8")[: mb * 1_000_000].decode("utf-8", "ignore")
    out = SuiteResult("scale")
    with tempfile.TemporaryDirectory(prefix="zhrepair-bench-") as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(big, encoding="utf-8")
        progress(f"scale: repair() of {mb / 5:g} MB and {mb} MB in a fresh process")
        proc = subprocess.run([sys.executable, "-c", _SCALE_CALL, str(path)], capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"scale run failed: {proc.stderr.strip()[-500:]}")
    runs = json.loads(proc.stdout.strip().splitlines()[-1])
    small, large = runs["small"], runs["large"]
    ratio = large["seconds"] / small["seconds"]
    out.rows.append(Row("scale", f"one repair() of {large['bytes'] / 1e6:.1f} MB vs {small['bytes'] / 1e6:.1f} MB "
                                 "(sample-spinner TEST text, blind style, one process)", 2, other=(
        f"{large['seconds']:.1f} s vs {small['seconds']:.1f} s = ×{ratio:.2f} the time for ×"
        f"{large['bytes'] / small['bytes']:.1f} the text (goal ≤ ×5.5) · peak RSS {large['peak_rss_mb']:.0f} MB")))

    docs = [{"text": d.spun} for _, d in ctx.sample_spun()[: ctx.size("scale-docs")]]
    n_in = sum(len(json.dumps(d, ensure_ascii=False).encode("utf-8")) + 1 for d in docs)
    repairer = ctx.repairer()
    sizes = {style: sum(len(encode_record(rec)) for rec in clean_records(docs, repairer, edits=style))
             for style in ("full", "compact", "none")}
    out.rows.append(Row("scale", "`zhrepair clean` output bytes per input byte, sample-spinner TEST documents", len(docs),
                        other=" · ".join(f"--edits {k} ×{v / n_in:.2f}" for k, v in sizes.items())))
    out.details = {"repair": runs, "time_ratio": round(ratio, 3),
                   "output_bytes_per_input_byte": {k: round(v / n_in, 3) for k, v in sizes.items()}}
    return out


def suite_spark(ctx: Context) -> SuiteResult:
    """The Spark job at local[2] against `zhrepair clean --jobs 2` (see benchmarks/spark_bench.py)."""
    from .spark_bench import suite_spark as run

    return run(ctx)


def suite_learn(ctx: Context) -> SuiteResult:
    """`lexicon learn` on 20 TEST articles per spinner: pairs recovered (see benchmarks/learn_bench.py)."""
    from . import learn_bench

    try:
        found = learn_bench.rows("test", 4 if ctx.quick else learn_bench.DOCS, ctx.seed)
    except corpus.SharedDataMissing as exc:
        raise Skip(str(exc)) from None
    out = SuiteResult("learn")
    for r in found:
        out.rows.append(Row("learn", f"{r.spinner}: pairs learned from (clean, spun) TEST articles", r.docs,
                            1 - r.not_gold / r.output if r.output else None, r.recall, None,
                            f"gold {r.gold} · recovered {r.recovered} · output {r.output} · not gold {r.not_gold}"
                            f" · unsupported {r.unsupported}"))
    out.details = {"rows": [learn_bench.as_dict(r) for r in found]}
    return out


def suite_induce(ctx: Context) -> SuiteResult:
    """A site's dictionary induced from its own TEST pages (no lexicon of the spinner loaded),
    then those pages repaired with it; clean crawls must give nothing (benchmarks/train_induction.py)."""
    from . import train_induction

    try:
        results = train_induction.evaluate_all("test", ctx.size("induce"))
    except corpus.SharedDataMissing as exc:
        raise Skip(str(exc)) from None
    out = SuiteResult("induce")
    for r in results:
        head = f"{r['entries']} entries · {100 * r['share']:.2f} % of words look spun · induced in {r['induce_seconds']} s"
        if "false_edits_per_10k" in r:
            out.rows.append(Row("induce", f"{r['name']} crawl (clean): induced, then repaired", r["docs"], None, None, None,
                                f"{head} · false edits/10k {r['false_edits_per_10k']:.2f}"))
            continue
        p, rec = r["precision"], r["recall"]
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        known = r["name"] == "sample"  # its pairs are the default lexicon, which repairs it too
        label = "its pairs are the default lexicon: not an unseen spinner" if known else "blind unless named; unseen dictionary"
        out.rows.append(Row("induce", f"{r['name']} crawl ({label}): induced, then repaired",
                            r["docs"], p, rec, f1,
                            f"{head} · word-level P {r['word_precision']:.3f} R {r['word_recall']:.3f}"))
    out.details = {"label": "held out", "thresholds": list(train_induction.THRESHOLDS), "crawls": results}
    return out


SUITES: dict[str, Callable[[Context], SuiteResult]] = {
    "sample": suite_sample,
    "sample-spinner": suite_sample_spinner,
    "public-dicts": suite_public_dicts,
    "lodo": suite_lodo,
    "open-vocabulary": suite_open_vocabulary,
    "clean": suite_clean,
    "detection": suite_detection,
    "styles": suite_styles,
    "speed": suite_speed,
    "clean-throughput": suite_clean_throughput,
    "scale": suite_scale,
    "spark": suite_spark,
    "learn": suite_learn,
    "induce": suite_induce,
}


def run_suite(name: str, ctx: Context) -> SuiteResult:
    """Run one suite, turning Skip and errors into a result."""
    progress(f"suite {name} …")
    t0 = time.perf_counter()
    try:
        result = SUITES[name](ctx)
    except Skip as exc:
        result = SuiteResult(name, status="skipped", message=str(exc))
    except Exception as exc:  # a broken suite must not hide the others
        result = SuiteResult(name, status="error", message=f"{type(exc).__name__}: {exc}",
                             details={"traceback": traceback.format_exc()})
    result.seconds = time.perf_counter() - t0
    note = f" ({result.message})" if result.message else ""
    progress(f"suite {name}: {result.status} in {result.seconds:.1f}s{note}")
    return result
