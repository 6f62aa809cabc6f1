"""Word segmentation with the language model's own vocabulary.

Max-probability segmentation (the same dynamic programme as jieba's exact mode without
its HMM) over the model's vocabulary and unigram log10 probabilities, so every token is
one the model knows (jieba's default dictionary leaves 11% of them unknown, measured).
Written out here rather than through ``jieba.Tokenizer``: zhrepair segments thousands of
ten-character windows per document, where this is about five times faster than jieba's
generator-based ``cut``, and it needs no temp-file cache. The same programme is compiled
from ``_segment.c`` when the package is built with a C compiler (eight times faster again;
``COMPILED`` says which one runs, and a test checks that both agree).
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping

_native_cut: Callable[[dict, float, str], tuple[str, ...]] | None = None
_native_joined: Callable[[dict, float, str], str] | None = None
try:  # the same dynamic programme in C, built by setup.py when a compiler is there
    from ._segment import cut as _compiled_cut
    from ._segment import cut_joined as _compiled_joined

    _native_cut, _native_joined = _compiled_cut, _compiled_joined
except ImportError:  # pragma: no cover - a build without the extension
    pass

COMPILED = _native_cut is not None  # whether cut() runs the C dynamic programme


#: Segmentations kept by :meth:`Segmenter.cut` (a bound on a long-running worker's memory).
CUT_CACHE = 20_000


class Segmenter:
    """``cut(text)`` → the most probable word sequence, as a tuple (results are cached)."""

    def __init__(self, vocabulary: Mapping[str, float], unknown_logprob: float) -> None:
        # every word and every prefix of a word; prefixes that are not words map to None
        table: dict[str, float | None] = dict.fromkeys(w[:k] for w in vocabulary if len(w) > 1 for k in range(1, len(w)))
        table.update(vocabulary)
        self._table = table
        self._unknown = unknown_logprob
        self._missing: float = float('inf')  # a sentinel no log probability equals
        self.cut = functools.lru_cache(maxsize=CUT_CACHE)(self._cut)
        if _native_joined is not None:  # the C version, without a Python frame in between
            self.joined = functools.partial(_native_joined, table, unknown_logprob)  # type: ignore[method-assign]

    def joined(self, text: str) -> str:
        """The words of *text*, separated by single spaces (what KenLM reads); not cached."""
        return " ".join(self.cut_python(text))

    def _cut(self, text: str) -> tuple[str, ...]:
        if _native_cut is not None:
            return _native_cut(self._table, self._unknown, text)
        return self.cut_python(text)

    def cut_python(self, text: str) -> tuple[str, ...]:
        """The dynamic programme in Python (what the C extension computes, and the fallback)."""
        n = len(text)
        table, unknown = self._table, self._unknown
        get = table.get
        missing = self._missing
        best = [0.0] * (n + 1)
        step = [1] * (n + 1)
        for i in range(n - 1, -1, -1):
            top, top_len = unknown + best[i + 1], 1  # an unknown single character
            found = False
            for j in range(i + 1, n + 1):
                lp = get(text[i:j], missing)
                if lp == missing:
                    break
                if lp is not None:
                    v = lp + best[j]
                    if not found or v > top:
                        top, top_len, found = v, j - i, True
            best[i], step[i] = top, top_len
        out = []
        i = 0
        while i < n:
            out.append(text[i : i + step[i]])
            i += step[i]
        return tuple(out)

