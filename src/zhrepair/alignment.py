"""Learn spinner pairs from originals and their spun copies (``zhrepair lexicon learn``).

Both texts are cut into units at line and sentence ends; the unit lists are aligned first
(``difflib``), so long inputs stay cheap, and only units that differ are aligned word by
word: both sides are cut by the same segmenter over jieba's dictionary
(:mod:`zhrepair.jiebadict`, through :class:`~zhrepair.segment.Segmenter`), so unchanged
stretches cut alike and anchor the alignment, and every changed block starts and ends on
the original's word boundaries (党建 → 党筑 gives the pair 党筑 ← 党建, not 筑 ← 建).
A block of several words (adjacent swaps: 发展创新 → 繁荣改进) is split into word pairs
when they map cleanly: every part is a pair seen on its own elsewhere in the input (or is
unchanged); else unchanged edge words are trimmed (配置管理 → 设置装备摆设管理 gives
设置装备摆设 ← 配置); else equal-length sides are cut at the same offsets. Otherwise the
block stays whole.

Words inserted where nothing changed are keyword stuffing and give nothing; the same
string at the edge of a changed block elsewhere is stripped there too. Deletions give
nothing; identical texts give nothing.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from . import jiebadict
from .lexicon import Lexicon, LexiconEntry
from .segment import Segmenter

__all__ = ["LearnedPairs", "learn_counts", "learn_pairs", "SOURCE"]

SOURCE = "learned"  # the source of every learned entry
_UNIT = re.compile(r"[^\n。！？；!?;]*(?:[。！？；!?;]+|\n|$)")  # a sentence or line with its end
_Pair = tuple[str, str]  # (spun, original)


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, float], float]:
    """jieba's words with their log10 probabilities, and the unknown word's."""
    freqs = jiebadict.frequencies()
    total = sum(freqs.values()) or 1
    return {w: math.log10(c / total) for w, c in freqs.items() if c > 0}, math.log10(1 / total) - 2.0


@functools.lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    vocab, unknown = _vocabulary()
    return Segmenter(vocab, unknown)


@functools.lru_cache(maxsize=20_000)
def _inner_cuts(word: str) -> tuple[int, ...]:
    """Offsets that split a word of three or more characters into shorter dictionary words
    (most probable split; 深入开展 → (2,)); empty when it has none."""
    n = len(word)
    if n < 3:
        return ()
    vocab, _ = _vocabulary()
    best: list[float] = [0.0] + [-math.inf] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - n + 1), j):
            lp = vocab.get(word[i:j])
            if lp is not None and j - i < n and best[i] + lp > best[j]:
                best[j], back[j] = best[i] + lp, i
    if best[n] == -math.inf:
        return ()
    cuts, j = [], n
    while j > 0:
        j = back[j]
        if j:
            cuts.append(j)
    return tuple(sorted(cuts))


def _units(text: str) -> list[str]:
    return [u for u in _UNIT.findall(text) if u]


def _aligned_units(original: str, spun: str) -> Iterator[tuple[str, str]]:
    """The (original, spun) units that differ, paired: whole units matched first, then a
    block of differing units pairwise when the counts agree, else joined."""
    if original == spun:
        return
    ou, su = _units(original), _units(spun)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ou, su, autojunk=False).get_opcodes():
        if tag == "equal" or i1 == i2 or j1 == j2:
            continue  # whole sentences inserted or deleted: no pairs
        if i2 - i1 == j2 - j1:
            yield from zip(ou[i1:i2], su[j1:j2])
        else:
            yield "".join(ou[i1:i2]), "".join(su[j1:j2])


@dataclass
class _Block:
    """A changed stretch: original words ``words`` became ``spun`` (stuffing not yet removed)."""

    words: tuple[str, ...]
    spun: str


def _blocks(original: str, spun: str) -> tuple[list[_Block], list[str]]:
    """Align the two texts' words (both cut by the same segmenter, so unchanged stretches cut
    alike and anchor the alignment): the changed blocks, and the pure insertions."""
    cut = _segmenter().cut
    ow, sw = cut(original), cut(spun)
    blocks, inserted = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ow, sw, autojunk=False).get_opcodes():
        if tag == "insert":
            inserted.append("".join(sw[j1:j2]))
        elif tag == "replace":
            words, s = list(ow[i1:i2]), "".join(sw[j1:j2])
            while len(words) > 1 and s.startswith(words[0]) and len(s) > len(words[0]):  # cut alike after all
                s = s[len(words.pop(0)):]
            while len(words) > 1 and s.endswith(words[-1]) and len(s) > len(words[-1]):
                s = s[: len(s) - len(words.pop())]
            blocks.append(_Block(tuple(words), s))
    return blocks, inserted


def _unstuffed(block: _Block, stuffing: set[str]) -> str:
    """The block's spun text without a known stuffing string at either end."""
    s, o = block.spun, "".join(block.words)
    for x in stuffing:
        if s.endswith(x) and not o.endswith(x) and len(s) > len(x):
            s = s[: -len(x)]
        if s.startswith(x) and not o.startswith(x) and len(s) > len(x):
            s = s[len(x):]
    return s


def _split(o: str, s: str, points: Sequence[int], alone: Counter[_Pair]) -> list[_Pair] | None:
    """*o*'s parts at *points* (offsets inside *o*) paired with parts of *s*: each part a
    pair seen alone (or unchanged), else equal lengths cut at the same offsets; ``None``
    when neither maps cleanly."""
    bounds = [0, *points, len(o)]
    # known pairs: a path through (original cut, spun offset) where every step is known
    reach: dict[tuple[int, int], tuple[int, int] | None] = {(0, 0): None}
    frontier = [(0, 0)]
    for k in range(1, len(bounds)):
        nxt = []
        for (pk, js) in frontier:
            piece = o[bounds[pk]:bounds[k]]
            for je in range(js, len(s) + 1):
                t = s[js:je]
                if (t == piece or (t, piece) in alone) and (k, je) not in reach:
                    reach[(k, je)] = (pk, js)
                    nxt.append((k, je))
        frontier += nxt
    end = (len(bounds) - 1, len(s))
    if end in reach and reach[end] != (0, 0):
        out, node = [], end
        while node != (0, 0):
            prev = reach[node]
            assert prev is not None
            out.append((s[prev[1]:node[1]], o[bounds[prev[0]]:bounds[node[0]]]))
            node = prev
        return [p for p in reversed(out) if p[0] != p[1]]
    trimmed = _trim(o, s, bounds)
    if trimmed is not None:
        return [trimmed]
    if len(o) == len(s):
        parts = [(s[a:b], o[a:b]) for a, b in zip(bounds, bounds[1:])]
        merged: list[_Pair] = []
        for sp, op in parts:  # an unchanged part is not cut off its neighbour
            if merged and (sp == op or merged[-1][0] == merged[-1][1]):
                merged[-1] = (merged[-1][0] + sp, merged[-1][1] + op)
            else:
                merged.append((sp, op))
        if len(merged) > 1:
            return [p for p in merged if p[0] != p[1]]
    return None


def _trim(o: str, s: str, bounds: Sequence[int]) -> _Pair | None:
    """The one changed part when the parts around it are unchanged words of two or more
    characters (配置管理 → 设置装备摆设管理 gives 设置装备摆设 ← 配置), else ``None``."""
    best: _Pair | None = None
    kept = 0
    for k1 in range(len(bounds) - 1):
        head = o[: bounds[k1]]
        if len(head) == 1 or not s.startswith(head):
            continue
        for k2 in range(k1 + 1, len(bounds)):
            tail = o[bounds[k2]:]
            if len(tail) == 1 or not s.endswith(tail) or len(head) + len(tail) >= len(s):
                continue
            pair = s[len(head): len(s) - len(tail)], o[bounds[k1]:bounds[k2]]
            if len(head) + len(tail) > kept and pair[0] != pair[1]:
                best, kept = pair, len(head) + len(tail)
    return best


@dataclass
class LearnedPairs:
    """What :func:`learn_counts` found: ``counts[(spun, original)]`` and how much it read."""

    counts: Counter[_Pair] = field(default_factory=Counter)
    texts: int = 0  # text pairs read
    changed_units: int = 0  # aligned units that differ

    def lexicon(self, min_count: int = 1, name: str = SOURCE) -> Lexicon:
        """The pairs seen at least *min_count* times, weight = count, source = *name*."""
        return Lexicon((LexiconEntry(s, o, float(c), name) for (s, o), c in self.ranked(min_count)), name=name)

    def ranked(self, min_count: int = 1) -> list[tuple[_Pair, int]]:
        """Pairs seen at least *min_count* times, by count (descending), then spun form."""
        return sorted(((p, c) for p, c in self.counts.items() if c >= min_count), key=lambda pc: (-pc[1], pc[0]))


def learn_counts(pairs_of_texts: Iterable[tuple[str, str]]) -> LearnedPairs:
    """Align each ``(original, spun)`` text pair and count the substitutions (see the module docstring)."""
    out = LearnedPairs()
    blocks: list[_Block] = []
    stuffing: set[str] = set()
    for original, spun in pairs_of_texts:
        out.texts += 1
        for o, s in _aligned_units(original, spun):
            found, inserted = _blocks(o, s)
            out.changed_units += 1
            blocks += found
            stuffing.update(inserted)
    alone: Counter[_Pair] = Counter()
    for b in blocks:
        if len(b.words) == 1:
            s = _unstuffed(b, stuffing)
            if s and s != b.words[0]:
                alone[(s, b.words[0])] += 1
    for b in blocks:
        s, o = _unstuffed(b, stuffing), "".join(b.words)
        if not s or not o or s == o:
            continue
        points, pos = [], 0
        for w in b.words:
            points += [pos + c for c in _inner_cuts(w)]
            pos += len(w)
            points.append(pos)
        points.pop()
        split = _split(o, s, points, alone) if points else None
        for pair in split if split is not None else [(s, o)]:
            if pair[0] and pair[1]:
                out.counts[pair] += 1
    return out


def learn_pairs(pairs_of_texts: Iterable[tuple[str, str]], min_count: int = 1, name: str = SOURCE) -> Lexicon:
    """The spinner pairs that aligning each ``(original, spun)`` text pair shows, as a
    :class:`~zhrepair.Lexicon` (weight = times seen, source = *name*)."""
    return learn_counts(pairs_of_texts).lexicon(min_count, name)
