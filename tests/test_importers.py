"""zhrepair.importers: spinner dictionary formats, encodings, directions, the CLI."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

import zhrepair
from conftest import SAMPLE_DIR, SHARED_DIR
from zhrepair import LexiconError
from zhrepair.cli import main
from zhrepair.fileio import write_atomic
from zhrepair.importers import (
    decode_bytes,
    guess_direction,
    load_any,
    parse_pairs,
    read_pairs,
    read_pairs_with_info,
    sniff_format,
)
from zhrepair.lexicon import dump_tsv, parse_tsv, read_tsv

DATA = Path(__file__).parent / "data" / "importers"
SHARED_DICTS = SHARED_DIR / "data" / "spinner-dicts"
ZHREPAIR_BIN = Path(sys.executable).with_name("zhrepair")

# (spun, original) in every handmade fixture that carries the ten pairs
TEN = [
    ("繁荣", "发展"), ("哄骗", "利用"), ("临盆", "生产"), ("设置装备摆设", "配置"), ("不克不及", "不能"),
    ("查究", "研究"), ("本年", "今年"), ("凯旋", "成功"), ("紧要", "重要"), ("题目", "问题"),
]


def text_of(name: str) -> str:
    return decode_bytes((DATA / name).read_bytes())[0]


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("arrow.txt", "arrow"),
        ("eq_spun_first_gbk.txt", "eq"),
        ("dash_bom.txt", "dash"),
        ("space.txt", "space"),
        ("tab.txt", "tab"),
        ("comma.txt", "comma"),
        ("words.php", "php"),
        ("dump.sql", "sql"),
        ("native.tsv", "zhrepair"),
        ("bad_lines.txt", "arrow"),
    ],
)
def test_sniff_format(name, fmt):
    assert sniff_format(text_of(name)) == fmt
    assert read_pairs_with_info(DATA / name).format == fmt


def test_sniff_native_without_header_by_weight_column():
    assert sniff_format("繁荣\t发展\t0.5\ts\n哄骗\t利用\t1\ts\n") == "zhrepair"
    assert sniff_format("发展\t繁荣\n利用\t哄骗\n") == "tab"


def test_sniff_gives_up_clearly():
    with pytest.raises(LexiconError, match="no entries"):
        sniff_format("# only a comment\n\n")
    with pytest.raises(LexiconError, match="cannot tell the format"):
        sniff_format("发展繁荣\n利用哄骗\n")


# --------------------------------------------------------------------------- formats


def test_arrow_both_arrows_and_auto_direction():
    info = read_pairs_with_info(DATA / "arrow.txt")
    assert info.pairs == TEN
    assert (info.encoding, info.direction) == ("utf-8", "original-first")
    assert info.direction_reason.startswith("frequency vote 10/10")
    assert read_pairs(DATA / "arrow.txt") == TEN


def test_gbk_spun_first_eq_is_detected_by_frequency():
    info = read_pairs_with_info(DATA / "eq_spun_first_gbk.txt")
    assert info.encoding == "gb18030"
    assert info.direction == "spun-first" and "0/10" in info.direction_reason
    assert info.pairs == TEN  # including the line written with a full-width ＝


def test_explicit_direction_overrides_the_vote():
    info = read_pairs_with_info(DATA / "eq_spun_first_gbk.txt", direction="original-first")
    assert info.direction_reason == "given"
    assert info.pairs == [(o, s) for s, o in TEN]
    assert read_pairs(DATA / "arrow.txt", direction="spun-first") == [(o, s) for s, o in TEN]
    assert read_pairs(DATA / "arrow.txt", direction="original_first") == TEN  # underscore spelling


def test_explicit_encoding():
    assert read_pairs(DATA / "eq_spun_first_gbk.txt", encoding="gbk", direction="spun-first") == TEN
    with pytest.raises(LexiconError, match="not valid utf-8"):
        read_pairs(DATA / "eq_spun_first_gbk.txt", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown encoding"):
        read_pairs(DATA / "arrow.txt", encoding="no-such-codec")


def test_bom_and_few_pairs_fall_back_to_convention(caplog):
    with caplog.at_level(logging.INFO, logger="zhrepair.importers"):
        info = read_pairs_with_info(DATA / "dash_bom.txt")
    assert info.encoding == "utf-8-sig"
    assert info.pairs == [("当前", "目前"), ("办法", "方法"), ("增多", "增加")]
    assert info.direction == "original-first" and info.direction_reason.startswith("dash convention")
    assert "direction unsure" in caplog.text


def test_space_and_comma_groups_pair_the_head_with_each_other_word():
    assert read_pairs(DATA / "space.txt") == [
        ("进步", "提高"), ("展开", "开展"), ("漂亮", "美丽"), ("秀丽", "美丽"), ("俊美", "美丽"),
    ]
    assert read_pairs(DATA / "comma.txt") == [("悲悼", "哀悼"), ("平静", "安静"), ("高兴", "快乐"), ("愉快", "快乐")]


def test_tab_ignores_extra_columns():
    assert read_pairs(DATA / "tab.txt") == [("行动", "活动"), ("中央", "中心"), ("任职", "服务")]
    assert read_pairs(DATA / "tab.txt", format="tsv") == read_pairs(DATA / "tab.txt")


def test_php_array():
    info = read_pairs_with_info(DATA / "words.php")
    assert info.pairs == TEN[:4] + [("it is", "it's")]
    assert info.malformed == 1 and info.malformed_lines == (8,)  # '不能' = '不克不及'


def test_sql_dump():
    info = read_pairs_with_info(DATA / "dump.sql")
    assert info.pairs == TEN[:3] + [("摇滚(乐)", "rock'n'roll")] + TEN[3:6]
    assert info.malformed_lines == (15,)  # the row with one string


def test_bad_lines_are_skipped_counted_and_warned_once(caplog):
    with caplog.at_level(logging.WARNING, logger="zhrepair.importers"):
        info = read_pairs_with_info(DATA / "bad_lines.txt")
    assert info.pairs == [("本年", "今年"), ("哄骗", "利用")]
    assert info.malformed == 4 and info.malformed_lines == (2, 3, 4, 5)
    assert info.dropped == 2  # 问题→问题 and 敏感词→***
    assert info.duplicates == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "4 malformed" in warnings[0].getMessage() and "2, 3, 4, 5" in warnings[0].getMessage()


def test_native_keeps_whitelist_weights_and_sources():
    info = read_pairs_with_info(DATA / "native.tsv")
    assert info.direction == "spun-first"
    assert info.pairs == [("繁荣", "发展"), ("哄骗", "利用"), ("经济", "经济"), ("临盆", "生产")]
    assert info.weights == (0.9, 1.0, 1.0, 1.0)
    assert info.sources == ("sample", "", "whitelist", "")


def test_parse_pairs_from_a_string_and_bad_options():
    info = parse_pairs("A->B\nC->D\n", format="arrow", direction="original-first")
    assert info.pairs == [("B", "A"), ("D", "C")] and info.encoding == "str"
    with pytest.raises(ValueError, match="unknown format"):
        parse_pairs("A→B", format="yaml")
    with pytest.raises(ValueError, match="unknown direction"):
        parse_pairs("A→B", direction="sideways")


def test_decode_bytes_variants():
    assert decode_bytes("发展→繁荣".encode("utf-16")) == ("发展→繁荣", "utf-16")
    assert decode_bytes("\ufeff发展".encode("utf-8")) == ("发展", "utf-8-sig")
    assert decode_bytes("发展".encode("gbk")) == ("发展", "gb18030")
    assert decode_bytes(b"plain") == ("plain", "utf-8")


def test_guess_direction_rules():
    freq = {"common": 1000, "rare": 10}.get
    f = lambda w: freq(w, 0)  # noqa: E731
    assert guess_direction([("common", "rare")] * 10, freq=f)[0] == "original-first"
    assert guess_direction([("rare", "common")] * 10, freq=f)[0] == "spun-first"
    assert guess_direction([("common", "rare")] * 5, freq=f)[0] is None  # too few votes
    assert guess_direction([("common", "rare"), ("rare", "common")] * 10, freq=f)[0] is None  # too even
    assert guess_direction([("x", "y")] * 10, freq=f)[0] is None  # nobody votes


def test_sample_spinner_pairs_vote_spun_first():
    """The sample article's spinner (发展→繁荣 ...) is what the frequency vote is for."""
    sample = SAMPLE_DIR / "pairs.tsv"
    if not sample.exists():
        pytest.skip(f"{sample} not found")
    info = read_pairs_with_info(sample)  # spun<TAB>original, sniffed as a plain tab file
    assert (info.format, info.direction) == ("tab", "spun-first")
    assert ("繁荣", "发展") in info.pairs


def test_load_lexicon_auto_format():
    lex = zhrepair.load_lexicon(DATA / "arrow.txt", format="auto")
    assert len(lex) == 10
    assert [e.original for e in lex.originals("设置装备摆设")] == ["配置"]
    assert lex.name == "arrow"


# --------------------------------------------------------------------------- CLI


def test_cli_writes_native_tsv(tmp_path, capsys):
    out = tmp_path / "out.tsv"
    rc = main(["lexicon", "import", str(DATA / "eq_spun_first_gbk.txt"), "-o", str(out)])
    assert rc == 0
    err = capsys.readouterr().err
    assert "10 pairs" in err and "spun-first" in err and str(out) in err
    text = out.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "eq_spun_first_gbk.txt" in header[0]
    assert "format=eq" in header[1] and "direction=spun-first" in header[1] and "encoding=gb18030" in header[1]
    lex = parse_tsv(text)
    assert sorted((e.spun, e.original) for e in lex) == sorted(TEN)
    assert {e.source for e in lex} == {"eq_spun_first_gbk"} and {e.weight for e in lex} == {1.0}
    assert not list(tmp_path.glob(".*.tmp"))  # the temp file was renamed away
    # the output re-imports as the native format, unchanged
    again = read_pairs_with_info(out)
    assert again.format == "zhrepair" and again.pairs == TEN


def test_cli_stdout_source_and_weight(capsys):
    rc = main(["lexicon", "import", str(DATA / "tab.txt"), "--source", "my dict", "--weight", "0.25",
               "--direction", "original-first", "--format", "tab"])
    assert rc == 0
    out = capsys.readouterr().out
    rows = [line.split("\t") for line in out.splitlines() if not line.startswith("#")]
    assert rows[0] == ["行动", "活动", "0.25", "my dict"] and len(rows) == 3


def test_cli_native_input_keeps_its_weights(capsys):
    assert main(["lexicon", "import", str(DATA / "native.tsv")]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    assert rows[0] == ["繁荣", "发展", "0.9", "sample"]
    assert rows[1] == ["哄骗", "利用", "1", "native"]
    assert rows[2][:2] == ["经济", "经济"]


@pytest.mark.parametrize("name, message", [("missing.txt", "no such file"), ("empty.txt", "no entries")])
def test_cli_unusable_input_exits_2(name, message, capsys, tmp_path):
    out = tmp_path / "never.tsv"
    assert main(["lexicon", "import", str(DATA / name), "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_no_pairs_exits_2(tmp_path, capsys):
    p = tmp_path / "same.txt"
    p.write_text("发展→发展\n利用→利用\n", encoding="utf-8")
    assert main(["lexicon", "import", str(p)]) == 2
    assert "no pairs found" in capsys.readouterr().err


@pytest.mark.skipif(not ZHREPAIR_BIN.exists(), reason=f"no console script at {ZHREPAIR_BIN}")
def test_console_script_end_to_end(tmp_path):
    out = tmp_path / "php.tsv"
    proc = subprocess.run(
        [str(ZHREPAIR_BIN), "lexicon", "import", str(DATA / "words.php"), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "5 pairs" in proc.stderr and "malformed" in proc.stderr
    assert len(parse_tsv(out.read_text(encoding="utf-8"))) == 5
    helped = subprocess.run([str(ZHREPAIR_BIN), "lexicon", "import", "--help"], capture_output=True, text=True)
    assert "synonym group" in helped.stdout and "--direction" in helped.stdout
    missing = subprocess.run([str(ZHREPAIR_BIN), "lexicon", "import", str(tmp_path / "nope.txt")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file" in missing.stderr


# --------------------------------------------------------------------------- real dictionaries

needs_shared = pytest.mark.skipif(
    not SHARED_DICTS.is_dir(), reason=f"shared spinner dictionaries not found at {SHARED_DICTS}"
)


@needs_shared
@pytest.mark.slow
def test_real_dacms_word_list():
    info = read_pairs_with_info(SHARED_DICTS / "dacms_word.tsv", format="tab", direction="original-first")
    # 78,855 lines, but the list repeats itself: 27,110 distinct lines, 26,069 usable pairs
    assert len(info.pairs) >= 25_000
    assert info.duplicates > 40_000
    assert ("设置装备摆设", "配置") in set(info.pairs)  # DESIGN.md's example


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["dacms_word.tsv", "milu_word_dat.tsv", "itechbear_jinyici.tsv", "wyc42537.tsv"])
def test_real_dicts_auto_direction_is_original_first(name):
    info = read_pairs_with_info(SHARED_DICTS / name)
    assert info.format == "tab"
    assert info.direction == "original-first", info.direction_reason


def _to_raw(pairs, fmt):
    """Write normalised (original, spun) pairs back in a spinner's raw format."""
    if fmt == "arrow":
        return "".join(f"{o}→{s}\n" for o, s in pairs)
    if fmt == "eq":  # sitebuilde writes B=A: spun first
        return "".join(f"{s}={o}\n" for o, s in pairs)
    if fmt == "php":
        esc = lambda w: w.replace("\\", "\\\\").replace("'", "\\'")  # noqa: E731
        return "<?php\n$w = array(\n" + "".join(f"  '{esc(o)}' => '{esc(s)}',\n" for o, s in pairs) + ");\n"
    if fmt == "sql":
        esc = lambda w: w.replace("\\", "\\\\").replace("'", "''")  # noqa: E731
        rows = ",\n".join(f"({i}, '{esc(o)}', '{esc(s)}')" for i, (o, s) in enumerate(pairs, 1))
        return f"INSERT INTO `t` (`id`, `find`, `replace`) VALUES\n{rows};\n"
    raise AssertionError(fmt)


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("fmt, encoding", [("arrow", "gbk"), ("eq", "gb18030"), ("php", "utf-8"), ("sql", "utf-8")])
def test_real_dict_round_trips_through_raw_formats(tmp_path, fmt, encoding):
    src = SHARED_DICTS / "itechbear_jinyici.tsv"
    expected = read_pairs(src, format="tab", direction="original-first")
    normalised = [(o, s) for s, o in expected]
    raw = tmp_path / f"raw.{fmt}"
    raw.write_bytes(_to_raw(normalised, fmt).encode(encoding, errors="replace"))
    direction = "spun-first" if fmt == "eq" else "original-first"
    info = read_pairs_with_info(raw, direction=direction)
    assert info.format == fmt
    got = set(info.pairs)
    assert len(got & set(expected)) >= 0.99 * len(expected)


# --------------------------------------------------------------------------- native TSV, strict or not

BAD_NATIVE = "# header\n繁荣\t发展\t0.5\tmine\n只有一列\n\t空\n哄骗\t利用\tx\n删掉\t\n临盆\t生产\n"


def test_native_reader_strict_raises_naming_file_and_line():
    with pytest.raises(LexiconError, match=r"^bad\.tsv:3: expected spun<TAB>original"):
        read_tsv(BAD_NATIVE, name="bad.tsv")
    with pytest.raises(LexiconError, match=r"^bad\.tsv:3: bad weight"):
        parse_tsv(BAD_NATIVE.replace("只有一列\n\t空\n", ""), name="bad.tsv")


def test_native_reader_non_strict_skips_and_counts():
    rows = read_tsv(BAD_NATIVE, name="bad.tsv", strict=False)
    assert rows.bad_lines == [3, 4, 5]
    assert [(e.spun, e.original, e.weight, e.source) for e in rows.entries] == [
        ("繁荣", "发展", 0.5, "mine"), ("删掉", "", 1.0, ""), ("临盆", "生产", 1.0, "")]
    assert rows.lines == [2, 6, 7]
    lex = parse_tsv(BAD_NATIVE, name="bad", strict=False)
    kept = {(e.spun, e.original, e.source) for e in lex}
    assert kept == {("繁荣", "发展", "mine"), ("删掉", "", "bad"), ("临盆", "生产", "bad")}
    # the importer reads native files the non-strict way: malformed lines are counted, the rest kept
    info = parse_pairs(BAD_NATIVE, format="zhrepair")
    assert info.malformed_lines == (3, 4, 5) and info.pairs == [("繁荣", "发展"), ("临盆", "生产")] and info.dropped == 1


def test_native_writer_round_trips():
    lex = parse_tsv("繁荣\t发展\t2\tmine\n经济\t经济\n删掉\t\t1\ts\n", name="t")
    text = dump_tsv(lex, comments=["made by a test"])
    assert text.startswith("# made by a test\n")
    again = parse_tsv(text + lex.to_tsv())
    assert {(e.spun, e.original, e.weight, e.source) for e in again} == {(e.spun, e.original, e.weight, e.source) for e in lex}
    assert parse_tsv(lex.to_tsv()).whitelist == {"经济"}


def test_load_any_sniffs_like_the_repairer(tmp_path):
    assert {(e.spun, e.original) for e in load_any(DATA / "arrow.txt")} == set(TEN)
    native = load_any(DATA / "native.tsv")
    assert native.whitelist == {"经济"} and [e.weight for e in native.originals("繁荣")] == [0.9]
    plain = tmp_path / "plain.tsv"
    plain.write_text("发展\t繁荣\n利用\t哄骗\n", encoding="utf-8")
    # a plain two-column TSV is read as zhrepair TSV (spun first), and strictly
    assert {(e.spun, e.original) for e in load_any(plain)} == {("发展", "繁荣"), ("利用", "哄骗")}
    with pytest.raises(LexiconError, match=r"tab\.txt:1: bad weight"):
        load_any(DATA / "tab.txt")


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out.tsv"
    write_atomic(target, "old\n")
    write_atomic(target, "新\n")
    assert target.read_bytes() == "新\n".encode()
    folder = tmp_path / "a_folder"
    folder.mkdir()
    with pytest.raises(OSError):
        write_atomic(folder, "x")  # cannot rename a file over a folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_folder", "out.tsv"]  # no temporary file left
