"""Telling how a spinner dictionary is written: its format, and which side is the original.

:func:`sniff_format` looks at the first entry lines; :func:`guess_direction` lets a sample
of pairs vote with jieba's word frequencies (originals are ordinary words, a spinner's
outputs rarer ones: 利用→哄骗, 配置→设置装备摆设).
"""

from __future__ import annotations

import itertools
import math
from typing import Callable, Optional, Sequence

from .. import jiebadict
from ..errors import LexiconError
from .formats import LINE_SPLITTERS, PHP_PAIR, SIDE_JUNK, SQL_INSERT, Pair, content_lines

#: How many pairs the frequency vote of ``direction="auto"`` looks at, at most.
DIRECTION_SAMPLE = 2000
#: Fewer decisive votes than this and the vote is "unsure".
_MIN_VOTES = 8
#: The winning side needs at least this share of the votes. Measured: the sample
#: article's spinner votes 91% for its originals; the eight public dictionaries in
#: shared/data/spinner-dicts split 44-56% (sense-blind thesaurus swaps), so they fall
#: back to the format's convention.
_MIN_SHARE = 0.65
#: A word must be this many times as frequent as the other side for its pair to vote.
_VOTE_RATIO = 2.0

_LINE_SAMPLE = 200


def sniff_format(text: str) -> str:
    """Guess the format of a dictionary's *text* (see :mod:`zhrepair.importers`)."""
    head = text[:50_000]
    lines = [line for _, line in itertools.islice(content_lines(head), _LINE_SAMPLE)]
    first = head.lstrip("\ufeff").lstrip()
    if first.startswith("#") and "zhrepair" in first.split("\n", 1)[0].lower():
        return "zhrepair"
    if SQL_INSERT.search(head):
        return "sql"
    if "<?php" in head or (lines and sum(bool(PHP_PAIR.search(x)) for x in lines) * 2 >= len(lines)):
        return "php"
    if not lines:
        raise LexiconError("no entries found (empty file, or only comments)")
    native = sum(_looks_native(x) for x in lines)
    if native * 2 > len(lines):
        return "zhrepair"
    counts = {}
    for fmt, split in LINE_SPLITTERS.items():
        counts[fmt] = sum(_splits_cleanly(split, x if fmt == "tab" else x.strip()) for x in lines)
        if counts[fmt] >= 0.6 * len(lines):
            return fmt
    best = max(counts, key=lambda f: counts[f])  # first in priority order on ties
    if counts[best] == 0:
        raise LexiconError(f"cannot tell the format; first entry line: {lines[0][:60]!r}; pass --format")
    return best


def _splits_cleanly(split: Callable[[str], Optional[list[str]]], line: str) -> bool:
    parts = split(line)
    return bool(parts) and all(p.strip(SIDE_JUNK) for p in parts or ())


def _looks_native(line: str) -> bool:
    cols = line.split("\t")
    if len(cols) < 3:
        return False
    try:
        float(cols[2])
    except ValueError:
        return False
    return bool(cols[0].strip() and cols[1].strip())


def guess_direction(
    pairs: Sequence[Pair],
    sample: int = DIRECTION_SAMPLE,
    freq: Optional[Callable[[str], int]] = None,
) -> tuple[Optional[str], str]:
    """Which side of ``(first, second)`` *pairs* holds the originals.

    Every sampled pair where one side is at least twice as frequent as the other votes
    for that side being the original. Returns ``("original-first" | "spun-first" | None,
    reason)``; ``None`` when fewer than 8 pairs vote or the winner has under 65% of the votes.
    """
    freq = freq or jiebadict.frequency
    step = max(1, len(pairs) // sample) if sample > 0 else 1
    first = second = 0
    for a, b in pairs[::step][:sample]:
        fa, fb = freq(a), freq(b)
        if fa >= _VOTE_RATIO * max(fb, 1):
            first += 1
        elif fb >= _VOTE_RATIO * max(fa, 1):
            second += 1
    votes = first + second
    if votes == 0:
        return None, "frequency vote: no sampled pair has a clearly more common side"
    share = first / votes
    reason = f"frequency vote {first}/{votes} for the first side being the original ({share:.0%})"
    if votes < _MIN_VOTES or max(share, 1 - share) < _MIN_SHARE or abs(first - second) < 2 * math.sqrt(votes):
        return None, reason
    return ("original-first" if share > 0.5 else "spun-first"), reason
