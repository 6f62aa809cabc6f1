"""The spinner simulator (benchmarks/simulator.py) and the corpus split (benchmarks/corpus.py)."""

from __future__ import annotations

import pytest
from benchmarks import corpus, spinners
from benchmarks.scoring import apply_gold, score
from benchmarks.simulator import SpinnerSpec, Spun, _gold, _rewrite, _swaps, pairs_from_tsv, spin
from hypothesis import given, settings
from hypothesis import strategies as st


def check_consistent(doc: Spun) -> None:
    """Gold edits fit the spun text, do not overlap or touch, and replay to the clean text."""
    pos = -1
    for e in doc.gold:
        assert doc.spun[e.start : e.end] == e.spun
        assert e.start > pos, "gold edits must be disjoint and non-adjacent (adjacent ones merge)"
        assert e.gold[0] != e.spun and e.sure
        pos = e.end
    assert doc.replay() == doc.clean
    assert apply_gold(doc.spun, doc.gold) == doc.clean
    # the single swaps replay to the clean text too, and each lies inside one gold edit
    assert apply_gold(doc.spun, doc.swaps) == doc.clean
    assert all(any(g.start <= w.start and w.end <= g.end for g in doc.gold) for w in doc.swaps)


# --------------------------------------------------------------------------- replay property

ALPHABET = "发展创新关键不能中国人民，。；"
keys = st.text(alphabet=ALPHABET, min_size=1, max_size=3)
forms = st.lists(st.text(alphabet=ALPHABET + "繁荣改进闭", min_size=0, max_size=4), min_size=1, max_size=3)


@st.composite
def specs(draw: st.DrawFn) -> SpinnerSpec:
    pairs = draw(st.dictionaries(keys, forms, max_size=6))
    chain = draw(st.one_of(st.none(), st.dictionaries(keys, forms, max_size=4)))
    swaps = draw(st.dictionaries(st.sampled_from(list("发展关键中人")), st.sampled_from(list("繁闭国X")), max_size=3))
    return SpinnerSpec(
        pairs=pairs,
        char_swaps=swaps,
        rate=draw(st.sampled_from([1.0, 0.5, 0.0])),
        choice=draw(st.sampled_from(["occurrence", "document"])),
        mode=draw(st.sampled_from(["blind", "sequential"])),
        chain_passes=draw(st.integers(0, 2)),
        chain_pairs=chain,
        char_swap_rate=draw(st.sampled_from([1.0, 0.3])),
        stuffing=("创新",),
        stuffing_rate=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET + "的和", max_size=60), spec=specs(), seed=st.integers(0, 2**16))
def test_replaying_gold_gives_the_clean_text(text: str, spec: SpinnerSpec, seed: int) -> None:
    check_consistent(spin(text, spec, seed))


def _disjoint_batch(current: str, changes: list) -> list[tuple[int, int, str]]:
    """Drawn (start, length, text) changes clipped to *current* and kept only while sorted and disjoint."""
    batch, last = [], -1
    for start, length, new in sorted(changes):
        start = min(start, len(current))
        end = min(start + length, len(current))
        if start > last or (start == end and start >= last):
            batch.append((start, end, new))
            last = end
    return batch


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="abcdef", max_size=30),
    changes=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 4), st.text(alphabet="XYZ", max_size=3)), max_size=8),
)
def test_rewrite_keeps_both_sides_aligned(text: str, changes: list) -> None:
    # pieces from an earlier rewrite, then a second batch of changes touching them
    pieces = _rewrite([(c, c) for c in text], [(i, i + 1, "Q" * (i % 4)) for i in range(0, len(text), 4)])
    current = "".join(c for _, c in pieces)
    batch = _disjoint_batch(current, changes)
    out = _rewrite(pieces, batch)
    assert "".join(o for o, _ in out) == text
    expected, pos = [], 0
    for start, end, new in batch:
        expected.append(current[pos:start] + new)
        pos = end
    assert "".join(c for _, c in out) == "".join(expected) + current[pos:]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="abcdef", min_size=1, max_size=30),
    batches=st.lists(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.text(alphabet="XY", max_size=2)),
                              max_size=5), min_size=1, max_size=3),
)
def test_rewrite_of_a_whole_unchanged_text_equals_char_by_char(text: str, batches: list) -> None:
    # spin() starts from one unchanged piece; it must give the gold of one piece per character
    whole, chars = [(text, text)], [(c, c) for c in text]
    for changes in batches:
        batch = _disjoint_batch("".join(c for _, c in whole), changes)
        whole, chars = _rewrite(whole, batch), _rewrite(chars, batch)
    assert _gold(whole) == _gold(chars) and _swaps(whole) == _swaps(chars)


def test_rewrite_several_changes_inside_one_piece():
    pieces = [("a", "a"), ("不能", "不克不及"), ("b", "b")]
    out = _rewrite(pieces, [(2, 3, "K"), (3, 3, "+"), (4, 5, "J"), (5, 5, "!")])
    assert out == [("a", "a"), ("不能", "不K+不J"), ("", "!"), ("b", "b")]
    out = _rewrite(pieces, [(0, 2, "A"), (2, 5, "")])
    assert "".join(o for o, _ in out) == "a不能b" and "".join(c for _, c in out) == "Ab"


# --------------------------------------------------------------------------- behaviour


def test_rate_one_touches_every_occurrence():
    text = "，".join(["经济发展很快"] * 40) + "。"
    doc = spin(text, SpinnerSpec(pairs={"发展": ["繁荣"]}), seed=1)
    assert "发展" not in doc.spun and doc.spun.count("繁荣") == 40
    assert len(doc.gold) == 40 and all(e.gold == ("发展",) for e in doc.gold)
    check_consistent(doc)


def test_partial_rate_leaves_some_occurrences():
    text = "，".join(["经济发展很快"] * 200)
    doc = spin(text, SpinnerSpec(pairs={"发展": ["繁荣"]}, rate=0.3), seed=1)
    swapped = doc.spun.count("繁荣")
    assert 30 < swapped < 90 and doc.spun.count("发展") == 200 - swapped
    check_consistent(doc)


def test_seed_determinism():
    spec = SpinnerSpec(pairs={"发展": ["繁荣", "兴旺", "成长"]}, rate=0.7, stuffing=("创新",), stuffing_rate=0.3)
    text = "，".join(["推动发展"] * 60) + "。"
    assert spin(text, spec, seed=7) == spin(text, spec, seed=7)
    assert spin(text, spec, seed="a:1") == spin(text, spec, seed="a:1")
    assert spin(text, spec, seed=7).spun != spin(text, spec, seed=8).spun


def test_choice_per_occurrence_or_per_document():
    text = "，".join(["发展"] * 60)
    spec = SpinnerSpec(pairs={"发展": ["繁荣", "兴旺", "成长"]})
    used = {e.spun for e in spin(text, spec, seed=3).gold}
    assert used == {"繁荣", "兴旺", "成长"}
    per_doc = SpinnerSpec(pairs={"发展": ["繁荣", "兴旺", "成长"]}, choice="document")
    for seed in range(5):
        assert len({e.spun for e in spin(text, per_doc, seed=seed).gold}) == 1


def test_blind_mode_longest_match_first_and_inside_words():
    spec = SpinnerSpec(pairs={"中国": ["中华"], "中国人民": ["中华庶民"], "不能": ["不克不及"]})
    doc = spin("中国人民不能够，中国", spec)
    assert doc.spun == "中华庶民不克不及够，中华"
    assert [(e.spun, e.gold[0]) for e in doc.gold] == [("中华庶民不克不及", "中国人民不能"), ("中华", "中国")]
    # blind find-and-replace crosses word boundaries; word mode does not
    blind = spin("中国人民", SpinnerSpec(pairs={"国人": ["X人"]}))
    word = spin("中国人民", SpinnerSpec(pairs={"国人": ["X人"]}, mode="word"))
    assert blind.spun == "中X人民" and word.spun == "中国人民" and word.gold == ()


def test_blind_mode_does_not_reread_its_own_output():
    doc = spin("开展发展", SpinnerSpec(pairs={"开展": ["发展"], "发展": ["繁荣"]}))
    assert doc.spun == "发展繁荣"
    check_consistent(doc)


def test_chains_compose_and_gold_stays_clean():
    spec = SpinnerSpec(pairs={"组织": ["机关"], "机关": ["结构"]}, chain_passes=1)
    doc = spin("党组织和机关", spec)
    assert doc.spun == "党结构和结构"
    assert [(e.spun, e.gold[0]) for e in doc.gold] == [("结构", "组织"), ("结构", "机关")]
    # a separate chain dictionary, then a char swap on top: 组织→机关→机闭
    spec = SpinnerSpec(pairs={"组织": ["机关"]}, chain_pairs={"主要": ["紧要"]}, chain_passes=1, char_swaps={"关": "闭"})
    doc = spin("基层组织主要关键", spec)
    assert doc.spun == "基层机闭紧要闭键"
    assert [(e.spun, e.gold[0]) for e in doc.gold] == [("机闭紧要闭", "组织主要关")]


def test_char_swaps_inside_swapped_words_and_at_a_rate():
    doc = spin("鼓励创新，关键", SpinnerSpec(pairs={"鼓励": ["鼓舞"]}, char_swaps={"鼓": "胀", "关": "闭"}))
    assert doc.spun == "胀舞创新，闭键"
    assert [(e.spun, e.gold[0]) for e in doc.gold] == [("胀舞", "鼓励"), ("闭", "关")]
    text = "关" * 300
    some = spin(text, SpinnerSpec(pairs={}, char_swaps={"关": "闭"}, char_swap_rate={"关": 0.2}), seed=2)
    assert 30 < some.spun.count("闭") < 90
    check_consistent(some)


def test_keyword_stuffing_is_a_deletion():
    text = "完善机制，打造平台。推进改革；好"
    doc = spin(text, SpinnerSpec(pairs={}, stuffing=("创新",), stuffing_rate=1.0))
    assert doc.spun == "完善机制创新，打造平台创新。推进改革创新；好"
    assert all(e.spun == "创新" and e.gold == ("",) for e in doc.gold) and len(doc.gold) == 3
    none = spin(text, SpinnerSpec(pairs={}, stuffing=("创新",), stuffing_rate=0.0))
    assert none.spun == text and none.gold == ()


def test_adjacent_changes_merge_into_one_gold_edit():
    doc = spin("高质量发展，", SpinnerSpec(pairs={"高质量": ["高质地"], "发展": ["繁荣"]}, stuffing=("创新",), stuffing_rate=1.0))
    assert doc.spun == "高质地繁荣创新，"
    assert [(e.start, e.end, e.gold[0]) for e in doc.gold] == [(0, 7, "高质量发展")]
    # the merged gold accepts a repair that fixes all of it, however it is aligned
    edits = [(0, 3, "高质地", "高质量"), (3, 7, "繁荣创新", "发展")]
    assert score(doc.spun, doc.gold, edits).tp == 1
    # one region, three swaps
    assert [(e.start, e.end, e.gold[0]) for e in doc.swaps] == [(0, 3, "高质量"), (3, 5, "发展"), (5, 7, "")]


def test_swap_back_to_the_original_is_no_gold_edit():
    doc = spin("发展", SpinnerSpec(pairs={"发展": ["繁荣"]}, chain_pairs={"繁荣": ["发展"]}, chain_passes=1))
    assert doc.spun == "发展" and doc.gold == ()


def test_pairs_from_tsv():
    lines = ["# comment", "发展\t繁荣", "发展\t兴旺", "发展\t繁荣", "x\tx", "", "bad line"]
    assert pairs_from_tsv(lines) == {"发展": ["繁荣", "兴旺"]}
    assert pairs_from_tsv(["繁荣\t发展"], spun_first=True) == {"发展": ["繁荣"]}


def test_sample_spinner_is_measured_on_the_sample():
    spec = spinners.sample_spinner()
    assert spec.pairs["发展"] == ["繁荣"] and spec.pairs["创新"][0] in ("改进", "立异")
    assert spec.pairs["在"] == ["正在"]  # the sample swaps every 在
    assert "会" not in spec.pairs and "新" not in spec.pairs  # an alternative reading; a char swap
    rates = dict(spec.char_swap_rate)
    assert rates["关"] == 1.0 and rates["新"] < 0.2
    assert 0.01 < spec.stuffing_rate < 0.2
    doc = spin("创新是引领发展的第一动力，关键在于深入开展工作。", spec, seed=0)
    assert "繁荣" in doc.spun and "闭" in doc.spun
    check_consistent(doc)


# --------------------------------------------------------------------------- shared corpus

needs_shared = pytest.mark.skipif(
    corpus.shared_dir() is None or not (corpus.shared_dir() / "data" / "corpus").is_dir(),
    reason="shared data (../shared or $ZHREPAIR_SHARED) not found: corpus tests skipped",
)


@needs_shared
def test_articles_respect_lengths_and_split():
    for source, split in corpus.SPLITS.items():
        tune, test = corpus.tune_articles(source), corpus.test_articles(source)
        assert len(test) >= 50 and len(tune) >= 50
        for a in tune + test:
            assert corpus.MIN_CHARS <= len(a.text) <= corpus.MAX_CHARS
        lo, hi = split["test"]
        assert all(lo <= a.first_line <= a.last_line <= hi for a in test)
        test_lines = {n for a in test for n in range(a.first_line, a.last_line + 1)}
        assert not any(n in test_lines for a in tune for n in range(a.first_line, a.last_line + 1))
    assert corpus.test_articles("xwlb") == corpus.test_articles("xwlb")  # deterministic
    picked = corpus.pick(corpus.test_articles("xwlb"), 10, slot=0, slots=4)
    other = corpus.pick(corpus.test_articles("xwlb"), 10, slot=2, slots=4)
    assert len(picked) == 10 and not {a.id for a in picked} & {a.id for a in other}


@needs_shared
@pytest.mark.slow
def test_real_spinners_replay_on_test_articles():
    arts = corpus.pick(corpus.test_articles("xwlb"), 3)
    specs_ = [spinners.sample_spinner()] + [spinners.public_spinner(p) for p in spinners.public_dict_paths()]
    for spec in specs_:
        for i, a in enumerate(arts):
            doc = spin(a.text, spec, seed=i)
            check_consistent(doc)
            assert len(doc.gold) > 10, f"{spec.name} barely touched {a.id}"
