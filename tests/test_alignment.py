"""`zhrepair.learn_pairs` and `zhrepair lexicon learn`: pairs learned from aligned texts."""

from __future__ import annotations

import json
import random
import sys

import pytest

import zhrepair
from conftest import ROOT
from zhrepair.alignment import learn_counts
from zhrepair.cli import main

sys.path.insert(0, str(ROOT))
from benchmarks.simulator import SpinnerSpec, spin  # noqa: E402

TEXTS = [
    ("探索党建引领与科技创新两翼齐飞。", "探索党筑引颈与科技改进两翼齐飞。"),
    ("推动经济发展创新，加强党建工作。", "推动经济繁荣改进，加强党筑工作。"),
    ("我们坚持创新。", "我们坚持改进。"),
]


def counts(pairs):
    return dict(learn_counts(pairs).counts)


def test_char_swap_widened_to_the_word():
    found = counts([("加强党建工作。", "加强党筑工作。")])
    assert found == {("党筑", "党建"): 1}


def test_adjacent_swaps_split_into_word_pairs():
    found = counts([("推动经济发展创新。", "推动经济繁荣改进。")])
    assert found == {("繁荣", "发展"): 1, ("改进", "创新"): 1}


def test_stuffing_is_not_a_pair():
    found = counts([("今天天气很好，我们出去。", "今天天气很好创新，我们出去。"),
                    ("推动经济发展，加强合作。", "推动经济繁荣创新，加强合作。")])
    assert found == {("繁荣", "发展"): 1}


def test_identical_texts_give_nothing():
    assert counts([("坚持创新驱动发展战略。", "坚持创新驱动发展战略。"), ("", "")]) == {}


def test_counts_and_lexicon():
    lex = zhrepair.learn_pairs(TEXTS)
    got = {(e.spun, e.original): e.weight for e in lex}
    assert got[("改进", "创新")] == 3 and got[("党筑", "党建")] == 2 and got[("繁荣", "发展")] == 1
    assert {e.source for e in lex} == {"learned"}
    assert len(zhrepair.learn_pairs(TEXTS, min_count=2)) == 2


def test_one_word_block_is_not_cut_into_halves():
    """An idiom swapped for another of the same length stays whole (no equal-length cut
    inside a word)."""
    found = counts([("大家齐心协力。", "大家同心合力。")])
    assert found == {("同心合力", "齐心协力"): 1}


def test_sub_word_key_anchored_by_unchanged_characters():
    """Only part of a word changed: the character diff cuts at the word's inner boundary
    next to the unchanged part (图书馆 → 书籍馆 gives 书籍 ← 图书)."""
    assert counts([("他去图书馆看书。", "他去书籍馆看书。")]) == {("书籍", "图书"): 1}


def test_sub_word_left_unchanged_elsewhere_is_no_key():
    """The part is left unchanged in another sentence, so it cannot be the key: the whole word is."""
    found = counts([("他去图书馆看书。", "他去书籍馆看书。"), ("这些图书很旧。", "这些图书很旧。")])
    assert found == {("书籍馆", "图书馆"): 1}


def test_adjacent_swaps_of_unequal_lengths():
    """Two adjacent swaps of different lengths: the pair seen alone elsewhere splits the
    block, the rest is the other pair."""
    found = counts([("坚持创新。", "坚持改进。"), ("推动经济发展创新。", "推动经济兴旺发达改进。")])
    assert found == {("改进", "创新"): 2, ("兴旺发达", "发展"): 1}


def test_insertion_next_to_a_swap_goes_with_it():
    found = counts([("我们在学校读书。", "我们正在书院读书。")])
    assert found == {("正在", "在"): 1, ("书院", "学校"): 1}


def test_single_character_key_inside_words():
    """A one-character key swapped inside several words (山区 → 峰峦区, 登山 → 登峰峦) is
    learned as the character's pair when the character is never left unchanged."""
    texts = [("山区道路很窄。", "峰峦区道路很窄。"), ("周末一起登山。", "周末一起登峰峦。")]
    assert counts(texts) == {("峰峦", "山"): 2}
    kept = texts + [("山上有雪。", "山上有雪。")]  # 山 left as it is: no key of its own
    assert counts(kept) == {("峰峦区", "山区"): 1, ("登峰峦", "登山"): 1}


def test_shared_characters_around_every_context_belong_to_the_key():
    """A word key seen inside longer words (中央 → 中心 in 中央政治局 and 中央文献) is the
    smallest pair all of them contain, not the bare characters that differ (心 ← 央)."""
    texts = [("中央政治局开会。", "中心政治局开会。"), ("出版中央文献。", "出版中心文献。")]
    assert counts(texts) == {("中心", "中央"): 2}


def test_word_swapped_for_a_word_sharing_a_character_stays_whole():
    """坚定不移 → 百折不挠 share 不 by chance: one key, not 百折 ← 坚定 and 挠 ← 移."""
    assert counts([("我们坚定不移推进改革。", "我们百折不挠推进改革。")]) == {("百折不挠", "坚定不移"): 1}


def test_word_key_is_not_cut_to_its_differing_character():
    """关系 → 干系 and 相关 → 相干 are words for words: two keys, not one key 关 → 干."""
    texts = [("两国关系很好。", "两国干系很好。"), ("相关部门到场。", "相干部门到场。")]
    assert counts(texts) == {("干系", "关系"): 1, ("相干", "相关"): 1}


def test_unknown_parts_between_known_pairs():
    """Three adjacent swaps (方针 → 目标, 不 → 没有, 动摇 → 摇动): the known middle pair
    fixes where the two unknown ones end."""
    texts = [("他不去。", "他没有去。"), ("坚持总方针不动摇。", "坚持总目标没有摇动。")]
    assert counts(texts) == {("没有", "不"): 2, ("目标", "方针"): 1, ("摇动", "动摇"): 1}


def test_learned_pairs_match_the_simulated_spinner():
    """Spin clean text with a known dictionary: every pair it used comes back, nothing else."""
    pairs = {"发展": ["繁荣"], "创新": ["改进"], "配置": ["设置装备摆设"], "重要": ["主要"], "利用": ["哄骗"]}
    spec = SpinnerSpec(pairs=pairs, mode="blind")
    rng = random.Random(0)
    words = ["经济", "发展", "创新", "配置", "重要", "利用", "资源", "我们", "坚持", "推动"]
    docs = []
    for k in range(30):
        text = "".join(rng.choice(words) + rng.choice(["", "，", "的"]) for _ in range(12)) + "。"
        docs.append(spin(text, spec, seed=k))
    gold = {(g.spun, g.gold[0]) for d in docs for g in d.swaps}
    learned = set(learn_counts((d.clean, d.spun) for d in docs).counts)
    assert learned == gold


# --------------------------------------------------------------------------- CLI


def test_cli_text_files_load_and_repair(tmp_path, capsys):
    o, s, out = tmp_path / "o.txt", tmp_path / "s.txt", tmp_path / "pairs.tsv"
    o.write_text("\n".join(a for a, _ in TEXTS) + "\n", encoding="utf-8")
    s.write_text("\n".join(b for _, b in TEXTS) + "\n", encoding="utf-8")
    assert main(["lexicon", "learn", "--original", str(o), "--spun", str(s), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert lines[1] == "改进\t创新\t3"
    lex = zhrepair.load_lexicon(out)
    assert {(e.spun, e.original): e.weight for e in lex}[("党筑", "党建")] == 2
    capsys.readouterr()
    assert main(["lexicon", "learn", "--original", str(o), "--spun", str(s), "--min-count", "2"]) == 0
    assert capsys.readouterr().out.count("\n") == 3  # header + two pairs


def test_cli_jsonl(tmp_path, capsys):
    f = tmp_path / "docs.jsonl"
    f.write_text("".join(json.dumps({"a": a, "b": b}, ensure_ascii=False) + "\n" for a, b in TEXTS), encoding="utf-8")
    assert main(["lexicon", "learn", "--jsonl", str(f), "--original-field", "a", "--spun-field", "b"]) == 0
    assert "改进\t创新\t3" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ('{"a": "x", "b": "y"}\n{"a": \n', "docs.jsonl:2"),
    ('{"a": "x"}\n', "docs.jsonl:1"),
])
def test_cli_bad_jsonl(tmp_path, capsys, content, message):
    f = tmp_path / "docs.jsonl"
    f.write_text(content, encoding="utf-8")
    assert main(["lexicon", "learn", "--jsonl", str(f), "--original-field", "a", "--spun-field", "b"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_mismatched_lines_and_bad_utf8(tmp_path, capsys):
    o, s = tmp_path / "o.txt", tmp_path / "s.txt"
    o.write_text("一\n二\n", encoding="utf-8")
    s.write_text("一\n", encoding="utf-8")
    assert main(["lexicon", "learn", "--original", str(o), "--spun", str(s)]) == 2
    assert "lines" in capsys.readouterr().err
    s.write_bytes(b"\xff\xfe\n\n")
    assert main(["lexicon", "learn", "--original", str(o), "--spun", str(s)]) == 2
    assert main(["lexicon", "learn", "--original", str(o)]) == 2


def test_stuffing_is_stripped_the_same_whatever_the_order_of_the_set():
    from zhrepair.alignment import _Block, _unstuffed

    block = _Block(("推动", "改革"), "推进改革创新")  # "创新" and "新" were both seen stuffed
    assert _unstuffed(block, ["新", "创新"]) == _unstuffed(block, ["创新", "新"]) == "推进改革"


def test_key_across_a_word_boundary_stays_whole():
    """A blind spinner's key can straddle the original's words (大作 in 更大作用, 在下 in
    在下游): the pair is that key, not the two halves cut at the word boundary."""
    assert counts([("发挥更大作用。", "发挥更鸿文用。")]) == {("鸿文", "大作"): 1}
    assert counts([("长江在下游汇合。", "长江鄙人游汇合。")]) == {("鄙人", "在下"): 1}
    # the whole changed piece a word for a word (波罗的海 / 军 cut apart): not cut at the boundary
    assert counts([("北约在波罗的海军演。", "北约在波罗的水师演。")]) == {("水师", "海军"): 1}


def test_key_left_unchanged_elsewhere_takes_in_its_unchanged_neighbours():
    """本地区 → 当地区 cuts apart as 当 ← 本 (地区 is unchanged); where 本 stands unchanged
    elsewhere, 本 is no key of its own (a spinner swaps every occurrence), so the key takes in
    the neighbour that makes both sides words: 当地 ← 本地."""
    assert counts([("结合本地区实际。", "结合当地区实际。")]) == {("当", "本"): 1}
    assert counts([("结合本地区实际。", "结合当地区实际。"), ("本行业很好。", "本行业很好。")]) == {("当地", "本地"): 1}
    assert counts([("北约不应成为联盟。", "北约不该成为联盟。"), ("应该如此。", "应该如此。")]) == {("不该", "不应"): 1}


def test_character_rule_applied_at_a_rate_is_found_in_three_words():
    """建 → 筑 inside 新建, 建言, 筹建, while 建设 stays: a character rule applied at a rate.
    Seen in two words only, with 建 standing elsewhere, the two words are kept as they are."""
    rule = [("新建工厂。", "新筑工厂。"), ("建言献策。", "筑言献策。"), ("筹建学校。", "筹筑学校。"),
            ("建设国家。", "建设国家。")]
    assert counts(rule) == {("筑", "建"): 3}
    assert counts(rule[:2] + rule[3:]) == {("新筑", "新建"): 1, ("筑言", "建言"): 1}


def test_word_shifted_by_the_swaps_around_it_is_no_anchor():
    """The segmenter cuts 好 apart on one side only (思想 / 好 / 品行好 against 头脑好 / 操行 / 好):
    the one-word match 好 between two changes of unequal lengths is no anchor."""
    found = counts([("培养孩子好思想好品行好习惯。", "培育孩子好头脑好操行好习气。")])
    assert found == {("培育", "培养"): 1, ("头脑", "思想"): 1, ("操行", "品行"): 1, ("习气", "习惯"): 1}


def test_equal_length_block_anchors_characters_in_place():
    """满足人民群众 → 满意国民人民 (国民 ← 人民, then 人民 ← 群众): the spun 人民 stands where 群众
    stood, so it anchors nothing, and the pairs seen elsewhere split the block."""
    found = counts([("满足人民群众的需要。", "满意国民人民的需要。"), ("人民的力量。", "国民的力量。"),
                    ("依靠群众。", "依靠人民。"), ("满足需要。", "满意需要。")])
    assert found == {("满意", "满足"): 2, ("国民", "人民"): 2, ("人民", "群众"): 2}
