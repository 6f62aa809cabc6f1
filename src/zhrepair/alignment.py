"""Learn spinner pairs from originals and their spun copies (``zhrepair lexicon learn``).

Both texts are cut into units at line and sentence ends; the unit lists are aligned first
(``difflib``), so long inputs stay cheap, and only units that differ are aligned word by
word: both sides are cut by the same segmenter over jieba's dictionary
(:mod:`zhrepair.jiebadict`, through :class:`~zhrepair.segment.Segmenter`), so unchanged
stretches cut alike and anchor the alignment (a one-word match between two changes whose
lengths disagree, where joining them makes the lengths agree, is a word the swaps shifted,
and joins them). Each changed block of original words is then
cut into pieces at its *fine boundaries* (word ends and the most probable cuts inside long
words) where a character-level diff of the block anchors them (where the block's two
sides are of one length, a character anchors only in its own place): next to a fine part that
is left unchanged (停车场 → 泊车场 gives 泊车 ← 停车; 下决心 → 下刻意 gives 刻意 ← 决心), or
inside a run of shared characters; an insertion at such a boundary goes with the
neighbour that changed (在学校 → 正在书院). A cut inside a word is dropped when the
changed part is left unchanged somewhere in the input: in a spinner that swaps every
occurrence that part is no key of its own (现代 kept elsewhere: 现代化 stays whole), and
so is a word swapped for a word (坚定不移 → 百折不挠 share 不 by chance). So every piece
starts and ends on the original's fine boundaries (党建 → 党筑 gives the pair 党筑 ← 党建,
not 筑 ← 建).

A changed piece of several fine parts (adjacent swaps: 发展创新 → 繁荣改进) is split
through the pairs the input shows elsewhere: every part a known pair or unchanged, but
for parts whose original is never left unchanged, with a known pair between any two of
them (方针不动摇 → 目标没有摇动 with 没有 ← 不 known); known pairs are the single-part
pieces, grown with the parts of each split, re-splitting until nothing changes. Else
equal-length sides are cut at the same offsets, at word boundaries, or at the inner cuts
of a piece of several words when no part's original is ever left unchanged; a single word
(an idiom swapped for another) is not cut that way, nor is a word swapped for a word across
the original's word boundary (波罗的海 / 军 → 波罗的水师: 水师 ← 海军, not 水 ← 海 and
师 ← 军). Otherwise the piece stays whole.
Before any of that, a key that straddles a word boundary of the original (更大作用 →
更鸿文用: 鸿文 ← 大作; 在下游 → 鄙人游: 鄙人 ← 在下) is taken whole when its spun side is a word
and its original side is one too, or cutting at the boundary would give a spun part that is none.

A pair whose original is left unchanged elsewhere in the input is no key by itself (the
spinner swaps every occurrence of a key): at the edge of its piece it takes in the fewest
unchanged neighbouring characters that make both sides words whose original is never left
unchanged (本地区 → 当地区 with 本 kept elsewhere: 当地 ← 本地, not 当 ← 本).

Last, a pair whose two sides share edge characters (人民 → 人平易近) becomes its core
(平易近 ← 民) when the same core shows in two different pairs and its original is never
left unchanged: a one-character key replaced inside words (in three or more pairs, even
where its original stands unchanged elsewhere: a character rule that a spinner applies at
a rate). The key keeps the shared characters that every such pair has next to the core
(中央政治局 and 中央文献 give 中心 ← 中央), and a word swapped for a word keeps its own pair
(干系 ← 关系 and 相干 ← 相关 are two keys, not 干 ← 关).

Words inserted where nothing changed are keyword stuffing and give nothing; the same
string at the edge of a changed block elsewhere is stripped there too. Deletions give
nothing; identical texts give nothing.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
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
_PASSES = 4  # rounds of splitting pieces through the pairs found so far
# a core seen in this many different words is a character rule even where its original stands
# unchanged elsewhere (a rule applied at a rate); TUNE learn_bench, recall / pairs not gold:
# 2 → 0.951 / 985 (dacms_word 0.940), 3 → 0.951 / 985 (sample spinner 0.937), 4 → 994, 6 → 1012,
# never (the original never left unchanged) → 0.951 / 1074 (sample spinner 0.923)
_RULE_WORDS = 3


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


def _aligned_units(original: str, spun: str, kept: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """The (original, spun) units that differ, paired: whole units matched first, then a
    block of differing units pairwise when the counts agree, else joined. Units left as
    they were go to *kept*."""
    if original == spun:
        if kept is not None:
            kept.append(original)
        return
    ou, su = _units(original), _units(spun)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ou, su, autojunk=False).get_opcodes():
        if tag == "equal":
            if kept is not None:
                kept += ou[i1:i2]
            continue
        if i1 == i2 or j1 == j2:
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
    before: str = ""  # unchanged text right before the block (a few characters; "" when none)
    after: str = ""  # and right after it


_CONTEXT = 3  # characters of unchanged text kept on each side of a block


def _blocks(original: str, spun: str) -> tuple[list[_Block], list[str], list[str]]:
    """Align the two texts' words (both cut by the same segmenter, so unchanged stretches cut
    alike and anchor the alignment): the changed blocks, the pure insertions and the
    unchanged stretches."""
    cut = _segmenter().cut
    ow, sw = cut(original), cut(spun)
    blocks, inserted, same = [], [], []
    ops = _balanced(ow, sw, difflib.SequenceMatcher(None, ow, sw, autojunk=False).get_opcodes())
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same.append("".join(ow[i1:i2]))
        elif tag == "insert":
            inserted.append("".join(sw[j1:j2]))
        elif tag == "replace":
            words, s = list(ow[i1:i2]), "".join(sw[j1:j2])
            before = "".join(ow[max(0, i1 - _CONTEXT):i1]) if k and ops[k - 1][0] == "equal" else ""
            after = "".join(ow[i2:i2 + _CONTEXT]) if k + 1 < len(ops) and ops[k + 1][0] == "equal" else ""
            while len(words) > 1 and s.startswith(words[0]) and len(s) > len(words[0]):  # cut alike after all
                before += words[0]
                s = s[len(words.pop(0)):]
            while len(words) > 1 and s.endswith(words[-1]) and len(s) > len(words[-1]):
                after = words[-1] + after
                s = s[: len(s) - len(words.pop())]
            blocks.append(_Block(tuple(words), s, before[-_CONTEXT:], after[:_CONTEXT]))
    return blocks, inserted, same


def _chars(words: Sequence[str], i: int, j: int) -> int:
    return sum(map(len, words[i:j]))


def _balanced(ow: Sequence[str], sw: Sequence[str], ops: Sequence[tuple[str, int, int, int, int]]
              ) -> list[tuple[str, int, int, int, int]]:
    """*ops* with a one-word match between two changes joined into one change where the
    changes' lengths differ and the joined one's agree: the match was a word shifted by the
    swaps around it (满足人民群众 → 满意国民人民: 人民 there is 群众's replacement)."""
    out: list[tuple[str, int, int, int, int]] = []
    k = 0
    while k < len(ops):
        op = ops[k]
        if (out and out[-1][0] != "equal" and op[0] == "equal" and op[2] - op[1] == 1 and k + 1 < len(ops)
                and ops[k + 1][0] != "equal"):
            _, i1, before_i, j1, before_j = out[-1]
            _, _, i2, _, j2 = ops[k + 1]
            if _chars(ow, i1, before_i) != _chars(sw, j1, before_j) and _chars(ow, i1, i2) == _chars(sw, j1, j2):
                out[-1] = ("replace", i1, i2, j1, j2)
                k += 2
                continue
        out.append(op)
        k += 1
    return out


def _unstuffed(block: _Block, stuffing: Iterable[str]) -> str:
    """The block's spun text without a known stuffing string at either end (the longest
    first, so the result never depends on the order of *stuffing*)."""
    s, o = block.spun, "".join(block.words)
    for x in sorted(stuffing, key=lambda x: (-len(x), x)):
        if s.endswith(x) and not o.endswith(x) and len(s) > len(x):
            s = s[: -len(x)]
        if s.startswith(x) and not o.startswith(x) and len(s) > len(x):
            s = s[len(x):]
    return s


def _segments(o: str, s: str, fine: Sequence[int], words: set[int], kept: str) -> list[tuple[int, int, int, int]]:
    """Cut the block at those of the original's fine boundaries (words and their inner cuts)
    that a character-level diff anchors: next to a fine piece left unchanged, or inside a
    run of shared characters. ``(o_start, o_end, s_start, s_end)`` pieces, unchanged ones included."""
    match: list[int | None] = [None] * len(o)  # o[i] is s[match[i]]
    if len(o) == len(s):  # swaps of equal lengths: a character stays where it was
        match = [i if o[i] == s[i] else None for i in range(len(o))]
    else:
        for a, b, n in difflib.SequenceMatcher(None, o, s, autojunk=False).get_matching_blocks():
            for k in range(n):
                match[a + k] = b + k

    def intact(a: int, b: int) -> bool:  # o[a:b] survives as it is
        m0 = match[a]
        return m0 is not None and all(match[i] == m0 + i - a for i in range(a, b))

    vocab, _ = _vocabulary()
    whole = [intact(a, b) for a, b in zip(fine, fine[1:])]
    pts = []  # (offset in o, lowest and highest offset in s)
    for k in range(1, len(fine) - 1):
        p = fine[k]
        lm, rm = match[p - 1], match[p]
        if whole[k - 1] or whole[k] or (lm is not None and rm == lm + 1):
            lo = lm + 1 if lm is not None else rm
            hi = rm if rm is not None else lo
            assert lo is not None and hi is not None
            pts.append((p, lo, hi))
    cuts = [(0, 0)]
    for k, (p, lo, hi) in enumerate(pts):
        pp, pj = cuts[-1]
        if lo < pj:
            continue
        if lo == hi:
            cuts.append((p, lo))
            continue
        # s[lo:hi] was inserted at p: it goes with the neighbour that changed anyway
        nxt, nj = (pts[k + 1][0], pts[k + 1][1]) if k + 1 < len(pts) else (len(o), len(s))
        left_changed, right_changed = o[pp:p] != s[pj:lo], o[p:nxt] != s[hi:nj]
        if left_changed and right_changed:
            continue
        if left_changed:
            cuts.append((p, hi))
        elif right_changed:
            cuts.append((p, lo))
        else:  # the side where the spun piece is a word (过程中 → 过程当中 gives 当中 ← 中)
            cuts.append((p, lo if s[lo:nj] in vocab or s[pj:hi] not in vocab else hi))
    cuts.append((len(o), len(s)))
    cuts = _whole_word_swaps(o, s, cuts, words, vocab)
    merged: list[tuple[int, int, int, int]] = []
    for (a, i), (b, j) in zip(cuts, cuts[1:]):
        if merged and (i == j or merged[-1][2] == merged[-1][3]):  # a piece that vanished goes with its neighbour
            a, _, i, _ = merged.pop()
        elif merged and a not in words:  # inside a word: a part that is left unchanged elsewhere is no key
            pa, _, pi, _ = merged[-1]
            if any(o[x:y] != s[u:v] and o[x:y] in kept for x, y, u, v in (merged[-1], (a, b, i, j))):
                merged.pop()
                a, i = pa, pi
        merged.append((a, b, i, j))
    return merged


def _whole_word_swaps(o: str, s: str, cuts: list[tuple[int, int]], words: set[int],
                      vocab: dict[str, float]) -> list[tuple[int, int]]:
    """*cuts* without those inside an original word whose whole spun counterpart is a word
    too: a word swapped for a word (坚定不移 → 百折不挠, 越来越 → 愈来愈) is one key, even where
    the two share a character."""
    at = dict(cuts)
    drop: set[int] = set()
    ends = sorted(words | {0})
    for a, b in zip(ends, ends[1:]):
        inner = [p for p in at if a < p < b]
        if inner and a in at and b in at:
            spun = s[at[a]:at[b]]
            if spun != o[a:b] and len(spun) > 1 and spun in vocab:
                drop.update(inner)
    return [c for c in cuts if c[0] not in drop] if drop else cuts


def _known_path(o: str, s: str, points: Sequence[int], known: set[_Pair], kept: str) -> list[_Pair] | None:
    """*o*'s parts at *points* paired with parts of *s*: every part a known pair or
    unchanged, but for parts whose original is never left unchanged in the input, with a
    known pair between any two of them (it fixes where each ends); the path with the fewest
    unknown parts (``None`` when there is none)."""
    bounds = [0, *points, len(o)]
    n = len(bounds) - 1
    # state (part index, spun offset, an unknown part since the last known pair) →
    # (unknown parts so far, previous state)
    start = (0, 0, False)
    best: dict[tuple[int, int, bool], tuple[int, tuple[int, int, bool] | None]] = {start: (0, None)}
    frontier = [start]
    for k in range(1, n + 1):
        piece = o[bounds[k - 1]:bounds[k]]
        free = piece not in kept
        nxt: list[tuple[int, int, bool]] = []
        for state in frontier:
            _, js, last_unknown = state
            used = best[state][0]
            for je in range(js, len(s) + 1):
                t = s[js:je]
                if t == piece:  # unchanged: no anchor between two unknown parts (坚定不移 → 百折不挠)
                    step = (k, je, last_unknown), used
                elif (t, piece) in known:
                    step = (k, je, False), used
                elif free and t and not last_unknown:
                    step = (k, je, True), used + 1
                else:
                    continue
                node, cost = step
                if node not in best:
                    nxt.append(node)
                elif best[node][0] <= cost:
                    continue
                best[node] = (cost, state)
        frontier = nxt
    ends = [e for e in ((n, len(s), False), (n, len(s), True)) if e in best]
    if not ends:
        return None
    at = min(ends, key=lambda e: best[e][0])
    out = []
    while at != start:
        prev = best[at][1]
        assert prev is not None
        out.append((s[prev[1]:at[1]], o[bounds[prev[0]]:bounds[at[0]]]))
        at = prev
    return [p for p in reversed(out) if p[0] != p[1]] if len(out) > 1 else None


@dataclass
class _Piece:
    """A changed piece of a block: original ``o`` became ``s``; ``points`` are the fine
    boundaries inside ``o``, ``word_points`` the word boundaries among them."""

    o: str
    s: str
    points: tuple[int, ...]
    word_points: tuple[int, ...]
    before: str = ""  # unchanged text right before the piece ("" when a change or stuffing is there)
    after: str = ""  # and right after it


def _pieces(block: _Block, s: str, kept: str) -> list[_Piece]:
    """The block's changed pieces, cut where the character diff anchors a fine boundary."""
    o = "".join(block.words)
    fine, words = [0], set()
    pos = 0
    for w in block.words:
        fine += [pos + c for c in _inner_cuts(w)]
        pos += len(w)
        fine.append(pos)
        words.add(pos)
    spun = block.spun
    segments = _segments(o, s, fine, words, kept)
    out = []
    for k, (a, b, i, j) in enumerate(segments):
        if o[a:b] == s[i:j]:
            continue
        # the unchanged text next to the piece: a part of the block left as it was, or the
        # block's neighbour where the piece is at its edge (and no stuffing was cut there)
        if k:
            pa, pb, pi, pj = segments[k - 1]
            before = o[pa:pb] if o[pa:pb] == s[pi:pj] else ""
        else:
            before = block.before if spun.startswith(s) else ""
        if k + 1 < len(segments):
            na, nb, ni, nj = segments[k + 1]
            after = o[na:nb] if o[na:nb] == s[ni:nj] else ""
        else:
            after = block.after if spun.endswith(s) else ""
        out.append(_Piece(o[a:b], s[i:j], tuple(p - a for p in fine if a < p < b),
                          tuple(p - a for p in words if a < p < b), before, after))
    return out


def _straddles(core: _Pair, a: int, b: int, piece: "_Piece") -> bool:
    """Whether *core* (``piece.o[a:b]`` and its spun side) is one key across a word boundary
    of the original: its spun side a word, a word boundary inside it, and its original side
    a word too or the piece's spun side, cut at those boundaries, no words (鄙人游 ← 在下游
    gives 鄙人 ← 在下, not 人游 ← 下游)."""
    vocab, _ = _vocabulary()
    inside = [p for p in piece.word_points if a < p < b]
    if not inside or len(core[0]) < 2 or core[0] not in vocab:
        return False
    if len(core[1]) > 1 and core[1] in vocab:
        return True
    s = piece.s
    if len(s) != len(piece.o):
        return False
    bounds = [0, *piece.word_points, len(s)]
    return any(y - x > 1 and s[x:y] not in vocab for x, y in zip(bounds, bounds[1:]))


def _resolve(piece: _Piece, known: set[_Pair], kept: str) -> list[_Pair]:
    """A changed piece as pairs: split through known pairs (all but one part), else (equal
    lengths, every part changed) at the word boundaries, or at the fine ones when no part's
    original is ever left unchanged, else whole."""
    o, s = piece.o, piece.s
    core, left, right = _core((s, o))
    if (left or right) and _straddles(core, len(left), len(o) - len(right), piece):
        return [core]  # a key across the original's word boundary (更大作用 → 更鸿文用: 鸿文 ← 大作)
    if piece.points:
        path = _known_path(o, s, piece.points, known, kept)
        if path:
            return path
    if len(o) == len(s) and not _word_for_word((s, o)):  # a word for a word across a boundary is one key
        for points, strict in ((piece.word_points, False), (piece.points if piece.word_points else (), True)):
            if not points:
                continue
            bounds = [0, *points, len(o)]
            parts = [(s[a:b], o[a:b]) for a, b in zip(bounds, bounds[1:])]
            if all(sp != op and not (strict and op in kept) for sp, op in parts):
                return parts
    return [(s, o)]


def _widened(pairs: list[_Pair], piece: _Piece, kept: str) -> list[_Pair]:
    """*pairs* (a piece's) with the one at either edge of the piece widened (:func:`_widen`)
    into the unchanged text on that side."""
    if not pairs:
        return pairs
    out = list(pairs)
    (s, o), (ls, lo) = out[0], out[-1]
    at_start = piece.s.startswith(s) and piece.o.startswith(o)
    at_end = piece.s.endswith(ls) and piece.o.endswith(lo)
    if len(out) == 1:
        out[0] = _widen(out[0], piece.before if at_start else "", piece.after if at_end else "", kept)
    else:
        if at_start:
            out[0] = _widen(out[0], piece.before, "", kept)
        if at_end:
            out[-1] = _widen(out[-1], "", piece.after, kept)
    return out


def _widen(pair: _Pair, before: str, after: str, kept: str) -> _Pair:
    """A pair whose original is left unchanged elsewhere in the input is no key by itself
    (the spinner swaps every occurrence of a key): the key takes in the fewest characters of
    the unchanged text *before* and *after* it that make both sides words whose original is
    never left unchanged (本地区 → 当地区 with 本 kept elsewhere: 当地 ← 本地, not 当 ← 本)."""
    s, o = pair
    if o not in kept or not (before or after):
        return pair
    vocab, _ = _vocabulary()
    for n in range(1, len(before) + len(after) + 1):
        for left in range(min(n, len(before)), -1, -1):
            if n - left > len(after):
                break
            head, tail = before[len(before) - left:], after[: n - left]
            if head + s + tail in vocab and head + o + tail in vocab and head + o + tail not in kept:
                return head + s + tail, head + o + tail
    return pair


def _core(pair: _Pair) -> tuple[_Pair, str, str]:
    """The pair without the characters its two sides share at either end, and those
    shared ends (left, right)."""
    s, o = pair
    n = 0
    while n < min(len(s), len(o)) - 1 and s[n] == o[n]:
        n += 1
    m = 0
    while m < min(len(s), len(o)) - n - 1 and s[-1 - m] == o[-1 - m]:
        m += 1
    return (s[n: len(s) - m], o[n: len(o) - m]), s[:n], s[len(s) - m:]


def _word_for_word(pair: _Pair) -> bool:
    """Both sides are words of two or more characters (干系 ← 关系: a key of its own)."""
    vocab, _ = _vocabulary()
    return all(len(x) > 1 and x in vocab for x in pair)


def _common_key(core: _Pair, widened: Iterable[_Pair]) -> _Pair:
    """The smallest pair that every widened pair of *core* contains: the core with the
    shared characters all of them have next to it (中心政治局 ← 中央政治局 and 中心文献 ←
    中央文献 give 中心 ← 中央, not 心 ← 央)."""
    lefts, rights = zip(*(_core(pr)[1:] for pr in widened))
    left = os.path.commonprefix([x[::-1] for x in lefts])[::-1]
    right = os.path.commonprefix(list(rights))
    return left + core[0] + right, left + core[1] + right


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
    same: list[str] = []
    for original, spun in pairs_of_texts:
        out.texts += 1
        for o, s in _aligned_units(original, spun, same):
            found, inserted, kept = _blocks(o, s)
            out.changed_units += 1
            blocks += found
            stuffing.update(inserted)
            same += kept
    kept_text = "\x00".join(same)
    pieces: list[_Piece] = []
    for b in blocks:
        s = _unstuffed(b, stuffing)
        if s and s != "".join(b.words):
            pieces += _pieces(b, s, kept_text)
    known: set[_Pair] = {(p.s, p.o) for p in pieces if not p.points}
    for _ in range(_PASSES):
        found_pairs = [_resolve(p, known, kept_text) for p in pieces]
        grown = known | {pr for prs in found_pairs if len(prs) > 1 for pr in prs}
        if grown == known:
            break
        known = grown
    found_pairs = [_widened(prs, piece, kept_text) for prs, piece in zip(found_pairs, pieces)]
    # a pair widened over shared characters (人民 → 人平易近) is its core (平易近 ← 民) when the
    # same core shows in two different words, with the shared characters all of them have
    # next to it, and that key's original is never left unchanged
    contexts: dict[_Pair, set[_Pair]] = {}
    for prs in found_pairs:
        for pr in prs:
            c = _core(pr)[0]
            if c != pr:
                contexts.setdefault(c, set()).add(pr)
    keys = {c: _common_key(c, widened) for c, widened in contexts.items() if len(widened) > 1}
    for prs in found_pairs:
        for pr in prs:
            core = _core(pr)[0]
            key = keys.get(core)
            if (key is not None and (key[1] not in kept_text or len(contexts[core]) >= _RULE_WORDS)
                    and not _word_for_word(pr)):
                pr = key
            if pr[0] and pr[1]:
                out.counts[pr] += 1
    return out


def learn_pairs(pairs_of_texts: Iterable[tuple[str, str]], min_count: int = 1, name: str = SOURCE) -> Lexicon:
    """The spinner pairs that aligning each ``(original, spun)`` text pair shows, as a
    :class:`~zhrepair.Lexicon` (weight = times seen, source = *name*)."""
    return learn_counts(pairs_of_texts).lexicon(min_count, name)
