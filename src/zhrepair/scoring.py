"""Stage 3 — score restorations: the language model's verdict on each option of each site.

For an option, the text ``left + option + right`` — ``window`` characters of context on
each side, cut at the clause's edges — is segmented with the model's vocabulary and
scored; ``Option.delta`` is that log10 probability minus the same for the spun text.
Context windows can come from a partly restored text (:class:`Context`), so a site
surrounded by spun words is judged again once its neighbours are restored.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Sequence

from .languagemodel import LanguageModel
from .normalise import Clause
from .results import EditKind
from .segment import Segmenter
from .sites import Option, Site


class Context:
    """The working text with some replacements applied, addressed in original offsets.

    *replacements* are sorted, non-overlapping ``(start, end, text)``; a replacement that
    overlaps the span being scored is ignored (that span is the one being decided).
    """

    def __init__(self, text: str, replacements: Sequence[tuple[int, int, str]] = ()) -> None:
        self.text = text
        self.replacements = sorted(replacements)
        self.starts = [r[0] for r in self.replacements]

    def left(self, pos: int, floor: int, n: int) -> str:
        """Up to *n* characters ending at *pos*, not before *floor*."""
        if not self.replacements:
            return self.text[max(floor, pos - n) : pos]
        parts: list[str] = []
        size = 0
        k = bisect.bisect_left(self.starts, pos) - 1
        while size < n and pos > floor:
            while k >= 0 and self.replacements[k][1] > pos:
                k -= 1  # overlaps the span being scored
            if k >= 0 and self.replacements[k][1] > floor:
                s, e, rep = self.replacements[k]
                if e < pos:
                    lo = max(e, pos - (n - size))
                else:
                    parts.append(rep)
                    size += len(rep)
                    pos = max(s, floor)
                    k -= 1
                    continue
            else:
                lo = max(floor, pos - (n - size))
            parts.append(self.text[lo:pos])
            size += pos - lo
            pos = lo
        return "".join(reversed(parts))[-n:]

    def right(self, pos: int, ceiling: int, n: int) -> str:
        """Up to *n* characters starting at *pos*, not past *ceiling*."""
        if not self.replacements:
            return self.text[pos : min(ceiling, pos + n)]
        parts: list[str] = []
        size = 0
        k = bisect.bisect_left(self.starts, pos)
        while size < n and pos < ceiling:
            if k < len(self.replacements) and self.replacements[k][0] < ceiling:
                s, e, rep = self.replacements[k]
                if s > pos:
                    hi = min(s, pos + n - size)
                else:
                    parts.append(rep)
                    size += len(rep)
                    pos = min(e, ceiling)
                    k += 1
                    continue
            else:
                hi = min(ceiling, pos + n - size)
            parts.append(self.text[pos:hi])
            size += hi - pos
            pos = hi
        return "".join(parts)[:n]


#: Window scores kept (about 0.4 kB each: a bound of ~20 MB on a long-running worker).
#: Larger caches bought no measurable speed over 900 TUNE articles (most repeats are
#: within one document) while holding ~100 MB more after a few thousand documents.
SCORE_CACHE = 50_000


class SiteScorer:
    """Language-model scores of sites' options (segmentations and scores are cached)."""

    def __init__(self, lm: LanguageModel, segmenter: Segmenter, unigram_discount: float) -> None:
        self.lm = lm
        self.segmenter = segmenter
        self.unigram_discount = unigram_discount
        joined, score_joined = segmenter.joined, lm.score_joined

        def score(text: str, bos: bool, eos: bool) -> float:  # one window: segment, then score
            return score_joined(joined(text), bos, eos) if text else 0.0

        self._score = lru_cache(maxsize=SCORE_CACHE)(score)
        self._shifts: dict[tuple[str, str], float] = {}

    def _prior_shift(self, spun: str, option: Option) -> float:
        """What the words' own frequencies take out of an option's gain: the decoder's
        per-document rates already say how often a form is spun, so part of the unigram
        log ratio is not counted twice (fixed per spun form and original)."""
        if not option.text or option.kind is EditKind.DELETION:
            return 0.0
        key = (spun, option.text)
        shift = self._shifts.get(key)
        if shift is None:
            score = self._score
            own = score(option.text, False, False) - score(spun, False, False)
            shift = self._shifts[key] = self.unigram_discount * own
        return shift

    def score_site(self, clause: Clause, site: Site, context: Context, window: int) -> None:
        """Fill ``delta`` of each option of *site*, which lies inside *clause*, from *window*
        characters of context on each side."""
        w = window
        if context.replacements:
            left = context.left(site.start, clause.start, w + 1)
            right = context.right(site.end, clause.end, w + 1)
        else:  # the plain text (first pass)
            text = context.text
            left = text[max(clause.start, site.start - w - 1) : site.start]
            right = text[site.end : min(clause.end, site.end + w + 1)]
        bos, eos = len(left) <= w, len(right) <= w  # the window reaches the clause's edge
        left, right = left[-w:], right[:w]
        score = self._score
        base = score(left + site.spun + right, bos, eos)
        options, spun, shift = site.options, site.spun, self._prior_shift
        if len(options) == 1:
            option = options[0]
            option.delta = score(left + option.text + right, bos, eos) - base - shift(spun, option)
            if option.kind is EditKind.DELETION:
                option.delta += self._kept_word_cost(spun)
            return
        gains: dict[str, float] = {}  # several dictionaries often propose the same original
        for option in options:
            gain = gains.get(option.text)
            if gain is None:
                gain = gains[option.text] = score(left + option.text + right, bos, eos) - base
            option.delta = gain - shift(spun, option)
            if option.kind is EditKind.DELETION:
                option.delta += self._kept_word_cost(spun)

    def _kept_word_cost(self, word: str) -> float:
        """A deletion's correction: a shorter text always scores higher, so compare with the
        word's own unigram cost; only a word that fits its context worse than chance goes."""
        return sum(self.lm.logprob(x) for x in self.segmenter.cut(word))
