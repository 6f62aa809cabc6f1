"""End-to-end repair through the public API: the sample article (in-sample), options,
user lexicons, long documents, detection. Sentence cases are data (tests/cases, run by
test_cases.py); random-text properties are in test_properties.py."""

from dataclasses import replace

import pytest

import zhrepair
from conftest import check_invariants, spinner_dict_path
from zhrepair import EditKind


def article_extent(text: str) -> tuple[int, int]:
    """Where the sample page's article body lies: from its first indented paragraph to
    where the page repeats its title (the footer, glued to the last paragraph)."""
    title = text.split("\n")[2]
    start = text.index("\n  ") + 1
    end = text.rindex(title)
    assert text.count(title) == 2 and start < end
    return start, end


def test_sample_article_in_sample_quality(repairer, sample_text, sample_edits):
    """IN-SAMPLE: the shipped lexicon is the sample's own pairs, so this is a regression
    guard, not a measure of quality. Floors far below today's figures (P 0.986, R 0.973)."""
    from benchmarks.scoring import gold_from_dicts, score

    result = repairer.repair(sample_text)
    check_invariants(sample_text, result)
    s = score(sample_text, gold_from_dicts(sample_edits), result.edits)
    assert s.precision >= 0.93, s
    assert s.recall >= 0.90, s
    assert result.spin_score > 0.99


def test_explain_off_gives_bare_edits(repairer, sample_text):
    with_alts = repairer.repair(sample_text)
    bare = repairer.repair(sample_text, explain=False)
    assert bare.text == with_alts.text
    assert bare.edits == tuple(replace(e, alternatives=()) for e in with_alts.edits)
    assert any(e.alternatives for e in with_alts.edits)


def test_options_are_validated(repairer):
    with pytest.raises(TypeError, match="unknown option"):
        repairer.repair("文本", no_such_option=1)
    with pytest.raises(ValueError, match="min_confidence"):
        zhrepair.Repairer(min_confidence=2.0)
    with pytest.raises(ValueError, match="block_chars"):
        repairer.repair("文本", block_chars=999)


def test_min_confidence_only_removes_edits_on_the_sample(repairer, sample_text):
    loose = repairer.repair(sample_text)
    strict = repairer.repair(sample_text, min_confidence=0.99)
    assert 0 < len(strict.edits) < len(loose.edits)
    assert {(e.start, e.end, e.after) for e in strict.edits} <= {(e.start, e.end, e.after) for e in loose.edits}


def test_non_str_input_is_a_type_error(repairer):
    with pytest.raises(TypeError):
        repairer.repair(b"bytes")


def test_lone_surrogate_is_a_value_error(repairer):
    with pytest.raises(ValueError, match="surrogate"):
        repairer.repair("繁荣\ud800改进")


def test_user_whitelist_protects_a_word(sample_text):
    whitelist = zhrepair.Lexicon.from_pairs([("繁荣", "繁荣")], name="mine")
    r = zhrepair.Repairer(lexicons=[whitelist])
    result = r.repair(sample_text)
    assert "繁荣" in sample_text
    assert all(e.before != "繁荣" for e in result.edits)
    assert any(e.before == "改进" for e in result.edits)


def test_user_lexicon_adds_pairs(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# my spinner\n哄骗\t利用\t1\tmine\n设置装备摆设\t配置\n", encoding="utf-8")
    r = zhrepair.Repairer(lexicons=[path])
    text = "要哄骗好各类资源，优化资源设置装备摆设，哄骗市场机制，提高设置装备摆设效率。"
    result = r.repair(text)
    assert "利用" in result.text and "配置" in result.text, result
    assert {e.source for e in result.edits} >= {"mine"}


def test_lexicon_forms_with_other_scripts_are_repaired():
    """Dictionaries censor words as *** and insert spam links; such a form spans more than
    one run of Han characters."""
    mine = zhrepair.Lexicon.from_pairs([("哄骗", "利用"), ("设置装备摆设", "配置"), ("论坛t.example.net", "论坛")],
                                       name="mine")
    r = zhrepair.Repairer(lexicons=[mine])
    text = "要哄骗好各类资源，优化资源设置装备摆设，欢迎来论坛t.example.net交流，提高设置装备摆设效率。"
    result = r.repair(text)
    assert "来论坛交流" in result.text, result
    check_invariants(text, result)


@pytest.mark.slow
def test_clean_text_stays_clean_with_a_big_public_dictionary():
    """dacms lists 仗义执言 as a spun form of 打抱不平; the model has never seen the idiom."""
    lexicon = zhrepair.load_lexicon(spinner_dict_path("dacms_word.tsv"), format="tab", direction="original-first")
    r = zhrepair.Repairer(lexicons=[lexicon])
    text = "会上，多国代表发言支持中方立场，苏丹朋友仗义执言。中方愿同各方一道，推动构建人类命运共同体。"
    result = r.repair(text)
    assert result.text == text and not result.edits, result.edits


@pytest.mark.parametrize("deletions", [
    False,
    True,
])
def test_long_document_each_block_decoded_alone(repairer, sample_text, deletions):
    """A document of copies of the sample, one copy per block: every copy gets exactly the
    edits of the sample alone (block_chars makes the split fall after each copy)."""
    copy = sample_text + "\n"
    copies = 10
    one = repairer.repair(copy, deletions=deletions)
    doc = copy * copies
    result = repairer.repair(doc, block_chars=len(copy), deletions=deletions)
    check_invariants(doc, result)
    expected = tuple(replace(e, start=e.start + k * len(copy), end=e.end + k * len(copy))
                     for k in range(copies) for e in one.edits)
    assert result.edits == expected


def test_detect(repairer, sample_text):
    spun = repairer.detect(sample_text)
    clean = repairer.detect("坚持创新驱动发展战略，推动经济高质量发展，党中央高度重视生态文明建设。")
    assert spun.is_spun and spun.score > 0.99
    assert not clean.is_spun and clean.score < 0.5
    assert spun.evidence and spun.evidence[0].reason == "form rare in clean text"
    assert any(ev.spun == "坐褥" for ev in spun.evidence)


def test_module_level_api_uses_one_default_repairer():
    assert zhrepair.default_repairer() is zhrepair.default_repairer()
    assert zhrepair.repair("党筑引颈与科技改进两翼齐飞。").text == "党建引领与科技创新两翼齐飞。"
    assert zhrepair.detect("").score < 0.5


def test_remove_chrome_option(repairer, sample_text):
    plain = repairer.repair(sample_text)
    cleaned = repairer.repair(sample_text, remove_chrome=True)
    check_invariants(sample_text, cleaned)
    removed = [e for e in cleaned.edits if e.kind is EditKind.CHROME]
    assert {e.before.strip() for e in removed} >= {"新闻中心News", "浏览次数:", "返回列表", "搜索"}
    assert "浏览次数" in plain.text and "浏览次数" not in cleaned.text
    # the repeated title goes whole, the article's body and its own edits stay
    assert cleaned.text.count("两翼齐飞") == plain.text.count("两翼齐飞") - 1
    start, end = article_extent(sample_text)
    assert all(e.end <= start or e.start >= end for e in removed)
    inside = {(e.start, e.end, e.after) for e in plain.edits if start <= e.start and e.end <= end}
    assert inside and inside <= {(e.start, e.end, e.after) for e in cleaned.edits}


def test_repairer_reads_a_spinner_format_lexicon(tmp_path):
    """An A→B spinner file (original first, as spinners write them) is sniffed and imported."""
    path = tmp_path / "spinner.txt"
    path.write_text("利用→哄骗\n配置→设置装备摆设\n", encoding="gb18030")
    r = zhrepair.Repairer(lexicons=[path], default_lexicon=False)
    assert {(e.spun, e.original) for e in r.lexicon} == {("哄骗", "利用"), ("设置装备摆设", "配置")}
    text = "要哄骗好各类资源，优化资源设置装备摆设，哄骗市场机制，提高设置装备摆设效率。"
    assert r.repair(text).text == "要利用好各类资源，优化资源配置，利用市场机制，提高配置效率。"


def test_repairer_pickles_without_its_model(sample_text):
    """A Repairer shipped to worker processes (Spark, Dask, multiprocessing) reloads there."""
    import pickle

    mine = zhrepair.Repairer(lexicons=[zhrepair.Lexicon.from_pairs([("哄骗", "利用")], name="mine")], min_confidence=0.6)
    mine.repair("预热")
    assert "model=loaded" in repr(mine)
    data = pickle.dumps(mine)
    assert len(data) < 200_000  # lexicons and options, not the 17 MB model
    copy = pickle.loads(data)
    assert copy.config == mine.config and "model=not loaded" in repr(copy)
    assert copy.repair(sample_text).text == mine.repair(sample_text).text
