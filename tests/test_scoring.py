"""Region-level scoring (benchmarks/scoring.py) on hand-made cases."""

from __future__ import annotations

import math

import pytest
from benchmarks.scoring import (
    GoldEdit,
    Score,
    SysEdit,
    apply_gold,
    false_edits_per_10k,
    load_gold,
    reliability,
    roc_auc,
    score,
    word_score,
)

from conftest import SAMPLE_DIR

SAMPLE = SAMPLE_DIR


def g(text: str, start: int, end: int, *gold: str, sure: bool = True) -> GoldEdit:
    return GoldEdit(start, end, text[start:end], tuple(gold), sure)


def s(text: str, start: int, end: int, after: str) -> SysEdit:
    return SysEdit(start, end, text[start:end], after)


TEXT = "各地繁荣经济，胀动改进。"  # 繁荣→发展 (2:4), 胀动→推动|推进 (7:9), 改进→创新 (9:11)


def test_exact_match():
    gold = [g(TEXT, 2, 4, "发展")]
    res = score(TEXT, gold, [s(TEXT, 2, 4, "发展")])
    assert (res.tp, res.fp, res.fn) == (1, 0, 0)
    assert res.precision == res.recall == res.f1 == 1.0


def test_alternatives_accept_any_listed_original():
    gold = [g(TEXT, 7, 9, "推动", "推进")]
    assert score(TEXT, gold, [s(TEXT, 7, 9, "推进")]).tp == 1
    assert score(TEXT, gold, [s(TEXT, 7, 9, "推动")]).tp == 1
    res = score(TEXT, gold, [s(TEXT, 7, 9, "鼓动")])
    assert (res.tp, res.fp, res.fn) == (0, 1, 1)


def test_unsure_edit_may_be_kept_or_restored():
    gold = [g(TEXT, 9, 11, "创新", sure=False)]
    kept = score(TEXT, gold, [])
    assert (kept.changed, kept.sure, kept.tp, kept.fn) == (0, 0, 0, 0)
    restored = score(TEXT, gold, [s(TEXT, 9, 11, "创新")])
    assert (restored.changed, restored.tp, restored.sure) == (1, 1, 0)
    wrong = score(TEXT, gold, [s(TEXT, 9, 11, "改善")])
    assert (wrong.tp, wrong.fp) == (0, 1)


def test_missed_sure_edit_counts_against_recall_only():
    gold = [g(TEXT, 2, 4, "发展"), g(TEXT, 7, 9, "推动")]
    res = score(TEXT, gold, [s(TEXT, 2, 4, "发展")])
    assert (res.tp, res.fp, res.fn) == (1, 0, 1)
    assert res.precision == 1.0 and res.recall == 0.5
    assert res.f1 == pytest.approx(2 / 3)
    assert [r.spun for r in res.missed] == ["胀动"] and res.missed[0].kind == "missed"


def test_deletion_of_keyword_stuffing():
    text = "完善机制创新，打造平台。"
    gold = [g(text, 4, 6, "")]
    assert score(text, gold, [s(text, 4, 6, "")]).tp == 1
    # deleting only part of the stuffing is wrong
    res = score(text, gold, [s(text, 5, 6, "")])
    assert (res.tp, res.fp, res.fn) == (0, 1, 1)
    assert res.wrong[0].system == "创"


def test_system_edit_spanning_two_gold_edits_is_one_region():
    text = "高质地繁荣"
    gold = [g(text, 0, 3, "高质量"), g(text, 3, 5, "发展")]
    separate = score(text, gold, [s(text, 0, 3, "高质量"), s(text, 3, 5, "发展")])
    assert (separate.changed, separate.tp, separate.sure, separate.fn) == (2, 2, 2, 0)
    joint = score(text, gold, [s(text, 0, 5, "高质量发展")])
    assert (joint.changed, joint.tp, joint.sure, joint.fn) == (1, 1, 1, 0)
    half = score(text, gold, [s(text, 2, 5, "量发展")])  # overlaps both: one region, right output
    assert (half.changed, half.tp, half.sure) == (1, 1, 1)
    bad = score(text, gold, [s(text, 2, 4, "量繁")])
    assert (bad.tp, bad.fp, bad.fn) == (0, 1, 1)
    assert bad.wrong[0].system == "高质量繁荣" and "高质量发展" in bad.wrong[0].gold


def test_overlap_with_unsure_gold_inside_region():
    text = "便是科创大会"
    gold = [g(text, 0, 2, "就是", sure=False)]
    # system rewrites a wider span keeping the unsure part: still acceptable
    res = score(text, gold, [s(text, 0, 4, "便是科技")])
    assert res.fp == 1  # 科创→科技 is not gold
    res = score(text, gold, [s(text, 0, 2, "就是")])
    assert res.tp == 1 and res.sure == 0
    # one system edit covering an unsure and a sure gold edit: the unsure part may stay
    text = "便是科创繁荣"
    gold = [g(text, 0, 2, "就是", sure=False), g(text, 4, 6, "发展")]
    for after in ("便是科创发展", "就是科创发展"):
        res = score(text, gold, [s(text, 0, 6, after)])
        assert (res.changed, res.tp, res.sure, res.fn) == (1, 1, 1, 0), after
    assert score(text, gold, [s(text, 0, 6, "就是科创繁荣")]).fn == 1


def test_wrong_restoration_and_false_edit_kinds():
    gold = [g(TEXT, 2, 4, "发展")]
    res = score(TEXT, gold, [s(TEXT, 2, 4, "兴旺"), s(TEXT, 0, 2, "各省")])
    assert (res.changed, res.tp, res.fp, res.fn) == (2, 0, 2, 1)
    kinds = sorted(r.kind for r in res.wrong)
    assert kinds == ["false_edit", "wrong_restoration"]
    assert res.missed == []  # the wrong restoration is a precision error, not listed twice


def test_clean_text_false_positive():
    clean = "经济繁荣，社会稳定。"
    res = score(clean, [], [s(clean, 2, 4, "发展")])
    assert (res.changed, res.fp, res.sure) == (1, 1, 0)
    assert res.precision == 0.0 and res.recall == 1.0 and res.f1 == 0.0
    assert res.wrong[0].kind == "false_edit" and res.wrong[0].context == "经济[繁荣]，社会稳定。"


def test_no_op_system_edits_are_ignored():
    res = score(TEXT, [], [s(TEXT, 2, 4, "繁荣")])
    assert res.changed == 0 and res.precision == 1.0


def test_zero_width_spans_join_what_they_touch():
    text = "改进创新，"
    # a gold insertion (something the spinner deleted) and a system insertion at the same point
    gold = [GoldEdit(4, 4, "", ("的",), True)]
    assert score(text, gold, [SysEdit(4, 4, "", "的")]).tp == 1
    # a system insertion at the end of a gold span joins that span's region
    gold = [g(text, 0, 2, "创新")]
    res = score(text, gold, [s(text, 0, 2, "创新"), SysEdit(2, 2, "", "X")])
    assert (res.changed, res.tp, res.fp, res.fn) == (1, 0, 1, 1)
    assert res.wrong[0].system == "创新X"
    # ... and it bridges the adjacent gold span on its other side
    gold = [g(text, 0, 2, "创新"), g(text, 2, 4, "")]
    res = score(text, gold, [s(text, 0, 2, "创新"), SysEdit(2, 2, "", ""), s(text, 2, 4, "")])
    assert (res.changed, res.tp, res.sure) == (2, 2, 2)  # the no-op insertion joins nothing
    res = score(text, gold, [SysEdit(2, 2, "", "X")])
    assert (res.changed, res.sure, res.tp) == (1, 1, 0)  # one region covering 0:4


def test_merged_gold_accepts_either_alignment_of_a_deletion():
    text = "改进创新，"  # spun from 创新， by 创新→改进 plus stuffing 创新
    gold = [g(text, 0, 4, "创新")]  # the simulator's merged gold edit
    assert score(text, gold, [s(text, 0, 2, "")]).tp == 1
    assert score(text, gold, [s(text, 0, 4, "创新")]).tp == 1
    assert score(text, gold, [s(text, 2, 4, "")]).tp == 0  # leaves 改进


def test_scores_add_up_micro_average():
    a = score(TEXT, [g(TEXT, 2, 4, "发展")], [s(TEXT, 2, 4, "发展")])
    b = score(TEXT, [g(TEXT, 2, 4, "发展"), g(TEXT, 7, 9, "推动")], [s(TEXT, 0, 2, "各省")])
    total = a + b
    assert (total.tp, total.fp, total.fn) == (1, 1, 2)
    assert total.precision == 0.5 and total.recall == pytest.approx(1 / 3)
    assert Score.total([a, b]).summary() == total.summary()


def test_bad_edits_are_rejected():
    with pytest.raises(ValueError):
        score(TEXT, [], [SysEdit(2, 4, "发展", "繁荣")])  # before does not match the text
    with pytest.raises(ValueError):
        score(TEXT, [], [s(TEXT, 2, 4, "发展"), s(TEXT, 3, 5, "xx")])  # overlapping
    with pytest.raises(ValueError):
        GoldEdit(2, 4, "繁", ("发展",))


def test_system_edits_as_dicts_and_tuples():
    gold = [g(TEXT, 2, 4, "发展")]
    assert score(TEXT, gold, [{"start": 2, "end": 4, "before": "繁荣", "after": "发展"}]).tp == 1
    assert score(TEXT, gold, [(2, 4, "繁荣", "发展")]).tp == 1


def test_false_edits_per_10k():
    edits = [SysEdit(0, 1, "a", "b"), SysEdit(5, 6, "c", "d"), SysEdit(9, 10, "e", "f"), SysEdit(12, 13, "x", "x")]
    assert false_edits_per_10k(edits, 5000) == pytest.approx(6.0)
    assert false_edits_per_10k([], 5000) == 0.0


def test_roc_auc():
    assert roc_auc([0.9, 0.8], [0.1, 0.85]) == pytest.approx(0.75)
    assert roc_auc([1, 2, 3], [0, 0]) == 1.0
    assert roc_auc([0, 0], [1, 2]) == 0.0
    assert roc_auc([0.5, 0.5], [0.5]) == pytest.approx(0.5)  # ties count half
    assert math.isnan(roc_auc([], [1.0]))


def test_changed_regions_carry_their_lowest_edit_confidence():
    gold = [g(TEXT, 2, 4, "发展"), g(TEXT, 7, 11, "推动创新")]
    edits = [{"start": 2, "end": 4, "before": "繁荣", "after": "发展", "confidence": 0.9},
             {"start": 7, "end": 9, "before": "胀动", "after": "推动", "confidence": 0.6},
             {"start": 9, "end": 11, "before": "改进", "after": "创新", "confidence": 0.8}]
    res = score(TEXT, gold, edits)
    # 胀动改进 is one gold region, restored by two edits: it counts at the lower confidence
    assert sorted(res.judged) == [(0.6, True), (0.9, True)]
    assert (res + res).judged == res.judged * 2
    wrong = [{"start": 2, "end": 4, "before": "繁荣", "after": "发达", "confidence": 0.7}]
    assert score(TEXT, gold, wrong).judged == [(0.7, False)]
    assert score(TEXT, gold, [s(TEXT, 2, 4, "发展")]).judged == [(1.0, True)]  # no confidence given: 1


def test_reliability_bins_and_calibration_error():
    judged = [(0.55, True), (0.55, False), (0.95, True), (0.97, True), (1.0, False), (0.3, False)]
    rel = reliability(judged, edges=(0.5, 0.9, 1.0))
    (lo1, hi1, n1, right1, conf1), (lo2, hi2, n2, right2, conf2) = rel.bins
    assert (lo1, hi1, n1) == (0.5, 0.9, 3) and right1 == pytest.approx(1 / 3)  # 0.3 counts in the first bin
    assert conf1 == pytest.approx((0.55 + 0.55 + 0.3) / 3)
    assert (lo2, hi2, n2) == (0.9, 1.0, 3) and right2 == pytest.approx(2 / 3)  # 1.0 is in the last bin
    expected = 3 / 6 * abs(1 / 3 - 1.4 / 3) + 3 / 6 * abs(2 / 3 - (0.95 + 0.97 + 1.0) / 3)
    assert rel.ece == pytest.approx(expected)
    assert rel.summary().startswith(f"ECE {expected:.3f} · 0.50–0.90: 3 at 0.33 right")
    assert reliability([]).ece == 0.0 and all(n == 0 for _, _, n, _, _ in reliability([]).bins)


def test_sample_gold_replays_and_scores_perfectly():
    spun = (SAMPLE / "spun.txt").read_text(encoding="utf-8")
    gold = load_gold(SAMPLE / "edits.jsonl")
    assert len(gold) == 380 and sum(e.sure for e in gold) == 365
    assert apply_gold(spun, gold, sure_only=True) == (SAMPLE / "gold.txt").read_text(encoding="utf-8")
    perfect = [SysEdit(e.start, e.end, e.spun, e.gold[0]) for e in gold]
    res = score(spun, gold, perfect)
    assert res.precision == res.recall == 1.0 and res.sure == 365
    nothing = score(spun, gold, [])
    assert nothing.recall == 0.0 and nothing.fn == 365


def test_word_score_counts_right_fixes_inside_a_wrong_region():
    spun = "党筑引颈高质地繁荣。"
    # the spinner's single swaps: 建→筑, 领→颈 (characters), 高质量→高质地, 发展→繁荣
    swaps = [g(spun, 1, 2, "建"), g(spun, 3, 4, "领"), g(spun, 4, 7, "高质量"), g(spun, 7, 9, "发展")]
    edits = [s(spun, 0, 2, "党建"),      # a word covering one char swap: right
             s(spun, 2, 4, "引导"),      # wrong original
             s(spun, 4, 7, "高质量"),    # right
             s(spun, 6, 8, "地繁")]      # crosses a swap's edge: wrong
    w = word_score(spun, swaps, edits)
    assert (w.right, w.edits, w.found, w.swaps) == (2, 4, 2, 4)
    assert w.precision == 0.5 and w.recall == 0.5
    # the region-level score calls the whole run wrong
    assert score(spun, [g(spun, 0, 9, "党建引领高质量发展")], edits).tp == 0
    assert word_score(spun, swaps, []).precision == 1.0 and word_score(spun, [], []).recall == 1.0
