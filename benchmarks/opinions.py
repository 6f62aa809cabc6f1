"""Second opinions beside the word trigram: which one helps pick the right original, and
decide keep vs restore? A fixed, deterministic protocol on TUNE articles only.

    python -m benchmarks.opinions --workdir /tmp/op --convert-sunpinyin   # ARPA from Debian's sunpinyin-data
    python -m benchmarks.opinions --workdir /tmp/op --train-cbow          # gensim CBOW on TUNE text
    python -m benchmarks.opinions --workdir /tmp/op                       # the tables (≈ 10 min)
    python -m benchmarks.opinions --workdir /tmp/op --per-dict 3 --clean 5  # a smoke run

**Data.** ``--per-dict`` xwlb TUNE articles (``corpus.pick(..., slot=1, slots=4)``, as
tune.py's dictionary set) are spun with each public dictionary (blind, every occurrence;
seed ``opinions:<dict>:<article id>``). Every single swap (``Spun.swaps``) is a site: its
spun form, the dictionary's originals of that form (pairs inverted: spun → originals) and
the gold original. ``--clean`` further xwlb TUNE articles (slot 2, never spun) give the
clean occurrences.

**Task A (which original).** Sites whose form has ≥ 2 originals in its dictionary: rank
the originals in context; top-1 accuracy per dictionary and micro-averaged.

**Task B (keep vs restore).** Positives: spun sites, delta = score(true original) −
score(form) (at most ``--max-pos`` per dictionary, evenly spaced). Negatives: occurrences
of the same forms (the ones this dictionary produced in its positives) in the clean
articles, at most ``--max-per-form`` per form and ``--max-neg`` per dictionary, delta =
max over the form's originals of score(original) − score(form). ROC AUC of the delta over
all dictionaries pooled (``auc``), and with the best original on the positive side too
(``auc-best``, what a repairer sees).

**Context.** The site's clause (cut at ，。；！？：、 and line ends) of the text as the
repairer sees it (spun text for positives: neighbours stay spun); ``--words`` jieba words
each side for the n-gram judges (segmented again by each model's own max-probability
segmenter over ``left + candidate + right``, as ``zhrepair.scoring`` does; <s>/</s> when
the window reaches the clause's edge), ``--cbow-window`` jieba words each side within the
line for the CBOW cloze.

**Judges** (a score per candidate string; every judge also scores the form):

* ``libime`` — log10 P of the window under the libime trigram (``--libime``);
  ``uni`` — the candidate's own log10 unigram under libime (segmented), used as the lift
  term: ``libime-lift`` = libime − uni (the unigram log ratio taken out);
* ``sunpinyin`` — the same under the open-gram trigram of Debian's ``sunpinyin-data``
  (CC-BY-SA 3.0), converted to ARPA by ``--convert-sunpinyin``;
* ``char3`` — a character trigram (interpolated absolute discounting, D = 0.75) counted on
  the TUNE text of ``--train-sources`` (default all four corpora) minus the held-out xwlb
  shares (below);
* ``cbow`` — gensim Word2Vec CBOW (sg=0, 128 dims, window 4, min_count 5, negative
  sampling) trained by ``--train-cbow`` on the same text, jieba-segmented (no HMM); a
  candidate's score is log softmax(mean of the context words' input vectors · its
  output vector (syn1neg)) over the vocabulary; a candidate outside the vocabulary is
  scored as the sum over its jieba pieces (all known) or the context's minimum; also
  with the vocabulary restricted to the N most frequent words (``cbow-top<N>``) and to
  words in libime's vocabulary (``cbow-libime``).

**Combinations**: libime + w·other (and libime + w1·a + w2·b), w on a grid, chosen by
leave-one-dictionary-out cross-validation (fit on 7 dictionaries, report the 8th), for
task A (accuracy) and task B (AUC) separately.

Training text for CBOW and char3 excludes every xwlb TUNE article of slots 1 and 2 (of 4,
the shares the spun and clean articles are picked from, whatever their number), so
neither model has seen an evaluated sentence; the libime and sunpinyin models were
trained elsewhere on unknown text. ``--train-sources rmrb,govreport,sighan --tag ood``
fits both on text without any xwlb (an out-of-domain check: evaluate with the same
``--train-sources`` and ``--tag``; char3 is fitted on first use).
TEST articles are never read.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one thread: a busy 2-core machine makes BLAS threads 10x slower
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import math
import struct
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import corpus, spinners
from .simulator import spin

DEFAULT_LIBIME = "/tmp/lm11/x/libime-data-language-model/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm"
SUNPINYIN_DATA = "/tmp/lm11/x/sunpinyin-data/usr/lib/x86_64-linux-gnu/sunpinyin/data"
TSLMINFO = "/tmp/lm11/x/sunpinyin-utils/usr/bin/tslminfo"
CLAUSE_MARKS = "，。；！？：、,;!?:\n"


def log(msg: str) -> None:
    print(f"[opinions] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


@dataclass
class Site:
    dict_name: str
    text: str  # the text the site lies in (spun for positives, clean for negatives)
    start: int
    end: int
    form: str
    cands: list[str]  # the dictionary's originals of the form
    gold: int | None  # index into cands, None for a clean occurrence
    task_a: bool = False
    task_b: bool = False
    scores: dict[str, list[float]] = field(default_factory=dict)  # judge -> [form, *cands]


def invert(pairs: dict[str, list[str]]) -> dict[str, list[str]]:
    inv: dict[str, list[str]] = {}
    for original, forms in pairs.items():
        for s in forms:
            lst = inv.setdefault(s, [])
            if original not in lst:
                lst.append(original)
    return inv


def evaluated_articles(per_dict: int, n_clean: int) -> tuple[list[corpus.Article], list[corpus.Article]]:
    xwlb = corpus.tune_articles("xwlb")
    return corpus.pick(xwlb, per_dict, 1, 4), corpus.pick(xwlb, n_clean, 2, 4)


def even(items: list, n: int) -> list:
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(k * step)] for k in range(n)]


def build_sites(args: argparse.Namespace) -> list[Site]:
    spun_arts, clean_arts = evaluated_articles(args.per_dict, args.clean)
    sites: list[Site] = []
    for path in spinners.public_dict_paths():
        name = path.stem
        inv = invert(spinners.public_pairs(path))
        spec = spinners.public_spinner(path)
        positives: list[Site] = []
        for a in spun_arts:
            doc = spin(a.text, spec, seed=f"opinions:{name}:{a.id}")
            for sw in doc.swaps:
                cands = inv.get(sw.spun)
                if not cands or sw.gold[0] not in cands:
                    continue  # cannot happen with rate 1, no chains; kept as a guard
                positives.append(Site(name, doc.spun, sw.start, sw.end, sw.spun, list(cands),
                                      cands.index(sw.gold[0])))
        for s in positives:
            s.task_a = len(s.cands) >= 2
        for s in even(positives, args.max_pos):
            s.task_b = True
        forms = sorted({s.form for s in positives if s.task_b})
        negatives: list[Site] = []
        for form in forms:
            found = 0
            for a in clean_arts:
                i = a.text.find(form)
                while i >= 0 and found < args.max_per_form:
                    negatives.append(Site(name, a.text, i, i + len(form), form, list(inv[form]), None, task_b=True))
                    found += 1
                    i = a.text.find(form, i + len(form))
                if found >= args.max_per_form:
                    break
        negatives = even(negatives, args.max_neg)
        kept = [s for s in positives if s.task_a or s.task_b]
        log(f"{name}: {len(positives)} swaps, task A {sum(s.task_a for s in kept)}, "
            f"task B {sum(s.task_b for s in kept)} spun vs {len(negatives)} clean occurrences")
        sites += kept + negatives
    return sites


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and text[lo - 1] not in CLAUSE_MARKS:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in CLAUSE_MARKS:
        hi += 1
    return lo, hi


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


@dataclass
class Window:
    left: str
    right: str
    bos: bool
    eos: bool
    left_words: list[str]  # CBOW context
    right_words: list[str]


def windows(site: Site, words: int, cbow_window: int) -> Window:
    import jieba

    t = site.text
    lo, hi = clause_bounds(t, site.start, site.end)
    lw = [w for w in jieba.lcut(t[lo:site.start], HMM=False)]
    rw = [w for w in jieba.lcut(t[site.end:hi], HMM=False)]
    left, right = "".join(lw[-words:]), "".join(rw[:words])
    bos, eos = len(lw) <= words, len(rw) <= words
    llo, lhi = line_bounds(t, site.start, site.end)
    cl = [w for w in jieba.lcut(t[max(llo, site.start - 6 * cbow_window):site.start], HMM=False) if w.strip()]
    cr = [w for w in jieba.lcut(t[site.end:min(lhi, site.end + 6 * cbow_window)], HMM=False) if w.strip()]
    return Window(left, right, bos, eos, cl[-cbow_window:], cr[:cbow_window])


# --------------------------------------------------------------------------- judges


class NgramJudge:
    """log10 P(left + candidate + right) under a KenLM model, segmented by the model's own
    max-probability segmenter (zhrepair.segment.Segmenter over its unigrams)."""

    def __init__(self, name: str, model: Any, unigrams: dict[str, float], unk: float) -> None:
        from zhrepair.segment import Segmenter

        self.name = name
        self.model = model
        self.seg = Segmenter(unigrams, unk)

    def window(self, w: Window, cand: str) -> float:
        text = w.left + cand + w.right
        return self.model.score(self.seg.joined(text), bos=w.bos, eos=w.eos) if text else 0.0

    def unigram(self, cand: str) -> float:
        return self.model.score(self.seg.joined(cand), bos=False, eos=False) if cand else 0.0


def load_libime(path: str) -> tuple[NgramJudge, float]:
    from zhrepair.languagemodel import LanguageModel

    t0 = time.perf_counter()
    lm = LanguageModel(path)
    judge = NgramJudge("libime", lm._model, lm.unigram, lm.unk_logprob)
    return judge, time.perf_counter() - t0


def arpa_unigrams(path: Path) -> tuple[dict[str, float], float]:
    uni: dict[str, float] = {}
    unk = -7.0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("\\1-grams:"):
                break
        for line in f:
            if not line.strip():
                break
            p = line.rstrip("\n").split("\t")
            if p[1] == "<unk>":
                unk = float(p[0])
            elif not p[1].startswith("<"):
                uni[p[1]] = float(p[0])
    return uni, unk


def load_sunpinyin(arpa: Path) -> tuple[NgramJudge, float]:
    import kenlm

    t0 = time.perf_counter()
    model = kenlm.Model(str(arpa))
    uni, unk = arpa_unigrams(arpa)
    judge = NgramJudge("sunpinyin", model, uni, unk)
    return judge, time.perf_counter() - t0


class CharTrigram:
    """Character trigram, interpolated absolute discounting (D = 0.75), counts of TUNE text."""

    D = 0.75

    def __init__(self, lines: Iterable[str]) -> None:
        uni: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        tri: Counter[str] = Counter()
        for line in lines:
            s = "\x02\x02" + line + "\x03"
            uni.update(s[2:])
            bi.update(s[i:i + 2] for i in range(1, len(s) - 1))
            tri.update(s[i:i + 3] for i in range(len(s) - 2))
        self.total = sum(uni.values())
        self.uni = uni
        self.bi, self.tri = bi, tri
        self.bi_ctx: Counter[str] = Counter()
        self.bi_types: Counter[str] = Counter()
        for k, n in bi.items():
            self.bi_ctx[k[0]] += n
            self.bi_types[k[0]] += 1
        self.tri_ctx: Counter[str] = Counter()
        self.tri_types: Counter[str] = Counter()
        for k, n in tri.items():
            self.tri_ctx[k[:2]] += n
            self.tri_types[k[:2]] += 1
        self.v = len(uni) + 1

    def prob(self, h: str, c: str) -> float:
        D = self.D
        p = (self.uni.get(c, 0) + 0.5) / (self.total + 0.5 * self.v)
        if h:
            n = self.bi_ctx.get(h[-1], 0)
            if n:
                p = (max(self.bi.get(h[-1] + c, 0) - D, 0) + D * self.bi_types[h[-1]] * p) / n
        if len(h) >= 2:
            n = self.tri_ctx.get(h[-2:], 0)
            if n:
                p = (max(self.tri.get(h[-2:] + c, 0) - D, 0) + D * self.tri_types[h[-2:]] * p) / n
        return p

    def score(self, text: str, bos: bool, eos: bool) -> float:
        h = "\x02\x02" if bos else ""
        total = 0.0
        for ch in text + ("\x03" if eos else ""):
            total += math.log10(self.prob(h, ch))
            h = (h + ch)[-2:]
        return total


class CharJudge:
    name = "char3"

    def __init__(self, model: CharTrigram) -> None:
        self.model = model

    def window(self, w: Window, cand: str) -> float:
        return self.model.score(w.left + cand + w.right, w.bos, w.eos)


class CbowJudge:
    """log softmax of (mean context input vector · output vector) over the kept vocabulary."""

    def __init__(self, name: str, model: Any, keep: Sequence[int] | None = None) -> None:
        import numpy as np

        self.name = name
        wv = model.wv
        if keep is None:
            keep = range(len(wv.index_to_key))
        keep = list(keep)
        self.index = {wv.index_to_key[i]: j for j, i in enumerate(keep)}
        self.vin = np.ascontiguousarray(wv.vectors[keep], dtype=np.float32)
        self.vout = np.ascontiguousarray(model.syn1neg[keep], dtype=np.float32)
        self.np = np
        self.oov_sites = 0
        self.oov_cands = 0
        self.n_cands = 0

    def site_scores(self, w: Window, strings: Sequence[str]) -> list[float]:
        import jieba

        np = self.np
        ctx = [self.index[x] for x in w.left_words + w.right_words if x in self.index]
        if not ctx:
            self.oov_sites += 1
            return [0.0] * len(strings)
        h = self.vin[ctx].mean(axis=0)
        logits = self.vout @ h
        m = logits.max()
        lse = m + math.log(float(np.exp(logits - m).sum()))
        floor = float(logits.min()) - lse
        out = []
        for s in strings:
            self.n_cands += 1
            j = self.index.get(s)
            if j is not None:
                out.append(float(logits[j]) - lse)
                continue
            self.oov_cands += 1
            pieces = jieba.lcut(s, HMM=False)
            if pieces and all(p in self.index for p in pieces):
                out.append(max(floor, sum(float(logits[self.index[p]]) - lse for p in pieces)))
            else:
                out.append(floor)
        return out


# --------------------------------------------------------------------------- model building


def convert_sunpinyin(workdir: Path, data: str = SUNPINYIN_DATA, tslminfo: str = TSLMINFO) -> Path:
    """lm_sc.t3g → ARPA (log10), word ids → words from pydict_sc.bin (its lexicon is stored
    in word-id order as NUL-terminated UTF-32). Id 0 (open-gram's <unknown>, also its
    sentence boundary) becomes <s> in a context and </s> as the predicted word; trigrams
    with 0 in the middle are dropped. The values tslminfo prints are −ln(p) and −ln(bow)."""
    raw = workdir / "sunpinyin_raw.txt"
    with open(raw, "w") as f:
        subprocess.run([tslminfo, "-v", f"{data}/lm_sc.t3g"], stdout=f, check=True)
    d = Path(data, "pydict_sc.bin").read_bytes()
    nw, _, off = struct.unpack("<3I", d[:12])
    words = d[off:].decode("utf-32-le").split("\0")[:nw]
    name: dict[int, str] = {}
    seen: set[str] = set()
    for i, w in enumerate(words):
        if w and w not in seen and not any(c.isspace() for c in w):
            seen.add(w)
            name[i] = w
    ln10 = math.log(10)

    def lg(x: str | float) -> float:
        return -float(x) / ln10

    U: list[str] = []
    B: list[str] = []
    T: list[str] = []
    sec = None
    zero = (0.0, 0.0)
    for line in open(raw):
        if line.startswith("\\"):
            sec = line[1]
            continue
        p = line.split()
        if sec == "0":
            zero = (float(p[0]), float(p[1]))
        elif sec == "1":
            i = int(p[0])
            if i == 0:
                U += [f"-99\t<s>\t{lg(p[2]):.6f}", f"{lg(p[1]):.6f}\t</s>", f"{-(zero[0] + zero[1]) / ln10:.6f}\t<unk>"]
            elif i in name:
                U.append(f"{lg(p[1]):.6f}\t{name[i]}\t{lg(p[2]):.6f}")
        elif sec == "2":
            h, w = int(p[0]), int(p[1])
            a = "<s>" if h == 0 else name.get(h)
            b = "</s>" if w == 0 else name.get(w)
            if a is None or b is None or (h == 0 and w == 0):
                continue
            B.append(f"{lg(p[2]):.6f}\t{a} {b}" + ("" if w == 0 else f"\t{lg(p[3]):.6f}"))
        elif sec == "3":
            h1, h2, w = int(p[0]), int(p[1]), int(p[2])
            a = "<s>" if h1 == 0 else name.get(h1)
            b = None if h2 == 0 else name.get(h2)
            c = "</s>" if w == 0 else name.get(w)
            if a is None or b is None or c is None:
                continue
            T.append(f"{lg(p[3]):.6f}\t{a} {b} {c}")
    out = workdir / "sunpinyin_sc.arpa"
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"\\data\\\nngram 1={len(U)}\nngram 2={len(B)}\nngram 3={len(T)}\n\n")
        for n, rows in ((1, U), (2, B), (3, T)):
            f.write(f"\\{n}-grams:\n" + "\n".join(rows) + "\n\n")
        f.write("\\end\\\n")
    raw.unlink()
    log(f"wrote {out}: {len(U)} / {len(B)} / {len(T)} n-grams")
    return out


def training_lines(args: argparse.Namespace) -> list[str]:
    """TUNE lines of ``--train-sources``, minus the lines of every xwlb TUNE article in the
    shares this protocol evaluates (slots 1 and 2 of 4, whatever the run's sizes)."""
    xwlb = corpus.tune_articles("xwlb")
    skip = {(a.source, n) for a in xwlb[1::4] + xwlb[2::4] for n in range(a.first_line, a.last_line + 1)}
    lines = []
    for source in args.train_sources.split(","):
        first, last = corpus.SPLITS[source]["tune"]
        all_lines = corpus._lines(source)
        for n in range(first, min(last, len(all_lines)) + 1):
            line = all_lines[n - 1].strip()
            if line and (source, n) not in skip:
                lines.append(line)
    log(f"training text: {len(lines)} lines, {sum(map(len, lines)):,} chars from {args.train_sources}")
    return lines


def train_cbow(args: argparse.Namespace) -> Path:
    import jieba
    from gensim.models import Word2Vec

    lines = training_lines(args)
    t0 = time.perf_counter()
    sents = [[w for w in jieba.lcut(line, HMM=False) if w.strip()] for line in lines]
    log(f"segmented {len(lines)} lines, {sum(map(len, sents)):,} tokens in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    model = Word2Vec(sents, vector_size=128, window=4, min_count=5, sg=0, negative=5, hs=0,
                     workers=1, seed=1, epochs=5)
    log(f"trained: {len(model.wv)} words in {time.perf_counter() - t0:.0f} s")
    out = args.workdir / f"cbow128{'-' + args.tag if args.tag else ''}.model"
    model.save(str(out))
    return out


def char_model(args: argparse.Namespace) -> CharTrigram:
    import pickle

    path = args.workdir / f"char3{'-' + args.tag if args.tag else ''}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    m = CharTrigram(training_lines(args))
    with open(path, "wb") as f:
        pickle.dump(m, f, protocol=pickle.HIGHEST_PROTOCOL)
    return m


# --------------------------------------------------------------------------- evaluation


def score_sites(sites: list[Site], judges: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    """Fill ``site.scores``; returns seconds spent per judge."""
    spent: dict[str, float] = defaultdict(float)
    t_last = time.perf_counter()
    for k, s in enumerate(sites):
        w = windows(s, args.words, args.cbow_window)
        strings = [s.form] + s.cands
        for name, j in judges.items():
            t0 = time.perf_counter()
            if isinstance(j, CbowJudge):
                s.scores[name] = j.site_scores(w, strings)
            else:
                s.scores[name] = [j.window(w, x) for x in strings]
                if name == "libime":
                    s.scores["uni"] = [j.unigram(x) for x in strings]
                elif name == "sunpinyin":
                    s.scores["sp-uni"] = [j.unigram(x) for x in strings]
            spent[name] += time.perf_counter() - t0
        if time.perf_counter() - t_last > 30:
            log(f"scored {k + 1}/{len(sites)} sites")
            t_last = time.perf_counter()
    return spent


Weights = dict[str, float]


class Table:
    """The scores of a set of sites as flat arrays (every site's originals one after
    another), so a weighted combination of judges is evaluated in a few vector operations
    (the cross-validation tries many)."""

    def __init__(self, sites: Sequence[Site]) -> None:
        import numpy as np

        self.sites = list(sites)
        sizes = np.array([len(s.cands) for s in self.sites], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.seg = np.repeat(np.arange(len(self.sites)), sizes)
        self.pos = np.arange(int(sizes.sum())) - self.starts[self.seg]  # index within its site
        self.gold = np.array([-1 if s.gold is None else s.gold for s in self.sites])
        self.a = np.array([s.task_a for s in self.sites], dtype=bool)
        self.b = np.array([s.task_b for s in self.sites], dtype=bool)
        self.dict = np.array([s.dict_name for s in self.sites])
        names = set().union(*(s.scores for s in self.sites)) if self.sites else set()
        self.form = {n: np.array([s.scores[n][0] for s in self.sites]) for n in names}
        self.cand = {n: np.array([v for s in self.sites for v in s.scores[n][1:]]) for n in names}

    def subset(self, keep: Any) -> "Table":
        return Table([s for s, k in zip(self.sites, keep) if k])

    def combine(self, weights: Weights) -> tuple[Any, Any, Any, Any]:
        """Per site: the form's combined score, the best original's, the first index of the
        best original, and the gold original's (form's score for a clean occurrence)."""
        import numpy as np

        f = np.zeros(len(self.sites))
        c = np.zeros(len(self.seg))
        for name, w in weights.items():
            if w:
                f += w * self.form[name]
                c += w * self.cand[name]
        best = np.maximum.reduceat(c, self.starts)
        at_best = c >= best[self.seg]
        first = np.minimum.reduceat(np.where(at_best, self.pos, 1 << 30), self.starts)
        gold_idx = self.starts + np.maximum(self.gold, 0)
        gold = np.where(self.gold >= 0, c[gold_idx], f)
        return f, best, first, gold

    def task_a(self, weights: Weights) -> tuple[int, int]:
        _, _, first, _ = self.combine(weights)
        return int((first[self.a] == self.gold[self.a]).sum()), int(self.a.sum())

    def task_b(self, weights: Weights, best_for_positives: bool = False) -> float:
        f, best, _, gold = self.combine(weights)
        pos = self.b & (self.gold >= 0)
        neg = self.b & (self.gold < 0)
        p = (best if best_for_positives else gold)[pos] - f[pos]
        return auc(p, best[neg] - f[neg])


def auc(pos: Any, neg: Any) -> float:
    import numpy as np
    from scipy.stats import rankdata

    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    r = rankdata(np.concatenate([pos, neg]))
    return float((r[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


GRID = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0]


def grid_for(name: str) -> list[float]:
    if name in ("uni", "sp-uni"):
        return [-x for x in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0)] + [0.1, 0.2]
    return GRID


def lodo(table: Table, base: Weights, free: Sequence[str], metric: str) -> dict[str, Any]:
    """Leave one dictionary out: for each dictionary, the weights of *free* (each on its
    grid, libime's weight fixed by *base*) that maximise *metric* on the other seven, then
    that dictionary's figure with them (task B: the held-out deltas of all folds pooled)."""
    import itertools

    import numpy as np

    grids = [grid_for(n) for n in free]
    cand_weights = [dict(base, **dict(zip(free, ws))) for ws in itertools.product(*grids)]

    def fit(t: Table) -> Weights:
        t = t.subset(t.a if metric == "A" else t.b)
        if metric == "A":
            return max(cand_weights, key=lambda w: t.task_a(w)[0])
        return max(cand_weights, key=lambda w: t.task_b(w))

    folds: dict[str, Any] = {}
    right = n = 0
    pos_all, neg_all = [], []
    for name in sorted(set(table.dict)):
        train, held = table.subset(table.dict != name), table.subset(table.dict == name)
        w = fit(train)
        if metric == "A":
            r, m = held.task_a(w)
            right, n = right + r, n + m
            folds[name] = {"weights": {k: w[k] for k in free}, "acc": r / m if m else float("nan"), "n": m}
        else:
            folds[name] = {"weights": {k: w[k] for k in free}, "auc": held.task_b(w)}
            f, best, _, gold = held.combine(w)
            pos = held.b & (held.gold >= 0)
            neg = held.b & (held.gold < 0)
            pos_all.append(gold[pos] - f[pos])
            neg_all.append(best[neg] - f[neg])
    full = fit(table)
    out: dict[str, Any] = {"free": list(free), "folds": folds, "all-data weights": {k: full[k] for k in free}}
    if metric == "A":
        out["cv_acc"] = right / n if n else float("nan")
    else:
        out["cv_auc"] = auc(np.concatenate(pos_all), np.concatenate(neg_all))
    return out


def file_size(*paths: Path | str) -> int:
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.opinions", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/op"), help="models and outputs (never the repo)")
    p.add_argument("--libime", default=DEFAULT_LIBIME)
    p.add_argument("--convert-sunpinyin", action="store_true", help="write WORKDIR/sunpinyin_sc.arpa and stop")
    p.add_argument("--train-cbow", action="store_true", help="write WORKDIR/cbow128.model and stop")
    p.add_argument("--per-dict", type=int, default=20, help="spun xwlb TUNE articles per dictionary")
    p.add_argument("--clean", type=int, default=40, help="clean xwlb TUNE articles for task B negatives")
    p.add_argument("--max-pos", type=int, default=1000, help="task B spun sites per dictionary")
    p.add_argument("--max-neg", type=int, default=1000, help="task B clean occurrences per dictionary")
    p.add_argument("--max-per-form", type=int, default=5)
    p.add_argument("--words", type=int, default=2, help="jieba words of context each side (n-gram judges)")
    p.add_argument("--cbow-window", type=int, default=4)
    p.add_argument("--top-n", type=int, action="append", default=None, help="CBOW vocabulary cut(s) (default 20000, 50000)")
    p.add_argument("--skip", action="append", default=[], help="judge to leave out (sunpinyin, char3, cbow)")
    p.add_argument("--train-sources", default="xwlb,govreport,rmrb,sighan",
                   help="TUNE text the CBOW and char3 models are fitted on (comma-separated sources)")
    p.add_argument("--tag", default="",
                   help="suffix of the CBOW / char3 file names (cbow128-TAG.model, char3-TAG.pkl: "
                        "models fitted on other sources)")
    p.add_argument("--reuse", type=Path, default=None, help="load sites and scores pickled by an earlier run (--save)")
    p.add_argument("--save", type=Path, default=None, help="pickle the scored sites here")
    p.add_argument("--json", type=Path, default=None, help="write every figure here (default WORKDIR/opinions.json)")
    args = p.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.convert_sunpinyin:
        convert_sunpinyin(args.workdir)
        return 0
    if args.train_cbow:
        train_cbow(args)
        return 0

    judges: dict[str, Any] = {}
    info: dict[str, dict[str, Any]] = {}
    lib, secs = load_libime(args.libime)
    judges["libime"] = lib
    info["libime"] = {"size_mb": file_size(args.libime) / 1e6, "load_s": secs}
    arpa = args.workdir / "sunpinyin_sc.arpa"
    if "sunpinyin" not in args.skip and arpa.exists():
        judges["sunpinyin"], secs = load_sunpinyin(arpa)
        info["sunpinyin"] = {"size_mb": file_size(arpa) / 1e6, "load_s": secs,
                             "note": "ARPA; the Debian files are "
                                     f"{file_size(SUNPINYIN_DATA + '/lm_sc.t3g', SUNPINYIN_DATA + '/pydict_sc.bin') / 1e6:.1f}"
                                     " MB"}
    elif "sunpinyin" not in args.skip:
        log(f"no {arpa}: run --convert-sunpinyin first; sunpinyin left out")
    if "char3" not in args.skip:
        t0 = time.perf_counter()
        judges["char3"] = CharJudge(char_model(args))
        info["char3"] = {"size_mb": file_size(args.workdir / f"char3{'-' + args.tag if args.tag else ''}.pkl") / 1e6,
                         "load_s": time.perf_counter() - t0,
                         "note": "pickled Python counters"}
    cbow_path = args.workdir / f"cbow128{'-' + args.tag if args.tag else ''}.model"
    if "cbow" not in args.skip and cbow_path.exists():
        from gensim.models import Word2Vec

        t0 = time.perf_counter()
        model = Word2Vec.load(str(cbow_path))
        secs = time.perf_counter() - t0
        V = len(model.wv)
        judges["cbow"] = CbowJudge("cbow", model)
        info["cbow"] = {"size_mb": file_size(cbow_path, *cbow_path.parent.glob(cbow_path.name + ".*")) / 1e6,
                        "load_s": secs, "vocab": V, "float16_in_out_mb": V * 128 * 2 * 2 / 1e6}
        for n in args.top_n or [10000, 20000]:
            if n < V:
                judges[f"cbow-top{n}"] = CbowJudge(f"cbow-top{n}", model, range(n))
                info[f"cbow-top{n}"] = {"vocab": n, "float16_in_out_mb": n * 128 * 2 * 2 / 1e6}
        keep = [i for i, w in enumerate(model.wv.index_to_key) if w in lib.seg._table and lib.seg._table[w] is not None]
        judges["cbow-libime"] = CbowJudge("cbow-libime", model, keep)
        info["cbow-libime"] = {"vocab": len(keep), "float16_in_out_mb": len(keep) * 128 * 2 * 2 / 1e6}
    elif "cbow" not in args.skip:
        log(f"no {cbow_path}: run --train-cbow first; cbow left out")

    import pickle

    if args.reuse:
        with open(args.reuse, "rb") as f:
            sites, info = pickle.load(f)
        judges = {k: None for k in info}
    else:
        t0 = time.perf_counter()
        sites = build_sites(args)
        log(f"{len(sites)} sites in {time.perf_counter() - t0:.0f} s; scoring")
        spent = score_sites(sites, judges, args)
        n_sites = len(sites)
        n_strings = sum(1 + len(s.cands) for s in sites)
        for name, secs in spent.items():
            info[name]["ms_per_site"] = 1000 * secs / n_sites
            info[name]["us_per_string"] = 1e6 * secs / n_strings
        for name, j in judges.items():
            if isinstance(j, CbowJudge):
                info[name]["oov_candidate_share"] = j.oov_cands / max(1, j.n_cands)
                info[name]["no_context_sites"] = j.oov_sites
        if args.save:
            with open(args.save, "wb") as f:
                pickle.dump((sites, info), f, protocol=pickle.HIGHEST_PROTOCOL)
    n_sites = len(sites)
    n_strings = sum(1 + len(s.cands) for s in sites)

    table = Table(sites)
    dicts = sorted({s.dict_name for s in sites})
    singles: dict[str, Weights] = {name: {name: 1.0} for name in judges}
    singles["libime-lift"] = {"libime": 1.0, "uni": -1.0}
    singles["libime-lift0.3"] = {"libime": 1.0, "uni": -0.3}
    if "sunpinyin" in judges:
        singles["sunpinyin-lift"] = {"sunpinyin": 1.0, "sp-uni": -1.0}
        singles["libime+sunpinyin"] = {"libime": 1.0, "sunpinyin": 1.0}
    if "cbow" in judges:
        singles["libime+cbow/ln10"] = {"libime": 1.0, "cbow": 1 / math.log(10)}
    results: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "models": info, "judges": {}}
    header = ["judge"] + [d[:12] for d in dicts] + ["A all", "B auc", "B auc-best"]
    rows = []
    for name, w in singles.items():
        per = []
        for d in dicts:
            r, n = table.subset(table.dict == d).task_a(w)
            per.append(r / n if n else float("nan"))
        r, n = table.task_a(w)
        auc_, auc_best = table.task_b(w), table.task_b(w, best_for_positives=True)
        results["judges"][name] = {"weights": w, "task_a": dict(zip(dicts, per)), "task_a_all": r / n,
                                   "task_a_n": n, "auc": auc_, "auc_best": auc_best}
        rows.append([name] + [f"{x:.3f}" for x in per] + [f"{r / n:.3f}", f"{auc_:.3f}", f"{auc_best:.3f}"])
    counts = ["sites A (B+/B-)"] + [
        f"{sum(s.task_a for s in sites if s.dict_name == d)} "
        f"({sum(s.task_b and s.gold is not None for s in sites if s.dict_name == d)}/"
        f"{sum(s.gold is None for s in sites if s.dict_name == d)})" for d in dicts] + [
        str(sum(s.task_a for s in sites)), str(sum(s.task_b and s.gold is not None for s in sites)),
        str(sum(s.gold is None for s in sites))]
    print("## Single judges (fixed weights), TUNE\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows + [counts]:
        print("| " + " | ".join(row) + " |")

    # cross-validated combinations with libime (weight 1)
    others = [n for n in judges if n != "libime"] + ["uni"]
    combos: list[list[str]] = [[n] for n in others]
    if "sunpinyin" in judges:
        combos.append(["sunpinyin", "uni"])
    if "cbow" in judges:
        combos.append(["cbow", "uni"])
        if "sunpinyin" in judges:
            combos.append(["sunpinyin", "cbow"])
    if "char3" in judges:
        combos.append(["char3", "uni"])
        if "cbow" in judges:
            combos.append(["char3", "cbow"])
    print("\n## libime + weighted second opinions, leave-one-dictionary-out CV\n")
    print("| combination | A: CV top-1 | A: weights on all data | B: CV AUC | B: weights on all data |")
    print("|---|---|---|---|---|")
    results["cv"] = {}
    for free in combos:
        t0 = time.perf_counter()
        ra = lodo(table, {"libime": 1.0}, free, "A")
        rb = lodo(table, {"libime": 1.0}, free, "B")
        key = "libime + " + " + ".join(free)
        results["cv"][key] = {"A": ra, "B": rb}
        fmt = lambda w: ", ".join(f"{k} {v:g}" for k, v in w.items())  # noqa: E731
        print(f"| {key} | {ra['cv_acc']:.3f} | {fmt(ra['all-data weights'])} | {rb['cv_auc']:.3f} | "
              f"{fmt(rb['all-data weights'])} |", flush=True)
        log(f"{key}: {time.perf_counter() - t0:.0f} s")
    base_a = table.task_a({"libime": 1.0})
    print(f"\n(libime alone: A {base_a[0] / base_a[1]:.3f}, B {table.task_b({'libime': 1.0}):.3f}; "
          "the CV rows choose the free weights on 7 dictionaries and score the 8th, pooled)")

    print("\n## Models\n")
    print("| judge | size on disk (MB) | load (s) | ms per site | µs per scored string | notes |")
    print("|---|---|---|---|---|---|")
    for name, d in info.items():
        notes = {k: v for k, v in d.items() if k not in ("size_mb", "load_s", "ms_per_site", "us_per_string")}
        print(f"| {name} | {d.get('size_mb', float('nan')):.1f} | {d.get('load_s', float('nan')):.2f} | "
              f"{d.get('ms_per_site', float('nan')):.3f} | {d.get('us_per_string', float('nan')):.1f} | "
              f"{json.dumps(notes, ensure_ascii=False)} |")
    print(f"\n{n_sites} sites, {n_strings} scored strings (form + originals); libime's 'uni' is timed with libime")
    out = args.json or args.workdir / "opinions.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
