"""``zhrepair clean``: every input kind, every bad input, order with --jobs, --resume after a kill."""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_DIR
from zhrepair import EditKind, apply_edits
from zhrepair.batch import Item, Options, RepairerSpec, clean_records
from zhrepair.cli import main

DATA = Path(__file__).resolve().parent / "data" / "batch"
SAMPLE = SAMPLE_DIR / "spun.txt"
EXE = Path(sys.executable).parent / "zhrepair"
# A strongly spun sentence from the sample (党建引领 → 党筑引颈, 科技创新 → 科技改进, ...).
SPUN = "本年来，黄陂区僵持以结构党筑引颈深化改进驱动创新，科技改进是决胜他日的闭节，黄陂区将络续深化党筑引颈感化。"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def clean(tmp_path: Path, *args: str) -> tuple[int, list[dict]]:
    out = tmp_path / "out.jsonl"
    rc = main(["clean", *args, "-o", str(out)])
    return rc, read_jsonl(out) if out.exists() else []


def assert_replayable(source_text: str, rec: dict, field: str = "text") -> None:
    """The record's edits, applied to the input text, give the output text."""
    for e in rec["edits"]:
        assert source_text[e["start"] : e["end"]] == e["before"]
    from zhrepair import Edit

    edits = [Edit(e["start"], e["end"], e["before"], e["after"], kind=EditKind(e["kind"])) for e in rec["edits"]]
    assert apply_edits(source_text, edits) == rec[field]
    assert rec["changed"] == (rec[field] != source_text)


def sample_paragraphs() -> list[str]:
    return [ln.strip() for ln in SAMPLE.read_text(encoding="utf-8").split("\n") if len(ln.strip()) > 20]


def write_docs(path: Path, n: int, paragraphs: int = 2) -> list[dict]:
    paras = sample_paragraphs()
    recs = [{"id": i, "text": "\n\n".join(paras[(i + k) % len(paras)] for k in range(paragraphs))} for i in range(n)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return recs


# -- input kinds ---------------------------------------------------------------------------
def test_jsonl_keeps_other_fields_and_order(tmp_path):
    src = [json.loads(ln) for ln in (DATA / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    rc, out = clean(tmp_path, str(DATA / "records.jsonl"))
    assert rc == 0
    assert [r["id"] for r in out] == [r["id"] for r in src]
    for s, r in zip(src, out):
        for k, v in s.items():
            if k != "text":
                assert r[k] == v, k
        assert r["file"] == str(DATA / "records.jsonl")
        assert {"spin_score", "changed", "removed", "edits", "line"} <= set(r)
        assert_replayable(s["text"], r)
    assert [r["line"] for r in out] == [1, 2, 3, 4]
    assert out[0]["changed"] and "党建引领" in out[0]["text"]
    assert not out[2]["changed"] and out[2]["text"] == src[2]["text"]  # clean text stays
    chrome = [x["text"] for x in out[3]["removed"] if x["kind"] == "chrome"]
    assert chrome == ["新闻中心News\n\n", "浏览次数:\n", "返回列表\n\n", "\n\n搜索"]
    assert out[3]["text"].startswith("黄陂区召开科创大会\n\n  ")


def test_txt_file_is_one_document(tmp_path):
    rc, out = clean(tmp_path, str(SAMPLE), "--id-field", "doc")
    assert rc == 0 and len(out) == 1
    rec = out[0]
    assert rec["doc"] == str(SAMPLE) and rec["file"] == str(SAMPLE) and rec["line"] is None
    text = SAMPLE.read_text(encoding="utf-8")
    assert_replayable(text, rec)
    kinds = {x["kind"] for x in rec["removed"]}
    assert kinds == {"chrome", "deletion"}
    assert rec["text"].startswith("创新武汉黄陂:党建引领") and rec["text"].endswith("新优势。(黄轩)")
    assert rec["spin_score"] > 0.5


def test_directory_recursion_and_glob(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "tree", tree)
    with gzip.open(tree / "sub" / "z.txt.gz", "wt", encoding="utf-8") as f:
        f.write("区委紧办法导初度提出。")
    with gzip.open(tree / "y.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "g1", "text": "党筑引颈。"}, ensure_ascii=False) + "\n")
    rc, out = clean(tmp_path, str(tree))
    assert rc == 0
    rel = [(os.path.relpath(r["file"], tree), r["line"]) for r in out]
    assert rel == [
        ("a.txt", None),
        ("sub/0.txt", None),
        ("sub/b.txt", None),
        ("sub/deeper/c.jsonl", 1),
        ("sub/deeper/c.jsonl", 2),
        ("sub/z.txt.gz", None),
        ("y.jsonl.gz", 1),
    ]
    assert_replayable("区委紧办法导初度提出。", out[5])  # the .gz files were decompressed
    assert_replayable("党筑引颈。", out[6]) and out[6]["id"] == "g1"
    rc, out = clean(tmp_path, str(tree), "--glob", "*.txt")
    assert [os.path.relpath(r["file"], tree) for r in out] == ["a.txt", "sub/0.txt", "sub/b.txt"]


def test_output_inside_input_folder_is_not_read(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "tree", tree)
    out = tree / "out.jsonl"
    for _ in range(2):  # the second run must not read the first run's output
        assert main(["clean", str(tree), "-o", str(out)]) == 0
        assert len(read_jsonl(out)) == 5


def test_gzip_jsonl(tmp_path):
    gz = tmp_path / "r.jsonl.gz"
    gz.write_bytes(gzip.compress((DATA / "records.jsonl").read_bytes()))
    rc, out = clean(tmp_path, str(gz))
    rc2, plain = clean(tmp_path, str(DATA / "records.jsonl"))
    assert rc == rc2 == 0
    assert [r["text"] for r in out] == [r["text"] for r in plain]


def test_truncated_gzip_gives_an_error_record(tmp_path):
    gz = tmp_path / "r.jsonl.gz"
    blob = gzip.compress((DATA / "records.jsonl").read_bytes() * 50)
    gz.write_bytes(blob[: len(blob) // 2])
    rc, out = clean(tmp_path, str(gz))
    assert rc == 1
    assert out[-1]["error"].startswith("cannot read further") and all("error" not in r for r in out[:-1])


@pytest.mark.parametrize("kind", ["jsonl", "text"])
def test_stdin(kind):
    if kind == "jsonl":
        data = (DATA / "records.jsonl").read_bytes()
    else:
        data = f"黄陂区召开科创大会\n\n浏览次数:\n  {SPUN}\n".encode()
    proc = subprocess.run([str(EXE), "clean"], input=data, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert "zhrepair clean: " in proc.stderr.decode() and " 0 errors" in proc.stderr.decode()
    if kind == "jsonl":
        assert [r["id"] for r in out] == ["r1", "r2", "r3", "r4"] and out[0]["url"] == "http://example.com/1"
    else:
        assert len(out) == 1 and out[0]["file"] == "<stdin>" and out[0]["id"] == "<stdin>"
        assert "浏览次数" not in out[0]["text"] and "党建引领" in out[0]["text"]


# -- bad input -----------------------------------------------------------------------------
def test_bad_records_become_error_records(tmp_path, capsys):
    rc, out = clean(tmp_path, str(DATA / "bad.jsonl"))
    assert rc == 1
    raw_lines = (DATA / "bad.jsonl").read_bytes().split(b"\n")
    # One output record per non-blank input line, in order.
    assert [r["line"] for r in out] == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    by_line = {r["line"]: r for r in out}
    assert by_line[1]["text"] == "今天天气很好。" and "error" not in by_line[1]
    bad = by_line[2]
    assert bad["error"].startswith("invalid UTF-8") and base64.b64decode(bad["raw_base64"]) == raw_lines[1]
    assert "\ufffd" in bad["raw"]
    assert by_line[3]["error"].startswith("not JSON") and by_line[3]["raw"] == "this is not json {"
    assert by_line[4]["error"] == 'missing field "text"' and json.loads(by_line[4]["raw"]) == {"id": "nofield", "body": "x"}
    assert by_line[5]["error"] == 'field "text" is int, not a string'
    assert by_line[6]["error"] == 'field "text" is null, not a string'
    assert by_line[7]["error"] == "not a JSON object but list"
    for n in (9, 10):  # empty documents: unchanged, with a warning, not errors
        r = by_line[n]
        assert "error" not in r and r["warning"] == "empty document" and not r["changed"] and r["edits"] == []
    assert by_line[10]["text"] == "  \n\t "
    # A lone surrogate (valid JSON, invalid Unicode): an error record whose raw line parses back.
    assert by_line[11]["error"].startswith("invalid text: unpaired surrogate")
    assert json.loads(by_line[11]["raw"])["text"] == "\ud800关键"
    assert by_line[12]["id"] == "last" and "error" not in by_line[12]
    for n in (2, 3, 4, 5, 6, 7, 11):
        assert by_line[n]["file"] == str(DATA / "bad.jsonl")
    summary = capsys.readouterr().err
    assert "11 records" in summary and "7 errors" in summary and "2 empty" in summary


def test_invalid_utf8_text_file(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("今天天气很好。".encode("gbk"))
    rc, out = clean(tmp_path, str(p))
    assert rc == 1 and out[0]["error"].startswith("invalid UTF-8")
    assert base64.b64decode(out[0]["raw_base64"]) == p.read_bytes()


def test_ten_megabyte_document(tmp_path):
    """A 10 MB scraped page (mostly markup-like Latin text, Chinese paragraphs between)."""
    latin = "Lorem ipsum dolor sit amet, consectetur adipiscing elit 2024-09-11 | Home | Contact\n" * 10
    unit = latin + "今天天气很好，我们一起去公园散步。" * 3 + "\n"
    doc = unit * (10_000_000 // len(unit.encode()) + 1)
    assert len(doc.encode()) >= 10_000_000
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "big", "text": doc}, ensure_ascii=False) + "\n"
                   + json.dumps({"id": "after", "text": SPUN}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # the child's own peak (VmHWM): ru_maxrss of a forked child starts from its parent's RSS,
    # and a pytest worker that ran other test files first can be large
    code = (
        "import sys; from zhrepair.cli import main; rc = main(sys.argv[1:]);"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(hwm, file=sys.stderr); sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code, "clean", str(big), "-o", str(out), "--no-edits"],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    peak_mb = int(proc.stderr.decode().split()[-1]) / 1024
    recs = read_jsonl(out)
    assert [r["id"] for r in recs] == ["big", "after"]
    assert recs[0]["text"] == doc and not recs[0]["changed"] and "edits" not in recs[0]
    assert recs[1]["changed"] and "党建引领" in recs[1]["text"]
    # Bounded memory: the model plus a few copies of the document, nothing worse.
    assert peak_mb < 400, f"peak RSS {peak_mb:.0f} MB"  # measured: ~200 MB (model ~115 MB)


# -- options -------------------------------------------------------------------------------
def test_switches(tmp_path):
    rec = DATA / "records.jsonl"
    _, full = clean(tmp_path, str(rec))
    _, no_chrome = clean(tmp_path, str(rec), "--no-chrome", "--no-edits")
    assert "新闻中心News" in no_chrome[3]["text"] and "新闻中心News" not in full[3]["text"]
    assert not any(x["kind"] == "chrome" for r in no_chrome for x in r["removed"])
    assert all("edits" not in r for r in no_chrome)
    _, no_stuffing = clean(tmp_path, str(SAMPLE), "--no-stuffing")
    assert not any(x["kind"] == "deletion" for x in no_stuffing[0]["removed"])
    assert any(x["kind"] == "chrome" for x in no_stuffing[0]["removed"])


def test_field_option(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"url": "u", "content": SPUN, "text": 5}, ensure_ascii=False) + "\n", encoding="utf-8")
    rc, out = clean(tmp_path, str(p), "--field", "content")
    assert rc == 0 and "党建引领" in out[0]["content"] and out[0]["text"] == 5 and out[0]["url"] == "u"


def test_clashing_field_names_are_kept(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"text": "今天。", "file": "orig.html", "line": 7}) + "\n", encoding="utf-8")
    rc, out = clean(tmp_path, str(p))
    assert rc == 0 and out[0]["shadowed"] == {"file": "orig.html", "line": 7} and out[0]["line"] == 1


def test_clean_records_python_api():
    recs = list(clean_records([SPUN, {"id": 7, "text": "今天。"}, {"id": 8}, 3.5], edits=False))
    assert "党建引领" in recs[0]["text"] and recs[0]["line"] == 1 and "edits" not in recs[0]
    assert recs[1]["id"] == 7 and not recs[1]["changed"]
    assert recs[2]["error"] == 'missing field "text"'
    assert recs[3]["error"].startswith("not a record")
    assert list(clean_records([Item("f", 1, error="boom", raw=b"x")], options=Options()))[0]["error"] == "boom"


# -- exit codes ----------------------------------------------------------------------------
def test_exit_codes(tmp_path, capsys):
    assert main(["clean", str(DATA / "records.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 0
    assert main(["clean", str(DATA / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert main(["clean", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o2.jsonl")]) == 2
    assert not (tmp_path / "o2.jsonl").exists() and not (tmp_path / "o2.jsonl.partial").exists()
    assert main(["clean", str(DATA / "records.jsonl"), "--resume"]) == 2
    assert main(["clean", str(DATA / "records.jsonl"), "-o", str(tmp_path / "nodir" / "o.jsonl")]) == 3
    err = capsys.readouterr().err
    assert "missing.jsonl" in err and "--resume needs -o" in err and "nodir" in err


# -- parallel and resumable ----------------------------------------------------------------
def test_jobs_2_preserves_order_and_bytes(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_docs(inp, 40)
    with open(inp, "a", encoding="utf-8") as f:
        f.write("not json\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, jobs in ((one, "1"), (two, "2")):  # both fresh processes: same code, same model
        proc = subprocess.run([str(EXE), "clean", str(inp), "-o", str(out), "--jobs", jobs, "--chunksize", "3"],
                              capture_output=True, timeout=120)
        assert proc.returncode == 1, proc.stderr.decode()
    assert one.read_bytes() == two.read_bytes()
    assert [r.get("id") for r in read_jsonl(two)] == list(range(40)) + [None]


def test_resume_after_sigkill(tmp_path):
    n = 800
    write_docs(tmp_path / "big.jsonl", n, paragraphs=1)
    partial = tmp_path / "out.jsonl.partial"
    cmd = [str(EXE), "clean", "big.jsonl", "-o", "out.jsonl"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the run finished before it could be killed; give it more records"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "out.jsonl").exists()
    done = partial.read_bytes()
    assert 0 < len(done) and done.count(b"\n") < n
    resumed = subprocess.run(cmd + ["--resume"], cwd=tmp_path, capture_output=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert "kept from the interrupted run" in resumed.stderr.decode()
    assert not partial.exists()
    ref = subprocess.run([str(EXE), "clean", "big.jsonl", "-o", "ref.jsonl"], cwd=tmp_path, capture_output=True, timeout=120)
    assert ref.returncode == 0, ref.stderr.decode()
    out = (tmp_path / "out.jsonl").read_bytes()
    assert out.count(b"\n") == n
    assert out == (tmp_path / "ref.jsonl").read_bytes()


@pytest.mark.parametrize("cut", ["mid_line", "line_end", "empty"])
def test_resume_from_truncated_partial(tmp_path, monkeypatch, cut):
    monkeypatch.chdir(tmp_path)
    write_docs(tmp_path / "in.jsonl", 30)
    with open("in.jsonl", "a", encoding="utf-8") as f:
        f.write('{"id": "x"}\n')  # an error record, to check that resumed errors still count
    assert main(["clean", "in.jsonl", "-o", "ref.jsonl"]) == 1
    ref = (tmp_path / "ref.jsonl").read_bytes()
    lines = ref.splitlines(keepends=True)
    keep = {
        "mid_line": b"".join(lines[:12]) + lines[12][:37],  # killed while writing record 13
        "line_end": b"".join(lines[:12]),
        "empty": b"",
    }[cut]
    (tmp_path / "out.jsonl.partial").write_bytes(keep)
    assert main(["clean", "in.jsonl", "-o", "out.jsonl", "--resume"]) == 1
    assert (tmp_path / "out.jsonl").read_bytes() == ref
    # A finished output resumed again is left as it is.
    assert main(["clean", "in.jsonl", "-o", "out.jsonl", "--resume"]) == 1
    assert (tmp_path / "out.jsonl").read_bytes() == ref


def test_without_resume_a_stale_partial_is_replaced(tmp_path):
    (tmp_path / "out.jsonl.partial").write_bytes(b'{"junk": 1}\n')
    rc, out = clean(tmp_path, str(DATA / "records.jsonl"))
    assert rc == 0 and [r["id"] for r in out] == ["r1", "r2", "r3", "r4"]


# -- traditional script --------------------------------------------------------------------
def test_traditional_round_trip(tmp_path):
    opencc = pytest.importorskip("opencc")
    s2t = opencc.OpenCC("s2t")
    paras = sample_paragraphs()[1:6]
    trad = [s2t.convert(p) for p in paras] + [s2t.convert(f"新闻中心News\n\n标题在这里\n\n浏览次数:\n  {SPUN}")]
    inp = tmp_path / "t.jsonl"
    inp.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(trad)),
                   encoding="utf-8")
    rc, out = clean(tmp_path, str(inp))
    assert rc == 0
    assert any(r["changed"] for r in out)
    for t, r in zip(trad, out):
        assert_replayable(t, r)
        assert s2t.convert(r["text"]) == r["text"], "output left traditional script"
    assert "瀏覽次數" in trad[-1] and "瀏覽次數" not in out[-1]["text"] and "黨建引領" in out[-1]["text"]


def test_workers_that_cannot_start_stop_the_run(tmp_path):
    """A main script without the ``__main__`` guard cannot start workers: exit 70, resumable."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\nfrom zhrepair.cli import main\n"
        f"sys.exit(main(['clean', {str(DATA / 'records.jsonl')!r}, '-o', 'out.jsonl', '--jobs', '2']))\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, timeout=60)
    assert proc.returncode == 70
    assert "cannot start worker processes" in proc.stderr.decode()
    assert not (tmp_path / "out.jsonl").exists() and (tmp_path / "out.jsonl.partial").exists()


def test_missing_lexicon_is_a_usage_error(tmp_path, capsys):
    rc = main(["clean", str(DATA / "records.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--lexicon", str(tmp_path / "no.tsv")])
    assert rc == 2 and "no.tsv" in capsys.readouterr().err


# -- repair options (generated from RepairConfig) ----------------------------------------
def test_clean_takes_repair_options_and_workers_get_them(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_docs(inp, 6)
    rc, default = clean(tmp_path, str(inp))
    assert rc == 0
    strict = tmp_path / "strict.jsonl"
    proc = subprocess.run([str(EXE), "clean", str(inp), "-o", str(strict), "--jobs", "2", "--chunksize", "2",
                           "--min-confidence", "0.99", "--no-char-swaps"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    out = read_jsonl(strict)
    assert [r["id"] for r in out] == [r["id"] for r in default]
    assert all(len(s["edits"]) <= len(d["edits"]) for s, d in zip(out, default))
    assert sum(len(r["edits"]) for r in out) < sum(len(r["edits"]) for r in default)
    assert all(e["confidence"] >= 0.99 for r in out for e in r["edits"] if e["kind"] in ("word_swap", "char_swap"))


def test_clean_own_switches_and_their_repair_option_spellings(tmp_path):
    rec = str(DATA / "records.jsonl")
    _, no_chrome = clean(tmp_path, rec, "--no-chrome")
    _, no_remove_chrome = clean(tmp_path, rec, "--no-remove-chrome")
    assert no_chrome == no_remove_chrome and not any(x["kind"] == "chrome" for r in no_chrome for x in r["removed"])
    _, last_wins = clean(tmp_path, rec, "--no-chrome", "--remove-chrome")
    assert any(x["kind"] == "chrome" for r in last_wins for x in r["removed"])
    _, bare = clean(tmp_path, rec, "--no-explain")
    assert bare[0]["edits"] and all(e["alternatives"] == [] for r in bare for e in r["edits"])


def test_clean_help_documents_its_own_switches():
    help_text = subprocess.run([str(EXE), "clean", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "--no-chrome" in help_text and "--no-stuffing" in help_text and "--min-confidence" in help_text
    assert "--remove-chrome" not in help_text and "--deletions" not in help_text  # accepted, not documented twice


def test_bad_repair_option_value_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(DATA / "records.jsonl"), "-o", str(out), "--min-confidence", "2"]) == 2
    assert "min_confidence" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "o.jsonl.partial").exists()


def test_a_worker_killed_mid_run_loses_no_record(caplog):
    """SIGKILL to a worker while the pool runs: its chunk is retried, every record comes back."""
    from zhrepair.batch.pool import WorkerPool, _chunks

    items = [Item("mem", i, text=SPUN * 5, fields=None) for i in range(40)]
    pool = WorkerPool(2, RepairerSpec.of(), Options(edits=False))
    out = []
    try:
        for k, line in enumerate(pool.map(_chunks(items, 2))):
            out.append(line)
            if k == 3:
                os.kill(pool._processes()[0].pid, signal.SIGKILL)
    finally:
        pool.close()
    assert len(out) == len(items)
    assert [json.loads(rec)["line"] for rec, _, _ in out] == list(range(40))
    assert all(status == "repaired" for _, status, _ in out)
    assert "a worker process died" in caplog.text  # the retry path ran


def test_a_dead_worker_the_executor_never_reports_breaks_the_pool(monkeypatch):
    """A worker killed while sending its result leaves the executor waiting forever: after
    STUCK_SECONDS with a dead worker and no answer, the pool counts as broken."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from zhrepair.batch import pool as pool_module

    class Dead:
        exitcode, pid = -9, 0

        def terminate(self) -> None:
            pass

        def join(self, timeout: float | None = None) -> None:
            pass

    pool = pool_module.WorkerPool(1, RepairerSpec.of(), Options())
    try:
        monkeypatch.setattr(pool_module, "STUCK_SECONDS", 0.5)
        monkeypatch.setattr(pool, "_processes", lambda: [Dead()])
        t0 = time.monotonic()
        with pytest.raises(BrokenProcessPool):
            pool._result(Future())  # never completes
        assert time.monotonic() - t0 < 5
    finally:
        pool.close()
