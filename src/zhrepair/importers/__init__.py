"""Convert an article spinner's (伪原创) dictionary into a zhrepair lexicon.

Reads the word-replacement files that Chinese spinners ship and writes zhrepair's
native TSV, one entry a line: spun<TAB>original<TAB>weight<TAB>source. Load the
result with `zhrepair repair --lexicon OUT.tsv`.

formats (--format, default auto: sniffed from the first lines)
  arrow     A→B  or  A->B          daCMS word.txt, 42537条伪原创词库, milu word.dat
  eq        A=B                    sitebuilde 伪原创.txt (original first: A is replaced by B)
  dash      A-B  (or A - B)        Article-Stitchers SYNONYMS.txt
  space     A B                    a longer line A B C is a synonym group
  tab       A<TAB>B                columns after the second are ignored
  comma     A,B                    a longer line A,B,C is a synonym group (近义词.txt)
  php       'A' => 'B',  "A"=>"B"  a PHP array; several entries a line are fine
  sql       INSERT INTO t (...) VALUES (1,'A','B'),(...);
                                   a find/replace table dump; the first two strings
                                   of each row are A and B
  zhrepair  spun<TAB>original[<TAB>weight[<TAB>source]]   native; X<TAB>X whitelists X
  (aliases: tsv = tab, csv = comma, native = zhrepair)

synonym groups
  A line "A,B,C" (or "A B C") gives the pairs A-B and A-C: the first word is the
  head, each other word one of its alternatives, as list-style spinners use them.
  The alternatives are not paired among themselves.

direction (--direction)
  original-first  A is the original, B what the spinner writes for it (A→B means
                  "replace A by B"); the convention of every format but zhrepair
  spun-first      A is the spinner's output, B the original
  auto            decided by word frequency (jieba's dictionary) over a sample of
                  pairs: originals are ordinary words, spinner outputs rarer ones
                  (利用→哄骗, 配置→设置装备摆设). When the vote is weak the format's
                  convention is used, and the summary says so. zhrepair files are
                  always spun-first unless a direction is given.

encodings (--encoding, default auto)
  auto tries UTF-8 (with or without BOM), UTF-16 with a BOM, then GB18030 (a
  superset of GBK and GB2312). Any Python codec name is accepted.

cleaning
  Blank lines and comments (#, //, --, ;) are skipped. Full-width separators
  (＝ ， －＞ ｜, the ideographic space) count as their ASCII forms; both sides are
  stripped and inner runs of spaces made one. A malformed line is skipped and counted (one warning names the first
  few line numbers). Pairs whose sides are equal, or whose side holds no letter or
  digit (a censor's ***), are dropped; so are repeated pairs (the first is kept).

examples
  zhrepair lexicon import word.txt -o dacms.tsv
  zhrepair lexicon import 伪原创.txt --format eq --direction original-first -o sitebuilde.tsv
  zhrepair lexicon import synonyms.sql --source robin --weight 0.5 > robin.tsv
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Union

from .. import lexicon_cache
from ..bulk import paused_gc
from ..errors import LexiconError
from ..lexicon import Lexicon, LexiconEntry, dump_tsv, load_tsv
from .formats import CONVENTION, DIRECTIONS, FORMAT_ALIASES, FORMATS, READERS, Pair, RawRecords, decode_bytes
from .sniff import DIRECTION_SAMPLE, guess_direction, sniff_format

__all__ = [
    "DIRECTIONS",
    "DIRECTION_SAMPLE",
    "FORMATS",
    "FORMAT_ALIASES",
    "ImportResult",
    "decode_bytes",
    "guess_direction",
    "load_any",
    "load_lexicon",
    "parse_pairs",
    "read_pairs",
    "read_pairs_with_info",
    "sniff_format",
]

log = logging.getLogger(__name__)

PathLike = Union[str, "os.PathLike[str]"]

_REPORT_LINES = 5
_SNIFF_BYTES = 50_000


@dataclass(frozen=True)
class ImportResult:
    """What :func:`read_pairs_with_info` read, and the choices it made."""

    pairs: list[Pair]
    """``(spun, original)`` pairs, deduplicated, in file order."""
    format: str
    encoding: str
    direction: str
    """``"original-first"`` or ``"spun-first"``: how the file was read."""
    direction_reason: str
    """Why: ``"given"``, the frequency vote, or the format's convention."""
    malformed: int = 0
    """Content lines (or SQL rows) that could not be read."""
    malformed_lines: tuple[int, ...] = ()
    """The first few of them (1-based line numbers)."""
    dropped: int = 0
    """Pairs dropped because both sides are equal or a side has no letter or digit."""
    duplicates: int = 0
    weights: Optional[tuple[float, ...]] = None
    """Per-pair weights (zhrepair format only; ``None`` otherwise)."""
    sources: Optional[tuple[str, ...]] = None
    """Per-pair sources (zhrepair format only, ``""`` where the file has none)."""

    def summary(self) -> str:
        text = (
            f"{len(self.pairs):,} pairs (format {self.format}, encoding {self.encoding}, "
            f"{self.direction}: {self.direction_reason})"
        )
        if self.malformed:
            text += f"; skipped {self.malformed:,} malformed line(s)"
        if self.dropped:
            text += f"; dropped {self.dropped:,} equal/symbol-only pair(s)"
        if self.duplicates:
            text += f"; {self.duplicates:,} duplicate(s)"
        return text

    def entries(self, source: str = "", weight: Optional[float] = None) -> list[LexiconEntry]:
        """The pairs as lexicon entries, in order.

        Each entry keeps the file's own weight and source (zhrepair format); *weight*, when
        given, replaces every weight (default 1), and *source* is used where the file has none.
        """
        out = []
        for i, (spun, original) in enumerate(self.pairs):
            w = weight if weight is not None else (self.weights[i] if self.weights else 1.0)
            src = (self.sources[i] if self.sources else "") or source
            out.append(LexiconEntry(spun, original, w, src))
        return out

    def to_tsv(self, source: str, weight: Optional[float] = None, origin: str = "") -> str:
        """Native TSV text of the pairs, with a ``#`` header saying how they were read."""
        header = [
            f"zhrepair lexicon imported from {origin or '?'}",
            f"format={self.format} direction={self.direction} ({self.direction_reason}) "
            f"encoding={self.encoding} pairs={len(self.pairs)}",
            "spun\toriginal\tweight\tsource",
        ]
        return dump_tsv(self.entries(source=" ".join(source.split()), weight=weight), comments=header)


def _check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")


def parse_pairs(text: str, format: str = "auto", direction: str = "auto", encoding: str = "str") -> ImportResult:
    """Read dictionary *text* already decoded; see :func:`read_pairs_with_info`."""
    fmt = FORMAT_ALIASES.get(format, format)
    _check_choice(fmt, FORMATS, "format")
    direction = direction.replace("_", "-")
    _check_choice(direction, DIRECTIONS, "direction")
    if fmt == "auto":
        fmt = sniff_format(text)
    raw = READERS[fmt](text)
    if direction != "auto":
        reason = "given"
    elif fmt == "zhrepair":
        direction, reason = "spun-first", "the zhrepair format is spun-first"
    else:
        guessed, why = guess_direction([(a, b) for a, b, *_ in raw.records])
        if guessed:
            direction, reason = guessed, why
        else:
            direction = CONVENTION[fmt]
            reason = f"{fmt} convention; unsure {why}"
            log.info("direction unsure (%s): using the %s convention, %s", why, fmt, direction)
    return _finish(raw, fmt, encoding, direction, reason)


def _finish(raw: RawRecords, fmt: str, encoding: str, direction: str, reason: str) -> ImportResult:
    keep_equal = fmt == "zhrepair"
    seen: set[Pair] = set()
    pairs: list[Pair] = []
    weights: list[float] = []
    sources: list[str] = []
    dropped = duplicates = 0
    for first, second, _lineno, weight, source in raw.records:
        first, second = " ".join(first.split()), " ".join(second.split())
        pair = (first, second) if direction == "spun-first" else (second, first)
        if (pair[0] == pair[1] and not keep_equal) or not all(any(c.isalnum() for c in s) for s in pair):
            dropped += 1
        elif pair in seen:
            duplicates += 1
        else:
            seen.add(pair)
            pairs.append(pair)
            weights.append(weight)
            sources.append(source)
    if raw.bad_lines:
        shown = ", ".join(map(str, raw.bad_lines[:_REPORT_LINES]))
        more = ", ..." if len(raw.bad_lines) > _REPORT_LINES else ""
        log.warning("skipped %d malformed %s line(s): %s%s", len(raw.bad_lines), fmt, shown, more)
    native = fmt == "zhrepair"
    return ImportResult(
        pairs=pairs,
        format=fmt,
        encoding=encoding,
        direction=direction,
        direction_reason=reason,
        malformed=len(raw.bad_lines),
        malformed_lines=tuple(raw.bad_lines[:_REPORT_LINES]),
        dropped=dropped,
        duplicates=duplicates,
        weights=tuple(weights) if native else None,
        sources=tuple(sources) if native else None,
    )


def read_pairs_with_info(
    path: PathLike, format: str = "auto", direction: str = "auto", encoding: str = "auto"
) -> ImportResult:
    """Read a spinner dictionary file; return its pairs and how it was read.

    *format* is one of :data:`FORMATS` (or an alias: ``tsv``, ``csv``, ``native``),
    *direction* one of :data:`DIRECTIONS`, *encoding* ``"auto"`` or a codec name.
    Raises ``OSError`` when the file cannot be read, :class:`~zhrepair.LexiconError`
    when it cannot be decoded or its format cannot be told, ``ValueError`` for an
    unknown option. Malformed lines are skipped, counted and logged, never fatal.
    """
    data = Path(path).read_bytes()
    text, used = decode_bytes(data, encoding)
    try:
        return parse_pairs(text, format=format, direction=direction, encoding=used)
    except LexiconError as exc:
        raise LexiconError(f"{path}: {exc}") from None


def read_pairs(
    path: PathLike, format: str = "auto", direction: str = "auto", encoding: str = "auto"
) -> list[Pair]:
    """``(spun, original)`` pairs of a spinner dictionary, deduplicated, in file order.

    See :func:`read_pairs_with_info` for the arguments and for which format,
    encoding and direction were chosen.
    """
    return read_pairs_with_info(path, format=format, direction=direction, encoding=encoding).pairs


def load_lexicon(
    path: PathLike,
    format: str = "zhrepair",
    direction: str = "auto",
    encoding: str = "auto",
    name: Optional[str] = None,
) -> Lexicon:
    """Load a lexicon file (this is :func:`zhrepair.load_lexicon`).

    ``format="zhrepair"`` reads the native TSV (spun first; a malformed line raises
    :class:`~zhrepair.LexiconError` naming it). Any other format (``"auto"``,
    ``"arrow"``, ``"tsv"``, ``"php"``, ...) goes through :func:`read_pairs_with_info`
    with the given ``direction`` (``"original-first"``, ``"spun-first"`` or ``"auto"``).
    Entries without a source get *name* (default: the file's stem). What was read is
    kept in a compiled cache (:mod:`zhrepair.lexicon_cache`): loading the unchanged file
    again skips the parsing.
    """
    label = name or Path(path).stem
    options = {"format": format, "direction": direction, "encoding": encoding, "name": label}
    with paused_gc():
        cached = lexicon_cache.load(path, options)
        if cached is not None:
            return cached
        if format == "zhrepair":
            lexicon = load_tsv(path, name=label, encoding=encoding)
        else:
            info = read_pairs_with_info(path, format=format, direction=direction, encoding=encoding)
            lexicon = Lexicon(info.entries(source=label), name=label)
        lexicon_cache.store(path, options, lexicon)
    return lexicon


def load_any(path: PathLike) -> Lexicon:
    """A lexicon path: zhrepair TSV (spun first), or another spinner format, sniffed.

    A plain two-column TSV is read as zhrepair TSV, as documented; a spinner's own
    ``original<TAB>spun`` file needs ``load_lexicon(path, format="tab",
    direction="original-first")``.
    """
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    if len(head) == _SNIFF_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # no character cut in two (it would spoil the decoding)
    text, _ = decode_bytes(head, "auto")
    fmt = sniff_format(text)
    if fmt in ("zhrepair", "tab"):
        return load_lexicon(path)
    return load_lexicon(path, format=fmt)

