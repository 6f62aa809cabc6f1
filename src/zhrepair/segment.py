"""Word segmentation with the language model's own vocabulary.

Max-probability segmentation (the same dynamic programme as jieba's exact mode without
its HMM) over the model's vocabulary and unigram log10 probabilities, so every token is
one the model knows (jieba's default dictionary leaves 11% of them unknown, measured).
Written out here rather than through ``jieba.Tokenizer``: zhrepair segments thousands of
ten-character windows per document, where this is about five times faster than jieba's
generator-based ``cut``, and it needs no temp-file cache. The same programme is compiled
from ``_segment.c`` when the package is built with a C compiler, over its own hash table
of the words and their prefixes (0.8 µs for a ten-character window against 2.2 µs with
Python string lookups from C, measured; ``COMPILED`` says which one runs, and a test checks
that both agree).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping

_native_table: Callable[[dict], Any] | None = None
_native_cut: Callable[[Any, float, str], tuple[str, ...]] | None = None
_native_joined: Callable[[Any, float, str], str] | None = None
try:  # the same dynamic programme in C, built by setup.py when a compiler is there
    from ._segment import Table as _compiled_table
    from ._segment import cut as _compiled_cut
    from ._segment import cut_joined as _compiled_joined

    _native_table, _native_cut, _native_joined = _compiled_table, _compiled_cut, _compiled_joined
except ImportError:  # pragma: no cover - a build without the extension
    pass

COMPILED = _native_cut is not None  # whether cut() runs the C dynamic programme


#: Segmentations kept by :meth:`Segmenter.cut` (a bound on a long-running worker's memory).
CUT_CACHE = 20_000


class Segmenter:
    """``cut(text)`` → the most probable word sequence, as a tuple (results are cached)."""

    def __init__(self, vocabulary: Mapping[str, float], unknown_logprob: float) -> None:
        self._vocabulary = vocabulary
        self._unknown = unknown_logprob
        self._missing: float = float('inf')  # a sentinel no log probability equals
        self.cut = functools.lru_cache(maxsize=CUT_CACHE)(self._cut)
        # the C version's table (words and their prefixes, compiled); the Python one builds its own
        self._compiled = None if _native_table is None else _native_table(
            vocabulary if isinstance(vocabulary, dict) else dict(vocabulary))
        if _native_joined is not None:  # the C version, without a Python frame in between
            self.joined = functools.partial(_native_joined, self._compiled, unknown_logprob)  # type: ignore[method-assign]

    @functools.cached_property
    def _table(self) -> dict[str, float | None]:
        """Every word and every prefix of a word; prefixes that are not words map to None
        (the Python programme's table; built on its first use)."""
        vocabulary = self._vocabulary
        table: dict[str, float | None] = dict.fromkeys(w[:k] for w in vocabulary if len(w) > 1 for k in range(1, len(w)))
        table.update(vocabulary)
        return table

    def joined(self, text: str) -> str:
        """The words of *text*, separated by single spaces (what KenLM reads); not cached."""
        return " ".join(self.cut_python(text))

    def _cut(self, text: str) -> tuple[str, ...]:
        if _native_cut is not None:
            return _native_cut(self._compiled, self._unknown, text)
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

