"""Stage 5 — the learned decision: keep the spun text, or restore which original.

The decoder (stage 4) gives every site's hypotheses a posterior from the document's
fitted rates and the language model. Some things it cannot see: how far apart a form and
its original are in frequency, whether they share characters or a 同义词词林 group, how
many originals the form has, whether the site sits in code or English. A logistic
regression over those features and the decoder's own figures gives each option the
probability that it is the original; the best option is restored when that probability
reaches the model's threshold, and the probability is the edit's confidence.

The weights (numbers only: no word or pair) are fitted on TUNE documents by
``python -m benchmarks.train_decision`` and ship in ``data/decision.json``.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from . import logistic, thesaurus
from .decoder import DocumentModel, SiteDecision, confident_runs, resolve_overlaps
from .languagemodel import LanguageModel
from .results import EditKind
from .sites import Option

DATA_FILE = "decision.json"
CONTEXT_CHARS = 10  # characters each side in which Latin letters, digits and code are counted

#: The features, in the order of the model's weights (see :func:`option_features`).
FEATURES = (
    "logit_posterior", "logit_keep", "log_runner_up", "lm_gain", "log_choice", "originals",
    "len_spun", "len_original", "frequency_ratio", "spun_logprob", "spun_unknown",
    "char_overlap", "same_position_char", "cilin_synonym", "latin_context", "document_llr",
    "spin_score", "lexicon_spun", "detected", "strong", "char_rule", "deletion", "proposers",
    "block_length",
)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _latin_share(text: str, start: int, end: int) -> float:
    around = text[max(0, start - CONTEXT_CHARS) : start] + text[end : end + CONTEXT_CHARS]
    return sum(c.isascii() and not c.isspace() for c in around) / len(around) if around else 0.0


def option_features(d: SiteDecision, option: Option, posterior: float, doc: DocumentModel, text: str,
                    lm: LanguageModel, block_chars: int, lm_weight: float) -> list[float]:
    """The feature row of one option of a ranked site (names: :data:`FEATURES`)."""
    site = d.site
    spun, original = site.spun, option.text
    others = [p for o, p in d.ranked if o is not None and o is not option and o.text != original]
    texts = {o.text for o in site.options}
    overlap = len(set(spun) & set(original)) / max(len(spun), len(original), 1)
    same_position = len(spun) == len(original) and any(a == b for a, b in zip(spun, original))
    spun_lp = lm.logprob(spun)
    return [
        _logit(posterior),
        _logit(d.keep),
        math.log10(max(posterior, 1e-6) / max(max(others, default=0.0), 1e-6)) if others else 3.0,
        max(-10.0, min(10.0, lm_weight * option.delta)),
        math.log10(max(option.choice, 1e-6)),
        float(len(texts)),
        float(len(spun)),
        float(len(original)),
        lm.logprob(original) - spun_lp if original else 0.0,
        spun_lp,
        float(spun not in lm),
        overlap,
        float(same_position),
        float(bool(original) and thesaurus.are_synonyms(spun, original)),
        _latin_share(text, site.start, site.end),
        max(-20.0, min(20.0, doc.llr)) / 10.0,
        doc.spin_score,
        float(doc.is_spun),
        float(doc.detected),
        float(site.strong),
        float(bool(option.rule)),
        float(option.kind is EditKind.DELETION),
        float(sum(o.text == original for o in site.options)),
        math.log10(max(block_chars, 1)),
    ]


@dataclass(frozen=True)
class DecisionModel:
    """A logistic regression over :data:`FEATURES` (standardised by *mean* and *scale*)."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float  # restore when the best option's probability reaches this
    floor: float  # options the decoder gives less posterior than this are not considered
    origin: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "DecisionModel":
        weights, mean, scale = logistic.vectors(data, ("weights", "mean", "scale"), data["features"], FEATURES,
                                                "decision model")
        return cls(weights, float(data["bias"]), mean, scale, float(data["threshold"]), float(data["floor"]),
                   str(data.get("origin", "")))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
                "floor": self.floor, "origin": self.origin}

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        return logistic.probabilities(rows, self.mean, self.scale, self.weights, self.bias)


def default_model_path() -> Path:
    return Path(str(resources.files("zhrepair").joinpath("data").joinpath(DATA_FILE)))


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> DecisionModel:
    """The shipped decision model (or the one at *path*)."""
    with open(path or default_model_path(), encoding="utf-8") as f:
        return DecisionModel.from_dict(json.load(f))


def site_rows(ranked: list[SiteDecision], doc: DocumentModel, text: str, lm: LanguageModel, block_chars: int,
              lm_weight: float) -> tuple[list[list[float]], list[tuple[int, Option, float]]]:
    """Feature rows of every option of the *ranked* sites, and for each its (site index, option, posterior)."""
    rows: list[list[float]] = []
    keys: list[tuple[int, Option, float]] = []
    for i, d in enumerate(ranked):
        seen: set[str] = set()
        for option, posterior in d.ranked:
            if option is None or option.text in seen:  # the same original from several lexicons: its best
                continue
            seen.add(option.text)
            rows.append(option_features(d, option, posterior, doc, text, lm, block_chars, lm_weight))
            keys.append((i, option, posterior))
    return rows, keys


def decide(ranked: list[SiteDecision], doc: DocumentModel, text: str, lm: LanguageModel, block_chars: int,
           lm_weight: float, model: DecisionModel, *, min_confidence: float) -> list[SiteDecision]:
    """The changes to make among the decoder's *ranked* sites: per site the option the model
    finds most probable, when that probability reaches the model's threshold; overlapping
    changes resolved by their log odds; then the runs of touching changes that reach
    *min_confidence* throughout (:func:`~zhrepair.decoder.confident_runs`)."""
    if not ranked:
        return []
    rows, keys = site_rows(ranked, doc, text, lm, block_chars, lm_weight)
    probs = model.probabilities(rows).tolist() if rows else []
    per_site: dict[int, list[tuple[Option, float]]] = {}
    for (i, option, _), p in zip(keys, probs):
        per_site.setdefault(i, []).append((option, p))
    chosen: list[SiteDecision] = []
    bar = model.threshold
    for i, options in per_site.items():
        options.sort(key=lambda x: -x[1])
        option, p = options[0]
        if p < bar:
            continue
        keep = max(0.0, 1.0 - sum(q for _, q in options))
        runner = options[1][1] if len(options) > 1 else 0.0
        alternatives: list[tuple[Option | None, float]] = [(o, q) for o, q in options[1:]]
        alternatives.append((None, max(keep, 1.0 - p)))
        alternatives.sort(key=lambda x: -x[1])
        chosen.append(SiteDecision(ranked[i].site, option, p, [(option, p), *alternatives], 1.0 - p, runner))
    chosen.sort(key=lambda d: d.site.start)
    return confident_runs(resolve_overlaps(chosen), min_confidence)
