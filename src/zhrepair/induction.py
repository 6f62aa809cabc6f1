"""Learning a site's spinner dictionary from its own pages (:func:`induce_lexicon`).

A spinner rewrites *every* occurrence of its dictionary's words, so a crawl of one site
carries two traces: spun forms far more frequent than in clean text (the *surplus*), and
originals that have gone missing (the *deficit*). For each form with a surplus, the
candidates are vocabulary words sharing a character with it and words of its 同义词词林
groups; each candidate is put in the form's place in (up to :data:`MAX_CONTEXTS`) of its
contexts, and the language model says how much better the text reads. A logistic
regression over those figures (:data:`FEATURES`) gives each (form, candidate) the
probability that the site's spinner wrote the form for it; a form keeps its best
candidate when that probability reaches the model's threshold.

The result is a :class:`~zhrepair.lexicon.Lexicon` (source ``induced``, weight = the
probability) for ``Repairer(lexicons=[...])``, which still decides every occurrence in
its context. The weights (numbers only) are fitted on TUNE crawls spun by the public
dictionaries by ``python -m benchmarks.train_induction`` and ship in ``data/induction.json``.
"""

from __future__ import annotations

import functools
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from importlib import resources
from typing import Iterable, Sequence

import numpy as np
import regex

from . import thesaurus
from .channel import SpinnerChannel
from .channel import candidates as channel_candidates
from .languagemodel import LanguageModel, shared_model
from .lexicon import Lexicon, LexiconEntry

DATA_FILE = "induction.json"
SOURCE = "induced"
MIN_COUNT = 3  # a form seen fewer times gets no entry
MAX_CONTEXTS = 24  # contexts of a form in which its candidates are tried (a seeded sample)
CONTEXT_WORDS = 2  # words each side of the slot
MIN_EXPECTED = 1.0  # a candidate must be expected this often in a clean text of the crawl's size
SURPLUS = math.log(1.5)  # a form must be this much (natural log) more frequent than expected
DEFICIT_EXPECTED = 2.0  # a word expected this often and seen at most half as often is "missing"
CHANNEL_CANDIDATES = 10  # the spinner channel's best candidates of a form join those sharing a character
GATE_PROBABILITY = 0.8  # a form "looks spun" when a candidate reaches this (the crawl gate counts its words)
_HAN = regex.compile(r"\p{Han}+")

#: The features of a (form, candidate) pair, in the order of the model's weights.
FEATURES = (
    "context_gain", "context_wins", "frequency_ratio", "surplus", "deficit", "cilin_synonym",
    "shared_chars", "len_spun", "len_original", "spun_in_vocabulary", "log_count", "log_candidates",
    "lifted_gain", "channel_logit",
)
_NUMERALS = frozenset("零一二三四五六七八九十百千万亿两")


@dataclass(frozen=True)
class InducedPair:
    """One candidate entry with its evidence: the site's spinner wrote *spun* for *original*
    with *probability*; *count* occurrences of *spun*, *gain* the mean log10 gain of the
    language model over the sampled contexts."""

    spun: str
    original: str
    probability: float
    count: int
    gain: float


@dataclass(frozen=True)
class InductionModel:
    """A logistic regression over :data:`FEATURES` (standardised by *mean* and *scale*)."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float  # a form keeps its best candidate from this probability on
    gate: float = 0.0  # the crawl is taken as spun when this share of its words looks spun
    origin: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "InductionModel":
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"induction model features {data['features']} do not match {FEATURES}")
        w, m, s = (np.asarray(data[k], dtype=float) for k in ("weights", "mean", "scale"))
        return cls(w, float(data["bias"]), m, np.where(s > 0, s, 1.0), float(data["threshold"]), float(data.get("gate", 0.0)),
                   str(data.get("origin", "")))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
                "gate": self.gate, "origin": self.origin}

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        x = (rows - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-np.clip(x @ self.weights + self.bias, -50.0, 50.0)))


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> InductionModel:
    """The shipped induction model (or the one at *path*)."""
    where = path or str(resources.files("zhrepair").joinpath("data").joinpath(DATA_FILE))
    with open(where, encoding="utf-8") as f:
        return InductionModel.from_dict(json.load(f))


@dataclass
class Crawl:
    """The words of a set of pages (cut by the language model's segmenter, Han runs only)."""

    runs: list[tuple[str, ...]]
    counts: Counter[str]
    places: dict[str, list[tuple[int, int]]]  # word → (run, position) of every occurrence

    @classmethod
    def of(cls, texts: Iterable[str], lm: LanguageModel) -> "Crawl":
        cut = lm.segmenter.cut
        runs: list[tuple[str, ...]] = []
        counts: Counter[str] = Counter()
        places: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for text in texts:
            for m in _HAN.finditer(text):
                words = cut(m.group())
                for i, w in enumerate(words):
                    places[w].append((len(runs), i))
                counts.update(words)
                runs.append(words)
        return cls(runs, counts, dict(places))

    @property
    def tokens(self) -> int:
        return sum(self.counts.values())


def candidate_rows(crawl: Crawl, lm: LanguageModel, seed: int = 0) -> tuple[list[tuple[str, str, int, float]], np.ndarray]:
    """Every (form, candidate) pair of *crawl* worth judging, with its feature row
    (:data:`FEATURES`); the pairs as (spun, original, count of spun, mean gain)."""
    n = crawl.tokens
    unigram = lm.unigram

    def expected(word: str) -> float:
        return n * 10.0 ** lm.logprob(word)

    def log_ratio(a: float, b: float) -> float:
        return math.log((a + 1.0) / (b + 1.0))

    deficit: dict[str, float] = {}
    for word, lp in unigram.items():
        e = n * 10.0 ** lp
        if e >= DEFICIT_EXPECTED and log_ratio(e, crawl.counts.get(word, 0)) >= math.log(2.0):
            deficit[word] = log_ratio(e, crawl.counts.get(word, 0))
    by_char: dict[str, set[str]] = defaultdict(set)
    for word in deficit:
        for ch in word:
            by_char[ch].add(word)

    channel = SpinnerChannel.load()
    rng = random.Random(seed)
    pairs: list[tuple[str, str, int, float]] = []
    rows: list[list[float]] = []
    for spun, count in sorted(crawl.counts.items()):
        if count < MIN_COUNT:
            continue
        surplus = log_ratio(count, expected(spun))
        if surplus < SURPLUS:
            continue
        candidates: set[str] = set()
        for ch in set(spun):
            candidates |= by_char.get(ch, set())
        candidates |= {w for w in thesaurus.synonyms(spun) if w in unigram and expected(w) >= MIN_EXPECTED}
        candidates |= {w for w, _ in channel_candidates(spun, CHANNEL_CANDIDATES, channel, lm) if expected(w) >= MIN_EXPECTED}
        candidates = {w for w in candidates if _may_be_swap(spun, w)}
        if not candidates:
            continue
        places = crawl.places[spun]
        sample = places if len(places) <= MAX_CONTEXTS else rng.sample(places, MAX_CONTEXTS)
        contexts = []
        for r, i in sample:
            words = crawl.runs[r]
            left = " ".join(words[max(0, i - CONTEXT_WORDS) : i])
            right = " ".join(words[i + 1 : i + 1 + CONTEXT_WORDS])
            contexts.append((left, right, i < CONTEXT_WORDS, i + 1 + CONTEXT_WORDS > len(words)))
        base = _fits(lm, contexts, spun)
        spun_lp = lm.logprob(spun)
        ordered = sorted(candidates)
        channel_logits = channel.logits(ordered, spun, lm).tolist()
        for original, channel_logit in zip(ordered, channel_logits):
            gains = [a - b for a, b in zip(_fits(lm, contexts, original), base)]
            gain = sum(gains) / len(gains)
            lift = lm.logprob(original) - spun_lp
            pairs.append((spun, original, count, gain))
            rows.append([
                gain, sum(g > 0 for g in gains) / len(gains), lift, surplus,
                deficit.get(original, log_ratio(expected(original), crawl.counts.get(original, 0))),
                float(thesaurus.are_synonyms(spun, original)), float(len(set(spun) & set(original))),
                float(len(spun)), float(len(original)), float(spun in unigram), math.log(count),
                math.log(len(candidates)), gain - lift, channel_logit,
            ])
    return pairs, np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))


def _may_be_swap(spun: str, original: str) -> bool:
    """False for pairs no spinner of the public dictionaries makes but clean text is full of:
    one inside the other (有线电视 / 有线: 17 of 9,642 right pairs on TUNE, 7,000 of each crawl's
    150,000 candidates), or differing in numerals only (二十 / 十七)."""
    if original in spun or spun in original:
        return False
    differ = set(spun) ^ set(original)
    return not differ <= _NUMERALS


def _fits(lm: LanguageModel, contexts: Sequence[tuple[str, str, bool, bool]], word: str) -> list[float]:
    """The model's log10 probability of *word* in each (left, right, at start, at end) context."""
    score = lm.score_joined
    return [score(" ".join(x for x in (left, word, right) if x), bos=b, eos=e) for left, right, b, e in contexts]


@dataclass(frozen=True)
class Induction:
    """What :func:`induce` found in a crawl.

    *best* holds every judged form's best candidate, most probable first; *pairs* those
    reaching *threshold*. Whether the crawl looks spun at all: *spun_share* is the share
    of its words that are forms with a candidate of probability :data:`GATE_PROBABILITY`,
    against the model's *gate* (a spinner rewrites frequent words, so in a spun crawl that
    share is many times what domain words give in a clean one).
    """

    best: tuple[InducedPair, ...]
    threshold: float
    spun_share: float
    gate: float

    @property
    def is_spun(self) -> bool:
        return self.spun_share >= self.gate

    @property
    def pairs(self) -> tuple[InducedPair, ...]:
        return tuple(e for e in self.best if e.probability >= self.threshold)

    def at(self, threshold: float) -> "Induction":
        """The same crawl judged, with another threshold."""
        return replace(self, threshold=threshold)

    def lexicon(self, name: str = SOURCE) -> Lexicon:
        """The pairs as a lexicon (weight = probability), empty when the crawl does not look spun."""
        found = self.pairs if self.is_spun else ()
        return Lexicon((LexiconEntry(e.spun, e.original, e.probability, name) for e in found), name=name)


def induce(texts: Iterable[str], *, threshold: float | None = None, lm: LanguageModel | None = None,
           model: InductionModel | None = None, seed: int = 0) -> Induction:
    """Judge every (form, candidate) pair of the crawl *texts* (see the module docstring);
    *threshold* defaults to the model's."""
    lm = lm or shared_model()
    model = model or load_model()
    crawl = Crawl.of(texts, lm)
    pairs, rows = candidate_rows(crawl, lm, seed)
    probabilities = model.probabilities(rows).tolist() if pairs else []
    best: dict[str, InducedPair] = {}
    for (spun, original, count, gain), p in zip(pairs, probabilities):
        if spun not in best or p > best[spun].probability:
            best[spun] = InducedPair(spun, original, p, count, gain)
    tokens = crawl.tokens
    looks_spun = sum(e.count for e in best.values() if e.probability >= GATE_PROBABILITY)
    ranked = tuple(sorted(best.values(), key=lambda e: (-e.probability, e.spun)))
    return Induction(ranked, model.threshold if threshold is None else threshold,
                     looks_spun / tokens if tokens else 0.0, model.gate)


def induce_lexicon(texts: Iterable[str], *, threshold: float | None = None, name: str = SOURCE,
                   lm: LanguageModel | None = None, model: InductionModel | None = None, seed: int = 0) -> Lexicon:
    """A lexicon of the spinner that wrote *texts* (many pages of one site), learnt from the
    pages alone: each entry's weight is its probability. Pages that do not look spun give
    an empty lexicon (see :class:`Induction`)."""
    return induce(texts, threshold=threshold, lm=lm, model=model, seed=seed).lexicon(name)


__all__ = ["FEATURES", "Crawl", "InducedPair", "Induction", "InductionModel", "candidate_rows", "induce",
           "induce_lexicon", "load_model"]
