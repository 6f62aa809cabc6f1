"""Learning a site's spinner dictionary from its own pages (:func:`induce_lexicon`).

A spinner rewrites *every* occurrence of its dictionary's words, so a crawl of one site
carries two traces: spun forms far more frequent than in clean text (the *surplus*), and
originals that have gone missing (the *deficit*); the language model's unigram
probabilities say what clean text of the crawl's size would hold. For each form with a
surplus, the candidates are missing words sharing a character with it, its 同义词词林
synonyms, the spinner channel's best guesses (:mod:`.channel`) and, for the forms in most
excess, the missing words that read best in their place (a cloze). Each candidate is put
in the form's place in up to :data:`MAX_CONTEXTS` of its contexts, and two judges say how
much better the text reads: the language model (the words before and after, read left to
right) and the CBOW vectors (:mod:`.cbow`, the words on both sides at once). A logistic
regression over those figures (:data:`FEATURES`) gives each (form, candidate) the
probability that the site's spinner wrote the form for it; a form keeps its best
candidate when that probability reaches the model's threshold. A second round reads the crawl again with the first round's entries
undone. A crawl too few of whose words look spun (the model's *gate*) gives nothing.
:func:`induce_document` does the same for one document alone (the :data:`DOCUMENT` scale:
a form seen once is judged, with a model of its own) for ``Repairer(open_vocabulary=True)``.

The result is a :class:`~zhrepair.lexicon.Lexicon` (source ``induced``, weight = the
probability) for ``Repairer(lexicons=[...])``, which still decides every occurrence in
its context. The weights, threshold and gate (numbers only) are fitted on TUNE crawls
spun by the public dictionaries by ``python -m benchmarks.train_induction`` and ship in
``data/induction.json``; the other constants below are set by hand (see
``benchmarks/README.md``).
"""
from __future__ import annotations

import functools
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from importlib import resources
from typing import Callable, Container, Iterable, Sequence

import numpy as np
import regex

from . import logistic, thesaurus
from .cbow import Cbow, shared_cbow
from .channel import SpinnerChannel
from .channel import candidates as channel_candidates
from .languagemodel import LanguageModel, shared_model
from .lexicon import Lexicon, LexiconEntry
from .normalise import simplify

DATA_FILE = "induction.json"
DOCUMENT_DATA_FILE = "induction_document.json"  # the model that judges one document alone
SOURCE = "induced"
MIN_COUNT = 3  # a form seen fewer times gets no entry
MAX_CONTEXTS = 24  # contexts of a form in which its candidates are tried (a seeded sample)
CONTEXT_WORDS = 2  # words each side of the slot
MAX_FORM_LOGPROB = -2.0  # more frequent words (的, 是, 在) are never judged: the most frequent spun form in
# the TUNE crawls of the eight public dictionaries is 不 (-2.13)
MIN_EXPECTED = 1.0  # a candidate must be expected this often in a clean text of the crawl's size
SURPLUS = math.log(1.5)  # a form must be this much (natural log) more frequent than expected
DEFICIT_EXPECTED = 2.0  # a word expected this often and seen at most half as often is "missing"
CHANNEL_CANDIDATES = 10  # the spinner channel's best candidates of a form join those sharing a character
CLOZE_FORMS = 300  # forms with the most excess occurrences get candidates by cloze over missing words
CLOZE_POOL = 1500  # the missing words tried there (those missing most often)
CLOZE_CONTEXTS = 4  # contexts each is tried in
CLOZE_CANDIDATES = 5  # the best of them join the form's candidates
ROUNDS = 2  # the second reads the crawl with the first round's entries undone
DOCUMENT_ROUNDS = 2  # as a crawl: TUNE recall +0.01 at the same precision (benchmarks/README.md)
AGAIN = 0.1  # forms judged again there: those the first round gave a candidate this probable
GATE_PROBABILITY = 0.8  # a form "looks spun" when a candidate reaches this (the crawl gate counts its words)
_HAN = regex.compile(r"\p{Han}+")
Progress = Callable[[int, int], None]  # (forms judged, forms)

#: The features of a (form, candidate) pair, in the order of the model's weights.
FEATURES = (
    "context_gain", "context_wins", "frequency_ratio", "surplus", "deficit", "cilin_synonym",
    "shared_chars", "aligned_chars", "len_spun", "len_original", "spun_in_vocabulary", "log_count", "log_candidates",
    "lifted_gain", "channel_logit", "cloze_pick", "count_match", "cbow_gain", "cbow_known",
    "gain_margin", "gain_rank", "claims",
)
_NUMERALS = frozenset("零一二三四五六七八九十百千万亿两")


@dataclass(frozen=True)
class Scale:
    """How much text a judgement sees: a crawl of many pages (:data:`CRAWL`) or one
    document (:data:`DOCUMENT`), where a form seen once is judged too, no word can be
    "missing" and candidates come from the channel and 词林 alone."""

    min_count: int = MIN_COUNT  # a form seen fewer times is not judged
    reference_tokens: int = 0  # candidates must be expected MIN_EXPECTED times in max(tokens, this)
    channel_candidates: int = CHANNEL_CANDIDATES
    missing: bool = True  # candidates among the crawl's missing words (sharing a character; the cloze)


CRAWL = Scale()
DOCUMENT = Scale(min_count=1, reference_tokens=300_000, channel_candidates=20, missing=False)


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
    gate_cap: int = 0  # counting them, each form counts at most this many occurrences (0: all)
    origin: str = ""

    def looks_spun(self, best: Iterable[InducedPair]) -> int:
        """How many words of the judged text look spun: the occurrences of forms whose best
        candidate reaches :data:`GATE_PROBABILITY` (each form at most :attr:`gate_cap`: one
        frequent form, right or wrong, does not make a crawl spun)."""
        return sum(min(e.count, self.gate_cap or e.count) for e in best if e.probability >= GATE_PROBABILITY)

    @classmethod
    def from_dict(cls, data: dict) -> "InductionModel":
        weights, mean, scale = logistic.vectors(data, ("weights", "mean", "scale"), data["features"], FEATURES,
                                                "induction model")
        return cls(weights, float(data["bias"]), mean, scale, float(data["threshold"]), float(data.get("gate", 0.0)),
                   int(data.get("gate_cap", 0)), str(data.get("origin", "")))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
                "gate": self.gate, "gate_cap": self.gate_cap, "origin": self.origin}

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return logistic.probabilities(rows, self.mean, self.scale, self.weights, self.bias)


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None, scale: Scale = CRAWL) -> InductionModel:
    """The shipped induction model of *scale* (or the one at *path*)."""
    name = DATA_FILE if scale == CRAWL else DOCUMENT_DATA_FILE
    where = path or str(resources.files("zhrepair").joinpath("data").joinpath(name))
    with open(where, encoding="utf-8") as f:
        return InductionModel.from_dict(json.load(f))


@dataclass
class Crawl:
    """The words of a set of pages (their simplified view, :func:`~zhrepair.normalise.simplify`;
    Han runs only, cut by the language model's segmenter)."""

    runs: list[tuple[str, ...]]
    counts: Counter[str]
    places: dict[str, list[tuple[int, int]]]  # word → (run, position) of every occurrence

    @classmethod
    def of(cls, texts: Iterable[str], lm: LanguageModel) -> "Crawl":
        cut = lm.segmenter.cut
        return cls.from_runs([cut(m.group()) for text in texts for m in _HAN.finditer(simplify(text))])

    @classmethod
    def from_runs(cls, runs: list[tuple[str, ...]]) -> "Crawl":
        counts: Counter[str] = Counter()
        places: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r, words in enumerate(runs):
            for i, w in enumerate(words):
                places[w].append((r, i))
            counts.update(words)
        return cls(runs, counts, dict(places))

    @property
    def tokens(self) -> int:
        return sum(self.counts.values())

    def restored(self, originals: dict[str, str]) -> "Crawl":
        """The same pages with every word of *originals* (spun → original) replaced."""
        return Crawl.from_runs([tuple(originals.get(w, w) for w in run) for run in self.runs])


def _contexts(crawl: Crawl, places: Sequence[tuple[int, int]]) -> list[tuple[str, str, bool, bool]]:
    """(left words, right words, at the run's start, at its end) of each place."""
    out = []
    for r, i in places:
        words = crawl.runs[r]
        out.append((" ".join(words[max(0, i - CONTEXT_WORDS) : i]), " ".join(words[i + 1 : i + 1 + CONTEXT_WORDS]),
                    i < CONTEXT_WORDS, i + 1 + CONTEXT_WORDS > len(words)))
    return out


class _Counts:
    """A crawl's counts against what clean text of its size would hold (the language
    model's unigram probabilities)."""

    def __init__(self, crawl: Crawl, lm: LanguageModel) -> None:
        self.crawl, self.lm, self.n = crawl, lm, crawl.tokens

    def expected(self, word: str) -> float:
        return self.n * 10.0 ** self.lm.logprob(word)

    def surplus(self, word: str) -> float:
        return math.log((self.crawl.counts.get(word, 0) + 1.0) / (self.expected(word) + 1.0))

    def excess(self, word: str) -> float:
        """Occurrences above the expected count (negative: missing ones)."""
        return self.crawl.counts.get(word, 0) - self.expected(word)


def _missing_words(counts: _Counts) -> dict[str, float]:
    """Vocabulary words expected :data:`DEFICIT_EXPECTED` times or more and seen at most half
    as often, with their deficit (natural log of expected over seen)."""
    out = {}
    seen = counts.crawl.counts
    for word in counts.lm.unigram:
        e = counts.expected(word)
        if e >= DEFICIT_EXPECTED:
            deficit = math.log((e + 1.0) / (seen.get(word, 0) + 1.0))  # -counts.surplus(word), from e
            if deficit >= math.log(2.0):
                out[word] = deficit
    return out


def _cloze(counts: _Counts, missing: dict[str, float], forms: Sequence[str], rng: random.Random) -> dict[str, set[str]]:
    """For the :data:`CLOZE_FORMS` forms with the most excess occurrences, the
    :data:`CLOZE_CANDIDATES` missing words (of the :data:`CLOZE_POOL` missing most often)
    that read best in :data:`CLOZE_CONTEXTS` of the form's contexts, frequency lift taken off:
    candidates that share nothing visible with the form (成长 ← 发展)."""
    lm = counts.lm
    pool = sorted((w for w in missing if len(w) <= 4), key=lambda w: (counts.excess(w), w))[:CLOZE_POOL]
    out: dict[str, set[str]] = {}
    for spun in sorted(forms, key=lambda w: (-counts.excess(w), w))[:CLOZE_FORMS]:
        places = counts.crawl.places[spun]
        contexts = _contexts(counts.crawl, rng.sample(places, min(len(places), CLOZE_CONTEXTS)))
        base, spun_lp = sum(_fits(lm, contexts, spun)), lm.logprob(spun)
        scored = sorted(((sum(_fits(lm, contexts, o)) - base) / len(contexts) - (lm.logprob(o) - spun_lp), o)
                        for o in pool if _may_be_swap(spun, o))
        out[spun] = {o for _, o in scored[-CLOZE_CANDIDATES:]}
    return out


def candidate_rows(crawl: Crawl, lm: LanguageModel, seed: int = 0, only: Container[str] | None = None,
                   progress: Progress | None = None,
                   scale: Scale = CRAWL) -> tuple[list[tuple[str, str, int, float]], np.ndarray]:
    """Every (form, candidate) pair of *crawl* worth judging (of the forms in *only*, when
    given), with its feature row (:data:`FEATURES`); the pairs as (spun, original, count of
    spun, mean gain). *progress* is called with (forms done, forms) as the forms are judged."""
    counts = _Counts(crawl, lm)
    unigram = lm.unigram
    missing = _missing_words(counts) if scale.missing else {}
    log_floor = math.log10(MIN_EXPECTED / max(counts.n, scale.reference_tokens, 1))  # a candidate's least unigram
    by_char: dict[str, set[str]] = defaultdict(set)
    for word in missing:
        for ch in word:
            by_char[ch].add(word)
    forms = [w for w, c in sorted(crawl.counts.items())
             if c >= scale.min_count and counts.surplus(w) >= SURPLUS and unigram.get(w, -99.0) <= MAX_FORM_LOGPROB
             and (only is None or w in only)]
    rng = random.Random(seed)
    cloze = _cloze(counts, missing, forms, rng) if scale.missing else {}
    vectors = shared_cbow(lm)
    pairs: list[tuple[str, str, int, float]] = []
    rows: list[list[float]] = []
    groups: list[tuple[int, int]] = []
    for done, spun in enumerate(forms):
        if progress is not None and done % 100 == 0:
            progress(done, len(forms))
        count = crawl.counts[spun]
        candidates: set[str] = set(cloze.get(spun, ()))
        for ch in set(spun):
            candidates |= by_char.get(ch, set())
        candidates |= {w for w in thesaurus.synonyms(spun) if unigram.get(w, -99.0) >= log_floor}
        candidates |= {w for w in _channel_guesses(spun, scale.channel_candidates, lm)
                       if lm.logprob(w) >= log_floor}
        ordered = sorted(w for w in candidates if _may_be_swap(spun, w))
        if not ordered:
            continue
        places = crawl.places[spun]
        chosen = places if len(places) <= MAX_CONTEXTS else rng.sample(places, MAX_CONTEXTS)
        contexts = _contexts(crawl, chosen)
        cbow_gains = _cbow_gains(vectors, crawl, chosen, spun, ordered)
        base = _fits(lm, contexts, spun)
        spun_lp = lm.logprob(spun)
        surplus = counts.surplus(spun)
        start = len(rows)
        for original, channel_logit, cbow_gain in zip(ordered, _channel_logits(tuple(ordered), spun, lm),
                                                      cbow_gains):
            gains = [a - b for a, b in zip(_fits(lm, contexts, original), base)]
            gain = sum(gains) / len(gains)
            lift = lm.logprob(original) - spun_lp
            pairs.append((spun, original, count, gain))
            rows.append([
                gain, sum(g > 0 for g in gains) / len(gains), lift, surplus, -counts.surplus(original),
                float(thesaurus.are_synonyms(spun, original)), float(len(set(spun) & set(original))),
                float(sum(a == b for a, b in zip(spun, original)) if len(spun) == len(original) else 0),
                float(len(spun)), float(len(original)), float(spun in unigram), math.log(count),
                math.log(len(ordered)), gain - lift, channel_logit, float(original in cloze.get(spun, ())),
                _count_match(counts, spun, original), 0.0 if math.isnan(cbow_gain) else cbow_gain,
                float(not math.isnan(cbow_gain)),
            ])
        groups.append((start, len(rows)))
    if progress is not None:
        progress(len(forms), len(forms))
    table = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES) - len(_GROUP_FEATURES))
    return pairs, np.hstack([table, _group_features(pairs, table, groups)])


# Per spun form, the shipped channel's guesses and logits: forms recur from document to
# document (and from round to round), and the channel is most of a document's time.
@functools.lru_cache(maxsize=1 << 14)
def _channel_guesses(spun: str, limit: int, lm: LanguageModel) -> tuple[str, ...]:
    return tuple(w for w, _ in channel_candidates(spun, limit, SpinnerChannel.load(), lm))


@functools.lru_cache(maxsize=1 << 14)
def _channel_logits(originals: tuple[str, ...], spun: str, lm: LanguageModel) -> list[float]:
    return SpinnerChannel.load().logits(originals, spun, lm).tolist()


def _cbow_gains(vectors: Cbow, crawl: Crawl, places: Sequence[tuple[int, int]], spun: str,
                candidates: Sequence[str]) -> list[float]:
    """Per candidate, the CBOW judge's mean gain over the form in its contexts (words on
    both sides, :mod:`.cbow`); NaN where the vectors lack the candidate, the form, or every
    context word."""
    w = vectors.window
    contexts = [(crawl.runs[r][max(0, i - w) : i], crawl.runs[r][i + 1 : i + 1 + w]) for r, i in places]
    logits = vectors.logits(contexts, [spun, *candidates])
    gains = logits[:, 1:] - logits[:, :1]
    known = ~np.isnan(gains)
    n = known.sum(axis=0)
    total = np.where(known, gains, 0.0).sum(axis=0)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan).tolist()


def _count_match(counts: _Counts, spun: str, original: str) -> float:
    """How far the form's excess occurrences are from the candidate's missing ones (|natural
    log of their ratio|): a spinner moves every occurrence of the original to the form."""
    return abs(math.log((max(counts.excess(spun), 0.0) + 1.0) / (max(-counts.excess(original), 0.0) + 1.0)))


#: Features computed over all of a crawl's rows (appended after the others).
_GROUP_FEATURES = ("gain_margin", "gain_rank", "claims")
_LIFTED = FEATURES.index("lifted_gain")


def _group_features(pairs: Sequence[tuple[str, str, int, float]], table: np.ndarray,
                    groups: Sequence[tuple[int, int]]) -> np.ndarray:
    """Per row: its lifted gain minus the best other candidate's of the same form; its rank
    among them (log); and how many forms have this candidate as their best (log): one
    original claimed by many forms is suspect."""
    out = np.zeros((len(pairs), len(_GROUP_FEATURES)))
    claims: Counter[str] = Counter()
    for start, end in groups:
        lifted = table[start:end, _LIFTED]
        order = np.argsort(-lifted, kind="stable")
        ranks = np.empty(end - start)
        ranks[order] = np.arange(end - start)
        best, second = lifted[order[0]], (lifted[order[1]] if end - start > 1 else lifted[order[0]] - 5.0)
        out[start:end, 0] = lifted - np.where(np.arange(end - start) == order[0], second, best)
        out[start:end, 1] = np.log1p(ranks)
        claims[pairs[start + int(order[0])][1]] += 1
    out[:, 2] = [math.log1p(claims.get(o, 0)) for _, o, _, _ in pairs]
    return out


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


def _judge(crawl: Crawl, lm: LanguageModel, model: InductionModel, seed: int,
           only: Container[str] | None = None, progress: Progress | None = None,
           scale: Scale = CRAWL) -> dict[str, InducedPair]:
    """Each form's best candidate in *crawl* (of the forms in *only*, when given), with its probability."""
    pairs, rows = candidate_rows(crawl, lm, seed, only, progress, scale)
    probabilities = model.probabilities(rows).tolist() if pairs else []
    best: dict[str, InducedPair] = {}
    for (spun, original, count, gain), p in zip(pairs, probabilities):
        if spun not in best or p > best[spun].probability:
            best[spun] = InducedPair(spun, original, p, count, gain)
    return best


def _in_round(progress: Callable[[int, int, int], None] | None, round_: int) -> Progress | None:
    return None if progress is None else functools.partial(progress, round_)


def induce(texts: Iterable[str], *, threshold: float | None = None, lm: LanguageModel | None = None,
           model: InductionModel | None = None, seed: int = 0, rounds: int = ROUNDS,
           progress: Callable[[int, int, int], None] | None = None, scale: Scale = CRAWL) -> Induction:
    """Judge every (form, candidate) pair of the crawl *texts* (see the module docstring);
    *threshold* defaults to the model's; *progress* is called with (round, forms done,
    forms) as the forms are judged. With ``rounds=2`` the crawl is then read again
    with the first round's entries undone (cleaner contexts for the forms left), and forms
    that round finds are added; the gate is the first round's. *scale*: :data:`DOCUMENT`
    judges one document alone (:func:`induce_document`)."""
    lm = lm or shared_model()
    model = model or load_model(scale=scale)
    threshold = model.threshold if threshold is None else threshold
    crawl = Crawl.of(texts, lm)
    best = _judge(crawl, lm, model, seed, progress=_in_round(progress, 1), scale=scale)
    tokens = crawl.tokens
    looks_spun = model.looks_spun(best.values())
    for round_ in range(2, rounds + 1 if looks_spun >= model.gate * tokens else 2):
        found = {e.spun: e.original for e in best.values() if e.probability >= threshold}
        settled = set(found) | set(found.values())
        again = {s for s, e in best.items() if e.probability >= AGAIN and s not in settled}
        best.update(_judge(crawl.restored(found), lm, model, seed, again, _in_round(progress, round_), scale))
    ranked = tuple(sorted(best.values(), key=lambda e: (-e.probability, e.spun)))
    return Induction(ranked, threshold, looks_spun / tokens if tokens else 0.0, model.gate)


def induce_lexicon(texts: Iterable[str], *, threshold: float | None = None, name: str = SOURCE,
                   lm: LanguageModel | None = None, model: InductionModel | None = None, seed: int = 0,
                   rounds: int = ROUNDS) -> Lexicon:
    """A lexicon of the spinner that wrote *texts* (many pages of one site), learnt from the
    pages alone: each entry's weight is its probability. Pages that do not look spun give
    an empty lexicon (see :class:`Induction`)."""
    return induce(texts, threshold=threshold, lm=lm, model=model, seed=seed, rounds=rounds).lexicon(name)


def induce_document(text: str, *, threshold: float | None = None, lm: LanguageModel | None = None,
                    model: InductionModel | None = None) -> Induction:
    """What one document alone says of its spinner: every word that may be a spun form
    (seen once is enough) judged against its channel and 词林 candidates by the document
    model (``data/induction_document.json``), in :data:`DOCUMENT_ROUNDS` rounds.
    ``Repairer(open_vocabulary=True)`` repairs with its pairs."""
    return induce([text], threshold=threshold, lm=lm, model=model, rounds=DOCUMENT_ROUNDS, scale=DOCUMENT)


__all__ = ["CRAWL", "DOCUMENT", "FEATURES", "Crawl", "InducedPair", "Induction", "InductionModel", "Scale",
           "candidate_rows", "induce", "induce_document", "induce_lexicon", "load_model"]
