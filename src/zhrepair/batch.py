"""Batch-clean scraped articles: JSONL, .txt files, folders, gzip or stdin in; JSONL out.

Every input record gives exactly one output line, in input order: the repaired text (in
the --field key, or "text"), "spin_score", "changed", "removed" (page chrome and keyword
stuffing taken out), "edits" (every change with its offsets into the input; --no-edits
leaves them out), and the record's source "file" and "line". JSONL records keep all their
other fields. A record that cannot be read (invalid UTF-8, not JSON, no --field, not a
string) becomes an error record {"error", "file", "line", "raw"} and the batch goes on.
An empty document comes back unchanged, with "warning": "empty document".

Inputs: *.jsonl / *.ndjson (one JSON object a line), any other file is one text document
(its id is its path), folders are searched recursively for --glob, *.gz files are read
compressed, "-" (or no INPUT) reads stdin: JSONL if its first line is a JSON object,
otherwise one text document.

Output goes to -o OUT.jsonl (written as OUT.jsonl.partial, renamed when complete) or to
stdout. --resume continues a run that was killed, from OUT.jsonl.partial, and ends with
the same bytes as an uninterrupted run (give it the same inputs and options).

Exit status: 0 all records repaired, 1 some records are error records, 2 bad usage, an
input path that cannot be read, or worker processes that cannot run. A summary goes to
stderr; a progress bar too when stderr is a terminal.

example:
  zhrepair clean pages/ --glob '*.txt' -o clean.jsonl --jobs 4
  zhrepair clean dump.jsonl.gz --field content --id-field url -o clean.jsonl --resume
  cat page.txt | zhrepair clean --no-edits | jq -r .text

From Python, :func:`clean_records` runs the same loop over any iterable of records.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import gzip
import itertools
import json
import logging
import multiprocessing
import os
import sys
import time
import zlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence

from .results import Edit, EditKind, RepairResult

log = logging.getLogger(__name__)

__all__ = ["Item", "Options", "clean_records", "configure_parser", "iter_items", "run"]

DEFAULT_GLOB = "*.txt,*.jsonl,*.jsonl.gz,*.txt.gz"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
STDIN = "-"
STDIN_NAME = "<stdin>"

# Output keys added to every record; a JSONL field of the same name moves to "shadowed".
META_KEYS = ("spin_score", "changed", "removed", "edits", "warning", "file", "line")

_CHUNK_CHARS = 1_000_000  # a chunk sent to a worker holds at most about this much text
_FSYNC_SECONDS = 2.0


# -- records ------------------------------------------------------------------------------
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
class Options:
    """What :func:`clean_records` does per record (the ``clean`` options)."""

    field: str = "text"
    id_field: str = "id"
    chrome: bool = True
    stuffing: bool = True
    edits: bool = True

    def repair_options(self) -> dict[str, Any]:
        return {"remove_chrome": self.chrome, "deletions": self.stuffing, "explain": self.edits}


def _error_record(item: Item) -> dict[str, Any]:
    rec: dict[str, Any] = {"error": item.error, "file": item.file, "line": item.line}
    raw = item.raw or b""
    try:
        rec["raw"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        rec["raw"] = raw.decode("utf-8", errors="replace")
        rec["raw_base64"] = base64.b64encode(raw).decode("ascii")
    return rec


def _failed(item: Item, reason: str) -> dict[str, Any]:
    """The error record of a record that was read but could not be repaired."""
    raw = json.dumps(item.fields, ensure_ascii=True) if item.fields is not None else (item.text or "")
    failed = Item(item.file, item.line, error=reason, raw=raw.encode("utf-8", "surrogatepass"))
    return _error_record(failed)


def _removed(edits: Sequence[Edit]) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind.value, "start": e.start, "end": e.end, "text": e.before}
        for e in edits
        if e.kind in (EditKind.CHROME, EditKind.DELETION)
    ]


def clean_item(item: Item, repairer: Any, opts: Options) -> dict[str, Any]:
    """The output record of one :class:`Item` (an error record when it cannot be repaired)."""
    if item.error is not None:
        return _error_record(item)
    text = item.text or ""
    warning = None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _failed(item, f"invalid text: unpaired surrogate {text[exc.start]!r} at character {exc.start}")
    if not text.strip():
        result, warning = RepairResult(text), "empty document"
    else:
        try:
            result = repairer.repair(text, **opts.repair_options())  # chrome: RepairConfig.remove_chrome
        except Exception as exc:  # one bad document must not stop the batch
            log.debug("repair failed at %s:%s", item.file, item.line, exc_info=True)
            return _failed(item, f"repair failed: {type(exc).__name__}: {exc}")
    if item.fields is not None:
        rec = dict(item.fields)
    else:
        rec = {opts.id_field: item.file}
    shadowed = {k: rec.pop(k) for k in META_KEYS if k in rec}
    rec[opts.field] = result.text
    rec["spin_score"] = round(result.spin_score, 4)
    rec["changed"] = result.text != text
    rec["removed"] = _removed(result.edits)
    if opts.edits:
        rec["edits"] = [e.to_dict() for e in result.edits]
    if warning:
        rec["warning"] = warning
    rec["file"], rec["line"] = item.file, item.line
    if shadowed:
        rec["shadowed"] = shadowed
    return rec


def _status(rec: Mapping[str, Any]) -> str:
    if "error" in rec and "spin_score" not in rec:
        return "error"
    if rec.get("warning") == "empty document":
        return "empty"
    return "repaired" if rec.get("changed") else "unchanged"


def encode_record(rec: Mapping[str, Any]) -> bytes:
    """One output line (UTF-8, ends with a newline); lone surrogates are \\u-escaped."""
    line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
    try:
        return line.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(rec, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def _as_item(rec: Any, n: int, file: str, opts: Options) -> Item:
    if isinstance(rec, Item):
        return rec
    if isinstance(rec, str):
        return Item(file, n, text=rec, fields=None)
    if isinstance(rec, Mapping):
        return _check_fields(dict(rec), file, n, opts, raw=None)
    return Item(file, n, error=f"not a record: {type(rec).__name__}", raw=repr(rec).encode("utf-8"))


def clean_records(
    records: Iterable[Any], repairer: Any = None, *, options: Options | None = None, file: str = "<records>", **kw: Any
) -> Iterator[dict[str, Any]]:
    """Repair each record and yield its output record, in order; never raises per record.

    *records*: strings (documents), mappings (with ``options.field``) or :class:`Item`.
    *repairer*: a :class:`zhrepair.Repairer` (default: the shared one). Keywords are
    :class:`Options` fields (``field``, ``chrome``, ``stuffing``, ``edits``, ...).

        >>> for rec in clean_records([{"id": 1, "text": doc}], edits=False):
        ...     print(rec["text"], rec["spin_score"])
    """
    opts = options or Options(**kw)
    if repairer is None:
        from . import default_repairer

        repairer = default_repairer()
    for n, rec in enumerate(records, 1):
        yield clean_item(_as_item(rec, n, file, opts), repairer, opts)


# -- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    path: str
    kind: str  # "jsonl", "text" or "stdin"


def _is_jsonl(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES)


def _open(path: str) -> IO[bytes]:
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


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
        elif os.path.isfile(path):
            if not os.access(path, os.R_OK):
                raise OSError(f"cannot read {path}: permission denied")
            out.append(Source(path, "jsonl" if _is_jsonl(path) else "text"))
        else:
            raise OSError(f"cannot read {path}: no such file or directory")
    return out


def _check_fields(obj: Any, file: str, line: int | None, opts: Options, raw: bytes | None) -> Item:
    if not isinstance(obj, dict):
        return Item(file, line, error=f"not a JSON object but {type(obj).__name__}", raw=raw)
    value = obj.get(opts.field)
    if opts.field not in obj:
        return Item(file, line, error=f'missing field "{opts.field}"', raw=raw)
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        return Item(file, line, error=f'field "{opts.field}" is {kind}, not a string', raw=raw)
    return Item(file, line, text=value, fields=obj)


def parse_jsonl_line(raw: bytes, file: str, line: int, opts: Options) -> Item | None:
    """One JSONL line as an :class:`Item`; ``None`` for a blank line (not a record)."""
    body = raw.rstrip(b"\r\n")
    if not body.strip():
        return None
    try:
        s = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Item(file, line, error=f"invalid UTF-8 at byte {exc.start}", raw=body)
    try:
        obj = json.loads(s)
    except ValueError as exc:
        return Item(file, line, error=f"not JSON: {exc}", raw=body)
    return _check_fields(obj, file, line, opts, raw=body)


def _jsonl_items(lines: Iterable[bytes], file: str, opts: Options, first: int = 1) -> Iterator[Item]:
    n = first - 1
    try:
        for n, raw in enumerate(lines, first):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            item = parse_jsonl_line(raw, file, n, opts)
            if item is not None:
                yield item
    except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip, I/O error
        yield Item(file, n + 1, error=f"cannot read further: {exc}", raw=b"")


def _text_item(data: bytes, file: str) -> Item:
    try:
        return Item(file, None, text=data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return Item(file, None, error=f"invalid UTF-8 at byte {exc.start}", raw=data)


def _stdin_items(stream: IO[bytes], opts: Options) -> Iterator[Item]:
    head: list[bytes] = []
    for raw in stream:
        head.append(raw)
        if raw.strip():
            break
    first = b"".join(head).lstrip(b"\xef\xbb\xbf").strip()
    try:
        is_jsonl = first.startswith(b"{") and isinstance(json.loads(first.decode("utf-8")), dict)
    except ValueError:
        is_jsonl = False
    if is_jsonl:
        yield from _jsonl_items(itertools.chain(head, stream), STDIN_NAME, opts)
    elif head:
        yield _text_item(b"".join(head) + stream.read(), STDIN_NAME)


def iter_items(sources: Iterable[Source], opts: Options, stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every record of *sources*, in order (unreadable ones as error items)."""
    for src in sources:
        if src.kind == "stdin":
            yield from _stdin_items(stdin or sys.stdin.buffer, opts)
            continue
        try:
            f = _open(src.path)
        except OSError as exc:
            yield Item(src.path, None, error=f"cannot open: {exc.strerror or exc}", raw=b"")
            continue
        with f:
            if src.kind == "jsonl":
                yield from _jsonl_items(f, src.path, opts)
            else:
                try:
                    data = f.read()
                except (OSError, EOFError, zlib.error) as exc:
                    yield Item(src.path, None, error=f"cannot read: {exc}", raw=b"")
                    continue
                yield _text_item(data, src.path)


# -- workers ------------------------------------------------------------------------------
_worker: tuple[Any, Options] | None = None


_repairers: dict[tuple[Any, ...], Any] = {}


def _make_repairer(spec: Mapping[str, Any]) -> Any:
    """The process's :class:`Repairer` for these lexicons, built and loaded once."""
    from .repairer import Repairer

    key = (tuple(spec.get("lexicons", ())), bool(spec.get("default_lexicon", True)))
    if key not in _repairers:
        _repairers[key] = Repairer(lexicons=key[0], default_lexicon=key[1]).load()
    return _repairers[key]


def _init_worker(spec: Mapping[str, Any], opts: Options) -> None:
    global _worker
    logging.basicConfig(level=spec.get("log_level", logging.WARNING), format="zhrepair: %(message)s")
    _worker = (_make_repairer(spec), opts)


def _work(chunk: list[Item]) -> list[tuple[bytes, str, int]]:
    assert _worker is not None, "worker not initialised"
    repairer, opts = _worker
    return [_one(item, repairer, opts) for item in chunk]


def _one(item: Item, repairer: Any, opts: Options) -> tuple[bytes, str, int]:
    rec = clean_item(item, repairer, opts)
    return encode_record(rec), _status(rec), len(item.text or "")


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.text or "")
        if len(chunk) >= size or chars >= _CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


class WorkerFailure(RuntimeError):
    """Worker processes cannot start, or keep dying: the run stops (resumable)."""


def _ping() -> bool:
    return _worker is not None


class _Pool:
    """N worker processes, ordered results, at most ``window`` chunks in flight.

    A worker that dies (segfault, out of memory) breaks the pool: the pool is rebuilt,
    the chunks in flight are sent again, and the chunk that was running is retried one
    record at a time, so only a record that kills a worker twice becomes an error record.
    Workers that cannot start, or die three times in a row, raise :class:`WorkerFailure`.
    """

    MAX_DEATHS_IN_ROW = 3

    def __init__(self, jobs: int, spec: Mapping[str, Any], opts: Options) -> None:
        self.jobs, self.spec, self.opts = jobs, spec, opts
        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if self.ctx.get_start_method() == "forkserver":
            self.ctx.set_forkserver_preload([__name__, "zhrepair.repairer"])  # import once, fork workers
        self.deaths = 0
        self.ex = self._new()
        try:
            self.ex.submit(_ping).result()
        except BrokenProcessPool as exc:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise WorkerFailure(f"cannot start worker processes ({exc}); try --jobs 1") from None

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self.ctx, initializer=_init_worker, initargs=(self.spec, self.opts))

    def _died(self) -> None:
        self.deaths += 1
        self.ex.shutdown(wait=False, cancel_futures=True)
        if self.deaths >= self.MAX_DEATHS_IN_ROW:
            raise WorkerFailure(f"worker processes died {self.deaths} times in a row")
        self.ex = self._new()

    def _retry_single(self, chunk: list[Item]) -> Iterator[tuple[bytes, str, int]]:
        for item in chunk:
            try:
                result = self.ex.submit(_work, [item]).result()[0]
            except BrokenProcessPool:
                self._died()
                log.error("%s:%s: worker process died on this record", item.file, item.line)
                yield encode_record(_failed(item, "worker process died on this record")), "error", len(item.text or "")
            else:
                self.deaths = 0
                yield result

    def map(self, chunks: Iterable[list[Item]]) -> Iterator[tuple[bytes, str, int]]:
        window = self.jobs * 3
        inflight: deque[tuple[list[Item], Any]] = deque()
        it = iter(chunks)
        done = False
        while True:
            while not done and len(inflight) < window:
                chunk = next(it, None)
                if chunk is None:
                    done = True
                    break
                inflight.append((chunk, self.ex.submit(_work, chunk)))
            if not inflight:
                return
            chunk, fut = inflight.popleft()
            try:
                results = fut.result()
            except BrokenProcessPool:
                log.warning("a worker process died; retrying its records one by one")
                self._died()
                yield from self._retry_single(chunk)
                inflight = deque((c, self.ex.submit(_work, c)) for c, _ in inflight)
                continue
            self.deaths = 0
            yield from results

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


# -- writing ------------------------------------------------------------------------------
class _Output:
    """Output lines to stdout, or to ``OUT.partial`` renamed to ``OUT`` when complete."""

    def __init__(self, path: str | None, resume: bool) -> None:
        self.path = path
        self.done = 0  # records already in the output when resuming
        self.done_errors = 0
        self.last_sync = time.monotonic()
        if path is None:
            self.f: IO[bytes] = sys.stdout.buffer
            return
        self.partial = path + ".partial"
        if resume and not os.path.exists(self.partial) and os.path.exists(path):
            os.replace(path, self.partial)  # a finished run: check it, keep it
        if resume and os.path.exists(self.partial):
            self.f = open(self.partial, "r+b")
            self._recover()
        else:
            if os.path.exists(self.partial):
                log.info("%s exists; starting afresh (use --resume to continue it)", self.partial)
            self.f = open(self.partial, "wb")

    def _recover(self) -> None:
        """Drop a trailing incomplete line; count the complete records and the errors."""
        good = 0
        for line in self.f:
            if not line.endswith(b"\n"):
                break
            good += len(line)
            self.done += 1
            if line.startswith(b'{"error":') and _status(json.loads(line)) == "error":
                self.done_errors += 1
        self.f.seek(good)
        self.f.truncate()
        log.info("resuming after %d complete record(s) in %s", self.done, self.partial)

    def write(self, line: bytes) -> None:
        self.f.write(line)
        if self.path is not None and time.monotonic() - self.last_sync > _FSYNC_SECONDS:
            self.sync()

    def sync(self) -> None:
        self.f.flush()
        if self.path is not None:
            os.fsync(self.f.fileno())
        self.last_sync = time.monotonic()

    def finish(self) -> None:
        self.sync()
        if self.path is None:
            return
        self.f.close()
        os.replace(self.partial, self.path)
        try:
            fd = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            pass

    def abandon(self) -> None:
        try:
            self.sync()
            if self.path is not None:
                self.f.close()
        except (OSError, ValueError):
            pass


# -- command ------------------------------------------------------------------------------
def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="JSONL, text file, folder, .gz, or - for stdin (default)")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="write here (atomically) instead of stdout")
    p.add_argument("--field", default="text", help="JSONL field holding the text (default: text)")
    p.add_argument("--id-field", default="id", help="key of a text file's path in its record (default: id)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1; 0 = one per CPU)")
    p.add_argument("--chunksize", type=int, default=8, metavar="N", help="records sent to a worker at a time (default 8)")
    p.add_argument("--resume", action="store_true", help="continue OUT.jsonl.partial from an interrupted run (needs -o)")
    p.add_argument("--glob", default=DEFAULT_GLOB, metavar="PATTERN", help=f"files to take from folders, comma-separated (default: {DEFAULT_GLOB})")
    p.add_argument("--no-chrome", action="store_true", help="keep page chrome (浏览次数:, 返回列表, the repeated title, ...)")
    p.add_argument("--no-stuffing", action="store_true", help="keep keyword stuffing (机制创新， stays)")
    p.add_argument("--edits", action=argparse.BooleanOptionalAction, default=True, help="include every edit in the output (default: yes)")


def _total(sources: Sequence[Source]) -> int | None:
    """The number of records when it is cheap to know (for the progress bar's ETA)."""
    total = 0
    for s in sources:
        if s.kind == "text":
            total += 1
        elif s.kind == "jsonl" and not s.path.lower().endswith(".gz"):
            with open(s.path, "rb") as f:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        else:
            return None
    return total


class _Stats:
    def __init__(self) -> None:
        self.counts = {"repaired": 0, "unchanged": 0, "empty": 0, "error": 0}
        self.chars = 0
        self.start = time.monotonic()

    def add(self, status: str, chars: int) -> None:
        self.counts[status] += 1
        self.chars += chars

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def summary(self, resumed: int, resumed_errors: int) -> str:
        c, secs = self.counts, time.monotonic() - self.start
        total = self.records + resumed
        unchanged = f"{c['unchanged'] + c['empty']} unchanged" + (f" ({c['empty']} empty)" if c["empty"] else "")
        rate = f"{self.records / secs:.1f} docs/s, {self.chars / secs:,.0f} chars/s" if secs > 0 else "-"
        text = (
            f"zhrepair clean: {total} records: {c['repaired']} repaired, {unchanged}, "
            f"{c['error'] + resumed_errors} errors; {self.chars:,} chars in {secs:.1f} s ({rate})"
        )
        if resumed:
            text += f"; {resumed} records ({resumed_errors} errors) kept from the interrupted run"
        return text


def _results(items: Iterable[Item], args: argparse.Namespace, spec: dict[str, Any], opts: Options):
    if args.jobs == 1:
        repairer = _make_repairer(spec)
        for item in items:
            yield _one(item, repairer, opts)
        return
    pool = _Pool(args.jobs, spec, opts)
    try:
        yield from pool.map(_chunks(items, max(1, args.chunksize)))
    finally:
        pool.close()


def run(args: argparse.Namespace) -> int:
    """``zhrepair clean``: returns 0, 1 (some error records) or 2 (bad usage)."""
    from .cli import EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE, InputError

    def usage(msg: str) -> int:
        print(f"zhrepair clean: error: {msg}", file=sys.stderr)
        return EXIT_USAGE

    out_path = args.output
    if args.resume and not out_path:
        return usage("--resume needs -o OUT.jsonl (it continues OUT.jsonl.partial)")
    if args.jobs < 0 or args.chunksize < 1:
        return usage("--jobs must be >= 0 and --chunksize >= 1")
    jobs = args.jobs or os.cpu_count() or 1
    args.jobs = jobs
    if out_path:
        out_dir = os.path.dirname(os.path.abspath(out_path))
        if not os.path.isdir(out_dir):
            return usage(f"cannot write {out_path}: no such directory")
        if os.path.isdir(out_path):
            return usage(f"cannot write {out_path}: it is a directory")
    inputs = list(args.inputs) or [STDIN]
    if out_path and any(p != STDIN and os.path.realpath(p) == os.path.realpath(out_path) for p in inputs):
        return usage(f"{out_path} is also an input")
    if inputs.count(STDIN) > 1:
        return usage("stdin (-) can be read only once")
    try:
        exclude = [out_path, out_path + ".partial"] if out_path else []
        sources = expand_inputs(inputs, args.glob, exclude=exclude)
    except OSError as exc:
        raise InputError(str(exc)) from None

    for lex in getattr(args, "lexicon", None) or ():
        if not os.path.isfile(lex):
            raise InputError(f"cannot read lexicon {lex}: no such file")
    opts = Options(field=args.field, id_field=args.id_field, chrome=not args.no_chrome,
                   stuffing=not args.no_stuffing, edits=args.edits)
    spec = {
        "lexicons": tuple(getattr(args, "lexicon", None) or ()),
        "default_lexicon": not getattr(args, "no_default_lexicon", False),
        "log_level": logging.getLogger().getEffectiveLevel(),
    }
    out = _Output(out_path, args.resume)
    items: Iterator[Item] = iter_items(sources, opts)
    if out.done:
        items = itertools.islice(items, out.done, None)

    show = sys.stderr.isatty()
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=_total(sources), initial=out.done, unit="doc", file=sys.stderr, dynamic_ncols=True,
                   smoothing=0.1)
    stats = _Stats()
    last_post = 0.0
    try:
        for line, status, chars in _results(items, args, spec, opts):
            out.write(line)
            stats.add(status, chars)
            if bar is not None:
                bar.update(1)
                now = time.monotonic()
                if now - last_post > 0.5:
                    last_post = now
                    bar.set_postfix_str(f"{stats.chars / max(now - stats.start, 1e-9):,.0f} chars/s", refresh=False)
    except WorkerFailure as exc:
        out.abandon()
        where = f"; the records done so far are in {out.partial} (rerun with --resume)" if out_path else ""
        print(f"zhrepair clean: error: {exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    except BaseException:
        out.abandon()
        raise
    finally:
        if bar is not None:
            bar.close()
    out.finish()
    print(stats.summary(out.done, out.done_errors), file=sys.stderr)
    errors = stats.counts["error"] + out.done_errors
    return EXIT_RECORD_ERRORS if errors else EXIT_OK
