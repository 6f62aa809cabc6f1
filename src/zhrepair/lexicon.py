"""Substitution lexicons: which spun forms stand for which originals.

A lexicon file is UTF-8 TSV, one entry a line: ``spun<TAB>original[<TAB>weight[<TAB>source]]``;
``#`` starts a comment. An entry ``X<TAB>X`` whitelists ``X``: it is never changed; an
entry ``X<TAB>`` (empty original) deletes ``X``.
Character-swap rules (a spinner replacing one character inside every word, 关 → 闭) live in
a separate table of the same format with single characters.

This module holds the one reader (:func:`read_tsv`, :func:`parse_tsv`, :func:`load_tsv`) and
the one writer (:func:`dump_tsv`) of that format. The reader is strict by default (a
malformed line raises :class:`LexiconError` naming ``file:line``: a user's own lexicon should
be right); ``strict=False`` skips malformed lines and lists them (the importers count them
as they do for every other format). Files in a spinner's own format (``A→B``,
``A=B``, PHP arrays, GBK, ...) are read by :mod:`zhrepair.importers`, which builds on this
module (never the other way round).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence, Union

from .errors import LexiconError, TextDecodeError
from .fileio import decode_utf8, write_atomic
from .sites import CHAIN_SUFFIX, dictionary_of

PathLike = Union[str, "os.PathLike[str]"]

#: The version of :meth:`Lexicon.chains`' algorithm; the compiled cache keeps chains under it,
#: so bump it whenever ``chains`` would find other entries.
CHAINS_VERSION = 2


class LexiconEntry(NamedTuple):
    """``spun`` may be the spinner's output for ``original``, with a relative ``weight``
    (an immutable record; a named tuple, as big lexicons hold hundreds of thousands)."""

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
        # each original's place in the order its first entry came in (a file's line order):
        # the order in which a sequential spinner applies its entries (chains)
        self._rank: dict[str, int] = {}
        # the compiled-cache entry this lexicon was read from or stored as, with its whitelist
        # then (set by :mod:`zhrepair.lexicon_cache`; None once the lexicon is changed)
        self._origin: tuple[object, frozenset[str]] | None = None
        for e in entries:
            self.add(e)

    def add(self, entry: LexiconEntry) -> None:
        """Add *entry*; :class:`LexiconError` for an empty spun form or a weight that is
        not a positive finite number."""
        if not entry.spun:
            raise LexiconError(f"empty spun form in entry {entry!r}")
        if not 0 < entry.weight < math.inf:
            raise LexiconError(f"bad weight in entry {entry!r}: a weight is a positive finite number")
        self._origin = None
        if entry.spun == entry.original:
            self.whitelist.add(entry.spun)
            return
        self._rank.setdefault(entry.original, len(self._rank))
        old = self._by_spun[entry.spun].get(entry.original)
        if old is None or old.weight < entry.weight:
            self._by_spun[entry.spun][entry.original] = entry

    def update(self, other: "Lexicon") -> None:
        """Add *other*'s entries (the heavier of two same pairs wins) and whitelist."""
        by_spun = self._by_spun
        self._origin = None
        for spun, entries in other._by_spun.items():
            mine = by_spun[spun]
            if not mine:  # a new spun form (most of them): every entry goes in, in order
                mine.update(entries)
                continue
            for original, e in entries.items():
                old = mine.get(original)
                if old is None or old.weight < e.weight:
                    mine[original] = e
        rank = self._rank
        for original in other._rank:
            rank.setdefault(original, len(rank))
        self.whitelist |= other.whitelist

    def add_missing(self, entries: Iterable[LexiconEntry]) -> None:
        """Add the *entries* whose (spun, original) pair this lexicon does not hold yet."""
        by_spun = self._by_spun
        self._origin = None
        for e in entries:
            if e.original not in by_spun.get(e.spun, ()):
                self.add(e)

    def groups(self) -> Iterator[tuple[str, list[LexiconEntry]]]:
        """Each spun form that is not whitelisted, with its entries."""
        whitelist = self.whitelist
        return ((s, list(d.values())) for s, d in self._by_spun.items() if d and s not in whitelist)

    def originals(self, spun: str) -> list[LexiconEntry]:
        """Entries whose spun form is *spun* (empty when whitelisted)."""
        if spun in self.whitelist:
            return []
        return list(self._by_spun.get(spun, {}).values())

    def spun_forms(self) -> Iterator[str]:
        return (s for s, d in self._by_spun.items() if d and s not in self.whitelist)

    def order(self) -> list[str]:
        """The originals in the order their first entries came in (a file's line order:
        the order in which a sequential spinner applies them, see :meth:`chains`)."""
        return list(self._rank)

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
    def from_columns(cls, name: str, spun: Sequence[str], original: Sequence[str], weight: Sequence[float],
                     source: Sequence[str], whitelist: Iterable[str] = (), order: Sequence[str] = ()) -> "Lexicon":
        """Rebuild a lexicon from its entries as columns (distinct (spun, original) pairs,
        as :func:`zhrepair.lexicon_cache` stores them), its whitelist and :meth:`order`."""
        lex = cls(name=name)
        by_spun = lex._by_spun
        rank = lex._rank
        rank.update((o, i) for i, o in enumerate(order))
        for s, o, w, src in zip(spun, original, weight, source):
            by_spun[s][o] = LexiconEntry(s, o, w, src)
            rank.setdefault(o, len(rank))
        lex.whitelist.update(whitelist)
        return lex

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], name: str = "", weight: float = 1.0) -> "Lexicon":
        """Build from ``(spun, original)`` pairs (pairs with an empty side are skipped)."""
        return cls((LexiconEntry(s, o, weight, name) for s, o in pairs if s and o), name=name)

    def chains(self) -> "Lexicon":
        """What a spinner that applies its entries one after another makes of each original
        beyond a single entry (``str_replace`` with arrays): each entry in the order the
        entries came in (a file's line order) replaces every occurrence in the output so far,
        so A→B then B→C writes C for A, and 不能→不克不及 then 克→胜 writes 不胜不及; an entry
        that comes before A→B leaves that B alone.

        Each original is run through its own source's entries so, following at most
        :data:`CHAIN_FORMS` outputs (the heaviest). Every final form that no entry names for
        that original already, and that the whitelist does not hold, becomes an entry
        ``final ← original`` with the source ``<source>:chains`` (so the decoder fits how
        often a document's spinner chains apart from its single swaps, and a source's
        choice among its own forms is not diluted) and the product of the weights of the
        entries used."""
        out = Lexicon(name=f"{self.name}:chains")
        by_spun, whitelist = self._by_spun, self.whitelist
        forward: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(dict)  # source -> original -> forms
        for e in self:
            if e.original:
                forward[e.source].setdefault(e.original, []).append((e.spun, e.weight))
        for source, table in forward.items():
            rank = {o: r for o, r in self._rank.items() if o in table}
            for original, finals in _sequential_finals(table, rank).items():
                for text, w in finals.items():
                    if text and text != original and text not in whitelist and original not in by_spun.get(text, ()):
                        out.add(LexiconEntry(text, original, w, source + CHAIN_SUFFIX))
        return out

    def to_tsv(self) -> str:
        """The lexicon as native TSV (entries in :meth:`order` of their originals, then the
        whitelist), readable by :func:`parse_tsv`."""
        whitelist = (LexiconEntry(w, w, 1.0, "whitelist") for w in sorted(self.whitelist))
        rank = self._rank
        return dump_tsv(itertools.chain(sorted(self, key=lambda e: rank[e.original]), whitelist))

    def save(self, path: PathLike) -> None:
        """Write :meth:`to_tsv` to *path* (UTF-8, atomically: a reader never sees half a file);
        :func:`zhrepair.load_lexicon` reads it back."""
        write_atomic(path, self.to_tsv())

class Membership:
    """Which of several dictionaries hold each (spun, original) pair, as bits over ``names``
    (a dictionary is a source; a lexicon's chains count as the lexicon's): the combined
    lexicon keeps one entry, and so one source, per pair."""

    def __init__(self, names: Sequence[str], lexicons: Iterable[Lexicon | Iterable[LexiconEntry]]) -> None:
        """*lexicons*: :class:`Lexicon` objects or entry lists (a lexicon's chains)."""
        self.names = tuple(names)
        self._bit = {name: 1 << i for i, name in enumerate(self.names)}
        self._lexicons: list[dict[str, dict[str, LexiconEntry]]] = []  # each: spun -> original -> entry
        for lex in lexicons:
            if isinstance(lex, Lexicon):
                self._lexicons.append(lex._by_spun)
            else:
                index: dict[str, dict[str, LexiconEntry]] = {}
                for e in lex:
                    index.setdefault(e.spun, {})[e.original] = e
                self._lexicons.append(index)
        self._rows: dict[str, dict[str, int]] = {}  # per spun form, worked out when first asked

    def _row(self, spun: str) -> dict[str, int]:
        """Each original of *spun* with the bits of the dictionaries holding the pair."""
        row = self._rows.get(spun)
        if row is None:
            row = {}
            bit_of = self._bit.get
            for by_spun in self._lexicons:
                for original, e in by_spun.get(spun, {}).items():
                    bit = bit_of(dictionary_of(e.source), 0)
                    if bit:
                        row[original] = row.get(original, 0) | bit
            self._rows[spun] = row
        return row

    def mask_of(self, spun: str, original: str, source: str) -> int:
        """The bits of the dictionaries holding ``spun ← original``; 0 when *source* (the
        entry's own) is none of them."""
        bit = self._bit.get(dictionary_of(source))
        if bit is None:
            return 0
        return self._row(spun).get(original, 0) | bit


@dataclass
class TsvRows:
    """What :func:`read_tsv` found: the entries in file order and the lines it skipped."""

    entries: list[LexiconEntry] = field(default_factory=list)
    """One per entry line; ``source`` is ``""`` where the line has none."""
    lines: list[int] = field(default_factory=list)
    """The 1-based line number of each entry."""
    bad_lines: list[int] = field(default_factory=list)
    """Malformed lines skipped (``strict=False`` only)."""


def read_tsv(text: str, name: str = "", *, strict: bool = True) -> TsvRows:
    """Read native TSV *text* (see the module docstring) line by line.

    Blank lines and lines starting with ``#`` are skipped. A line is malformed when it has
    no tab, an empty spun form, or a weight that is not a positive finite number. With ``strict=True`` the
    first malformed line raises :class:`LexiconError` naming ``name:line``; with
    ``strict=False`` malformed lines are skipped and listed in ``bad_lines``. An empty
    original is allowed: the entry deletes its spun form.
    """
    rows = TsvRows()
    where = name or "<lexicon>"
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        problem = ""
        weight = 1.0
        if len(cols) < 2:
            problem = f"expected spun<TAB>original, got {raw!r}"
        elif not cols[0].strip():
            problem = "empty spun form"
        elif len(cols) > 2 and cols[2].strip():
            try:
                weight = float(cols[2])
            except ValueError:
                problem = f"bad weight {cols[2]!r}"
            else:
                if not 0 < weight < math.inf:
                    problem = f"bad weight {cols[2]!r}: a weight is a positive finite number"
        if problem:
            if strict:
                raise LexiconError(f"{where}:{lineno}: {problem}")
            rows.bad_lines.append(lineno)
            continue
        source = cols[3].strip() if len(cols) > 3 else ""
        rows.entries.append(LexiconEntry(cols[0].strip(), cols[1].strip(), weight, source))
        rows.lines.append(lineno)
    return rows


def parse_tsv(text: str, name: str = "", *, strict: bool = True, where: str | None = None) -> Lexicon:
    """A :class:`Lexicon` from native TSV *text*; entries without a source get *name*.

    ``strict`` as in :func:`read_tsv`: raise on the first malformed line (named
    ``where:line``, *where* defaulting to *name*), or skip them.
    """
    rows = read_tsv(text, where or name, strict=strict)
    return Lexicon((e if e.source else e._replace(source=name) for e in rows.entries), name=name)


#: Outputs of one original :meth:`Lexicon.chains` follows (the heaviest): a bound on its cost
#: where an entry with several forms hits a word more than once.
CHAIN_FORMS = 8


def _sequential_finals(table: dict[str, list[tuple[str, float]]],
                       rank: dict[str, int]) -> dict[str, dict[str, float]]:
    """For each original of *table* (original → its forms and weights), the texts a
    sequential spinner ends with and their weights: the entries applied in *rank* order,
    each replacing every occurrence (each occurrence by any of its forms) in the output so far."""
    longest = max(map(len, table), default=0)
    by_rank = {r: o for o, r in rank.items()}
    inside: dict[str, list[int]] = {}  # a text -> the ranks of the originals it holds, sorted

    def ranks_in(text: str) -> list[int]:
        found = inside.get(text)
        if found is None:
            n = len(text)
            found = inside[text] = sorted({r for i in range(n) for j in range(i + 1, min(n, i + longest) + 1)
                                           if (r := rank.get(text[i:j])) is not None})
        return found

    finals: dict[str, dict[str, float]] = {}
    for original in table:
        states = {original: 1.0}
        done = -1
        while True:
            upcoming = [found[bisect.bisect_right(found, done)] for found in map(ranks_in, states)
                        if found and found[-1] > done]
            if not upcoming:
                break
            done = min(upcoming)
            key = by_rank[done]
            forms = table[key]
            new: dict[str, float] = {}
            for text, weight in states.items():
                parts = text.split(key)
                outs = [(parts[0], weight)]
                for part in parts[1:]:  # every occurrence, each by any of the forms
                    outs = [(o + form + part, w * fw) for o, w in outs for form, fw in forms][:CHAIN_FORMS]
                for o, w in outs:
                    if w > new.get(o, 0.0):
                        new[o] = w
            states = new if len(new) <= CHAIN_FORMS else dict(
                heapq.nlargest(CHAIN_FORMS, new.items(), key=lambda kv: kv[1]))
        finals[original] = states
    return finals


def dump_tsv(entries: Iterable[LexiconEntry], comments: Sequence[str] = ()) -> str:
    """Native TSV text of *entries*, in order, after ``#`` *comments* (one a line)."""
    lines = [f"# {c}" for c in comments]
    lines += [f"{e.spun}\t{e.original}\t{e.weight:g}\t{e.source}" for e in entries]
    return "\n".join(lines) + "\n"


def load_tsv(path: PathLike, name: str | None = None, encoding: str = "auto", *, strict: bool = True) -> Lexicon:
    """Load a native TSV lexicon file (UTF-8 unless *encoding* says otherwise).

    Entries without a source get *name* (default: the file's stem). Raises ``OSError``
    when the file cannot be read and :class:`LexiconError` when it is not UTF-8 or
    (``strict``) has a malformed line.
    """
    p = Path(path)
    label = name or p.stem
    data = p.read_bytes()
    if encoding in ("auto", "utf-8", "utf-8-sig", "utf8"):
        try:
            text = decode_utf8(data, str(p))
        except TextDecodeError as exc:
            raise LexiconError(f"{exc}; not UTF-8: import it with format='auto'") from None
    else:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise LexiconError(f"{p}: cannot decode as {encoding} ({exc})") from None
    return parse_tsv(text, name=label, strict=strict, where=str(p))


#: Reads a lexicon file in a spinner's own format; :mod:`zhrepair.importers` sets it when
#: imported. Transitional, for :func:`load_lexicon` below (see there).
def _data_text(filename: str) -> str:
    return resources.files("zhrepair").joinpath("data").joinpath(filename).read_text(encoding="utf-8")


def default_lexicon() -> Lexicon:
    """The shipped lexicon: the sample article's observed pairs (see data/README.md)."""
    return parse_tsv(_data_text("sample_pairs.tsv"), name="sample")


def default_char_swaps() -> Lexicon:
    """The shipped character-swap rules (spun char → original char)."""
    return parse_tsv(_data_text("char_swaps.tsv"), name="char_swaps")
