"""The arithmetic of a logistic regression on standardised features, shared by the learned
models (:mod:`.decision`, :mod:`.channel`, :mod:`.induction`), whose weights ship as
numbers in JSON: ``logit = ((x - mean) / scale) · weights + bias``."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np


def logits(rows: Any, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """The logit of each feature row of *rows* (n × features)."""
    return ((np.asarray(rows, dtype=float) - mean) / scale) @ weights + bias


def probabilities(rows: Any, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """The probability of each feature row (the logit clipped to ±50 first)."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits(rows, mean, scale, weights, bias), -50.0, 50.0)))


def vectors(data: Mapping[str, Any], keys: Sequence[str], names: Sequence[str], expected: Sequence[str],
            what: str) -> list[np.ndarray]:
    """``data[key]`` for each of *keys* as a float vector of one finite number per feature;
    a ``scale`` of 0 or less becomes 1. :class:`ValueError` when the file's feature *names*
    are not *expected* or a vector is not so."""
    if tuple(names) != tuple(expected):
        raise ValueError(f"{what}: weights for features {tuple(names)}, this version computes {tuple(expected)}")
    out = []
    for key in keys:
        v = np.asarray(data[key], dtype=float)
        if v.shape != (len(expected),) or not np.isfinite(v).all():
            raise ValueError(f"{what}: {key!r} needs one finite number per feature")
        out.append(np.where(v > 0, v, 1.0) if key == "scale" else v)
    return out
