"""Each pipeline stage on its own: normalise, lexicon, language model, segmenter,
candidates, scoring, decoder, detection."""

import random
from collections import Counter

import pytest

import zhrepair
from zhrepair import candidates, decoder, detection, normalise
from zhrepair.config import RepairConfig
from zhrepair.languagemodel import LanguageModel, default_model_path, verify_checksum
from zhrepair.lexicon import Lexicon, LexiconEntry, LexiconError, default_char_swaps, default_lexicon, parse_tsv
from zhrepair.results import EditKind
from zhrepair.scoring import Context
from zhrepair.sites import Option, Site
from zhrepair.tuning import TUNED


@pytest.fixture(scope="module")
def lm(repairer):
    return repairer.resources.lm


@pytest.fixture(scope="module")
def segmenter(repairer):
    return repairer.resources.segmenter


# -- normalise ------------------------------------------------------------------------


def test_normalise_keeps_offsets_for_traditional_text():
    view = normalise.normalise("黨築引頸，發展經濟。")
    assert view.converted and len(view.text) == len(view.original)
    assert view.text == "党筑引颈，发展经济。"
    assert [c.text for c in view.clauses()] == ["党筑引颈", "发展经济"]
    assert view.to_input_script(0, 2, "党建") == "黨建"


def test_normalise_simplified_and_ascii_are_untouched():
    for text in ("党建引领。", "plain ascii", ""):
        view = normalise.normalise(text)
        assert view.text is text and not view.converted
        assert view.to_input_script(0, 0, "发展") == "发展"


def test_simplified_text_whose_phrases_t2s_rewrites_stays_simplified(repairer):
    # 覆 is a simplified character too; t2s writes the phrase 回覆 as 回复, which made the
    # whole text look traditional and its restorations come out as 生產力 (seen in spun pages)
    text = "对此他回覆说，要胀动高质地繁荣，不断提高社会坐褥力，闭节在于改进。"
    view = normalise.normalise(text)
    assert view.text is text and not view.converted
    result = repairer.repair(text)
    assert "生产力" in result.text and not normalise.has_traditional(result.text)


def test_normalise_mixed_script_follows_the_local_script():
    view = normalise.normalise("黃陂區" + "，" * 30 + "党筑引颈")
    assert view.to_input_script(34, 36, "党建") == "党建"  # simplified surroundings stay simplified
    assert view.to_input_script(0, 2, "黄陂") == "黃陂"


def test_normalise_rejects_bad_input():
    with pytest.raises(TypeError):
        normalise.normalise(b"bytes")
    with pytest.raises(ValueError, match="surrogate"):
        normalise.normalise("党\udc80建")


def test_clauses_of_a_block():
    view = normalise.normalise("发展，创新。协调")
    assert [c.text for c in view.clauses(3, 8)] == ["创新", "协调"]


# -- lexicon --------------------------------------------------------------------------


def test_parse_tsv_weights_sources_comments_and_whitelist():
    lex = parse_tsv("# comment\n繁荣\t发展\t2\tmine\n改进\t创新\n\n经济\t经济\n", name="t")
    assert {(e.spun, e.original, e.weight, e.source) for e in lex} == {
        ("繁荣", "发展", 2.0, "mine"), ("改进", "创新", 1.0, "t")}
    assert lex.whitelist == {"经济"} and "经济" not in lex and "繁荣" in lex
    assert lex.originals("经济") == []
    assert parse_tsv(lex.to_tsv()).whitelist == {"经济"}


@pytest.mark.parametrize("bad", ["只有一列\n", "繁荣\t发展\tnot-a-number\n", "\t发展\n"])
def test_parse_tsv_errors_name_the_line(bad):
    with pytest.raises(LexiconError, match=":1:"):
        parse_tsv(bad, name="bad.tsv")


def test_lexicon_keeps_the_heavier_duplicate_and_skips_empty_pairs():
    lex = Lexicon([LexiconEntry("繁荣", "发展", 1.0, "a"), LexiconEntry("繁荣", "发展", 3.0, "b")])
    assert [e.weight for e in lex] == [3.0]
    assert len(Lexicon.from_pairs([("", "发展"), ("繁荣", ""), ("繁荣", "发展")])) == 1


def test_shipped_data():
    lex = default_lexicon()
    assert len(lex) == 157 and ("坐褥", "生产") in {(e.spun, e.original) for e in lex}
    swaps = default_char_swaps()
    assert {(e.spun, e.original) for e in swaps} >= {("闭", "关"), ("筑", "建"), ("胀", "鼓")}
    assert verify_checksum(default_model_path())


# -- language model and segmenter ------------------------------------------------------


def test_language_model_vocabulary_and_scores(lm):
    assert lm.order == 3 and len(lm.unigram) > 160_000
    assert "党建" in lm and "党筑" not in lm
    assert lm.logprob("党筑") == lm.unk_logprob < lm.logprob("党建")
    assert lm.score(["经济", "发展"]) > lm.score(["经济", "坐褥"])


def test_language_model_with_an_explicit_vocabulary_file(tmp_path, lm):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("发展\t1\n经济\n", encoding="utf-8")
    small = LanguageModel(default_model_path(), vocab)
    assert set(small.unigram) == {"发展", "经济"}
    assert small.logprob("发展") == lm.logprob("发展")


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="language model not found"):
        LanguageModel(tmp_path / "nope.lm")


def test_segmenter_uses_the_model_vocabulary(segmenter):
    assert segmenter.cut("推动经济高质量发展") == ("推动", "经济", "高质量", "发展")  # 高质量: a word of libime's 2025 model
    assert segmenter.cut("党筑") == ("党", "筑")
    assert "".join(segmenter.cut("𠀀𠀁发展")) == "𠀀𠀁发展"
    assert segmenter.cut("") == ()


def test_dictionary_words_asks_jiebas_dictionary():
    from zhrepair.jiebadict import dictionary_words

    assert dictionary_words(["仗义执言", "坐褥力", "设置装备摆设", "的"]) == {"仗义执言", "的"}
    many = [f"坐褥{i}" for i in range(100)] + ["仗义执言", "起早贪黑"]  # the other search path
    assert dictionary_words(many) == {"仗义执言", "起早贪黑"}
    assert dictionary_words([]) == frozenset()


# -- candidates -----------------------------------------------------------------------


def test_scan_finds_lexicon_char_swap_sites_and_opportunities(repairer):
    finder = repairer.resources.finder
    text = "党筑引颈，发展经济，攻克难闭，我们坚持改革，关心群众。"
    view = normalise.normalise(text)
    scan = finder.scan(view.text, view.clauses())
    by_form = {s.spun: s for s in scan.sites}
    assert [o.text for o in by_form["引颈"].options] == ["引领"]
    assert by_form["发展"].keep_sources == {"sample"}  # 发展 is itself an original form (→ 繁荣)
    assert by_form["党筑"].strong
    # rare to the model, and an idiom jieba's dictionary lists: not a form clean text lacks
    idiom = candidates.CandidateFinder(zhrepair.Lexicon.from_pairs([("仗义执言", "打抱不平"), ("坐褥力", "生产力")]),
                                       zhrepair.Lexicon(), finder.lm, TUNED)
    clauses = [normalise.Clause(0, "朋友仗义执言"), normalise.Clause(7, "坐褥力")]
    scanned = {s.spun: s for s in idiom.scan("朋友仗义执言，坐褥力", clauses).sites}
    assert scanned["坐褥力"].strong and not scanned["仗义执言"].strong
    # not in the lexicon, but 闭 is a swapped-in character and 难关 a common word
    assert [(o.text, o.kind, o.rule) for o in by_form["难闭"].options] == [("难关", EditKind.CHAR_SWAP, "关→闭")]
    assert scan.opportunities[("sample-charswap", "关→闭")] == 1  # the 关 of 关心 was left alone
    assert scan.opportunities["sample"] == 2  # 我们 (咱们 → 我们) and 坚持 (僵持 → 坚持) stand unspun


def test_a_forms_options_are_worked_out_once_and_copied_per_site(lm):
    """The finder works out a spun form's options when a text first holds it; each site gets
    its own copies, so scoring one document leaves the next one's options untouched."""
    lexicon = zhrepair.Lexicon.from_pairs([("繁荣", "发展"), ("坐褥力", "生产力")], name="lex")
    finder = candidates.CandidateFinder(lexicon, zhrepair.Lexicon(), lm, TUNED)
    assert finder.spun_forms == {"繁荣", "坐褥力"}
    first = finder.scan("经济繁荣", [normalise.Clause(0, "经济繁荣")]).sites[0]
    first.options[0].delta = 9.0
    again = finder.scan("繁荣昌盛", [normalise.Clause(0, "繁荣昌盛")]).sites[0]
    assert again.options[0].delta == 0.0 and again.options[0] is not first.options[0]
    assert [(o.text, o.source, o.choice) for o in again.options] == [("发展", "lex", 1.0)]


def test_latin_forms_match_only_whole_latin_words(lm):
    """A lexicon's mm ← 妹妹 is a site where mm stands alone, never inside "command" or "10mm";
    a form ending in a Latin letter (了ok ← 了好) is none inside "了okay"."""
    finder = candidates.CandidateFinder(zhrepair.Lexicon.from_pairs([("mm", "妹妹"), ("了ok", "了好")]),
                                        zhrepair.Lexicon(), lm, TUNED)
    text = "运行command，宽10mm，我的mm来了okay，她说mm。"
    view = normalise.normalise(text)
    scan = finder.scan(view.text, view.clauses())
    expected = [("mm", text.index("我的mm") + 2), ("mm", text.index("说mm") + 1)]
    assert [(text[s.start:s.end], s.start) for s in scan.sites] == expected


def test_stuffing_sites_only_for_repeated_unexplained_original_forms():
    text = "机制创新，冠军创新。企业创新，科技创新是关键"
    view = normalise.normalise(text)
    originals = {"创新": {"sample"}}
    sites = candidates.stuffing_sites(view.text, view.clauses(), frozenset(), originals, frozenset(), 2)
    assert [(s.start, s.spun) for s in sites] == [(2, "创新"), (7, "创新"), (12, "创新")]
    assert all(s.options[0].kind is EditKind.DELETION and s.keep_sources == {"sample"} for s in sites)
    # a spun form is explained by the lexicon, not stuffing
    assert candidates.stuffing_sites(view.text, view.clauses(), frozenset(), originals, frozenset({"创新"}), 2) == []
    # once is not a pattern
    once = normalise.normalise("机制创新，冠军。")
    assert candidates.stuffing_sites(once.text, once.clauses(), frozenset(), originals, frozenset(), 2) == []


# -- scoring --------------------------------------------------------------------------


def test_context_applies_replacements_on_both_sides():
    ctx = Context("0123456789", [(2, 4, "AB"), (6, 7, "")])
    assert ctx.left(5, 0, 4) == "1AB4"
    assert ctx.right(5, 10, 3) == "578"
    assert ctx.left(3, 0, 3) == "012"  # a replacement overlapping the scored span is ignored


def _naive_side(text: str, replacements: list[tuple[int, int, str]], lo: int, hi: int) -> str:
    """``text[lo:hi]`` with the replacements that lie wholly inside it applied."""
    out, at = [], lo
    for s, e, rep in sorted(replacements):
        if lo <= s and e <= hi:
            out += (text[at:s], rep)
            at = e
    return "".join(out) + text[at:hi]


def test_context_matches_applying_the_replacements_by_hand():
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("abcdefg") for _ in range(rng.randint(5, 30)))
        cuts = sorted(rng.sample(range(len(text) + 1), 2 * rng.randint(0, len(text) // 4)))
        reps = [(a, b, "XYZ"[: rng.randint(0, 3)]) for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
        ctx = Context(text, reps)
        pos, n = rng.randint(0, len(text)), rng.randint(1, 8)
        assert ctx.left(pos, 0, n) == _naive_side(text, reps, 0, pos)[-n:]
        assert ctx.right(pos, len(text), n) == _naive_side(text, reps, pos, len(text))[:n]


def test_score_site_prefers_the_original_in_context(repairer):
    text = "培育壮大新质坐褥力"
    view = normalise.normalise(text)
    clause = view.clauses()[0]
    site = Site(6, 8, "坐褥", [Option("生产", 1.0, "sample", EditKind.WORD_SWAP)])
    repairer.resources.scorer.score_site(clause, site, Context(view.text), window=3)
    assert site.options[0].delta > 1.0


def test_second_opinion_is_the_cbow_gain_from_both_sides(repairer, segmenter):
    """``Option.opinion`` = weight × (CBOW logit of the option − of the spun form) / ln 10, from
    the vectors' window of words on each side (the reference: ``Cbow.logits``); an option
    the vectors do not know, or a site the language model has settled, gets none."""
    import math

    cbow = repairer.resources.cbow
    assert cbow is not None
    text = "我们要坚持和发展中国特色社会主义"
    view = normalise.normalise(text)
    clause = view.clauses()[0]
    at = text.index("发展")
    options = [Option("繁荣", 1.0, "lex", EditKind.WORD_SWAP), Option("不是词语的串", 1.0, "lex", EditKind.WORD_SWAP)]
    site = Site(at, at + 2, "发展", options)
    hopeless = Site(0, 2, "我们", [Option("你们", 1.0, "lex", EditKind.WORD_SWAP, delta=-5.0)])
    settled = Site(at, at + 2, "发展", [Option("繁荣", 1.0, "lex", EditKind.WORD_SWAP, delta=5.0)])
    other = Site(at, at + 2, "发展", [Option("进展", 1.0, "lex", EditKind.WORD_SWAP)])  # the same form, other options
    placed = [(clause, other), (clause, site), (clause, hopeless), (clause, settled)]
    repairer.resources.scorer.second_opinion(cbow, view.text, placed, 0.5, 3.0)
    left = segmenter.cut(text[max(0, at - 4 * cbow.window):at])[-cbow.window:]
    right = segmenter.cut(text[at + 2:at + 2 + 4 * cbow.window])[:cbow.window]
    logits = cbow.logits([(left, right)], ["繁荣", "发展"])[0]
    assert options[0].opinion == pytest.approx(0.5 * (logits[0] - logits[1]) / math.log(10), rel=1e-4)
    assert options[0].opinion < 0  # 发展 fits 坚持和_中国特色 better than 繁荣
    assert options[1].opinion == 0.0 and hopeless.options[0].opinion == 0.0 and settled.options[0].opinion == 0.0


def test_second_opinion_never_changes_the_verdict():
    """The document's spin score is the language model's and the lexicons' alone."""
    text = "探索党筑引颈与科技改进两翼齐飞，推动经济繁荣。今天天气很好，我们一起去公园散步。"
    with_opinion = zhrepair.Repairer()
    without = zhrepair.Repairer(tuning=TUNED.with_values(cbow_weight=0.0))
    assert without.resources.cbow is None and with_opinion.resources.cbow is not None
    assert with_opinion.detect(text).score == without.detect(text).score
    assert with_opinion.repair(text).spin_score == without.repair(text).spin_score


# -- decoder --------------------------------------------------------------------------


def _decide(sites, doc, min_confidence=0.5, min_choice_ratio=TUNED.min_choice_ratio):
    return decoder.decide(sites, doc, TUNED, min_confidence=min_confidence, min_choice_ratio=min_choice_ratio)


def _site(start, spun, delta, original="原", source="lex", keep=()):
    return Site(start, start + len(spun), spun, [Option(original, 1.0, source, EditKind.WORD_SWAP, delta=delta)],
                frozenset(keep))


def test_decoder_spun_document_lends_confidence_to_ambiguous_sites():
    clear = [_site(10 * i, f"坐褥{i}", 3.0) for i in range(12)]  # many different spun forms
    ambiguous = _site(500, "施行", 0.0)
    doc = decoder.model_document(clear + [ambiguous], Counter(), TUNED)
    assert doc.is_spun and doc.params.site_rate["lex"] > 0.8
    chosen = {d.site.start for d in _decide(clear + [ambiguous], doc)}
    assert 500 in chosen and len(chosen) == 13


def test_decoder_leaves_a_clean_document_alone():
    sites = [_site(10 * i, "繁荣", -1.0) for i in range(10)] + [_site(200, "发展", 0.8)]
    doc = decoder.model_document(sites, Counter({"lex": 40}), TUNED)
    assert not doc.is_spun
    assert _decide(sites, doc) == []


def test_a_run_of_touching_changes_goes_whole_or_not_at_all():
    """设置装备摆设 read as 设置 + 装备 + 摆设: half of a rewritten phrase restored is a wrong
    restoration, so a run of touching changes is dropped when any of it is below min_confidence."""
    clear = [_site(10 * i, f"坐褥{i}", 3.0) for i in range(12)]
    run = [_site(500, "设置", 3.0), _site(502, "装备", 0.2), _site(504, "摆设", 3.0)]
    alone = _site(600, "施行", 0.2)
    sites = clear + run + [alone]
    doc = decoder.model_document(sites, Counter(), TUNED)
    posterior = {d.site.start: d.posterior for d in _decide(sites, doc, min_confidence=0.0)}
    low, high = max(posterior[502], posterior[600]), min(posterior[500], posterior[504])
    assert low < high
    kept = {d.site.start for d in _decide(sites, doc, min_confidence=(low + high) / 2)}
    assert {500, 502, 504, 600}.isdisjoint(kept) and len(kept) == 12  # the run goes whole, the lone site too
    assert {500, 502, 504, 600} <= {d.site.start for d in _decide(sites, doc, min_confidence=low)}
    # the context pass takes every likely change on its own
    context = decoder.decide(sites, doc, TUNED, min_confidence=(low + high) / 2,
                             min_choice_ratio=TUNED.min_choice_ratio, whole_runs=False)
    assert {500, 504} <= {d.site.start for d in context} and 502 not in {d.site.start for d in context}


def test_refit_learns_from_rescored_sites_and_keeps_the_verdict():
    clear = [_site(10 * i, f"坐褥{i}", 3.0) for i in range(12)]
    unsure = [_site(500 + 10 * i, "施行", -0.3) for i in range(3)]
    sites = clear + unsure
    doc = decoder.model_document(sites, Counter({"lex": 6}), TUNED)
    before, llr = doc.params.form_rate[("lex", "施行")], doc.llr
    for site in unsure:  # restored neighbours make the model sure: 实施行动, not 施行行动
        site.options[0].delta = 2.0
    decoder.refit(sites, doc, Counter({"lex": 6}), TUNED)
    assert doc.params.form_rate[("lex", "施行")] > before and doc.llr == llr and doc.is_spun


def test_a_few_strong_sites_among_many_are_chance_not_a_spinner():
    """With big dictionaries loaded, clean text has hundreds of sites; a handful where the
    model prefers the other word fit a rate no spinner has."""
    sites = [_site(10 * i, f"常{i}", -0.5) for i in range(200)] + [_site(3000 + 10 * i, f"好{i}", 3.0) for i in range(6)]
    doc = decoder.model_document(sites, Counter(), TUNED)
    assert decoder.lexicon_evidence(doc.llr, TUNED) >= TUNED.clean_threshold  # the ratio alone would say spun
    assert not doc.is_spun and _decide(sites, doc) == []


def test_one_repeated_form_is_weak_evidence_of_spinning():
    """A clean review praising 繁荣 ten times, where the model happens to prefer 发展."""
    one_form = [_site(10 * i, "繁荣", 0.6, "发展") for i in range(10)]
    doc = decoder.model_document(one_form, Counter(), TUNED)
    assert doc.llr <= TUNED.form_llr_cap and not doc.is_spun
    many_forms = [_site(10 * i, f"繁{i}", 0.6, "发展") for i in range(10)]
    assert decoder.model_document(many_forms, Counter(), TUNED).is_spun


def test_decoder_resolves_overlaps_and_unclear_choices():
    clear = [_site(100 + 10 * i, f"坐褥{i}", 3.0) for i in range(10)]
    long = _site(0, "高质地", 3.0, "高质量")
    short = _site(1, "质地", 0.5, "质量")
    two = Site(50, 52, "胀动", [Option("推动", 0.5, "lex", EditKind.WORD_SWAP, delta=0.1),
                                Option("推进", 0.5, "lex", EditKind.WORD_SWAP, delta=0.0)])
    sites = clear + [long, short, two]
    doc = decoder.model_document(sites, Counter(), TUNED)
    chosen = {(d.site.start, d.option.text) for d in _decide(sites, doc)}
    assert (0, "高质量") in chosen and (1, "质量") not in chosen
    assert not any(start == 50 for start, _ in chosen)  # 推动 vs 推进 is a coin toss: left alone
    assert any(d.site.start == 50 for d in _decide(sites, doc, min_choice_ratio=1.0, min_confidence=0.3))


def test_decoder_weighs_a_long_form_against_its_pieces():
    """设置装备摆设 ← 建设 (or 配置): less sure of its original than 装备 ← 配备 is of its
    own, but far surer that the whole is spun than either piece."""
    clear = [_site(100 + 10 * i, f"坐褥{i}", 3.0) for i in range(12)]
    whole = Site(0, 6, "设置装备摆设", [Option("建设", 0.5, "lex", EditKind.WORD_SWAP, delta=6.0),
                                      Option("配置", 0.5, "lex", EditKind.WORD_SWAP, delta=5.7)])
    pieces = [_site(2, "装备", 1.0, "配备"), _site(4, "摆设", 1.0, "部署")]
    sites = clear + [whole] + pieces
    doc = decoder.model_document(sites, Counter(), TUNED)
    chosen = {(d.site.start, d.option.text) for d in _decide(sites, doc)}
    assert (0, "建设") in chosen and not {(2, "配备"), (4, "部署")} & chosen


def test_decoder_learns_a_spun_forms_original_from_the_rest_of_the_document():
    """天下 ← 世界 or 全国: where the model is unsure, the document's other 天下 decide."""

    def tianxia(start, d_world, d_country):
        return Site(start, start + 2, "天下", [Option("世界", 0.5, "lex", EditKind.WORD_SWAP, delta=d_world),
                                              Option("全国", 0.5, "lex", EditKind.WORD_SWAP, delta=d_country)])

    clear = [_site(10 * i, f"坐褥{i}", 3.0) for i in range(12)]
    unsure = tianxia(300, 1.05, 1.0)
    for n_clear in (0, 3):
        sites = clear + [tianxia(200 + 10 * i, 0.0, 1.0) for i in range(n_clear)] + [unsure]
        doc = decoder.model_document(sites, Counter(), TUNED)
        chosen = {d.site.start: d.option.text for d in _decide(sites, doc)}
        if n_clear:
            assert chosen[300] == "全国"
        else:
            assert 300 not in chosen  # alone, a coin toss is left alone; its own vote does not count


# -- detection ------------------------------------------------------------------------


def test_spin_probability_is_monotone():
    def p(llr, flu, share=None):
        return detection.spin_probability(llr, flu, share, TUNED)

    # fluency: log10 gain in context per character (clean TUNE news about 0.24, spun about 0.05);
    # bigram share: clean news about 0.58, spun 0.30-0.49
    assert p(20, None) > 0.99 and p(-5, 0.3, 0.6) < 0.05
    assert p(5, 0.12) > p(0, 0.12) > p(-5, 0.12)
    assert p(0, 0.0) > p(0, 0.12) > p(0, 0.24)
    assert p(0, 0.12, 0.3) > p(0, 0.12, 0.5) > p(0, 0.12, 0.7)
    assert p(0, 0.12, 0.5) == pytest.approx(p(0, 0.12))  # no share counts as the centre
    assert 0.0 <= p(-1e9, -1e9, -1e9) <= 1.0 and 0.0 <= p(1e9, 1e9, 1e9) <= 1.0


def test_fluency_of_clean_vs_spun(repairer):
    seg, lm = repairer.resources.segmenter, repairer.resources.lm
    clean = normalise.normalise("推动经济高质量发展，培育壮大新质生产力。").clauses()
    spun = normalise.normalise("胀动经济高质地繁荣，培植强壮新质坐褥力。").clauses()
    (clean_gain, clean_share), (spun_gain, spun_share) = (detection.fluency(c, seg, lm, 1200) for c in (clean, spun))
    assert clean_gain > spun_gain and clean_share > spun_share
    assert 0.0 <= spun_share <= 1.0 and 0.0 <= clean_share <= 1.0
    assert detection.fluency([], seg, lm, 1200) == (None, None)


def test_config_validation():
    with pytest.raises(ValueError):
        RepairConfig().merged(window=0)
    with pytest.raises(ValueError):
        RepairConfig().merged(min_choice_ratio=0.5)
    with pytest.raises(TypeError):
        zhrepair.Repairer(nonsense=True)


def test_compiled_segmenter_matches_the_python_one(segmenter, sample_text):
    """The C dynamic programme (built by setup.py) and the Python one give the same words."""
    import random

    from zhrepair import segment

    if not segment.COMPILED:
        pytest.skip("the C segmenter was not built (no compiler at install time)")
    rng = random.Random(7)
    pieces = [sample_text[i : i + rng.randrange(0, 24)] for i in (rng.randrange(len(sample_text)) for _ in range(3000))]
    pieces += ["", "a", "😀中国", "ABC党建引领", "\n"]
    assert [segmenter.cut(p) for p in pieces] == [segmenter.cut_python(p) for p in pieces]


def test_joined_segmentation_is_the_words_with_spaces(segmenter, sample_text):
    for piece in ("", "a", "\n", "党建引领与科技创新", sample_text[:300]):
        assert segmenter.joined(piece) == " ".join(segmenter.cut_python(piece))


def test_compiled_table_on_a_small_vocabulary():
    """The compiled prefix table: words, prefixes that are not words, characters outside the
    BMP; anything but str to a number or None is refused."""
    from zhrepair import segment

    if not segment.COMPILED:
        pytest.skip("the C segmenter was not built (no compiler at install time)")
    small = segment.Segmenter({"中国": -2.0, "中": -3.0, "国家": -2.5, "𠀀𠀁": -4.0, "人民共和国": -5.0}, -9.0)
    for text in ("中国家", "中国人民共和国", "人民共和", "𠀀𠀁中", "𠀀", "", "国家国家中"):
        assert small.cut(text) == small.cut_python(text), text
        assert small.joined(text) == " ".join(small.cut_python(text))
    assert small.cut("人民共和国") == ("人民共和国",) and small.cut("人民共和") == ("人", "民", "共", "和")
    assert segment.Segmenter({"中国": -2, "中": -3}, -9).cut("中国中") == ("中国", "中")  # ints are numbers too
    for bad in ({1: -2.0}, {"中": "x"}):
        with pytest.raises(TypeError):
            segment._native_table(bad)
