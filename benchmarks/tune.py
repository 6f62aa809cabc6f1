"""Reproduce every fitted constant of :mod:`zhrepair.tuning` from TUNE articles only.

    python -m benchmarks.tune                  # detector fit + coordinate search (≈ 20–40 min)
    python -m benchmarks.tune --evaluate       # the TUNE figures of the current TUNED (≈ 1 min)
    python -m benchmarks.tune --evaluate --learned  # the same with the learned decision (zhrepair.decision)
    python -m benchmarks.tune --only window    # search one field
    python -m benchmarks.tune --detector-only  # the detector's logistic regression only
    python -m benchmarks.tune --quick ...      # a few articles per set: a smoke run

**TUNE figures** (:func:`evaluate`), on TUNE articles spun once with fixed seeds
(:func:`build_data`): (a) F1 on xwlb articles spun by the sample's spinner, default
lexicon; (b) micro-F1 over the eight public dictionaries, each spinning its own articles,
repaired with that dictionary loaded plus the default lexicon; (c) false edits per 10,000
characters on clean xwlb, govreport, People's Daily 1998 and SIGHAN articles, with the
default lexicon and with all eight dictionaries loaded; (d) detection ROC AUC, spun
(sample's spinner; public dictionaries not loaded) vs clean; (e) micro-F1 over the eight
dictionaries spinning in the hard styles of :mod:`benchmarks.styles` (token, sequential,
partial, short, manpages), each repaired with its dictionary loaded.

**Detector**: the logistic regression of :mod:`benchmarks.calibrate` gives ``llr_weight``,
``fluency_weight``, ``bigram_weight`` and ``detector_bias`` (``fluency_centre`` and ``bigram_centre`` are
chosen).

**Decoder**: a coordinate search over the fields whose origin (``Tuning.describe()``) is
the coordinate search: each in turn tries a small grid around its value (×0.5, ×0.75,
×4/3, ×2 for reals, ±1 for integers, within bounds). The objective is the mean of the
F1 of (a), (b) and (e) ((a) and (b) only before 2026-11-30's styles); a move must not
raise either clean false-edit rate (c) above the search's starting point, and is taken
only when it improves the objective by more than 0.001, so values already at a local
optimum stay. Another pass follows only when the last one moved something
(``--max-passes``). When the search moved anything, the detector is fitted again on the
final values.

It prints progress to stderr and then a table of every field (value found, previous
value, origin), the TUNE figures at the start and at the end, and the lines to paste into
``src/zhrepair/tuning.py`` for the values that changed; it never edits ``src/`` itself.
TEST articles are never read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Sequence

from . import calibrate, corpus, spinners, styles
from .scoring import Score, roc_auc
from .simulator import Spun, spin
from .suites import _false_edits, _repair_and_score, public_lexicon

SEARCH_ORIGIN = "coordinate search"  # a field's origin naming this marks it as searched
MIN_GAIN = 0.001  # a move must raise the objective by more than this
FACTORS = (0.5, 0.75, 4 / 3, 2.0)  # the grid of a positive real, as multiples of its value
# sensible ranges; a searched field not named here is a positive real (or an integer >= 1)
BOUNDS: dict[str, tuple[float, float]] = {
    "unigram_discount": (0.0, 1.0),  # a share
    "spin_prior": (0.001, 0.9),  # a rate
    "clean_threshold": (0.05, 0.95),  # a probability
    "min_choice_ratio": (1.0, math.inf),  # RepairConfig rejects < 1
    "window": (1, 8),
}


@dataclass(frozen=True)
class Sizes:
    """Articles per set: spun by the sample's spinner, per public dictionary, clean per source;
    detector: articles per group of the regression."""

    sample: int
    per_dict: int
    clean_xwlb: int
    clean_govreport: int
    clean_rmrb: int
    clean_sighan: int
    detector: int
    per_style: int = 3  # per dictionary and hard style (short documents: four times as many)


FULL = Sizes(sample=120, per_dict=10, clean_xwlb=100, clean_govreport=25, clean_rmrb=25, clean_sighan=20, detector=60,
             per_style=3)
QUICK = Sizes(sample=6, per_dict=2, clean_xwlb=4, clean_govreport=2, clean_rmrb=1, clean_sighan=1, detector=6, per_style=1)
HARD_STYLES = ("token", "sequential", "partial", "short", "manpages")  # (e): benchmarks.styles beyond blind
SLOTS, N_SLOTS = {"sample": 0, "dicts": 1, "clean": 2}, 4  # disjoint shares of the xwlb TUNE articles


def log(msg: str) -> None:
    print(f"[tune] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


@dataclass
class TuneData:
    """The TUNE documents every evaluation reuses (spun once, fixed seeds), and the lexicons."""

    sample: list[tuple[corpus.Article, Spun]]
    dicts: list[tuple[str, Any, list[tuple[corpus.Article, Spun]]]]  # (name, Lexicon, spun articles)
    clean: list[corpus.Article]
    sizes: Sizes
    styled: list[tuple[str, Any, list[tuple[corpus.Article, Spun]]]]  # (dictionary name, Lexicon, docs of every hard style)

    @property
    def lexicons(self) -> list[Any]:
        return [lex for _, lex, _ in self.dicts]

    def describe(self) -> str:
        chars = sum(len(a.text) for a in self.clean)
        return (f"{len(self.sample)} sample-spun + {len(self.dicts)}×{self.sizes.per_dict} dictionary-spun xwlb TUNE "
                f"articles; {len(self.clean)} clean TUNE articles ({chars:,} chars)")


def build_data(sizes: Sizes, seed: int = 0) -> TuneData:
    """Spin the TUNE articles (raises ``corpus.SharedDataMissing`` without the shared data)."""
    xwlb = corpus.tune_articles("xwlb")

    def spun(spec: Any, name: str, n: int, slot: int) -> list[tuple[corpus.Article, Spun]]:
        return [(a, spin(a.text, spec, seed=f"tune:{name}:{seed}:{a.id}")) for a in corpus.pick(xwlb, n, slot, N_SLOTS)]

    sample = spun(spinners.sample_spinner(), "sample", sizes.sample, SLOTS["sample"])
    dicts = [(p.stem, public_lexicon(p), spun(spinners.public_spinner(p), p.stem, sizes.per_dict, SLOTS["dicts"]))
             for p in spinners.public_dict_paths()]
    if not dicts:
        raise corpus.SharedDataMissing(f"no *.tsv in {corpus.spinner_dicts_dir()}")
    clean = corpus.pick(xwlb, sizes.clean_xwlb, SLOTS["clean"], N_SLOTS)
    for source in ("govreport", "rmrb", "sighan"):
        clean += corpus.pick(corpus.tune_articles(source), getattr(sizes, f"clean_{source}"))
    styled = []
    for (name, lex, _), path in zip(dicts, spinners.public_dict_paths()):
        docs = [d for style in HARD_STYLES
                for d in styles.styled_docs(path, style, "tune", sizes.per_style * (4 if styles.get_style(style).short else 1),
                                            seed=f"tune:{seed}", slot=SLOTS["dicts"], slots=N_SLOTS)]
        styled.append((name, lex, docs))
    return TuneData(sample, dicts, clean, sizes, styled)


# --------------------------------------------------------------------------- repairers


def load_time_fields() -> frozenset[str]:
    """The Tuning fields a Repairer reads while it loads (its candidate finder and scorer
    keep them); found by loading one with a Tuning that records what is read."""
    import zhrepair
    from zhrepair.tuning import Tuning

    read: set[str] = set()

    class Recording(Tuning):
        def __getattribute__(self, name: str) -> Any:
            read.add(name)
            return object.__getattribute__(self, name)

    recording = Recording()
    read.clear()  # its own validation reads every field
    zhrepair.Repairer(tuning=recording).load()
    return frozenset(read & {f.name for f in fields(Tuning)})


class Repairers:
    """Loaded Repairers per lexicon set, shared by the tunings that agree on the fields read
    at load time (:func:`load_time_fields`): each evaluation would otherwise load the model
    and build the scanners ten times. A shared one is a copy with its own ``tuning``, which
    every call reads; the last *keep* loads per lexicon set are kept."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._fields: tuple[str, ...] | None = None
        self._loaded: dict[str, dict[tuple, Any]] = {}

    def get(self, name: str, lexicons: Sequence[Any], tuning: Any) -> Any:
        import zhrepair

        if self._fields is None:
            self._fields = tuple(sorted(load_time_fields()))
        key = tuple(getattr(tuning, f) for f in self._fields)
        loaded = self._loaded.setdefault(name, {})
        r = loaded.pop(key, None)
        if r is None:
            r = zhrepair.Repairer(lexicons=list(lexicons), tuning=tuning, **REPAIR_OPTIONS).load()
        loaded[key] = r  # most recent last
        while len(loaded) > self.keep:
            del loaded[next(iter(loaded))]
        return with_tuning(r, tuning)


def with_tuning(repairer: Any, tuning: Any) -> Any:
    """A copy of a loaded *repairer* sharing its lexicon and resources, with another
    *tuning* (valid when the two tunings agree on :func:`load_time_fields`)."""
    clone = object.__new__(type(repairer))
    clone.__dict__.update(repairer.__dict__)
    clone.tuning = tuning
    return clone


_REPAIRERS = Repairers()
#: Repairer options of every evaluation: the search fits the channel's constants with the
#: learned decision off (``benchmarks.train_decision`` is fitted on the channel after them)
REPAIR_OPTIONS: dict[str, Any] = {"learned_decision": False}


# --------------------------------------------------------------------------- the objective


def evaluate(tuning: Any, data: TuneData, repairers: Repairers | None = None) -> dict[str, Any]:
    """The TUNE figures of a pipeline set by *tuning* (see the module docstring)."""
    get = (repairers or _REPAIRERS).get
    t0 = time.perf_counter()
    default = get("default", (), tuning)
    known: list[float] = []
    sample, _, _ = _repair_and_score(default, data.sample, "tune sample-spinner", spin_scores=known)
    grand, per_dict = Score(), {}
    for name, lex, docs in data.dicts:
        total, _, _ = _repair_and_score(get(name, [lex], tuning), docs, f"tune {name}")
        grand = grand + total
        per_dict[name] = round(total.f1, 4)
    hard = Score()
    for name, lex, docs in data.styled:
        total, _, _ = _repair_and_score(get(name, [lex], tuning), docs, f"tune {name} hard styles")
        hard = hard + total
    clean_scores: list[float] = []
    _, clean = _false_edits(default, data.clean, "tune clean", spin_scores=clean_scores)
    _, clean_all = _false_edits(get("all dictionaries", data.lexicons, tuning), data.clean, "tune clean, all")
    unknown = [float(default.detect(d.spun).score) for _, _, docs in data.dicts for _, d in docs]
    return {
        "objective": round((sample.f1 + grand.f1 + hard.f1) / 3, 5),
        "styles_f1": round(hard.f1, 4), "styles_p": round(hard.precision, 4), "styles_r": round(hard.recall, 4),
        "sample_f1": round(sample.f1, 4), "sample_p": round(sample.precision, 4), "sample_r": round(sample.recall, 4),
        "dicts_f1": round(grand.f1, 4), "dicts_p": round(grand.precision, 4), "dicts_r": round(grand.recall, 4),
        "per_dict_f1": per_dict,
        "clean_false_per_10k": clean["false_edits_per_10k"],
        "clean_false_per_10k_all_dicts": clean_all["false_edits_per_10k"],
        "clean_false_edits": [clean["false_edits"], clean_all["false_edits"]],
        "auc_known": round(roc_auc(known, clean_scores), 4),
        "auc_unknown": round(roc_auc(unknown, clean_scores), 4),
        "clean_flagged_pct": round(100 * sum(s >= tuning.spun_threshold for s in clean_scores) / max(1, len(clean_scores)), 1),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def format_figures(fig: dict[str, Any], title: str) -> str:
    per = " · ".join(f"{k} {v:.3f}" for k, v in fig["per_dict_f1"].items())
    return "\n".join([
        f"{title} ({fig['seconds']:.0f} s)",
        f"  objective (mean F1 of a, b and e)     {fig['objective']:.4f}",
        f"  (a) sample-spinner F1                 {fig['sample_f1']:.4f}  (P {fig['sample_p']:.4f} R {fig['sample_r']:.4f})",
        f"  (b) public dictionaries micro-F1      {fig['dicts_f1']:.4f}  (P {fig['dicts_p']:.4f} R {fig['dicts_r']:.4f})",
        f"      per dictionary: {per}",
        f"  (c) clean false edits / 10k chars     {fig['clean_false_per_10k']:.3f} default lexicon · "
        f"{fig['clean_false_per_10k_all_dicts']:.3f} all eight dictionaries "
        f"({fig['clean_false_edits'][0]} and {fig['clean_false_edits'][1]} edits)",
        f"  (d) detection ROC AUC                 {fig['auc_known']:.4f} known spinner · {fig['auc_unknown']:.4f} "
        f"unknown · {fig['clean_flagged_pct']:.0f}% of clean articles flagged",
        f"  (e) hard styles micro-F1              {fig['styles_f1']:.4f}  (P {fig['styles_p']:.4f} R {fig['styles_r']:.4f}; "
        f"{', '.join(HARD_STYLES)}; its own dictionary loaded)",
    ])


def admissible(fig: dict[str, Any], start: dict[str, Any]) -> bool:
    """Neither clean false-edit rate above the starting point's."""
    return all(fig[k] <= start[k] + 1e-9 for k in ("clean_false_per_10k", "clean_false_per_10k_all_dicts"))


# --------------------------------------------------------------------------- evaluations, possibly in parallel

_DATA: TuneData | None = None  # set before the worker processes fork, so they inherit it


def _evaluate_values(values: dict[str, Any]) -> dict[str, Any]:
    from zhrepair.tuning import TUNED

    assert _DATA is not None
    return evaluate(TUNED.with_values(**values), _DATA)


class Evaluator:
    """Evaluates tunings (given as the values that differ from ``TUNED``), caching figures,
    on ``jobs`` processes."""

    def __init__(self, data: TuneData, jobs: int = 1) -> None:
        global _DATA
        _DATA = data
        self.cache: dict[tuple, dict[str, Any]] = {}
        self.pool = ProcessPoolExecutor(jobs, mp_context=get_context("fork")) if jobs > 1 else None

    @staticmethod
    def _key(values: dict[str, Any]) -> tuple:
        from zhrepair.tuning import TUNED

        return tuple(sorted((k, v) for k, v in values.items() if getattr(TUNED, k) != v))

    def many(self, points: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        todo = list({self._key(p): p for p in points if self._key(p) not in self.cache}.items())
        if self.pool is not None and len(todo) > 1:
            results = list(self.pool.map(_evaluate_values, [dict(k) for k, _ in todo]))
        else:
            results = [_evaluate_values(dict(k)) for k, _ in todo]
        for (key, _), fig in zip(todo, results):
            self.cache[key] = fig
        return [self.cache[self._key(p)] for p in points]

    def one(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.many([values])[0]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


# --------------------------------------------------------------------------- the search


def searched_fields() -> list[str]:
    """The fields the coordinate search owns, from their origin in ``Tuning.describe()``."""
    from zhrepair.tuning import Tuning

    return [name for name, _, _, origin in Tuning.describe() if SEARCH_ORIGIN in origin]


def _round(x: float) -> float:
    return float(f"{x:.3g}")


def grid(name: str, value: Any) -> list[Any]:
    """The values to try for field *name* around *value* (within bounds, without *value*)."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: a flag is not searched")
    lo, hi = BOUNDS.get(name, (1 if isinstance(value, int) else 0.0, math.inf))
    if isinstance(value, int):
        candidates: list[Any] = [value - 1, value + 1]
    elif value == 0:
        candidates = [0.1, 0.25]
    else:
        candidates = [_round(value * f) for f in FACTORS]
    out: list[Any] = []
    for c in candidates:
        c = min(max(c, lo), hi)
        if isinstance(value, float):
            c = float(c)
            if c <= 0 < value and lo <= 0:
                continue  # a positive real stays positive unless its bounds say otherwise
        if c != value and c not in out:
            out.append(c)
    return out


def search(ev: Evaluator, values: dict[str, Any], start: dict[str, Any], names: Sequence[str],
           max_passes: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Coordinate search from *values* (figures *start*): the values found and their figures."""
    best_values, best = dict(values), start
    for n_pass in range(1, max_passes + 1):
        moved = []
        for name in names:
            current = best_values[name]
            trials = grid(name, current)
            points = [{**best_values, name: v} for v in trials]
            figs = ev.many(points)
            for v, fig in zip(trials, figs):
                ok = admissible(fig, start)
                log(f"pass {n_pass} {name}={v!r} (now {current!r}): objective {fig['objective']:.4f} "
                    f"({fig['objective'] - best['objective']:+.4f}) a {fig['sample_f1']:.4f} b {fig['dicts_f1']:.4f} "
                    f"clean {fig['clean_false_per_10k']:.3f}/{fig['clean_false_per_10k_all_dicts']:.3f}"
                    f"{'' if ok else ' — raises clean false edits'} [{fig['seconds']:.0f}s]")
            better = [(fig["objective"], v, fig) for v, fig in zip(trials, figs)
                      if admissible(fig, start) and fig["objective"] > best["objective"] + MIN_GAIN]
            if better:
                _, v, fig = max(better, key=lambda t: t[0])
                log(f"pass {n_pass}: {name} {current!r} -> {v!r}, objective {best['objective']:.4f} -> {fig['objective']:.4f}")
                best_values[name], best = v, fig
                moved.append(name)
            else:
                log(f"pass {n_pass}: {name} stays {current!r}")
        log(f"pass {n_pass} done: moved {', '.join(moved) or 'nothing'}")
        if not moved:
            break
    return best_values, best


# --------------------------------------------------------------------------- output


def _origin_expr(origin: str) -> str:
    import zhrepair.tuning as t

    for name in dir(t):
        if name.isupper() and getattr(t, name) == origin:
            return name
    return _str(origin)


def _str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a Python literal in the file's own quotes


def paste_lines(changed: dict[str, Any]) -> str:
    """Field definitions for ``src/zhrepair/tuning.py`` with the new values."""
    from zhrepair.tuning import Tuning

    out = []
    for f in fields(Tuning):
        if f.name not in changed:
            continue
        meaning = textwrap.wrap(f.metadata["meaning"], 100, drop_whitespace=False)
        lines = [f"    {f.name}: {f.type} = _c(", f"        {changed[f.name]!r}, " + _str(meaning[0])]
        lines += [f"        {_str(chunk)}" for chunk in meaning[1:]]
        lines[-1] += ","
        lines.append(f"        {_origin_expr(f.metadata['origin'])})")
        out.append("\n".join(lines))
    return "\n".join(out)


def field_table(found: dict[str, Any]) -> str:
    from zhrepair.tuning import TUNED, Tuning

    rows = ["| field | value found | previous value | origin |", "|---|--:|--:|---|"]
    for name, _, _, origin in Tuning.describe():
        now, old = found.get(name, getattr(TUNED, name)), getattr(TUNED, name)
        mark = " **changed**" if now != old else ""
        rows.append(f"| {name} | {now!r}{mark} | {old!r} | {origin} |")
    return "\n".join(rows)


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.tune", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--evaluate", action="store_true", help="print the TUNE figures of the current TUNED and stop")
    what.add_argument("--only", metavar="NAME", action="append",
                      help="search this field only (repeatable); no detector fit")
    what.add_argument("--detector-only", action="store_true", help="fit the detector only, no decoder search")
    p.add_argument("--quick", action="store_true", help="a few articles per set (a smoke run of a minute or two)")
    p.add_argument("--max-passes", type=int, default=3, help="most passes of the coordinate search (default 3)")
    p.add_argument("--jobs", type=int, default=1, help="evaluate a field's grid on this many processes (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the spinner simulator (default 0)")
    for f in fields(Sizes):
        p.add_argument(f"--{f.name.replace('_', '-')}", type=int, metavar="N",
                       help=f"articles: {f.name.replace('_', ' ')} (default {getattr(FULL, f.name)}, "
                            f"--quick {getattr(QUICK, f.name)})")
    p.add_argument("--learned", action="store_true",
                   help="with --evaluate: the pipeline as shipped, with the learned decision (default: the channel alone, "
                        "as the search fits it)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures and values found as JSON")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from zhrepair.tuning import TUNED

    if args.learned and not args.evaluate:
        print("tune: --learned only goes with --evaluate (the search fits the channel)", file=sys.stderr)
        return 2
    REPAIR_OPTIONS["learned_decision"] = args.learned

    base = QUICK if args.quick else FULL
    sizes = Sizes(**{f.name: getattr(args, f.name) or getattr(base, f.name) for f in fields(Sizes)})
    names = searched_fields()
    for name in args.only or ():
        if name not in names:
            print(f"tune: {name!r} is not searched; searched fields: {', '.join(names)}", file=sys.stderr)
            return 2
    t0 = time.perf_counter()
    try:
        data = build_data(sizes, args.seed)
        groups = calibrate.detector_groups(sizes.detector) if not (args.evaluate or args.only) else []
    except corpus.SharedDataMissing as exc:
        print(f"tune: {exc}", file=sys.stderr)
        return 2
    log(f"data: {data.describe()}; built in {time.perf_counter() - t0:.0f}s")
    ev = Evaluator(data, args.jobs)
    try:
        start = ev.one({})
        log(f"start: objective {start['objective']:.4f} in {start['seconds']:.0f}s")
        if args.evaluate:
            print(format_figures(start, f"TUNE figures of the current TUNED — {data.describe()}"))
            _write_json(args.json, {"sizes": sizes.__dict__, "start": start})
            return 0
        values = {name: getattr(TUNED, name) for name, *_ in TUNED.describe()}
        fit_detector: Callable[[dict[str, Any]], dict[str, Any]] = lambda vals: calibrate.fit_detector(  # noqa: E731
            TUNED.with_values(**vals), groups, log=log)[0]
        if not args.only:
            values.update(fit_detector(values))
            log("detector: " + ", ".join(f"{k} {values[k]} (now {getattr(TUNED, k)})" for k in calibrate.DETECTOR_FIELDS))
        here = ev.one(values)
        if not args.detector_only:
            found, _ = search(ev, values, here, args.only or names, args.max_passes)
            if not args.only and found != values:
                found.update(fit_detector(found))
                log("detector refitted: " + ", ".join(f"{k} {found[k]}" for k in calibrate.DETECTOR_FIELDS))
            values = found
        end = ev.one(values)
    finally:
        ev.close()
    changed = {k: v for k, v in values.items() if v != getattr(TUNED, k)}
    print(f"# benchmarks.tune — {data.describe()}; {time.perf_counter() - t0:.0f} s\n")
    print(field_table(values) + "\n")
    print(format_figures(start, "TUNE figures at the start (current TUNED)"))
    print(format_figures(end, "TUNE figures at the end (values found)"))
    print()
    if changed:
        print("# paste into src/zhrepair/tuning.py (replacing these fields):")
        print(paste_lines(changed))
    else:
        print("# no value changed: src/zhrepair/tuning.py stays as it is")
    _write_json(args.json, {"sizes": sizes.__dict__, "start": start, "end": end, "values": values, "changed": changed})
    return 0


def _write_json(path: Path | None, obj: dict[str, Any]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
