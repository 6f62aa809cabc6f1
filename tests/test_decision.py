"""Stage 5, the learned decision: the shipped model, its features and its contract."""

from __future__ import annotations

import json

import pytest

import zhrepair
from zhrepair import decision
from zhrepair.lexicon import CHAIN_SUFFIX, LexiconEntry, Membership

SPUN = "推动高质地繁荣，坐褥力不断擢升，关键在于改进。"


def test_shipped_model_matches_this_versions_features():
    model = decision.load_model()
    data = json.loads(decision.default_model_path().read_text(encoding="utf-8"))
    assert data["features"] == list(decision.FEATURES)
    assert 0.0 < model.threshold < 1.0 and 0.0 <= model.floor < 1.0
    assert "benchmarks.train_decision" in model.origin


def test_a_model_with_other_features_is_refused():
    data = decision.load_model().to_dict()
    data["features"] = data["features"][::-1]
    with pytest.raises(ValueError, match="features"):
        decision.DecisionModel.from_dict(data)
    data = decision.load_model().to_dict()
    data["weights"] = data["weights"][:-1]
    with pytest.raises(ValueError, match="one finite number per feature"):
        decision.DecisionModel.from_dict(data)


def test_feature_rows_have_one_value_per_feature(repairer):
    rows = repairer.decision_rows(SPUN, floor=0.0)
    assert rows, "a spun sentence has sites"
    for row, site, _option, posterior in rows:
        assert len(row) == len(decision.FEATURES)
        assert SPUN[site.start : site.end] == site.spun and 0.0 <= posterior <= 1.0


def test_confidence_is_the_models_probability_and_the_bar_holds(repairer):
    learned = repairer.repair(SPUN, learned_decision=True)
    assert learned.edits
    bar = decision.load_model().threshold
    assert all(e.confidence >= bar for e in learned.edits)
    assert zhrepair.apply_edits(SPUN, learned.edits) == learned.text
    strict = repairer.repair(SPUN, learned_decision=True, min_confidence=0.999)
    assert {(e.start, e.after) for e in strict.edits} <= {(e.start, e.after) for e in learned.edits}


def test_clean_text_is_untouched_by_the_learned_decision(repairer):
    clean = "推动高质量发展，生产力不断提升，关键在于创新。"
    assert repairer.repair(clean, learned_decision=True).text == clean


def test_chains_follow_a_sequential_spinners_order_within_one_source():
    # entries in file order: 甲→乙, then 乙→丙 (so 甲 ends as 丙), 丙→丁 of another source,
    # then 戊→乙 (乙→丙 came before it: 戊 ends as 乙, which is an entry already)
    lex = zhrepair.Lexicon([LexiconEntry("乙", "甲", 0.5, "s"), LexiconEntry("丙", "乙", 2.0, "s"),
                            LexiconEntry("丁", "丙", 1.0, "other"), LexiconEntry("乙", "戊", 1.0, "s")])
    chains = {(e.spun, e.original): (e.weight, e.source) for e in lex.chains()}
    assert chains == {("丙", "甲"): (1.0, "s" + CHAIN_SUFFIX)}


def test_chains_rewrite_inside_an_earlier_entrys_output():
    # 不能→不克不及, then 克→胜 (every occurrence, by either form): 不胜不及 or 不赢不及
    lex = zhrepair.Lexicon.from_pairs([("不克不及", "不能"), ("胜", "克"), ("赢", "克")], name="seq")
    assert sorted((e.spun, e.original) for e in lex.chains()) == [("不胜不及", "不能"), ("不赢不及", "不能")]
    # in the other order 克 is replaced before 不克不及 is written: no chain
    late = zhrepair.Lexicon.from_pairs([("胜", "克"), ("不克不及", "不能")], name="seq")
    assert list(late.chains()) == []


def test_chains_is_a_load_option_and_finds_a_sequential_spinners_original():
    # a spinner applying 发展→繁荣 and then 繁荣→昌隆 one after another writes 昌隆 for 发展
    lex = zhrepair.Lexicon([LexiconEntry("繁荣", "发展", 1.0, "seq"), LexiconEntry("昌隆", "繁荣", 1.0, "seq")], name="seq")
    with pytest.raises(TypeError, match="chains"):
        zhrepair.Repairer(lexicons=[lex]).repair("经济", chains=False)
    originals = {o.original for o in zhrepair.Repairer(lexicons=[lex]).lexicon.originals("昌隆")}
    assert originals == {"繁荣", "发展"}
    assert {o.original for o in zhrepair.Repairer(lexicons=[lex], chains=False).lexicon.originals("昌隆")} == {"繁荣"}


def test_chains_never_make_a_document_look_spun():
    # the verdict is the lexicons' own entries': chain options (昌隆 ← 发展) add no evidence
    text = "这些年来经济繁荣，国家昌隆，人民生活水平不断提高。"
    lex = zhrepair.Lexicon.from_pairs([("繁荣", "发展"), ("昌隆", "繁荣"), ("提高", "提升"), ("擢升", "提高")], name="seq")
    chained, plain = zhrepair.Repairer(lexicons=[lex]), zhrepair.Repairer(lexicons=[lex], chains=False)
    assert len(chained.lexicon) > len(plain.lexicon)
    assert chained.repair(text).text == text
    assert chained.detect(text).llr == plain.detect(text).llr


# -- several dictionaries: the one that explains a document repairs it -----------------

_A = [("繁荣", "发展"), ("改进", "创新"), ("坐褥力", "生产力"), ("闭节", "关键"), ("提升", "提高")]
_B = [("昌盛", "发展"), ("革新", "创新"), ("出产力", "生产力"), ("要害", "关键"), ("提高", "提升")]
_SPUN_BY_A = "我们要推动经济高质量繁荣，培育新质坐褥力，不断提升人民生活水平，提高效率，闭节在于科技改进。"


def test_membership_knows_every_dictionary_holding_a_pair():
    a = zhrepair.Lexicon.from_pairs([*_A, ("共同", "一起")], name="a")
    b = zhrepair.Lexicon.from_pairs([*_B, ("共同", "一起")], name="b")
    m = Membership(("a", "b"), [a, b])
    assert m.mask_of("繁荣", "发展", "a") == 0b01 and m.mask_of("共同", "一起", "b") == 0b11
    assert m.mask_of("繁荣", "发展", "shipped") == 0  # a source that is none of them
    # entry lists (a lexicon's chains) count as their lexicon's
    chains = [zhrepair.LexiconEntry("昌盛盛", "发展", 1.0, "a:chains")]
    assert Membership(("a", "b"), [a, b, chains]).mask_of("昌盛盛", "发展", "b") == 0b11
    assert Membership(("a", "b"), [a, b]).mask_of("昌盛盛", "发展", "b") == 0b10


def test_a_document_is_repaired_with_the_dictionary_that_explains_it():
    a = zhrepair.Lexicon.from_pairs(_A, name="a")
    b = zhrepair.Lexicon.from_pairs(_B, name="b")
    both = zhrepair.Repairer(lexicons=[a, b], default_lexicon=False)
    alone = zhrepair.Repairer(lexicons=[a], default_lexicon=False)
    chosen = both.repair(_SPUN_BY_A)
    assert chosen.text == alone.repair(_SPUN_BY_A).text  # read again as if a alone were loaded
    assert "高质量发展" in chosen.text and "关键在于科技创新" in chosen.text
    assert {e.source for e in chosen.edits} == {"a"}
    assert both.repair(_SPUN_BY_A, best_dictionary=False).edits  # the option turns it off per call


def test_only_the_chosen_dictionaries_options_stay_each_credited_to_the_first_holding_it():
    from zhrepair import decoder
    from zhrepair.results import EditKind
    from zhrepair.sites import Option, Site

    names = ("a", "b", "c")
    site = Site(0, 2, "繁荣", [Option("发展", 0.5, "b", EditKind.WORD_SWAP, dictionaries=0b011),
                                 Option("兴旺", 0.5, "c", EditKind.WORD_SWAP, dictionaries=0b100),
                                 Option("昌盛", 1.0, "shipped", EditKind.WORD_SWAP)], frozenset({"c", "shipped"}))
    kept = decoder.only_dictionaries_at(site, names, ("a", "b"))
    assert [(o.text, o.source) for o in kept.options] == [("发展", "a"), ("昌盛", "shipped")]
    assert kept.keep_sources == {"shipped"}
    assert decoder.only_dictionaries_at(site, names, ("a", "b", "c")) is not site  # 发展 credited to a
    assert decoder.only_dictionaries_at(Site(0, 1, "兴", [site.options[1]]), names, ("a",)) is None


def test_no_dictionary_is_chosen_when_none_explains_the_document_better_than_the_other_sources():
    from collections import Counter

    from zhrepair import decoder
    from zhrepair.results import EditKind
    from zhrepair.sites import Option, Site
    from zhrepair.tuning import TUNED

    def sites(delta_a: float, delta_b: float) -> list[Site]:
        # the shipped lexicon's clear swaps, and at each of eight other places a form two
        # dictionaries would restore, by how much the model prefers each's original
        shipped = [Site(10 * i, 10 * i + 2, f"甲{i}", [Option(f"乙{i}", 1.0, "shipped", EditKind.WORD_SWAP, delta=3.0)])
                   for i in range(6)]
        loaded = [Site(100 + 10 * i, 102 + 10 * i, f"丙{i}",
                       [Option(f"丁{i}", 1.0, "a", EditKind.WORD_SWAP, delta=delta_a, dictionaries=0b01),
                        Option(f"戊{i}", 1.0, "b", EditKind.WORD_SWAP, delta=delta_b, dictionaries=0b10)])
                  for i in range(8)]
        return shipped + loaded

    names, none = ("a", "b"), Counter()
    named, _ = decoder.choose_dictionaries(sites(3.0, -3.0), none, none, TUNED, names)
    assert named == ("a",)
    assert decoder.clearly_none(sites(3.0, -3.0), none, none, TUNED, names) is None
    # neither dictionary's originals fit: the document is the shipped lexicon's alone
    named, llr = decoder.choose_dictionaries(sites(-3.0, -3.0), none, none, TUNED, names)
    assert named == () and llr > 0
    assert decoder.clearly_none(sites(-3.0, -3.0), none, none, TUNED, names) == llr  # a first look settles it


def test_a_subset_of_the_prepared_options_fits_as_the_sites_with_only_those_options_would():
    import random
    from collections import Counter

    import numpy as np

    from zhrepair import decoder
    from zhrepair.results import EditKind
    from zhrepair.sites import Option, Site
    from zhrepair.tuning import TUNED

    rng = random.Random(7)
    sources = ["a", "b", "a:chains", "shipped", "cilin"]
    sites = []
    for i in range(60):
        options = [Option(rng.choice("甲乙丙丁"), rng.random(), rng.choice(sources), EditKind.WORD_SWAP,
                          delta=rng.uniform(-3, 3)) for _ in range(rng.randint(1, 4))]
        sites.append(Site(3 * i, 3 * i + 2, rng.choice(["戊", "己", "庚"]), options,
                          frozenset(rng.sample(sources, rng.randint(0, 2)))))
    opportunities, standing = Counter({"a": 3, "b": 1}), Counter({("a", "甲"): 2, ("b", "乙"): 1})
    full = decoder._prepare(sites, TUNED, opinions=False)
    keep = [o.source != "a:chains" and rng.random() < 0.7 for site in sites for o in site.options]
    it = iter(keep)
    kept = [site for site in (Site(s.start, s.end, s.spun, [o for o in s.options if next(it)], s.keep_sources)
                              for s in sites) if site.options]
    direct = decoder._prepare(kept, TUNED, opinions=False)
    derived = full.subset(np.array(keep))
    assert [s.spun for s in derived.sites] == [s.spun for s in kept]
    assert sorted(derived.sources) == sorted(direct.sources) and sorted(derived.forms) == sorted(direct.forms)
    assert sorted(derived.choices) == sorted(direct.choices)
    a, b = decoder.fit(derived, opportunities, TUNED), decoder.fit(direct, opportunities, TUNED)
    for x, y in ((a.site_rate, b.site_rate), (a.form_rate, b.form_rate), (a.spin_rate, b.spin_rate),
                 (a.choice_mass, b.choice_mass)):
        assert x.keys() == y.keys() and all(abs(x[k] - y[k]) < 1e-12 for k in x)
    assert abs(decoder._verdict(derived, opportunities, standing, TUNED)[0]
               - decoder._verdict(direct, opportunities, standing, TUNED)[0]) < 1e-9


def test_the_dictionary_chosen_on_a_long_documents_first_clauses_repairs_all_of_it():
    from zhrepair.tuning import TUNED

    a = zhrepair.Lexicon.from_pairs(_A, name="a")
    b = zhrepair.Lexicon.from_pairs(_B, name="b")
    sampled = TUNED.with_values(dictionary_sample_chars=41)  # the first repetition's clauses
    both = zhrepair.Repairer(lexicons=[a, b], default_lexicon=False, tuning=sampled)
    alone = zhrepair.Repairer(lexicons=[a], default_lexicon=False, tuning=sampled)
    text = "\n".join([_SPUN_BY_A] * 3)
    repaired = both.repair(text)
    assert repaired.text == alone.repair(text).text
    third = len(_SPUN_BY_A) + 1
    assert len([e for e in repaired.edits if e.start >= 2 * third]) == len([e for e in repaired.edits if e.end < third]) > 0
