"""Stage 2 — candidate sites: where the text may have been spun, and into what.

* lexicon sites: an Aho-Corasick scan (pyahocorasick) for every spun form of the lexicon;
* char-swap sites: a span holding a character that spinners swap in (闭, 筑, ...) that
  becomes a much more frequent word when the swap is undone (党筑 → 党建);
* deletion sites: a keyword stuffed before punctuation again and again (创新， → ，).

Sites may overlap; the decoder picks a consistent set. The scan also counts
*opportunities*: whole-word occurrences of original forms the spinner left alone, which
is evidence against spinning.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from typing import Mapping

import ahocorasick

from .jiebadict import dictionary_words
from .languagemodel import LanguageModel
from .lexicon import Lexicon, Membership
from .normalise import Clause
from .results import EditKind
from .sites import THESAURUS_SOURCE, Option, Scan, Site
from .tuning import Tuning

PUNCTUATION_AFTER_STUFFING = frozenset("，。；！？、,.;!?")
_OptionFields = tuple[str, float, str, EditKind, str, float, float, int]
_Form = tuple[list[_OptionFields], frozenset[str], bool]  # options, keep sources, strong


def _latin(ch: str) -> bool:
    """An ASCII letter or digit."""
    return ch.isascii() and ch.isalnum()


def _inside_latin_word(text: str, s: int, e: int) -> bool:
    """``text[s:e]`` continues a Latin word or number on either side (mm in "command")."""
    return (s > 0 and _latin(text[s]) and _latin(text[s - 1])) or (e < len(text) and _latin(text[e - 1]) and _latin(text[e]))


class CandidateFinder:
    """Finds candidate sites of one lexicon (plus char-swap rules) in a working-view text.

    The lexicon is read when a text first holds one of its spun forms, so it must not change
    once the finder is built (a :class:`~zhrepair.Repairer`'s lexicons are fixed when it is made)."""

    def __init__(self, lexicon: Lexicon, char_swaps: Lexicon, lm: LanguageModel, tuning: Tuning,
                 single_chars: bool = True, membership: Membership | None = None) -> None:
        self.lm = lm
        self.char_gain = tuning.char_gain
        self.common_logprob = tuning.common_logprob
        rare_logprob = tuning.rare_logprob
        # forward view: for each source, original -> total weight of its spun forms
        totals: dict[tuple[str, str], float] = defaultdict(float)
        self.original_sources: dict[str, set[str]] = defaultdict(set)
        sources = self.original_sources
        for _, original, weight, source in lexicon:
            totals[(source, original)] += weight
            if original and source != THESAURUS_SOURCE:  # a thesaurus says nothing of what spinners replace
                sources[original].add(source)
        self._totals = totals
        self._lexicon = lexicon
        self._mask_of = membership.mask_of if membership is not None else None
        self.spun_forms = frozenset(s for s in lexicon.spun_forms() if single_chars or len(s) > 1)
        # spun forms clean text (almost) never has while an original is common; the model
        # lacks many idioms (仗义执言), so jieba's dictionary has a say (asked once, here)
        logprob = lm.logprob
        rare = {k for k in self.spun_forms if logprob(k) <= rare_logprob}
        rare = {k for k in rare if any(logprob(e.original) > rare_logprob for e in lexicon.originals(k) if e.original)}
        self._rare = frozenset(rare - dictionary_words(rare))
        # per spun form, what a site of it copies, worked out the first time the form is met
        # (a big lexicon's forms mostly never are): see _form
        self._forms: dict[str, _Form] = {}
        self.whitelist = frozenset(lexicon.whitelist)  # never edited, nor anything overlapping them
        self._automaton = ahocorasick.Automaton()
        keys = self.spun_forms | set(self.original_sources) | self.whitelist
        # forms that begin or end with a Latin letter or digit match only as whole Latin
        # words (a lexicon's mm ← 妹妹 is no site in "command")
        self._latin_edged = frozenset(k for k in keys if _latin(k[0]) or _latin(k[-1]))
        for key in keys:
            self._automaton.add_word(key, key)
        if keys:
            self._automaton.make_automaton()
        self._has_keys = bool(keys)
        self.char_rules: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for e in char_swaps:
            if len(e.spun) == 1 and len(e.original) == 1:
                self.char_rules[e.spun].append((e.original, e.source))
        # the characters spinners swap in, found with one regular-expression pass per clause
        self._swapped_in = re.compile("[" + "".join(map(re.escape, sorted(self.char_rules))) + "]" if self.char_rules else "(?!)")

    def scan(self, text: str, clauses: list[Clause], start: int = 0, end: int | None = None,
             char_swaps: bool = True) -> Scan:
        """Sites and opportunities in ``text[start:end]`` (offsets stay those of *text*);
        *clauses* are the clauses of that block. *char_swaps*: also char-swap sites."""
        sites: list[Site] = []
        standing: Counter = Counter()
        protected: list[tuple[int, int]] = []
        if self._has_keys:
            latin_edged = self._latin_edged
            for end_idx, key in self._automaton.iter(text, start, len(text) if end is None else end):
                s, e = end_idx - len(key) + 1, end_idx + 1
                if key in latin_edged and _inside_latin_word(text, s, e):
                    continue
                if key in self.whitelist:
                    protected.append((s, e))
                form = self._form(key)
                if form is not None:
                    options, keep, strong = form
                    sites.append(Site(s, e, key, [Option(*t) for t in options], keep, strong))
                elif self._standalone(text, s, e):
                    for src in self.original_sources[key]:
                        standing[(src, key)] += 1
        opportunities: Counter = Counter()
        for (src, _), n in standing.items():
            opportunities[src] += n
        if char_swaps and self.char_rules:
            joined = "\n".join(c.text for c in clauses)
            for ch, rules in self.char_rules.items():
                for orig_ch, source in rules:
                    n = joined.count(orig_ch)
                    if n:
                        opportunities[(source, f"{orig_ch}→{ch}")] += n
            by_span = {(site.start, site.end): site for site in sites}
            for cs in self._char_swap_sites(text, clauses):
                same = by_span.get((cs.start, cs.end))
                if same is None:  # a spun form the lexicon knows is explained by the lexicon
                    sites.append(cs)
        sites.sort(key=lambda s: (s.start, s.end))
        return Scan(sites, opportunities, standing, sorted(protected))

    def _form(self, spun: str) -> _Form | None:
        """What a site of the spun form *spun* copies (None for no spun form): its options as
        :class:`Option` field templates (text, choice, source, kind, rule, delta, opinion,
        dictionaries), the sources that would have spun the form itself, and whether the form
        is strong (rare in clean text)."""
        form = self._forms.get(spun)
        if form is None and spun in self.spun_forms:
            totals, mask_of = self._totals, self._mask_of
            entries = self._lexicon.originals(spun)
            options = [
                (e.original, e.weight / totals[(e.source, e.original)], e.source,
                 EditKind.WORD_SWAP if e.original else EditKind.DELETION, "", 0.0, 0.0,
                 mask_of(spun, e.original, e.source) if mask_of else 0)
                for e in entries
            ]
            keep = frozenset(self.original_sources.get(spun, ()))
            form = self._forms[spun] = (options, keep, spun in self._rare)
        return form

    def _options_of(self, spun: str) -> list[_OptionFields]:
        """The option templates of the spun form *spun* (empty for no spun form)."""
        form = self._form(spun)
        return form[0] if form is not None else []

    def _standalone(self, text: str, s: int, e: int) -> bool:
        """No longer vocabulary word covers ``text[s:e]`` (发展 in 发展中国家 is not a word of its own)."""
        vocab = self.lm.unigram
        for a, b in ((s - 1, e), (s, e + 1), (s - 1, e + 1), (s - 2, e), (s, e + 2)):
            if a >= 0 and b <= len(text) and text[a:b] in vocab:
                return False
        return True

    def _char_swap_sites(self, text: str, clauses: list[Clause]) -> list[Site]:
        """Char-swap sites: words of two to four characters of a clause holding a character
        spinners swap in, whose restored form is a common word that gains enough."""
        if not clauses:
            return []
        lm, unigram = self.lm, self.lm.unigram
        found: dict[tuple[int, int], Site] = {}
        starts = [c.start for c in clauses]
        for m in self._swapped_in.finditer(text, clauses[0].start, clauses[-1].end):  # one pass over the block
            clause = clauses[bisect.bisect_right(starts, m.start()) - 1]
            ctext = clause.text
            n, p, ch = len(ctext), m.start() - clause.start, m.group()
            if p >= n:
                continue  # between clauses
            for orig_ch, source in self.char_rules[ch]:
                for length in (2, 3, 4):
                    for a in range(max(0, p - length + 1), min(p, n - length) + 1):
                        restored = ctext[a:p] + orig_ch + ctext[p + 1 : a + length]
                        lp = unigram.get(restored)
                        if lp is None:
                            continue
                        word = ctext[a : a + length]
                        if lp - lm.logprob(word) < self.char_gain or lp < self.common_logprob:
                            continue
                        start = clause.start + a
                        key = (start, start + length)
                        site = found.get(key)
                        if site is None:
                            site = found[key] = Site(start, start + length, word, [], frozenset(),
                                                     strong=word not in lm.unigram)
                        if all(o.text != restored for o in site.options):
                            site.options.append(Option(restored, 1.0, source, EditKind.CHAR_SWAP, f"{orig_ch}→{ch}"))
                        # a char swap on top of a word swap (鼓励 → 鼓舞 → 胀舞)
                        for text_, choice, source_, _, _, _, _, mask in self._options_of(restored):
                            if text_ and all(x.text != text_ for x in site.options):
                                site.options.append(Option(text_, choice, source_, EditKind.CHAR_SWAP,
                                                           dictionaries=mask))
        return list(found.values())


def drop_protected(sites: list[Site], protected: list[tuple[int, int]]) -> list[Site]:
    """*sites* without those overlapping a whitelisted word's occurrence (sorted *protected* spans)."""
    if not protected:
        return sites
    starts = [a for a, _ in protected]
    furthest = []  # furthest end among protected spans starting at or before each one
    top = -1
    for _, b in protected:
        top = max(top, b)
        furthest.append(top)

    def overlaps(site: Site) -> bool:
        k = bisect.bisect_left(starts, site.end) - 1  # the last span starting before the site ends
        return k >= 0 and furthest[k] > site.start

    return [site for site in sites if not overlaps(site)]


def stuffing_sites(text: str, clauses: list[Clause], keywords: frozenset[str],
                   original_sources: Mapping[str, set[str]], spun_forms: frozenset[str], min_repeats: int) -> list[Site]:
    """Deletion sites: a keyword at the end of a clause, right before punctuation.

    Keywords are the user's *keywords* (any count), and original forms of the lexicon
    (keys of *original_sources*; not *spun_forms*, which the lexicon explains) that end a
    clause before punctuation at least *min_repeats* times and in at least half of their
    occurrences: a spinner would have replaced them, so finding them intact in
    spun text hints they were added afterwards. Such a site's "keep" hypothesis pays for
    the spinner having passed the word by (``keep_sources``).
    """
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for clause in clauses:
        if clause.end >= len(text) or text[clause.end] not in PUNCTUATION_AFTER_STUFFING:
            continue
        for length in (4, 3, 2):
            word = clause.text[-length:]
            if len(clause.text) >= length and (word in keywords or word in original_sources and word not in spun_forms):
                found[word].append((clause.end - length, clause.end))
                break
    sites = []
    lo, hi = (clauses[0].start, clauses[-1].end) if clauses else (0, 0)
    for word, spans in found.items():
        # a stuffed keyword stands before punctuation again and again (in this block), and mostly there
        if word in keywords or len(spans) >= min_repeats and len(spans) * 2 >= text.count(word, lo, hi):
            for start, end in spans:
                option = Option("", 1.0, f"stuffing:{word}", EditKind.DELETION)
                sites.append(Site(start, end, word, [option], frozenset(original_sources.get(word, ()))))
    return sites
