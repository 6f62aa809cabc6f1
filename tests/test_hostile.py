"""The reproducers of the hostile-input audit (issue 9), one test each, run for real.

CLI tests run the installed console script in a subprocess and check the exit code
contract (0 done, 1 error records, 2 usage or unreadable input, 3 output cannot be
written, 130 interrupted) and that stderr holds one line naming the cause, no traceback.
The sentences are the sample's (in-sample; the point here is the plumbing, not quality).
"""

from __future__ import annotations

import copy
import json
import math
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import zhrepair
from zhrepair import Edit, apply_edits, normalise, scoring
from zhrepair.batch import Options, clean_records
from zhrepair.lexicon import Lexicon, LexiconEntry, LexiconError, parse_tsv
from zhrepair.tuning import TUNED

EXE = str(Path(sys.executable).parent / "zhrepair")
SPUN = "党筑引颈与科技改进两翼齐飞。"
GOOD = json.dumps({"text": SPUN}, ensure_ascii=False)


def cli(*args: str, stdin: bytes | None = b"", cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, timeout=120, cwd=cwd, **kw)


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    """The stderr of a failed run: no traceback, the last line names every word."""
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("zhrepair"), err
    for w in words:
        assert w in last, err
    return last


def strict_json(line: bytes) -> dict:
    def no_constant(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(line, parse_constant=no_constant)


# -- 1. deeply nested records -----------------------------------------------------------
@pytest.mark.parametrize("depth", [990, 5000])
def test_deep_nesting_is_an_error_record_and_the_batch_goes_on(tmp_path, depth):
    deep = '{"text":"x","a":' + "[" * depth + "]" * depth + "}"
    inp = tmp_path / "in.jsonl"
    inp.write_text(deep + "\n" + GOOD + "\n", encoding="utf-8")
    for args, stdin in (([str(inp), "-o", str(tmp_path / "out.jsonl")], b""), ([], inp.read_bytes())):
        proc = cli("clean", *args, stdin=stdin)
        assert proc.returncode == 1, proc.stderr.decode()
        out = (tmp_path / "out.jsonl").read_bytes() if args else proc.stdout
        first, second = [strict_json(x) for x in out.splitlines()]
        assert "nested deeper" in first["error"] and first["raw"] == deep
        assert second["changed"] and second["text"].startswith("党建引领")


def test_resume_goes_past_a_deep_record(tmp_path):
    deep = '{"text":"x","a":' + "[" * 990 + "]" * 990 + "}"
    (tmp_path / "in.jsonl").write_text(f"{GOOD}\n{deep}\n{GOOD}\n", encoding="utf-8")
    (tmp_path / "out.jsonl.partial").write_bytes(b"")
    proc = cli("clean", "in.jsonl", "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 3


# -- 2. workers die with the main process ----------------------------------------------------
def session_processes(sid: int) -> list[int]:
    """The live processes of session *sid* (zombies do not count)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(d))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_main_process_leaves_no_worker_behind(tmp_path, sig):
    lines = [json.dumps({"id": i, "text": SPUN * 40}, ensure_ascii=False) for i in range(3000)]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = subprocess.Popen([EXE, "clean", "in.jsonl", "-o", "out.jsonl", "--jobs", "2"], cwd=tmp_path,
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (tmp_path / "out.jsonl.partial").exists() or (tmp_path / "out.jsonl.partial").stat().st_size == 0:
        assert time.monotonic() < deadline and p.poll() is None, "the run never started writing"
        time.sleep(0.1)
    assert len(session_processes(p.pid)) >= 3  # main, workers (and the fork server)
    os.kill(p.pid, sig)
    rc = p.wait(timeout=30)
    err = p.stderr.read().decode() if p.stderr else ""
    if sig == signal.SIGTERM:
        assert rc == 130 and "Traceback" not in err and "--resume" in err, err
    left: list[int] = []
    for _ in range(50):
        left = session_processes(p.pid)
        if not left:
            break
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"processes left behind after {sig.name}"


# -- 3. input and output are never the same file ------------------------------------------
def test_output_partial_as_input_is_refused_and_kept(tmp_path):
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text(GOOD + "\n", encoding="utf-8")
    before = partial.read_bytes()
    for extra in ([], ["--resume"]):
        proc = cli("clean", "out.jsonl.partial", "-o", "out.jsonl", *extra, cwd=tmp_path)
        assert proc.returncode == 2
        one_line_error(proc, "out.jsonl.partial")
        assert partial.read_bytes() == before and not (tmp_path / "out.jsonl").exists()
    os.link(partial, tmp_path / "alias.jsonl")  # a hard link to the partial file
    proc = cli("clean", "alias.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert proc.returncode == 2 and partial.read_bytes() == before
    with open(partial, "rb") as f:  # stdin redirected from it
        proc = subprocess.run([EXE, "clean", "-o", "out.jsonl"], stdin=f, capture_output=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2 and partial.read_bytes() == before
    one_line_error(proc, "stdin")


# -- 4. metadata never overwrites the text -----------------------------------------------------
@pytest.mark.parametrize("field", ["line", "file", "spin_score", "changed", "edits", "error"])
def test_reserved_field_names_are_refused(field):
    proc = cli("clean", "--field", field, stdin=b'{"text": "x", "line": "x"}\n')
    assert proc.returncode == 2
    one_line_error(proc, repr(field))
    with pytest.raises(ValueError):
        Options(field=field)
    with pytest.raises(ValueError):
        Options(id_field=field)


def test_a_records_own_error_key_is_shadowed_not_an_error():
    [rec] = clean_records([{"text": SPUN, "error": "upstream said so", "file": "a.html"}], edits=False)
    assert rec["changed"] and "error" not in rec
    assert rec["shadowed"] == {"error": "upstream said so", "file": "a.html"}


# -- 5. one line, the right exit code ---------------------------------------------------------
def test_closed_stdin_and_stdout():
    for command in ("repair", "detect", "clean"):
        proc = subprocess.run([EXE, command], stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                              close_fds=True, preexec_fn=lambda: os.close(0))
        assert proc.returncode == 2, (command, proc.stderr)
        one_line_error(proc, "stdin", "closed")
    r, w = os.pipe()
    os.write(w, SPUN.encode())
    os.close(w)
    proc = subprocess.run([EXE, "repair"], stdin=r, stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: os.close(1))
    os.close(r)
    assert proc.returncode == 3
    one_line_error(proc, "stdout", "closed")


def test_output_over_the_file_size_limit_is_exit_3(tmp_path):
    data = "\n".join([GOOD] * 50).encode() + b"\n"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    proc = cli("clean", "-o", "out.jsonl", stdin=data, cwd=tmp_path, preexec_fn=limit)
    assert proc.returncode == 3
    one_line_error(proc, "out.jsonl", "File too large")
    assert (tmp_path / "out.jsonl.partial").exists() and not (tmp_path / "out.jsonl").exists()


def test_unwritable_output_is_exit_3(tmp_path):
    (tmp_path / "afile").write_text("x")
    for out in ("afile/out.jsonl", "nodir/out.jsonl", "."):
        proc = cli("clean", "-o", out, stdin=GOOD.encode(), cwd=tmp_path)
        assert proc.returncode == 3, (out, proc.stderr)
        one_line_error(proc, "cannot write")


@pytest.mark.parametrize("option", [["--min-confidence", "1.5"], ["--min-confidence", "nan"], ["--window", "0"],
                                    ["--block-chars", "1000.5"], ["--min-choice-ratio", "inf"]])
def test_bad_option_values_are_exit_2(option):
    for command in ("repair", "clean"):
        proc = cli(command, *option, stdin=SPUN.encode())
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr.decode()


@pytest.mark.parametrize("content, words", [(None, ["no such file"]), ("DIR", ["no such file"]), ("", ["no entries"]),
                                            ("党筑\t党建\t0\n", ["bad weight"]), ("党筑\t党建\tnan\n", ["bad weight"]),
                                            ("党筑\t党建\tinf\n", ["bad weight"]), ("党筑\t党建\t-1\n", ["bad weight"])])
def test_bad_lexicons_are_exit_2_with_jobs_1_and_2(tmp_path, content, words):
    path = tmp_path / "lex.tsv"
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    proc = cli("repair", "--lexicon", str(path), stdin=SPUN.encode())
    assert proc.returncode == 2
    one_line_error(proc, *words)
    for jobs in ("1", "2"):
        proc = cli("clean", "--jobs", jobs, "--lexicon", str(path), stdin=GOOD.encode())
        assert proc.returncode == 2
        last = one_line_error(proc, *words)
        assert "--jobs" not in last


def test_lexicon_weights_are_validated_in_the_library():
    for weight in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(LexiconError):
            Lexicon([LexiconEntry("党筑", "党建", weight)])
        with pytest.raises(LexiconError):
            parse_tsv(f"党筑\t党建\t{weight}\n")
    with pytest.raises(LexiconError):
        Lexicon.from_pairs([("党筑", "党建")], weight=0)


def test_tuning_values_are_validated():
    for values in ({"lm_weight": math.nan}, {"spin_prior": 1.5}, {"window": 2.5}, {"em_iterations": 0}):
        with pytest.raises((TypeError, ValueError)):
            TUNED.with_values(**values)
    with pytest.raises(TypeError):
        zhrepair.Repairer(tuning={"lm_weight": 1.0})  # type: ignore[arg-type]


# -- 6. pipes are inputs ----------------------------------------------------------------------
def test_a_fifo_is_read_like_stdin(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as f:
            f.write((GOOD + "\n" + GOOD + "\n").encode())

    writer = threading.Thread(target=feed)
    writer.start()
    proc = cli("clean", str(fifo), "--no-edits")
    writer.join(timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    recs = [strict_json(x) for x in proc.stdout.splitlines()]
    assert [r["line"] for r in recs] == [1, 2] and all(r["changed"] for r in recs)


# -- 7. the byte-order mark survives ------------------------------------------------------------
def test_bom_survives_repair_and_offsets_are_the_files(tmp_path):
    clean_text = "\ufeff党建引领与科技创新两翼齐飞。\n"
    (tmp_path / "clean.txt").write_bytes(clean_text.encode("utf-8"))
    proc = cli("repair", "clean.txt", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == clean_text.encode("utf-8")
    spun = "\ufeff" + SPUN
    (tmp_path / "spun.txt").write_bytes(spun.encode("utf-8"))
    proc = cli("repair", "spun.txt", "--format", "json", cwd=tmp_path)
    result = json.loads(proc.stdout)
    assert result["text"].startswith("\ufeff党建")
    for e in result["edits"]:
        assert spun[e["start"] : e["end"]] == e["before"]
    proc = cli("clean", "clean.txt", "--no-edits", cwd=tmp_path)
    assert strict_json(proc.stdout)["text"] == clean_text


# -- 8. impossible edits ----------------------------------------------------------------------------
@pytest.mark.parametrize("start, end", [(4, 2), (10, 12), (-1, 1), (3, 99)])
def test_apply_edits_refuses_impossible_edits(start, end):
    with pytest.raises(ValueError, match="not within the text"):
        apply_edits("0123456789", [Edit(start, end, "", "x")])


# -- 9. bounded memory, compact output ---------------------------------------------------------
def test_caches_are_bounded(monkeypatch, sample_text):
    res = zhrepair.Repairer().resources
    assert res.segmenter.cut.cache_info().maxsize <= 100_000
    assert scoring.SCORE_CACHE <= 50_000
    monkeypatch.setattr(scoring, "SCORE_CACHE", 40)  # each window table is emptied when full
    scorer = scoring.SiteScorer(res.lm, res.segmenter, TUNED.unigram_discount)
    view = normalise.normalise(sample_text)
    scan = res.finder.scan(view.text, view.clauses(0, len(view.text)), 0, len(view.text))
    index, context, largest = normalise.ClauseIndex(view.text, view.clauses(0, len(view.text))), scoring.Context(view.text), 0
    for site in scan.sites:
        scorer.score_site(index.around(site.start, site.end), site, context, TUNED.window)
        largest = max(largest, scorer.cache_size)
    assert 40 < largest <= 4 * (40 + 1 + max(len(s.options) for s in scan.sites))


def test_compact_edits(tmp_path):
    proc = cli("clean", "--edits", "compact", stdin=GOOD.encode())
    rec = strict_json(proc.stdout)
    assert rec["edits"] and all(len(e) == 5 for e in rec["edits"])
    for start, end, before, after, confidence in rec["edits"]:
        assert SPUN[start:end] == before and after and 0 <= confidence <= 1
    full = cli("clean", stdin=GOOD.encode()).stdout
    assert len(proc.stdout) < len(full)


# -- 10. the minor ones ------------------------------------------------------------------------------
def test_traditional_evidence_is_the_callers_text():
    text = "黨築引頸與科技改進兩翼齊飛。"
    det = zhrepair.detect(text)
    assert det.evidence
    for e in det.evidence:
        assert text[e.start : e.end] == e.spun


def test_nan_and_infinity_are_error_records_and_the_output_is_strict_json():
    lines = [b'{"text": "x", "v": NaN}', b'{"text": "x", "v": -Infinity}', b'{"text": "x", "v": 1e400}', GOOD.encode()]
    proc = cli("clean", "--no-edits", stdin=b"\n".join(lines) + b"\n")
    assert proc.returncode == 1
    recs = [strict_json(x) for x in proc.stdout.splitlines()]
    assert [("error" in r) for r in recs] == [True, True, True, False]
    assert [r["raw"].encode() for r in recs[:3]] == lines[:3]
    [rec] = clean_records([{"text": SPUN, "v": math.nan}])
    assert "error" in rec  # from Python too: the output record could not be JSON


def test_surrogate_error_record_holds_the_raw_line():
    raw = b'{"text": "\\ud800abc", "id": 7}'
    proc = cli("clean", stdin=raw + b"\n")
    rec = strict_json(proc.stdout)
    assert proc.returncode == 1 and "surrogate" in rec["error"] and rec["raw"].encode() == raw


def test_copy_of_a_repairer_keeps_its_loaded_model():
    r = zhrepair.Repairer().load()
    twin = copy.copy(r)
    assert twin.loaded and twin.resources is r.resources
    assert twin.repair(SPUN).text == r.repair(SPUN).text
