"""Stage 4b — detect: how likely a document was spun, from two kinds of evidence.

* **known spun forms** — the decoder's log10 likelihood ratio, spun vs. clean, of the
  sites its lexicons found (strong for spinners whose dictionary is loaded);
* **fluency** — the language model's mean log10 probability per character of the text
  (a sample of its clauses): any spinner's synonyms make text read worse, so this also
  catches spinners whose dictionary is unknown.

``score = sigmoid(LLR_WEIGHT * clip(llr) + FLUENCY_WEIGHT * (fluency - FLUENCY_CENTRE) + BIAS)``,
with the constants fitted by logistic regression on TUNE articles (``benchmarks/calibrate.py``).
Lexicon restorations need the likelihood ratio itself (``decoder.DocumentModel.is_spun``):
fluency says a text reads badly, not which words to change. The score only gates guesses:
thesaurus candidates, and a lone overwhelming fix where the lexicons say little.
"""

from __future__ import annotations

import math
from typing import Sequence

from .languagemodel import LanguageModel
from .normalise import Clause
from .segment import Segmenter

# fitted by benchmarks/calibrate.py on TUNE articles (see its output in the README)
LLR_WEIGHT = 0.578
FLUENCY_WEIGHT = 7.626
FLUENCY_CENTRE = -3.0
BIAS = -0.820
LLR_CLIP = (-20.0, 20.0)
SAMPLE_CHARS = 1200  # fluency is measured on at most this many characters, spread over the text


def fluency(clauses: Sequence[Clause], segmenter: Segmenter, lm: LanguageModel, max_chars: int = SAMPLE_CHARS) -> float | None:
    """Mean log10 probability per character of (evenly sampled) *clauses*; None without text."""
    total_chars = sum(len(c.text) for c in clauses)
    if total_chars == 0:
        return None
    step = max(1, math.ceil(total_chars / max_chars))
    score, chars = 0.0, 0
    for clause in clauses[::step] if step > 1 else clauses:
        words = segmenter.cut(clause.text)
        score += lm.score(words, bos=True, eos=True)
        chars += len(clause.text)
    return score / chars if chars else None


def spin_probability(llr: float, fluency_value: float | None) -> float:
    """The calibrated probability that a document was spun."""
    lo, hi = LLR_CLIP
    z = LLR_WEIGHT * min(max(llr, lo), hi) + BIAS
    if fluency_value is not None:
        z += FLUENCY_WEIGHT * (FLUENCY_CENTRE - fluency_value)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))
