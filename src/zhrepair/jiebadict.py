"""The one place zhrepair reads jieba: the word list and frequencies of its dictionary.

jieba's ``dict.txt`` (``word freq tag`` per line) is a second opinion on what clean text
contains: the language model's vocabulary lacks many idioms (仗义执言), and the lexicon
importer's direction vote needs word frequencies. The file is read directly, so jieba's
tokenizer is never initialised (no log output, no cache in the temp folder).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Iterable


def _dictionary_text() -> str:
    return resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def frequencies() -> dict[str, int]:
    """Every word of jieba's dictionary with its frequency (read once per process)."""
    out: dict[str, int] = {}
    for line in _dictionary_text().splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


def frequency(word: str) -> int:
    """jieba's frequency of *word*, 0 when the dictionary does not list it."""
    return frequencies().get(word, 0)


def dictionary_words(forms: Iterable[str]) -> frozenset[str]:
    """The *forms* that jieba's dictionary lists."""
    wanted = set(forms)
    if not wanted:
        return frozenset()
    if frequencies.cache_info().currsize:
        table = frequencies()
        return frozenset(w for w in wanted if w in table)
    text = _dictionary_text()
    if len(wanted) <= 64:  # a few words (the shipped lexicon): search the text for each
        return frozenset(w for w in wanted if text.startswith(w + " ") or f"\n{w} " in text)
    found = set()  # many (a big public dictionary): one pass over the lines, no table built
    for line in text.splitlines():
        word = line[: line.find(" ")]
        if word in wanted:
            found.add(word)
    return frozenset(found)
