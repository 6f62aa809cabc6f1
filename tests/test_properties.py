"""Properties of repair on random spun-ish text (hypothesis), through the public API.

Random text is made of the shipped lexicon's spun forms and originals, the char-swap
characters, ordinary words, punctuation, newlines, Latin and code, digits, traditional
characters and emoji. Each property once failed on a fixed ``@example`` kept below, and
holds since the fix (block-local stuffing and script, whitelist over every candidate,
output filters after the context pass).
"""

from __future__ import annotations

from dataclasses import replace

import opencc
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import zhrepair
from conftest import SAMPLE_DIR, check_invariants

_SHIPPED = zhrepair.Repairer()  # lexicons only: the model is never loaded on this one
LEXICON_FORMS = sorted({e.spun for e in _SHIPPED.lexicon} | {e.original for e in _SHIPPED.lexicon if e.original})
SWAP_CHARS = sorted({e.spun for e in _SHIPPED.char_swap_rules} | {e.original for e in _SHIPPED.char_swap_rules})
ORDINARY = ["经济", "社会", "人民", "企业", "的", "了", "和", "是", "在", "我校", "今天", "问题", "闭注", "幼学", "造度",
            "数字经济", "党中央", "工作作风", "关心", "新质"]
PUNCTUATION = ["，", "。", "、", "；", "！", "？", "“", "”", "《", "》", ",", ".", "(", ")", "……", ":"]
OTHER = ["\n", "\n\n", " ", "\t", "A1", "Python", "x = 1", "grep -r", "config.yaml", "https://t.cn/x", "CO2",
         "2024", "3.5%", "１２", "9.3亿", "😀", "🎉", "👍🏽", "𠀀"]
TRADITIONAL = ["發展", "黨築", "機關", "創新", "繁榮", "經濟", "臺灣", "閉節", "結構", "高質地"]

simplified_piece = st.one_of(st.sampled_from(LEXICON_FORMS), st.sampled_from(SWAP_CHARS), st.sampled_from(ORDINARY),
                             st.sampled_from(PUNCTUATION), st.sampled_from(OTHER))
piece = st.one_of(simplified_piece, st.sampled_from(TRADITIONAL))
spun_text = st.lists(piece, max_size=60).map("".join)
simplified_spun_text = st.lists(simplified_piece, max_size=60).map("".join)

S2T, T2S = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
SAMPLE_TEXT = (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8")
FIXTURES = [HealthCheck.function_scoped_fixture]


def shifted(edits, offset: int):
    return tuple(replace(e, start=e.start + offset, end=e.end + offset) for e in edits)


# -------------------------------------------------------------------------- (a) invariants
@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(spun_text)
def test_invariants_hold_on_random_text(repairer, text):
    check_invariants(text, repairer.repair(text))


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(st.text(max_size=80))
def test_invariants_hold_on_arbitrary_unicode(repairer, text):
    check_invariants(text, repairer.repair(text))


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(spun_text, st.booleans(), st.booleans(), st.booleans())
def test_invariants_hold_with_options(repairer, text, remove_chrome, deletions, char_swaps):
    result = repairer.repair(text, remove_chrome=remove_chrome, deletions=deletions, char_swaps=char_swaps)
    check_invariants(text, result)


# ---------------------------------------------------------------------- (b) block invariance
@st.composite
def two_paragraphs(draw, pieces) -> tuple[str, str]:
    """A (999-1400 characters, newlines anywhere) and B (shorter than A + "\\n")."""
    units = draw(st.lists(st.lists(pieces, min_size=3, max_size=30).map("".join), min_size=1, max_size=4))
    unit = "".join(units)
    length = draw(st.integers(999, 1400))
    a = (unit * (length // len(unit) + 1))[:length]
    b = draw(st.lists(pieces, min_size=1, max_size=120).map("".join))
    return a, b


def check_blocks_are_independent(repairer, a: str, b: str, **options) -> None:
    """With block_chars = len(A) + 1 the document A + "\\n" + B splits right after A's
    newline (the last newline in the second half of the first block_chars characters), and
    each block has its own document model: the edits are those of A + "\\n" and of B alone."""
    first = a + "\n"
    block_chars = len(first)
    assert block_chars >= 1000 and 0 < len(b) < block_chars
    whole = repairer.repair(first + b, block_chars=block_chars, **options)
    alone_a = repairer.repair(first, block_chars=block_chars, **options)
    alone_b = repairer.repair(b, block_chars=block_chars, **options)
    assert whole.edits == alone_a.edits + shifted(alone_b.edits, len(first))


# The sample has three 创新 stuffed before punctuation; a first paragraph full of 创新
# makes the whole document's count of the word too high for them to look stuffed.
STUFFING_EXAMPLE = ("\n".join(["坚持创新驱动发展战略。"] * 250), SAMPLE_TEXT)
# A traditional first paragraph turns the second's restorations traditional (我們 for 咱们).
SCRIPT_EXAMPLE = ("\n".join(["經濟繁榮，社會穩定。"] * 91), "咱们要富裕表现市场感化，加紧战略教导，胀吹工业构造优化升级。")


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(two_paragraphs(piece))
@example(STUFFING_EXAMPLE)
@example(SCRIPT_EXAMPLE)
def test_blocks_are_decoded_independently(repairer, paragraphs):
    check_blocks_are_independent(repairer, *paragraphs)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(two_paragraphs(simplified_piece))
def test_blocks_are_decoded_independently_in_simplified_text_without_stuffing(repairer, paragraphs):
    """The same property where neither known leak can act: today's guard of the decoder's
    per-block document model."""
    check_blocks_are_independent(repairer, *paragraphs, deletions=False)


# ------------------------------------------------------- (c) traditional ↔ simplified equivariance
@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(simplified_spun_text)
def test_traditional_input_is_repaired_like_its_simplified_form(repairer, simplified):
    traditional = S2T.convert(simplified)
    assume(len(traditional) == len(simplified))  # offsets compare only when conversion is char for char
    s, t = repairer.repair(simplified), repairer.repair(traditional)
    assert [(e.start, e.end) for e in t.edits] == [(e.start, e.end) for e in s.edits]
    assert [T2S.convert(e.after) for e in t.edits] == [e.after for e in s.edits]


# ------------------------------------------------------------------ (d) explain changes nothing else
@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(spun_text)
def test_output_does_not_depend_on_explain(repairer, text):
    full, bare = repairer.repair(text), repairer.repair(text, explain=False)
    assert bare.text == full.text
    assert bare.edits == tuple(replace(e, alternatives=()) for e in full.edits)
    assert bare.spin_score == full.spin_score


# ------------------------------------------------------------ (e) whitelisted words are never edited
# Spun forms of the shipped lexicon that are also real words, rare forms, char-swap forms
# (闭节, 党筑), a form that is also an original (发展), and 正在 (the spun form of 在).
WHITELISTED = ["繁荣", "改进", "结构", "中央", "闭节", "机闭", "党筑", "正在", "发展", "行动", "程序", "工业", "胀动"]


@pytest.fixture(scope="module")
def whitelisting_repairer():
    return zhrepair.Repairer(lexicons=[zhrepair.Lexicon.from_pairs([(w, w) for w in WHITELISTED], name="mine")]).load()


def occurrences(text: str, word: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(word)
    while i >= 0:
        spans.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return spans


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(st.lists(st.one_of(simplified_piece, st.sampled_from(WHITELISTED)), max_size=60).map("".join))
@example("一块一块闭节")
@example(SAMPLE_TEXT)
def test_whitelisted_words_are_never_edited(whitelisting_repairer, text):
    result = whitelisting_repairer.repair(text)
    protected = [span for w in WHITELISTED for span in occurrences(text, w)]
    touching = [(e.start, e.before, e.after) for e in result.edits for s, t in protected if e.start < t and s < e.end]
    assert not touching


# -------------------------------------------------------- (f) raising min_confidence only removes
@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(spun_text, st.sampled_from([0.0, 0.3, 0.5]), st.floats(0.05, 0.95))
@example(")……,\n(缠绕实施黨築中央《诈欺高質地社会尽力", 0.5, 0.8)  # at 0.9 中央→中心 (0.66) leaves the context: 築中→建中 appears
def test_raising_min_confidence_only_removes_edits(repairer, text, low, step):
    high = low + step * (1.0 - low)
    loose = repairer.repair(text, min_confidence=low)
    strict = repairer.repair(text, min_confidence=high)
    assert {(e.start, e.end, e.after) for e in strict.edits} <= {(e.start, e.end, e.after) for e in loose.edits}
