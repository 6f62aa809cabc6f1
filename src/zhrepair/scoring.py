"""Stage 3 — score restorations: the language model's verdict on each option of each site.

For an option, the text ``left + option + right`` — ``window`` characters of context on
each side, cut at the clause's edges — is segmented with the model's vocabulary and
scored; ``Option.delta`` is that log10 probability minus the same for the spun text.
Context windows can come from a partly restored text (:class:`Context`), so a site
surrounded by spun words is judged again once its neighbours are restored.

A second judge sees both sides of a site at once: :meth:`SiteScorer.second_opinion` sets
``Option.opinion``, the CBOW vectors' (:mod:`.cbow`) log10 gain of the option over the spun
form from the words around it, weighted by ``Tuning.cbow_weight``; the decoder adds it to
``delta`` where it decides between originals and keeping (not for the document's verdict).
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from .languagemodel import LanguageModel
from .normalise import Clause
from .results import EditKind
from .segment import Segmenter
from .sites import Option, Site

if TYPE_CHECKING:
    from .cbow import Cbow


class Context:
    """The working text with some replacements applied, addressed in original offsets.

    *replacements* are sorted, non-overlapping ``(start, end, text)``; a replacement that
    overlaps the span being scored is ignored (that span is the one being decided).
    """

    def __init__(self, text: str, replacements: Sequence[tuple[int, int, str]] = ()) -> None:
        self.text = text
        self.replacements = sorted(replacements)
        self.starts = [r[0] for r in self.replacements]
        self.ends = [r[1] for r in self.replacements]
        # the text with every replacement applied, and the shift of an offset past the first k
        parts: list[str] = []
        shift, at = [0], 0
        for s, e, rep in self.replacements:
            parts += (text[at:s], rep)
            shift.append(shift[-1] + len(rep) - (e - s))
            at = e
        parts.append(text[at:])
        self._applied = "".join(parts)
        self._shift = shift

    def _applied_offset(self, pos: int) -> int:
        """*pos* in the applied text; -1 when a replacement holds it strictly inside."""
        k = bisect.bisect_right(self.ends, pos)  # replacements ending at or before pos
        if k < len(self.starts) and self.starts[k] < pos:
            return -1
        return pos + self._shift[k]

    def left(self, pos: int, floor: int, n: int) -> str:
        """Up to *n* characters ending at *pos*, not before *floor*."""
        if not self.replacements:
            return self.text[max(floor, pos - n) : pos]
        a, b = self._applied_offset(floor), self._applied_offset(pos)
        if a >= 0 and b >= 0:  # no replacement cut: a slice of the applied text
            return self._applied[max(a, b - n) : b]
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
        a, b = self._applied_offset(pos), self._applied_offset(ceiling)
        if a >= 0 and b >= 0:
            return self._applied[a : min(b, a + n)]
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


#: Window scores kept per (bos, eos) pair (about 0.4 kB each; most windows are inside a
#: clause, so one table holds most of them: a bound of ~40 MB on a long-running worker).
#: A full table is emptied, not trimmed. Larger caches bought no measurable speed over 900
#: TUNE articles (most repeats are within one document).
SCORE_CACHE = 25_000


class SiteScorer:
    """Language-model scores of sites' options (segmentations and scores are cached)."""

    def __init__(self, lm: LanguageModel, segmenter: Segmenter, unigram_discount: float) -> None:
        self.lm = lm
        self.segmenter = segmenter
        self.unigram_discount = unigram_discount
        # window text -> log10 probability, one table per (bos, eos): index bos + 2 * eos
        self._tables: tuple[dict[str, float], ...] = ({}, {}, {}, {})
        self._shifts: dict[tuple[str, str], float] = {}
        # per spun form and options' texts, the CBOW rows of the form and its known originals (second_opinion)
        self._cbow_forms: dict[tuple[str, ...], tuple[int, tuple[str, ...], tuple[int, ...]] | None] = {}

    @property
    def cache_size(self) -> int:
        """Window scores held now (at most ``SCORE_CACHE`` per table, plus one site's windows)."""
        return sum(map(len, self._tables))

    def _score(self, text: str, bos: bool, eos: bool) -> float:
        """One window: segmented, then scored (cached)."""
        table = self._tables[bos + 2 * eos]
        value = table.get(text)
        if value is None:
            if len(table) >= SCORE_CACHE:
                table.clear()
            value = table[text] = self.lm.score_joined(self.segmenter.joined(text), bos, eos) if text else 0.0
        return value

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
        self.score_sites([(clause, site)], context, window)

    def score_sites(self, placed: Iterable[tuple[Clause, Site]], context: Context, window: int) -> None:
        """:meth:`score_site` of each ``(clause, site)`` (one loop: the hot one of a repair,
        with no call per site or per cached window)."""
        w = window
        tables, shifts = self._tables, self._shifts
        joined, score_joined = self.segmenter.joined, self.lm.score_joined
        deletion = EditKind.DELETION
        text, applied = context.text, bool(context.replacements)
        for clause, site in placed:
            if applied:
                left = context.left(site.start, clause.start, w + 1)
                right = context.right(site.end, clause.end, w + 1)
            else:  # the plain text (first pass)
                left = text[max(clause.start, site.start - w - 1) : site.start]
                right = text[site.end : min(clause.end, site.end + w + 1)]
            bos, eos = len(left) <= w, len(right) <= w  # the window reaches the clause's edge
            left, right = left[-w:], right[:w]
            table = tables[bos + 2 * eos]
            if len(table) >= SCORE_CACHE:
                table.clear()
            get = table.get
            spun = site.spun
            window_text = left + spun + right
            base = get(window_text)
            if base is None:
                base = table[window_text] = score_joined(joined(window_text), bos, eos)
            gains: dict[str, float] = {}  # several dictionaries often propose the same original
            for option in site.options:
                option_text = option.text
                gain = gains.get(option_text)
                if gain is None:
                    window_text = left + option_text + right
                    value = get(window_text)
                    if value is None:
                        value = table[window_text] = score_joined(joined(window_text), bos, eos) if window_text else 0.0
                    gain = gains[option_text] = value - base
                shift = shifts.get((spun, option_text))
                if shift is None:
                    shift = self._prior_shift(spun, option)
                option.delta = gain - shift
                if option.kind is deletion:
                    option.delta += self._kept_word_cost(spun)

    def second_opinion(self, cbow: "Cbow", text: str, placed: Sequence[tuple[Clause, Site]], weight: float,
                       reach: float) -> None:
        """Set ``opinion`` of each word-swap option: *weight* times the CBOW judge's log10 gain
        of the option's text over the spun form's in the slot, from the ``cbow.window`` words
        on each side (cut from the text around the site, inside its clause). Options or spun
        forms the vectors do not know and sites with no known word around get none; nor do
        sites the language model has settled beyond *reach* (their ``delta``: scored first):
        every option below ``-reach``, or one original above ``+reach``."""
        index, cut = cbow.index, self.segmenter.cut
        span = 4 * cbow.window  # characters each side: enough for its words
        swap = EditKind.WORD_SWAP
        forms = self._cbow_forms
        ctx_ids: list[int] = []
        ctx_ends: list[int] = []
        judged: list[tuple[Site, tuple[str, ...], int]] = []  # site, its known option texts, their first row
        row_word: list[int] = []
        row_spun: list[int] = []
        key: tuple[str, ...]
        for clause, site in placed:
            options = site.options
            if len(options) == 1:
                only = options[0]
                if not -reach <= only.delta <= reach:
                    continue
                key = (site.spun, only.text) if only.kind is swap else (site.spun,)
            elif max(o.delta for o in options) < -reach:
                continue
            else:
                key = (site.spun, *[o.text for o in options if o.kind is swap])
            if key in forms:
                form = forms[key]
            else:
                if len(forms) >= FORM_CACHE:
                    forms.clear()
                form = forms[key] = _cbow_form(index, key)
            if form is None:
                continue
            s, e = site.start, site.end
            ctx = cbow.context_ids(cut(text[max(clause.start, s - span):s]), cut(text[e:min(clause.end, e + span)]))
            if not ctx:
                continue
            ctx_ids += ctx
            ctx_ends.append(len(ctx_ids))
            spun_id, texts, ids = form
            judged.append((site, texts, len(row_word)))
            row_word += ids
            row_spun += [spun_id] * len(ids)
        if not judged:
            return
        ends = np.array(ctx_ends)
        starts = np.concatenate(([0], ends[:-1]))
        hidden = np.add.reduceat(cbow.input_rows(ctx_ids), starts, axis=0) / (ends - starts)[:, None]
        per_site = np.diff(np.append([t[2] for t in judged], len(row_word)))
        difference = cbow.output_rows(row_word) - cbow.output_rows(row_spun)
        gains = np.einsum("ij,ij->i", difference, np.repeat(hidden, per_site, axis=0))
        gains *= weight / math.log(10.0)
        values = gains.tolist()
        for site, texts, first in judged:
            by_text = dict(zip(texts, values[first:first + len(texts)]))
            for o in site.options:
                if o.kind is swap:
                    o.opinion = by_text.get(o.text, 0.0)

    def _kept_word_cost(self, word: str) -> float:
        """A deletion's correction: a shorter text always scores higher, so compare with the
        word's own unigram cost; only a word that fits its context worse than chance goes."""
        return sum(self.lm.logprob(x) for x in self.segmenter.cut(word))


#: spun forms (with their options' texts) whose CBOW rows a scorer keeps (a full table is emptied)
FORM_CACHE = 50_000


def _cbow_form(index: dict[str, int], key: tuple[str, ...]) -> tuple[int, tuple[str, ...], tuple[int, ...]] | None:
    """For *key* (a spun form, then its word-swap options' texts): the form's row and its
    distinct known originals' texts and rows; None when the form or all of them are unknown
    to the vectors."""
    spun_id = index.get(key[0])
    if spun_id is None:
        return None
    known = {t: i for t in key[1:] if (i := index.get(t)) is not None}
    return (spun_id, tuple(known), tuple(known.values())) if known else None
