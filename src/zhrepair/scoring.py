"""Stage 3 — score restorations: the language model's verdict on each option of each site.

The clause holding a site is segmented once with the model's vocabulary. For an option,
the words covering the site are re-segmented with the option in place, and the model
scores ``window`` words of left context + those words + ``window`` words of right
context. ``Option.delta`` is that log10 probability minus the same for the spun text;
with a trigram model and window 2 this equals the whole-clause difference.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from .candidates import Site
from .languagemodel import LanguageModel
from .normalise import Clause
from .results import EditKind
from .segment import Segmenter


class SegmentedClause:
    """A clause with its words and their offsets in the working text."""

    __slots__ = ("clause", "words", "starts", "ends")

    def __init__(self, clause: Clause, words: tuple[str, ...]) -> None:
        self.clause = clause
        self.words = words
        starts, pos = [], clause.start
        for w in words:
            starts.append(pos)
            pos += len(w)
        self.starts = starts
        self.ends = starts[1:] + [pos]

    def tokens(self) -> list[tuple[int, int, str]]:
        return list(zip(self.starts, self.ends, self.words))


class SiteScorer:
    def __init__(self, lm: LanguageModel, segmenter: Segmenter, window: int = 2) -> None:
        self.lm = lm
        self.segmenter = segmenter
        self.window = window
        self._score = lru_cache(maxsize=500_000)(self._score_uncached)

    def segment(self, clauses: list[Clause]) -> list[SegmentedClause]:
        return [SegmentedClause(c, self.segmenter.cut(c.text)) for c in clauses]

    def _score_uncached(self, left: tuple[str, ...], chunk: str, right: tuple[str, ...], bos: bool, eos: bool) -> float:
        words = left + (self.segmenter.cut(chunk) if chunk else ()) + right
        if not words:
            return 0.0
        return self.lm.score(words, bos=bos, eos=eos)

    def score_site(self, sc: SegmentedClause, site: Site) -> None:
        """Fill ``delta`` of each option of *site*, which lies inside clause *sc*."""
        i = bisect.bisect_right(sc.starts, site.start) - 1
        j = bisect.bisect_left(sc.ends, site.end)
        i, j = max(i, 0), min(j, len(sc.words) - 1)
        cstart, cend = sc.starts[i], sc.ends[j]
        text = sc.clause.text
        off = sc.clause.start
        lo, hi = max(0, i - self.window), min(len(sc.words), j + 1 + self.window)
        left, right = sc.words[lo:i], sc.words[j + 1 : hi]
        bos, eos = lo == 0, hi == len(sc.words)
        prefix = text[cstart - off : site.start - off]
        suffix = text[site.end - off : cend - off]
        base = self._score(left, prefix + site.spun + suffix, right, bos, eos)
        for option in site.options:
            option.delta = self._score(left, prefix + option.text + suffix, right, bos, eos) - base
            if option.kind is EditKind.DELETION:
                # a shorter text always scores higher: compare with the word's own unigram
                # cost, so only a word that fits its context worse than chance goes
                option.delta += sum(self.lm.logprob(w) for w in self.segmenter.cut(site.spun))
