"""Substitution lexicons: which spun forms stand for which originals.

A lexicon file is UTF-8 TSV, one entry a line: ``spun<TAB>original[<TAB>weight[<TAB>source]]``;
``#`` starts a comment. An entry ``X<TAB>X`` whitelists ``X``: it is never changed.
Character-swap rules (a spinner replacing one character inside every word, 关 → 闭) live in
a separate table of the same format with single characters.

Files in a spinner's native format (``A→B``, ``A=B``, PHP arrays, GBK, ...) are read by
:mod:`zhrepair.importers`; :func:`load_lexicon` dispatches to it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Union

from .errors import LexiconError

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class LexiconEntry:
    """``spun`` may be the spinner's output for ``original``, with a relative ``weight``."""

    spun: str
    original: str
    weight: float = 1.0
    source: str = ""


class Lexicon:
    """A set of entries indexed by spun form, plus a whitelist of words never changed."""

    def __init__(self, entries: Iterable[LexiconEntry] = (), name: str = "") -> None:
        self.name = name
        self._by_spun: dict[str, dict[str, LexiconEntry]] = defaultdict(dict)
        self.whitelist: set[str] = set()
        for e in entries:
            self.add(e)

    def add(self, entry: LexiconEntry) -> None:
        if not entry.spun:
            raise LexiconError(f"empty spun form in entry {entry!r}")
        if entry.spun == entry.original:
            self.whitelist.add(entry.spun)
            return
        old = self._by_spun[entry.spun].get(entry.original)
        if old is None or old.weight < entry.weight:
            self._by_spun[entry.spun][entry.original] = entry

    def update(self, other: "Lexicon") -> None:
        for e in other:
            self.add(e)
        self.whitelist |= other.whitelist

    def originals(self, spun: str) -> list[LexiconEntry]:
        """Entries whose spun form is *spun* (empty when whitelisted)."""
        if spun in self.whitelist:
            return []
        return list(self._by_spun.get(spun, {}).values())

    def spun_forms(self) -> Iterator[str]:
        return (s for s, d in self._by_spun.items() if d and s not in self.whitelist)

    def original_forms(self) -> set[str]:
        return {o for d in self._by_spun.values() for o in d if o}

    def __iter__(self) -> Iterator[LexiconEntry]:
        for d in self._by_spun.values():
            yield from d.values()

    def __len__(self) -> int:
        return sum(len(d) for d in self._by_spun.values())

    def __contains__(self, spun: object) -> bool:
        return spun in self._by_spun and spun not in self.whitelist

    def __repr__(self) -> str:
        return f"<Lexicon {self.name!r}: {len(self)} entries, {len(self.whitelist)} whitelisted>"

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], name: str = "", weight: float = 1.0) -> "Lexicon":
        """Build from ``(spun, original)`` pairs (pairs with an empty side are skipped)."""
        return cls((LexiconEntry(s, o, weight, name) for s, o in pairs if s and o), name=name)

    def to_tsv(self) -> str:
        lines = [f"{e.spun}\t{e.original}\t{e.weight:g}\t{e.source}" for e in self]
        lines += [f"{w}\t{w}\t1\twhitelist" for w in sorted(self.whitelist)]
        return "\n".join(lines) + "\n"


def parse_tsv(text: str, name: str = "") -> Lexicon:
    """Parse the native TSV format (see module docstring)."""
    lex = Lexicon(name=name)
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise LexiconError(f"{name or '<lexicon>'}:{lineno}: expected spun<TAB>original, got {raw!r}")
        spun, original = cols[0].strip(), cols[1].strip()
        try:
            weight = float(cols[2]) if len(cols) > 2 and cols[2].strip() else 1.0
        except ValueError:
            raise LexiconError(f"{name or '<lexicon>'}:{lineno}: bad weight {cols[2]!r}") from None
        source = cols[3].strip() if len(cols) > 3 and cols[3].strip() else name
        if not spun:
            raise LexiconError(f"{name or '<lexicon>'}:{lineno}: empty spun form")
        lex.add(LexiconEntry(spun, original, weight, source))
    return lex


def load_lexicon(
    path: PathLike,
    format: str = "zhrepair",
    direction: str = "auto",
    encoding: str = "auto",
    name: str | None = None,
) -> Lexicon:
    """Load a lexicon file.

    ``format="zhrepair"`` reads the native TSV (spun first). Any other format
    (``"auto"``, ``"arrow"``, ``"tsv"``, ``"php"``, ...) goes through
    :func:`zhrepair.importers.read_pairs` with the given ``direction``
    (``"original-first"``, ``"spun-first"`` or ``"auto"``).
    """
    p = Path(path)
    label = name or p.stem
    if format == "zhrepair":
        try:
            text = p.read_text(encoding="utf-8-sig" if encoding == "auto" else encoding)
        except UnicodeDecodeError as exc:
            raise LexiconError(f"{p}: not UTF-8 ({exc}); import it with format='auto'") from None
        return parse_tsv(text, name=label)
    from . import importers

    info = importers.read_pairs_with_info(p, format=format, direction=direction, encoding=encoding)
    weights = info.weights or (1.0,) * len(info.pairs)
    sources = info.sources or ("",) * len(info.pairs)
    return Lexicon(
        (LexiconEntry(s, o, w, src or label) for (s, o), w, src in zip(info.pairs, weights, sources)), name=label
    )


def _data_text(filename: str) -> str:
    return resources.files("zhrepair").joinpath("data", filename).read_text(encoding="utf-8")


def default_lexicon() -> Lexicon:
    """The shipped lexicon: the sample article's observed pairs (see data/README.md)."""
    return parse_tsv(_data_text("sample_pairs.tsv"), name="sample")


def default_char_swaps() -> Lexicon:
    """The shipped character-swap rules (spun char → original char)."""
    return parse_tsv(_data_text("char_swaps.tsv"), name="char_swaps")
