"""The one place zhrepair reads jieba: the word list and frequencies of its dictionary.

jieba's ``dict.txt`` (``word freq tag`` per line) is a second opinion on what clean text
contains: the language model's vocabulary lacks many idioms (仗义执言), and the lexicon
importer's direction vote needs word frequencies. The file is read directly, so jieba's
tokenizer is never initialised (no log output, no cache in the temp folder).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Iterable

from . import lexicon_cache


def _dictionary_path() -> Path:
    """jieba's ``dict.txt``, found without importing jieba (its import pulls in
    ``pkg_resources``: 0.1–0.7 s of a first ``repair``)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed (pip install jieba)")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _dictionary_text() -> str:
    return _dictionary_path().read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def words() -> frozenset[str]:
    """Every word of jieba's dictionary (kept in the compiled cache after the first read)."""
    path, key = _dictionary_path(), {"what": "jieba words", "as": "one string"}
    cached = lexicon_cache.load_value(path, key)
    if isinstance(cached, str):  # one string, a word a line: a third faster to load than a list of them
        return frozenset(cached.split("\n"))
    found = [line[: line.find(" ")] for line in _dictionary_text().splitlines() if " " in line]
    lexicon_cache.store_value(path, key, "\n".join(found))
    return frozenset(found)


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
    if len(wanted) <= 64 and not words.cache_info().currsize:
        # a few words (the shipped lexicon): one search of the text beats reading the word list
        lines = re.compile("^(" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True))) + ") ", re.M)
        return frozenset(lines.findall(_dictionary_text()))
    return frozenset(wanted & words())
