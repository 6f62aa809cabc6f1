"""The learned spinner channel and the open-vocabulary candidate generator (zhrepair.channel)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from conftest import ROOT, SAMPLE_DIR
from zhrepair import channel as ch

WEIGHTS = ROOT / "src" / "zhrepair" / "data" / ch.DATA_FILE


def sample_pairs() -> list[tuple[str, str]]:
    """``(original, spun)`` of the sample's sure edits (from its ``spun<TAB>original`` file)."""
    rows = (line.split("\t") for line in (SAMPLE_DIR / "pairs.tsv").read_text(encoding="utf-8").splitlines() if line)
    return [(o, s) for s, o in rows if o and s and o != s]


def test_features_are_deterministic_and_of_the_documented_length():
    x = ch.features("关键", "闭节")
    assert x.shape == (len(ch.FEATURES),)
    assert np.array_equal(x, ch.features("关键", "闭节"))
    named = dict(zip(ch.FEATURES, ch.features("党建", "党筑")))
    assert named["one_char_diff"] == 1 and named["compound_partner"] == 1 and named["same_position"] == 1
    assert dict(zip(ch.FEATURES, ch.features("分娩", "临盆")))["cilin_synonyms"] == 1
    assert dict(zip(ch.FEATURES, ch.features("配置", "设置装备摆设")))["spun_in_vocab"] == 0


def test_the_fast_candidate_path_matches_the_general_features():
    t = ch._default_tables(None)
    for spun in ("党筑", "闭节", "临盆", "建"):
        ids = ch.candidate_ids(spun)
        words = [t.words[i] for i in ids]
        assert np.allclose(ch.candidate_features(spun, ids), ch.feature_matrix(words, spun))


def test_the_shipped_channel_ranks_spinner_pairs_above_unrelated_ones():
    channel = ch.SpinnerChannel.load()
    assert channel.names == ch.FEATURES
    assert channel.logit("党建", "党筑") > channel.logit("苹果", "党筑")
    assert channel.logit("关键", "闭节") > channel.logit("关键", "苹果")
    assert channel.logit("欺骗", "哄骗") > channel.logit("香蕉", "哄骗")
    # known limit: 发展 -> 繁荣 (no shared character, not one 词林 group) scores below rarer unrelated words
    pairs = sample_pairs()
    rng = random.Random(0)
    unrelated = [(rng.choice(pairs)[0], s) for _, s in pairs]
    unrelated = [(o, s) for o, s in unrelated if (o, s) not in set(pairs)]
    true = channel.logits([o for o, _ in pairs], [s for _, s in pairs])
    false = channel.logits([o for o, _ in unrelated], [s for _, s in unrelated])
    auc = (true[:, None] > false[None, :]).mean()
    assert auc > 0.65, auc  # 0.73 with the shipped weights (the sample is a different, newer spinner)


def test_candidates_find_compound_partner_swaps():
    top = [w for w, _ in ch.candidates("党筑", limit=10)]
    assert "党建" in top  # 建 -> 筑, as in 建筑
    assert "关节" in [w for w, _ in ch.candidates("闭节", limit=10)]  # 关 -> 闭, as in 关闭
    assert "分娩" in [w for w, _ in ch.candidates("临盆", limit=10)]  # a 词林 synonym
    everything = ch.candidates("党筑", limit=None)
    scores = [s for _, s in everything]
    assert scores == sorted(scores, reverse=True) and "党筑" not in [w for w, _ in everything]
    assert ch.candidates("𪚥𪚥𪚥", limit=5) == []


def test_the_weights_file_holds_numbers_and_no_words():
    text = WEIGHTS.read_text(encoding="utf-8")
    assert not re.search(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]", text)
    channel = ch.SpinnerChannel.load(WEIGHTS)
    assert len(channel.coef) == len(channel.mean) == len(channel.scale) == len(ch.FEATURES)
    assert np.isfinite(channel.coef).all() and channel.provenance["script"]


def test_retraining_on_a_tiny_synthetic_set():
    pytest.importorskip("sklearn")
    from benchmarks import train_channel

    dicts = {
        "a": {("建设", "扶植"), ("关键", "闭节"), ("党建", "党筑"), ("发展", "繁荣"), ("生产", "临盆")},
        "b": {("关键", "闭节"), ("利用", "哄骗"), ("建筑", "筑造"), ("众多", "浩繁"), ("更新", "改进")},
    }
    rows = train_channel.build_rows(dicts, seed=1)
    assert rows.x.shape == (len(rows.y), len(ch.FEATURES)) and 0 < rows.y.sum() < len(rows.y)
    channel = train_channel.fit_channel(rows.x, rows.y)
    assert channel.score(rows.x[rows.y == 1]).mean() > channel.score(rows.x[rows.y == 0]).mean()
    forms = train_channel.spun_forms(sorted(dicts["a"]), 10)
    ranked, baseline = train_channel.ranks(channel, forms, (0.0,))
    assert ranked.shape == (len(forms), 1) and baseline.shape == (len(forms),)
