"""The records going in: which files to read (:func:`expand_inputs`) and every record in
them, in order (:func:`iter_items`), unreadable ones included as error items.

*.jsonl / *.ndjson hold one JSON object a line; any other file is one text document;
folders are searched recursively for a glob; *.gz files are read compressed; ``-`` is
stdin (JSONL if its first line is a JSON object, otherwise one text document), and so
is a pipe given by name (``<(zcat dump.gz)``, a FIFO).
"""

from __future__ import annotations

import fnmatch
import gzip
import itertools
import json
import logging
import math
import os
import stat
import sys
import zlib
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator, Sequence, cast

from ..errors import TextDecodeError
from ..fileio import decode_utf8

log = logging.getLogger(__name__)

#: Deepest nesting of lists and objects a JSONL record may have.
MAX_DEPTH = 200

DEFAULT_GLOB = "*.txt,*.jsonl,*.jsonl.gz,*.txt.gz"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass
class Item:
    """One input record: a text to repair, or the reason it could not be read."""

    file: str
    line: int | None
    text: str | None = None
    fields: dict[str, Any] | None = None  # the JSONL object, when the record is one
    error: str | None = None
    raw: bytes | None = None


@dataclass(frozen=True)
class Source:
    """One input: a file path and how to read it: ``"jsonl"``, ``"text"``, ``"stdin"``, or
    ``"stream"`` (a pipe, read like stdin: JSONL if its first line is a JSON object)."""

    path: str
    kind: str


def _is_jsonl(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES)


def _open(path: str) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if path.lower().endswith(".gz") else open(path, "rb")


def expand_inputs(paths: Sequence[str], glob: str = DEFAULT_GLOB, exclude: Sequence[str] = ()) -> list[Source]:
    """The files to read, in a deterministic order; ``OSError`` for a path that is not there."""
    patterns = [g.strip() for g in glob.split(",") if g.strip()]
    skip = {os.path.realpath(p) for p in exclude}
    out: list[Source] = []
    for path in paths or [STDIN]:
        if path == STDIN:
            out.append(Source(STDIN, "stdin"))
        elif os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in files:
                    full = os.path.join(root, name)
                    if any(fnmatch.fnmatch(name, g) for g in patterns) and os.path.realpath(full) not in skip:
                        found.append(full)
            if not found:
                log.warning("%s: no files match %s", path, glob)
            out.extend(Source(p, "jsonl" if _is_jsonl(p) else "text") for p in sorted(found))
        elif os.path.exists(path):  # a file, or a pipe such as <(zcat dump.gz)
            if not os.access(path, os.R_OK):
                raise OSError(f"cannot read {path}: permission denied")
            kind = "jsonl" if _is_jsonl(path) else "text" if _is_regular(path) else "stream"
            out.append(Source(path, kind))
        else:
            raise OSError(f"cannot read {path}: no such file or directory")
    return out


def count_records(sources: Sequence[Source]) -> int | None:
    """The number of records when it is cheap to know (uncompressed files only), else ``None``."""
    total = 0
    for s in sources:
        if s.kind == "text":
            total += 1
        elif s.kind == "jsonl" and not s.path.lower().endswith(".gz") and _is_regular(s.path):
            with open(s.path, "rb") as f:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        else:
            return None
    return total


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def check_fields(obj: Any, file: str, line: int | None, field: str, raw: bytes | None) -> Item:
    """A decoded JSON record as an :class:`Item`: its *field* must hold a string."""
    if not isinstance(obj, dict):
        return Item(file, line, error=f"not a JSON object but {type(obj).__name__}", raw=raw)
    value = obj.get(field)
    if field not in obj:
        return Item(file, line, error=f'missing field "{field}"', raw=raw)
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        return Item(file, line, error=f'field "{field}" is {kind}, not a string', raw=raw)
    problem = surrogate_problem(value)
    if problem is not None:
        return Item(file, line, error=problem, raw=raw)
    return Item(file, line, text=value, fields=obj)


def surrogate_problem(text: str) -> str | None:
    """Why *text* is not valid Unicode text (its first unpaired surrogate), or ``None``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"invalid text: unpaired surrogate {text[exc.start]!r} at character {exc.start}"
    return None


def _no_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise ValueError(f"number {token[:20]} is out of range")
    return value


def _depth(obj: Any) -> int:
    """How deeply *obj*'s lists and objects nest (iteratively: no recursion limit)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse_jsonl_line(raw: bytes, file: str, line: int, field: str = "text") -> Item | None:
    """One JSONL line as an :class:`Item`; ``None`` for a blank line (not a record).

    Records are strict JSON: ``NaN``, ``Infinity`` and numbers beyond a float's range
    are errors (the output would not be JSON, or would change them), and so is nesting
    deeper than :data:`MAX_DEPTH` (beyond what every JSON library, and the worker
    processes' messages, handle). An error item keeps the line's bytes.
    """
    body = raw.rstrip(b"\r\n")
    if not body.strip():
        return None
    try:
        s = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Item(file, line, error=f"invalid UTF-8 at byte {exc.start}", raw=body)
    too_deep = f"not usable JSON: nested deeper than {MAX_DEPTH} levels"
    try:
        obj = json.loads(s, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        return Item(file, line, error=too_deep, raw=body)
    except ValueError as exc:
        return Item(file, line, error=f"not JSON: {exc}", raw=body)
    if (body.count(b"[") + body.count(b"{") > MAX_DEPTH) and _depth(obj) > MAX_DEPTH:
        return Item(file, line, error=too_deep, raw=body)
    return check_fields(obj, file, line, field, raw=body)


def _jsonl_items(lines: Iterable[bytes], file: str, field: str, first: int = 1) -> Iterator[Item]:
    n = first - 1
    try:
        for n, raw in enumerate(lines, first):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            item = parse_jsonl_line(raw, file, n, field)
            if item is not None:
                yield item
    except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip, I/O error
        yield Item(file, n + 1, error=f"cannot read further: {exc}", raw=b"")


def _text_item(data: bytes, file: str) -> Item:
    try:
        return Item(file, None, text=decode_utf8(data, keep_bom=True))
    except TextDecodeError as exc:
        return Item(file, None, error=f"invalid UTF-8 at byte {exc.start}", raw=data)


def _stream_items(stream: IO[bytes], field: str, name: str = STDIN_NAME) -> Iterator[Item]:
    head: list[bytes] = []
    for raw in stream:
        head.append(raw)
        if raw.strip():
            break
    first = b"".join(head).lstrip(b"\xef\xbb\xbf").strip()
    try:
        is_jsonl = first.startswith(b"{") and isinstance(json.loads(first.decode("utf-8")), dict)
    except RecursionError:  # a deeply nested object: JSONL, and an error record
        is_jsonl = True
    except ValueError:
        is_jsonl = False
    if is_jsonl:
        yield from _jsonl_items(itertools.chain(head, stream), name, field)
    elif head:
        yield _text_item(b"".join(head) + stream.read(), name)


def iter_items(sources: Iterable[Source], field: str = "text", stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every record of *sources*, in order (unreadable ones as error items).

    *field* is the JSONL key holding the text; *stdin* the stream ``-`` reads (default:
    the process's stdin).
    """
    for src in sources:
        if src.kind == "stdin":
            yield from _stream_items(stdin or sys.stdin.buffer, field)
            continue
        try:
            f = _open(src.path)
        except OSError as exc:
            yield Item(src.path, None, error=f"cannot open: {exc.strerror or exc}", raw=b"")
            continue
        with f:
            if src.kind == "stream":
                yield from _stream_items(f, field, src.path)
            elif src.kind == "jsonl":
                yield from _jsonl_items(f, src.path, field)
            else:
                try:
                    data = f.read()
                except (OSError, EOFError, zlib.error) as exc:
                    yield Item(src.path, None, error=f"cannot read: {exc}", raw=b"")
                    continue
                yield _text_item(data, src.path)
