"""A learned spinner channel and an open-vocabulary candidate generator.

The channel is P(a spinner rewrites original *o* as *s*), a logistic regression over cheap
features of the pair (:data:`FEATURES`): lengths, shared characters, one-character swaps
whose two characters make a compound of the vocabulary (关键→闭节: 关闭), 同义词词林
membership, unigram frequencies from the language model, and pinyin similarity. Stroke
similarity is left out: no installed package holds a clean stroke table.

The shipped weights (``data/channel.json``, numbers only) are fitted by
``python -m benchmarks.train_channel`` on the public spinner dictionaries: their pairs are
the positives, random frequency-matched vocabulary pairs and candidates of the spun form
that are not its original are the negatives. No word list derived from them ships.

:func:`candidates` proposes originals for a form that looks spun, from the language model's
vocabulary, whether or not any lexicon lists it: same-length words sharing a character,
词林 synonyms and compound-partner swaps (党筑 → 党建, since 建筑 is a word), ranked by
the channel. Its indexes are built once per process, on first use.

    >>> channel = SpinnerChannel.load()
    >>> channel.logit("关键", "闭节") > channel.logit("关键", "苹果")
    True
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import logistic, thesaurus
from .bulk import paused_gc
from .languagemodel import LanguageModel, shared_model

DATA_FILE = "channel.json"

#: The pair features, in the order of :func:`features`' array (o = original, s = spun).
FEATURES: tuple[str, ...] = (
    "len_original",          # characters of o
    "len_spun",              # characters of s
    "len_diff",              # |len(o) - len(s)|
    "shared_chars",          # characters of o that occur in s
    "shared_fraction",       # shared_chars / max(len(o), len(s))
    "same_position",         # positions i with o[i] == s[i]
    "same_position_fraction",  # same_position / max(len(o), len(s))
    "one_char_diff",         # equal length, exactly one position differs
    "compound_partner",      # one_char_diff and the two differing characters make a word (c+c' or c'+c)
    "compound_logprob",      # that word's unigram log10 probability above <unk> (0 when none)
    "char_synonyms",         # one_char_diff and the two differing characters share a 词林 group
    "cilin_synonyms",        # o and s share a 词林 group
    "logprob_original",      # unigram log10 probability of o (<unk>'s when out of vocabulary)
    "logprob_spun",          # the same for s
    "logprob_ratio",         # logprob_original - logprob_spun
    "original_in_vocab",     # o is a word of the language model
    "spun_in_vocab",         # s is a word of the language model
    "pinyin_initial",        # of the aligned positions where o and s differ: share of same initial
    "pinyin_final",          # ... same final
    "pinyin_tone",           # ... same tone
    "pinyin_syllable",       # ... same toneless syllable (homophones up to tone)
)

MAX_CANDIDATE_LEN = 8  # longest vocabulary word candidates() proposes (spinner entries are 2-4 characters)
_TABLE_SIZE = 0x30000  # pinyin lookup tables cover the BMP and the CJK extension planes up to G


# ---------------------------------------------------------------- resources (once per model)


class _Tables:
    """What the features and the generator need from one language model, built once (numpy throughout)."""

    def __init__(self, lm: LanguageModel) -> None:
        with paused_gc():
            self.lm = lm
            self.unk = float(lm.unk_logprob)
            words = [w for w in lm.unigram if len(w) <= MAX_CANDIDATE_LEN]
            self.words = words
            self.ids = {w: i for i, w in enumerate(words)}
            self.logp = np.array([lm.unigram[w] for w in words], dtype=np.float64)
            self.lens = np.array([len(w) for w in words], dtype=np.int64)
            self.codes = _encode(words, MAX_CANDIDATE_LEN)
            # (length, character) -> words: sorted keys length<<21|code, one per (word, position)
            valid = np.arange(MAX_CANDIDATE_LEN) < self.lens[:, None]
            keys = (self.lens[:, None] << 21 | self.codes.astype(np.int64))[valid]
            owners = np.broadcast_to(np.arange(len(words))[:, None], valid.shape)[valid]
            order = np.argsort(keys, kind="stable")
            self.index_keys, self.index_ids = keys[order], owners[order]
            # compound partners: both orders of every two-character word, with its log10 probability
            two = np.flatnonzero((self.lens == 2) & (self.codes[:, 0] != self.codes[:, 1]))
            a, b = self.codes[two, 0].astype(np.int64), self.codes[two, 1].astype(np.int64)
            pair_keys = np.concatenate([a << 21 | b, b << 21 | a])
            pair_logp = np.concatenate([self.logp[two], self.logp[two]])
            order = np.lexsort((-pair_logp, pair_keys))
            self.compound_keys, first = np.unique(pair_keys[order], return_index=True)
            self.compound_logp = pair_logp[order][first] - self.unk
            char_syn = {(ord(x) << 21) | ord(y) for g in thesaurus.load_groups()
                        for x in g if len(x) == 1 for y in g if len(y) == 1 and x != y}
            self.char_synonym_keys = np.array(sorted(char_syn), dtype=np.int64)
            self.initial, self.final, self.tone = _pinyin_tables(set(np.unique(self.codes).tolist()) - {0})

    def sharing(self, length: int, char: str) -> np.ndarray:
        """Ids of the words of *length* characters that contain *char* (repeated if it occurs twice)."""
        key = (length << 21) | ord(char)
        lo, hi = np.searchsorted(self.index_keys, [key, key + 1])
        return self.index_ids[lo:hi]

    def partner_words(self, char: str) -> list[int]:
        """Vocabulary ids of the compound partners of the single character *char* (建 -> 筑 for 建筑)."""
        out = []
        for i in self.sharing(2, char).tolist():
            w = self.words[i]
            j = self.ids.get(w[1] if w[0] == char else w[0])
            if j is not None:
                out.append(j)
        return out


def _lookup(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each of *query* is in sorted *keys*, and where."""
    pos = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
    found = keys[pos] == query if len(keys) else np.zeros(len(query), dtype=bool)
    return found, pos


@functools.lru_cache(maxsize=2)
def _tables(lm: LanguageModel) -> _Tables:
    return _Tables(lm)


def _default_tables(lm: LanguageModel | None) -> _Tables:
    return _tables(lm if lm is not None else shared_model())


def _pinyin_tables(code_points: set[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point: initial id, final id, tone (0 = unknown character), of its first reading."""
    from pypinyin.contrib.tone_convert import to_finals, to_initials, to_tone3
    from pypinyin.pinyin_dict import pinyin_dict

    initial = np.zeros(_TABLE_SIZE, dtype=np.int16)
    final = np.zeros(_TABLE_SIZE, dtype=np.int16)
    tone = np.zeros(_TABLE_SIZE, dtype=np.int16)
    ids: dict[str, int] = {}
    parsed: dict[str, tuple[int, int, int]] = {}
    for cp in code_points:
        readings = pinyin_dict.get(cp) if cp < _TABLE_SIZE else None
        if not readings:
            continue
        py = readings.split(",")[0]
        if py not in parsed:
            t3 = to_tone3(py)
            parsed[py] = (ids.setdefault("i" + to_initials(py, strict=False), len(ids) + 1),
                          ids.setdefault("f" + to_finals(py, strict=False), len(ids) + 1),
                          int(t3[-1]) if t3[-1:].isdigit() else 5)
        initial[cp], final[cp], tone[cp] = parsed[py]
    return initial, final, tone


def _encode(words: Sequence[str], width: int) -> np.ndarray:
    """Code points of *words*, one row each, zero-padded (cut) to *width* columns."""
    if not words:
        return np.zeros((0, width), dtype=np.uint32)
    text = "".join(w[:width].ljust(width, "\0") for w in words)
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).reshape(len(words), width)


# ---------------------------------------------------------------- features


def _feature_matrix(t: _Tables, o: np.ndarray, lo: np.ndarray, s: np.ndarray, ls: np.ndarray,
                    logp_o: np.ndarray, logp_s: np.ndarray, inv_o: np.ndarray, inv_s: np.ndarray,
                    cilin: np.ndarray) -> np.ndarray:
    """The :data:`FEATURES` of n pairs: code matrices *o* (n×W) and *s* (n×W or 1×W), lengths."""
    n, width = o.shape
    cols = np.arange(width)
    valid_o = cols < lo[:, None]
    valid_s = cols < ls[:, None]
    longest = np.maximum(np.maximum(lo, ls), 1).astype(np.float64)
    shared = ((o[:, :, None] == s[:, None, :]) & valid_s[:, None, :]).any(axis=2) & valid_o
    shared_n = shared.sum(axis=1)
    aligned = valid_o & valid_s
    same = (o == s) & aligned
    same_n = same.sum(axis=1)
    one_diff = (lo == ls) & (same_n == lo - 1) & (lo >= 1)
    diff = aligned & ~same

    compound = np.zeros(n)
    compound_lp = np.zeros(n)
    char_syn = np.zeros(n)
    rows = np.flatnonzero(one_diff)
    if len(rows):
        pos = diff[rows].argmax(axis=1)
        co = o[rows, pos]
        cs = (s[rows, pos] if s.shape[0] == n else s[0, pos])
        keys = (co.astype(np.int64) << 21) | cs.astype(np.int64)
        found, where = _lookup(t.compound_keys, keys)
        compound[rows] = found
        compound_lp[rows] = np.where(found, t.compound_logp[where], 0.0)
        char_syn[rows] = _lookup(t.char_synonym_keys, keys)[0]

    oc = np.minimum(o, _TABLE_SIZE - 1)
    sc = np.minimum(s, _TABLE_SIZE - 1)
    n_diff = np.maximum(diff.sum(axis=1), 1)

    def agree(table: np.ndarray) -> np.ndarray:
        a, b = table[oc], table[sc]
        return ((a == b) & (a > 0) & diff).sum(axis=1) / n_diff

    ini, fin = agree(t.initial), agree(t.final)
    a_i, b_i = t.initial[oc], t.initial[sc]
    a_f, b_f = t.final[oc], t.final[sc]
    syllable = ((a_i == b_i) & (a_f == b_f) & (a_f > 0) & diff).sum(axis=1) / n_diff
    lo_f, ls_f = lo.astype(np.float64), ls.astype(np.float64)
    return np.column_stack([
        lo_f, ls_f, np.abs(lo_f - ls_f),
        shared_n, shared_n / longest, same_n, same_n / longest,
        one_diff, compound, compound_lp, char_syn, cilin,
        logp_o, logp_s, logp_o - logp_s, inv_o, inv_s,
        ini, fin, agree(t.tone), syllable,
    ]).astype(np.float64)


def feature_matrix(originals: Sequence[str], spun: Sequence[str] | str, lm: LanguageModel | None = None) -> np.ndarray:
    """:data:`FEATURES` of each pair ``(originals[i], spun[i])`` (or of each original with one *spun*)."""
    t = _default_tables(lm)
    spun_list = [spun] * len(originals) if isinstance(spun, str) else list(spun)
    if len(spun_list) != len(originals):
        raise ValueError("originals and spun differ in length")
    if not originals:
        return np.zeros((0, len(FEATURES)))
    width = max(1, max(map(len, originals)), max(map(len, spun_list)))
    unigram, unk = t.lm.unigram, t.unk
    lp_o = np.array([unigram.get(w, unk) for w in originals])
    lp_s = np.array([unigram.get(w, unk) for w in spun_list])
    return _feature_matrix(
        t, _encode(originals, width), np.array([len(w) for w in originals]),
        _encode(spun_list, width), np.array([len(w) for w in spun_list]),
        lp_o, lp_s,
        np.array([w in unigram for w in originals], dtype=np.float64),
        np.array([w in unigram for w in spun_list], dtype=np.float64),
        np.array([thesaurus.are_synonyms(a, b) for a, b in zip(originals, spun_list)], dtype=np.float64),
    )


def features(original: str, spun: str, lm: LanguageModel | None = None) -> np.ndarray:
    """The :data:`FEATURES` of one pair, as a float array of ``len(FEATURES)``."""
    return feature_matrix([original], [spun], lm)[0]


# ---------------------------------------------------------------- the channel


@dataclass(frozen=True)
class SpinnerChannel:
    """Logistic regression on standardised :data:`FEATURES`: ``logit = ((x - mean) / scale) · coef + intercept``.

    ``prior_weight`` is added times the original's unigram log10 probability when
    :func:`candidates` ranks (chosen on the training dictionaries).
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    prior_weight: float = 0.0
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if tuple(self.names) != FEATURES:
            raise ValueError(f"channel weights are for features {self.names}, this module computes {FEATURES}")

    @classmethod
    def load(cls, path: str | Path | None = None) -> SpinnerChannel:
        """The weights in *path*, or the shipped ``data/channel.json`` (read once)."""
        if path is None:
            return _shipped()
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SpinnerChannel:
        mean, scale, coef = logistic.vectors(d, ("mean", "scale", "coef"), d["features"], FEATURES, "spinner channel")
        return cls(tuple(d["features"]), mean, scale, coef, float(d["intercept"]), float(d.get("prior_weight", 0.0)),
                   dict(d.get("provenance", {})))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.names), "mean": [float(x) for x in self.mean], "scale": [float(x) for x in self.scale],
                "coef": [float(x) for x in self.coef], "intercept": float(self.intercept),
                "prior_weight": float(self.prior_weight), "provenance": self.provenance}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=True) + "\n", encoding="utf-8")

    def score(self, x: np.ndarray) -> np.ndarray:
        """Logits of feature rows *x* (n × len(FEATURES))."""
        return logistic.logits(x, self.mean, self.scale, self.coef, self.intercept)

    def logits(self, originals: Sequence[str], spun: Sequence[str] | str, lm: LanguageModel | None = None) -> np.ndarray:
        """Logit of P(spinner rewrites ``originals[i]`` as ``spun[i]``), for each i (or one *spun* for all)."""
        return self.score(feature_matrix(originals, spun, lm))

    def logit(self, original: str, spun: str, lm: LanguageModel | None = None) -> float:
        return float(self.logits([original], [spun], lm)[0])

    def probability(self, original: str, spun: str, lm: LanguageModel | None = None) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(original, spun, lm)))


@functools.lru_cache(maxsize=1)
def _shipped() -> SpinnerChannel:
    text = resources.files("zhrepair").joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return SpinnerChannel.from_dict(json.loads(text))


# ---------------------------------------------------------------- candidates


def candidate_ids(spun: str, lm: LanguageModel | None = None) -> np.ndarray:
    """Vocabulary ids of every candidate original of *spun* (unranked, without *spun*)."""
    t = _default_tables(lm)
    parts = [t.sharing(len(spun), c) for c in set(spun)] if len(spun) <= MAX_CANDIDATE_LEN else []
    syn = [t.ids[w] for w in thesaurus.synonyms(spun) if w in t.ids]
    extra = syn + (t.partner_words(spun) if len(spun) == 1 else [])  # longer: already among the same-length words
    if extra:
        parts.append(np.array(extra, dtype=np.int64))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    ids = np.unique(np.concatenate(parts))
    own = t.ids.get(spun)
    return ids if own is None else ids[ids != own]


def candidate_features(spun: str, ids: np.ndarray, lm: LanguageModel | None = None) -> np.ndarray:
    """:data:`FEATURES` of (vocabulary word *ids*, *spun*): the fast path of :func:`feature_matrix`."""
    t = _default_tables(lm)
    n = len(ids)
    lens = t.lens[ids]
    width = max(int(lens.max(initial=1)), len(spun))
    o = t.codes[ids, : min(width, MAX_CANDIDATE_LEN)]
    if width > MAX_CANDIDATE_LEN:
        o = np.pad(o, ((0, 0), (0, width - MAX_CANDIDATE_LEN)))
    s = _encode([spun], width)
    lp_s = t.lm.unigram.get(spun, t.unk)
    syn_ids = [t.ids[w] for w in thesaurus.synonyms(spun) if w in t.ids]
    return _feature_matrix(
        t, o, lens, s, np.full(n, len(spun)), t.logp[ids], np.full(n, lp_s),
        np.ones(n), np.full(n, float(spun in t.lm.unigram)), np.isin(ids, syn_ids).astype(np.float64),
    )


def candidates(spun: str, limit: int | None = 50, channel: SpinnerChannel | None = None,
               lm: LanguageModel | None = None, prior_weight: float | None = None) -> list[tuple[str, float]]:
    """Open-vocabulary originals for *spun*, best first, as ``(word, score)``.

    Candidates: vocabulary words of the same length sharing a character with *spun* (at
    any position: 价值 ← 代价), its 词林 synonyms (any length) and its compound-partner
    swaps. Score: the channel's logit plus ``prior_weight`` (default: the channel's) times
    the word's unigram log10 probability. ``limit=None`` returns them all.
    """
    t = _default_tables(lm)
    channel = channel or SpinnerChannel.load()
    ids = candidate_ids(spun, lm)
    if not len(ids):
        return []
    weight = channel.prior_weight if prior_weight is None else prior_weight
    scores = channel.score(candidate_features(spun, ids, lm)) + weight * t.logp[ids]
    if limit is not None and limit < len(ids):
        top = np.argpartition(-scores, limit - 1)[:limit]
    else:
        top = np.arange(len(ids))
    top = top[np.lexsort((ids[top], -scores[top]))]
    return [(t.words[i], float(scores[j])) for i, j in zip(ids[top].tolist(), top.tolist())]
