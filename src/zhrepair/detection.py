"""Stage 4b — detect: how likely a document was spun, from two kinds of evidence.

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
* **bigram share** — of the same words, the share whose bigram (the word after the one
  before it) the model holds: a swapped word breaks the phrases on both sides of it, and
  this counts the breaks where the gain averages them away. Added 2026-12-02: on TUNE
  documents outside the fit, with each public dictionary unseen, the lowest per-dictionary
  ROC AUC rose in every style (``python -m benchmarks.detection_styles``; see
  benchmarks/README.md).

``score = sigmoid(llr_weight * clip(llr) + fluency_weight * (fluency_centre - fluency)
+ bigram_weight * (bigram_centre - bigram_share) + detector_bias)``,
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
from typing import Sequence

from .languagemodel import LanguageModel
from .normalise import Clause
from .results import EditKind, Evidence
from .segment import Segmenter
from .sites import Site
from .tuning import Tuning

STRONG_REASON = "form rare in clean text"
MODEL_REASON = "language model prefers the original"
EVIDENCE_LIMIT = 30  # evidence items kept per block (presentation, not a decision)
MODEL_EVIDENCE_GAIN = 1.0  # a site is shown as evidence when the model finds its original 10x as likely


def needs_fluency(llr: float, tuning: Tuning) -> bool:
    """Past the clip the known forms settle the score; fluency would cost a full segmentation."""
    return llr < tuning.llr_clip


def fluency(clauses: Sequence[Clause], segmenter: Segmenter, lm: LanguageModel,
            max_chars: int) -> tuple[float | None, float | None]:
    """Of the words of (evenly sampled) *clauses*, each clause read from its start: their
    log10 gain in context over the same words alone, per character, and the share of them
    (from each clause's second word on) whose bigram the model holds; None without text
    (the share: without such words)."""
    total_chars = sum(len(c.text) for c in clauses)
    if total_chars == 0:
        return None, None
    step = max(1, math.ceil(total_chars / max_chars))
    score, chars, counted, bigrams = 0.0, 0, 0, 0
    for clause in clauses[::step] if step > 1 else clauses:
        words = segmenter.cut(clause.text)
        in_context, orders = lm.score_orders(words, bos=True)
        score += in_context - sum(map(lm.logprob, words))
        chars += len(clause.text)
        counted += max(0, len(orders) - 1)
        bigrams += sum(order >= 2 for order in orders[1:])
    return (score / chars if chars else None), (bigrams / counted if counted else None)


def spin_probability(llr: float, fluency_value: float | None, bigram_share: float | None, tuning: Tuning) -> float:
    """The calibrated probability that a document was spun."""
    clip = tuning.llr_clip
    z = tuning.llr_weight * min(max(llr, -clip), clip) + tuning.detector_bias
    if fluency_value is not None:
        z += tuning.fluency_weight * (tuning.fluency_centre - fluency_value)
    if bigram_share is not None:
        z += tuning.bigram_weight * (tuning.bigram_centre - bigram_share)
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
