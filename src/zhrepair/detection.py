"""Stage 4b — detect: how likely a document was spun, from three kinds of evidence.

* **known spun forms** — the decoder's log10 likelihood ratio, spun vs. clean, of the
  sites its lexicons found (strong for spinners whose dictionary is loaded);
* **fluency** — how much better the language model finds the text's words in their
  context than alone: the log10 gain of the trigram over the unigram probabilities, per
  character (a sample of its clauses). Any spinner's synonyms fit their context worse, so
  this also catches spinners whose dictionary is unknown; unlike the plain probability per
  character it does not drop for text that is merely full of rare words (a short or
  specialised text). On TUNE, spun vs clean articles per unseen public dictionary: ROC AUC
  0.99–1.00 against 0.95–1.00 for the plain probability; short documents 0.91–0.99
  against 0.79–0.91;
* **coherence** — how much better the CBOW vectors (:mod:`.cbow`) find each word of those
  clauses in its own context (both sides) than in the text's average context. A spinner's
  synonym keeps the topic, which the vectors see, while it breaks the collocation, which
  the trigram sees: at the same fluency, the more coherent text is the likelier spun one
  (its weight comes out positive). On TUNE, with fluency and the likelihood ratio, it
  raised the lowest per-dictionary ROC AUC from 0.982 to 0.991 and from 0.979 to 0.987
  (two halves, each fitted on the other).

``score = sigmoid(llr_weight * clip(llr) + fluency_weight * (fluency_centre - fluency)
+ coherence_weight * (coherence - coherence_centre) + detector_bias)``,
with the constants in :class:`~zhrepair.tuning.Tuning`, fitted by logistic regression on
TUNE articles (``python -m benchmarks.tune``). Lexicon restorations need the likelihood
ratio itself (``decoder.DocumentModel.is_spun``): fluency says a text reads badly, not
which words to change. The score only gates guesses: thesaurus candidates, and a lone
overwhelming fix where the lexicons say little.

The :class:`~zhrepair.results.Evidence` shown to users is chosen here too: one item per
spun form, forms rare in clean text first, then the largest model gains.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .languagemodel import LanguageModel
from .normalise import Clause
from .results import EditKind, Evidence
from .segment import Segmenter
from .sites import Site
from .tuning import Tuning

if TYPE_CHECKING:
    from .cbow import Cbow

STRONG_REASON = "form rare in clean text"
MODEL_REASON = "language model prefers the original"
EVIDENCE_LIMIT = 30  # evidence items kept per block (presentation, not a decision)
MODEL_EVIDENCE_GAIN = 1.0  # a site is shown as evidence when the model finds its original 10x as likely


def needs_fluency(llr: float, tuning: Tuning) -> bool:
    """Past the clip the known forms settle the score; fluency would cost a full segmentation."""
    return llr < tuning.llr_clip


def sampled(clauses: Sequence[Clause], max_chars: int) -> Sequence[Clause]:
    """Every k-th clause, k chosen so that about *max_chars* characters are read."""
    total_chars = sum(len(c.text) for c in clauses)
    step = max(1, math.ceil(total_chars / max_chars))
    return clauses[::step] if step > 1 else clauses


def fluency(clauses: Sequence[Clause], segmenter: Segmenter, lm: LanguageModel, max_chars: int) -> float | None:
    """The log10 gain of the words of (evenly :func:`sampled`) *clauses* in context (each
    clause from its start) over the same words alone, per character; None without text."""
    score, chars = 0.0, 0
    for clause in sampled(clauses, max_chars):
        words = segmenter.cut(clause.text)
        score += lm.score(words, bos=True, eos=False) - sum(map(lm.logprob, words))
        chars += len(clause.text)
    return score / chars if chars else None


def coherence(clauses: Sequence[Clause], segmenter: Segmenter, cbow: "Cbow", max_chars: int) -> float | None:
    """The mean, over the words of the :func:`sampled` *clauses* that the vectors know and
    that have a known word around them (``cbow.window`` each side, inside the clause), of the
    CBOW score of the word in its context minus its score in the mean of those contexts;
    None without such a word."""
    get, w = cbow.index.get, cbow.window
    ids: list[int] = []  # every word's row, -1 when the vectors do not know it
    first: list[int] = []  # per word, where its clause starts and ends (in words)
    last: list[int] = []
    for clause in sampled(clauses, max_chars):
        words = segmenter.cut(clause.text)
        start = len(ids)
        ids += [get(x, -1) for x in words]
        first += [start] * len(words)
        last += [len(ids)] * len(words)
    rows = np.array(ids, dtype=np.intp)
    known = rows >= 0
    if w <= 0 or not known.any():
        return None
    # the context of word k: the known words among the w on each side inside its clause,
    # summed from running totals of their input vectors (an unknown word adds a zero row)
    vectors = np.zeros((len(rows), cbow.dims), dtype=np.float32)
    vectors[known] = cbow.input_rows(rows[known])
    totals = np.zeros((len(rows) + 1, cbow.dims), dtype=np.float32)
    np.cumsum(vectors, axis=0, out=totals[1:])
    counts = np.zeros(len(rows) + 1, dtype=np.intp)
    np.cumsum(known, out=counts[1:])
    k = np.arange(len(rows))
    lo, hi = np.maximum(np.array(first), k - w), np.minimum(np.array(last), k + w + 1)
    n = counts[hi] - counts[lo] - known
    slot = np.flatnonzero(known & (n > 0))
    if not len(slot):
        return None
    lo, hi = lo[slot], hi[slot]
    contexts = (totals[hi] - totals[lo] - vectors[slot]) / n[slot, None]
    outputs = cbow.output_rows(rows[slot])
    own = np.einsum("ij,ij->i", outputs, contexts)
    return float(np.mean(own - outputs @ contexts.mean(axis=0)))


def spin_probability(llr: float, fluency_value: float | None, tuning: Tuning,
                     coherence_value: float | None = None) -> float:
    """The calibrated probability that a document was spun (a missing fluency or coherence
    counts as its centre)."""
    clip = tuning.llr_clip
    z = tuning.llr_weight * min(max(llr, -clip), clip) + tuning.detector_bias
    if fluency_value is not None:
        z += tuning.fluency_weight * (tuning.fluency_centre - fluency_value)
    if coherence_value is not None:
        z += tuning.coherence_weight * (coherence_value - tuning.coherence_centre)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def evidence(sites: Sequence[Site], limit: int = EVIDENCE_LIMIT) -> list[Evidence]:
    """The spun forms that best show spinning, one per form, best first (offsets of the working view)."""
    # per (spun, original): [first site, best gain, count]
    found: dict[tuple[str, str], list] = {}
    deletion, gain_floor = EditKind.DELETION, MODEL_EVIDENCE_GAIN
    for site in sites:
        options = site.options
        if not options:
            continue
        best = options[0] if len(options) == 1 else max(options, key=lambda o: o.delta)
        if best.kind is deletion or not (site.strong or best.delta > gain_floor):
            continue
        key = (site.spun, best.text)
        weight = round(best.delta, 2)
        entry = found.get(key)
        if entry is None:
            found[key] = [site, weight, 1]
        else:
            entry[1] = max(entry[1], weight)
            entry[2] += 1
    out = [
        Evidence(site.start, site.end, site.spun, original, weight, STRONG_REASON if site.strong else MODEL_REASON, count)
        for (_, original), (site, weight, count) in found.items()
    ]
    return sorted(out, key=evidence_rank)[:limit]


def evidence_rank(e: Evidence) -> tuple[bool, float]:
    """Sort key: forms rare in clean text first, then by model gain."""
    return (e.reason != STRONG_REASON, -e.weight)
