"""Convert an article spinner's (伪原创) dictionary into a zhrepair lexicon.

Reads the word-replacement files that Chinese spinners ship and writes zhrepair's
native TSV, one entry a line: spun<TAB>original<TAB>weight<TAB>source. Load the
result with `zhrepair repair --lexicon OUT.tsv`.

formats (--format, default auto: sniffed from the first lines)
  arrow     A→B  or  A->B          daCMS word.txt, 42537条伪原创词库, milu word.dat
  eq        A=B                    sitebuilde 伪原创.txt writes B=A (spun first)
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
  spun-first      A is the spinner's output, B the original (sitebuilde's B=A)
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
  zhrepair lexicon import 伪原创.txt --format eq --direction spun-first -o sitebuilde.tsv
  zhrepair lexicon import synonyms.sql --source robin --weight 0.5 > robin.tsv
"""

from __future__ import annotations

import argparse
import functools
import itertools
import logging
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence, Union

from . import jiebadict
from .errors import LexiconError

log = logging.getLogger(__name__)

PathLike = Union[str, "os.PathLike[str]"]
Pair = tuple[str, str]

FORMATS = ("auto", "arrow", "eq", "dash", "space", "tab", "comma", "php", "sql", "zhrepair")
DIRECTIONS = ("auto", "original-first", "spun-first")
FORMAT_ALIASES = {"tsv": "tab", "csv": "comma", "native": "zhrepair"}

#: Which side each format conventionally puts first when no direction is given.
CONVENTION = {fmt: "original-first" for fmt in FORMATS}
CONVENTION["zhrepair"] = "spun-first"

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
_REPORT_LINES = 5

# Full-width and look-alike separators, mapped before a line is split.
_SEPARATORS = str.maketrans(
    {"＝": "=", "，": ",", "－": "-", "＞": ">", "｜": "|", "\u3000": " ", "\u200b": None, "\ufeff": None}
)
_COMMENT = re.compile(r"\s*(?:#|//|--|;|/\*|\*)")
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|—>|⟶)\s*")
_COMMA = re.compile(r"\s*,\s*")
_SIDE_JUNK = " \t,;"


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


@dataclass
class _Raw:
    """Records as read, before the direction is applied."""

    records: list[tuple[str, str, int, float, str]]  # (first, second, lineno, weight, source)
    bad_lines: list[int]


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Decode *data*; return ``(text, encoding used)``. A leading BOM is dropped."""
    if encoding != "auto":
        try:
            text = data.decode(encoding)
        except LookupError:
            raise LexiconError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise LexiconError(
                f"not valid {encoding} at byte {exc.start}; try --encoding auto or another codec"
            ) from None
        return text.lstrip("\ufeff"), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            pass
    log.warning("neither UTF-8 nor GB18030; undecodable bytes replaced by U+FFFD")
    return data.decode("gb18030", errors="replace"), "gb18030 (with replacements)"


# --------------------------------------------------------------------------- line formats


def _split_arrow(line: str) -> Optional[list[str]]:
    parts = _ARROW.split(line)
    return parts if len(parts) == 2 else None


def _split_eq(line: str) -> Optional[list[str]]:
    parts = line.split("=")
    return parts if len(parts) == 2 else None


def _split_dash(line: str) -> Optional[list[str]]:
    parts = line.split(" - ") if line.count(" - ") == 1 else line.split("-")
    return parts if len(parts) == 2 else None


def _split_tab(line: str) -> Optional[list[str]]:
    parts = line.split("\t")
    return parts[:2] if len(parts) >= 2 else None


def _split_space(line: str) -> Optional[list[str]]:
    parts = line.split()
    return parts if len(parts) >= 2 else None


def _split_comma(line: str) -> Optional[list[str]]:
    parts = _COMMA.split(line.strip(_SIDE_JUNK))
    return parts if len(parts) >= 2 else None


#: Line formats in sniffing priority order: the first that reads most lines wins.
_LINE_SPLITTERS: dict[str, Callable[[str], Optional[list[str]]]] = {
    "tab": _split_tab,
    "arrow": _split_arrow,
    "eq": _split_eq,
    "comma": _split_comma,
    "dash": _split_dash,
    "space": _split_space,
}


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(lineno, line)`` for lines that are neither blank nor comments, separators normalised."""
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.translate(_SEPARATORS).strip("\r\n")
        if not line.strip() or _COMMENT.match(line):
            continue
        yield lineno, line


def _read_lines(text: str, fmt: str) -> _Raw:
    split = _LINE_SPLITTERS[fmt]
    raw = _Raw([], [])
    for lineno, line in _content_lines(text):
        parts = split(line if fmt == "tab" else line.strip())
        parts = [p.strip(_SIDE_JUNK) for p in parts] if parts else None
        if not parts or not all(parts):
            raw.bad_lines.append(lineno)
            continue
        head = parts[0]
        raw.records.extend((head, other, lineno, 1.0, "") for other in parts[1:])
    return raw


def _read_native(text: str) -> _Raw:
    raw = _Raw([], [])
    for lineno, line in _content_lines(text):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or not cols[0] or not cols[1]:
            raw.bad_lines.append(lineno)
            continue
        try:
            weight = float(cols[2]) if len(cols) > 2 and cols[2] else 1.0
        except ValueError:
            raw.bad_lines.append(lineno)
            continue
        raw.records.append((cols[0], cols[1], lineno, weight, cols[3] if len(cols) > 3 else ""))
    return raw


# --------------------------------------------------------------------------- PHP arrays

_PHP_STR = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_PHP_PAIR = re.compile(_PHP_STR + r"\s*=>\s*" + _PHP_STR)  # groups 1|2 => 3|4
_BACKSLASH = re.compile(r"\\(.)", re.S)


def _php_unescape(s: str) -> str:
    return _BACKSLASH.sub(r"\1", s)


def _read_php(text: str) -> _Raw:
    raw = _Raw([], [])
    for lineno, line in _content_lines(text):
        found = False
        for m in _PHP_PAIR.finditer(line):
            key = m.group(1) if m.group(1) is not None else m.group(2)
            value = m.group(3) if m.group(3) is not None else m.group(4)
            key, value = _php_unescape(key).strip(), _php_unescape(value).strip()
            found = True
            if key and value:
                raw.records.append((key, value, lineno, 1.0, ""))
            else:
                raw.bad_lines.append(lineno)
        # Lines without quotes are PHP syntax (<?php, $w = array(, );): not data.
        if not found and ("'" in line or '"' in line or "=>" in line):
            raw.bad_lines.append(lineno)
    return raw


# --------------------------------------------------------------------------- SQL dumps

_SQL_INSERT = re.compile(r"\binsert\s+(?:ignore\s+)?into\b[^;]*?\bvalues\b", re.I | re.S)
_SQL_TOKEN = re.compile(
    r"""'((?:[^'\\]|\\.|'')*)'|"((?:[^"\\]|\\.|"")*)"|([(),;])|[^'"(),;]+""",
    re.S,
)
_SQL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "", "Z": ""}
_SQL_UNESCAPE = re.compile(r"\\(.)|''|\"\"", re.S)


def _sql_unescape(s: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)[0]
        return _SQL_ESCAPES.get(m.group(1), m.group(1))

    return _SQL_UNESCAPE.sub(one, s)


def _read_sql(text: str) -> _Raw:
    raw = _Raw([], [])
    pos = 0
    while True:
        m = _SQL_INSERT.search(text, pos)
        if not m:
            return raw
        pos, depth, start, strings = m.end(), 0, 0, []
        while pos < len(text):
            tok = _SQL_TOKEN.match(text, pos)
            if tok is None:  # an unterminated string: give up on this statement
                raw.bad_lines.append(text.count("\n", 0, pos) + 1)
                pos = len(text)
                break
            pos = tok.end()
            punct = tok.group(3)
            if tok.group(1) is not None or tok.group(2) is not None:
                if depth:
                    body = tok.group(1) if tok.group(1) is not None else tok.group(2)
                    strings.append(_sql_unescape(body).strip())
            elif punct == "(":
                if depth == 0:
                    start, strings = tok.start(), []
                depth += 1
            elif punct == ")" and depth:
                depth -= 1
                if depth == 0:
                    lineno = text.count("\n", 0, start) + 1
                    if len(strings) >= 2 and strings[0] and strings[1]:
                        raw.records.append((strings[0], strings[1], lineno, 1.0, ""))
                    else:
                        raw.bad_lines.append(lineno)
            elif punct == ";" and depth == 0:
                break


# --------------------------------------------------------------------------- sniffing


def sniff_format(text: str) -> str:
    """Guess the format of a dictionary's *text* (see the module docstring)."""
    head = text[:50_000]
    lines = [line for _, line in itertools.islice(_content_lines(head), _LINE_SAMPLE)]
    first = head.lstrip("\ufeff").lstrip()
    if first.startswith("#") and "zhrepair" in first.split("\n", 1)[0].lower():
        return "zhrepair"
    if _SQL_INSERT.search(head):
        return "sql"
    if "<?php" in head or (lines and sum(bool(_PHP_PAIR.search(x)) for x in lines) * 2 >= len(lines)):
        return "php"
    if not lines:
        raise LexiconError("no entries found (empty file, or only comments)")
    native = sum(_looks_native(x) for x in lines)
    if native * 2 > len(lines):
        return "zhrepair"
    counts = {}
    for fmt, split in _LINE_SPLITTERS.items():
        counts[fmt] = sum(_splits_cleanly(split, x if fmt == "tab" else x.strip()) for x in lines)
        if counts[fmt] >= 0.6 * len(lines):
            return fmt
    best = max(counts, key=lambda f: counts[f])  # first in priority order on ties
    if counts[best] == 0:
        raise LexiconError(f"cannot tell the format; first entry line: {lines[0][:60]!r}; pass --format")
    return best


def _splits_cleanly(split: Callable[[str], Optional[list[str]]], line: str) -> bool:
    parts = split(line)
    return bool(parts) and all(p.strip(_SIDE_JUNK) for p in parts)


def _looks_native(line: str) -> bool:
    cols = line.split("\t")
    if len(cols) < 3:
        return False
    try:
        float(cols[2])
    except ValueError:
        return False
    return bool(cols[0].strip() and cols[1].strip())


# --------------------------------------------------------------------------- direction


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


# --------------------------------------------------------------------------- public API

_READERS: dict[str, Callable[[str], _Raw]] = {
    "php": _read_php,
    "sql": _read_sql,
    "zhrepair": _read_native,
    **{fmt: functools.partial(_read_lines, fmt=fmt) for fmt in _LINE_SPLITTERS},
}


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
    raw = _READERS[fmt](text)
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


def _finish(raw: _Raw, fmt: str, encoding: str, direction: str, reason: str) -> ImportResult:
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


# --------------------------------------------------------------------------- CLI


def configure_parser(p: argparse.ArgumentParser) -> None:
    """Add the ``zhrepair lexicon import`` arguments to *p*."""
    p.add_argument("path", metavar="PATH", help="the spinner dictionary file")
    p.add_argument("--format", default="auto", choices=FORMATS + tuple(FORMAT_ALIASES),
                   help="file format (default: auto, sniffed)")
    p.add_argument("--direction", default="auto", choices=DIRECTIONS,
                   help="which side is the original (default: auto, by word frequency)")
    p.add_argument("--encoding", default="auto", help="codec name (default: auto = UTF-8, else GB18030)")
    p.add_argument("-o", "--output", metavar="OUT.tsv", help="write here (atomically) instead of stdout")
    p.add_argument("--source", metavar="NAME", help="the source column (default: the file's stem)")
    p.add_argument("--weight", type=float, default=None,
                   help="weight of every entry (default: 1, or the file's own for zhrepair files)")


def to_tsv(result: ImportResult, source: str, weight: Optional[float] = None, origin: str = "") -> str:
    """Native TSV text for *result*, with a ``#`` header saying how it was read."""
    source = " ".join(source.split())
    lines = [
        f"# zhrepair lexicon imported from {origin or '?'}",
        f"# format={result.format} direction={result.direction} ({result.direction_reason}) "
        f"encoding={result.encoding} pairs={len(result.pairs)}",
        "# spun\toriginal\tweight\tsource",
    ]
    for i, (spun, original) in enumerate(result.pairs):
        w = weight if weight is not None else (result.weights[i] if result.weights else 1.0)
        src = (result.sources[i] if result.sources else "") or source
        lines.append(f"{spun}\t{original}\t{w:g}\t{src}")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def run(args: argparse.Namespace) -> int:
    """``zhrepair lexicon import``: convert ``args.path``; 0 on success, 2 on unusable input."""
    from .cli import InputError

    path = Path(args.path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        result = read_pairs_with_info(path, format=args.format, direction=args.direction, encoding=args.encoding)
    except (OSError, LexiconError, ValueError) as exc:
        raise InputError(str(exc)) from None
    if not result.pairs:
        raise InputError(f"{path}: no pairs found ({result.summary()}); check --format and --encoding")
    text = to_tsv(result, source=args.source or path.stem, weight=args.weight, origin=path.name)
    if args.output and args.output != "-":
        out = Path(args.output)
        try:
            _write_atomic(out, text)
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
        where = str(out)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
        where = "stdout"
    print(f"zhrepair: {path.name}: {result.summary()} -> {where}", file=sys.stderr)
    return 0
