"""The command line, run for real: in-process through main() and as a subprocess."""

import json
import os
import subprocess
import sys

import pytest

from conftest import SAMPLE_DIR
from zhrepair.cli import main

SPUN = "党筑引颈与科技改进两翼齐飞。\n"
ZHREPAIR = [sys.executable, "-m", "zhrepair"]


def run(args, stdin: bytes = b""):
    return subprocess.run(ZHREPAIR + args, input=stdin, capture_output=True, timeout=120)


def test_repair_stdin_to_stdout():
    p = run(["repair"], SPUN.encode())
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == "党建引领与科技创新两翼齐飞。\n"


def test_repair_file_json(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["repair", str(f), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == "党建引领与科技创新两翼齐飞。\n"
    assert {e["before"] for e in out["edits"]} == {"党筑", "引颈", "改进"}
    keys = {"start", "end", "before", "after", "confidence", "kind", "source", "alternatives"}
    assert all(set(e) >= keys for e in out["edits"])


def test_repair_diff_format(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["repair", str(f), "--format", "diff"]) == 0
    assert capsys.readouterr().out == "[党筑→党建][引颈→引领]与科技[改进→创新]两翼齐飞。\n"


def test_clean_text_passes_through_unchanged_bytes():
    raw = "经济繁荣，社会稳定。\r\n第二行\tTab\n".encode()
    p = run(["repair"], raw)
    assert p.returncode == 0
    assert p.stdout == raw


def test_invalid_utf8_is_a_clear_error_with_exit_2(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("党筑引颈".encode("gbk"))
    p = run(["repair", str(f)])
    assert p.returncode == 2
    assert b"invalid UTF-8" in p.stderr and b"Traceback" not in p.stderr
    p = run(["detect"], "党筑".encode("gbk"))
    assert p.returncode == 2 and b"stdin" in p.stderr


def test_missing_file_exit_2(tmp_path):
    p = run(["repair", str(tmp_path / "nope.txt")])
    assert p.returncode == 2 and b"cannot read" in p.stderr


def test_detect_text_and_json(tmp_path, capsys):
    sample = SAMPLE_DIR / "spun.txt"
    assert main(["detect", str(sample)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    score, verdict = first.split("\t")
    assert float(score) > 0.9 and verdict == "spun"
    assert main(["detect", str(sample), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["is_spun"] and d["evidence"]


def test_user_lexicon_flag(tmp_path, capsys):
    lex = tmp_path / "l.tsv"
    lex.write_text("哄骗\t利用\n设置装备摆设\t配置\n", encoding="utf-8")
    f = tmp_path / "in.txt"
    f.write_text("哄骗市场机制，优化设置装备摆设，哄骗好各类资源，哄骗社会资本。", encoding="utf-8")
    assert main(["repair", str(f), "--lexicon", str(lex), "--no-default-lexicon"]) == 0
    assert capsys.readouterr().out == "利用市场机制，优化配置，利用好各类资源，利用社会资本。"


@pytest.mark.parametrize(
    "args", [["--help"], ["repair", "--help"], ["detect", "--help"], ["clean", "--help"], ["lexicon", "import", "--help"]]
)
def test_help(args):
    p = run(args)
    assert p.returncode == 0 and b"usage:" in p.stdout


def test_usage_error_exit_2():
    p = run(["repair", "--format", "xml"])
    assert p.returncode == 2
    p = run([])
    assert p.returncode == 2


def test_repair_remove_chrome_flag(tmp_path, capsys):
    f = tmp_path / "page.txt"
    f.write_text("新闻中心News\n浏览次数:\n党筑引颈与科技改进两翼齐飞，培植强壮新质坐褥力。\n返回列表\n", encoding="utf-8")
    assert main(["repair", str(f), "--remove-chrome"]) == 0
    assert capsys.readouterr().out == "党建引领与科技创新两翼齐飞，培育壮大新质生产力。\n"


def test_repair_options_are_generated_from_repair_config():
    from dataclasses import fields

    from zhrepair import RepairConfig
    from zhrepair.cli import build_parser
    from zhrepair.cli.common import repair_options
    from zhrepair.config import option_kind

    parser = build_parser()
    for command in ("repair", "clean"):
        assert repair_options(parser.parse_args([command])) == {}  # nothing given: library defaults
        for f in fields(RepairConfig):  # every field is an option
            flag = "--" + f.name.replace("_", "-")
            if isinstance(f.default, bool):
                argv = [command, flag if not f.default else "--no-" + flag[2:]]
                assert repair_options(parser.parse_args(argv)) == {f.name: not f.default}
            else:
                value = f.default if f.default is not None else option_kind(f)(2)  # None: the tuned default
                argv = [command, flag, str(value)]
                assert repair_options(parser.parse_args(argv)) == {f.name: value}


def test_repair_min_confidence_and_remove_chrome(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["repair", str(f), "--format", "json"]) == 0
    default = json.loads(capsys.readouterr().out)["edits"]
    assert main(["repair", str(f), "--format", "json", "--min-confidence", "0.99", "--no-remove-chrome"]) == 0
    strict = json.loads(capsys.readouterr().out)["edits"]
    assert len(strict) <= len(default) and all(e["confidence"] >= 0.99 for e in strict)
    assert main(["repair", str(f), "--min-confidence", "1.5"]) == 2
    assert "min_confidence" in capsys.readouterr().err


def test_bad_lexicon_is_a_clear_error(tmp_path, capsys):
    lex = tmp_path / "bad.tsv"
    lex.write_text("繁荣\t发展\tnot-a-weight\n", encoding="utf-8")
    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["repair", str(f), "--lexicon", str(lex)]) == 2
    assert "bad.tsv:1: bad weight" in capsys.readouterr().err
    assert main(["detect", str(f), "--lexicon", str(tmp_path / "none.tsv")]) == 2
    assert "none.tsv" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv, stdin", [(["repair"], "党筑引颈与科技改进两翼齐飞。\n"),
                                         (["clean"], '{"text": "党筑引颈与科技改进两翼齐飞。"}\n')])
def test_output_on_a_full_disk_is_one_line_and_exit_3(argv, stdin):
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "zhrepair", *argv], input=stdin.encode("utf-8"), stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    err = p.stderr.decode("utf-8")
    assert p.returncode == 3, err
    last = err.strip().splitlines()[-1]
    assert "Traceback" not in err and last == "zhrepair: error: cannot write stdout: No space left on device"


def test_a_signal_during_teardown_leaves_a_finished_run_finished(tmp_path):
    # A sitecustomize sends SIGTERM from the last atexit callback, that is after the command
    # has written its output: the run stays done (exit 0, no traceback), not killed.
    (tmp_path / "sitecustomize.py").write_text(
        "import atexit, os, signal, time\n"
        "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(0.2)))\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    p = subprocess.run(ZHREPAIR + ["repair"], input=SPUN.encode(), capture_output=True, timeout=120, env=env)
    assert (p.returncode, p.stderr) == (0, b"")
    assert p.stdout.decode() == "党建引领与科技创新两翼齐飞。\n"


def test_a_signal_python_swallows_still_stops_clean(tmp_path):
    # SIGTERM lands in a callback Python runs for itself (a weakref's, like a module lock's
    # during an import): the KeyboardInterrupt its handler raises there is swallowed. The
    # run still stops, before the next record is written: exit 130, quietly, resumable.
    (tmp_path / "sitecustomize.py").write_text(
        "import os, signal, weakref\n"
        "import zhrepair.batch.pool as pool\n"
        "plain = pool.clean_line\n"
        "def clean_line(item, repairer, opts):\n"
        "    if item.line == 2:\n"
        "        class Box: pass\n"
        "        box = Box()\n"
        "        ref = weakref.ref(box, lambda r: (os.kill(os.getpid(), signal.SIGTERM), sum(range(10**6))))\n"
        "        del box\n"
        "    return plain(item, repairer, opts)\n"
        "pool.clean_line = clean_line\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("".join(json.dumps({"text": SPUN}, ensure_ascii=False) + "\n" for _ in range(4)), encoding="utf-8")
    p = subprocess.run(ZHREPAIR + ["clean", str(inp), "-o", str(out)], capture_output=True, timeout=120, env=env)
    err = p.stderr.decode("utf-8")
    assert p.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert all(line.startswith("zhrepair") for line in err.splitlines()), err
    assert not out.exists() and len((tmp_path / "out.jsonl.partial").read_text(encoding="utf-8").splitlines()) <= 2


def test_main_gives_the_callers_signal_handlers_back(tmp_path, capsys):
    import signal

    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    before = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    try:
        for s, handler in before.items():
            signal.signal(s, handler)
        assert main(["detect", str(f)]) == 0
        assert {s: signal.getsignal(s) for s in before} == before
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
