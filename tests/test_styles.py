"""Spinning styles (benchmarks/styles.py): sequential mode, per-document rates, short documents, manual pages."""

from __future__ import annotations

import pytest
from benchmarks import corpus, spinners
from benchmarks.scoring import apply_gold
from benchmarks.simulator import SpinnerSpec, spin
from benchmarks.styles import STYLES, Style, style_articles, styled_docs

from test_simulator import check_consistent


def edits(doc) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.spun, e.gold[0]) for e in doc.gold]


def sequential(pairs: dict[str, list[str]], **kw) -> SpinnerSpec:
    return SpinnerSpec(pairs=pairs, mode="sequential", **kw)


# --------------------------------------------------------------------------- sequential mode


def test_sequential_chains_in_file_order():
    pairs = {"组织": ["机关"], "机关": ["结构"]}
    doc = spin("党组织和机关", sequential(pairs))
    assert doc.spun == "党结构和结构"  # 组织→机关, then every 机关 (the new one too) →结构
    assert edits(doc) == [(1, 3, "结构", "组织"), (4, 6, "结构", "机关")]
    check_consistent(doc)
    # the other file order: 机关→结构 has run before 组织→机关 makes a new 机关
    doc = spin("党组织和机关", sequential({"机关": ["结构"], "组织": ["机关"]}))
    assert doc.spun == "党机关和结构"
    # blind mode never re-reads its own output, whatever the order
    assert spin("党组织和机关", SpinnerSpec(pairs=pairs)).spun == "党机关和结构"
    # a three-step chain A→B→C→D
    doc = spin("甲乙丙", sequential({"甲": ["乙"], "乙": ["丙"], "丙": ["丁"]}))
    assert doc.spun == "丁丁丁" and edits(doc) == [(0, 3, "丁丁丁", "甲乙丙")]
    assert [(e.spun, e.gold[0]) for e in doc.swaps] == [("丁", "甲"), ("丁", "乙"), ("丁", "丙")]


def test_sequential_rewrites_inside_an_earlier_replacement():
    doc = spin("不能克服", sequential({"不能": ["不克不及"], "克": ["胜"]}))
    assert doc.spun == "不胜不及胜服"
    assert edits(doc) == [(0, 5, "不胜不及胜", "不能克")]
    assert [(e.start, e.end, e.spun, e.gold[0]) for e in doc.swaps] == [(0, 4, "不胜不及", "不能"), (4, 5, "胜", "克")]
    check_consistent(doc)
    # an original straddling a replacement and untouched text merges both into one swap
    doc = spin("发展经济", sequential({"发展": ["繁荣"], "荣经": ["X"]}))
    assert doc.spun == "繁X济" and edits(doc) == [(0, 2, "繁X", "发展经")] and len(doc.swaps) == 1
    check_consistent(doc)


def test_sequential_entry_does_not_reread_its_own_output():
    doc = spin("发展，发展", sequential({"发展": ["发展发展"]}))
    assert doc.spun == "发展发展，发展发展"
    check_consistent(doc)


def test_sequential_swap_back_is_no_gold_edit():
    doc = spin("发展繁荣", sequential({"发展": ["繁荣"], "繁荣": ["发展"]}))
    assert doc.spun == "发展发展"  # 发展繁荣 → 繁荣繁荣 → 发展发展: only the second word changed
    assert edits(doc) == [(2, 4, "发展", "繁荣")]
    check_consistent(doc)


def test_sequential_rate_and_char_swaps_and_stuffing_stay_exact():
    text = "，".join(["组织发展很快"] * 120) + "。"
    spec = sequential({"组织": ["机关", "单位"], "机关": ["结构"], "发展": ["繁荣"]}, rate=0.5,
                      char_swaps={"关": "闭", "快": "速"}, char_swap_rate=0.5, stuffing=("创新",), stuffing_rate=0.3)
    doc = spin(text, spec, seed=3)
    check_consistent(doc)
    assert 30 < doc.spun.count("繁荣") < 90  # each occurrence at the rate
    assert spin(text, spec, seed=3) == doc and spin(text, spec, seed=4).spun != doc.spun


# --------------------------------------------------------------------------- styles


def test_styles_are_defined_in_order():
    assert list(STYLES) == ["blind", "token", "sequential", "partial", "short", "manpages"]
    assert all(s.choice == "occurrence" for s in STYLES.values())
    assert STYLES["partial"].rate == (0.3, 1.0) and STYLES["short"].length == (60, 300)
    assert STYLES["manpages"].source == "manpages" and STYLES["manpages"].mode == "token"
    assert STYLES["blind"].label == "blind, every occurrence, random replacement per occurrence"
    spec = SpinnerSpec(pairs={"发展": ["繁荣"]}, rate=0.2, choice="document")
    assert STYLES["token"].spec_for(spec, 0).mode == "word"
    assert STYLES["sequential"].spec_for(spec, 0) == SpinnerSpec(pairs={"发展": ["繁荣"]}, mode="sequential")
    with pytest.raises(ValueError):
        Style("x", "", mode="word")
    with pytest.raises(ValueError):
        Style("x", "", rate=(0.5, 0.2))


def test_partial_rate_is_drawn_per_document_within_its_range():
    style = STYLES["partial"]
    rates = [style.rate_for(f"doc{i}") for i in range(400)]
    assert all(0.3 <= r <= 1.0 for r in rates)
    assert min(rates) < 0.35 and max(rates) > 0.95  # spread over the range, not a constant
    assert style.rate_for("doc1") == style.rate_for("doc1")
    assert STYLES["blind"].rate_for("doc1") == 1.0
    # the drawn rate is what the spinner applies: 400 occurrences of one word
    text = "，".join(["经济发展"] * 400)
    pairs = {"发展": ["繁荣", "兴旺"]}
    for seed in ("a", "b", "c", "d"):
        spec = style.spec_for(SpinnerSpec(pairs=pairs), seed)
        doc = spin(text, spec, seed=seed)
        check_consistent(doc)
        assert abs(len(doc.gold) / 400 - spec.rate) < 0.1, (seed, spec.rate)


# --------------------------------------------------------------------------- shared corpus

needs_shared = pytest.mark.skipif(
    corpus.shared_dir() is None or not (corpus.shared_dir() / "data" / "corpus" / "manpages_zh.txt").is_file(),
    reason="shared data (../shared or $ZHREPAIR_SHARED, with data/corpus/manpages_zh.txt) not found: skipped",
)


@needs_shared
def test_manpages_split_is_disjoint_with_a_gap():
    (t0, t1), (s0, s1) = corpus.SPLITS["manpages"]["tune"], corpus.SPLITS["manpages"]["test"]
    assert t1 < s0 - 1 and s1 == len(corpus._lines("manpages"))  # a gap between; TEST runs to the end
    tune, test = corpus.tune_articles("manpages"), corpus.test_articles("manpages")
    assert len(tune) >= 100 and len(test) >= 100
    assert all(t0 <= a.first_line <= a.last_line <= t1 for a in tune)
    assert all(s0 <= a.first_line <= a.last_line <= s1 for a in test)
    assert any(c.isascii() and c.isalpha() for c in test[0].text)  # technical text: Latin words kept
    # styled documents of the TUNE split come from TUNE lines only
    docs = style_articles("manpages", "tune", 5, slot=3, slots=4)
    assert docs and all(t0 <= a.first_line <= a.last_line <= t1 for a in docs)


@needs_shared
def test_short_documents_are_cut_from_their_share():
    low, high = STYLES["short"].length
    share = corpus.test_articles("xwlb")[3::4][:40]
    docs = corpus.cut_articles(share)
    assert len(docs) > 3 * len(share)
    assert all(low <= len(d.text) <= high for d in docs)
    assert corpus.cut_articles(share) == docs and len({d.id for d in docs}) == len(docs)  # deterministic, distinct
    lengths = [len(d.text) for d in docs]
    assert min(lengths) < 100 and max(lengths) > 250
    lines = corpus._lines("xwlb")
    by_id = {a.id: a for a in share}
    for d in docs:  # each lies in one article, where its lines and columns say
        assert any(a.first_line <= d.first_line <= d.last_line <= a.last_line for a in by_id.values())
        assert d.cols is not None
        first, last = lines[d.first_line - 1].strip(), lines[d.last_line - 1].strip()
        if d.first_line == d.last_line:
            assert first[d.cols[0] : d.cols[1]] == d.text
        else:
            assert d.text.startswith(first[d.cols[0] :]) and d.text.endswith(last[: d.cols[1]])
    # the short style's documents of slot 3 share no line with the articles of slot 2
    short = style_articles("short", "test", 40, slot=3, slots=4)
    assert len(short) == 40 and all(low <= len(d.text) <= high for d in short)
    other = {n for a in corpus.test_articles("xwlb")[2::4] for n in range(a.first_line, a.last_line + 1)}
    assert not any(n in other for d in short for n in range(d.first_line, d.last_line + 1))


@needs_shared
def test_styled_docs_replay_and_are_deterministic():
    path = next(p for p in spinners.public_dict_paths() if p.stem == "wyc42537")
    for name in STYLES:
        docs = styled_docs(path, name, "test", 2, seed=0, slot=3, slots=4)
        assert len(docs) == 2
        for article, doc in docs:
            assert doc.clean == article.text
            check_consistent(doc)
            assert apply_gold(doc.spun, doc.swaps) == doc.clean
            assert doc.gold, f"{name} did not touch {article.id}"
    again = styled_docs(path, "sequential", "test", 2, seed=0, slot=3, slots=4)
    assert again == styled_docs(path, "sequential", "test", 2, seed=0, slot=3, slots=4)
    assert [d.spun for _, d in again] != [d.spun for _, d in styled_docs(path, "sequential", "test", 2, seed=1, slot=3, slots=4)]
    # the partial style swaps fewer occurrences than blind on the same articles, never more
    full = styled_docs(path, "blind", "test", 4, slot=3, slots=4)
    part = styled_docs(path, "partial", "test", 4, slot=3, slots=4)
    assert [a.id for a, _ in full] == [a.id for a, _ in part]
    assert sum(len(d.swaps) for _, d in part) < sum(len(d.swaps) for _, d in full)
