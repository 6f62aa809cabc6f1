"""Fuzz and soak harness for zhrepair: hostile JSONL, the command line's exit-code contract,
the Python API under hostile options, and ``zhrepair clean`` killed and resumed.

Plain functions, each taking a seeded :class:`random.Random` and a size and returning a
dict of counts. Every broken invariant is collected; at the end of a run they are raised
together as :class:`FuzzFailure` (an ``AssertionError`` carrying the counts), each with a
reproducer (failing inputs are kept under ``$ZHREPAIR_FUZZ_KEEP``, default
``/tmp/zhrepair-fuzz-failures``). Used by ``tests/fuzz/test_fuzz.py`` and
``python -m benchmarks.soak``.

The contract checked (every ``zhrepair`` command): exit 0 done, 1 some error records
(``clean``), 2 usage error or unreadable input, 3 output cannot be written, 130 SIGINT or
SIGTERM; stderr never holds a traceback and its lines start with ``zhrepair``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gzip
import hashlib
import json
import math
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Iterator, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "benchmarks" / "data" / "sample" / "spun.txt"
ZHREPAIR = [sys.executable, "-m", "zhrepair"]
KEEP = Path(os.environ.get("ZHREPAIR_FUZZ_KEEP") or Path(tempfile.gettempdir()) / "zhrepair-fuzz-failures")
BOM = b"\xef\xbb\xbf"

# Sentences the default lexicon repairs, clean ones, and traditional-script ones.
SPUN = ["党筑引颈与科技改进两翼齐飞。", "培植强壮新质坐褥力。",
        "本年来，黄陂区各结构党机闭深刻发展施行行动，探究党筑引颈与科技改进“两翼齐飞”的高质地繁荣旅途。",
        "本年来，黄陂区僵持以结构党筑引颈深化改进驱动创新，科技改进是决胜他日的闭节，黄陂区将络续深化党筑引颈感化。"]
CLEAN = ["坚持创新驱动发展战略，推动经济高质量发展。", "今天天气很好。", "经济繁荣，社会稳定。",
         "Python 3.11 发布，下载量 9.3亿。"]
TRADITIONAL = ["黨築引頸與科技改進兩翼齊飛。", "經濟繁榮，社會穩定。", "本年來，黃陂區各結構黨機閉深刻發展施行行動。"]
CHROME = ["新闻中心News\n", "浏览次数:\n", "返回列表\n", "\n\n搜索", "首页 > 新闻 > 正文\n"]
CODE = ["def f(x):\n    return x[0] + 1\n", "<div class=\"a\">&nbsp;</div>", "SELECT * FROM t WHERE id = '党筑';",
        "https://t.cn/x?a=1&b=%E5%85%9A", "{\"text\": null}", "\\u515a\\n", "x = 1 # 党筑引颈"]
SCRIPTS = ["Привет мир", "こんにちは世界", "안녕하세요", "مرحبا", "שלום", "e\u0301", "👩‍👩‍👧", "🇨🇳", "ｆｕｌｌ１２３", "𠀀𪚥"]
CONTROL = [*range(0, 32), 127, *range(0x80, 0xA0), 0x200B, 0x200D, 0x2028, 0x2029, 0xFEFF, 0x202E, 0xFFFE, 0xFFFF]

Counts = dict[str, int]


class FuzzFailure(AssertionError):
    """Broken invariants of one harness run: ``failures`` (each with a reproducer) and the run's ``counts``."""

    def __init__(self, name: str, counts: Counts, failures: list[str]) -> None:
        shown = "\n".join(f"- {f}" for f in failures[:25])
        more = f"\n- ... and {len(failures) - 25} more" if len(failures) > 25 else ""
        super().__init__(f"{name}: {len(failures)} failure(s)\n{shown}{more}\ncounts: {counts}")
        self.counts, self.failures = counts, failures


class Log:
    """Counts and failures of one harness run; failures with the same *key* are kept once (the shortest)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: Counter[str] = Counter()
        self.seen: dict[str, tuple[str, int]] = {}
        self.lock = threading.Lock()

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def merge(self, other: "Log") -> None:
        """Add *other*'s counts and failures to these."""
        with self.lock:
            self.counts.update(other.counts)
            for key, (msg, n) in other.seen.items():
                old, m = self.seen.get(key, (msg, 0))
                self.seen[key] = (msg if len(msg) < len(old) else old, n + m)

    def fail(self, msg: str, key: str | None = None) -> None:
        key = msg if key is None else key
        with self.lock:
            old, n = self.seen.get(key, (msg, 0))
            self.seen[key] = (msg if len(msg) < len(old) else old, n + 1)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.seen.values())

    @property
    def failures(self) -> list[str]:
        return [msg + (f" [{n} like it]" if n > 1 else "") for msg, n in self.seen.values()]

    def result(self) -> Counts:
        counts = {**self.counts, "failures": self.total}
        if self.seen:
            raise FuzzFailure(self.name, counts, self.failures)
        return counts


def short(data: Any, n: int = 160) -> str:
    """``repr`` of *data*, cut to about *n* characters."""
    r = repr(data)
    return r if len(r) <= n else r[:n] + f"...({len(data) if hasattr(data, '__len__') else '?'} long)"


def gist(err: str) -> str:
    """A command's stderr, short: its first line and, after a traceback, the exception and where it was raised."""
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    if "Traceback" not in err or len(lines) < 4:
        return short(err.strip(), 300)
    where = [ln.strip() for ln in lines if ln.lstrip().startswith("File ")]
    return short(f"{lines[0]} ... {where[-1] if where else ''} ... {lines[-1]}", 400)


def keep(data: bytes, suffix: str) -> Path:
    """Save a failing input under :data:`KEEP` and return its path."""
    KEEP.mkdir(parents=True, exist_ok=True)
    path = KEEP / f"{hashlib.sha1(data).hexdigest()[:12]}{suffix}"
    path.write_bytes(data)
    return path


def strict_json(line: bytes) -> Any:
    """*line* as strict UTF-8 JSON: ``ValueError`` for NaN, Infinity and -Infinity too."""
    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line.decode("utf-8"), parse_constant=no_constant)


# -- malformed JSONL -----------------------------------------------------------------------
class Line(NamedTuple):
    """One generated JSONL line: ``raw`` (without its end), what must come of it, the text of a good one.

    ``expect``: ``"good"`` (a repaired record), ``"error"`` (an error record), ``"either"``
    (one strict JSON record of either kind) or ``"blank"`` (no record).
    """

    raw: bytes
    expect: str
    text: str | None = None


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(SPUN + CLEAN + TRADITIONAL) for _ in range(rng.randint(1, 4)))


def _obj(rng: random.Random, obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=rng.random() < 0.3).encode("utf-8")


def _good(rng: random.Random, field: str, huge: int) -> Line:
    text = rng.choice([sentence(rng), sentence(rng) + "\n\n" + sentence(rng), "", " \n\t ", "a\x00b\x07\u2028" + sentence(rng),
                       "😀𠀀" + sentence(rng), rng.choice(CHROME) + sentence(rng) + rng.choice(CHROME)])
    obj: dict[str, Any] = {"id": rng.randrange(10**9), field: text}
    if rng.random() < 0.3:
        obj["meta"] = {"tags": ["新闻", None, 1.5, True, -0.0, 10**30], "deep": json.loads("[" * 100 + "]" * 100), "kéy": "v"}
    if rng.random() < 0.2:
        obj = {field: text, **{f"f{i}": i for i in range(50)}, "error": "a field named error", "line": -1}
    return Line(_obj(rng, obj), "good", text)


def _nested(rng: random.Random, field: str, huge: int) -> Line:
    depth = rng.choice([992, 1000, 5000, 100_000 if huge >= 100_000 else 20_000])
    key = f'{{"{field}":"ok","a":'.encode()
    raw = rng.choice([
        b"[" * 990 + b"]" * 990,
        b"[" * depth + b"]" * depth,
        key + b"[" * depth + b"]" * depth + b"}",
        key + b'{"a":' * depth + b"1" + b"}" * depth + b"}",
        key + b"[" * depth,
    ])
    return Line(raw, "error")


def _numbers(rng: random.Random, field: str, huge: int) -> Line:
    text = sentence(rng)
    head = f'{{"{field}":{json.dumps(text, ensure_ascii=False)},"n":'.encode()
    if rng.random() < 0.3:  # a number where the text should be
        return Line(f'{{"{field}":'.encode() + rng.choice([b"NaN", b"Infinity", b"1e400", b"-0", b"9" * 5000]) + b"}", "error")
    odd = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"9" * 5000, b"-" + b"8" * 5000])
    fine = rng.choice([b"-0", b"-0.0", b"1e-400", b"0e0", b"1E+2", b"123456789012345678901234567890", b"-1.5e-10"])
    if rng.random() < 0.5:
        return Line(head + odd + b"}", "either")  # not strict JSON: an error record, or a record without the token
    if rng.random() < 0.1:
        return Line(head + b"-NaN}", "error")
    return Line(head + fine + b"}", "good", text)


def _wrong_type(rng: random.Random, field: str, huge: int) -> Line:
    value = rng.choice([None, 0, -1.5, [], ["党筑"], {}, {field: "党筑"}, True, False])
    obj = rng.choice([{"id": 1, field: value}, {"id": 1, "body": "党筑"}, {field.upper(): "党筑"}, {}])
    return Line(_obj(rng, obj), "error")


def _not_object(rng: random.Random, field: str, huge: int) -> Line:
    return Line(rng.choice([b'"text"', b"123", b"true", b"null", b"[]", b'["text","a"]', b'"\\u515a"', b"-0"]), "error")


def _not_json(rng: random.Random, field: str, huge: int) -> Line:
    f = field.encode()
    return Line(rng.choice([
        b'{"F":"a"', b'{"F":"a",}', b"{'F':'a'}", b'{"F":"a"} x', b'{"F":"a"}{"F":"b"}', b"F", b'{"F":"a\tb"}',
        b'{"F":"\\x41"}', b'{"F":"\\u12"}', b"{F:1}", b"}", b"{", b'{"F":"a"}\x00', b'{"F":"a\x00b"}', b"\x00",
        b'{"F":"a"}\x0c', b'{"F":"\xe5\x85\x9a', b"\x1b[31m{}\x1b[0m",
    ]).replace(b"F", f), "error")


def _bad_utf8(rng: random.Random, field: str, huge: int) -> Line:
    bad = rng.choice([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe4\xb8", b"\xc0\xaf",
                      "党筑引颈".encode("gbk"), b"\x80", b"\xf8\x88\x80\x80\x80"])
    f = field.encode()
    raw = rng.choice([b'{"F":"' + "党筑".encode() + bad + b'"}', b'{"F":"ok","x":"' + bad + b'"}', b'{"' + bad + b'":1,"F":"ok"}',
                      bad + b'{"F":"ok"}'])
    return Line(raw.replace(b'"F"', b'"' + f + b'"'), "error")


def _surrogate(rng: random.Random, field: str, huge: int) -> Line:
    raw, expect, text = rng.choice([
        (b'{"F":"\\ud800"}', "error", None), (b'{"F":"\\udfff\\u515a"}', "error", None),
        (b'{"F":"\\ude00\\ud83d"}', "error", None), (b'{"F":"\\u515a\\ud83d"}', "error", None),
        (b'{"F":"\\ud83d\\ude00\\u515a\\u7b51"}', "good", "😀党筑"),
        (b'{"F":"ok","x":"\\ud800"}', "either", None), (b'{"F":"ok","\\udc80":1}', "either", None),
    ])
    return Line(raw.replace(b'"F"', f'"{field}"'.encode()), expect, text)


def _nul(rng: random.Random, field: str, huge: int) -> Line:
    raw, expect, text = rng.choice([(b'{"F":"a\\u0000b"}', "good", "a\x00b"), (b'{"F":"\\u0000"}', "good", "\x00"),
                                    (b'{"F":"\x00"}', "error", None), (b'{"F":"ok"}\x00\x00', "error", None)])
    return Line(raw.replace(b'"F"', f'"{field}"'.encode()), expect, text)


def _duplicate(rng: random.Random, field: str, huge: int) -> Line:
    f = field.encode()
    raw = rng.choice([b'{"F":"a","F":"b"}', b'{"F":1,"F":"b"}', b'{"F":"a","F":null}', b'{"id":1,"id":2,"F":"a"}'])
    return Line(raw.replace(b"F", f), "either")


def _blank(rng: random.Random, field: str, huge: int) -> Line:
    return Line(rng.choice([b"", b" ", b"\t", b"  \t "]), "blank")


def _huge(rng: random.Random, field: str, huge: int) -> Line:
    size = rng.randint(max(1, huge // 2), max(1, huge))
    unit = "".join(sentence(rng) for _ in range(20)) + "Lorem ipsum 2024-09-11 | Home | Contact\n"
    text = unit * (size // len(unit.encode()) + 1)
    kind = rng.randrange(4)
    if kind == 0:
        return Line(_obj(rng, {"id": "huge", field: text}), "good", text)
    if kind == 1:
        return Line(f'{{"{field}":"'.encode() + b"x" * size, "error")  # unterminated
    if kind == 2:
        return Line(f'{{"{field}":{json.dumps(text)[:-1]}'.encode() + b"\xff" + b'"}', "error")  # one bad byte at the end
    return Line(_obj(rng, {"id": "huge", field: 5, "junk": text}), "error")


GENERATORS: list[tuple[Callable[[random.Random, str, int], Line], int]] = [
    (_good, 30), (_blank, 5), (_nested, 5), (_numbers, 8), (_wrong_type, 7), (_not_object, 4), (_not_json, 8),
    (_bad_utf8, 8), (_surrogate, 8), (_nul, 4), (_duplicate, 4), (_huge, 2),
]


def malformed_lines(rng: random.Random, n: int, field: str = "text", huge: int = 0) -> list[Line]:
    """*n* generated lines, malformed and valid; at most two huge ones (about *huge* bytes; 0: none)."""
    gens, weights = zip(*GENERATORS)
    lines: list[Line] = []
    huge_left = 2 if huge else 0
    while len(lines) < n:
        gen = rng.choices(gens, weights)[0]
        if gen is _huge:
            if not huge_left:
                continue
            huge_left -= 1
        line = gen(rng, field, huge)
        assert b"\n" not in line.raw and not line.raw.endswith(b"\r"), short(line)
        lines.append(line)
    return lines


def join_lines(rng: random.Random, lines: list[Line]) -> bytes:
    """The bytes of a JSONL file of *lines*: LF or CRLF ends, maybe a BOM, maybe no newline at the end."""
    parts = []
    for i, line in enumerate(lines):
        raw = BOM + line.raw if i == 0 and line.expect != "blank" and rng.random() < 0.3 else line.raw
        last = i == len(lines) - 1
        parts.append(raw + (b"" if last and rng.random() < 0.3 else b"\r\n" if rng.random() < 0.2 else b"\n"))
    return b"".join(parts)


def malformed_jsonl(rng: random.Random, n: int, field: str = "text", huge: int = 0) -> bytes:
    """Bytes of *n* JSONL lines from the malformed-and-valid record generator."""
    return join_lines(rng, malformed_lines(rng, n, field, huge))


def _replay(src: str, edits: list[Any]) -> str | None:
    """*src* with the output record's *edits* (dicts, or ``--edits compact`` lists) applied; ``None`` if one does not apply."""
    out, pos = [], 0
    for e in edits:
        s, t, before, after = (e.get("start"), e.get("end"), e.get("before"), e.get("after")) if isinstance(e, dict) else (
            e[:4] if isinstance(e, list) and len(e) == 5 else (None,) * 4)
        if not (isinstance(s, int) and isinstance(t, int) and pos <= s <= t <= len(src)) or src[s:t] != before:
            return None
        out += [src[pos:s], str(after)]
        pos = t
    return "".join(out) + src[pos:]


GOOD_KEYS = {"spin_score", "changed", "removed", "edits", "file", "line"}
ERROR_KEYS = {"error", "file", "line", "raw"}


def check_clean_output(log: Log, lines: list[Line], out: bytes, file: str, field: str = "text", edits: bool = True) -> int:
    """Check ``clean``'s JSONL *out* against the input *lines*; the number of error records it holds."""
    expected = [(n, ln) for n, ln in enumerate(lines, 1) if ln.expect != "blank"]
    got = out.split(b"\n")
    if got[-1] == b"":
        got.pop()
    else:
        log.fail(f"the output does not end with a newline: ...{short(out[-80:])}")
    log.add("records_out", len(got))
    if len(got) != len(expected):
        log.fail(f"{len(expected)} non-blank input lines gave {len(got)} output lines")
    errors, bad = 0, 0
    for (n, line), raw in zip(expected, got):
        if bad >= 5:
            log.fail("(more output lines not checked)")
            break
        problems = []
        try:
            rec = strict_json(raw)
        except (ValueError, RecursionError) as exc:
            problems.append(f"not strict JSON ({exc})")
            rec = None
        if isinstance(rec, dict):
            is_error = "error" in rec and "spin_score" not in rec
            errors += is_error
            if rec.get("file") != file or rec.get("line") != n:
                problems.append(f"file/line {rec.get('file')!r}:{rec.get('line')!r}, expected {file!r}:{n}")
            if is_error:
                problems += [f"error record without {sorted(ERROR_KEYS - set(rec))}"] if ERROR_KEYS - set(rec) else []
                problems += [f"became an error record: {rec['error']!r}"] if line.expect == "good" else []
                problems += ["raw is not a string"] if not isinstance(rec.get("raw"), str) else []
            else:
                need = (GOOD_KEYS if edits else GOOD_KEYS - {"edits"}) | {field}
                problems += [f"good record without {sorted(need - set(rec))}"] if need - set(rec) else []
                problems += ["an unusable line became a good record"] if line.expect == "error" else []
                score = rec.get("spin_score")
                if not (isinstance(score, float | int) and 0.0 <= score <= 1.0):
                    problems.append(f"spin_score {score!r}")
                if line.text is not None and isinstance(rec.get(field), str):
                    if edits and isinstance(rec.get("edits"), list) and _replay(line.text, rec["edits"]) != rec[field]:
                        problems.append("its edits applied to the input text do not give its text")
                    if rec.get("changed") != (rec[field] != line.text):
                        problems.append(f"changed={rec.get('changed')!r} disagrees with the text")
        elif rec is not None:
            problems.append(f"not a JSON object but {type(rec).__name__}")
        if problems:
            bad += 1
            log.fail(f"input line {n} {short(line.raw)} (expect {line.expect}) -> output {short(raw)}: {'; '.join(problems)}")
    return errors


# -- running the command line --------------------------------------------------------------
def _session(sid: int) -> list[tuple[int, str, int]]:
    """``(pid, state, ppid)`` of every process whose session id is *sid* (from /proc/*/stat)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid:
            found.append((int(name), fields[0].decode(), int(fields[1])))
    return found


def _alive(sid: int) -> list[int]:
    """The live processes of session *sid*; zombies are reaped when they are this process's children."""
    alive = []
    for pid, state, ppid in _session(sid):
        if state != "Z":
            alive.append(pid)
        elif ppid == os.getpid():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    return alive


def end_session(sid: int, grace: float = 5.0) -> int:
    """Wait up to *grace* seconds for session *sid* to end; SIGKILL what is left and return how many."""
    deadline = time.monotonic() + grace
    while (alive := _alive(sid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # processes this harness started (their session is one it made)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if alive:
        time.sleep(0.2)
        _alive(sid)
    return len(alive)


@contextlib.contextmanager
def subreaper() -> Iterator[None]:
    """Orphaned workers become this process's children while inside, so their zombies are reaped."""
    libc: Any = None
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
            libc = None
    try:
        yield
    finally:
        if libc is not None:
            libc.prctl(36, 0, 0, 0, 0)


def handles_sigterm(p: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until *p* catches SIGTERM (/proc/PID/status SigCgt), as a run must before SIGTERM can
    give exit 130 (before, the interpreter is still starting); ``False`` on timeout or exit."""
    deadline = time.monotonic() + timeout
    while p.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError, StopIteration):
            with open(f"/proc/{p.pid}/status") as f:
                mask = next(int(ln.split()[1], 16) for ln in f if ln.startswith("SigCgt:"))
            if mask >> (signal.SIGTERM - 1) & 1:
                return True
        time.sleep(0.01)
    return False


def _foreground() -> None:
    """In the child: Ctrl-C acts as at a terminal, even when this run was started in the
    background (where the shell ignores SIGINT, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _limit_file_size(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


class Run(NamedTuple):
    argv: list[str]
    rc: int
    out: bytes
    err: str

    def cmd(self, cwd: Path | None = None) -> str:
        return (f"cd {cwd} && " if cwd else "") + "zhrepair " + shlex.join(self.argv)


def cli(log: Log, argv: list[str], cwd: Path, stdin: bytes = b"", stdout: IO[bytes] | int = subprocess.PIPE,
        closed_stdout: bool = False, fsize: int | None = None, timeout: float = 600.0) -> Run:
    """Run ``python -m zhrepair *argv`` in its own session; count it and the processes it leaves."""
    cmd = [*ZHREPAIR, *argv]
    if closed_stdout:
        cmd = ["sh", "-c", 'exec "$@" >&-', "sh", *cmd]
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True,
                         preexec_fn=_limit_file_size(fsize) if fsize is not None else None)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        log.fail(f"`zhrepair {shlex.join(argv)}` still running after {timeout:.0f} s")
    log.add("inputs", 1)
    log.add(f"exit_{p.returncode}", 1)
    left = end_session(p.pid)
    if left:
        log.add("processes_left", left)
        log.fail(f"`zhrepair {shlex.join(argv)}` left {left} process(es) running after it exited")
    return Run(argv, p.returncode, out or b"", (err or b"").decode("utf-8", "replace"))


def stderr_problems(err: str, names: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a command's stderr: a traceback, lines not starting with ``zhrepair``,
    an error line naming none of *names*. Argparse's ``usage:`` lines before its error line are allowed."""
    problems = ["stderr holds a traceback"] if "Traceback" in err else []
    lines = [ln for ln in err.splitlines() if ln.strip()]
    checked = lines[-1:] if lines and lines[0].startswith("usage:") else lines
    stray = [ln for ln in checked if not ln.startswith("zhrepair")]
    if stray:
        problems.append(f"stderr lines not starting with 'zhrepair': {short(stray[0], 120)}")
    if names and lines and not any(n in lines[-1] for n in names):
        problems.append(f"error line names none of {names}")
    return problems


def _expect(log: Log, run: Run, rc: int, cwd: Path | None = None, names: tuple[str, ...] = (), stdin: bytes = b"") -> bool:
    problems = [f"exit {run.rc}, expected {rc}"] if run.rc != rc else []
    problems += stderr_problems(run.err, names if rc != 0 else ())
    if problems:
        feed = f" < input {short(stdin, 60)}" if stdin else ""
        log.fail(f"`{run.cmd(cwd)}`{feed}: {'; '.join(problems)}; stderr: {gist(run.err)}")
    return not problems


# -- the exit-code contract ----------------------------------------------------------------
def _fixtures(d: Path, rng: random.Random) -> None:
    (d / "in.txt").write_text(SPUN[0] + "\n", encoding="utf-8")
    (d / "in.jsonl").write_text("".join(json.dumps({"id": i, "text": s}, ensure_ascii=False) + "\n"
                                        for i, s in enumerate(SPUN + CLEAN)), encoding="utf-8")
    (d / "gbk.txt").write_bytes("党筑引颈与科技改进两翼齐飞。".encode("gbk"))
    (d / "lex.txt").write_text("".join(f"{a}→{b}\n" for a, b in [("发展", "繁荣"), ("创新", "改进"), ("关键", "闭节")] * 20),
                               encoding="utf-8")
    (d / "bad.tsv").write_text("繁荣\t发展\tnot-a-weight\n", encoding="utf-8")
    (d / "somedir").mkdir()
    (d / "big.jsonl").write_bytes(soak_input(rng, 150))


def _same_file_cases(log: Log, d: Path) -> None:
    """Input and output the same file (by path, ./path, symlink, hard link, OUT.partial): exit 2, input untouched."""
    data = (d / "in.jsonl").read_bytes()
    for name in ("same.jsonl", "o2.jsonl.partial"):
        (d / name).write_bytes(data)
    (d / "link.jsonl").symlink_to("same.jsonl")
    os.link(d / "same.jsonl", d / "hard.jsonl")
    cases = [["same.jsonl", "-o", "same.jsonl"], ["./same.jsonl", "-o", "same.jsonl", "--resume"],
             ["link.jsonl", "-o", "same.jsonl"], ["hard.jsonl", "-o", "same.jsonl"],
             ["in.jsonl", "hard.jsonl", "-o", "same.jsonl"],
             [f"../{d.name}/same.jsonl", "-o", "same.jsonl", "--jobs", "2"],
             ["o2.jsonl.partial", "-o", "o2.jsonl"], ["o2.jsonl.partial", "-o", "o2.jsonl", "--resume"]]
    for args in cases:
        run = cli(log, ["clean", *args], d)
        _expect(log, run, 2, d)
        for name in ("same.jsonl", "o2.jsonl.partial"):
            if (d / name).read_bytes() != data:
                log.fail(f"`{run.cmd(d)}` changed its input {name}")
                (d / name).write_bytes(data)
        if (d / "o2.jsonl").exists():
            log.fail(f"`{run.cmd(d)}` wrote o2.jsonl")
            (d / "o2.jsonl").unlink()


def _interrupt(log: Log, rng: random.Random, d: Path, argv: list[str], out: str | None = None) -> None:
    """SIGINT or SIGTERM to a running command (stdin left open): exit 130; ``clean -o`` keeps OUT.partial."""
    sig = rng.choice([signal.SIGINT, signal.SIGTERM])
    p = subprocess.Popen([*ZHREPAIR, *argv], cwd=d, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True, preexec_fn=_foreground)
    ready = time.monotonic()
    handles_sigterm(p, 20.0)  # a signal before main() has started cannot become exit 130
    time.sleep(rng.uniform(0.0, 1.0))
    finished, at = p.poll() is not None, time.monotonic() - ready
    if not finished:
        os.kill(p.pid, sig)
        log.add(f"kills_{sig.name}", 1)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        log.fail(f"`zhrepair {shlex.join(argv)}` still running 10 s after {sig.name}")
    left = end_session(p.pid)
    log.add("inputs", 1)
    log.add(f"exit_{p.returncode}", 1)
    log.add("processes_left", left)
    run = Run([*argv, f"(+{sig.name} at {at:.2f} s)"], p.returncode, b"", err.decode("utf-8", "replace"))
    if left:
        log.fail(f"`{run.cmd(d)}` left {left} process(es) after {sig.name}")
    if finished:
        log.fail(f"`{run.cmd(d)}` finished (exit {p.returncode}) before {sig.name} could be sent: input too small")
        return
    _expect(log, run, 130, d)
    if out is not None:
        if (d / out).exists():
            log.fail(f"`{run.cmd(d)}` interrupted by {sig.name} but {out} was written")
        partial = d / (out + ".partial")
        if partial.exists():
            data = partial.read_bytes()
            try:
                [strict_json(ln) for ln in data[: data.rfind(b"\n") + 1].splitlines()]
            except ValueError as exc:
                log.fail(f"`{run.cmd(d)}`: {partial.name} after {sig.name} holds a bad line: {exc}")


Task = Callable[[], None]


def contract_cases(log: Log, rng: random.Random, d: Path) -> list[Task]:
    """Every exit code of the contract on fixed inputs in *d*, as independent tasks."""
    tasks: list[Task] = []

    def expect(argv: list[str], rc: int, names: tuple[str, ...], stdin: bytes = b"", shown: str = "", **how: Any) -> Task:
        def task() -> None:
            if how.get("full"):
                with open("/dev/full", "wb") as full:
                    run = cli(log, argv, d, stdin, stdout=full)
            elif how.get("broken_pipe"):  # a pipe whose reader has gone
                r, w = os.pipe()
                os.close(r)
                try:
                    run = cli(log, argv, d, stdin, stdout=w)
                finally:
                    os.close(w)
            else:
                run = cli(log, argv, d, stdin, **how)
            _expect(log, run._replace(argv=[*argv, *([shown] if shown else [])]), rc, d, names, stdin)
        return task

    usage: list[tuple[list[str], tuple[str, ...]]] = [
        (["clean", "in.jsonl", "--jobs", "-1"], ("jobs",)), (["clean", "in.jsonl", "--jobs", "two"], ("jobs",)),
        (["clean", "in.jsonl", "--chunksize", "0"], ("chunksize",)), (["clean", "in.jsonl", "--resume"], ("resume",)),
        (["clean", "in.jsonl", "--min-confidence", rng.choice(["nan", "inf", "2", "-0.5"])],
         ("min_confidence", "min-confidence")),
        (["repair", "in.txt", "--window", rng.choice(["0", "-3", "2.5"])], ("window",)),
        (["repair", "in.txt", "--block-chars", "999"], ("block_chars", "block-chars")),
        (["repair", "in.txt", "--min-choice-ratio", rng.choice(["0.5", "nan", "-inf"])], ("choice_ratio", "choice-ratio")),
        (["repair", "in.txt", "--format", "xml"], ("format",)), (["clean", "in.jsonl", "--no-such-option"], ("no-such-option",)),
        (["detect", "in.txt", "--evidence", "many"], ("evidence",)), ([], ()), (["nosuch"], ("nosuch",)),
        (["lexicon", "import", "lex.txt", "--weight", rng.choice(["-1", "nan", "inf", "0"])], ("weight",)),
    ]
    tasks += [expect(argv, 2, names) for argv, names in usage]
    bad_input: list[tuple[list[str], bytes, tuple[str, ...]]] = [
        (["clean", "missing.jsonl"], b"", ("missing.jsonl",)), (["repair", "missing.txt"], b"", ("missing.txt",)),
        (["detect", "missing.txt"], b"", ("missing.txt",)), (["lexicon", "import", "missing.txt"], b"", ("missing.txt",)),
        (["repair", "somedir"], b"", ("somedir",)), (["detect", "somedir"], b"", ("somedir",)),
        (["repair", "gbk.txt"], b"", ("gbk.txt",)), (["detect", "gbk.txt"], b"", ("gbk.txt",)),
        (["repair"], "党筑".encode("gbk"), ("stdin",)), (["detect", "-"], b"ok\xff\xfe", ("stdin",)),
        (["repair", "in.txt", "--lexicon", "missing.tsv"], b"", ("missing.tsv",)),
        (["clean", "in.jsonl", "--lexicon", "missing.tsv"], b"", ("missing.tsv",)),
        (["clean", "in.jsonl", "--lexicon", "somedir"], b"", ("somedir",)),
        (["repair", "in.txt", "--lexicon", "bad.tsv"], b"", ("bad.tsv",)),
    ]
    tasks += [expect(argv, 2, names, stdin) for argv, stdin, names in bad_input]

    def missing_input_leaves_no_output() -> None:
        run = cli(log, ["clean", "in.jsonl", "missing.jsonl", "-o", "o1.jsonl"], d)
        _expect(log, run, 2, d, ("missing.jsonl",))
        if (d / "o1.jsonl").exists() or (d / "o1.jsonl.partial").exists():
            log.fail(f"`{run.cmd(d)}` failed on a missing input but left o1.jsonl or its .partial")

    tasks += [missing_input_leaves_no_output, partial(_same_file_cases, log, d)]
    for argv, stdin in [(["repair", "in.txt"], b""), (["repair", "--format", "json"], SPUN[0].encode()),
                        (["detect", "in.txt"], b""), (["clean", "in.jsonl"], b""), (["clean"], (d / "in.jsonl").read_bytes()),
                        (["lexicon", "import", "lex.txt"], b"")]:
        tasks.append(expect(argv, 3, ("output", "stdout"), stdin, ">/dev/full", full=True))
        tasks.append(expect(argv, 3, ("output", "stdout"), stdin, ">&-", closed_stdout=True))
        tasks.append(expect(argv, 3, ("output", "stdout"), stdin, "| (reader gone)", broken_pipe=True))
    tasks += [
        expect(["clean", "in.jsonl", "-o", "fs.jsonl"], 3, ("fs.jsonl",), fsize=300),
        expect(["clean", "in.jsonl", "-o", "fs2.jsonl", "--jobs", "2"], 3, ("fs2.jsonl",), fsize=300),
        expect(["lexicon", "import", "lex.txt", "-o", "fs.tsv"], 3, ("fs.tsv",), fsize=100),
        expect(["clean", "in.jsonl", "-o", "somedir"], 3, ("somedir",)),
        expect(["clean", "in.jsonl", "-o", "nodir/o.jsonl"], 3, ("nodir",)),
        expect(["lexicon", "import", "lex.txt", "-o", "nodir/o.tsv"], 3, ("nodir",)),
    ]
    if os.geteuid() != 0:  # root writes anywhere
        (d / "ro").mkdir(mode=0o500)
        tasks.append(expect(["clean", "in.jsonl", "-o", "ro/o.jsonl"], 3, ("ro/o.jsonl",)))
    for argv, out in [(["repair"], None), (["detect"], None), (["clean"], None), (["clean", "--jobs", "2"], None),
                      (["clean", "big.jsonl", "-o", "sig.jsonl"], "sig.jsonl"),
                      (["clean", "big.jsonl", "-o", "sig2.jsonl", "--jobs", "2"], "sig2.jsonl")]:
        tasks.append(partial(_interrupt, log, random.Random(rng.random()), d, argv, out))
    return tasks


def _fuzz_round(main: Log, rng: random.Random, d: Path, r: int, huge: int) -> None:
    log = Log(main.name)  # this round's: its failures get the round's reproducer
    field = rng.choice(["text", "text", "text", "content"])
    lines = malformed_lines(rng, rng.randint(20, 80), field, huge)
    opts = ["--field", field] if field != "text" else []
    how = rng.choice([[], [], [], ["--edits"], ["--edits", "compact"], ["--edits=full"], ["--no-edits"], ["--edits", "none"]])
    edits = how[-1:] not in (["--no-edits"], ["none"])
    opts += how
    opts += ["--no-explain"] if rng.random() < 0.2 else []
    opts += ["--jobs", "2", "--chunksize", str(rng.randint(1, 5))] if rng.random() < 0.3 else []
    out_name = f"out{r}.jsonl" if rng.random() < 0.5 else None
    opts += ["-o", out_name] if out_name else []
    mode = rng.choice(["file", "file", "gz", "stdin"])
    if mode == "stdin":  # stdin is JSONL when its first line is a JSON object
        lines.insert(0, _good(rng, field, 0))
    data = join_lines(rng, lines)
    if mode == "stdin":
        name, file, stdin = None, "<stdin>", data
    else:
        name = f"fuzz{r}.jsonl" + (".gz" if mode == "gz" else "")
        (d / name).write_bytes(gzip.compress(data) if mode == "gz" else data)
        file, stdin = name, b""
    run = cli(log, ["clean", *([name] if name else []), *opts], d, stdin)
    log.add("lines", len(lines))
    out = run.out
    if out_name:
        if (d / f"{out_name}.partial").exists():
            log.fail(f"{out_name}.partial left after a complete run")
        out = (d / out_name).read_bytes() if (d / out_name).exists() else b""
    errors = check_clean_output(log, lines, out, file, field, edits) if run.rc in (0, 1) else 0
    log.add("error_records", errors)
    _expect(log, run, 1 if errors else 0, d)
    if log.total:
        kept = keep(data, ".jsonl")
        feed = f"< {kept}" if name is None else f"(input kept at {kept}; gzip it first)" if mode == "gz" else f"({name} = {kept})"
        log.fail(f"round {r} reproducer: `{run.cmd()}` {feed}")
    main.merge(log)


def run_cli_fuzz(rng: random.Random, rounds: int, huge: int = 200_000, workers: int = 2) -> Counts:
    """Every exit code of the contract once, and *rounds* runs of ``clean`` on generated JSONL (files,
    gzip, stdin; random options) checked line by line; *workers* commands at a time."""
    log = Log("run_cli_fuzz")
    with tempfile.TemporaryDirectory(prefix="zhrepair-fuzz-") as tmp, subreaper():
        d = Path(tmp)
        _fixtures(d, rng)
        tasks = contract_cases(log, rng, d)
        tasks += [partial(_fuzz_round, log, random.Random(rng.random()), d, r, huge) for r in range(rounds)]
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()
    return log.result()


# -- the Python API ------------------------------------------------------------------------
_REPAIRER: Any = None

VALID_OPTIONS: dict[str, Callable[[random.Random], Any]] = {
    "min_confidence": lambda r: r.choice([0, 0.0, -0.0, 1, 1.0, 5e-324, 0.5, r.random()]),
    "min_choice_ratio": lambda r: r.choice([None, 1, 1.0, 1.5, r.uniform(1, 10), 1e300]),
    "char_swaps": lambda r: r.random() < 0.5, "deletions": lambda r: r.random() < 0.5,
    "context_pass": lambda r: r.random() < 0.5, "remove_chrome": lambda r: r.random() < 0.5,
    "explain": lambda r: r.random() < 0.5,
    "window": lambda r: r.choice([None, 1, 2, 3, 8, 50, 10**6]),
    "block_chars": lambda r: r.choice([1000, 1001, 4096, 100_000, 10**12]),
}
NAN, INF = float("nan"), float("inf")
INVALID_OPTIONS: dict[str, list[Any]] = {
    "min_confidence": [NAN, INF, -INF, -0.1, 1.0000001, 2, -(10**400), 10**400, "0.5", None, True, [0.5], 1e400],
    "min_choice_ratio": [NAN, INF, 0.99, 0, -1, -(10**400), "2", True, [2]],
    "char_swaps": [None, 1, 0, "yes", 1.0], "deletions": ["", None], "explain": [0, "false"],
    "window": [0, -1, 2.5, NAN, "3", True, -(10**20)],
    "block_chars": [999, 0, -1, 1e6, NAN, INF, None, "1000", True],
    "thesaurus": [True], "single_char_forms": [False], "no_such_option": [1], "text": ["x"],
}
# Huge values that are in range: accepted (the result invariants hold) or rejected with ValueError/TypeError.
EITHER_OPTIONS: dict[str, list[Any]] = {
    "window": [2**63, 10**400], "block_chars": [2**63, 10**400], "min_choice_ratio": [10**400, 1e308],
}


def _value(v: Any) -> str:
    if isinstance(v, int) and abs(v) > 10**20:
        return f"{'-' if v < 0 else ''}10**{len(str(abs(v))) - 1}"
    return repr(v)


def random_text(rng: random.Random) -> str:
    """Random Unicode: spun, clean and traditional sentences, CJK, control characters, other scripts, code, chrome."""
    parts = []
    for _ in range(rng.randint(0, 12)):
        k = rng.randrange(10)
        if k == 0:
            parts.append(sentence(rng))
        elif k == 1:
            parts.append("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 20))))
        elif k == 2:
            parts.append("".join(chr(rng.choice(CONTROL)) for _ in range(rng.randint(1, 5))))
        elif k == 3:
            parts.append(rng.choice(CODE))
        elif k == 4:
            cps = [rng.randint(0, 0x10FFFF) for _ in range(rng.randint(1, 8))]
            parts.append("".join(chr(c) for c in cps if not 0xD800 <= c <= 0xDFFF))
        elif k == 5:
            parts.append(rng.choice(SCRIPTS))
        elif k == 6:
            parts.append(rng.choice(CHROME))
        elif k == 7:
            parts.append(rng.choice(["\n", "\n\n", "\r\n", "，", "。", "、", "“", "”", " ", "\t", "……"]))
        elif k == 8:
            parts.append(rng.choice(SPUN) * rng.randint(1, 60))  # long enough for several blocks
        else:
            parts.append(rng.choice(TRADITIONAL + ["黨築", "閉節", "高質地", "繁榮發展"]))
    return "".join(parts)


def _check_result(text: str, res: Any, opts: dict[str, Any]) -> list[str]:
    """What is wrong with a :class:`zhrepair.RepairResult` of *text*."""
    from zhrepair import EditKind, apply_edits

    problems, pos = [], 0
    for e in res.edits:
        if not (pos <= e.start <= e.end <= len(text)) or text[e.start:e.end] != e.before:
            problems.append(f"edit {e.start}:{e.end} {e.before!r}->{e.after!r} unsorted, overlapping or off its text")
        pos = max(pos, e.end)
        if not (math.isfinite(e.confidence) and 0.0 <= e.confidence <= 1.0):
            problems.append(f"edit confidence {e.confidence!r}")
        if e.kind in (EditKind.WORD_SWAP, EditKind.CHAR_SWAP) and e.confidence < opts.get("min_confidence", 0.0):
            problems.append(f"edit confidence {e.confidence} below min_confidence {opts['min_confidence']}")
        if opts.get("explain") is False and e.alternatives:
            problems.append("alternatives with explain=False")
        if not all(math.isfinite(a.score) for a in e.alternatives):
            problems.append(f"alternative scores {[a.score for a in e.alternatives]}")
    try:
        if apply_edits(text, res.edits) != res.text:
            problems.append("apply_edits(text, edits) != result.text")
    except ValueError as exc:
        problems.append(f"apply_edits raised {exc}")
    if not res.edits and res.text != text:
        problems.append("no edits but the text changed")
    if not (isinstance(res.spin_score, float) and math.isfinite(res.spin_score) and 0.0 <= res.spin_score <= 1.0):
        problems.append(f"spin_score {res.spin_score!r}")
    try:
        json.dumps(res.to_dict(), allow_nan=False)
    except ValueError as exc:
        problems.append(f"to_dict() is not strict JSON: {exc}")
    return problems


def api_fuzz(rng: random.Random, n: int, repairer: Any = None) -> Counts:
    """*n* calls of ``repair`` (and some of ``detect``) on random text with random valid and invalid
    options: result invariants for valid calls, only ``ValueError``/``TypeError`` for invalid ones."""
    global _REPAIRER
    import zhrepair

    if repairer is None:
        _REPAIRER = _REPAIRER or zhrepair.Repairer().load()
        repairer = _REPAIRER
    log = Log("api_fuzz")
    for _ in range(n):
        text: Any = random_text(rng)
        valid_text = True
        if rng.random() < 0.08:
            at = rng.randint(0, len(text))
            text, valid_text = text[:at] + chr(rng.randint(0xD800, 0xDFFF)) + text[at:], False
        elif rng.random() < 0.03:
            text, valid_text = rng.choice([text.encode("utf-8"), None, 42, [text]]), False
        opts = {name: gen(rng) for name, gen in VALID_OPTIONS.items() if rng.random() < 0.3}
        kind, name = rng.choices(["valid", "invalid", "either"], [65, 30, 5])[0], ""
        if kind != "valid":
            table = INVALID_OPTIONS if kind == "invalid" else EITHER_OPTIONS
            name = rng.choice(list(table))
            opts[name] = rng.choice(table[name])
        detect = rng.random() < 0.25
        shown = ", ".join(f"{k}={_value(v)}" for k, v in opts.items())
        call = f"Repairer().{'detect' if detect else 'repair'}({short(text, 120)}{', ' if shown else ''}{shown})"
        log.add("calls", 1)
        log.add("chars", len(text) if isinstance(text, str) else 0)
        problems: list[str] = []
        try:
            res = repairer.detect(text, **opts) if detect else repairer.repair(text, **opts)
        except (ValueError, TypeError) as exc:
            if kind == "valid" and valid_text:
                problems.append(f"raised {type(exc).__name__}: {exc}")
            elif kind == "valid" and isinstance(text, str) and isinstance(exc, TypeError):
                problems.append(f"a lone surrogate raised TypeError, not ValueError: {exc}")
            else:
                log.add("rejected_texts" if kind == "valid" else "rejected_options", 1)
        except Exception as exc:  # anything else is a bug
            problems.append(f"raised {type(exc).__name__}: {exc}")
        else:
            if not valid_text or kind == "invalid":
                problems.append(f"accepted {'an invalid text' if not valid_text else 'an invalid option'}")
            elif detect:
                log.add("valid_calls", 1)
                problems += [] if isinstance(res.score, float) and 0.0 <= res.score <= 1.0 else [f"detect score {res.score!r}"]
            else:
                log.add("valid_calls", 1)
                log.add("edits_checked", len(res.edits))
                problems += _check_result(text, res, opts)
        if problems:
            kept = keep(text.encode("utf-8", "surrogatepass"), ".txt") if isinstance(text, str) and len(text) > 120 else None
            key = f"{'detect' if detect else 'repair'} {type(text).__name__} {name} {'; '.join(problems)}"
            log.fail(f"{call}{f' (text in {kept})' if kept else ''}: {'; '.join(problems)}", key)
    return log.result()


# -- kill and resume -----------------------------------------------------------------------
def soak_input(rng: random.Random, records: int) -> bytes:
    """A JSONL input of *records* lines: multi-paragraph spun articles (from the sample), clean ones, and
    about one in ten malformed (never huge)."""
    paras = [ln.strip() for ln in SAMPLE.read_text(encoding="utf-8").split("\n") if len(ln.strip()) > 20]
    lines = []
    for i in range(records):
        if rng.random() < 0.1:
            lines += [ln.raw for ln in malformed_lines(rng, 1, "text") if ln.expect != "blank"]
        else:
            text = "\n\n".join(rng.choice(paras + CLEAN) for _ in range(rng.randint(5, 40)))
            lines.append(json.dumps({"id": i, "text": text}, ensure_ascii=False).encode("utf-8"))
    return b"\n".join(lines) + b"\n"


def _spawn(argv: list[str], d: Path, err: Path) -> subprocess.Popen[bytes]:
    with open(err, "wb") as f:
        return subprocess.Popen([*ZHREPAIR, *argv], cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=f,
                                start_new_session=True)


def _soak_round(log: Log, rng: random.Random, d: Path, base: list[str], ref: bytes, ref_rc: int, took: float,
                grace: float) -> None:
    out, partial, err = d / "out.jsonl", d / "out.jsonl.partial", d / "err.txt"
    for path in (out, partial):
        path.unlink(missing_ok=True)
    resume, kills = rng.random() < 0.25, 0
    while True:
        argv = [*base, "-o", "out.jsonl", *(["--resume"] if resume else [])]
        cmd = f"cd {d} && zhrepair {shlex.join(argv)}"
        log.add("runs", 1)
        log.add("resumes", resume)
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM]) if kills == 0 or (kills < 3 and rng.random() < 0.5) else None
        at = rng.uniform(0.0, took * 1.1)
        proc = _spawn(argv, d, err)
        start, fired = time.monotonic(), False
        if sig is not None:
            if sig == signal.SIGTERM:
                handles_sigterm(proc, took * 2 + 10)
            try:
                proc.wait(timeout=max(0.0, start + at - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, sig)  # the main process only: its workers must follow it
                fired, at = True, time.monotonic() - start
        try:
            rc = proc.wait(timeout=grace if fired else took * 10 + 60)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGUSR1)  # zhrepair's CLI dumps its threads' stacks to stderr
            time.sleep(1.0)
            log.fail(f"`{cmd}` still running {grace if fired else took * 10 + 60:.0f} s after {sig.name if sig else 'start'}; "
                     f"its stacks: {err.read_text(encoding='utf-8', errors='replace')[-3000:]}")
            proc.kill()
            rc = proc.wait()
        left = end_session(proc.pid, grace)
        log.add("processes_left", left)
        stderr = err.read_text(encoding="utf-8", errors="replace")
        what = f"`{cmd}`" + (f" sent {sig.name} at {at:.2f} s" if fired and sig else "")
        if left:
            log.fail(f"{what}: {left} process(es) of its session still running {grace:.0f} s later")
        problems = stderr_problems(stderr) if not (fired and sig == signal.SIGKILL) else (
            ["stderr holds a traceback"] if "Traceback" in stderr else [])
        if problems:
            log.fail(f"{what}: {'; '.join(problems)}; stderr: {gist(stderr)}")
        if fired and sig is not None:
            log.add(f"kills_{sig.name}", 1)
            kills += 1
            finished = out.exists() and out.read_bytes() == ref
            want = -signal.SIGKILL if sig == signal.SIGKILL else 130
            if rc != want and not (finished and rc == ref_rc):
                log.fail(f"{what}: exit {rc}, expected {want}")
            if partial.exists():
                kept = partial.read_bytes()
                kept = kept[: kept.rfind(b"\n") + 1]
                if not ref.startswith(kept):
                    log.fail(f"{what}: out.jsonl.partial is not a prefix of the uninterrupted output")
                log.add("records_kept", kept.count(b"\n"))
            resume = True
            continue
        if rc != ref_rc:
            log.fail(f"`{cmd}` (after {kills} kill(s)): exit {rc}, expected {ref_rc}; stderr: {gist(stderr)}")
        got = out.read_bytes() if out.exists() else b""
        log.add("bytes_compared", len(ref))
        if got != ref:
            log.fail(f"`{cmd}` after {kills} kill(s) ended with {len(got)} bytes, not the {len(ref)} of the uninterrupted run "
                     f"(kept at {keep(got, '.out.jsonl')})")
        if partial.exists():
            log.fail(f"`{cmd}` completed but left out.jsonl.partial")
        return


def kill_resume_soak(rng: random.Random, rounds: int, jobs: int, records: int = 300, grace: float = 5.0) -> Counts:
    """``clean -o out.jsonl --jobs J`` killed (SIGKILL, or SIGTERM: exit 130) at random moments and
    resumed until done, *rounds* times; each must end with the bytes of one uninterrupted run and
    leave no process of its session running *grace* seconds after the main one was signalled."""
    log = Log(f"kill_resume_soak(jobs={jobs})")
    with tempfile.TemporaryDirectory(prefix="zhrepair-soak-") as tmp, subreaper():
        d = Path(tmp)
        (d / "in.jsonl").write_bytes(soak_input(rng, records))
        base = ["clean", "in.jsonl", "--jobs", str(jobs), "--chunksize", "2"]
        start = time.monotonic()
        ref = cli(log, [*base, "-o", "ref.jsonl"], d)
        took = time.monotonic() - start
        log.counts["ref_seconds_x10"] = round(took * 10)
        if ref.rc not in (0, 1) or not (d / "ref.jsonl").exists():
            log.fail(f"`{ref.cmd(d)}`: exit {ref.rc}, no ref.jsonl; stderr: {gist(ref.err)}")
            return log.result()
        ref_bytes = (d / "ref.jsonl").read_bytes()
        log.add("lines", records)
        log.add("error_records", sum("spin_score" not in json.loads(ln) for ln in ref_bytes.splitlines()))
        for _ in range(rounds):
            log.add("rounds", 1)
            _soak_round(log, rng, d, base, ref_bytes, ref.rc, took, grace)
        if log.total:
            log.fail(f"soak input kept at {keep((d / 'in.jsonl').read_bytes(), '.soak-in.jsonl')} (run as in.jsonl)")
    return log.result()
