"""End-to-end repair with the real model: cases as data, invariants, the sample article."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zhrepair
from conftest import load_cases
from zhrepair import EditKind, apply_edits


@pytest.mark.parametrize("case", load_cases("negative.json"), ids=lambda c: c["label"])
def test_clean_text_is_returned_byte_for_byte(repairer, case):
    result = repairer.repair(case["text"])
    assert result.edits == ()
    assert result.text is case["text"] or result.text == case["text"]
    assert result.text.encode("utf-8") == case["text"].encode("utf-8")


@pytest.mark.parametrize("case", load_cases("positive.json"), ids=lambda c: c["label"])
def test_spun_text_is_restored(repairer, case):
    result = repairer.repair(case["text"])
    assert result.text == case["expected"]
    assert result.spin_score > 0.5
    assert_invariants(case["text"], result)


def assert_invariants(text, result):
    for e in result.edits:
        assert text[e.start : e.end] == e.before
        assert 0.0 <= e.confidence <= 1.0
        assert isinstance(e.kind, EditKind)
    spans = [(e.start, e.end) for e in result.edits]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "edits overlap"
    assert apply_edits(text, result.edits) == result.text
    if not result.edits:
        assert result.text == text
    assert 0.0 <= result.spin_score <= 1.0


# Text made of spun forms, their originals, ordinary words and punctuation.
PIECES = ["繁荣", "发展", "改进", "创新", "高质地", "坐褥", "党筑", "引颈", "正在", "在", "机闭", "闭节",
          "经济", "社会", "我们", "的", "了", "，", "。", "\n", " ", "A1", "《", "》", "發展", "黨築", "😀"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_invariants_hold_on_random_text(repairer, text):
    assert_invariants(text, repairer.repair(text))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_invariants_hold_on_arbitrary_unicode(repairer, text):
    assert_invariants(text, repairer.repair(text))


def test_sample_article_in_sample_quality(repairer, sample_text, sample_edits):
    """In-sample: the shipped lexicon holds the sample's pairs. Floors, not targets."""
    from benchmarks.scoring import gold_from_dicts, score

    result = repairer.repair(sample_text)
    assert_invariants(sample_text, result)
    s = score(sample_text, gold_from_dicts(sample_edits), result.edits)
    assert s.precision >= 0.93, s
    assert s.recall >= 0.90, s
    assert result.spin_score > 0.99


def test_explain_off_gives_bare_edits(repairer, sample_text):
    with_alts = repairer.repair(sample_text)
    bare = repairer.repair(sample_text, explain=False)
    assert bare.text == with_alts.text
    assert all(e.alternatives == () for e in bare.edits)
    assert any(e.alternatives for e in with_alts.edits)


def test_options_are_validated(repairer):
    with pytest.raises(TypeError, match="unknown option"):
        repairer.repair("文本", no_such_option=1)
    with pytest.raises(ValueError, match="min_confidence"):
        zhrepair.Repairer(min_confidence=2.0)


def test_min_confidence_only_removes_edits(repairer, sample_text):
    loose = repairer.repair(sample_text)
    strict = repairer.repair(sample_text, min_confidence=0.99)
    assert 0 < len(strict.edits) < len(loose.edits)
    assert {(e.start, e.after) for e in strict.edits} <= {(e.start, e.after) for e in loose.edits}


def test_non_str_input_is_a_type_error(repairer):
    with pytest.raises(TypeError):
        repairer.repair(b"bytes")


def test_user_whitelist_protects_a_word(sample_text):
    whitelist = zhrepair.Lexicon.from_pairs([("繁荣", "繁荣")], name="mine")
    r = zhrepair.Repairer(lexicons=[whitelist])
    result = r.repair(sample_text)
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
    assert_invariants(text, result)


SHARED_DACMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "spinner-dicts" / "dacms_word.tsv"


@pytest.mark.skipif(not SHARED_DACMS.exists(), reason=f"shared spinner dictionary not found at {SHARED_DACMS}")
def test_clean_text_stays_clean_with_a_big_public_dictionary():
    """dacms lists 仗义执言 as a spun form of 打抱不平; the model has never seen the idiom."""
    lexicon = zhrepair.load_lexicon(SHARED_DACMS, format="tab", direction="original-first")
    r = zhrepair.Repairer(lexicons=[lexicon])
    text = "会上，多国代表发言支持中方立场，苏丹朋友仗义执言。中方愿同各方一道，推动构建人类命运共同体。"
    result = r.repair(text)
    assert result.text == text and not result.edits, result.edits


def test_long_document_is_processed_in_blocks(repairer, sample_text):
    doc = (sample_text + "\n") * 60  # ~140k characters, more than one block
    result = repairer.repair(doc)
    assert_invariants(doc, result)
    assert len(result.edits) > 60 * 300


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
    assert_invariants(sample_text, cleaned)
    removed = [e for e in cleaned.edits if e.kind is EditKind.CHROME]
    assert {e.before.strip() for e in removed} >= {"新闻中心News", "浏览次数:", "返回列表", "搜索"}
    assert "浏览次数" in plain.text and "浏览次数" not in cleaned.text
    # the repeated title goes whole, the article's own edits stay
    assert cleaned.text.count("两翼齐飞") == plain.text.count("两翼齐飞") - 1
    inside = {(e.start, e.after) for e in plain.edits if e.start < 2300}
    assert inside <= {(e.start, e.after) for e in cleaned.edits}


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
    data = pickle.dumps(mine)
    assert len(data) < 200_000  # lexicons and options, not the 17 MB model
    copy = pickle.loads(data)
    assert copy.config == mine.config and not copy.loaded
    assert copy.repair(sample_text).text == mine.repair(sample_text).text
