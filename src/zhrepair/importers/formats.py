"""Reading the formats of spinner dictionaries: decoding bytes, then one reader per format.

Each reader turns decoded text into :class:`RawRecords`: ``(first, second)`` sides in
file order, before any direction is applied, plus the lines it could not read. Line
formats (arrow, eq, dash, space, tab, comma) split one entry a line; ``php`` and ``sql``
find the string pairs of an array or an ``INSERT`` dump; ``zhrepair`` is the native TSV,
read by :func:`zhrepair.lexicon.read_tsv` (non-strict: malformed lines are counted).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from ..errors import LexiconError
from ..lexicon import read_tsv

log = logging.getLogger(__name__)

Pair = tuple[str, str]

FORMATS = ("auto", "arrow", "eq", "dash", "space", "tab", "comma", "php", "sql", "zhrepair")
DIRECTIONS = ("auto", "original-first", "spun-first")
FORMAT_ALIASES = {"tsv": "tab", "csv": "comma", "native": "zhrepair"}

#: Which side each format conventionally puts first when no direction is given.
CONVENTION = {fmt: "original-first" for fmt in FORMATS}
CONVENTION["zhrepair"] = "spun-first"

# Full-width and look-alike separators, mapped before a line is split.
_SEPARATORS = str.maketrans(
    {"＝": "=", "，": ",", "－": "-", "＞": ">", "｜": "|", "\u3000": " ", "\u200b": None, "\ufeff": None}
)
_COMMENT = re.compile(r"\s*(?:#|//|--|;|/\*|\*)")
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|—>|⟶)\s*")
_COMMA = re.compile(r"\s*,\s*")
#: Characters stripped from both sides of an entry.
SIDE_JUNK = " \t,;"


@dataclass
class RawRecords:
    """Records as read, before the direction is applied."""

    records: list[tuple[str, str, int, float, str]] = field(default_factory=list)
    """``(first, second, lineno, weight, source)``."""
    bad_lines: list[int] = field(default_factory=list)


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
    parts = _COMMA.split(line.strip(SIDE_JUNK))
    return parts if len(parts) >= 2 else None


#: Line formats in sniffing priority order: the first that reads most lines wins.
LINE_SPLITTERS: dict[str, Callable[[str], Optional[list[str]]]] = {
    "tab": _split_tab,
    "arrow": _split_arrow,
    "eq": _split_eq,
    "comma": _split_comma,
    "dash": _split_dash,
    "space": _split_space,
}


def content_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(lineno, line)`` for lines that are neither blank nor comments, separators normalised."""
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.translate(_SEPARATORS).strip("\r\n")
        if not line.strip() or _COMMENT.match(line):
            continue
        yield lineno, line


def _read_lines(text: str, fmt: str) -> RawRecords:
    split = LINE_SPLITTERS[fmt]
    raw = RawRecords()
    for lineno, line in content_lines(text):
        parts = split(line if fmt == "tab" else line.strip())
        parts = [p.strip(SIDE_JUNK) for p in parts] if parts else None
        if not parts or not all(parts):
            raw.bad_lines.append(lineno)
            continue
        head = parts[0]
        raw.records.extend((head, other, lineno, 1.0, "") for other in parts[1:])
    return raw


def _read_native(text: str) -> RawRecords:
    rows = read_tsv(text, strict=False)
    records = [(e.spun, e.original, n, e.weight, e.source) for e, n in zip(rows.entries, rows.lines)]
    return RawRecords(records, rows.bad_lines)


# --------------------------------------------------------------------------- PHP arrays

_PHP_STR = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
PHP_PAIR = re.compile(_PHP_STR + r"\s*=>\s*" + _PHP_STR)  # groups 1|2 => 3|4
_BACKSLASH = re.compile(r"\\(.)", re.S)


def _php_unescape(s: str) -> str:
    return _BACKSLASH.sub(r"\1", s)


def _read_php(text: str) -> RawRecords:
    raw = RawRecords()
    for lineno, line in content_lines(text):
        found = False
        for m in PHP_PAIR.finditer(line):
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

SQL_INSERT = re.compile(r"\binsert\s+(?:ignore\s+)?into\b[^;]*?\bvalues\b", re.I | re.S)
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


def _read_sql(text: str) -> RawRecords:
    raw = RawRecords()
    pos = 0
    while True:
        m = SQL_INSERT.search(text, pos)
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


#: The reader of each format (``auto`` is sniffed first, see :mod:`.sniff`).
READERS: dict[str, Callable[[str], RawRecords]] = {
    "php": _read_php,
    "sql": _read_sql,
    "zhrepair": _read_native,
    **{fmt: functools.partial(_read_lines, fmt=fmt) for fmt in LINE_SPLITTERS},
}
