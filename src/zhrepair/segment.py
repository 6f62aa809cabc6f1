"""Word segmentation with the language model's own vocabulary (the only place jieba is used).

jieba's default dictionary disagrees with the model's vocabulary (11% out-of-vocabulary
tokens, measured); a jieba ``Tokenizer`` whose dictionary is the model vocabulary weighted
by unigram probability gives tokens the model knows. jieba's logger and its temp-file
cache are kept out of the way.
"""

from __future__ import annotations

import functools
import logging
from typing import Mapping

import jieba

jieba.setLogLevel(logging.WARNING)


class Segmenter:
    """Max-probability segmentation over a vocabulary ``{word: log10 probability}``."""

    def __init__(self, vocabulary: Mapping[str, float]) -> None:
        tk = jieba.Tokenizer()
        freq: dict[str, int] = {}
        total = 0
        for word, lp in vocabulary.items():
            f = int(10.0 ** (lp + 8.0)) + 1
            freq[word] = f
            total += f
        for word in list(freq):
            for k in range(1, len(word)):
                freq.setdefault(word[:k], 0)
        tk.FREQ, tk.total, tk.initialized = freq, total, True
        self._tokenizer = tk
        self.cut = functools.lru_cache(maxsize=200_000)(self._cut)

    def _cut(self, text: str) -> tuple[str, ...]:
        return tuple(self._tokenizer.cut(text, HMM=False))
