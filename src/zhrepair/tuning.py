"""Every tuned constant of the pipeline, in one place, with its meaning and origin.

:class:`Tuning` is a frozen dataclass; :data:`TUNED` is the instance the pipeline uses
unless a :class:`~zhrepair.Repairer` is given another (``Repairer(tuning=...)``, what
``benchmarks/tune.py`` does while searching). Each field's metadata says what the number
means and where it comes from:

* ``fitted`` — reproduced by ``python -m benchmarks.tune`` from TUNE articles only (a
  logistic regression for the detector, a coordinate search for the decoder's numbers;
  the script prints the TUNE figures it optimised);
* ``chosen`` — set by reasoning, not searched (a structural choice, a unit, a cap); the
  metadata says why.

TEST articles never decide a value here (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _c(value: Any, meaning: str, origin: str) -> Any:
    return field(default=value, metadata={"meaning": meaning, "origin": origin})


FITTED_SEARCH = "fitted: benchmarks.tune coordinate search on TUNE articles"
FITTED_LOGISTIC = "fitted: benchmarks.tune logistic regression on TUNE articles"


@dataclass(frozen=True)
class Tuning:
    """The pipeline's constants; see the module docstring and each field's metadata."""

    # -- candidates (candidates.py) ---------------------------------------------------
    rare_logprob: float = _c(
        -6.0, "a spun form at or below this unigram log10 probability, whose original is above it, is 'rare in "
        "clean text' (strong evidence)", "chosen: 1 in a million words, just above the model's <unk> (-6.26)")
    char_gain: float = _c(
        0.3, "a char-swap restoration must be at least this much more probable (log10 unigram) than the span",
        FITTED_SEARCH)
    common_logprob: float = _c(
        -6.0, "a char-swap restoration must be a word at least this common (log10 unigram)",
        "chosen: the same frequency line as rare_logprob")
    stuffing_min_repeats: int = _c(
        2, "an original form counts as stuffed keyword only if it stands before punctuation this often",
        "chosen: one occurrence is no pattern")

    thesaurus_max_options: int = _c(3, "thesaurus option: at most this many more frequent synonyms per word",
                                    "chosen: not searched (the option is off by default)")
    thesaurus_min_gain: float = _c(0.5, "thesaurus option: a synonym must be this much more frequent (log10 unigram)",
                                   "chosen: not searched (the option is off by default)")

    # -- scoring (scoring.py) ------------------------------------------------------------
    unigram_discount: float = _c(
        0.225, "share of the words' own unigram log ratio taken out of an option's LM gain (the decoder's rates "
        "already count how often a form is spun)", FITTED_SEARCH)
    cbow_weight: float = _c(
        0.5, "weight of the CBOW vectors' log10 gain (the words on both sides of a site; scoring.second_opinion) "
        "added to an option's language-model gain", FITTED_SEARCH + "; benchmarks.second_opinion checks it on the TUNE "
        "articles the vectors were not fitted on (0.25, 0.5 and 1.0 tried: 0.5 best)")
    opinion_reach: float = _c(
        2.0, "a site the language model has settled gets no second opinion (a cost cap): every option's gain below "
        "-this, or its one option's above +this",
        "chosen: on the TUNE articles the vectors never saw (benchmarks.second_opinion) 1.5, 2 and 3 gave the same "
        "F1 (within 0.0004), and the tune sets' objective within 0.0002; at 2, 44% of sites with the default lexicon "
        "and 51% with all eight are beyond it (28% and 39% at 3); 98% of opinions lie within +-2.2")
    window: int = _c(3, "characters of context on each side of a site when scoring it (RepairConfig.window default)",
                     FITTED_SEARCH)

    # -- decoder (decoder.py) -----------------------------------------------------------
    lm_weight: float = _c(1.0, "scale of the language model's log10 gains in the channel", "chosen: the unit scale")
    spin_prior: float = _c(0.1, "prior spin rate of a dictionary in a document before any evidence", FITTED_SEARCH)
    clean_rate: float = _c(0.002, "spin rate of the 'clean document' hypothesis",
                           "chosen: small but not zero (1 in 500), so clean documents keep near-zero restoration odds")
    em_iterations: int = _c(4, "EM iterations when fitting a document's rates",
                            "chosen: a few iterations from the prior; not searched")
    prior_strength: float = _c(2.0, "pseudo-counts behind the prior rate", FITTED_SEARCH)
    form_strength: float = _c(3.0, "pseudo-counts tying a spun form's rate to its dictionary's", FITTED_SEARCH)
    form_llr_cap: float = _c(2.0, "most log10 evidence, either way, that one word form gives the likelihood ratio",
                             FITTED_SEARCH)
    choice_strength: float = _c(1.0, "pseudo-counts behind the lexicon's choice among a spun form's originals",
                                FITTED_SEARCH)
    min_spun_rate: float = _c(
        0.15, "a document counts as spun only if a dictionary's fitted rate reaches this",
        "chosen between the rates clean TUNE articles fit (0.03-0.07 with all eight public dictionaries) and "
        "spun ones (0.24 and up)")
    dictionary_margin: float = _c(
        0.0, "with several dictionaries loaded, those whose log10 likelihood ratio alone comes within this of the "
        "best one's repair the document (decoder.choose_dictionaries)",
        "chosen: python -m benchmarks.dictionary_margin (TUNE, all eight loaded; mean F1 over the styles with a "
        "shortlist of 3: 0.8597 at 0, 0.8550 at 2, 0.8501 at 5; every dictionary at once 0.8168)")
    dictionary_min_gain: float = _c(
        4.0, "with several dictionaries loaded, the best one repairs a document only if its log10 likelihood ratio "
        "alone beats, by this much, that of the sources that are no loaded dictionary (the shipped lexicon, char "
        "rules, stuffing); otherwise none of them does (decoder.choose_dictionaries)",
        "chosen: python -m benchmarks.dictionary_margin (TUNE, all eight loaded; mean of the public dictionaries' "
        "and the other spinner's F1: 0.8699 without this test, 0.8912 at 0, 0.8938 at 1, 0.8947 at 2, 0.8946 at 3, "
        "0.8952 at 4, 0.8949 at 5, 0.8945 at 6), between the gains of documents spun with a loaded dictionary "
        "(5.9 and up) and those of clean or otherwise spun ones (2.2 at most)")
    dictionary_quick_gain: float = _c(
        2.0, "with several dictionaries loaded, when no dictionary's log10 likelihood ratio in the joint fit beats "
        "that of the sources that are no loaded dictionary by this much, none is fitted alone: the document gets none",
        "chosen: python -m benchmarks.dictionary_margin --quick-gains (TUNE objective 0.8951 at 0 and 2, as without "
        "the shortcut; 0.8950 at 3, 0.8948 at 4): the largest that changes no TUNE figure; repair with all eight "
        "loaded 4.1x -> 3.6x jieba's time on TUNE articles of the sample's spinner")
    dictionary_sample_chars: int = _c(
        1000, "with several dictionaries loaded, the dictionary is chosen on a block's first clauses holding this "
        "many Han characters (then the whole block is read with the chosen one's finder)",
        "chosen: python -m benchmarks.dictionary_margin (TUNE, all eight loaded; objective 0.8940 at 300, 0.8938 at "
        "600, 0.8951 at 1000, 0.8952 at 2000 and with the whole block): the smallest within 0.0005 of the best; "
        "repair with all eight loaded 5.7x -> 4.0x jieba's time on TUNE articles of the sample's spinner")
    dictionary_glance_chars: int = _c(
        300, "with several dictionaries loaded, a first look at a block's first clauses holding this many Han "
        "characters decides alone when no dictionary comes near there (dictionary_quick_gain): the block gets none; "
        "0: no first look",
        "chosen: python -m benchmarks.dictionary_margin --glances (TUNE objective 0.8911 at 100, 0.8945 at 200, "
        "0.8951 at 300, as without it): the smallest tried that changes no TUNE figure; repair with all eight loaded "
        "3.5x -> 1.7x jieba's time on TUNE articles of the sample's spinner (none of the eight), 6.8x -> 7.9x on "
        "articles spun with one of them (blind)")
    dictionary_shortlist: int = _c(
        3, "with several dictionaries loaded, how many (the likeliest by the joint fit) are fitted alone to choose",
        "chosen: python -m benchmarks.dictionary_margin (margin 0: mean F1 0.8550 with 2, 0.8597 with 3, 0.8598 "
        "with all 8, which costs more fits)")
    evidence_scale: float = _c(0.5, "slope of the lexicon-evidence logistic over the log10 likelihood ratio",
                               "chosen: with evidence_offset, probability 0.5 at a log10 ratio of about 2.6")
    evidence_offset: float = _c(-3.0, "intercept of the lexicon-evidence logistic", "chosen: see evidence_scale")
    clean_threshold: float = _c(0.5, "lexicon evidence below this judges a document clean", FITTED_SEARCH)
    overwhelming_margin: float = _c(
        4.0, "log10 gain a lone site needs to be changed in a document the lexicons do not call spun",
        FITTED_SEARCH)
    context_min_confidence: float = _c(
        0.5, "posterior at which a restoration becomes context for the second scoring pass (independent of the "
        "user's min_confidence, which only filters output)", "chosen: more likely than not")
    min_choice_ratio: float = _c(
        1.5, "a lone site with several originals is changed only when the best is this many times the runner-up "
        "(RepairConfig.min_choice_ratio default)", FITTED_SEARCH)

    # -- detection (detection.py) -------------------------------------------------------
    llr_weight: float = _c(0.494, "detector: weight of the clipped log10 likelihood ratio", FITTED_LOGISTIC)
    fluency_weight: float = _c(40.055, "detector: weight of (fluency_centre - fluency)", FITTED_LOGISTIC)
    fluency_centre: float = _c(0.12, "detector: fluency (log10 gain in context per character) the weight is centred on",
                               "chosen: between clean TUNE articles (group medians 0.17-0.29, benchmarks.calibrate) "
                               "and spun ones (0.03-0.07)")
    bigram_weight: float = _c(8.225, "detector: weight of (bigram_centre - bigram_share)", FITTED_LOGISTIC)
    bigram_centre: float = _c(0.5, "detector: share of words whose bigram the model holds, the weight's centre",
                               "chosen: between clean TUNE articles (group medians 0.57-0.67, benchmarks.calibrate) "
                               "and spun ones (0.30-0.49)")
    detector_bias: float = _c(-1.822, "detector: intercept", FITTED_LOGISTIC)
    llr_clip: float = _c(20.0, "the detector clips the likelihood ratio to +-this; past it fluency is not computed",
                         "chosen: the logistic is saturated there (0.76 * 20 = 15.2)")
    fluency_sample_chars: int = _c(1200, "fluency is measured on at most this many characters, spread over the text",
                                   "chosen: a cost cap (fluency needs a full segmentation)")
    spun_threshold: float = _c(0.5, "Detection.is_spun when the score reaches this; thesaurus guesses need it",
                               "chosen: the score is a calibrated probability")

    def __post_init__(self) -> None:
        """``TypeError`` for a value of the wrong type, ``ValueError`` for one out of range
        (a nan weight would silently turn every decision off)."""
        for f in fields(self):
            value = getattr(self, f.name)
            kind = int if isinstance(f.default, int) else float
            if isinstance(value, bool) or not isinstance(value, (int,) if kind is int else (int, float)):
                raise TypeError(f"tuning constant {f.name} must be {kind.__name__}, got {value!r}")
            if not (math.isfinite(value) if isinstance(value, float) else abs(value) < 1e300):
                raise ValueError(f"tuning constant {f.name} must be finite, got {value!r}")
            low = _AT_LEAST.get(f.name)
            if low is not None and value < low:
                raise ValueError(f"tuning constant {f.name} must be >= {low}, got {value!r}")
        for name in _PROBABILITIES:
            if not 0.0 < getattr(self, name) < 1.0:
                raise ValueError(f"tuning constant {name} must be in (0, 1), got {getattr(self, name)!r}")

    def with_values(self, **values: Any) -> "Tuning":
        """A copy with *values* replaced; unknown names raise ``TypeError``."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"unknown tuning constant(s): {', '.join(unknown)}")
        return replace(self, **values)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str, str]]:
        """``(name, default, meaning, origin)`` of every constant."""
        return [(f.name, f.default, f.metadata["meaning"], f.metadata["origin"]) for f in fields(cls)]


#: Lower bounds of the constants that have one (counts, sizes, strengths, scales).
_AT_LEAST = {
    "stuffing_min_repeats": 1, "thesaurus_max_options": 0, "window": 1, "em_iterations": 1, "fluency_sample_chars": 1,
    "unigram_discount": 0.0, "lm_weight": 0.0, "prior_strength": 0.0, "form_strength": 0.0, "form_llr_cap": 0.0,
    "choice_strength": 0.0, "evidence_scale": 0.0, "overwhelming_margin": 0.0, "min_choice_ratio": 1.0, "llr_clip": 0.0,
}
#: Constants that are probabilities, strictly between 0 and 1.
_PROBABILITIES = ("spin_prior", "clean_rate", "min_spun_rate", "clean_threshold", "context_min_confidence",
                  "spun_threshold")

TUNED = Tuning()
